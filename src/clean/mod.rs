//! DOM → DOM: everything on a saved page that is not the article goes, and what stands in for
//! something else is replaced by it.
//!
//! - lazy images: the placeholder `src` (an SVG or GIF `data:` URI) is replaced by the real URL
//!   (`data-lazy-src`, `data-src`, `data-original`, lazy `srcset`); the `<noscript>` twin after
//!   it goes, so each image appears once;
//! - embedded players (`<iframe>`, `<video>`, `<audio>`) become a link to what they show;
//!   WordPress post embeds keep their quote and lose the frame;
//! - share widgets (AddToAny, Jetpack and friends) and bare share links go;
//! - Cloudflare-obfuscated e-mail addresses are decoded;
//! - scripts, styles, forms, comments and other things that are not text go.
//!
//! - the site's own lines (feed signatures, old subscription forms, the aggregator notice) go
//!   ([`boilerplate`]).
//!
//! Each parent's child list is rebuilt in one go, so a page with many removals costs no more
//! than one without.

mod boilerplate;

use std::collections::{HashSet, VecDeque};

use html5ever::local_name;
use markup5ever_rcdom::{Handle, NodeData};

use crate::dom::{self, Walk};
use crate::url;

pub(crate) use boilerplate::Found;

/// Removes junk below `body` and resolves stand-ins: first `read`, what the metadata stage
/// read (the card, the feed footer), then the site's lines (`html` is the page's text,
/// searched before any walk) and the rest. Loss the reader should know about (an image that
/// could not be kept) is reported in `warnings`.
pub(crate) fn clean(
    body: &Handle,
    tail: &dom::Tail,
    read: &[Handle],
    html: &str,
    whole_page: bool,
    warnings: &mut Vec<String>,
) -> Found {
    dom::detach_all(read);
    let found = boilerplate::remove(body, tail, html, whole_page);
    let mut cleaner = Cleaner {
        warnings,
        body: body.clone(),
        image_urls: None,
    };
    let mut stack = vec![body.clone()];
    while let Some(parent) = stack.pop() {
        cleaner.clean_children(&parent, &mut stack);
    }
    found
}

enum Action {
    Keep,
    /// Kept, and a `<noscript>` right after it is its twin.
    KeepLazy,
    /// An image with no real URL yet: its `<noscript>` twin may supply one.
    Placeholder(Loss),
    Drop,
    /// Replace the element by its children.
    Unwrap,
    Replace(Handle, bool),
}

#[derive(Clone, Copy, Debug)]
enum Loss {
    NoUrl,
    /// A real image inlined as a `data:` URI of this many bytes.
    Inlined(usize),
}

struct Cleaner<'w> {
    warnings: &'w mut Vec<String>,
    body: Handle,
    /// The real URLs of all images, computed when a stray `<noscript>` needs them.
    image_urls: Option<HashSet<String>>,
}

