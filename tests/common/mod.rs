//! A second, independent reading of pages, for tests: what a reader of the input HTML sees
//! (text, links, images, emphasis, structure), and what a reader of the Markdown sees once a
//! CommonMark renderer (pulldown-cmark) has rendered it. Deliberately simple and written apart
//! from the converter, so the two can disagree.

#![allow(dead_code)]

use std::collections::HashSet;
use std::rc::Rc;

use html5ever::tendril::TendrilSink;
use html5ever::tree_builder::TreeBuilderOpts;
use html5ever::{ParseOpts, parse_document};
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub links: usize,
    pub images: usize,
    pub bold: usize,
    pub italic: usize,
    pub headings: usize,
    pub list_items: usize,
    pub quotes: usize,
    pub cells: usize,
}

#[derive(Debug, Default)]
pub struct Reading {
    /// Visible text with all whitespace removed.
    pub text: String,
    pub counts: Counts,
    /// `youtube:ID` or URL of embedded players: their link text is the converter's choice.
    pub embeds: HashSet<String>,
    /// Link targets (players as their `embed_key`) and image sources, in document order.
    pub links: Vec<String>,
    pub images: Vec<String>,
}

// ---------------------------------------------------------------- input side

fn parse(html: &str) -> Handle {
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    parse_document(RcDom::default(), opts).one(html).document
}

fn name(node: &Handle) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

fn name_of(node: &Handle) -> String {
    name(node).unwrap_or_default()
}

