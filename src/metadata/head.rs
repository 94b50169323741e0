//! What a whole saved document says about its article: the `<head>` (title, canonical URL,
//! publication time, JSON-LD), and for a page saved from the CDT site, the article's own
//! header (`h1.entry-title`, the date under it) and entry footer (`所在分类：`, `标签：`).

use html5ever::local_name;
use markup5ever_rcdom::Handle;

use super::Outer;
use super::card::clean_value;
use crate::dom::{self, Walk};

/// What a headerless document says about itself in its `<head>`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct HeadMeta {
    pub title: Option<String>,
    pub url: Option<String>,
    /// The publication time as written.
    pub date: Option<String>,
}

/// Reads `<title>`, `og:title`, the canonical URL and the publication time (`article:`
/// metas, else JSON-LD's `datePublished`).
pub(crate) fn head_meta(document: &Handle) -> HeadMeta {
    let mut meta = HeadMeta::default();
    let Some(head) = dom::find_descendant(document, |n| dom::is_tag(n, &local_name!("head")))
    else {
        return meta;
    };
    let mut og_title = None;
    let mut json_ld_date = None;
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
            Some(&local_name!("script"))
                if json_ld_date.is_none()
                    && dom::attr(n, "type")
                        .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) =>
            {
                json_ld_date = json_ld_published(&dom::text_content(n));
            }
            _ => {}
        }
        Walk::Continue
    });
    meta.title = og_title.or(meta.title).map(|t| strip_site_name(&t));
    meta.date = meta.date.or(json_ld_date);
    meta
}

/// `datePublished` anywhere in a JSON-LD block (Yoast nests it in a `@graph`).
fn json_ld_published(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
    let mut stack = vec![&value];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(date) = map.get("datePublished").and_then(|d| d.as_str()) {
                    return Some(date.to_string());
                }
                stack.extend(map.values().rev());
            }
            serde_json::Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    None
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

/// A page saved whole from the CDT site: where its article's body is, and what the page says
/// about the article.
pub(crate) struct FullPage {
    /// The entry content: the only part of the page that becomes the body.
    pub content: Handle,
    pub outer: Outer,
    /// The lines read at the content's end (`所在分类：`, `标签：`) and the related reading
    /// after them, for cleaning to remove.
    pub read: Vec<Handle>,
}

/// Why a whole document holds no article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoArticle {
    /// No `entry-content` at all (a page of another kind, or another site's).
    NoContent,
    /// Several posts: an index, category, tag or search page.
    Listing(usize),
    /// A page the site's theme marks as no article (its `<body>` class): which kind.
    SitePage(&'static str),
    /// The site's menus, sidebar and footer, and no article's content among them.
    OnlyChrome,
}

/// What a whole document is not, by WordPress's `<body>` classes and its `<article>`s: the
/// site's home, archive, search or 404 page, or a page listing several posts. `None` for an
/// article's page, and for a document that says neither.
pub(crate) fn not_an_article(document: &Handle) -> Option<NoArticle> {
    let body = dom::find_descendant(document, |n| dom::is_tag(n, &local_name!("body")))?;
    if let Some(kind) = site_page_kind(&body) {
        return Some(NoArticle::SitePage(kind));
    }
    if has_site_chrome(&body)
        && dom::find_descendant(&body, |n| {
            dom::has_class(n, "entry-content") || dom::has_class(n, "post-content")
        })
        .is_none()
    {
        return Some(NoArticle::OnlyChrome);
    }
    let mut articles = 0;
    dom::for_each_descendant(&body, |n| {
        if dom::is_tag(n, &local_name!("article")) && !in_chrome(n) && !is_comment(n) {
            articles += 1;
            return Walk::Skip;
        }
        Walk::Continue
    });
    (articles > 1).then_some(NoArticle::Listing(articles))
}

fn site_page_kind(body: &Handle) -> Option<&'static str> {
    let class = dom::attr_string(body, "class")?;
    let tokens: Vec<&str> = class.split_ascii_whitespace().collect();
    if tokens
        .iter()
        .any(|t| matches!(*t, "single" | "single-post" | "page"))
    {
        return None;
    }
    tokens.iter().find_map(|t| match *t {
        "error404" => Some("404 (not found)"),
        "search" | "search-results" | "search-no-results" => Some("search"),
        "home" | "blog" => Some("home"),
        "archive" | "category" | "tag" | "author" | "date" | "tax" => {
            Some("archive (category, tag, author or date)")
        }
        _ => None,
    })
}

