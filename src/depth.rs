//! Bounding how deep a page nests before the HTML parser sees it.
//!
//! html5ever's tree builder checks "has an element in scope" by walking its stack of open
//! elements, so its time grows with page size × nesting depth: 100,000 nested `<div>`s take
//! it half a minute. Browsers bound the depth for the same reason (Chromium stops nesting at
//! 512). Real pages nest less than 30 deep; here, elements opened beyond [`MAX_DEPTH`] are
//! dropped together with their end tags, their content kept in place: deep pages are flattened,
//! not refused.
//!
//! The depth is estimated by a single cheap scan of the tags, close to what the tree builder
//! would build: void elements and elements whose end tag may be left out (`p`, `li`, `td`…)
//! do not count, an end tag closes the nearest matching open element among the innermost
//! few, raw text (`<script>`, `<style>`…) and comments are skipped.

use std::borrow::Cow;

/// Elements nested deeper than this are flattened.
pub const MAX_DEPTH: usize = 256;

/// How far down the open elements an end tag looks for its start tag. Keeps the scan linear;
/// a real page closes what it opened recently.
const MATCH_WINDOW: usize = 16;

/// The HTML with nesting bounded, and whether anything had to be flattened.
pub fn bound(html: &str) -> (Cow<'_, str>, bool) {
    // Every counted start tag begins with `<`: a page with no more of them than the limit
    // cannot nest beyond it, and most pages have fewer than that. Counting bytes is many
    // times faster than reading tags.
    if memchr::memchr_iter(b'<', html.as_bytes())
        .nth(MAX_DEPTH)
        .is_none()
    {
        return (Cow::Borrowed(html), false);
    }
    let mut scan = Scanner::new(html);
    let mut too_deep = false;
    while let Some(tag) = scan.next_tag() {
        if let Tag::Start { depth, .. } = tag
            && depth > MAX_DEPTH
        {
            too_deep = true;
            break;
        }
    }
    if !too_deep {
        return (Cow::Borrowed(html), false);
    }
    (Cow::Owned(flatten(html)), true)
}

/// Rewrites `html` without the start tags beyond [`MAX_DEPTH`] and their end tags.
fn flatten(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut scan = Scanner::new(html);
    let mut copied = 0;
    while let Some(tag) = scan.next_tag() {
        let drop = match tag {
            Tag::Start { depth, .. } => depth > MAX_DEPTH,
            Tag::End { dropped, .. } => dropped,
        };
        if drop {
            let (start, end) = tag.span();
            out.push_str(&html[copied..start]);
            copied = end;
        }
    }
    out.push_str(&html[copied..]);
    out
}

#[derive(Debug, Clone, Copy)]
enum Tag {
    /// A counted start tag at `depth` (1 for the outermost).
    Start {
        start: usize,
        end: usize,
        depth: usize,
    },
    /// An end tag that closed a counted element; `dropped` when that element's start tag is
    /// dropped too.
    End {
        start: usize,
        end: usize,
        dropped: bool,
    },
}

impl Tag {
    fn span(self) -> (usize, usize) {
        match self {
            Tag::Start { start, end, .. } | Tag::End { start, end, .. } => (start, end),
        }
    }
}

struct Scanner<'a> {
    html: &'a str,
    pos: usize,
    /// Open counted elements: name, and whether beyond the limit.
    open: Vec<(&'a str, bool)>,
}

impl<'a> Scanner<'a> {
    fn new(html: &'a str) -> Self {
        Scanner {
            html,
            pos: 0,
            open: Vec::new(),
        }
    }

    /// The next start or end tag of a counted element.
    fn next_tag(&mut self) -> Option<Tag> {
        let bytes = self.html.as_bytes();
        loop {
            let lt = self.pos + memchr(b'<', &bytes[self.pos..])?;
            let rest = &bytes[lt + 1..];
            match rest.first() {
                Some(b'!') => {
                    self.pos = if rest.starts_with(b"!--") {
                        find(bytes, lt + 4, b"-->").map_or(bytes.len(), |i| i + 3)
                    } else {
                        tag_end(bytes, lt + 1)
                    };
                }
                Some(b'?') => self.pos = tag_end(bytes, lt + 1),
                Some(b'/') => {
                    let (name, after) = tag_name(self.html, lt + 2);
                    self.pos = tag_end(bytes, after);
                    if name.is_empty() || classify(name) != Class::Counted {
                        continue;
                    }
                    if let Some(dropped) = self.close(name) {
                        return Some(Tag::End {
                            start: lt,
                            end: self.pos,
                            dropped,
                        });
                    }
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    let (name, after) = tag_name(self.html, lt + 1);
                    self.pos = tag_end(bytes, after);
                    match classify(name) {
                        Class::RawText => {
                            self.pos = find_end_tag(bytes, self.pos, name);
                            continue;
                        }
                        Class::NotCounted => continue,
                        Class::Counted => {}
                    }
                    let depth = self.open.len() + 1;
                    self.open.push((name, depth > MAX_DEPTH));
                    return Some(Tag::Start {
                        start: lt,
                        end: self.pos,
                        depth,
                    });
                }
                _ => self.pos = lt + 1,
            }
        }
    }