fn attr(node: &Handle, key: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

fn class_has(node: &Handle, prefix: &str) -> bool {
    attr(node, "class").is_some_and(|c| c.split_whitespace().any(|t| t.starts_with(prefix)))
}

/// All nodes in document order (test pages are small; recursion depth is the page's).
fn descendants(node: &Handle, out: &mut Vec<Handle>) {
    for child in node.children.borrow().iter() {
        out.push(child.clone());
        descendants(child, out);
    }
}

fn text_of(node: &Handle) -> String {
    let mut all = Vec::new();
    descendants(node, &mut all);
    all.iter()
        .filter_map(|n| match &n.data {
            NodeData::Text { contents } => Some(contents.borrow().to_string()),
            _ => None,
        })
        .collect()
}

fn parent(node: &Handle) -> Option<Handle> {
    let weak = node.parent.take();
    let parent = weak.as_ref().and_then(|w| w.upgrade());
    node.parent.set(weak);
    parent
}

fn remove(node: &Handle) {
    if let Some(p) = parent(node) {
        p.children.borrow_mut().retain(|c| !Rc::ptr_eq(c, node));
    }
}

fn replace_with_text(node: &Handle, text: &str) {
    if let Some(p) = parent(node) {
        let new = markup5ever_rcdom::Node::new(NodeData::Text {
            contents: std::cell::RefCell::new(text.into()),
        });
        for child in p.children.borrow_mut().iter_mut() {
            if Rc::ptr_eq(child, node) {
                *child = new.clone();
            }
        }
    }
}

/// Header lines above the HTML (shapes A and B), as the issue describes them.
pub fn split_page(raw: &str) -> String {
    let raw = raw.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let lines: Vec<&str> = raw.split('\n').collect();
    let mut i = 0;
    if lines
        .first()
        .is_some_and(|l| l.trim().starts_with("<!--") && l.trim().ends_with("-->"))
    {
        i = 1;
    }
    if lines.get(i).is_some_and(|l| l.starts_with('['))
        && lines
            .get(i + 1)
            .is_some_and(|l| l.trim().starts_with("---"))
    {
        i += 2;
        if lines.get(i).is_some_and(|l| l.starts_with("日期")) {
            i += 1;
        }
        return lines[i..].join("\n");
    }
    raw
}

fn cf_decode(hex: &str) -> Option<String> {
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    let key = *bytes.first()?;
    String::from_utf8(bytes[1..].iter().map(|b| b ^ key).collect()).ok()
}

const SHARE: [&str; 6] = [
    "facebook.com/sharer",
    "twitter.com/intent",
    "service.weibo.com/share",
    "t.me/share",
    "line.me/lineit/share",
    "addtoany.com",
];

/// Removes from the input what the issue calls junk, so what remains is the article.
fn strip_junk(body: &Handle) {
    let mut all = Vec::new();
    descendants(body, &mut all);
    for node in &all {
        let Some(tag) = name(node) else { continue };
        let junk = matches!(tag.as_str(), "script" | "style" | "noscript" | "template")
            || class_has(node, "addtoany")
            || class_has(node, "a2a_")
            || class_has(node, "sharedaddy")
            || class_has(node, "jp-relatedposts")
            || attr(node, "id").as_deref() == Some("jp-relatedposts")
            || (tag == "a"
                && attr(node, "href").is_some_and(|h| SHARE.iter().any(|s| h.contains(s))))
            || (tag == "iframe" && class_has(node, "wp-embedded-content"));
        if junk {
            remove(node);
            continue;
        }
        if class_has(node, "su-spoiler") && text_of(node).contains("档案卡") {
            let wrapper = parent(node).filter(|p| {
                name(p).as_deref() == Some("div") && text_of(p).trim() == text_of(node).trim()
            });
            remove(&wrapper.unwrap_or_else(|| node.clone()));
            continue;
        }
        if tag == "p" {
            let text = text_of(node);
            if text.contains("Feed enhanced by") {
                remove(node);
            } else if text.trim_start().starts_with('©') && text.contains("Permalink") {
                if let Some(p) = parent(node) {
                    let siblings = p.children.borrow().clone();
                    let at = siblings
                        .iter()
                        .position(|c| Rc::ptr_eq(c, node))
                        .unwrap_or(0);
                    if let Some(hr) = siblings[..at].iter().rev().find(|c| name(c).is_some())
                        && name(hr).as_deref() == Some("hr")
                    {
                        remove(hr);
                    }
                }
                remove(node);
            }
        }
        if class_has(node, "__cf_email__")
            && let Some(address) = attr(node, "data-cfemail").and_then(|h| cf_decode(&h))
        {
            replace_with_text(node, &address);
        } else if let Some(href) = attr(node, "href")
            && let Some((_, hex)) = href.split_once("/cdn-cgi/l/email-protection#")
            && let Some(address) = cf_decode(hex)
            && text_of(node).contains("protected")
        {
            node.children.borrow_mut().clear();
            let text = markup5ever_rcdom::Node::new(NodeData::Text {
                contents: std::cell::RefCell::new(address.as_str().into()),
            });
            node.children.borrow_mut().push(text);
        }
    }
}

fn real_src(img: &Handle) -> Option<String> {
    let src = attr(img, "src").unwrap_or_default();
    if !src.trim().is_empty() && !src.starts_with("data:") {
        return Some(src);
    }
    [
        "data-lazy-src",
        "data-src",
        "data-original",
        "data-lazy-srcset",
        "srcset",
    ]
    .iter()
    .find_map(|k| attr(img, k).filter(|v| !v.trim().is_empty() && !v.starts_with("data:")))
}

pub fn embed_key(url: &str) -> String {
    for marker in [
        "youtube.com/embed/",
        "youtube.com/watch?v=",
        "youtube-nocookie.com/embed/",
    ] {
        if let Some((_, rest)) = url.split_once(marker) {
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                .collect();
            return format!("youtube:{id}");
        }
    }
    url.split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/')
        .to_string()
}

fn strip_ws(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
                )
        })
        .collect()
}

/// Cells as a pipe table shows them: every row as wide as the widest. Cells of tables inside
/// cells are flattened into the outer cell, so they do not count.
fn pipe_table_cells(table: &Handle) -> usize {
    let mut inside = Vec::new();
    descendants(table, &mut inside);
    let nested_table = |n: &Handle| {
        let mut up = parent(n);
        while let Some(a) = up {
            if Rc::ptr_eq(&a, table) {
                return false;
            }
            if name(&a).as_deref() == Some("table") {
                return true;
            }
            up = parent(&a);
        }
        false
    };
    if nested_table(table) {
        return 0;
    }
    let rows: Vec<usize> = inside
        .iter()
        .filter(|n| name(n).as_deref() == Some("tr") && !nested_table(n))
        .map(|row| {
            row.children
                .borrow()
                .iter()
                .filter(|c| matches!(name(c).as_deref(), Some("td" | "th")))
                .count()
        })
        .filter(|&cells| cells > 0)
        .collect();
    rows.len() * rows.iter().max().copied().unwrap_or(0)
}

