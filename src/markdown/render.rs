//! Tokens of one inline run → finished Markdown text.

use super::chars::is_whitespace;
use super::emphasis;
use super::escape::{Ctx, escape_line_starts, write_tokens};
use super::inline::{Emph, Tok};

/// A paragraph's tokens as one or more paragraphs of Markdown. Two or more line breaks in a
/// row (`<br><br>`) are a paragraph break in all but name, and become one, unless a link spans
/// them (a link cannot span paragraphs; two breaks it can). Breaks at either end of a
/// paragraph have no Markdown form and go. Paragraphs with nothing visible vanish. Each is
/// handed to `emit` as it is finished, not gathered first.
pub fn paragraphs(toks: Vec<Tok>, emit: &mut impl FnMut(String)) {
    if !toks.contains(&Tok::Break) {
        if let Some(paragraph) = finish(toks, Ctx::Paragraph) {
            emit(paragraph);
        }
        return;
    }
    let mut current: Vec<Tok> = Vec::new();
    let mut open_emphasis: Vec<Emph> = Vec::new();
    let mut in_link = false;
    let mut breaks = 0;
    for tok in toks {
        if tok == Tok::Break {
            breaks += 1;
            continue;
        }
        if breaks >= 2 && !in_link {
            // Emphasis spanning the split ends here and resumes.
            current.extend(open_emphasis.iter().rev().map(|e| Tok::Close(*e)));
            if let Some(paragraph) = finish(std::mem::take(&mut current), Ctx::Paragraph) {
                emit(paragraph);
            }
            current.extend(open_emphasis.iter().map(|e| Tok::Open(*e)));
        } else if !current.is_empty() {
            current.extend(std::iter::repeat_n(Tok::Break, breaks.min(2)));
        }
        breaks = 0;
        match &tok {
            Tok::LinkOpen => in_link = true,
            Tok::LinkClose { .. } => in_link = false,
            Tok::Open(emph) => open_emphasis.push(*emph),
            Tok::Close(_) => {
                open_emphasis.pop();
            }
            _ => {}
        }
        current.push(tok);
    }
    if let Some(paragraph) = finish(current, Ctx::Paragraph) {
        emit(paragraph);
    }
}

/// Tokens as a single line (a heading or a table cell), breaks becoming spaces.
pub fn line(toks: Vec<Tok>, ctx: Ctx) -> String {
    finish(toks, ctx).unwrap_or_default()
}

/// The tokens as Markdown text, or `None` when they show nothing.
fn finish(mut toks: Vec<Tok>, ctx: Ctx) -> Option<String> {
    if toks.contains(&Tok::Break) {
        hoist_breaks(&mut toks);
        while toks.last() == Some(&Tok::Break) {
            toks.pop();
        }
        let leading = toks.iter().take_while(|t| **t == Tok::Break).count();
        toks.drain(..leading);
    }
    // a code span, even of spaces, is written; a paragraph of nothing else is not empty
    let written = |t: &Tok| is_visible(t) || matches!(t, Tok::Code(_));
    if !toks.iter().any(written) && !holds_empty_link(&toks) {
        return None;
    }
    if toks.contains(&Tok::LinkOpen) {
        drop_invisible_links(&mut toks);
    }
    emphasis::fix(&mut toks);
    if toks
        .iter()
        .filter(|t| matches!(t, Tok::Code(_)))
        .nth(1)
        .is_some()
    {
        join_code_spans(&mut toks);
    }
    let text = write_tokens(&toks, ctx);
    Some(match ctx {
        Ctx::Paragraph => escape_line_starts(text),
        Ctx::Heading | Ctx::Cell => text,
    })
}

/// A break at either end of link text is no break in CommonMark (a stray `\\` instead), so
/// it moves outside the brackets (and outside emphasis, where it shows no different), where it
/// is a break again or trimmed at a paragraph end.
fn hoist_breaks(toks: &mut Vec<Tok>) {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut breaks: Vec<Tok> = Vec::new();
    let mut openers: Vec<Tok> = Vec::new();
    for tok in toks.drain(..) {
        match tok {
            Tok::Break => breaks.push(tok),
            Tok::Open(_) | Tok::LinkOpen => openers.push(tok),
            Tok::Close(_) | Tok::LinkClose { .. } if openers.is_empty() => out.push(tok),
            _ => {
                out.append(&mut breaks);
                out.append(&mut openers);
                out.push(tok);
            }
        }
    }
    out.append(&mut breaks);
    out.append(&mut openers);
    *toks = out;
}

