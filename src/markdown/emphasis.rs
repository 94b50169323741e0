//! Making every emphasis delimiter open and close under CommonMark's flanking rules.
//!
//! `<strong>标题：</strong>Tiktok` written naively is `**标题：**Tiktok`, and CommonMark does not
//! close that `**`: it is preceded by punctuation and followed by a letter. Where (and only
//! where) a delimiter run would fail, the punctuation or space at the inner edge moves outside
//! the delimiters: `**标题**：Tiktok`. No character is ever added.
//!
//! Emphasis around a link, image or code span fails the same way (`中**[链接](u)**文`): the
//! brackets are punctuation too. There the emphasis is split so that it never touches them,
//! and goes inside the link text instead (`中[**链接**](u)文`).
//!
//! The checks hold under both CommonMark 0.30 (punctuation = P categories) and 0.31 (P and S),
//! since renderers in the wild follow either. What still cannot open or close (a delimiter
//! run next to a `~~` run, say) loses its delimiters: plain text is better than stray
//! asterisks.

use super::chars::{is_punctuation, is_whitespace, is_word};
use super::inline::Tok;

/// Passes of the mover. Each pass moves one character at every failing boundary; real text has
/// at most a few punctuation marks in a row at an emphasis edge.
const MAX_PASSES: usize = 16;

pub fn fix(toks: &mut Vec<Tok>) {
    if !toks.iter().any(|t| matches!(t, Tok::Open(_))) {
        return;
    }
    join_adjacent(toks);
    drop_pairs(toks, |_, _, has_word| !has_word);
    move_edges(toks);
    let failing = failing_delimiters(toks);
    if !failing.is_empty() {
        isolate_failing(toks, &failing);
        drop_pairs(toks, |_, _, has_word| !has_word);
        move_edges(toks);
    }
    for _ in 0..8 {
        let failing = failing_delimiters(toks);
        if failing.is_empty() {
            return;
        }
        drop_pairs(toks, |open, close, _| failing.contains(&open) || failing.contains(&close));
    }
    toks.retain(|t| !matches!(t, Tok::Open(_) | Tok::Close(_)));
}

/// `<strong>“</strong><strong>公知</strong>` is one bold run to a reader; written as two it
/// would be `**“****公知**`, which no renderer reads as intended. A close directly followed by
/// an open of the same kind cancels out.
fn join_adjacent(toks: &mut Vec<Tok>) {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    for tok in toks.drain(..) {
        if let (Tok::Open(open), Some(Tok::Close(close))) = (&tok, out.last())
            && open == close
        {
            out.pop();
            continue;
        }
        out.push(tok);
    }
    merge_texts(&mut out);
    *toks = out;
}

fn move_edges(toks: &mut Vec<Tok>) {
    for _ in 0..MAX_PASSES {
        let (fixed, changed) = move_pass(std::mem::take(toks));
        *toks = fixed;
        if !changed {
            break;
        }
        drop_pairs(toks, |_, _, has_word| !has_word);
    }
}

/// Rewrites each emphasis pair holding a failing delimiter so that no delimiter touches a
/// link bracket, image, code span or break: emphasis closes before them and reopens after
/// (inside link text, where `[` and `]` make every delimiter work).
fn isolate_failing(toks: &mut Vec<Tok>, failing: &[usize]) {
    let partner = partners(toks);
    let mut ranges: Vec<(usize, usize)> = failing
        .iter()
        .filter_map(|&k| partner[k].map(|p| (k.min(p), k.max(p))))
        .collect();
    ranges.sort_unstable();
    // Outermost ranges only; a nested one is rewritten with its parent.
    let mut outer: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        if outer.last().is_none_or(|&(_, last_end)| start > last_end) {
            outer.push((start, end));
        }
    }
    for (start, end) in outer.into_iter().rev() {
        let rewritten = isolate(&toks[start..=end]);
        toks.splice(start..=end, rewritten);
    }
    merge_texts(toks);
}

fn isolate(range: &[Tok]) -> Vec<Tok> {
    let mut out = Vec::with_capacity(range.len() + 8);
    let mut open: Vec<(super::inline::Emph, bool)> = Vec::new();
    for tok in range {
        match tok {
            Tok::Open(emph) => open.push((*emph, false)),
            Tok::Close(_) => {
                if let Some((emph, true)) = open.pop() {
                    out.push(Tok::Close(emph));
                }
            }
            Tok::Text(_) => {
                for (emph, opened) in open.iter_mut().filter(|(_, opened)| !opened) {
                    out.push(Tok::Open(*emph));
                    *opened = true;
                }
                out.push(tok.clone());
            }
            _ => {
                for (emph, opened) in open.iter_mut().rev().filter(|(_, opened)| *opened) {
                    out.push(Tok::Close(*emph));
                    *opened = false;
                }
                out.push(tok.clone());
            }
        }
    }
    out
}