const BLOCKS: [&str; 22] = [
    "body",
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
];

/// Runs of emphasised text holding a letter or digit: adjacent emphasis joins, a run never
/// crosses a block, a `<br>` or an image.
fn emphasis_runs(body: &Handle, tags: &[&str]) -> usize {
    let mut all = Vec::new();
    descendants(body, &mut all);
    let mut runs = RunCounter::default();
    for node in &all {
        match &node.data {
            NodeData::Element { name, .. } => {
                // In a heading or a cell a line break can only be a space.
                let flat = || {
                    let mut up = parent(node);
                    while let Some(a) = up {
                        if matches!(
                            name_of(&a).as_str(),
                            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "td" | "th"
                        ) {
                            return true;
                        }
                        up = parent(&a);
                    }
                    false
                };
                let closes = match &*name.local {
                    "img" | "hr" => true,
                    "br" => !flat(),
                    _ => false,
                };
                if closes {
                    runs.close();
                }
            }
            NodeData::Text { contents } => {
                let mut emph = false;
                let mut code = false;
                let mut block = None;
                let mut up = parent(node);
                while let Some(a) = up {
                    let tag = name(&a).unwrap_or_default();
                    emph |= tags.contains(&tag.as_str());
                    // Code shows no emphasis inside it (unless it holds links or images and is
                    // written as text); a code block none around it either.
                    let code_like = matches!(tag.as_str(), "pre" | "code" | "kbd" | "samp" | "tt")
                        && !holds_links_or_images(&a);
                    if code_like {
                        emph = false;
                    }
                    code |= code_like && tag == "pre";
                    if block.is_none() && BLOCKS.contains(&tag.as_str()) {
                        block = Some(Rc::as_ptr(&a) as usize);
                    }
                    // blocks inside a heading or a cell are flattened into it
                    if matches!(
                        tag.as_str(),
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "td" | "th"
                    ) {
                        block = Some(Rc::as_ptr(&a) as usize);
                    }
                    up = parent(&a);
                }
                runs.text(&contents.borrow(), emph && !code, block.unwrap_or(0));
            }
            _ => {}
        }
    }
    runs.finish()
}

fn holds_links_or_images(node: &Handle) -> bool {
    let mut inside = Vec::new();
    descendants(node, &mut inside);
    inside.iter().any(|n| match name(n).as_deref() {
        Some("img") => true,
        Some("a") => attr(n, "href").is_some(),
        _ => false,
    })
}

#[derive(Default)]
struct RunCounter {
    count: usize,
    open: Option<usize>,
    has_word: bool,
}

impl RunCounter {
    fn close(&mut self) {
        if self.open.is_some() && self.has_word {
            self.count += 1;
        }
        self.open = None;
        self.has_word = false;
    }

    fn text(&mut self, text: &str, emph: bool, block: usize) {
        if !emph {
            if !text.trim().is_empty() || self.open != Some(block) {
                self.close();
            }
            return;
        }
        if self.open != Some(block) {
            self.close();
            self.open = Some(block);
        }
        self.has_word |= text.chars().any(|c| c.is_alphanumeric());
    }

    fn finish(mut self) -> usize {
        self.close();
        self.count
    }
}