    /// Closes the innermost open element named `name` (and those opened after it) when it is
    /// among the innermost few; returns whether it was beyond the limit.
    fn close(&mut self, name: &str) -> Option<bool> {
        let window = self.open.len().saturating_sub(MATCH_WINDOW);
        let at = (window..self.open.len())
            .rev()
            .find(|&i| self.open[i].0.eq_ignore_ascii_case(name))?;
        let dropped = self.open[at].1;
        self.open.truncate(at);
        Some(dropped)
    }
}

use memchr::memchr;

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|i| from + i)
}

/// The tag name starting at `at`, and where it ends.
fn tag_name(html: &str, at: usize) -> (&str, usize) {
    let bytes = html.as_bytes();
    let end = bytes
        .get(at..)
        .and_then(|rest| {
            rest.iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
        })
        .map_or(bytes.len(), |i| at + i);
    (html.get(at..end).unwrap_or(""), end)
}

/// Just past the `>` closing a tag whose attributes start at `at`, quotes respected.
fn tag_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(i) = bytes
        .get(at..)
        .and_then(|rest| memchr::memchr3(b'>', b'"', b'\'', rest))
    {
        let i = at + i;
        match bytes[i] {
            b'>' => return i + 1,
            quote => match memchr(quote, &bytes[i + 1..]) {
                Some(close) => at = i + 1 + close + 1,
                None => return bytes.len(),
            },
        }
    }
    bytes.len()
}

/// Just past the end tag `</name>` of a raw text element, or the end of the input.
fn find_end_tag(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(lt) = find(bytes, at, b"</") {
        let candidate = bytes.get(lt + 2..lt + 2 + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
            return tag_end(bytes, lt + 2 + name.len());
        }
        at = lt + 2;
    }
    bytes.len()
}

/// What a tag name means for nesting. Names are matched in lower case from a small buffer:
/// this runs for every tag of every page.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    /// Adds a level of nesting that its end tag takes away.
    Counted,
    /// Void, or its end tag is optional (the parser closes it by itself): no level.
    NotCounted,
    /// Its content is raw text up to its end tag.
    RawText,
}

fn classify(name: &str) -> Class {
    let bytes = name.as_bytes();
    if bytes.len() > 10 {
        return Class::Counted;
    }
    let mut buf = [0u8; 10];
    for (slot, b) in buf.iter_mut().zip(bytes) {
        *slot = b.to_ascii_lowercase();
    }
    match &buf[..bytes.len()] {
        b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"iframe" | b"noembed"
        | b"noframes" => Class::RawText,
        b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"link"
        | b"meta" | b"param" | b"source" | b"track" | b"wbr" | b"keygen" | b"frame" | b"image"
        | b"basefont" | b"bgsound" | b"p" | b"li" | b"dt" | b"dd" | b"tr" | b"td" | b"th"
        | b"thead" | b"tbody" | b"tfoot" | b"option" | b"optgroup" | b"rb" | b"rt" | b"rtc"
        | b"rp" | b"html" | b"head" | b"body" | b"colgroup" | b"caption" => Class::NotCounted,
        _ => Class::Counted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(classify("DIV"), Class::Counted);
        assert_eq!(classify("p"), Class::NotCounted);
        assert_eq!(classify("Script"), Class::RawText);
        assert_eq!(classify("custom-element-name"), Class::Counted);
    }

    #[test]
    fn ordinary_pages_pass_untouched() {
        let html =
            "<div><p>a<p>b<ul><li>x<li>y</ul><img src=x><br></div><script>if (a<b) {}</script>";
        let (out, flattened) = bound(html);
        assert!(!flattened);
        assert!(matches!(out, Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_flattened_content_kept() {
        let depth = 1000;
        let html = format!("{}深{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let (out, flattened) = bound(&html);
        assert!(flattened);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains("深"));
    }

    #[test]
    fn the_tag_count_shortcut_stops_at_the_limit_not_before() {
        // no more `<` than the limit: nothing to read
        let html = "<div>".repeat(MAX_DEPTH);
        let (out, flattened) = bound(&html);
        assert!(!flattened && matches!(out, Cow::Borrowed(_)));
        // one more start tag, one level too deep
        let html = "<div>".repeat(MAX_DEPTH + 1);
        let (out, flattened) = bound(&html);
        assert!(flattened);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
    }

    #[test]
    fn unclosed_paragraphs_do_not_count() {
        let html = "<p>x".repeat(10_000);
        assert!(!bound(&html).1);
    }

    #[test]
    fn stray_end_tags_do_not_hide_depth() {
        let html = format!(
            "{}{}",
            "<div>".repeat(MAX_DEPTH + 10),
            "</span>".repeat(1000)
        );
        assert!(bound(&html).1);
    }

    #[test]
    fn comments_quotes_and_raw_text_are_skipped() {
        let html = format!(
            "<!-- {} --><a title=\"<div>\"><script>{}</script></a>",
            "<div>".repeat(1000),
            "<div>".repeat(1000)
        );
        assert!(!bound(&html).1);
    }
}