impl Cleaner<'_> {
    fn clean_children(&mut self, parent: &Handle, stack: &mut Vec<Handle>) {
        // Most child lists change in nothing: walk them as they are, and rebuild only from the
        // first child that needs more than keeping.
        let count = parent.children.borrow().len();
        let mut first = 0;
        let mut pending: Option<Action> = None;
        while first < count {
            let child = parent.children.borrow()[first].clone();
            match &child.data {
                NodeData::Text { .. } => {}
                NodeData::Element { .. } if !dom::is_tag(&child, &local_name!("noscript")) => {
                    match self.action(&child) {
                        Action::Keep => stack.push(child),
                        other => {
                            pending = Some(other);
                            break;
                        }
                    }
                }
                _ => break,
            }
            first += 1;
        }
        if first == count {
            return;
        }
        let old = std::mem::take(&mut *parent.children.borrow_mut());
        let mut queue: VecDeque<Handle> = old.into();
        let mut kept: Vec<Handle> = queue.drain(..first).collect();
        kept.reserve(queue.len());
        let mut after_lazy = false;
        let mut placeholder: Option<(usize, Loss)> = None;
        let mut dropped_share_link = false;

        while let Some(child) = queue.pop_front() {
            match &child.data {
                NodeData::Text { contents } => {
                    if !contents.borrow().trim().is_empty() {
                        after_lazy = false;
                        self.give_up(&mut kept, &mut placeholder);
                    }
                    kept.push(child);
                    continue;
                }
                NodeData::Element { .. } => {}
                _ => continue,
            }
            if dom::is_tag(&child, &local_name!("noscript")) {
                reparse_escaped(&child);
                if let Some((index, loss)) = placeholder.take() {
                    match noscript_media_src(&child) {
                        Some(src) => dom::set_attr(&kept[index], "src", &src),
                        None => self.drop_placeholder(&mut kept, index, loss),
                    }
                } else if !after_lazy && self.has_new_media(&child, &kept, &queue) {
                    let children = std::mem::take(&mut *child.children.borrow_mut());
                    for grandchild in children.into_iter().rev() {
                        queue.push_front(grandchild);
                    }
                }
                after_lazy = false;
                continue;
            }
            self.give_up(&mut kept, &mut placeholder);
            after_lazy = false;
            let action = match pending.take() {
                Some(action) => action,
                None => self.action(&child),
            };
            dropped_share_link |=
                matches!(action, Action::Drop) && dom::is_tag(&child, &local_name!("a"));
            match action {
                Action::Keep => {
                    stack.push(child.clone());
                    kept.push(child);
                }
                Action::KeepLazy => {
                    stack.push(child.clone());
                    kept.push(child);
                    after_lazy = true;
                }
                Action::Placeholder(loss) => {
                    placeholder = Some((kept.len(), loss));
                    kept.push(child);
                }
                Action::Drop => {}
                Action::Unwrap => {
                    let children = std::mem::take(&mut *child.children.borrow_mut());
                    for grandchild in children.into_iter().rev() {
                        queue.push_front(grandchild);
                    }
                }
                Action::Replace(node, lazy) => {
                    stack.push(node.clone());
                    kept.push(node);
                    after_lazy = lazy;
                }
            }
        }
        self.give_up(&mut kept, &mut placeholder);
        if dropped_share_link && is_share_label(&kept) {
            kept.clear();
        }
        dom::set_children(parent, kept);
    }

    /// A placeholder image whose twin did not follow: it has no URL to show.
    fn give_up(&mut self, kept: &mut Vec<Handle>, placeholder: &mut Option<(usize, Loss)>) {
        if let Some((index, loss)) = placeholder.take() {
            self.drop_placeholder(kept, index, loss);
        }
    }

    fn drop_placeholder(&mut self, kept: &mut Vec<Handle>, index: usize, loss: Loss) {
        if index < kept.len() {
            kept.remove(index);
        }
        self.warnings.push(match loss {
            Loss::NoUrl => "image without a real URL dropped".to_string(),
            Loss::Inlined(bytes) => format!(
                "image inlined as a data: URI dropped ({} KB)",
                bytes.div_ceil(1024)
            ),
        });
    }

    fn action(&mut self, node: &Handle) -> Action {
        let Some(name) = dom::tag(node) else {
            return Action::Drop;
        };
        match *name {
            local_name!("script")
            | local_name!("style")
            | local_name!("template")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("base")
            | local_name!("title")
            | local_name!("head")
            | local_name!("object")
            | local_name!("embed")
            | local_name!("applet")
            | local_name!("param")
            | local_name!("input")
            | local_name!("button")
            | local_name!("select")
            | local_name!("option")
            | local_name!("optgroup")
            | local_name!("textarea")
            | local_name!("datalist")
            | local_name!("svg")
            | local_name!("canvas")
            | local_name!("map")
            | local_name!("area")
            | local_name!("dialog")
            | local_name!("frameset")
            | local_name!("noframes")
            | local_name!("nav") => Action::Drop,
            // Some sites wrap the whole page in a form; its content is still the article.
            local_name!("form") => Action::Unwrap,
            local_name!("img") => image_action(node),
            local_name!("iframe") | local_name!("frame") => frame_action(node),
            local_name!("video") | local_name!("audio") => media_action(node),
            local_name!("a") => self.link_action(node),
            _ if dom::has_class(node, "__cf_email__") => email_action(node),
            _ if is_widget(node) => Action::Drop,
            _ => Action::Keep,
        }
    }

    fn link_action(&mut self, node: &Handle) -> Action {
        if dom::has_class(node, "__cf_email__") {
            return email_action(node);
        }
        if is_widget(node) {
            return Action::Drop;
        }
        let Some(href) = dom::attr(node, "href").map(|h| h.to_string()) else {
            return Action::Keep;
        };
        if is_share_link(&href) {
            return Action::Drop;
        }
        if let Some(target) = url::unredirect(&href) {
            dom::set_attr(node, "href", &target);
        }
        if let Some((_, protected)) = href.split_once("/cdn-cgi/l/email-protection") {
            let Some(address) = protected.strip_prefix('#').and_then(cf_decode) else {
                return Action::Unwrap;
            };
            dom::set_attr(node, "href", &format!("mailto:{address}"));
            let text = dom::text_content(node);
            if text.trim().is_empty() || text.contains("email") && text.contains("protected") {
                dom::set_children(node, vec![dom::new_text(&address)]);
            }
        }
        Action::Keep
    }

    /// Whether a stray `<noscript>` holds an image or player not already on the page (then
    /// its content is shown, as a browser without JavaScript would).
    /// The nodes of the parent being rebuilt are in `kept` and `queue`, not in the tree.
    fn has_new_media(
        &mut self,
        noscript: &Handle,
        kept: &[Handle],
        queue: &VecDeque<Handle>,
    ) -> bool {
        let Some(src) = noscript_media_src(noscript) else {
            return false;
        };
        let body = self.body.clone();
        let known = self.image_urls.get_or_insert_with(|| {
            let mut urls = all_image_urls(&body);
            for node in kept.iter().chain(queue.iter()) {
                if dom::is_tag(node, &local_name!("noscript")) {
                    continue;
                }
                urls.extend(all_image_urls(node));
                if dom::is_tag(node, &local_name!("img")) {
                    urls.extend(real_image_url(node));
                }
            }
            urls
        });
        !known.contains(&src)
    }
}

