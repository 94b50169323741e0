//! The page's own metadata inside its HTML: the 2025 "CDT 档案卡" archive card, the 2020 RSS
//! footer, and for pages saved without a header, the document's `<head>`. Card and footer are
//! read into plain fields and removed from the tree, so the body never shows them.

use html5ever::local_name;
use markup5ever_rcdom::{Handle, NodeData};

use crate::dom::{self, Walk};

/// The archive card's fields, as written (dates not yet normalised).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Card {
    pub title: Option<String>,
    pub author: Option<String>,
    pub author_url: Option<String>,
    pub date: Option<String>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub topics: Vec<String>,
    pub collections: Vec<String>,
    /// Labels the card had that are not read (new ones in later years, say).
    pub unknown_labels: Vec<String>,
}

/// What the 2020 RSS footer (`© POSTER for 中国数字时代 | Permalink | … Post tags: …`) says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FeedFooter {
    pub posted_by: Option<String>,
    pub tags: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    Title,
    Author,
    Date,
    Source,
    Topics,
    Collections,
    Copyright,
}

/// Card labels, with the variants seen across years. Anything else is ignored.
fn field(label: &str) -> Option<Field> {
    let label: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match label.as_str() {
        "标题" => Field::Title,
        "作者" => Field::Author,
        "发表日期" | "发布日期" | "发表时间" | "发布时间" | "日期" => Field::Date,
        "来源" | "出处" => Field::Source,
        "主题归类" | "主题" | "归类" | "分类" => Field::Topics,
        "CDS收藏" | "收藏" => Field::Collections,
        "版权说明" => Field::Copyright,
        _ => return None,
    })
}

/// Finds the archive card, reads it and removes it from the tree. A page that somehow holds
/// more than one loses them all; the first is read.
pub fn take_card(body: &Handle) -> Option<Card> {
    let found = find_cards(body);
    let card = read_card(&found.first()?.content);
    let roots: Vec<Handle> = found
        .iter()
        .map(|f| outermost_wrapper(&f.root, body))
        .collect();
    dom::detach_all(&roots);
    Some(card)
}

struct Found {
    /// The element to remove.
    root: Handle,
    /// The element holding the label lines.
    content: Handle,
}

/// Every `div.su-spoiler` titled "…档案卡", in document order, or failing any, the first
/// element whose direct children carry enough card labels (the card without its wrapper).
fn find_cards(body: &Handle) -> Vec<Found> {
    let mut by_labels = None;
    let mut found = Vec::new();
    dom::for_each_descendant(body, |node| {
        if dom::tag(node).is_none() {
            return Walk::Skip;
        }
        if dom::has_class(node, "su-spoiler") && is_card_spoiler(node) {
            let content = dom::find_descendant(node, |n| dom::has_class(n, "su-spoiler-content"))
                .unwrap_or_else(|| node.clone());
            found.push(Found {
                root: node.clone(),
                content,
            });
            return Walk::Skip;
        }
        if by_labels.is_none() && found.is_empty() && has_card_labels(node) {
            by_labels = Some(Found {
                root: node.clone(),
                content: node.clone(),
            });
            return Walk::Skip;
        }
        Walk::Continue
    });
    if found.is_empty() {
        found.extend(by_labels);
    }
    found
}

/// The spoiler's title is one of its own children.
fn is_card_spoiler(node: &Handle) -> bool {
    node.children
        .borrow()
        .iter()
        .find(|c| dom::has_class(c, "su-spoiler-title"))
        .is_some_and(|title| dom::text_content(title).contains("档案卡"))
}

/// At least three card labels among the element's own `<strong>`/`<b>` children, one of them
/// a label only cards use.
fn has_card_labels(node: &Handle) -> bool {
    let children = node.children.borrow();
    let fields: Vec<Field> = children
        .iter()
        .filter(|c| dom::is_tag(c, &local_name!("strong")) || dom::is_tag(c, &local_name!("b")))
        .filter_map(|c| field(trim_label(&dom::text_prefix(c, 64))))
        .collect();
    fields.len() >= 3
        && fields
            .iter()
            .any(|f| matches!(f, Field::Copyright | Field::Collections | Field::Topics))
}

fn trim_label(text: &str) -> &str {
    text.trim().trim_end_matches(['：', ':']).trim()
}

/// One `label：value` line of the card.
#[derive(Default)]
struct Line {
    label: Option<String>,
    text: String,
    links: Vec<(String, Option<String>)>,
}

