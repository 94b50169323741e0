//! The 2020 RSS footer (`© POSTER for 中国数字时代 | Permalink | … Post tags: …`): who posted
//! the article on CDT and its tags. It and the `<hr>` above it are handed to cleaning to remove.
//!
//! Feeds append it to the end of a post, so only the last few blocks are looked at (and the
//! last few inside a wrapper that ends the page), not the whole tree.

use html5ever::local_name;
use markup5ever_rcdom::Handle;

use super::Metadata;
use super::card::{clean_value, list_value};
use crate::dom::{self, Walk};

/// The footer's poster and tags, and the elements it lies in; `None` when there is none.
pub(crate) fn read_feed_footer(tail: &dom::Tail) -> Option<(Metadata, Vec<Handle>)> {
    let mut footer: Option<Metadata> = None;
    let mut doomed: Vec<Handle> = Vec::new();
    for (node, start) in &tail.0 {
        // A short prefix rules out the other paragraphs before a longer one is read.
        if !start.trim_start().starts_with('©') {
            continue;
        }
        let node = node.clone();
        let text = dom::text_prefix(&node, FOOTER_TEXT);
        if !is_copyright_footer(&text) {
            continue;
        }
        footer.get_or_insert_with(|| read_footer(&node, &text));
        if let Some(hr) =
            dom::previous_element(&node).filter(|p| dom::is_tag(p, &local_name!("hr")))
        {
            doomed.push(hr);
        }
        doomed.push(node);
    }
    footer.map(|footer| (footer, doomed))
}

/// Enough text to recognise a footer line, long tag lists included.
const FOOTER_TEXT: usize = 8192;

fn is_copyright_footer(text: &str) -> bool {
    let text = text.trim();
    text.starts_with('©')
        && text.contains(" for ")
        && (text.contains("Permalink") || text.contains("Post tags"))
}

fn read_footer(node: &Handle, text: &str) -> Metadata {
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
    Metadata {
        posted_by,
        tags,
        ..Metadata::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_html;

    /// Reads the footer and removes what `read_feed_footer` names, as cleaning does.
    fn take_feed_footer(tail: &dom::Tail) -> Option<Metadata> {
        let (footer, nodes) = read_feed_footer(tail)?;
        dom::detach_all(&nodes);
        Some(footer)
    }

    #[test]
    fn feed_footer() {
        let html = r#"<p>正文</p><hr /><p><small>&copy; 大号 冲塔 for <a href="https://chinadigitaltimes.net/chinese">中国数字时代</a>, get_post_time('Y'). |<a href="x">Permalink</a> |<a href="x#comments">No comment</a> |Add to<a href="http://del.icio.us/post?url=x">del.icio.us</a><br/>Post tags: <a href="t1" rel="tag">性别失调</a>, <a href="t2" rel="tag">重男轻女</a><br/></small></p>"#;
        let doc = parse_html(html);
        let body = dom::body(&doc);
        let footer = take_feed_footer(&dom::tail(&body)).expect("a footer");
        assert_eq!(footer.posted_by.as_deref(), Some("大号 冲塔"));
        assert_eq!(footer.tags, vec!["性别失调", "重男轻女"]);
        assert_eq!(body.children.borrow().len(), 1);
        assert_eq!(dom::text_content(&body), "正文");
    }

    #[test]
    fn tags_as_plain_text() {
        let html = "<p>正文</p><p>© 某人 for 中国数字时代 | Permalink | Post tags: 甲, 乙</p>";
        let doc = parse_html(html);
        let footer = take_feed_footer(&dom::tail(&dom::body(&doc))).expect("a footer");
        assert_eq!(footer.tags, vec!["甲", "乙"]);
    }

    #[test]
    fn a_copyright_sign_in_the_article_stays() {
        let html = "<p>正文</p><p>© 2020 作者保留所有权利</p>";
        let doc = parse_html(html);
        let body = dom::body(&doc);
        assert_eq!(take_feed_footer(&dom::tail(&body)), None);
        assert_eq!(dom::text_content(&body), "正文© 2020 作者保留所有权利");
    }
}