/// For each delimiter, the index of its partner.
fn partners(toks: &[Tok]) -> Vec<Option<usize>> {
    let mut partner = vec![None; toks.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (k, tok) in toks.iter().enumerate() {
        match tok {
            Tok::Open(_) => stack.push(k),
            Tok::Close(emph) => {
                if let Some(&open) = stack.last()
                    && toks[open] == Tok::Open(*emph)
                {
                    stack.pop();
                    partner[open] = Some(k);
                    partner[k] = Some(open);
                }
            }
            _ => {}
        }
    }
    partner
}

fn is_delimiter(tok: &Tok) -> bool {
    matches!(tok, Tok::Open(_) | Tok::Close(_))
}

fn delimiter_char(tok: &Tok) -> Option<char> {
    match tok {
        Tok::Open(e) | Tok::Close(e) => Some(e.delimiter_char()),
        _ => None,
    }
}

/// The last character a token writes; `None` stands for a line boundary (whitespace).
fn last_char(tok: &Tok) -> Option<char> {
    match tok {
        Tok::Text(s) => s.chars().next_back(),
        Tok::Open(e) | Tok::Close(e) => Some(e.delimiter_char()),
        Tok::LinkOpen => Some('['),
        Tok::LinkClose { .. } | Tok::Image { .. } => Some(')'),
        Tok::Code(_) => Some('`'),
        Tok::Break => None,
    }
}

/// The first character a token writes.
fn first_char(tok: &Tok) -> Option<char> {
    match tok {
        Tok::Text(s) => s.chars().next(),
        Tok::Open(e) | Tok::Close(e) => Some(e.delimiter_char()),
        Tok::LinkOpen => Some('['),
        Tok::LinkClose { .. } => Some(']'),
        Tok::Image { .. } => Some('!'),
        Tok::Code(_) => Some('`'),
        Tok::Break => Some('\\'),
    }
}

fn left_flanking(prev: Option<char>, next: Option<char>) -> bool {
    [false, true].into_iter().all(|wide| {
        let Some(n) = next else { return false };
        if is_whitespace(n) {
            return false;
        }
        !is_punctuation(n, wide) || prev.is_none_or(|p| is_whitespace(p) || is_punctuation(p, wide))
    })
}

fn right_flanking(prev: Option<char>, next: Option<char>) -> bool {
    [false, true].into_iter().all(|wide| {
        let Some(p) = prev else { return false };
        if is_whitespace(p) {
            return false;
        }
        !is_punctuation(p, wide) || next.is_none_or(|n| is_whitespace(n) || is_punctuation(n, wide))
    })
}

/// The end of the delimiter run starting at `start`: same delimiter character, consecutive.
fn run_end(toks: &[Tok], start: usize) -> usize {
    let ch = delimiter_char(&toks[start]);
    let mut end = start;
    while end < toks.len() && is_delimiter(&toks[end]) && delimiter_char(&toks[end]) == ch {
        end += 1;
    }
    end
}

/// One pass over the delimiter runs, moving the character at a failing inner edge outside.
/// Within a run all closers come before all openers (empty pairs are gone), so a moved
/// character goes between them: out of what closes, not into what opens.
fn move_pass(mut toks: Vec<Tok>) -> (Vec<Tok>, bool) {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len() + 8);
    let mut changed = false;
    let mut i = 0;
    while i < toks.len() {
        if !is_delimiter(&toks[i]) {
            out.push(std::mem::replace(&mut toks[i], Tok::Break));
            i += 1;
            continue;
        }
        let end = run_end(&toks, i);
        let split = (i..end)
            .find(|&k| matches!(toks[k], Tok::Open(_)))
            .unwrap_or(end);
        let mut prev = out.last().and_then(last_char);
        let next = toks.get(end).and_then(first_char);

        out.extend(toks[i..split].iter().cloned());
        if split > i && !right_flanking(prev, next) {
            if let Some(moved) = take_last_char(&mut out, split - i) {
                out.push(Tok::Text(moved.to_string()));
                prev = Some(moved);
                changed = true;
            }
        }
        if split < end && !left_flanking(prev, next) {
            if let Some(Tok::Text(after)) = toks.get_mut(end) {
                let mut chars = after.chars();
                if let Some(moved) = chars.next() {
                    *after = chars.as_str().to_string();
                    out.push(Tok::Text(moved.to_string()));
                    changed = true;
                }
            }
        }
        out.extend(toks[split..end].iter().cloned());
        i = end;
    }
    out.retain(|t| !matches!(t, Tok::Text(s) if s.is_empty()));
    (out, changed)
}