fn read_card(content: &Handle) -> Card {
    let mut card = Card::default();
    for line in card_lines(content) {
        let Some(label) = line.label.as_deref().map(trim_label) else {
            continue;
        };
        let Some(field) = field(label) else {
            if !label.is_empty() {
                card.unknown_labels.push(label.to_string());
            }
            continue;
        };
        let text = clean_value(&line.text);
        let link_texts: Vec<String> = line
            .links
            .iter()
            .map(|(t, _)| clean_value(t))
            .filter(|t| !t.is_empty())
            .collect();
        let first_url = line.links.iter().find_map(|(_, href)| href.clone());
        let text = (!text.is_empty()).then_some(text);
        match field {
            Field::Title => card.title = text,
            Field::Author => {
                card.author = text;
                card.author_url = first_url;
            }
            Field::Date => card.date = text,
            Field::Source => {
                card.source = text;
                card.source_url = first_url;
            }
            Field::Topics => card.topics = list_value(link_texts, text),
            Field::Collections => card.collections = list_value(link_texts, text),
            Field::Copyright => {}
        }
    }
    card
}

/// Topics and collections are links, one per item; without links, a separated list.
fn list_value(link_texts: Vec<String>, text: Option<String>) -> Vec<String> {
    if !link_texts.is_empty() {
        return link_texts;
    }
    text.map(|t| {
        t.split(['，', ',', '、', '；', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

/// Splits the card's content into lines at `<br>` and block starts; the first `<strong>` of
/// a line is its label.
fn card_lines(content: &Handle) -> Vec<Line> {
    let mut lines = vec![Line::default()];
    dom::for_each_descendant(content, |node| {
        let Some(line) = lines.last_mut() else {
            return Walk::Stop;
        };
        match &node.data {
            NodeData::Text { contents } => {
                line.text.push_str(&contents.borrow());
                Walk::Continue
            }
            NodeData::Element { name, .. } => match name.local {
                local_name!("br")
                | local_name!("p")
                | local_name!("div")
                | local_name!("li")
                | local_name!("tr") => {
                    lines.push(Line::default());
                    Walk::Continue
                }
                local_name!("strong") | local_name!("b")
                    if line.label.is_none() && line.text.trim().is_empty() =>
                {
                    line.label = Some(dom::text_content(node));
                    Walk::Skip
                }
                local_name!("a") => {
                    let text = dom::text_content(node);
                    line.text.push_str(&text);
                    line.links.push((text, dom::attr_string(node, "href")));
                    Walk::Skip
                }
                _ => Walk::Continue,
            },
            _ => Walk::Skip,
        }
    });
    lines
}

/// Whitespace collapsed and trimmed, and the colon that follows a label outside its
/// `<strong>` dropped.
fn clean_value(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.trim_start_matches(['：', ':']).trim().to_string()
}

/// `node`, or the outermost wrapper `div` around it that holds nothing else (the floated box).
fn outermost_wrapper(node: &Handle, body: &Handle) -> Handle {
    let mut target = node.clone();
    while let Some(parent) = dom::parent(&target) {
        let only_child = dom::is_tag(&parent, &local_name!("div"))
            && !std::rc::Rc::ptr_eq(&parent, body)
            && parent
                .children
                .borrow()
                .iter()
                .all(|c| std::rc::Rc::ptr_eq(c, &target) || dom::is_blank(c));
        if !only_child {
            break;
        }
        target = parent;
    }
    target
}

/// Finds the 2020 RSS footer lines, reads poster and tags, and removes them with the `<hr>`
/// above them. Also removes other feed plugins' signature lines and the archive's copyright
/// notice outside the card.
///
/// Feeds append these lines to the end of a post, so only the last few blocks are looked at
/// (and the last few inside a wrapper that ends the page), not the whole tree.
pub fn take_feed_footer(body: &Handle, html: &str) -> Option<FeedFooter> {
    // BestWebSoft's line may start with anything; only then is every candidate read in full.
    let any_start = html.contains("BestWebSoft");
    let mut footer: Option<FeedFooter> = None;
    let mut doomed: Vec<Handle> = Vec::new();
    for node in tail_blocks(body) {
        // Every footer line starts with one of a few words: a short prefix rules out the
        // other paragraphs before a longer one is read.
        let start = dom::text_prefix(&node, 32);
        if !any_start
            && !FOOTER_STARTS
                .iter()
                .any(|s| start.trim_start().starts_with(s))
        {
            continue;
        }
        let text = dom::text_prefix(&node, FOOTER_TEXT);
        if is_site_boilerplate(&text) {
            doomed.push(node);
        } else if is_copyright_footer(&text) {
            footer.get_or_insert_with(|| read_footer(&node, &text));
            if let Some(hr) = previous_element(&node).filter(|p| dom::is_tag(p, &local_name!("hr")))
            {
                doomed.push(hr);
            }
            doomed.push(node);
        }
    }
    dom::detach_all(&doomed);
    footer
}

/// How many blocks from the end of the page (and of each wrapper ending it) are looked at.
const TAIL_BLOCKS: usize = 8;

/// The last few `<p>` and `<div>` blocks of the page: among the last children of the body,
/// and of the `<div>`, `<section>` or `<article>` that ends it, a few levels down.
fn tail_blocks(body: &Handle) -> Vec<Handle> {
    let mut found = Vec::new();
    let mut level = body.clone();
    for _ in 0..4 {
        let children: Vec<Handle> = level
            .children
            .borrow()
            .iter()
            .rev()
            .filter(|c| dom::tag(c).is_some())
            .take(TAIL_BLOCKS)
            .cloned()
            .collect();
        let Some(last) = children.first().cloned() else {
            break;
        };
        found.extend(
            children.into_iter().filter(|c| {
                dom::is_tag(c, &local_name!("p")) || dom::is_tag(c, &local_name!("div"))
            }),
        );
        let wrapper = matches!(
            dom::tag(&last),
            Some(&local_name!("div") | &local_name!("section") | &local_name!("article"))
        );
        if !wrapper {
            break;
        }
        level = last;
    }
    found
}

/// Enough text to recognise a footer line, long tag lists included.
const FOOTER_TEXT: usize = 8192;

/// How footer lines begin (see `is_site_boilerplate` and `is_copyright_footer`).
const FOOTER_STARTS: [&str; 5] = ["©", "Feed enhanced", "The post ", "文章", "版权说明"];

/// Whether a page's HTML may hold an archive card at all: a cheap text search that spares
/// the tree walk on the many pages without one. The card comes first in a post.
pub fn may_hold_card(html: &str) -> bool {
    let head = &html.as_bytes()[..html.len().min(CARD_REGION)];
    ["档案卡", "CDS收藏"]
        .iter()
        .any(|marker| memchr::memmem::find(head, marker.as_bytes()).is_some())
}

/// How much of the start of a page a card is looked for in (the seed's card ends before 3 KB).
const CARD_REGION: usize = 16 * 1024;

/// Lines the site or its feed plugins add to every post: feed signatures, and the archive's
/// copyright notice when it stands outside the card.
fn is_site_boilerplate(text: &str) -> bool {
    let text = text.trim();
    (text.starts_with("版权说明") && text.contains("中国数字时代") && text.len() < 600)
        || text.starts_with("Feed enhanced by")
        || (text.contains("BestWebSoft") && text.len() < 400)
        || (text.starts_with("The post ") && text.contains(" appeared first on "))
        || (text.starts_with("文章") && text.contains("最先出现在") && text.len() < 400)
}

fn is_copyright_footer(text: &str) -> bool {
    let text = text.trim();
    text.starts_with('©')
        && text.contains(" for ")
        && (text.contains("Permalink") || text.contains("Post tags"))
}

fn read_footer(node: &Handle, text: &str) -> FeedFooter {
    let posted_by = text
        .trim()
        .trim_start_matches('©')
        .split(" for ")
        .next()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty());
    let mut tags = Vec::new();
    dom::for_each_descendant(node, |n| {
        if dom::is_tag(n, &local_name!("a"))
            && dom::attr(n, "rel").is_some_and(|r| r.split_ascii_whitespace().any(|t| t == "tag"))
        {
            let tag = clean_value(&dom::text_content(n));
            if !tag.is_empty() {
                tags.push(tag);
            }
            return Walk::Skip;
        }
        Walk::Continue
    });
    if tags.is_empty()
        && let Some((_, list)) = text.split_once("Post tags:")
    {
        tags = list_value(Vec::new(), Some(list.to_string()));
    }
    FeedFooter { posted_by, tags }
}

/// What a whole saved document says about itself in its `<head>`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HeadMeta {
    pub title: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
}

/// Reads `<title>`, `og:title`, the canonical URL and the publication time.
pub fn head_meta(document: &Handle) -> HeadMeta {
    let mut meta = HeadMeta::default();
    let Some(head) = dom::find_descendant(document, |n| dom::is_tag(n, &local_name!("head")))
    else {
        return meta;
    };
    let mut og_title = None;
    dom::for_each_descendant(&head, |n| {
        match dom::tag(n) {
            Some(&local_name!("title")) if meta.title.is_none() => {
                meta.title = Some(clean_value(&dom::text_content(n))).filter(|t| !t.is_empty());
            }
            Some(&local_name!("link"))
                if meta.url.is_none()
                    && dom::attr(n, "rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
            {
                meta.url = dom::attr_string(n, "href");
            }
            Some(&local_name!("meta")) => {
                let key = dom::attr(n, "property")
                    .or_else(|| dom::attr(n, "name"))
                    .map(|k| k.to_ascii_lowercase());
                let content = dom::attr_string(n, "content");
                match key.as_deref() {
                    Some("og:title") => og_title = content,
                    Some("og:url") if meta.url.is_none() => meta.url = content,
                    Some("article:published_time") if meta.date.is_none() => meta.date = content,
                    _ => {}
                }
            }
            _ => {}
        }
        Walk::Continue
    });
    meta.title = og_title.or(meta.title).map(|t| strip_site_name(&t));
    meta
}

/// `标题 – 中国数字时代` → `标题`.
fn strip_site_name(title: &str) -> String {
    for site in [
        "中国数字时代",
        "China Digital Times (CDT)",
        "China Digital Times",
    ] {
        for sep in [" – ", " - ", " | ", " — ", "｜"] {
            if let Some(stripped) = title.strip_suffix(&format!("{sep}{site}")) {
                return stripped.trim().to_string();
            }
        }
    }
    title.to_string()
}

/// The previous sibling element, skipping whitespace text and comments.
fn previous_element(node: &Handle) -> Option<Handle> {
    let parent = dom::parent(node)?;
    let children = parent.children.borrow();
    let index = children.iter().position(|c| std::rc::Rc::ptr_eq(c, node))?;
    children[..index]
        .iter()
        .rev()
        .find(|c| match &c.data {
            NodeData::Text { contents } => !contents.borrow().trim().is_empty(),
            NodeData::Comment { .. } => false,
            _ => true,
        })
        .filter(|c| dom::tag(c).is_some())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_html;

    fn card_of(html: &str) -> (Option<Card>, String) {
        let doc = parse_html(html);
        let body = dom::body(&doc);
        let card = take_card(&body);
        (card, dom::text_content(&body))
    }

    const SEED_CARD: &str = r#"<div style="width:42%;float:right"><div class="su-spoiler"><div class="su-spoiler-title"><span class="su-spoiler-icon"></span>CDT 档案卡</div><div class="su-spoiler-content"><strong>标题：</strong>Tiktok难民涌入小红书<br><strong>作者：</strong><a href="https://chinadigitaltimes.net/space/声道"> 陈白bot</a><br><strong>发表日期：</strong>2025.1.14<br><strong>来源：</strong><a href="https://web.archive.org/x">微信公众号“声道”</a><br><strong>主题归类：</strong><a href="/space/a">Tiktok难民</a><a href="/space/b">审查</a><br><strong>CDS收藏：</strong><a href="/space/c">时间馆</a><br><strong>版权说明：</strong>该作品版权归原作者所有。<a href="/copyright">详细版权说明</a>。</div></div></div><p>正文</p>"#;

    #[test]
    fn reads_every_field_of_the_seed_card() {
        let (card, rest) = card_of(SEED_CARD);
        let card = card.unwrap();
        assert_eq!(card.title.as_deref(), Some("Tiktok难民涌入小红书"));
        assert_eq!(card.author.as_deref(), Some("陈白bot"));
        assert_eq!(
            card.author_url.as_deref(),
            Some("https://chinadigitaltimes.net/space/声道")
        );
        assert_eq!(card.date.as_deref(), Some("2025.1.14"));
        assert_eq!(card.source.as_deref(), Some("微信公众号“声道”"));
        assert_eq!(
            card.source_url.as_deref(),
            Some("https://web.archive.org/x")
        );
        assert_eq!(card.topics, vec!["Tiktok难民", "审查"]);
        assert_eq!(card.collections, vec!["时间馆"]);
        assert_eq!(rest, "正文");
    }

    #[test]
    fn labels_with_ascii_colon_or_colon_outside_strong() {
        let html = r#"<div class="su-spoiler"><div class="su-spoiler-title">CDT 档案卡</div><div class="su-spoiler-content"><strong>标题:</strong> A<br><strong>作者</strong>：无名<br><strong>发表日期</strong>: 2024年3月5日<br><strong>奇怪标签：</strong>x<br><strong>主题归类：</strong>甲，乙</div></div>"#;
        let card = card_of(html).0.unwrap();
        assert_eq!(card.title.as_deref(), Some("A"));
        assert_eq!(card.author.as_deref(), Some("无名"));
        assert_eq!(card.author_url, None);
        assert_eq!(card.date.as_deref(), Some("2024年3月5日"));
        assert_eq!(card.topics, vec!["甲", "乙"]);
        assert_eq!(card.source, None);
        assert_eq!(card.unknown_labels, vec!["奇怪标签"]);
    }

    #[test]
    fn every_card_goes_the_first_is_read() {
        let twice = format!(
            "{SEED_CARD}<div class=\"su-spoiler\"><div class=\"su-spoiler-title\">CDT 档案卡</div><div class=\"su-spoiler-content\"><strong>标题：</strong>第二张</div></div>"
        );
        let (card, rest) = card_of(&twice);
        assert_eq!(card.unwrap().title.as_deref(), Some("Tiktok难民涌入小红书"));
        assert_eq!(rest, "正文");
    }

    #[test]
    fn card_without_spoiler_wrapper() {
        let html = r#"<div><strong>标题：</strong>T<br><strong>作者：</strong>A<br><strong>CDS收藏：</strong><a href="/x">馆</a></div><p>正文</p>"#;
        let (card, rest) = card_of(html);
        assert_eq!(card.unwrap().collections, vec!["馆"]);
        assert_eq!(rest, "正文");
    }

    #[test]
    fn no_card() {
        let (card, rest) = card_of("<p><strong>标题：</strong>不是档案卡</p>");
        assert_eq!(card, None);
        assert_eq!(rest, "标题：不是档案卡");
    }

    #[test]
    fn feed_footer() {
        let html = r#"<p>正文</p><hr /><p><small>&copy; 大号 冲塔 for <a href="https://chinadigitaltimes.net/chinese">中国数字时代</a>, get_post_time('Y'). |<a href="x">Permalink</a> |<a href="x#comments">No comment</a> |Add to<a href="http://del.icio.us/post?url=x">del.icio.us</a><br/>Post tags: <a href="t1" rel="tag">性别失调</a>, <a href="t2" rel="tag">重男轻女</a><br/></small></p><p><small>Feed enhanced by <a href='http://planetozh.com/'>Better Feed</a> from <a href='http://planetozh.com/blog/'>Ozh</a></small></p>"#;
        let doc = parse_html(html);
        let body = dom::body(&doc);
        let footer = take_feed_footer(&body, html).unwrap();
        assert_eq!(footer.posted_by.as_deref(), Some("大号 冲塔"));
        assert_eq!(footer.tags, vec!["性别失调", "重男轻女"]);
        assert_eq!(body.children.borrow().len(), 1);
        assert_eq!(dom::text_content(&body), "正文");
    }

    #[test]
    fn head_of_a_saved_document() {
        let doc = parse_html(
            r#"<!DOCTYPE html><html><head><title>标题 – 中国数字时代</title><link rel="canonical" href="https://x.net/a.html"><meta property="article:published_time" content="2021-03-04T05:06:07+00:00"></head><body><p>x</p></body></html>"#,
        );
        let meta = head_meta(&doc);
        assert_eq!(meta.title.as_deref(), Some("标题"));
        assert_eq!(meta.url.as_deref(), Some("https://x.net/a.html"));
        assert_eq!(meta.date.as_deref(), Some("2021-03-04T05:06:07+00:00"));
        assert_eq!(head_meta(&parse_html("<p>x</p>")), HeadMeta::default());
    }

    #[test]
    fn other_feed_signatures() {
        for text in [
            "The post <a href='x'>A</a> appeared first on <a href='y'>中国数字时代</a>.",
            "文章<a href='x'>A</a>最先出现在<a href='y'>中国数字时代</a>。",
            "Feed enhanced by the BestWebSoft RSS plugin",
            "<strong>版权说明：</strong>该作品版权归原作者所有。中国数字时代仅对原作进行存档。",
            "RSS by BestWebSoft",
        ] {
            let html = format!("<p>正文</p><p>{text}</p>");
            let doc = parse_html(&html);
            let body = dom::body(&doc);
            assert_eq!(take_feed_footer(&body, &html), None);
            assert_eq!(dom::text_content(&body), "正文", "{text}");
        }
    }
}
