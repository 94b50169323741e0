//! The cleaned DOM → CommonMark, in one iterative walk.
//!
//! Each element is written by its handler in `element/` (one file per element or family),
//! driven by the walk below from an explicit stack. Block structure goes to a [`BlockWriter`]
//! (containers, separation); inline content of the current paragraph collects in an
//! [`Inline`] token list and is written when the paragraph ends. Headings and table cells hold
//! one line, so blocks inside them are *flattened*: their boundaries become spaces. What the
//! handlers share beyond that is the [`Context`].

mod blocks;
mod chars;
mod element;
mod emphasis;
mod escape;
mod inline;
mod render;
mod table;

use html5ever::local_name;
use markup5ever_rcdom::{Handle, NodeData};

use crate::dom;
use crate::url;
use blocks::BlockWriter;
use element::{Element, Visit};
use escape::Ctx;
use inline::Inline;

/// Where image URLs point in the Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Images<'a> {
    AsWritten,
    /// `https://HOST/PATH` → `BASE/PATH`.
    Base(&'a str),
    /// `https://HOST/PATH` → `DIR/HOST/PATH`.
    Mirror(&'a str),
}

/// Where the links and images of the Markdown point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Links<'a> {
    /// The page's URL, which makes relative links absolute.
    pub base: Option<&'a str>,
    pub images: Images<'a>,
    /// The page's folder seen from the Markdown's, for files saved beside the page.
    pub page_folder: Option<&'a str>,
}

/// Converts the children of `root` (the cleaned article) to Markdown.
pub(crate) fn to_markdown(root: &Handle, links: &Links<'_>) -> String {
    let base = links.base.and_then(url::base);
    let links = Links {
        base: base.as_deref(),
        ..*links
    };
    let mut writer = Writer {
        blocks: BlockWriter::with_capacity(TYPICAL_OUTPUT),
        inline: Inline::new(),
        cx: Context::new(links),
    };
    writer.walk(root);
    writer.finish()
}

#[derive(Debug)]
struct List {
    ordered: bool,
    next: u64,
    marker: char,
    items: usize,
    /// Whether the list sits in a list item that already has content: its first item then
    /// follows on the next line.
    nested: bool,
    /// Container depth of its items; an `<li>` deeper than that (inside a `<figure>` in an
    /// item, say) is not one of them.
    depth: usize,
    /// Its items hold paragraphs (`<li><p>`): blank lines between them, as CommonMark
    /// writes such a list.
    loose: bool,
}

/// What handlers share beyond the block and inline writers.
struct Context<'a> {
    /// Above zero inside headings and table cells, whose content is one line.
    one_line: usize,
    /// Above zero inside a `<pre>` written as text (it holds links or images).
    preformatted: usize,
    lists: Vec<List>,
    /// For each open list item: whether it must be loose should it stay empty.
    items: Vec<bool>,
    table: Option<table::Table>,
    /// The last list closed: container depth, blocks written by then, marker. A list that
    /// follows it directly must use the other marker or CommonMark merges the two.
    last_list: Option<(usize, usize, char)>,
    /// Where links point; `base` is the page URL's base for relative links.
    links: Links<'a>,
}

impl<'a> Context<'a> {
    fn new(links: Links<'a>) -> Self {
        Context {
            one_line: 0,
            preformatted: 0,
            lists: Vec::new(),
            items: Vec::new(),
            table: None,
            last_list: None,
            links,
        }
    }
}

struct Frame {
    node: Handle,
    next: usize,
    handler: Option<&'static dyn Element>,
}

struct Writer<'a> {
    blocks: BlockWriter,
    inline: Inline,
    cx: Context<'a>,
}