/// Chrome saves a page with scripting on, so a `<noscript>`'s markup is written out as
/// text (`&lt;img …&gt;`): read it as the markup it was.
fn reparse_escaped(noscript: &Handle) {
    let children = noscript.children.borrow();
    let all_text = children
        .iter()
        .all(|c| matches!(c.data, NodeData::Text { .. }));
    if !all_text || children.is_empty() {
        return;
    }
    let text: String = children
        .iter()
        .map(|c| match &c.data {
            NodeData::Text { contents } => contents.borrow().to_string(),
            _ => String::new(),
        })
        .collect();
    drop(children);
    if !text.trim_start().starts_with('<') {
        return;
    }
    let document = crate::parse::parse_html(&text);
    let body = dom::body(&document);
    let parsed = std::mem::take(&mut *body.children.borrow_mut());
    dom::set_children(noscript, parsed);
}

/// The real URL of an image, and whether it had to be found behind a lazy-loading
/// placeholder.
fn image_action(img: &Handle) -> Action {
    if is_tracking_pixel(img) {
        return Action::Drop;
    }
    let src = dom::attr_string(img, "src");
    let placeholder_src = src.as_deref().is_none_or(url::is_data);
    match real_image_url(img) {
        Some(real) => {
            if src.as_deref() != Some(real.as_str()) {
                dom::set_attr(img, "src", &real);
            }
            if placeholder_src {
                Action::KeepLazy
            } else {
                Action::Keep
            }
        }
        None => Action::Placeholder(match src {
            Some(data) if is_inlined_image(&data) => Loss::Inlined(data.len()),
            _ => Loss::NoUrl,
        }),
    }
}