/// Whether the page, as an HTML parser reads it (character references decoded, attributes
/// included), holds U+FFFD: `&#0;`, `&#xD800;` and the like decode to it by the HTML spec.
pub fn parses_to_replacement_char(raw: &[u8]) -> bool {
    let raw = String::from_utf8_lossy(raw);
    if raw.contains('\u{fffd}') {
        return true;
    }
    // the HTML below the header, which is what gets parsed
    let document = parse(&split_page(&raw));
    let mut all = Vec::new();
    descendants(&document, &mut all);
    all.iter().any(|n| match &n.data {
        NodeData::Text { contents } => contents.borrow().contains('\u{fffd}'),
        NodeData::Element { attrs, .. } => {
            attrs.borrow().iter().any(|a| a.value.contains('\u{fffd}'))
        }
        _ => false,
    })
}

/// What a reader of the saved page sees.
pub fn read_input(raw: &[u8]) -> Reading {
    let raw = String::from_utf8_lossy(raw);
    let document = parse(&split_page(&raw));
    let mut all = Vec::new();
    descendants(&document, &mut all);
    let body = all
        .iter()
        .find(|n| name(n).as_deref() == Some("body"))
        .cloned()
        // rcdom's Drop empties every descendant, shared or not: the document must outlive
        // the body taken from it.
        .unwrap_or_else(|| document.clone());
    strip_junk(&body);

    let mut nodes = Vec::new();
    descendants(&body, &mut nodes);
    let mut reading = Reading {
        text: strip_ws(&text_of(&body)),
        ..Reading::default()
    };
    let c = &mut reading.counts;
    for node in &nodes {
        let Some(tag) = name(node) else { continue };
        match tag.as_str() {
            "a" => {
                let href = attr(node, "href").unwrap_or_default();
                // a link around nothing at all is written (`[](url)`); one around spaces goes
                let only_spaces = node.children.borrow().iter().all(|c| match &c.data {
                    NodeData::Text { contents } => {
                        contents.borrow().bytes().all(|b| b.is_ascii_whitespace())
                    }
                    _ => false,
                });
                let visible = only_spaces || !strip_ws(&text_of(node)).is_empty() || {
                    let mut inner = Vec::new();
                    descendants(node, &mut inner);
                    inner.iter().any(|n| name(n).as_deref() == Some("img"))
                };
                if !href.trim().is_empty()
                    && !href.starts_with('#')
                    && !href
                        .trim_start()
                        .to_ascii_lowercase()
                        .starts_with("javascript:")
                    && visible
                {
                    c.links += 1;
                    // Cloudflare's protected address is the mailto: it hides
                    let href = match href.split_once("/cdn-cgi/l/email-protection#") {
                        Some((_, hex)) => {
                            cf_decode(hex).map_or(href.clone(), |a| format!("mailto:{a}"))
                        }
                        None => href,
                    };
                    reading.links.push(href);
                }
            }
            "iframe" => {
                let src = ["src", "data-lazy-src", "data-src"]
                    .iter()
                    .filter_map(|k| attr(node, k))
                    .find(|s| s.starts_with("http") || s.starts_with("//"));
                if let Some(src) = src {
                    c.links += 1;
                    reading.embeds.insert(embed_key(&src));
                    reading.links.push(src);
                }
            }
            "img" => {
                if let Some(src) = real_src(node) {
                    c.images += 1;
                    // a srcset's first candidate
                    let src = src
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    reading.images.push(src);
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => c.headings += 1,
            "li" => c.list_items += 1,
            "blockquote" => c.quotes += 1,
            "table" => c.cells += pipe_table_cells(node),
            _ => {}
        }
    }
    c.bold = emphasis_runs(&body, &["strong", "b"]);
    c.italic = emphasis_runs(&body, &["em", "i"]);
    reading
}

// ---------------------------------------------------------------- output side

/// Splits off the front matter: `(yaml, body)`.
pub fn split_front_matter(markdown: &str) -> (Option<&str>, &str) {
    if let Some(rest) = markdown.strip_prefix("---\n") {
        if let Some(body) = rest.strip_prefix("---\n") {
            return (Some(""), body);
        }
        if let Some(end) = rest.find("\n---\n") {
            return (Some(&rest[..end + 1]), &rest[end + 5..]);
        }
    }
    (None, markdown)
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// What a reader of the rendered Markdown sees. `embeds` are the input's players, whose link
/// text is left out of the text.
pub fn read_markdown(body: &str, embeds: &HashSet<String>) -> Reading {
    let mut reading = Reading::default();
    let mut text = String::new();
    let mut strong = 0usize;
    let mut em = 0usize;
    let mut image = 0usize;
    let mut skip_link = 0usize;
    let mut link_stack: Vec<bool> = Vec::new();
    let mut block_id = 0usize;
    let mut blocks: Vec<usize> = vec![0];
    let mut bold = RunCounter::default();
    let mut italic = RunCounter::default();
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(tag) => {
                match &tag {
                    Tag::Strong => strong += 1,
                    Tag::Emphasis => em += 1,
                    Tag::Image { dest_url, .. } => {
                        image += 1;
                        reading.counts.images += 1;
                        reading.images.push(dest_url.to_string());
                        bold.close();
                        italic.close();
                    }
                    Tag::Link { dest_url, .. } => {
                        let embed = embeds.contains(&embed_key(dest_url));
                        if !dest_url.starts_with('#') {
                            reading.counts.links += 1;
                            reading.links.push(dest_url.to_string());
                        }
                        link_stack.push(embed);
                        skip_link += usize::from(embed);
                    }
                    Tag::Heading { .. } => reading.counts.headings += 1,
                    Tag::Item => reading.counts.list_items += 1,
                    Tag::BlockQuote(_) => reading.counts.quotes += 1,
                    Tag::TableCell => reading.counts.cells += 1,
                    _ => {}
                }
                if is_block(&tag) {
                    block_id += 1;
                    blocks.push(block_id);
                }
            }
            Event::End(end) => {
                match end {
                    TagEnd::Strong => strong -= 1,
                    TagEnd::Emphasis => em -= 1,
                    TagEnd::Image => image -= 1,
                    TagEnd::Link if link_stack.pop() == Some(true) => skip_link -= 1,
                    _ => {}
                }
                if is_block_end(&end) {
                    blocks.pop();
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if image > 0 {
                    continue;
                }
                let block = *blocks.last().unwrap_or(&0);
                bold.text(&t, strong > 0, block);
                italic.text(&t, em > 0, block);
                if skip_link == 0 {
                    text.push_str(&t);
                }
            }
            Event::HardBreak | Event::Rule => {
                bold.close();
                italic.close();
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                panic!("raw HTML in the output: {h:?}");
            }
            _ => {}
        }
    }
    reading.counts.bold = bold.finish();
    reading.counts.italic = italic.finish();
    reading.text = strip_ws(&text);
    reading
}

fn is_block(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
    )
}

fn is_block_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::TableCell
    )
}

