//! Reading a saved page: bytes → text, and the small header archivers put above the HTML.
//!
//! Three shapes are seen in real archives:
//! - A: `<!--1736909970000-->`, `[headline](url)`, `------`, blank line, HTML
//! - B: `[headline](url)`, `------`, `日期：<RFC 2822 date>`, blank line, HTML
//! - C: no header at all, the file is an HTML fragment or a whole document

/// What the header above the HTML said. Every field is optional: older pages lack the
/// timestamp, and shape C pages have no header at all.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Header {
    pub headline: Option<String>,
    /// The URL exactly as written in the header.
    pub url: Option<String>,
    /// Archiving time, milliseconds since the epoch.
    pub archived_ms: Option<i64>,
    /// The text after `日期：`, untouched.
    pub date_line: Option<String>,
}

/// A page split into its header and its HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<'a> {
    pub header: Header,
    /// The HTML, borrowed: the caller takes it from its own copy of the text.
    pub html: &'a str,
    /// Whether a header in shape A or B was found.
    pub has_header: bool,
}

/// Splits decoded text into header and HTML. Never fails: text without a recognisable header
/// is all HTML (shape C).
pub fn split(text: &str) -> Page<'_> {
    let mut header = Header::default();
    let mut rest = text;

    let (first, after_first) = next_line(skip_blank_lines(rest));
    if let Some(ms) = parse_timestamp(first) {
        header.archived_ms = Some(ms);
        rest = after_first;
    }

    let (title_line, after_title) = next_line(skip_blank_lines(rest));
    let (rule_line, after_rule) = next_line(after_title);
    let link = parse_headline_link(title_line).filter(|_| is_rule(rule_line));
    let Some((headline, url)) = link else {
        return Page {
            header,
            html: rest,
            has_header: false,
        };
    };
    header.headline = Some(headline);
    header.url = Some(url);
    rest = after_rule;

    let (date_line, after_date) = next_line(skip_blank_lines(rest));
    if let Some(date) = parse_date_line(date_line) {
        header.date_line = Some(date);
        rest = after_date;
    }
    Page {
        header,
        html: rest,
        has_header: true,
    }
}

/// Whether the start of a file looks like a saved page: a header in shape A or B, or HTML.
/// Used for `.txt` and `.md` files, which may just as well be notes, READMEs or this tool's own
/// output (which starts with front matter or a heading, never with these).
pub fn looks_like_page(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let text = text.trim_start();
    if let Some(tag) = text.strip_prefix('<') {
        // `<p>`, `<!DOCTYPE`, `<!--`, an end tag, or an XML declaration (XHTML saves)
        return tag.starts_with(['?', '!'])
            || tag
                .trim_start_matches('/')
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '-');
    }
    let mut lines = text.lines();
    let (Some(first), Some(second)) = (lines.next(), lines.next()) else {
        return false;
    };
    parse_headline_link(first).is_some() && is_rule(second)
}

fn next_line(text: &str) -> (&str, &str) {
    // the memchr crate's search, several times the standard library's on long lines (a page
    // saved as one line of HTML)
    match memchr::memchr(b'\n', text.as_bytes()) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    }
}

fn skip_blank_lines(mut text: &str) -> &str {
    loop {
        let (line, rest) = next_line(text);
        if !line.trim().is_empty() || rest.is_empty() {
            return text;
        }
        text = rest;
    }
}

/// `<!--1736909970000-->`: milliseconds; a 10-digit value is taken as seconds.
fn parse_timestamp(line: &str) -> Option<i64> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    if !(9..=13).contains(&inner.len()) || !inner.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = inner.parse().ok()?;
    Some(if inner.len() <= 11 {
        value * 1000
    } else {
        value
    })
}

/// `[headline](url)`, where the headline may itself hold `[`, `]`, `(`, `)` and `|`. The URL is
/// taken from the last `](` whose remainder has no whitespace, since URLs never hold spaces but
/// headlines often do.
fn parse_headline_link(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    let inner = line.strip_prefix('[')?.strip_suffix(')')?;
    // The rest after an earlier `](` holds the rest after a later one, so looking from the
    // right, the first non-empty rest decides: no whitespace, it is the URL; else none is.
    let mut best = None;
    for (i, _) in inner.rmatch_indices("](") {
        let url = &inner[i + 2..];
        if url.is_empty() {
            continue;
        }
        if !url.chars().any(char::is_whitespace) {
            best = Some(i);
        }
        break;
    }
    let i = best.or_else(|| inner.rfind("]("))?;
    let headline = inner[..i].trim();
    let url = inner[i + 2..].trim();
    if headline.is_empty() && url.is_empty() {
        return None;
    }
    Some((headline.to_string(), url.to_string()))
}

/// The underline below the headline: `------` (any run of 3 or more `-` or `=`).
fn is_rule(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 3 && (line.bytes().all(|b| b == b'-') || line.bytes().all(|b| b == b'='))
}