const LAZY_ATTRS: [&str; 3] = ["data-lazy-src", "data-src", "data-original"];
const LAZY_SRCSETS: [&str; 2] = ["data-lazy-srcset", "data-srcset"];

/// The image's real URL: behind a lazy-loading placeholder, else its `src`. A `src` a
/// browser pointed at its saved copy (`NNN_files/…`) comes last: the original URL is better
/// wherever the page still holds it.
fn real_image_url(img: &Handle) -> Option<String> {
    let usable = |value: String| (!url::is_data(&value)).then_some(value);
    let original = |value: String| (url::saved_beside(&value).is_none()).then_some(value);
    let src = dom::attr_string(img, "src").and_then(usable);
    let saved_src = src
        .as_deref()
        .is_some_and(|s| url::saved_beside(s).is_some());
    LAZY_ATTRS
        .iter()
        .find_map(|name| {
            dom::attr_string(img, name)
                .and_then(usable)
                .and_then(original)
        })
        .or_else(|| {
            LAZY_SRCSETS.iter().find_map(|name| {
                dom::attr(img, name)
                    .and_then(|s| best_from_srcset(&s))
                    .and_then(original)
            })
        })
        .or_else(|| src.clone().filter(|_| !saved_src))
        .or_else(|| {
            dom::attr(img, "srcset")
                .and_then(|s| best_from_srcset(&s))
                .and_then(original)
        })
        .or_else(|| {
            dom::attr_string(img, "data-orig-file")
                .and_then(usable)
                .and_then(original)
        })
        .or(src)
}

/// The widest candidate of a `srcset` (`a.jpg 300w, b.jpg 1024w`), the first on a tie.
fn best_from_srcset(srcset: &str) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in srcset.split(", ").flat_map(|c| c.split(",\n")) {
        let mut parts = candidate.split_whitespace();
        let Some(url) = parts.next().filter(|u| !url::is_data(u)) else {
            continue;
        };
        let size = parts
            .next()
            .and_then(|d| d.trim_end_matches(['w', 'x']).parse::<f64>().ok())
            .unwrap_or(1.0);
        if best.is_none_or(|(s, _)| size > s) {
            best = Some((size, url));
        }
    }
    best.map(|(_, url)| url.to_string())
}

/// A `data:` URI holding a real picture rather than a lazy-loading placeholder (tiny GIFs and
/// empty SVGs are placeholders).
fn is_inlined_image(src: &str) -> bool {
    url::is_data(src) && src.len() > 256 && !src.get(..20).is_some_and(|s| s.contains("svg"))
}

/// A 1×1 image, or one from a counter or feed tracker (the old site's aggregated posts carry
/// them, sometimes without a size).
fn is_tracking_pixel(img: &Handle) -> bool {
    let tiny = |name: &str| {
        dom::attr(img, name)
            .and_then(|v| v.trim().trim_end_matches("px").parse::<u32>().ok())
            .is_some_and(|v| v <= 1)
    };
    let tracker = dom::attr(img, "src").is_some_and(|src| {
        let rest = src
            .find(':')
            .and_then(|at| src[at + 1..].strip_prefix("//"))
            .unwrap_or(&src);
        TRACKERS.iter().any(|t| rest.starts_with(t))
    });
    tracker || tiny("width") && tiny("height")
}

/// Image hosts and paths that count readers rather than show anything.
const TRACKERS: [&str; 9] = [
    "pixel.quantserve.com/",
    "feeds.feedburner.com/~r/",
    "blogger.googleusercontent.com/tracker/",
    "fullrss.net/v/",
    "stats.wordpress.com/",
    "pixel.wp.com/",
    "da.feedsportal.com/",
    "res3.feedsportal.com/",
    "www.google-analytics.com/",
];

