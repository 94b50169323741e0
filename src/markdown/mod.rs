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
    /// The run's other articles, which links to them point at (`--local-links`).
    pub local: Option<&'a crate::links::LocalLinks>,
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
        let blocks = &mut self.blocks;
        render::paragraphs(self.inline.finish(), &mut |p| blocks.block(&p));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The body's Markdown, no page around it.
    fn md(html: &str) -> String {
        let document = crate::parse::parse_html(html);
        let links = Links {
            base: None,
            images: Images::AsWritten,
            page_folder: None,
            local: None,
        };
        to_markdown(&document, &links)
    }

    #[test]
    fn code_blocks_keep_their_whitespace() {
        assert_eq!(md("<pre><code>foo  \n</code></pre>"), "```\nfoo  \n```\n");
        // the parser drops the newline right after `<pre>`; one after `<code>` is content
        assert_eq!(
            md("<pre><code>\n```\naaa\n</code></pre>"),
            "````\n\n```\naaa\n````\n"
        );
        assert_eq!(md("<pre><code>b\n\n\n</code></pre>"), "```\nb\n\n\n```\n");
    }

    #[test]
    fn empty_code_blocks_stay() {
        assert_eq!(md("<pre><code></code></pre>"), "```\n```\n");
        assert_eq!(md("<pre><code>\n  \n</code></pre>"), "```\n\n  \n```\n");
    }

    #[test]
    fn fences_and_other_block_starts_in_text_are_escaped() {
        assert_eq!(md("<p>~~~ x</p><p>y</p>"), "\\~\\~\\~ x\n\ny\n");
        assert_eq!(md("<p>a<br>~~~</p><p>b</p>"), "a\\\n\\~\\~\\~\n\nb\n");
        assert_eq!(md("<p>a<br>```</p>"), "a\\\n\\`\\`\\`\n");
        assert_eq!(md("<ul><li>~~~</li></ul>"), "- \\~\\~\\~\n");
    }

    #[test]
    fn empty_links_stay_links() {
        assert_eq!(md("<p><a href=\"x\"></a></p>"), "[](x)\n");
        assert_eq!(md("<p>a <a href=\"x\">\n</a></p>"), "a [](x)\n");
        assert_eq!(md("<p><a href=\"\">here</a></p>"), "[here](<>)\n");
    }

    #[test]
    fn nested_emphasis_of_one_kind_nests() {
        assert_eq!(md("<p><em>a <em>b</em> c</em></p>"), "*a _b_ c*\n");
        assert_eq!(
            md("<p><strong><strong>x</strong></strong></p>"),
            "**__x__**\n"
        );
        assert_eq!(md("<p><em>(<em>foo</em>)</em></p>"), "*(_foo_)*\n");
    }

    #[test]
    fn nested_emphasis_gives_way_where_it_cannot_stand() {
        // the third level is the first again; `_` cannot open between letters
        assert_eq!(md("<p><em><em><em>甲</em></em>a</em></p>"), "*甲a*\n");
        assert_eq!(md("<p>甲<b><b>a</b></b></p>"), "甲**a**\n");
        assert_eq!(
            md("<p><b><strong><b>甲</b></strong><a href=\"https://x.org\">甲</a></b></p>"),
            "**__甲__[甲](https://x.org)**\n"
        );
        // punctuation moves out first; then both levels stand
        assert_eq!(
            md("<p><strong><strong>封号？</strong></strong>为何</p>"),
            "**__封号__**？为何\n"
        );
    }

    #[test]
    fn a_break_inside_emphasis_keeps_it_whole() {
        assert_eq!(md("<p><em>foo<br>bar</em></p>"), "*foo\\\nbar*\n");
    }

    #[test]
    fn newlines_in_alt_and_title_are_kept() {
        assert_eq!(
            md("<p><a href=\"/u\" title=\"a\nb\">x</a></p>"),
            "[x](/u \"a&#10;b\")\n"
        );
        assert_eq!(
            md("<p><img src=\"i.png\" alt=\"a\nb\"></p>"),
            "![a&#10;b](i.png)\n"
        );
    }

    #[test]
    fn loose_lists_stay_loose_and_tight_ones_tight() {
        assert_eq!(
            md("<ul><li><p>a</p></li><li><p>b</p></li></ul>"),
            "- a\n\n- b\n"
        );
        assert_eq!(
            md("<ul><li>a<blockquote><p>b</p></blockquote></li><li>c</li></ul>"),
            "- a\n  > b\n- c\n"
        );
        assert_eq!(md("<ul><li><h2>A</h2>b</li></ul>"), "- ## A\n  b\n");
    }

    #[test]
    fn code_spans_of_spaces_stay() {
        assert_eq!(md("<p><code> </code> a</p>"), "` ` a\n");
    }
}
