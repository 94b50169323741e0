//! Writing tokens as CommonMark text: escaping only what would otherwise change meaning.
//!
//! Rules, each from the CommonMark spec:
//! - `*`, `~`, `` ` `` pair up with one another, so a lone one is harmless; they are escaped when
//!   the paragraph has two or more, or delimiters of our own they could pair with.
//! - `_` between two alphanumerics never opens or closes; only the others are counted.
//! - `[` is always escaped (links, reference definitions, footnotes); `]` inside link text.
//! - `<` before a letter, `/`, `!` or `?` could start raw HTML or an autolink.
//! - `&` before something that reads as an entity (`&amp;`, `&#20013;`).
//! - `\` before punctuation, and at the end of a text run (the next run may start with some).
//! - At the start of a line: `#`, `>`, list markers, setext and thematic-break lines, fences,
//!   table delimiter rows.

use std::borrow::Cow;

use super::inline::Tok;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ctx {
    Paragraph,
    Heading,
    Cell,
}

#[derive(Default)]
struct Flags {
    star: bool,
    tilde: bool,
    backtick: bool,
    underscore: bool,
}

fn paragraph_flags(toks: &[Tok]) -> Flags {
    let (mut stars, mut tildes, mut backticks, mut underscores) = (0usize, 0usize, 0usize, 0usize);
    let mut flags = Flags::default();
    let mut own_underscore = false;
    for tok in toks {
        match tok {
            Tok::Text(text) => {
                let bytes = text.as_bytes();
                for i in memchr::memchr3_iter(b'*', b'~', b'`', bytes) {
                    match bytes[i] {
                        b'*' => stars += 1,
                        b'~' => tildes += 1,
                        _ => backticks += 1,
                    }
                }
                underscores += memchr::memchr_iter(b'_', bytes)
                    .filter(|&i| !intraword(text, i))
                    .count();
            }
            Tok::Open(e) => match e.delimiter_char() {
                '~' => flags.tilde = true,
                '_' => own_underscore = true,
                _ => flags.star = true,
            },
            Tok::Code(_) => flags.backtick = true,
            // A backtick in a link's URL or title, or in alt text, closes a code span that a
            // lone backtick earlier in the text opens.
            Tok::LinkClose { url, title } => {
                backticks += url.matches('`').count()
                    + title.as_deref().map_or(0, |t| t.matches('`').count());
            }
            Tok::Image { alt, url, title } => {
                backticks += alt.matches('`').count()
                    + url.matches('`').count()
                    + title.as_deref().map_or(0, |t| t.matches('`').count());
            }
            _ => {}
        }
    }
    flags.star |= stars >= 2;
    flags.tilde |= tildes >= 2;
    flags.backtick |= backticks >= 2;
    flags.underscore = underscores >= 2 || (own_underscore && underscores > 0);
    flags
}

/// Whether the ASCII character at byte `i` sits between two alphanumerics.
fn intraword(s: &str, i: usize) -> bool {
    let before = s[..i].chars().next_back();
    let after = s[i + 1..].chars().next();
    before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)
}

/// Writes one paragraph's (or heading's, or cell's) tokens. Line-start escapes are applied per
/// line afterwards by `escape_line_starts`.
pub fn write_tokens(toks: &[Tok], ctx: Ctx) -> String {
    let flags = paragraph_flags(toks);
    let estimate: usize = toks
        .iter()
        .map(|t| match t {
            Tok::Text(s) | Tok::Code(s) => s.len() + 4,
            Tok::LinkClose { url, .. } => url.len() + 8,
            Tok::Image { url, alt, .. } => url.len() + alt.len() + 8,
            _ => 2,
        })
        .sum();
    let mut out = String::with_capacity(estimate);
    let mut in_link = false;
    for (k, tok) in toks.iter().enumerate() {
        match tok {
            Tok::Text(s) => {
                let before_link = matches!(toks.get(k + 1), Some(Tok::LinkOpen));
                let around = Around {
                    in_link,
                    before_link,
                    next: toks.get(k + 1).and_then(first_byte),
                };
                escape_text(s, &flags, &around, &mut out);
            }
            Tok::Open(e) | Tok::Close(e) => out.push_str(e.delimiter()),
            Tok::LinkOpen => {
                out.push('[');
                in_link = true;
            }
            Tok::LinkClose { url, title } => {
                out.push_str("](");
                write_destination(url, &mut out);
                if let Some(title) = title {
                    out.push(' ');
                    write_title(title, &mut out);
                }
                out.push(')');
                in_link = false;
            }
            Tok::Image { alt, url, title } => {
                out.push_str("![");
                escape_alt(alt, &mut out);
                out.push_str("](");
                write_destination(url, &mut out);
                if let Some(title) = title {
                    out.push(' ');
                    write_title(title, &mut out);
                }
                out.push(')');
            }
            Tok::Code(code) => write_code_span(code, &mut out),
            Tok::Break => match ctx {
                Ctx::Paragraph => out.push_str("\\\n"),
                Ctx::Heading | Ctx::Cell => out.push(' '),
            },
        }
    }
    match ctx {
        Ctx::Paragraph => {}
        Ctx::Heading => escape_closing_hashes(&mut out),
        Ctx::Cell => out = out.replace('|', "\\|"),
    }
    out
}