/// An iframe becomes a link to what it shows; a WordPress post embed goes (its `<blockquote>`
/// sibling already links to the post).
fn frame_action(frame: &Handle) -> Action {
    if dom::has_class(frame, "wp-embedded-content") {
        return Action::Drop;
    }
    let usable = |value: String| {
        let lower = value.to_ascii_lowercase();
        (!lower.starts_with("about:") && !url::is_data(&value) && !url::is_executable(&value))
            .then_some(value)
    };
    let src = dom::attr_string(frame, "src")
        .and_then(usable)
        .or_else(|| dom::attr_string(frame, "data-lazy-src").and_then(usable))
        .or_else(|| dom::attr_string(frame, "data-src").and_then(usable));
    let Some(src) = src else {
        return Action::Drop;
    };
    let target = url::embed_target(&src);
    let text = dom::attr_string(frame, "title").unwrap_or_else(|| target.clone());
    Action::Replace(dom::new_link(&target, &text), true)
}

fn media_action(media: &Handle) -> Action {
    let src = dom::attr_string(media, "src").or_else(|| {
        let source = dom::find_descendant(media, |n| dom::is_tag(n, &local_name!("source")))?;
        dom::attr_string(&source, "src")
    });
    match src.filter(|s| !url::is_data(s) && !url::is_executable(s)) {
        Some(src) => {
            let text = dom::attr_string(media, "title").unwrap_or_else(|| src.clone());
            Action::Replace(dom::new_link(&src, &text), true)
        }
        None => Action::Drop,
    }
}

fn email_action(node: &Handle) -> Action {
    match dom::attr(node, "data-cfemail").and_then(|hex| cf_decode(&hex)) {
        Some(address) => Action::Replace(dom::new_text(&address), false),
        None => Action::Unwrap,
    }
}

/// Cloudflare's e-mail obfuscation: hex bytes, the first one the XOR key for the rest.
fn cf_decode(hex: &str) -> Option<String> {
    let hex = hex.trim();
    if hex.len() < 4 || !hex.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    let key = bytes[0];
    let decoded = String::from_utf8(bytes[1..].iter().map(|b| b ^ key).collect()).ok()?;
    (!decoded.chars().any(char::is_control) && !decoded.trim().is_empty()).then_some(decoded)
}

/// The URL of the first image or player inside a `<noscript>`.
fn noscript_media_src(noscript: &Handle) -> Option<String> {
    let media = dom::find_descendant(noscript, |n| {
        matches!(
            dom::tag(n),
            Some(&local_name!("img")) | Some(&local_name!("iframe")) | Some(&local_name!("video"))
        )
    })?;
    dom::attr_string(&media, "src").filter(|s| !url::is_data(s))
}

fn all_image_urls(body: &Handle) -> HashSet<String> {
    let mut urls = HashSet::new();
    dom::for_each_descendant(body, |n| {
        if dom::is_tag(n, &local_name!("noscript")) {
            return Walk::Skip;
        }
        if dom::is_tag(n, &local_name!("img"))
            && let Some(src) = real_image_url(n)
        {
            urls.insert(src);
        }
        Walk::Continue
    });
    urls
}

/// Class-name prefixes of share, like and related-posts widgets.
const WIDGET_CLASS_PREFIXES: [&str; 27] = [
    // the 2023 video box's close button
    "closebtn",
    // a theme's related posts and post navigation, should a page put them in the content
    "related-posts",
    "post-navigation",
    "addtoany",
    "a2a_",
    "sharedaddy",
    "sd-sharing",
    "sd-social",
    "sd-block",
    "sd-like",
    "jp-relatedposts",
    "jp-sharing",
    "jetpack-likes",
    "jetpack_likes",
    "wp-block-jetpack-sharing",
    "wpcnt",
    "heateor_",
    "ssba",
    "essb_",
    "mashsb",
    "swp_social",
    "shareaholic",
    "sharethis",
    "printfriendly",
    "yarpp-related",
    "crp_related",
    "adsbygoogle",
];

const WIDGET_IDS: [&str; 5] = [
    "jp-relatedposts",
    "jp-post-flair",
    "sharing",
    "addtoany",
    "crp_related",
];

