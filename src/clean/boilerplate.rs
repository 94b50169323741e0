//! Lines the CDT site and its feed plugins added to every post, which are not the article:
//! feed signatures (`The post … appeared first on 中国数字时代.`, Better Feed, BestWebSoft),
//! the archive's copyright notice outside the card, and the 2010–2015 site's subscription
//! lines, forms and aggregator notice.
//!
//! Feed lines end a post, so only its last few blocks are read for them. The older lines end
//! a post too (in every era sampled: tracker, aggregator notice, survey frame, subscription
//! form, in that order) and each holds a fixed phrase: a text search of the page's end
//! decides whether its tree is walked for them at all.

use html5ever::local_name;
use markup5ever_rcdom::Handle;

use std::sync::LazyLock;

use crate::dom::{self, Walk};
use crate::scan::Phrases;

/// What was found besides plain junk.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    /// The aggregator notice: the post was taken from the web by a program.
    pub aggregated: bool,
}

/// Removes the site's lines below `body`; `html` is the page's text, for the cheap test. In
/// a whole saved page the article ends long before the page does (sidebar, footer), so all of
/// it is searched then.
pub(crate) fn remove(body: &Handle, tail: &dom::Tail, html: &str, whole_page: bool) -> Found {
    let mut doomed = tail_lines(tail, html);
    let mut found = Found::default();
    let region = if whole_page { usize::MAX } else { ERA_REGION };
    if ERA_PHRASES.in_tail(html, region) {
        found = era_lines(body, &mut doomed);
    }
    dom::detach_all(&doomed);
    found
}

/// How feed lines begin.
const TAIL_STARTS: [&str; 5] = [
    "Feed enhanced",
    "The post ",
    "文章",
    "版权说明",
    "欢迎读者访问",
];

fn tail_lines(tail: &dom::Tail, html: &str) -> Vec<Handle> {
    static BESTWEBSOFT: LazyLock<Phrases> = LazyLock::new(|| Phrases::new(&["BestWebSoft"]));
    // BestWebSoft's line may start with anything; only then is every candidate read in full.
    let any_start = BESTWEBSOFT.in_tail(html, 8 * 1024);
    let mut doomed = Vec::new();
    for (node, start) in &tail.0 {
        if dom::parent(node).is_none() {
            // removed already: it was the feed footer
            continue;
        }
        if !any_start
            && !TAIL_STARTS
                .iter()
                .any(|s| start.trim_start().starts_with(s))
        {
            continue;
        }
        if is_feed_line(&dom::text_prefix(node, 1024)) {
            doomed.push(node.clone());
        }
    }
    doomed
}

fn is_feed_line(text: &str) -> bool {
    let text = text.trim();
    (text.starts_with("版权说明") && text.contains("中国数字时代") && text.len() < 600)
        || text.starts_with("Feed enhanced by")
        || (text.contains("BestWebSoft") && text.len() < 400)
        || (text.starts_with("The post ") && text.contains(" appeared first on "))
        || (text.starts_with("文章") && text.contains("最先出现在") && text.len() < 400)
        || (text.starts_with("欢迎读者访问")
            && (text.contains("CDT播客") || text.contains("CDT视频"))
            && text.len() < 300)
}

/// How much of the end of a page the old site's phrases are looked for in: their block of
/// lines is well under 2 KB in every post sampled.
const ERA_REGION: usize = 4 * 1024;

static ERA_PHRASES: LazyLock<Phrases> = LazyLock::new(|| Phrases::new(&ERA_MARKERS));

/// Phrases only the old site's lines hold; a page without any is not walked.
const ERA_MARKERS: [&str; 6] = [
    "自动聚合程序",
    "订阅数字时代",
    "要翻墙",
    "docs.google.com",
    "亚马逊镜像",
    "fullrss.net",
];

/// The old site's lines, wherever they stand: the smallest block holding one of its
/// phrases, when that block holds little else.
fn era_lines(body: &Handle, doomed: &mut Vec<Handle>) -> Found {
    let mut found = Found::default();
    dom::for_each_descendant(body, |node| {
        let Some(name) = dom::tag(node) else {
            return Walk::Skip;
        };
        if matches!(*name, local_name!("iframe")) && is_google_form(node) {
            doomed.push(node.clone());
            return Walk::Skip;
        }
        if !matches!(
            *name,
            local_name!("p")
                | local_name!("div")
                | local_name!("small")
                | local_name!("form")
                | local_name!("b")
                | local_name!("strong")
                | local_name!("span")
                | local_name!("center")
                | local_name!("table")
        ) {
            return Walk::Continue;
        }
        let text = dom::text_prefix(node, ERA_LINE_MAX + 1);
        let text = text.trim();
        if text.len() > ERA_LINE_MAX {
            return Walk::Continue;
        }
        match era_line(text) {
            Some(EraLine::Aggregator) => {
                found.aggregated = true;
                doomed.push(node.clone());
                Walk::Skip
            }
            Some(EraLine::Promotion) => {
                doomed.push(node.clone());
                Walk::Skip
            }
            None if is_subscription_form(node, text) => {
                doomed.push(node.clone());
                Walk::Skip
            }
            None => Walk::Continue,
        }
    });
    found
}