/// Whether the page has a WordPress theme's header, sidebar or footer.
fn has_site_chrome(body: &Handle) -> bool {
    dom::find_descendant(body, |n| {
        ["site-header", "site-footer", "widget-area"]
            .iter()
            .any(|c| dom::has_class(n, c))
            || dom::attr(n, "id")
                .is_some_and(|id| matches!(&*id, "masthead" | "colophon" | "secondary"))
    })
    .is_some()
}

/// Whether `node` sits in the site's sidebar, navigation, header or footer.
fn in_chrome(node: &Handle) -> bool {
    ancestor(node, |a| {
        matches!(
            dom::tag(a),
            Some(&local_name!("aside") | &local_name!("nav"))
        ) || [
            "sidebar",
            "widget-area",
            "site-footer",
            "site-header",
            "widget",
        ]
        .iter()
        .any(|c| dom::has_class(a, c))
            || dom::attr(a, "id")
                .is_some_and(|id| matches!(&*id, "secondary" | "sidebar" | "colophon" | "masthead"))
    })
    .is_some()
}

fn is_comment(node: &Handle) -> bool {
    dom::has_class(node, "comment-body")
        || dom::has_class(node, "comment")
        || ancestor(node, |a| {
            dom::has_class(a, "comments-area")
                || dom::attr(a, "id").is_some_and(|id| &*id == "comments")
        })
        .is_some()
}

/// Finds the article of a whole saved page: the one `<article>` (or, lacking one, the one
/// element) holding an `entry-content`, and reads its header, its entry footer and the
/// document's `<head>`.
pub(crate) fn full_page(document: &Handle) -> Result<FullPage, NoArticle> {
    if let Some(not) = not_an_article(document) {
        return Err(not);
    }
    let content = the_entry_content(document)?;
    let article = ancestor(&content, |n| dom::is_tag(n, &local_name!("article")))
        .unwrap_or_else(|| dom::body(document));
    let head = head_meta(document);
    let title = dom::find_descendant(&article, |n| dom::has_class(n, "entry-title"))
        .map(|h| clean_value(&dom::text_content(&h)))
        .filter(|t| !t.is_empty())
        .or(head.title);
    let (categories, tags) = entry_terms(&article, &content);
    let mut outer = Outer {
        title,
        url: head.url,
        archived: head.date.as_deref().and_then(crate::dates::utc),
        date: date_under_title(&article, &content),
        categories,
        tags,
        ..Outer::default()
    };
    let read = read_content_terms(&content, &mut outer);
    outer.present = outer.title.is_some() || outer.url.is_some() || outer.archived.is_some();
    Ok(FullPage {
        content,
        outer,
        read,
    })
}

/// The article's body: the one `entry-content` (or `post-content`) outside the sidebar,
/// navigation and comments. Several of them in several `<article>`s make a listing; several in
/// one article (a summary above the text) give the one that is not a summary, else the
/// longest.
fn the_entry_content(document: &Handle) -> Result<Handle, NoArticle> {
    let mut found = Vec::new();
    dom::for_each_descendant(document, |n| {
        if dom::tag(n).is_none() {
            return Walk::Skip;
        }
        if dom::has_class(n, "entry-content") || dom::has_class(n, "post-content") {
            if !in_chrome(n) && !is_comment(n) {
                found.push(n.clone());
            }
            return Walk::Skip;
        }
        Walk::Continue
    });
    let articles: Vec<Option<Handle>> = found
        .iter()
        .map(|c| ancestor(c, |n| dom::is_tag(n, &local_name!("article"))))
        .collect();
    let distinct = articles.iter().enumerate().filter(|(i, a)| {
        !articles[..*i].iter().any(|b| match (a, b) {
            (Some(a), Some(b)) => std::rc::Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        })
    });
    let count = distinct.count();
    if count > 1 {
        return Err(NoArticle::Listing(count));
    }
    let best = found
        .iter()
        .filter(|c| !dom::has_class(c, "entry-summary"))
        .max_by_key(|c| dom::text_content(c).len())
        .or_else(|| found.iter().max_by_key(|c| dom::text_content(c).len()));
    best.cloned().ok_or(NoArticle::NoContent)
}