/// ASCII characters that may need a backslash in text; everything else is copied as is.
fn special_in_text(b: u8) -> bool {
    matches!(
        b,
        b'\\' | b'*' | b'~' | b'`' | b'_' | b'[' | b']' | b'<' | b'&' | b'!'
    )
}

/// Where a run of text stands among its paragraph's tokens.
struct Around {
    in_link: bool,
    before_link: bool,
    /// The first byte written after the run, `None` at the end of the paragraph.
    next: Option<u8>,
}

/// The first byte a token writes.
fn first_byte(tok: &Tok) -> Option<u8> {
    match tok {
        Tok::Text(s) => s.bytes().next(),
        Tok::Open(e) | Tok::Close(e) => e.delimiter().bytes().next(),
        Tok::LinkOpen => Some(b'['),
        Tok::LinkClose { .. } => Some(b']'),
        Tok::Image { .. } => Some(b'!'),
        Tok::Code(_) => Some(b'`'),
        Tok::Break => Some(b'\\'),
    }
}

/// Whether the `[` starting `rest` stays text unescaped: its `]` closes in the same run with
/// nothing between that could nest or escape, and what follows the `]` makes neither a link
/// (`(`, `[`) nor a definition (`:`). A `[黑线]` alone is a shortcut reference only where a
/// definition of that label exists, and cdt2md writes none.
fn bracket_stays_text(rest: &[u8], next: Option<u8>) -> bool {
    let Some(close) = rest[1..]
        .iter()
        .position(|&b| matches!(b, b']' | b'[' | b'\\'))
    else {
        return false;
    };
    let close = close + 1;
    if rest[close] != b']' || close == 1 {
        return false;
    }
    let after = rest.get(close + 1).copied().or(next);
    !matches!(after, Some(b'(' | b'[' | b':'))
}

fn escape_text(s: &str, flags: &Flags, around: &Around, out: &mut String) {
    let (in_link, before_link) = (around.in_link, around.before_link);
    let bytes = s.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Chinese text is mostly bytes with the high bit set, which are never special: skip
        // them eight at a time.
        if let Some(chunk) = bytes.get(i..i + 8)
            && u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) & 0x8080_8080_8080_8080
                == 0x8080_8080_8080_8080
        {
            i += 8;
            continue;
        }
        let b = bytes[i];
        i += 1;
        if !special_in_text(b) {
            continue;
        }
        let i = i - 1;
        let next = bytes.get(i + 1).copied();
        let escape = match b {
            b'\\' => next.is_none_or(|n| n.is_ascii_punctuation()),
            b'*' => flags.star,
            b'~' => flags.tilde,
            b'`' => flags.backtick,
            b'_' => flags.underscore && !intraword(s, i),
            b'[' => in_link || !bracket_stays_text(&bytes[i..], around.next),
            b']' => in_link,
            b'<' => next.is_none_or(|n| n.is_ascii_alphabetic() || matches!(n, b'/' | b'!' | b'?')),
            b'&' => entity_follows(&s[i + 1..]),
            b'!' => next.is_none() && before_link,
            _ => false,
        };
        if escape {
            out.push_str(&s[copied..i]);
            out.push('\\');
            copied = i;
        }
    }
    out.push_str(&s[copied..]);
}

