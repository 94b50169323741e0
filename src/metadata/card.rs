//! The "CDT 档案卡" archive card in an article's HTML: read into the card's fields. Where it
//! lies is handed to the cleaning stage, which removes it, so the body never shows it.

use html5ever::local_name;
use markup5ever_rcdom::{Handle, NodeData};

use super::{Key, Metadata};
use crate::dates;
use crate::dom::{self, Walk};

/// What the card says: its fields, and each line as written (for `--keep-card`).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Card {
    pub metadata: Metadata,
    /// Labels the card had that name no field (kept in `card_other`).
    pub unknown_labels: Vec<String>,
}

/// What a label means: a field, the copyright line (which says nothing of the article), or
/// nothing known.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Label {
    Field(Key),
    Copyright,
}

fn label(text: &str) -> Option<Label> {
    let bare: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if bare == "版权说明" {
        return Some(Label::Copyright);
    }
    Key::ALL
        .into_iter()
        .find(|key| {
            key.card_labels()
                .iter()
                .any(|l| l.chars().filter(|c| !c.is_whitespace()).eq(bare.chars()))
        })
        .map(Label::Field)
}

/// Finds the archive card and reads it; with it, the elements that hold it (all the cards a
/// page somehow holds, the first read), for cleaning to remove.
pub(crate) fn read(body: &Handle, warnings: &mut Vec<String>) -> Option<(Card, Vec<Handle>)> {
    let found = find_cards(body);
    let card = read_card(&found.first()?.content, warnings);
    let roots: Vec<Handle> = found
        .iter()
        .map(|f| outermost_wrapper(&f.root, body))
        .collect();
    Some((card, roots))
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
    let labels: Vec<Label> = children
        .iter()
        .filter(|c| dom::is_tag(c, &local_name!("strong")) || dom::is_tag(c, &local_name!("b")))
        .filter_map(|c| label(trim_label(&dom::text_prefix(c, 64))))
        .collect();
    labels.len() >= 3
        && labels.iter().any(|l| {
            matches!(
                l,
                Label::Copyright | Label::Field(Key::Collections | Key::Topics)
            )
        })
}