fn ancestor(node: &Handle, pred: impl Fn(&Handle) -> bool) -> Option<Handle> {
    let mut current = dom::parent(node);
    while let Some(n) = current {
        if pred(&n) {
            return Some(n);
        }
        current = dom::parent(&n);
    }
    None
}

/// The date the theme prints under the title: a `<time>` (its `datetime`, else its text) or
/// an element of a date class, outside the entry content.
fn date_under_title(article: &Handle, content: &Handle) -> Option<String> {
    let mut date = None;
    dom::for_each_descendant(article, |n| {
        if std::rc::Rc::ptr_eq(n, content) || is_entry_footer(n) {
            return Walk::Skip;
        }
        if dom::is_tag(n, &local_name!("time")) {
            date = dom::attr_string(n, "datetime")
                .or_else(|| Some(clean_value(&dom::text_content(n))))
                .filter(|d| !d.is_empty());
        } else if DATE_CLASSES.iter().any(|c| dom::has_class(n, c)) {
            let text = clean_value(&dom::text_content(n));
            date = crate::dates::ymd(&text).map(|_| text);
        }
        if date.is_some() {
            Walk::Stop
        } else {
            Walk::Continue
        }
    });
    date
}

const DATE_CLASSES: [&str; 5] = ["entry-date", "post-date", "posted-on", "published", "date"];

fn is_entry_footer(node: &Handle) -> bool {
    dom::is_tag(node, &local_name!("footer")) || dom::has_class(node, "entry-footer")
}

fn is_entry_header(node: &Handle) -> bool {
    dom::is_tag(node, &local_name!("header")) || dom::has_class(node, "entry-header")
}

/// Lines some themes end the entry content with: `所在分类：…`, `标签：…` (read) and
/// `相关阅读：…` with the list that follows it; all of them are handed back, to be removed.
fn read_content_terms(content: &Handle, outer: &mut Outer) -> Vec<Handle> {
    let mut doomed = Vec::new();
    for node in dom::tail_blocks(content) {
        let start = dom::text_prefix(&node, 16);
        let start = start.trim_start();
        let is_categories = start.starts_with("所在分类");
        if is_categories || start.starts_with("标签") {
            let (categories, tags) = terms_in(&node, content);
            let found = categories.into_iter().chain(tags);
            let into = if is_categories {
                &mut outer.categories
            } else {
                &mut outer.tags
            };
            let mut seen: std::collections::HashSet<String> = into.iter().cloned().collect();
            for term in found {
                if seen.insert(term.clone()) {
                    into.push(term);
                }
            }
            doomed.push(node);
        } else if start.starts_with("相关阅读") || start.starts_with("相关文章") {
            if let Some(list) = dom::next_element(&node).filter(|n| {
                dom::is_tag(n, &local_name!("ul")) || dom::is_tag(n, &local_name!("ol"))
            }) {
                doomed.push(list);
            }
            doomed.push(node);
        }
    }
    doomed
}

/// Categories and tags from the entry footer (or, lacking one, the article around its
/// content and header): links marked `rel="category tag"` and `rel="tag"`, or failing those,
/// the links after `所在分类：` and `标签：`.
fn entry_terms(article: &Handle, content: &Handle) -> (Vec<String>, Vec<String>) {
    let region = dom::find_descendant(article, |n| {
        !std::rc::Rc::ptr_eq(n, content) && is_entry_footer(n)
    })
    .unwrap_or_else(|| article.clone());
    terms_in(&region, content)
}

