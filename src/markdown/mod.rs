//! The cleaned DOM → CommonMark, in one iterative walk.
//!
//! Block structure goes to a [`BlockWriter`] (containers, separation); inline content of the
//! current paragraph collects in an [`Inline`] token list and is written when the paragraph
//! ends. Headings and table cells hold one line, so blocks inside them are *flattened*: their
//! boundaries become spaces.

mod blocks;
mod chars;
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
use escape::Ctx;
use inline::{Emph, Inline};
use table::Table;

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
    let mut writer = Writer::new(base.as_deref());
    writer.images = links.images;
    writer.page_folder = links.page_folder;
    writer.blocks = BlockWriter::with_capacity(TYPICAL_OUTPUT);
    writer.walk(root);
    writer.finish()
}

/// What to do when an element's children are done.
#[derive(Clone, Copy, Debug)]
enum Exit {
    Nothing,
    Block,
    Heading(usize),
    List,
    Item { loose_if_empty: bool },
    Quote,
    Wrapper,
    Row,
    Cell { colspan: usize, rowspan: usize },
    Caption,
    Table,
    Preformatted,
}

struct Frame {
    node: Handle,
    next: usize,
    exit: Exit,
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
}

struct Writer<'a> {
    blocks: BlockWriter,
    inline: Inline,
    base: Option<&'a str>,
    /// Above zero inside headings and table cells.
    flat: usize,
    /// Above zero inside a `<pre>` written as text (it holds links or images).
    preformatted: usize,
    lists: Vec<List>,
    table: Option<Table>,
    /// The last list closed: container depth, blocks written by then, marker. A list that
    /// follows it directly must use the other marker or CommonMark merges the two.
    last_list: Option<(usize, usize, char)>,
    images: Images<'a>,
    page_folder: Option<&'a str>,
}

impl<'a> Writer<'a> {
    fn new(base: Option<&'a str>) -> Self {
        Writer {
            blocks: BlockWriter::new(),
            inline: Inline::new(),
            base,
            flat: 0,
            preformatted: 0,
            lists: Vec::new(),
            table: None,
            last_list: None,
            images: Images::AsWritten,
            page_folder: None,
        }
    }