/// Whether the text after an `&` would be read as a character reference.
fn entity_follows(rest: &str) -> bool {
    let window = &rest.as_bytes()[..rest.len().min(33)];
    let Some(end) = window.iter().position(|&b| b == b';') else {
        return false;
    };
    let name = &window[..end];
    match name {
        [b'#', b'x' | b'X', hex @ ..] => {
            !hex.is_empty() && hex.len() <= 6 && hex.iter().all(u8::is_ascii_hexdigit)
        }
        [b'#', dec @ ..] => !dec.is_empty() && dec.len() <= 7 && dec.iter().all(u8::is_ascii_digit),
        [first, ..] => first.is_ascii_alphabetic() && name.iter().all(u8::is_ascii_alphanumeric),
        [] => false,
    }
}

/// Alt text is parsed as inline content and flattened, so anything that could become markup
/// is escaped.
fn escape_alt(alt: &str, out: &mut String) {
    for (i, c) in alt.char_indices() {
        let escape = match c {
            '\\' | '[' | ']' | '*' | '_' | '`' | '<' | '~' => true,
            '&' => entity_follows(&alt[i + 1..]),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        push_attribute_char(c, out);
    }
}

/// A line break or tab of an attribute, written as a character reference: a real one could
/// end the paragraph (a blank line) or start a block on the next line. Other controls show as
/// spaces.
fn push_attribute_char(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("&#10;"),
        '\t' => out.push_str("&#9;"),
        c if c.is_control() => out.push(' '),
        c => out.push(c),
    }
}