fn terms_in(region: &Handle, content: &Handle) -> (Vec<String>, Vec<String>) {
    let (mut categories, mut tags) = (Vec::new(), Vec::new());
    // a set beside each list: a page may carry tens of thousands of tag links
    let mut seen: std::collections::HashSet<(bool, String)> = std::collections::HashSet::new();
    let mut label: Option<bool> = None;
    dom::for_each_descendant(region, |n| {
        if std::rc::Rc::ptr_eq(n, content) || is_entry_header(n) {
            return Walk::Skip;
        }
        match &n.data {
            markup5ever_rcdom::NodeData::Text { contents } => {
                let text = contents.borrow();
                if text.contains("分类") {
                    label = Some(true);
                } else if text.contains("标签") || text.contains("標籤") {
                    label = Some(false);
                }
            }
            _ if dom::is_tag(n, &local_name!("a")) => {
                let rel = dom::attr_string(n, "rel").unwrap_or_default();
                let rel: Vec<&str> = rel.split_ascii_whitespace().collect();
                let is_category =
                    rel.contains(&"category") || (rel.is_empty() && label == Some(true));
                let is_tag = !is_category
                    && (rel.contains(&"tag") || (rel.is_empty() && label == Some(false)));
                let text = clean_value(&dom::text_content(n));
                if !text.is_empty() && is_category && seen.insert((true, text.clone())) {
                    categories.push(text);
                } else if !text.is_empty() && is_tag && seen.insert((false, text.clone())) {
                    tags.push(text);
                }
                return Walk::Skip;
            }
            _ => {}
        }
        Walk::Continue
    });
    (categories, tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_html;

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
    fn json_ld_date_when_no_meta_has_one() {
        let doc = parse_html(
            r#"<html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"Article","datePublished":"2025-01-15T02:59:30+00:00"}]}</script></head><body></body></html>"#,
        );
        assert_eq!(
            head_meta(&doc).date.as_deref(),
            Some("2025-01-15T02:59:30+00:00")
        );
    }

    const PAGE: &str = r#"<html><head><title>T – 中国数字时代</title><link rel="canonical" href="https://chinadigitaltimes.net/chinese/1.html"><meta property="article:published_time" content="2025-01-15T10:59:30+08:00"></head><body><nav>菜单</nav><article id="post-1"><header><h1 class="entry-title">页面标题</h1><div class="entry-meta"><span class="posted-on">2025年1月15日</span></div></header><div class="post-content entry-content"><p>正文</p></div><footer class="entry-footer">所在分类：<a href="/c/a" rel="category tag">中国</a> 标签：<a href="/t/b" rel="tag">审查</a><a href="/t/c" rel="tag">网络</a></footer></article><aside>边栏</aside></body></html>"#;

    #[test]
    fn a_whole_page_gives_its_article_and_what_surrounds_it() {
        let doc = parse_html(PAGE);
        let page = full_page(&doc).expect("an article");
        assert_eq!(dom::text_content(&page.content), "正文");
        let outer = page.outer;
        assert_eq!(outer.title.as_deref(), Some("页面标题"));
        assert_eq!(
            outer.url.as_deref(),
            Some("https://chinadigitaltimes.net/chinese/1.html")
        );
        assert_eq!(outer.archived.as_deref(), Some("2025-01-15T02:59:30Z"));
        assert_eq!(outer.date.as_deref(), Some("2025年1月15日"));
        assert_eq!(outer.categories, vec!["中国"]);
        assert_eq!(outer.tags, vec!["审查", "网络"]);
    }

    #[test]
    fn terms_and_related_reading_at_the_end_of_the_content() {
        let html = r#"<html><body><article><h1 class="entry-title">T</h1><div class="entry-content"><p>正文</p><p>所在分类：<a href="/c/a">中国</a></p><p>标签：<a href="/t/b">审查</a></p><p>相关阅读：</p><ul><li><a href="/x">另一篇</a></li></ul></div></article></body></html>"#;
        let doc = parse_html(html);
        let page = full_page(&doc).expect("an article");
        dom::detach_all(&page.read);
        assert_eq!(dom::text_content(&page.content), "正文");
        assert_eq!(page.outer.categories, vec!["中国"]);
        assert_eq!(page.outer.tags, vec!["审查"]);
    }

    #[test]
    fn the_title_may_say_category_without_making_links_terms() {
        let html = r#"<html><body><article><header class="entry-header"><h1 class="entry-title">分类与标签</h1><a href="/author/x">作者</a></header><div class="entry-content"><p>正文</p></div><footer class="entry-footer">标签：<a href="/t/b" rel="tag">审查</a></footer></article></body></html>"#;
        let page = full_page(&parse_html(html)).expect("an article");
        assert!(page.outer.categories.is_empty());
        assert_eq!(page.outer.tags, vec!["审查"]);
    }

    #[test]
    fn listings_and_other_pages_hold_no_article() {
        let listing = "<article><div class=entry-content>a</div></article><article><div class=entry-content>b</div></article>";
        assert_eq!(
            full_page(&parse_html(listing)).err(),
            Some(NoArticle::Listing(2))
        );
        assert_eq!(
            full_page(&parse_html("<p>x</p>")).err(),
            Some(NoArticle::NoContent)
        );
    }
}