/// The first place two strings differ, with some context, for failure messages.
pub fn first_difference(a: &str, b: &str) -> String {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let at = a
        .iter()
        .zip(b.iter())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(20);
    let show = |s: &[char]| {
        s[from.min(s.len())..(at + 30).min(s.len())]
            .iter()
            .collect::<String>()
    };
    format!(
        "at char {at}:\n  input:  …{}…\n  output: …{}…",
        show(&a),
        show(&b)
    )
}

// ---------------------------------------------------------------- emphasis per character

pub const BOLD: u8 = 1;
pub const ITALIC: u8 = 2;
pub const STRIKE: u8 = 4;
/// Set on letters inside code, whose emphasis cannot always be kept.
pub const CODE: u8 = 8;

/// Every letter and digit of the page with the emphasis it shows. Punctuation and spaces are
/// left out: the converter may move them across an emphasis edge.
pub fn input_emphasis(raw: &[u8]) -> Vec<(char, u8)> {
    let raw = String::from_utf8_lossy(raw);
    let document = parse(&split_page(&raw));
    let mut all = Vec::new();
    descendants(&document, &mut all);
    let mut out = Vec::new();
    for node in &all {
        let NodeData::Text { contents } = &node.data else {
            continue;
        };
        let mut kinds = 0u8;
        let mut up = parent(node);
        let mut hidden = false;
        while let Some(a) = up {
            match name_of(&a).as_str() {
                "strong" | "b" => kinds |= BOLD,
                "em" | "i" => kinds |= ITALIC,
                "del" | "s" | "strike" => kinds |= STRIKE,
                "code" | "pre" | "kbd" | "samp" | "tt" if !holds_links_or_images(&a) => {
                    kinds = CODE
                }
                "script" | "style" | "head" | "title" => hidden = true,
                _ => {}
            }
            up = parent(&a);
        }
        if hidden {
            continue;
        }
        out.extend(
            contents
                .borrow()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .map(|c| (c, kinds)),
        );
    }
    out
}