/// `标题：`, `编辑:`: a short text ending in a colon, as labels are written.
fn is_label_text(text: &str) -> bool {
    let text = text.trim();
    text.ends_with(['：', ':']) && text.chars().count() <= 10
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

fn read_card(content: &Handle, warnings: &mut Vec<String>) -> Card {
    let mut card = Card::default();
    for line in card_lines(content) {
        let Some(written) = line.label.as_deref().map(trim_label) else {
            continue;
        };
        let text = clean_value(&line.text);
        let key = match label(written) {
            Some(Label::Field(key)) => key,
            Some(Label::Copyright) => continue,
            None => {
                if !written.is_empty() {
                    card.unknown_labels.push(written.to_string());
                    if !text.is_empty() {
                        card.metadata.add_card_other(written, text);
                    }
                }
                continue;
            }
        };
        let link_texts: Vec<String> = line
            .links
            .iter()
            .map(|(t, _)| clean_value(t))
            .filter(|t| !t.is_empty())
            .collect();
        let first_url = line.links.iter().find_map(|(_, href)| href.clone());
        if !text.is_empty() || !link_texts.is_empty() {
            set(
                &mut card.metadata,
                key,
                text,
                link_texts,
                first_url,
                written,
                warnings,
            );
        }
    }
    card
}

/// Puts one card line's value into its field. A date that cannot be read stays, as written,
/// in `card_other`: no card field is lost.
fn set(
    meta: &mut Metadata,
    key: Key,
    text: String,
    link_texts: Vec<String>,
    url: Option<String>,
    written: &str,
    warnings: &mut Vec<String>,
) {
    let value = (!text.is_empty()).then_some(text.clone());
    let date = |warnings: &mut Vec<String>| {
        let parsed = dates::ymd(&text);
        if parsed.is_none() {
            warnings.push(format!("date not understood: {text}"));
        }
        parsed
    };
    match key {
        Key::Title => meta.title = value,
        Key::Author => meta.author = value,
        Key::Contributor => meta.contributor = value,
        Key::Source => meta.source = value,
        Key::Backup => meta.backup = value,
        Key::Date => meta.date = date(warnings),
        Key::Deleted => meta.deleted = date(warnings),
        Key::Topics => meta.topics = list_value(link_texts, value),
        Key::Collections => meta.collections = list_value(link_texts, value),
        _ => {}
    }
    if matches!(key, Key::Date | Key::Deleted) && meta.get(key).is_none() && !text.is_empty() {
        meta.add_card_other(written, text);
    }
    match key.url_key() {
        Some(Key::AuthorUrl) => meta.author_url = url,
        Some(Key::SourceUrl) => meta.source_url = url,
        Some(Key::BackupUrl) => meta.backup_url = url,
        _ => {}
    }
}

/// The card as label, text and link rows, in front matter order (for `--keep-card`).
pub(crate) fn rows(card: &Metadata) -> Vec<(String, String, Option<String>)> {
    let mut rows = Vec::new();
    for key in Key::ALL {
        let Some(label) = key.card_labels().first() else {
            continue;
        };
        let text = match card.get(key) {
            Some(super::Value::Text(text)) => text.to_string(),
            Some(super::Value::List(items)) => items.join("、"),
            _ => continue,
        };
        let url = key.url_key().and_then(|k| match card.get(k) {
            Some(super::Value::Text(url)) => Some(url.to_string()),
            _ => None,
        });
        rows.push((label.to_string(), text, url));
    }
    for (label, text) in &card.card_other {
        rows.push((label.clone(), text.clone(), None));
    }
    rows
}

/// Topics and collections are links, one per item; without links, a separated list.
pub(super) fn list_value(link_texts: Vec<String>, text: Option<String>) -> Vec<String> {
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
                // Some cards put their lines on lines of the source only, with no `<br>`:
                // a new label starts a new line all the same.
                local_name!("strong") | local_name!("b") => {
                    let text = dom::text_content(node);
                    if !is_label_text(&text) {
                        return Walk::Continue;
                    }
                    lines.push(Line {
                        label: Some(text),
                        ..Line::default()
                    });
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
pub(super) fn clean_value(text: &str) -> String {
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

/// Whether a page's HTML may hold an archive card at all: a cheap text search that spares
/// the tree walk on the many pages without one. The card comes first in a post.
pub(crate) fn may_hold_card(html: &str) -> bool {
    static MARKERS: std::sync::LazyLock<crate::scan::Phrases> =
        std::sync::LazyLock::new(|| crate::scan::Phrases::new(&["档案卡", "CDS收藏"]));
    MARKERS.in_head(html, CARD_REGION)
}

/// How much of the start of a page a card is looked for in (the seed's card ends before 3 KB).
const CARD_REGION: usize = 16 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_html;

    /// Reads the card and removes what `read` names, as cleaning does: what remains is the
    /// body without it.
    fn take_card(body: &Handle, warnings: &mut Vec<String>) -> Option<Card> {
        let (card, nodes) = read(body, warnings)?;
        dom::detach_all(&nodes);
        Some(card)
    }

    fn card_of(html: &str) -> (Option<Card>, String) {
        let doc = parse_html(html);
        let body = dom::body(&doc);
        let card = take_card(&body, &mut Vec::new());
        (card, dom::text_content(&body))
    }

    const SEED_CARD: &str = r#"<div style="width:42%;float:right"><div class="su-spoiler"><div class="su-spoiler-title"><span class="su-spoiler-icon"></span>CDT 档案卡</div><div class="su-spoiler-content"><strong>标题：</strong>Tiktok难民涌入小红书<br><strong>作者：</strong><a href="https://chinadigitaltimes.net/space/声道"> 陈白bot</a><br><strong>发表日期：</strong>2025.1.14<br><strong>来源：</strong><a href="https://web.archive.org/x">微信公众号“声道”</a><br><strong>主题归类：</strong><a href="/space/a">Tiktok难民</a><a href="/space/b">审查</a><br><strong>CDS收藏：</strong><a href="/space/c">时间馆</a><br><strong>版权说明：</strong>该作品版权归原作者所有。<a href="/copyright">详细版权说明</a>。</div></div></div><p>正文</p>"#;

    #[test]
    fn reads_every_field_of_the_seed_card() {
        let (card, rest) = card_of(SEED_CARD);
        let card = card.unwrap();
        assert_eq!(card.metadata.title.as_deref(), Some("Tiktok难民涌入小红书"));
        assert_eq!(card.metadata.author.as_deref(), Some("陈白bot"));
        assert_eq!(
            card.metadata.author_url.as_deref(),
            Some("https://chinadigitaltimes.net/space/声道")
        );
        assert_eq!(card.metadata.date.as_deref(), Some("2025-01-14"));
        assert_eq!(card.metadata.source.as_deref(), Some("微信公众号“声道”"));
        assert_eq!(
            card.metadata.source_url.as_deref(),
            Some("https://web.archive.org/x")
        );
        assert_eq!(card.metadata.topics, vec!["Tiktok难民", "审查"]);
        assert_eq!(card.metadata.collections, vec!["时间馆"]);
        assert_eq!(rest, "正文");
    }

    #[test]
    fn labels_with_ascii_colon_or_colon_outside_strong() {
        let html = r#"<div class="su-spoiler"><div class="su-spoiler-title">CDT 档案卡</div><div class="su-spoiler-content"><strong>标题:</strong> A<br><strong>作者</strong>：无名<br><strong>发表日期</strong>: 2024年3月5日<br><strong>奇怪标签：</strong>x<br><strong>主题归类：</strong>甲，乙</div></div>"#;
        let card = card_of(html).0.unwrap();
        assert_eq!(card.metadata.title.as_deref(), Some("A"));
        assert_eq!(card.metadata.author.as_deref(), Some("无名"));
        assert_eq!(card.metadata.author_url, None);
        assert_eq!(card.metadata.date.as_deref(), Some("2024-03-05"));
        assert_eq!(card.metadata.topics, vec!["甲", "乙"]);
        assert_eq!(card.metadata.source, None);
        assert_eq!(card.unknown_labels, vec!["奇怪标签"]);
    }

    #[test]
    fn every_card_goes_the_first_is_read() {
        let twice = format!(
            "{SEED_CARD}<div class=\"su-spoiler\"><div class=\"su-spoiler-title\">CDT 档案卡</div><div class=\"su-spoiler-content\"><strong>标题：</strong>第二张</div></div>"
        );
        let (card, rest) = card_of(&twice);
        assert_eq!(
            card.unwrap().metadata.title.as_deref(),
            Some("Tiktok难民涌入小红书")
        );
        assert_eq!(rest, "正文");
    }

    #[test]
    fn card_without_spoiler_wrapper() {
        let html = r#"<div><strong>标题：</strong>T<br><strong>作者：</strong>A<br><strong>CDS收藏：</strong><a href="/x">馆</a></div><p>正文</p>"#;
        let (card, rest) = card_of(html);
        assert_eq!(card.unwrap().metadata.collections, vec!["馆"]);
        assert_eq!(rest, "正文");
    }

    #[test]
    fn card_lines_without_line_breaks() {
        let html = "<div class=\"su-spoiler\"><div class=\"su-spoiler-title\">CDT 档案卡</div><div class=\"su-spoiler-content\">\r\n<strong>标题：</strong>T\r\n<strong>作者：</strong>中国数字时代\r\n<strong>来源：</strong><a href=\"https://y.t/x\">YouTube</a>\r\n<strong>发表日期：</strong>2023.2.28\r\n<strong>CDS收藏：</strong><a href=\"/c\">大事记</a>\r\n<strong>版权说明：</strong>该作品版权归中国数字时代所有。<a href=\"/copyright\">详细版权说明</a>。\r\n</div></div>";
        let card = card_of(html).0.expect("a card").metadata;
        assert_eq!(card.title.as_deref(), Some("T"));
        assert_eq!(card.author.as_deref(), Some("中国数字时代"));
        assert_eq!(card.source_url.as_deref(), Some("https://y.t/x"));
        assert_eq!(card.date.as_deref(), Some("2023-02-28"));
        assert_eq!(card.collections, vec!["大事记"]);
    }

    #[test]
    fn no_card() {
        let (card, rest) = card_of("<p><strong>标题：</strong>不是档案卡</p>");
        assert_eq!(card, None);
        assert_eq!(rest, "标题：不是档案卡");
    }

    #[test]
    fn fields_of_later_cards_and_other_labels_are_kept() {
        let html = r#"<div class="su-spoiler"><div class="su-spoiler-title">CDT 档案卡</div><div class="su-spoiler-content"><strong>标题：</strong>T<br><strong>404 日期：</strong>2023年2月9日<br><strong>投稿人：</strong>读者甲<br><strong>备份：</strong><a href="https://archive.ph/abc">archive.ph</a><br><strong>新栏目：</strong>某值<br><strong>版权说明：</strong>该作品版权归原作者所有。</div></div><p>正文</p>"#;
        let (card, rest) = card_of(html);
        let card = card.expect("a card");
        let meta = &card.metadata;
        assert_eq!(meta.deleted.as_deref(), Some("2023-02-09"));
        assert_eq!(meta.contributor.as_deref(), Some("读者甲"));
        assert_eq!(meta.backup.as_deref(), Some("archive.ph"));
        assert_eq!(meta.backup_url.as_deref(), Some("https://archive.ph/abc"));
        assert_eq!(
            meta.card_other,
            vec![("新栏目".to_string(), "某值".to_string())]
        );
        assert_eq!(card.unknown_labels, vec!["新栏目"]);
        assert_eq!(rest, "正文");
    }

    #[test]
    fn a_label_said_twice_is_one_entry() {
        let html = r#"<div class="su-spoiler"><div class="su-spoiler-title">CDT 档案卡</div><div class="su-spoiler-content"><strong>标题：</strong>T<br><strong>新标签：</strong>甲<br><strong>新标签：</strong>乙<br><strong>新标签：</strong>甲</div></div>"#;
        let (card, _) = card_of(html);
        assert_eq!(
            card.expect("a card").metadata.card_other,
            vec![("新标签".to_string(), "甲；乙".to_string())]
        );
    }

    #[test]
    fn an_unreadable_card_date_is_kept_as_written() {
        let html = r#"<div class="su-spoiler"><div class="su-spoiler-title">CDT 档案卡</div><div class="su-spoiler-content"><strong>标题：</strong>T<br><strong>404 日期：</strong>不详</div></div>"#;
        let mut warnings = Vec::new();
        let doc = parse_html(html);
        let card = take_card(&dom::body(&doc), &mut warnings).expect("a card");
        assert_eq!(card.metadata.deleted, None);
        assert_eq!(
            card.metadata.card_other,
            vec![("404 日期".to_string(), "不详".to_string())]
        );
        assert_eq!(warnings, ["date not understood: 不详"]);
    }

    #[test]
    fn table_rows_follow_the_front_matter_order() {
        let (card, _) = card_of(SEED_CARD);
        let rows = rows(&card.expect("a card").metadata);
        let labels: Vec<&str> = rows.iter().map(|(l, _, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["标题", "作者", "发表日期", "来源", "主题归类", "CDS收藏"]
        );
        assert_eq!(
            rows[1].2.as_deref(),
            Some("https://chinadigitaltimes.net/space/声道")
        );
        assert_eq!(rows[4].1, "Tiktok难民、审查");
    }
}