    fn walk(&mut self, root: &Handle) {
        let mut stack = vec![Frame {
            node: root.clone(),
            next: 0,
            exit: Exit::Nothing,
        }];
        while let Some(frame) = stack.last_mut() {
            let child = frame.node.children.borrow().get(frame.next).cloned();
            frame.next += 1;
            let Some(child) = child else {
                if let Some(frame) = stack.pop() {
                    self.exit(frame.exit);
                }
                continue;
            };
            match &child.data {
                NodeData::Text { contents } => self.text(&contents.borrow()),
                NodeData::Element { .. } => {
                    if let Some(exit) = self.enter(&child) {
                        stack.push(Frame {
                            node: child,
                            next: 0,
                            exit,
                        });
                    }
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
        if self.table.as_ref().is_some_and(|t| !t.in_cell) {
            return; // whitespace between rows and cells
        }
        if self.preformatted == 0 {
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
        if self.flat > 0 {
            self.inline.space();
        } else {
            self.inline.hard_break();
        }
    }

    /// Handles an element's start; `None` means its children are not to be visited.
    fn enter(&mut self, node: &Handle) -> Option<Exit> {
        let name = dom::tag(node)?.clone();
        let exit = match name {
            local_name!("p")
            | local_name!("div")
            | local_name!("section")
            | local_name!("article")
            | local_name!("header")
            | local_name!("footer")
            | local_name!("main")
            | local_name!("aside")
            | local_name!("address")
            | local_name!("figure")
            | local_name!("figcaption")
            | local_name!("center")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("summary")
            | local_name!("fieldset")
            | local_name!("legend")
            | local_name!("hgroup")
            | local_name!("body")
            | local_name!("html") => self.block_boundary(),
            local_name!("h1") => self.heading(1),
            local_name!("h2") => self.heading(2),
            local_name!("h3") => self.heading(3),
            local_name!("h4") => self.heading(4),
            local_name!("h5") => self.heading(5),
            local_name!("h6") => self.heading(6),
            local_name!("ul") | local_name!("ol") | local_name!("menu") | local_name!("dir") => {
                self.list(node, name == local_name!("ol"))
            }
            local_name!("li") => self.item(),
            local_name!("blockquote") => self.quote(),
            local_name!("pre") | local_name!("listing") | local_name!("xmp") => {
                if !holds_links_or_images(node) {
                    self.pre(node);
                    return None;
                }
                self.flush();
                self.preformatted += 1;
                Exit::Preformatted
            }
            local_name!("code") | local_name!("kbd") | local_name!("samp") | local_name!("tt") => {
                if holds_links_or_images(node) {
                    Exit::Nothing
                } else {
                    self.inline.code(&dom::text_content(node));
                    return None;
                }
            }
            local_name!("strong") | local_name!("b") => self.emph(Emph::Strong),
            local_name!("em") | local_name!("i") => self.emph(Emph::Em),
            local_name!("del") | local_name!("s") | local_name!("strike") => {
                self.emph(Emph::Strike)
            }
            local_name!("a") => self.link(node),
            local_name!("img") => {
                self.image(node);
                return None;
            }
            local_name!("br") => {
                self.line_break();
                return None;
            }
            local_name!("hr") => {
                self.flush();
                if self.flat == 0 {
                    // `___`: `***` and `---` read as list items' content would, after a `*`
                    // or `-` marker, make the whole line a break instead.
                    self.blocks.block("___");
                }
                return None;
            }
            local_name!("table") => self.table(),
            local_name!("tr") => self.row(),
            local_name!("td") | local_name!("th") => self.cell(node),
            local_name!("caption") => self.caption(),
            local_name!("head")
            | local_name!("script")
            | local_name!("style")
            | local_name!("template")
            | local_name!("title")
            | local_name!("meta")
            | local_name!("link")
            | local_name!("noscript")
            | local_name!("iframe")
            | local_name!("video")
            | local_name!("audio")
            | local_name!("object")
            | local_name!("embed")
            | local_name!("svg")
            | local_name!("input")
            | local_name!("select")
            | local_name!("textarea")
            | local_name!("button")
            | local_name!("colgroup") => return None,
            _ => Exit::Nothing,
        };
        Some(exit)
    }

    fn exit(&mut self, exit: Exit) {
        match exit {
            Exit::Nothing | Exit::Row => {}
            Exit::Block => self.flush(),
            Exit::Heading(level) => self.end_heading(level),
            Exit::List => self.end_list(),
            Exit::Item { loose_if_empty } => {
                self.flush();
                if loose_if_empty && !self.blocks.innermost_started() {
                    self.blocks.loosen();
                }
                self.blocks.pop();
            }
            Exit::Quote => {
                self.flush();
                self.blocks.pop();
            }
            Exit::Wrapper => self.inline.pop_wrapper(),
            Exit::Cell { colspan, rowspan } => self.end_cell(colspan, rowspan),
            Exit::Caption => self.end_caption(),
            Exit::Table => self.end_table(),
            Exit::Preformatted => {
                self.preformatted -= 1;
                self.flush();
            }
        }
    }

    /// Ends the current paragraph (or, in a heading or cell, leaves a space).
    fn flush(&mut self) {
        if self.flat > 0 {
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

    fn block_boundary(&mut self) -> Exit {
        self.flush();
        Exit::Block
    }

    fn heading(&mut self, level: usize) -> Exit {
        if self.flat > 0 {
            return self.block_boundary();
        }
        self.flush();
        self.flat += 1;
        Exit::Heading(level)
    }

    fn end_heading(&mut self, level: usize) {
        self.flat -= 1;
        let text = render::line(self.inline.finish(), Ctx::Heading);
        let hashes = "#".repeat(level);
        if text.is_empty() {
            self.blocks.block(&hashes);
        } else {
            self.blocks.block(&format!("{hashes} {text}"));
        }
    }

    fn list(&mut self, node: &Handle, ordered: bool) -> Exit {
        if self.flat > 0 {
            return self.block_boundary();
        }
        self.flush();
        let start = if ordered {
            dom::attr(node, "start")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(1)
                .min(999_999_000)
        } else {
            1
        };
        // Bullets change with nesting so that empty nested items (`- - -`) never make a
        // thematic break; a list right after another of its kind takes the next one so the two
        // stay two lists.
        let level = self.lists.len();
        let (plain, other) = if ordered {
            ('.', ')')
        } else {
            (bullet(level), bullet(level + 1))
        };
        let follows_list = self.last_list.is_some_and(|(depth, blocks, marker)| {
            depth == self.blocks.depth()
                && blocks == self.blocks.blocks_written()
                && marker == plain
        });
        self.lists.push(List {
            ordered,
            next: start,
            marker: if follows_list { other } else { plain },
            items: 0,
            nested: self.blocks.in_started_item() && start == 1,
            depth: self.blocks.depth(),
        });
        Exit::List
    }

    fn end_list(&mut self) {
        self.flush();
        if let Some(list) = self.lists.pop().filter(|list| list.items > 0) {
            self.last_list = Some((
                self.blocks.depth(),
                self.blocks.blocks_written(),
                list.marker,
            ));
        }
    }

    fn item(&mut self) -> Exit {
        if self.flat > 0 {
            return self.block_boundary();
        }
        self.flush();
        let depth = self.blocks.depth();
        // Next line only right after this list's previous item, or for a first item, right
        // after the text of the item the list is in. Only the first kind may stay tight when
        // empty: a bare marker under text could underline it as a heading.
        let (marker, tight, loose_if_empty) =
            match self.lists.last_mut().filter(|list| list.depth == depth) {
                Some(list) => {
                    list.items += 1;
                    let after_sibling = list.items > 1 && self.blocks.last_block_depth() > depth;
                    let under_text = list.items == 1 && list.nested;
                    let marker = if list.ordered {
                        // CommonMark reads at most 9 digits; only the first number counts
                        let number = list.next.min(999_999_999);
                        list.next += 1;
                        format!("{number}{}", list.marker)
                    } else {
                        list.marker.to_string()
                    };
                    (marker, after_sibling || under_text, under_text)
                }
                None => {
                    let under_text = self.blocks.in_started_item();
                    (bullet(self.lists.len()).to_string(), under_text, under_text)
                }
            };
        if tight {
            self.blocks.tight();
        }
        self.blocks.push_item(&marker);
        Exit::Item { loose_if_empty }
    }

    fn quote(&mut self) -> Exit {
        if self.flat > 0 {
            return self.block_boundary();
        }
        self.flush();
        self.blocks.push_quote();
        Exit::Quote
    }

    fn emph(&mut self, emph: Emph) -> Exit {
        self.inline.push_emph(emph);
        Exit::Wrapper
    }

    fn link(&mut self, node: &Handle) -> Exit {
        let target = match dom::attr(node, "href").map(|h| self.target(&h)) {
            Some(url::Target::Url(target)) if !target.is_empty() => target,
            _ => return Exit::Nothing,
        };
        let title = dom::attr_string(node, "title").map(|t| collapse(&t));
        self.inline.push_link(target, title);
        Exit::Wrapper
    }

    /// A file a browser saved beside the page is linked where it lies; any other URL is
    /// made absolute against the page's.
    fn target(&self, href: &str) -> url::Target {
        match url::saved_beside(href) {
            Some(path) => url::Target::Url(match self.page_folder {
                Some(folder) => format!("{}/{path}", folder.trim_end_matches('/')),
                None => href.trim().to_string(),
            }),
            None => url::target(href, self.base),
        }
    }

    fn image(&mut self, node: &Handle) {
        let saved = dom::attr(node, "src").is_some_and(|s| url::saved_beside(&s).is_some());
        let src = match dom::attr(node, "src").map(|s| self.target(&s)) {
            Some(url::Target::Url(src)) if !src.is_empty() && saved => src,
            Some(url::Target::Url(src)) if !src.is_empty() => match self.images {
                Images::AsWritten => src,
                Images::Base(base) => url::rebase(&src, base).unwrap_or(src),
                Images::Mirror(dir) => url::mirror(&src, dir).unwrap_or(src),
            },
            _ => return,
        };
        let alt = dom::attr(node, "alt")
            .map(|a| collapse(&a))
            .unwrap_or_default();
        let title = dom::attr_string(node, "title").map(|t| collapse(&t));
        self.inline.image(alt, src, title);
    }

    fn pre(&mut self, node: &Handle) {
        let code = pre_text(node);
        if self.flat > 0 {
            self.inline.code(&code);
            return;
        }
        self.flush();
        // Blank lines at either end show nothing; inside, they are the code's own.
        let code = code.trim_end_matches(['\n', ' ', '\t']);
        let code = code.trim_start_matches('\n');
        if code.trim().is_empty() {
            return;
        }
        let fence = "`".repeat(escape::longest_run(code, '`').max(2) + 1);
        let info = code_language(node).unwrap_or_default();
        self.blocks
            .block(&format!("{fence}{info}\n{code}\n{fence}"));
    }

    fn in_table(&self) -> bool {
        self.flat == 0 && self.table.as_ref().is_some_and(|t| !t.in_cell)
    }

    fn table(&mut self) -> Exit {
        if self.flat > 0 || self.table.is_some() {
            return self.block_boundary();
        }
        self.flush();
        self.table = Some(Table::default());
        Exit::Table
    }

    fn row(&mut self) -> Exit {
        if !self.in_table() {
            return self.block_boundary();
        }
        if let Some(table) = &mut self.table {
            table.start_row();
        }
        Exit::Row
    }

    fn cell(&mut self, node: &Handle) -> Exit {
        if !self.in_table() {
            return self.block_boundary();
        }
        if let Some(table) = &mut self.table {
            table.in_cell = true;
        }
        self.flat += 1;
        let span = |name| {
            dom::attr(node, name)
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(1)
        };
        Exit::Cell {
            colspan: span("colspan"),
            rowspan: span("rowspan"),
        }
    }

    fn end_cell(&mut self, colspan: usize, rowspan: usize) {
        self.flat -= 1;
        let text = render::line(self.inline.finish(), Ctx::Cell);
        if let Some(table) = &mut self.table {
            table.in_cell = false;
            table.push_cell(text, colspan, rowspan);
        }
    }

    fn caption(&mut self) -> Exit {
        if !self.in_table() {
            return self.block_boundary();
        }
        if let Some(table) = &mut self.table {
            table.in_cell = true;
        }
        self.flat += 1;
        Exit::Caption
    }

    fn end_caption(&mut self) {
        self.flat -= 1;
        let toks = self.inline.finish();
        if let Some(table) = &mut self.table {
            table.in_cell = false;
            table.caption = render::paragraphs(toks).into_iter().next();
        }
    }

    fn end_table(&mut self) {
        let Some(table) = self.table.take() else {
            return;
        };
        if let Some(caption) = &table.caption {
            self.blocks.block(caption);
        }
        if let Some(text) = table.to_markdown() {
            self.blocks.block(&text);
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

/// The text of a `<pre>`, line breaks kept; `<br>` and block starts inside it are line breaks.
fn pre_text(node: &Handle) -> String {
    let mut out = String::new();
    dom::for_each_descendant(node, |n| {
        match &n.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            NodeData::Element { name, .. } => match name.local {
                local_name!("br") => out.push('\n'),
                local_name!("p") | local_name!("div") | local_name!("li") | local_name!("tr")
                    if !out.is_empty() && !out.ends_with('\n') =>
                {
                    out.push('\n');
                }
                local_name!("script") | local_name!("style") => return dom::Walk::Skip,
                _ => {}
            },
            _ => {}
        }
        dom::Walk::Continue
    });
    out
}

/// `language-rust` / `lang-rust` on the `<pre>` or its `<code>`.
fn code_language(node: &Handle) -> Option<String> {
    let code = dom::find_descendant(node, |n| dom::is_tag(n, &local_name!("code")));
    [Some(node.clone()), code]
        .into_iter()
        .flatten()
        .find_map(|n| {
            let class = dom::attr(&n, "class")?.to_string();
            class.split_ascii_whitespace().find_map(|token| {
                let lang = token
                    .strip_prefix("language-")
                    .or_else(|| token.strip_prefix("lang-"))?;
                let ok = !lang.is_empty()
                    && lang.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '#' | '.')
                    });
                ok.then(|| lang.to_string())
            })
        })
}

/// Attribute text with whitespace runs collapsed to one space, as it would display.
fn collapse(text: &str) -> String {
    text.split(inline::is_html_space)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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