/// Two code spans side by side (once emphasis between them is gone) would have their
/// backticks run together into one longer fence; they read as one span anyway.
fn join_code_spans(toks: &mut Vec<Tok>) {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    for tok in toks.drain(..) {
        match (out.last_mut(), tok) {
            (Some(Tok::Code(last)), Tok::Code(code)) => last.push_str(&code),
            (_, tok) => out.push(tok),
        }
    }
    *toks = out;
}

/// A link around nothing but spaces (`<a href=…>&nbsp;</a>`) cannot be seen or clicked; its
/// spaces stay, the link goes.
fn drop_invisible_links(toks: &mut Vec<Tok>) {
    let mut open: Option<usize> = None;
    let mut doomed = Vec::new();
    for (k, tok) in toks.iter().enumerate() {
        match tok {
            Tok::LinkOpen => open = Some(k),
            Tok::LinkClose { .. } => {
                // a link around nothing at all is the HTML's own `<a href></a>` and stays
                if let Some(start) = open.take()
                    && start + 1 < k
                    && !toks[start + 1..k].iter().any(is_visible)
                {
                    doomed.extend([start, k]);
                }
            }
            _ => {}
        }
    }
    let mut k = 0;
    toks.retain(|_| {
        k += 1;
        doomed.binary_search(&(k - 1)).is_err()
    });
}

fn holds_empty_link(toks: &[Tok]) -> bool {
    toks.windows(2)
        .any(|w| w[0] == Tok::LinkOpen && matches!(w[1], Tok::LinkClose { .. }))
}

fn is_visible(tok: &Tok) -> bool {
    match tok {
        // a code span of spaces is still written, but shows nothing to click
        Tok::Text(s) | Tok::Code(s) => s.chars().any(|c| !is_whitespace(c) && !is_invisible(c)),
        Tok::Image { .. } => true,
        _ => false,
    }
}

/// Zero-width characters that some editors leave in otherwise empty paragraphs.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(toks: Vec<Tok>) -> Vec<String> {
        let mut out = Vec::new();
        super::paragraphs(toks, &mut |p| out.push(p));
        out
    }

    fn t(s: &str) -> Tok {
        Tok::Text(s.to_string())
    }

    #[test]
    fn double_breaks_split_paragraphs() {
        let toks = vec![
            t("a"),
            Tok::Break,
            t("b"),
            Tok::Break,
            Tok::Break,
            t("c"),
            Tok::Break,
        ];
        assert_eq!(
            paragraphs(toks),
            vec!["a\\\nb".to_string(), "c".to_string()]
        );
    }

    #[test]
    fn a_link_keeps_its_double_break() {
        let close = Tok::LinkClose {
            url: "u".into(),
            title: None,
        };
        let toks = vec![
            Tok::LinkOpen,
            t("a"),
            Tok::Break,
            t("b"),
            Tok::Break,
            Tok::Break,
            t("c"),
            close,
        ];
        assert_eq!(paragraphs(toks), vec!["[a\\\nb\\\n\\\nc](u)".to_string()]);
    }

    #[test]
    fn invisible_paragraphs_vanish() {
        assert!(paragraphs(vec![t("\u{a0}\u{3000}\u{200b}")]).is_empty());
        assert!(paragraphs(vec![]).is_empty());
    }

    #[test]
    fn links_around_spaces_vanish() {
        let toks = vec![
            t("a"),
            Tok::LinkOpen,
            t("\u{a0}"),
            Tok::LinkClose {
                url: "u".into(),
                title: None,
            },
            t("b"),
        ];
        assert_eq!(paragraphs(toks), vec!["a\u{a0}b".to_string()]);
    }

    #[test]
    fn line_start_escapes_apply_after_breaks() {
        let toks = vec![t("a"), Tok::Break, t("1. b")];
        assert_eq!(paragraphs(toks), vec!["a\\\n1\\. b".to_string()]);
    }
}