/// Removes the last character of the text just before the `closers` delimiters at the end of
/// `out`, when there is such text.
fn take_last_char(out: &mut [Tok], closers: usize) -> Option<char> {
    let before = out.len().checked_sub(closers + 1)?;
    let Tok::Text(text) = &mut out[before] else {
        return None;
    };
    text.pop()
}

/// Indices of delimiters that would not open or close where they stand.
fn failing_delimiters(toks: &[Tok]) -> Vec<usize> {
    let mut failing = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_delimiter(&toks[i]) {
            i += 1;
            continue;
        }
        let end = run_end(toks, i);
        let prev = i.checked_sub(1).and_then(|k| last_char(&toks[k]));
        let next = toks.get(end).and_then(first_char);
        for (k, tok) in toks.iter().enumerate().take(end).skip(i) {
            let ok = match tok {
                Tok::Open(_) => left_flanking(prev, next),
                _ => right_flanking(prev, next),
            };
            if !ok {
                failing.push(k);
            }
        }
        i = end;
    }
    failing
}

/// Removes the Open/Close pairs for which `doomed(open, close, has_word_inside)` holds, and any
/// delimiter without a partner.
fn drop_pairs(toks: &mut Vec<Tok>, doomed: impl Fn(usize, usize, bool) -> bool) {
    let mut words_before = Vec::with_capacity(toks.len() + 1);
    let mut count = 0usize;
    for tok in toks.iter() {
        words_before.push(count);
        if matches!(tok, Tok::Text(s) if s.chars().any(is_word)) {
            count += 1;
        }
    }
    words_before.push(count);

    let mut remove = vec![false; toks.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (k, tok) in toks.iter().enumerate() {
        match tok {
            Tok::Open(_) => stack.push(k),
            Tok::Close(emph) => match stack.last() {
                Some(&open) if toks[open] == Tok::Open(*emph) => {
                    stack.pop();
                    let has_word = words_before[k] > words_before[open + 1];
                    if doomed(open, k, has_word) {
                        remove[open] = true;
                        remove[k] = true;
                    }
                }
                _ => remove[k] = true,
            },
            _ => {}
        }
    }
    for open in stack {
        remove[open] = true;
    }
    let mut k = 0;
    toks.retain(|_| {
        k += 1;
        !remove[k - 1]
    });
    merge_texts(toks);
}

fn merge_texts(toks: &mut Vec<Tok>) {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    for tok in toks.drain(..) {
        match (out.last_mut(), tok) {
            (_, Tok::Text(s)) if s.is_empty() => {}
            (Some(Tok::Text(last)), Tok::Text(s)) => last.push_str(&s),
            (_, tok) => out.push(tok),
        }
    }
    *toks = out;
}

#[cfg(test)]
mod tests {
    use super::super::inline::Emph::*;
    use super::*;

    fn t(s: &str) -> Tok {
        Tok::Text(s.to_string())
    }

    fn show(toks: &[Tok]) -> String {
        toks.iter()
            .map(|tok| match tok {
                Tok::Text(s) => s.clone(),
                Tok::Open(e) | Tok::Close(e) => e.delimiter().to_string(),
                _ => "?".to_string(),
            })
            .collect()
    }

    fn fixed(mut toks: Vec<Tok>) -> String {
        fix(&mut toks);
        show(&toks)
    }

    #[test]
    fn moves_cjk_colon_out_of_strong() {
        let toks = vec![Tok::Open(Strong), t("标题："), Tok::Close(Strong), t("Tiktok")];
        assert_eq!(fixed(toks), "**标题**：Tiktok");
    }

    #[test]
    fn leaves_working_delimiters_alone() {
        let toks = vec![t("中"), Tok::Open(Strong), t("“公知”"), Tok::Close(Strong), t("。")];
        // followed by punctuation, so `”**。` closes: nothing to move.
        assert_eq!(fixed(toks), "中“**公知”**。");
        let toks = vec![t("a "), Tok::Open(Em), t("“b”"), Tok::Close(Em), t(" c")];
        assert_eq!(fixed(toks), "a *“b”* c");
    }

    #[test]
    fn moves_quotes_on_both_sides() {
        let toks = vec![t("中"), Tok::Open(Strong), t("“公知”"), Tok::Close(Strong), t("文")];
        assert_eq!(fixed(toks), "中“**公知**”文");
    }

    #[test]
    fn moves_several_marks_and_ideographic_space() {
        let toks = vec![t("前"), Tok::Open(Strong), t("\u{3000}「『词』」"), Tok::Close(Strong), t("后")];
        // after the space moves out, `「` opens fine; only the closing side needs a move
        assert_eq!(fixed(toks), "前\u{3000}**「『词』**」后");
    }

    #[test]
    fn punctuation_only_emphasis_is_dropped() {
        let toks = vec![t("a"), Tok::Open(Strong), t("："), Tok::Close(Strong), t("b")];
        assert_eq!(fixed(toks), "a：b");
    }

    #[test]
    fn adjacent_closer_and_opener_split_cleanly() {
        let toks = vec![
            Tok::Open(Strong),
            t("a"),
            Tok::Close(Strong),
            Tok::Open(Em),
            t("“b”"),
            Tok::Close(Em),
            t("c"),
        ];
        assert_eq!(fixed(toks), "**a**“*b*”c");
    }

    #[test]
    fn symbols_count_as_punctuation_for_safety() {
        let toks = vec![t("中"), Tok::Open(Strong), t("©版权"), Tok::Close(Strong)];
        assert_eq!(fixed(toks), "中©**版权**");
    }

    #[test]
    fn unfixable_delimiters_are_dropped() {
        let toks = vec![
            t("中"),
            Tok::Open(Strong),
            Tok::Open(Strike),
            t("删"),
            Tok::Close(Strike),
            Tok::Close(Strong),
            t("文"),
        ];
        assert_eq!(fixed(toks), "中~~删~~文");
    }

    #[test]
    fn nested_emphasis_with_punctuation() {
        let toks = vec![
            t("中"),
            Tok::Open(Strong),
            t("“"),
            Tok::Open(Em),
            t("斜"),
            Tok::Close(Em),
            t("”"),
            Tok::Close(Strong),
            t("文"),
        ];
        assert_eq!(fixed(toks), "中“***斜***”文");
    }

    #[test]
    fn adjacent_runs_of_one_kind_join() {
        let toks = vec![
            t("是"),
            Tok::Open(Strong),
            t("但"),
            Tok::Close(Strong),
            Tok::Open(Strong),
            t("“"),
            Tok::Close(Strong),
            Tok::Open(Strong),
            t("公知"),
            Tok::Close(Strong),
            Tok::Open(Strong),
            t("”"),
            Tok::Close(Strong),
            Tok::Open(Strong),
            t("，又是"),
            Tok::Close(Strong),
            t("，这"),
        ];
        assert_eq!(fixed(toks), "是**但“公知”，又是**，这");
    }

    fn link() -> Vec<Tok> {
        vec![Tok::LinkOpen, t("链接"), Tok::LinkClose { url: "u".into(), title: None }]
    }

    fn show_links(toks: &[Tok]) -> String {
        toks.iter()
            .map(|tok| match tok {
                Tok::Text(s) => s.clone(),
                Tok::Open(e) | Tok::Close(e) => e.delimiter().to_string(),
                Tok::LinkOpen => "[".to_string(),
                Tok::LinkClose { .. } => "](u)".to_string(),
                _ => "?".to_string(),
            })
            .collect()
    }

    #[test]
    fn emphasis_around_a_link_goes_inside_when_it_must() {
        let mut toks = vec![t("中"), Tok::Open(Strong)];
        toks.extend(link());
        toks.extend([Tok::Close(Strong), t("文")]);
        fix(&mut toks);
        assert_eq!(show_links(&toks), "中[**链接**](u)文");
    }

    #[test]
    fn emphasis_around_links_stays_when_it_works() {
        let mut toks = vec![Tok::Open(Strong)];
        toks.extend(link());
        toks.push(t(" | "));
        toks.extend(link());
        toks.push(Tok::Close(Strong));
        fix(&mut toks);
        assert_eq!(show_links(&toks), "**[链接](u) | [链接](u)**");
    }

    #[test]
    fn emphasis_with_a_link_inside_text_stays_whole() {
        let mut toks = vec![t("中"), Tok::Open(Em), t("甲")];
        toks.extend(link());
        toks.extend([t("“乙”"), Tok::Close(Em), t("文")]);
        fix(&mut toks);
        assert_eq!(show_links(&toks), "中*甲[链接](u)“乙*”文");
    }

    #[test]
    fn flanking_rules() {
        assert!(left_flanking(Some('中'), Some('文')));
        assert!(!left_flanking(Some('中'), Some('“')));
        assert!(left_flanking(None, Some('“')));
        assert!(!left_flanking(Some('a'), Some(' ')));
        assert!(right_flanking(Some('文'), Some('。')));
        assert!(!right_flanking(Some('：'), Some('T')));
        assert!(right_flanking(Some('：'), None));
        assert!(!right_flanking(Some('\u{a0}'), Some('x')));
    }
}