/// All text a reader of the rendered Markdown sees, image alt text aside.
pub fn output_text(body: &str) -> String {
    let mut image = 0;
    let mut out = String::new();
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image -= 1,
            Event::Text(t) | Event::Code(t) if image == 0 => out.push_str(&t),
            _ => {}
        }
    }
    out
}

pub fn output_emphasis(body: &str) -> Vec<(char, u8)> {
    let (mut strong, mut em, mut strike, mut image) = (0, 0, 0, 0);
    let mut out = Vec::new();
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong -= 1,
            Event::Start(Tag::Emphasis) => em += 1,
            Event::End(TagEnd::Emphasis) => em -= 1,
            Event::Start(Tag::Strikethrough) => strike += 1,
            Event::End(TagEnd::Strikethrough) => strike -= 1,
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image -= 1,
            Event::Text(t) | Event::Code(t) if image == 0 => {
                let kinds = (u8::from(strong > 0) * BOLD)
                    | (u8::from(em > 0) * ITALIC)
                    | (u8::from(strike > 0) * STRIKE);
                out.extend(
                    t.chars()
                        .filter(|c| c.is_alphanumeric())
                        .map(|c| (c, kinds)),
                );
            }
            _ => {}
        }
    }
    out
}

// Helpers for tests that run outside tools (Hugo, pandoc) on copies of the fixtures.

/// Copies the tree `from` to `to`.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("entry");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Whether `tool` (hugo, pandoc) runs here. Missing, it is reported as SKIPPED, and fails the
/// test where `CDT2MD_REQUIRE_READERS` is set (as `.ci/run` sets it once they are installed).
pub fn tool_available(tool: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg(if tool == "hugo" {
            "version"
        } else {
            "--version"
        })
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        // `1` requires every reader; otherwise the variable lists the required ones
        let required = std::env::var("CDT2MD_REQUIRE_READERS").unwrap_or_default();
        let required = required == "1" || required.split_whitespace().any(|t| t == tool);
        assert!(
            !required,
            "{tool} is required here (CDT2MD_REQUIRE_READERS) but not installed"
        );
        eprintln!("SKIPPED: {tool} is not installed (apt-get install {tool})");
    }
    found
}

/// The first place two URL lists differ, in order, or `None`. A URL of the input matches the
/// output's when both read the same once percent-decoded and trimmed, when the input's is
/// relative and the output's (made absolute) ends with it, or when both are the same player.
pub fn first_url_difference(want: &[String], got: &[String]) -> Option<String> {
    let read = |url: &str| percent_decoded(url.trim());
    for (k, (w, g)) in want.iter().zip(got).enumerate() {
        let (w, g) = (read(w), read(g));
        let relative = !w.contains("://") && !w.starts_with("//") && !w.starts_with("mailto:");
        let same = w == g
            || (relative && g.ends_with(w.trim_start_matches(['.', '/'])))
            || (w.starts_with("//") && g.ends_with(&w))
            || embed_key(&w) == embed_key(&g);
        if !same {
            return Some(format!("#{k}: input {w:?}, output {g:?}"));
        }
    }
    (want.len() != got.len()).then(|| {
        format!(
            "{} URLs in the input, {} in the output",
            want.len(),
            got.len()
        )
    })
}

/// `%XX` escapes decoded where the result is UTF-8; the URL as written otherwise.
pub fn percent_decoded(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = url.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| url.to_string())
}