/// Longer blocks are the article's, whatever they mention.
const ERA_LINE_MAX: usize = 240;

enum EraLine {
    Aggregator,
    Promotion,
}

fn era_line(text: &str) -> Option<EraLine> {
    if text.contains("本文由自动聚合程序取自网络") {
        return Some(EraLine::Aggregator);
    }
    let promotion = [
        "定期获得翻墙信息",
        "欢迎订阅数字时代",
        "请电邮订阅数字时代",
        "中国数字时代亚马逊镜像",
    ]
    .iter()
    .any(|p| text.contains(p))
        || (text.trim_start_matches(['“', '"']).starts_with("要翻墙") && text.len() < 120)
        || text == "fullrss.net";
    promotion.then_some(EraLine::Promotion)
}

/// A subscription `<form>` (MailChimp, FeedBlitz): an e-mail field and little text.
fn is_subscription_form(node: &Handle, text: &str) -> bool {
    dom::is_tag(node, &local_name!("form"))
        && text.len() < 120
        && dom::find_descendant(node, |n| {
            dom::is_tag(n, &local_name!("input"))
                && (dom::attr(n, "type").is_some_and(|t| t.eq_ignore_ascii_case("email"))
                    || dom::attr(n, "name")
                        .is_some_and(|v| v.to_ascii_lowercase().contains("mail")))
        })
        .is_some()
}

/// The old site's reader survey: a Google Docs form (`/forms/`, or a spreadsheet's
/// `embeddedform`).
fn is_google_form(frame: &Handle) -> bool {
    dom::attr(frame, "src").is_some_and(|src| {
        src.contains("docs.google.com") && (src.contains("/forms/") || src.contains("embeddedform"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_html;

    fn cleaned(html: &str) -> (String, Found) {
        let doc = parse_html(html);
        let body = dom::body(&doc);
        let found = remove(&body, &dom::tail(&body), html, false);
        (dom::text_content(&body), found)
    }

    #[test]
    fn feed_signatures() {
        for text in [
            "The post <a href='x'>A</a> appeared first on <a href='y'>中国数字时代</a>.",
            "文章<a href='x'>A</a>最先出现在<a href='y'>中国数字时代</a>。",
            "Feed enhanced by the BestWebSoft RSS plugin",
            "<small>Feed enhanced by <a href='http://planetozh.com/'>Better Feed</a></small>",
            "<strong>版权说明：</strong>该作品版权归原作者所有。中国数字时代仅对原作进行存档。",
            "RSS by BestWebSoft",
        ] {
            let (text_left, _) = cleaned(&format!("<p>正文</p><p>{text}</p>"));
            assert_eq!(text_left, "正文", "{text}");
        }
    }

    #[test]
    fn the_article_mentioning_a_phrase_stays() {
        let article = "<p>正文</p><p>The post office was closed.</p><p>文章写得好。</p>";
        assert_eq!(
            cleaned(article).0,
            "正文The post office was closed.文章写得好。"
        );
        let long = format!("<p>{}本文由自动聚合程序取自网络</p>", "长".repeat(200));
        assert!(cleaned(&long).0.starts_with("长长"));
    }

    #[test]
    fn the_old_sites_lines() {
        let html = r#"<p>正文</p><p><small>本文由自动聚合程序取自网络，内容和观点不代表数字时代立场</small></p><p><a href="http://eepurl.com/x">墙外新闻实时更新 欢迎订阅数字时代</a></p><form action="https://feedblitz.com/f?x=1&amp;y=2"><p>定期获得翻墙信息？请电邮订阅数字时代</p><input type="email" name="EMAIL"><input type="submit" value="订阅"></form><iframe src="https://docs.google.com/forms/d/x/viewform?embedded=true">Loading&#8230;</iframe><p><b>要翻墙？(发邮件到Gmail):fanqiang70maATgmail.com</b></p>"#;
        let (text, found) = cleaned(html);
        assert_eq!(text, "正文");
        assert!(found.aggregated);
        assert!(!cleaned("<p>正文</p>").1.aggregated);
    }
}
