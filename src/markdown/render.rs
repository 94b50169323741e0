//! Tokens of one inline run → finished Markdown text.

use super::chars::is_whitespace;
use super::emphasis;
use super::escape::{Ctx, escape_line_starts, write_tokens};
use super::inline::Tok;

/// A paragraph's tokens as one or more paragraphs of Markdown. Two or more line breaks in a
/// row (`<br><br>`) are a paragraph break in all but name, and become one; breaks at either end
/// of a paragraph have no Markdown form and go. Paragraphs with nothing visible vanish.
pub fn paragraphs(toks: Vec<Tok>) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<Tok> = Vec::new();
    let mut breaks = 0;
    for tok in toks {
        if tok == Tok::Break {
            breaks += 1;
            continue;
        }
        if breaks >= 2 {
            finish(std::mem::take(&mut current), Ctx::Paragraph, &mut out);
        } else if breaks == 1 && !current.is_empty() {
            current.push(Tok::Break);
        }
        breaks = 0;
        current.push(tok);
    }
    finish(current, Ctx::Paragraph, &mut out);
    out
}

/// Tokens as a single line (a heading or a table cell), breaks becoming spaces.
pub fn line(toks: Vec<Tok>, ctx: Ctx) -> String {
    let mut out = Vec::new();
    finish(toks, ctx, &mut out);
    out.pop().unwrap_or_default()
}

fn finish(mut toks: Vec<Tok>, ctx: Ctx, out: &mut Vec<String>) {
    while toks.last() == Some(&Tok::Break) {
        toks.pop();
    }
    if !toks.iter().any(is_visible) {
        return;
    }
    emphasis::fix(&mut toks);
    let text = write_tokens(&toks, ctx);
    out.push(match ctx {
        Ctx::Paragraph => escape_line_starts(&text),
        Ctx::Heading | Ctx::Cell => text,
    });
}

fn is_visible(tok: &Tok) -> bool {
    match tok {
        Tok::Text(s) => s.chars().any(|c| !is_whitespace(c) && !is_invisible(c)),
        Tok::Image { .. } | Tok::Code(_) => true,
        _ => false,
    }
}

/// Zero-width characters that some editors leave in otherwise empty paragraphs.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Tok {
        Tok::Text(s.to_string())
    }

    #[test]
    fn double_breaks_split_paragraphs() {
        let toks = vec![t("a"), Tok::Break, t("b"), Tok::Break, Tok::Break, t("c"), Tok::Break];
        assert_eq!(paragraphs(toks), vec!["a\\\nb".to_string(), "c".to_string()]);
    }

    #[test]
    fn invisible_paragraphs_vanish() {
        assert!(paragraphs(vec![t("\u{a0}\u{3000}\u{200b}")]).is_empty());
        assert!(paragraphs(vec![]).is_empty());
    }

    #[test]
    fn line_start_escapes_apply_after_breaks() {
        let toks = vec![t("a"), Tok::Break, t("1. b")];
        assert_eq!(paragraphs(toks), vec!["a\\\n1\\. b".to_string()]);
    }
}