/// A link destination: plain when it can be, `<…>` when it holds spaces or unbalanced
/// parentheses. Control characters (newlines, tabs) are dropped, as browsers do in URLs.
pub fn write_destination(url: &str, out: &mut String) {
    let plain_safe =
        |b: u8| !(b <= b' ' || matches!(b, b'\\' | b'&' | b'<' | b'>' | b'(' | b')' | 0x7f));
    if !url.is_empty() && url.bytes().all(plain_safe) {
        out.push_str(url);
        return;
    }
    let url: Cow<str> = if url.chars().any(|c| c.is_control()) {
        Cow::Owned(url.chars().filter(|c| !c.is_control()).collect())
    } else {
        Cow::Borrowed(url)
    };
    let pointy = url.is_empty() || url.contains([' ', '<', '>']) || !balanced_parens(&url);
    if pointy {
        out.push('<');
    }
    for (i, c) in url.char_indices() {
        let escape = match c {
            '\\' => true,
            '<' | '>' => pointy,
            '&' => entity_follows(&url[i + 1..]),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    if pointy {
        out.push('>');
    }
}

/// Balanced, and not nested deeper than renderers follow (pulldown-cmark stops at 32).
fn balanced_parens(url: &str) -> bool {
    let mut depth = 0i64;
    for c in url.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth > 16 {
                    return false;
                }
            }
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

fn write_title(title: &str, out: &mut String) {
    out.push('"');
    for (i, c) in title.char_indices() {
        let escape = match c {
            '"' | '\\' => true,
            '&' => entity_follows(&title[i + 1..]),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        push_attribute_char(c, out);
    }
    out.push('"');
}

/// A code span with a backtick fence longer than any run inside it.
fn write_code_span(code: &str, out: &mut String) {
    let fence = "`".repeat(longest_run(code, '`') + 1);
    // CommonMark strips one space from each end of a span that is not all spaces.
    let all_spaces = code.bytes().all(|b| b == b' ');
    let pad = !all_spaces
        && (code.starts_with('`')
            || code.ends_with('`')
            || (code.starts_with(' ') && code.ends_with(' ')));
    out.push_str(&fence);
    if pad {
        out.push(' ');
    }
    out.push_str(code);
    if pad {
        out.push(' ');
    }
    out.push_str(&fence);
}

pub fn longest_run(text: &str, ch: char) -> usize {
    let (mut best, mut current) = (0, 0);
    for c in text.chars() {
        if c == ch {
            current += 1;
            best = best.max(current);
        } else {
            current = 0;
        }
    }
    best
}

/// In an ATX heading a trailing run of `#` after a space is a closing sequence, not text.
fn escape_closing_hashes(out: &mut String) {
    if !out.ends_with('#') {
        return;
    }
    let start = out.trim_end_matches('#').len();
    if start == 0 || out[..start].ends_with([' ', '\t']) {
        out.insert(start, '\\');
    }
}

/// Escapes what would make a line of a paragraph start a block of another kind. Spaces at a
/// line start mean nothing in a paragraph and could make an indented code block; they go.
pub fn escape_line_starts(text: String) -> String {
    let risky = |line: &str| {
        line.as_bytes().first().is_some_and(|b| {
            matches!(
                b,
                b' ' | b'\t'
                    | b'>'
                    | b'#'
                    | b'-'
                    | b'+'
                    | b'*'
                    | b'='
                    | b'_'
                    | b'`'
                    | b'~'
                    | b'|'
                    | b':'
                    | b'0'..=b'9'
            )
        })
    };
    if !text.split('\n').any(risky) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_start_matches([' ', '\t']);
        match line_start_escape(line) {
            Some(at) => {
                out.push_str(&line[..at]);
                out.push('\\');
                out.push_str(&line[at..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// Where to put a backslash so `line` stays paragraph text, if anywhere.
fn line_start_escape(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let first = *bytes.first()?;
    let space_or_end = |at: usize| bytes.get(at).is_none_or(|&b| b == b' ' || b == b'\t');
    let only = |set: &[u8]| bytes.iter().all(|b| set.contains(b));
    match first {
        b'>' => Some(0),
        b'#' => {
            let hashes = bytes.iter().take_while(|&&b| b == b'#').count();
            (hashes <= 6 && space_or_end(hashes)).then_some(0)
        }
        b'-' | b'+' | b'*' if space_or_end(1) => Some(0),
        b'=' if only(b"= \t") => Some(0),
        b'-' | b'_' | b'*' if only(&[first, b' ', b'\t']) => Some(0),
        b'+' if line.starts_with("+++") => Some(0),
        // a fence's info string has no backticks; with one later on, it is a code span
        b'`' if line.starts_with("```") && !line.trim_start_matches('`').contains('`') => Some(0),
        b'~' if line.starts_with("~~~") => Some(0),
        // a table delimiter row, pipes or not (`:-` under `| a` makes a one-column table)
        b'|' | b':' | b'-' if only(b"|:- \t") && line.contains('-') => Some(0),
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            let marker = bytes.get(digits);
            (digits <= 9 && matches!(marker, Some(b'.' | b')')) && space_or_end(digits + 1))
                .then_some(digits)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        escape_line_starts(write_tokens(&[Tok::Text(s.to_string())], Ctx::Paragraph))
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for s in [
            "中文。English. 1.5 a.b snake_case_name C:\\Users 5 * 3 哈哈~ [email protected]",
            "#标签 1.中国 -1 +1 a > b a < b 3<4 AT&T &copy",
        ] {
            assert_eq!(text(s), s, "{s}");
        }
    }

    #[test]
    fn brackets_are_escaped_only_where_a_link_could_form() {
        // Weibo emoticons and editors' brackets stay as they are
        for s in [
            "你好[黑线]",
            "[黑线]哈哈",
            "[转] 标题",
            "a [b] c",
            "[图]。",
            "[a]![b]",
        ] {
            assert_eq!(text(s), s, "{s}");
        }
        for (s, want) in [
            ("[x](y)", "\\[x](y)"),
            ("[x][y]", "\\[x][y]"),
            ("[x]: y", "\\[x]: y"),
            ("[x", "\\[x"),
            ("[a [b] c]", "\\[a [b] c]"),
            ("[]", "\\[]"),
            ("[a\\]b]", "\\[a\\\\]b]"),
        ] {
            assert_eq!(text(s), want, "{s}");
        }
        // what follows the run decides at its end: a link's `[`, or text starting with `(`
        let toks = [
            Tok::Text("表情[笑]".to_string()),
            Tok::Text("(不是链接)".to_string()),
        ];
        assert_eq!(write_tokens(&toks, Ctx::Paragraph), "表情\\[笑](不是链接)");
        let toks = [
            Tok::Text("表情[笑]".to_string()),
            Tok::Open(crate::markdown::inline::Emph::Strong),
        ];
        assert!(write_tokens(&toks, Ctx::Paragraph).starts_with("表情[笑]"));
    }

    #[test]
    fn censorship_stars_are_escaped() {
        assert_eq!(text("习**"), "习\\*\\*");
        assert_eq!(text("帮忙**黄**"), "帮忙\\*\\*黄\\*\\*");
        assert_eq!(text("a*b"), "a*b");
    }

    #[test]
    fn html_and_entities_are_escaped() {
        assert_eq!(text("<script>x</script>"), "\\<script>x\\</script>");
        assert_eq!(text("<!-- c -->"), "\\<!-- c -->");
        assert_eq!(
            text("&amp; &#20013; &#x4e2d;"),
            "\\&amp; \\&#20013; \\&#x4e2d;"
        );
        assert_eq!(text("a\\*b"), "a\\\\*b");
    }

    #[test]
    fn other_delimiters_in_pairs() {
        assert_eq!(text("~~a~~"), "\\~\\~a\\~\\~");
        assert_eq!(text("`a` _b_ a_b"), "\\`a\\` \\_b\\_ a_b");
    }

    #[test]
    fn line_starts() {
        for (line, expected) in [
            ("# a", "\\# a"),
            ("#", "\\#"),
            ("####### a", "####### a"),
            ("> a", "\\> a"),
            ("- a", "\\- a"),
            ("+ a", "\\+ a"),
            ("-", "\\-"),
            ("1. a", "1\\. a"),
            ("2020) a", "2020\\) a"),
            ("1.5", "1.5"),
            ("===", "\\==="),
            ("---", "\\---"),
            ("- - -", "\\- - -"),
            ("___", "\\___"),
            ("+++", "\\+++"),
            ("```", "\\```"),
            ("``` `` ```", "``` `` ```"),
            ("| --- | --- |", "\\| --- | --- |"),
            ("-|-", "\\-|-"),
            (":-", "\\:-"),
            ("-:", "\\-:"),
            ("a", "a"),
        ] {
            assert_eq!(escape_line_starts(line.to_string()), expected, "{line}");
        }
        assert_eq!(escape_line_starts("a\\\n- b".to_string()), "a\\\n\\- b");
    }

    #[test]
    fn destinations() {
        let dest = |u: &str| {
            let mut s = String::new();
            write_destination(u, &mut s);
            s
        };
        assert_eq!(dest("https://x.net/a(b)"), "https://x.net/a(b)");
        assert_eq!(dest("https://x.net/a b"), "<https://x.net/a b>");
        assert_eq!(dest("https://x.net/a)"), "<https://x.net/a)>");
        assert_eq!(dest("https://x.net/<x>"), "<https://x.net/\\<x\\>>");
        assert_eq!(dest("https://x.net/a\nb"), "https://x.net/ab");
        assert_eq!(
            dest("https://x.net/?a=1&amp;b"),
            "https://x.net/?a=1\\&amp;b"
        );
        assert_eq!(dest(""), "<>");
    }

    #[test]
    fn code_spans() {
        let code = |c: &str| {
            let mut s = String::new();
            write_code_span(c, &mut s);
            s
        };
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }

    #[test]
    fn heading_closing_hashes() {
        let heading = |s: &str| write_tokens(&[Tok::Text(s.to_string())], Ctx::Heading);
        assert_eq!(heading("C#"), "C#");
        assert_eq!(heading("a #"), "a \\#");
        assert_eq!(heading("##"), "\\##");
    }

    #[test]
    fn cells_escape_pipes_everywhere() {
        let toks = vec![
            Tok::Text("a|b ".into()),
            Tok::LinkOpen,
            Tok::Text("c".into()),
            Tok::LinkClose {
                url: "https://x/?a|b".into(),
                title: None,
            },
        ];
        assert_eq!(
            write_tokens(&toks, Ctx::Cell),
            "a\\|b [c](https://x/?a\\|b)"
        );
    }

    #[test]
    fn bang_before_link_is_escaped() {
        let toks = vec![
            Tok::Text("wow!".into()),
            Tok::LinkOpen,
            Tok::Text("x]".into()),
            Tok::LinkClose {
                url: "u".into(),
                title: Some("t \"q\"".into()),
            },
        ];
        assert_eq!(
            write_tokens(&toks, Ctx::Paragraph),
            "wow\\![x\\]](u \"t \\\"q\\\"\")"
        );
    }
}