fn parse_date_line(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("日期")?;
    let rest = rest.strip_prefix('：').or_else(|| rest.strip_prefix(':'))?;
    let rest = rest.trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_a() {
        let page = split(
            "<!--1736909970000-->\n[声道｜Tiktok](https://x.net/chinese/714996.html)\n------\n\n<p>hi</p>",
        );
        assert!(page.has_header);
        assert_eq!(page.header.archived_ms, Some(1_736_909_970_000));
        assert_eq!(page.header.headline.as_deref(), Some("声道｜Tiktok"));
        assert_eq!(
            page.header.url.as_deref(),
            Some("https://x.net/chinese/714996.html")
        );
        assert_eq!(page.header.date_line, None);
        assert_eq!(page.html.trim(), "<p>hi</p>");
    }

    #[test]
    fn shape_b() {
        let page = split(
            "[标题](https://x.net/a/)\n------\n日期：Thu, 02 Jul 2020 18:28:24 +0000\n\n<p>x</p>",
        );
        assert!(page.has_header);
        assert_eq!(page.header.archived_ms, None);
        assert_eq!(
            page.header.date_line.as_deref(),
            Some("Thu, 02 Jul 2020 18:28:24 +0000")
        );
        assert_eq!(page.html.trim(), "<p>x</p>");
    }

    #[test]
    fn shape_c_is_all_html() {
        let text = "<div><p>只有正文</p></div>";
        let page = split(text);
        assert!(!page.has_header);
        assert_eq!(page.html, text);
        assert_eq!(page.header, Header::default());
    }

    #[test]
    fn timestamp_without_headline_keeps_timestamp() {
        let page = split("<!--1602367244000-->\n<p>x</p>");
        assert!(!page.has_header);
        assert_eq!(page.header.archived_ms, Some(1_602_367_244_000));
        assert_eq!(page.html, "<p>x</p>");
    }

    #[test]
    fn ten_digit_timestamp_is_seconds() {
        assert_eq!(
            parse_timestamp("<!--1602367244-->"),
            Some(1_602_367_244_000)
        );
        assert_eq!(
            parse_timestamp("<!-- 1602367244000 -->"),
            Some(1_602_367_244_000)
        );
        assert_eq!(parse_timestamp("<!--hello-->"), None);
        assert_eq!(parse_timestamp("<!--12-->"), None);
    }

    #[test]
    fn headline_with_brackets_parens_and_pipes() {
        let (h, u) =
            parse_headline_link("[[转] 标题(二) | 【图】](https://x.net/a(b)/c.html)").unwrap();
        assert_eq!(h, "[转] 标题(二) | 【图】");
        assert_eq!(u, "https://x.net/a(b)/c.html");
        let (h, u) = parse_headline_link("[a](b) c](https://x.net/%e4%b8%ad)").unwrap();
        assert_eq!(h, "a](b) c");
        assert_eq!(u, "https://x.net/%e4%b8%ad");
    }

    #[test]
    fn headline_line_needs_the_rule_below() {
        let page = split("[not a header](https://x.net/)\n<p>body</p>");
        assert!(!page.has_header);
    }

    #[test]
    fn crlf_text_splits_the_same() {
        let text = crate::encoding::decode(
            b"\xEF\xBB\xBF[t](https://x.net/)\r\n------\r\n\r\n<p>a\rb</p>",
        )
        .unwrap()
        .text;
        assert_eq!(&*text, "[t](https://x.net/)\n------\n\n<p>a\nb</p>");
        assert_eq!(split(&text).header.headline.as_deref(), Some("t"));
    }

    #[test]
    fn sniffs_pages_among_text_files() {
        for page in [
            "<!--1736909970000-->\n[t](u)\n------\n",
            "[标题](https://x.net/a.html)\n------\n日期：x\n\n<p>",
            "\u{feff}  <p>fragment</p>",
            "<!DOCTYPE html><html>",
            "<div class=x>",
            "</div>\n*foo*",
            "<?xml version=\"1.0\"?><!DOCTYPE html>",
            "<![CDATA[ x ]]><p>okay</p>",
        ] {
            assert!(looks_like_page(page.as_bytes()), "{page}");
        }
        for other in [
            "---\ntitle: x\n---\n\nbody",
            "# A README\n\ntext",
            "plain notes",
            "",
            "< not a tag",
            "[link](u) in a sentence\nand more",
        ] {
            assert!(!looks_like_page(other.as_bytes()), "{other}");
        }
    }

    #[test]
    fn date_line_accepts_ascii_colon() {
        assert_eq!(
            parse_date_line("日期: 2020-07-02").as_deref(),
            Some("2020-07-02")
        );
        assert_eq!(parse_date_line("日期："), None);
        assert_eq!(parse_date_line("<p>日期</p>"), None);
    }
}