fn is_widget(node: &Handle) -> bool {
    let by_class = dom::attr(node, "class").is_some_and(|class| {
        class.split_ascii_whitespace().any(|token| {
            WIDGET_CLASS_PREFIXES.iter().any(|p| {
                token
                    .as_bytes()
                    .get(..p.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
            })
        })
    });
    by_class || dom::attr(node, "id").is_some_and(|id| WIDGET_IDS.contains(&id.trim()))
}

/// Share endpoints, after the scheme and a leading `www.` or `m.`.
const SHARE_URLS: [&str; 44] = [
    "facebook.com/sharer",
    "facebook.com/share.php",
    "facebook.com/dialog/share",
    "facebook.com/dialog/feed",
    "twitter.com/intent/",
    "twitter.com/share",
    "x.com/intent/",
    "x.com/share",
    "service.weibo.com/share",
    "v.t.sina.com.cn/share",
    "t.me/share",
    "telegram.me/share",
    "social-plugins.line.me/lineit/share",
    "lineit.line.me/share",
    "line.me/r/msg",
    "timeline.line.me/social-plugin/share",
    "addtoany.com/add_to",
    "addtoany.com/share",
    "plus.google.com/share",
    "linkedin.com/sharearticle",
    "linkedin.com/sharing/share-offsite",
    "reddit.com/submit",
    "api.whatsapp.com/send",
    "web.whatsapp.com/send",
    "wa.me/?",
    "pinterest.com/pin/create",
    "getpocket.com/save",
    "getpocket.com/edit",
    "connect.qq.com/widget/shareqq",
    "sns.qzone.qq.com/cgi-bin/qzshare",
    "share.v.t.qq.com",
    "del.icio.us/post",
    "delicious.com/save",
    "digg.com/submit",
    "tumblr.com/share",
    "tumblr.com/widgets/share",
    "vk.com/share.php",
    "news.ycombinator.com/submitlink",
    "mix.com/add",
    "buffer.com/add",
    "bufferapp.com/add",
    "threads.net/intent",
    "bsky.app/intent/compose",
    "mastodonshare.com",
];

/// What is left of a line of share links once they are gone: "分享到：".
fn is_share_label(nodes: &[Handle]) -> bool {
    let mut text = String::new();
    for node in nodes {
        match &node.data {
            NodeData::Text { contents } => text.push_str(&contents.borrow()),
            _ => return false,
        }
    }
    let label = text.trim().trim_end_matches([':', '：']).trim();
    matches!(
        label.to_lowercase().as_str(),
        "分享" | "分享到" | "分享至" | "转发到" | "share" | "share this" | "share on"
    )
}

fn is_share_link(href: &str) -> bool {
    let lower = url::clean(href).to_ascii_lowercase();
    if lower.starts_with("mailto:?") {
        return true; // "e-mail this page", no recipient
    }
    let rest = ["https://", "http://", "//"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    let rest = rest
        .strip_prefix("www.")
        .or_else(|| rest.strip_prefix("m."))
        .unwrap_or(rest);
    SHARE_URLS.iter().any(|p| rest.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_html;

    /// The cleaned body, serialised back as a compact tag list for assertions.
    fn cleaned(html: &str) -> (String, Vec<String>) {
        let doc = parse_html(html);
        let body = dom::body(&doc);
        let mut warnings = Vec::new();
        clean(&body, &dom::tail(&body), &[], html, false, &mut warnings);
        (outline(&body), warnings)
    }

    fn outline(node: &Handle) -> String {
        let mut out = String::new();
        dom::for_each_descendant(node, |n| {
            match &n.data {
                NodeData::Text { contents } => out.push_str(contents.borrow().trim()),
                NodeData::Element { name, .. } => {
                    out.push_str(&format!("<{}", name.local));
                    for key in ["src", "href"] {
                        if let Some(v) = dom::attr(n, key) {
                            out.push_str(&format!(" {key}={}", &*v));
                        }
                    }
                    out.push('>');
                }
                _ => {}
            }
            Walk::Continue
        });
        out
    }

    const SVG: &str = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%3E%3C/svg%3E";

    #[test]
    fn lazy_image_with_noscript_twin_appears_once() {
        let html = format!(
            r#"<p><img src="{SVG}" data-lazy-src="https://x/a."><noscript><img src="https://x/a."></noscript></p>"#
        );
        assert_eq!(cleaned(&html).0, "<p><img src=https://x/a.>");
    }

    #[test]
    fn a_browser_saved_page_keeps_original_urls_and_reads_escaped_noscript() {
        // Chrome's "Webpage, Complete": `src` at the saved copy, the lazy attribute and
        // `srcset` at the original, the <noscript> twin written out as text
        let html = r#"<p><img src="./a_files/x.png" data-lazy-src="https://x/x.png"><noscript>&lt;img src="https://x/x.png"&gt;</noscript><img src="./a_files/y.png" srcset="https://x/y.png 800w"><img src="./a_files/z.png"></p>"#;
        assert_eq!(
            cleaned(html).0,
            "<p><img src=https://x/x.png><img src=https://x/y.png><img src=./a_files/z.png>"
        );
    }

    #[test]
    fn trackers_and_redirects_of_the_old_site() {
        let html = r#"<p><img src="http://pixel.quantserve.com/pixel/p-1.gif"><img src="http://fullrss.net/v/abc/http/x"><a href="http://redirect.viglink.com?key=1&amp;u=http://blog.x.cn/a.html">链接</a></p><div class="closeBtn"><img src="https://x/close-button.png"></div>"#;
        assert_eq!(cleaned(html).0, "<p><a href=http://blog.x.cn/a.html>链接");
    }

    #[test]
    fn lazy_variants() {
        let gif = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
        for (attrs, expected) in [
            (
                format!(r#"src="{gif}" data-src="https://x/b.jpg""#),
                "https://x/b.jpg",
            ),
            (
                format!(r#"src="{gif}" data-original="https://x/c.jpg""#),
                "https://x/c.jpg",
            ),
            (
                format!(
                    r#"src="{SVG}" data-lazy-srcset="https://x/s.jpg 300w, https://x/l.jpg 1024w""#
                ),
                "https://x/l.jpg",
            ),
            (
                r#"srcset="https://x/1.jpg 1x, https://x/2.jpg 2x""#.to_string(),
                "https://x/2.jpg",
            ),
            (
                r#"src="https://x/plain.jpg""#.to_string(),
                "https://x/plain.jpg",
            ),
        ] {
            let (out, warnings) = cleaned(&format!("<p><img {attrs}></p>"));
            assert_eq!(out, format!("<p><img src={expected}>"), "{attrs}");
            assert!(warnings.is_empty());
        }
    }

    #[test]
    fn placeholder_takes_url_from_twin() {
        let html =
            format!(r#"<p><img src="{SVG}"> <noscript><img src="https://x/t.png"></noscript></p>"#);
        assert_eq!(cleaned(&html).0, "<p><img src=https://x/t.png>");
    }

    #[test]
    fn placeholder_without_url_is_dropped_with_a_warning() {
        let (out, warnings) = cleaned(&format!(r#"<p>a<img src="{SVG}">b</p>"#));
        assert_eq!(out, "<p>ab");
        assert_eq!(warnings, vec!["image without a real URL dropped"]);
        let big = format!("data:image/png;base64,{}", "A".repeat(5000));
        let (out, warnings) = cleaned(&format!(r#"<p><img src="{big}"></p>"#));
        assert_eq!(out, "<p>");
        assert_eq!(
            warnings,
            vec!["image inlined as a data: URI dropped (5 KB)"]
        );
    }

    #[test]
    fn stray_noscript_shows_only_new_media() {
        let html = r#"<p><img src="https://x/a.png"></p><noscript><img src="https://x/a.png"></noscript><noscript><img src="https://x/new.png"></noscript><noscript>Enable JavaScript</noscript>"#;
        assert_eq!(
            cleaned(html).0,
            "<p><img src=https://x/a.png><img src=https://x/new.png>"
        );
    }

    #[test]
    fn tracking_pixels_go() {
        assert_eq!(
            cleaned(r#"<p>a<img src="https://px/t.gif" width="1" height="1"></p>"#).0,
            "<p>a"
        );
    }

    #[test]
    fn iframes_become_links() {
        let html = r#"<p><iframe title="侯芷明" src="https://www.youtube.com/embed/k9EPPpAU11c?feature=oembed"></iframe></p>"#;
        assert_eq!(
            cleaned(html).0,
            "<p><a href=https://www.youtube.com/watch?v=k9EPPpAU11c>侯芷明"
        );
        let lazy = r#"<p><iframe src="about:blank" data-lazy-src="https://www.youtube.com/embed/abcdefgh"></iframe><noscript><iframe src="https://www.youtube.com/embed/abcdefgh"></iframe></noscript></p>"#;
        assert_eq!(
            cleaned(lazy).0,
            "<p><a href=https://www.youtube.com/watch?v=abcdefgh>https://www.youtube.com/watch?v=abcdefgh"
        );
        let wp = r#"<blockquote class="wp-embedded-content"><p><a href="https://x/p/">P</a></p></blockquote><p><iframe class="wp-embedded-content" src="https://x/p/embed/#?secret=1"></iframe></p>"#;
        assert_eq!(cleaned(wp).0, "<blockquote><p><a href=https://x/p/>P<p>");
        let video = r#"<video controls><source src="https://x/v.mp4"></video>"#;
        assert_eq!(cleaned(video).0, "<a href=https://x/v.mp4>https://x/v.mp4");
    }

    #[test]
    fn widgets_and_share_links_go() {
        let html = r#"<p>keep</p><div class="addtoany_share_save_container"><a href="https://www.addtoany.com/share">x</a></div><div class="sharedaddy sd-sharing-enabled">s</div><div id="jp-relatedposts">r</div><p><a href="https://www.facebook.com/sharer/sharer.php?u=x">FB</a> <a href="https://twitter.com/intent/tweet?url=x">T</a> <a href="http://service.weibo.com/share/share.php?url=x">W</a> <a href="https://t.me/share/url?url=x">TG</a> <a href="https://social-plugins.line.me/lineit/share?url=x">L</a> <a href="https://x.com/real">real</a></p>"#;
        assert_eq!(cleaned(html).0, "<p>keep<p><a href=https://x.com/real>real");
        let label = r#"<p>分享到： <a href="https://www.facebook.com/sharer/sharer.php?u=x">FB</a> <a href="https://twitter.com/intent/tweet?url=x">T</a></p><p>分享到：自己的朋友圈</p>"#;
        assert_eq!(cleaned(label).0, "<p><p>分享到：自己的朋友圈");
    }

    #[test]
    fn cloudflare_email() {
        let html = r#"<p>©<a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="2d5e59425f4057484f4c5e59444141486d64435e594c4a5f4c40">[email&nbsp;protected]</a></p><p><a href="/cdn-cgi/l/email-protection#2d5e59425f4057484f4c5e59444141486d64435e594c4a5f4c40">[email&nbsp;protected]</a></p>"#;
        let (out, _) = cleaned(html);
        assert_eq!(
            out,
            "<p>©stormzebastille@Instagram<p><a href=mailto:stormzebastille@Instagram>stormzebastille@Instagram"
        );
    }

    #[test]
    fn scripts_styles_forms_and_comments_go() {
        let html = r#"<p>a<!-- c --><script>alert(1)</script><style>p{}</style></p><form><input value="x"><p>in form</p></form><svg><text>s</text></svg>"#;
        assert_eq!(cleaned(html).0, "<p>a<p>in form");
    }

    #[test]
    fn decoding() {
        assert_eq!(cf_decode("2d4c6d4e").as_deref(), Some("a@c"));
        assert_eq!(cf_decode("zz"), None);
        assert_eq!(cf_decode("2d"), None);
    }
}