impl Writer<'_> {
    fn walk(&mut self, root: &Handle) {
        let mut stack = vec![Frame {
            node: root.clone(),
            next: 0,
            handler: None,
        }];
        while let Some(frame) = stack.last_mut() {
            let child = frame.node.children.borrow().get(frame.next).cloned();
            frame.next += 1;
            let Some(child) = child else {
                if let Some(frame) = stack.pop()
                    && let Some(handler) = frame.handler
                {
                    handler.exit(self, &frame.node);
                }
                continue;
            };
            match &child.data {
                NodeData::Text { contents } => self.text(&contents.borrow()),
                NodeData::Element { name, .. } => {
                    let handler = element::for_tag(&name.local);
                    let exit = match handler.enter(self, &child) {
                        Visit::Children => handler,
                        Visit::ChildrenAs(other) => other,
                        Visit::Done => continue,
                    };
                    stack.push(Frame {
                        node: child,
                        next: 0,
                        handler: Some(exit),
                    });
                }
                _ => {}
            }
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        self.blocks.finish()
    }

    fn text(&mut self, text: &str) {
        if self.cx.table.as_ref().is_some_and(|t| !t.in_cell) {
            return; // whitespace between rows and cells
        }
        if self.cx.preformatted == 0 {
            self.inline.text(text);
            return;
        }
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.line_break();
            }
            self.inline.text(line);
        }
    }

    fn line_break(&mut self) {
        if self.cx.one_line > 0 {
            self.inline.space();
        } else {
            self.inline.hard_break();
        }
    }

    /// Ends the current paragraph (or, in a heading or cell, leaves a space).
    fn flush(&mut self) {
        if self.cx.one_line > 0 {
            self.inline.space();
            return;
        }
        if self.inline.is_empty() {
            self.inline.finish();
            return;
        }
        for paragraph in render::paragraphs(self.inline.finish()) {
            self.blocks.block(&paragraph);
        }
    }

    /// A file a browser saved beside the page is linked where it lies; any other URL is
    /// made absolute against the page's.
    fn target(&self, href: &str) -> url::Target {
        match url::saved_beside(href) {
            Some(path) => url::Target::Url(match self.cx.links.page_folder {
                Some(folder) => format!("{}/{path}", folder.trim_end_matches('/')),
                None => href.trim().to_string(),
            }),
            None => url::target(href, self.cx.links.base),
        }
    }
}

fn bullet(level: usize) -> char {
    ['-', '*', '+'][level % 3]
}

/// Code cannot show a link or an image, so a `<pre>` or `<code>` holding them is written as
/// text (a `<pre>` with its line breaks kept) instead.
fn holds_links_or_images(pre: &Handle) -> bool {
    dom::find_descendant(pre, |n| {
        dom::is_tag(n, &local_name!("img"))
            || (dom::is_tag(n, &local_name!("a")) && dom::attr(n, "href").is_some())
    })
    .is_some()
}

/// Room for a typical article's Markdown from the start, so the output is not regrown a dozen
/// times on the way.
const TYPICAL_OUTPUT: usize = 16 * 1024;

/// A two-column table of labelled values under a heading (`--keep-card`'s card): each row a
/// label, a text, and the URL the text links to.
pub(crate) fn label_table(heading: &str, rows: &[(String, String, Option<String>)]) -> String {
    let cell = |text: &str, url: Option<&str>| {
        let mut inline = Inline::new();
        if let Some(url) = url {
            inline.push_link(url.to_string(), None);
        }
        inline.text(text);
        if url.is_some() {
            inline.pop_wrapper();
        }
        render::line(inline.finish(), Ctx::Cell)
    };
    let mut table = table::Table::default();
    table.push_cell(cell(heading, None), 2, 1);
    for (label, text, url) in rows.iter().filter(|(_, text, _)| !text.is_empty()) {
        table.start_row();
        table.push_cell(cell(label, None), 1, 1);
        table.push_cell(cell(text, url.as_deref()), 1, 1);
    }
    table.to_markdown().unwrap_or_default()
}

/// Plain text written as the content of an ATX heading (a page title above the body).
pub(crate) fn heading_text(text: &str) -> String {
    let mut inline = Inline::new();
    inline.text(text);
    render::line(inline.finish(), Ctx::Heading)
}
