//! Making every emphasis delimiter open and close under CommonMark's flanking rules.
//!
//! `<strong>标题：</strong>Tiktok` written naively is `**标题：**Tiktok`, and CommonMark does not
//! close that `**`: it is preceded by punctuation and followed by a letter. The placement rule,
//! applied once at each group of delimiters: where (and only where) a delimiter would fail,
//! the punctuation or space at the inner edge moves outside, one character at a time until it
//! works: `**标题**：Tiktok`. No character is ever added, and letters never move.
//!
//! What that rule cannot place falls back, in order: emphasis nested in its own kind
//! (`__` in `**`) gives way; emphasis around a link, image or code span (`中**[链接](u)**文`,
//! where the brackets are punctuation too) goes inside the link text instead
//! (`中[**链接**](u)文`); emphasis edge to edge with another kind between letters steps back
//! from it; and what still cannot open or close (a delimiter run next to a `~~` run, say)
//! loses its delimiters: plain text is better than stray asterisks.
//!
//! The checks hold under both CommonMark 0.30 (punctuation = P categories) and 0.31 (P and S),
//! since renderers in the wild follow either.

use super::chars::{is_punctuation, is_whitespace, is_word};
use super::inline::{Emph, Tok};

/// Emphasis pairs in one paragraph beyond which it is written without emphasis: CommonMark's
/// matching, run to check the result, takes quadratic time on contrived input, and no article
/// has a paragraph of thousands of emphasised runs.
const MAX_CHECKED_PAIRS: usize = 2000;

/// Pairs given up, one per round, to CommonMark's matching before the paragraph is written
/// without emphasis; each round runs the matching again, so this bounds the time a hostile
/// paragraph takes. Real pages need at most one or two.
const MAX_MISMATCHED_PAIRS: usize = 64;

pub fn fix(toks: &mut Vec<Tok>) {
    let pairs = toks.iter().filter(|t| matches!(t, Tok::Open(_))).count();
    if pairs == 0 {
        return;
    }
    // The common case, one pair whose delimiters already open and close where they stand
    // around visible text, needs none of what follows.
    if pairs == 1 && failing_delimiters(toks).is_empty() && single_pair_shows(toks) {
        return;
    }
    renest(toks);
    drop_pairs(toks, |_, _, shows| !shows);
    move_edges(toks);
    drop_failing_nested(toks);
    let failing = failing_delimiters(toks);
    if !failing.is_empty() {
        isolate_failing(toks, &failing, isolate);
        drop_pairs(toks, |_, _, shows| !shows);
        move_edges(toks);
    }
    // Still failing: emphasis that starts or ends right where another kind does, between
    // letters (`甲~~**甲**甲~~`). The outer pair steps back from the inner one and keeps the rest
    // (`甲**甲**~~甲~~`).
    let failing = failing_delimiters(toks);
    if !failing.is_empty() {
        isolate_failing(toks, &failing, step_back);
        drop_pairs(toks, |_, _, shows| !shows);
        move_edges(toks);
    }
    // What fails still loses its delimiters; dropping them can leave a neighbour failing,
    // which goes in turn. Each round removes delimiters, so this ends.
    loop {
        let failing = failing_delimiters(toks);
        let before = toks.len();
        if failing.is_empty() {
            break;
        }
        drop_pairs(toks, |open, close, _| {
            failing.contains(&open) || failing.contains(&close)
        });
        if toks.len() == before {
            break;
        }
    }
    // Every delimiter now opens or closes where it stands; whether they also pair up as meant
    // (`***甲**和**乙***` does not) takes CommonMark's own matching to tell.
    let pairs = toks.iter().filter(|t| matches!(t, Tok::Open(_))).count();
    for _ in 0..MAX_MISMATCHED_PAIRS {
        if pairs > MAX_CHECKED_PAIRS {
            break;
        }
        let Some(culprit) = misparsed(toks) else {
            return;
        };
        drop_pairs(toks, |open, close, _| open == culprit || close == culprit);
    }
    toks.retain(|t| !matches!(t, Tok::Open(_) | Tok::Close(_)));
}

const STRONG: u8 = 1;
const EM: u8 = 2;
const STRIKE: u8 = 4;
const STRONG_ALT: u8 = 8;
const EM_ALT: u8 = 16;

fn kind_bit(emph: Emph) -> u8 {
    match emph {
        Emph::Strong => STRONG,
        Emph::Em => EM,
        Emph::Strike => STRIKE,
        Emph::StrongAlt => STRONG_ALT,
        Emph::EmAlt => EM_ALT,
    }
}

/// A delimiter token of a pair that CommonMark would read differently from what the tokens
/// mean, under either reading of punctuation; `None` when all is read as meant. Of the pairs
/// around misread text, the one covering the fewest letters is named: giving it up loses least.
fn misparsed(toks: &[Tok]) -> Option<usize> {
    let pairs = toks.iter().filter(|t| matches!(t, Tok::Open(_))).count();
    if pairs < 2 {
        return None; // one pair whose delimiters flank correctly always matches
    }
    let intended = intended_kinds(toks);
    for wide in [false, true] {
        let (parsed, left_over) = parsed_kinds(toks, wide);
        let wrong: Vec<usize> = (0..toks.len())
            .filter(|&k| {
                matches!(&toks[k], Tok::Text(s) | Tok::Code(s) if !s.trim().is_empty())
                    && parsed[k] != intended[k]
            })
            .collect();
        if !wrong.is_empty() {
            return smallest_pair_around(toks, &wrong);
        }
        if left_over.is_some() {
            return left_over;
        }
    }
    None
}

/// Whether the one pair in `toks` holds something visible.
fn single_pair_shows(toks: &[Tok]) -> bool {
    let (Some(open), Some(close)) = (
        toks.iter().position(|t| matches!(t, Tok::Open(_))),
        toks.iter().position(|t| matches!(t, Tok::Close(_))),
    ) else {
        return false;
    };
    open < close
        && toks[open + 1..close].iter().any(
            |t| matches!(t, Tok::Text(s) | Tok::Code(s) if s.chars().any(|c| !is_whitespace(c))),
        )
}

/// The `Open` of the pair with the fewest letters among those around any of `tokens`.
fn smallest_pair_around(toks: &[Tok], tokens: &[usize]) -> Option<usize> {
    let partner = partners(toks);
    let (mut letters_before, mut marked_before) = (Vec::new(), Vec::new());
    let (mut letters, mut marked) = (0usize, 0usize);
    for (k, tok) in toks.iter().enumerate() {
        letters_before.push(letters);
        marked_before.push(marked);
        if let Tok::Text(s) | Tok::Code(s) = tok {
            letters += s.chars().filter(|c| is_word(*c)).count();
        }
        marked += usize::from(tokens.binary_search(&k).is_ok());
    }
    letters_before.push(letters);
    marked_before.push(marked);
    (0..toks.len())
        .filter_map(|open| {
            let close = partner[open].filter(|&c| c > open)?;
            (marked_before[close] > marked_before[open + 1])
                .then(|| (letters_before[close] - letters_before[open], open))
        })
        .min()
        .map(|(_, open)| open)
}

/// The kinds each token shows as the tokens mean them. A kind nested in itself (the third
/// level of `*_*…*_*`) counts once: it ends where its outermost pair does.
fn intended_kinds(toks: &[Tok]) -> Vec<u8> {
    let mut depth = [0usize; EMPHS.len()];
    let index = |e: Emph| EMPHS.iter().position(|k| *k == e).unwrap_or(0);
    toks.iter()
        .map(|tok| {
            match tok {
                Tok::Open(e) => depth[index(*e)] += 1,
                Tok::Close(e) => depth[index(*e)] = depth[index(*e)].saturating_sub(1),
                _ => {}
            }
            EMPHS
                .iter()
                .zip(depth)
                .filter(|(_, d)| *d > 0)
                .fold(0, |bits, (e, _)| bits | kind_bit(*e))
        })
        .collect()
}

/// A delimiter run as CommonMark's emphasis algorithm sees it.
struct Run {
    ch: char,
    len: usize,
    count: usize,
    can_open: bool,
    can_close: bool,
    /// Token range of the run.
    first: usize,
    end: usize,
}

/// The emphasis each token would get from a CommonMark parser, by running the spec's "process
/// emphasis" procedure over the delimiter runs (link text is its own scope, as in the spec),
/// and a delimiter token that would be left as a literal character, if any.
fn parsed_kinds(toks: &[Tok], wide: bool) -> (Vec<u8>, Option<usize>) {
    let mut left_over = None;
    let mut kinds = vec![0u8; toks.len()];
    let mut scopes: Vec<Vec<Run>> = vec![Vec::new()];
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::LinkOpen => scopes.push(Vec::new()),
            Tok::LinkClose { .. } if scopes.len() > 1 => {
                if let Some(scope) = scopes.pop() {
                    left_over = left_over.or(process_emphasis(scope, &mut kinds));
                }
            }
            Tok::Open(_) | Tok::Close(_) => {
                let end = run_end(toks, i);
                let prev = i.checked_sub(1).and_then(|k| last_char(&toks[k]));
                let next = toks.get(end).and_then(first_char);
                let len = toks[i..end]
                    .iter()
                    .map(|t| match t {
                        Tok::Open(e) | Tok::Close(e) => e.delimiter().len(),
                        _ => 0,
                    })
                    .sum();
                let run = Run {
                    ch: delimiter_char(&toks[i]).unwrap_or('*'),
                    len,
                    count: len,
                    can_open: opens_in(delimiter_char(&toks[i]), prev, next, wide),
                    can_close: closes_in(delimiter_char(&toks[i]), prev, next, wide),
                    first: i,
                    end,
                };
                if let Some(scope) = scopes.last_mut() {
                    scope.push(run);
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    for scope in scopes.into_iter().rev() {
        left_over = left_over.or(process_emphasis(scope, &mut kinds));
    }
    (kinds, left_over)
}

/// Marks what each pair the spec's algorithm finds covers; returns the first delimiter left
/// unmatched.
fn process_emphasis(mut runs: Vec<Run>, kinds: &mut [u8]) -> Option<usize> {
    let mut active = vec![true; runs.len()];
    let mut bottoms: Vec<((char, bool, usize), usize)> = Vec::new();
    let mut closer = 0;
    while closer < runs.len() {
        let c = &runs[closer];
        if !active[closer] || !c.can_close || c.count == 0 {
            closer += 1;
            continue;
        }
        let key = (c.ch, c.can_open, c.len % 3);
        let bottom = bottoms
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0, |(_, b)| *b);
        let opener = (bottom..closer).rev().find(|&o| {
            let r = &runs[o];
            if !active[o] || r.count == 0 || r.ch != c.ch || !r.can_open {
                return false;
            }
            if c.ch == '~' {
                return r.count == c.count;
            }
            let both = r.can_close || c.can_open;
            !(both
                && (r.len + c.len).is_multiple_of(3)
                && !(r.len.is_multiple_of(3) && c.len.is_multiple_of(3)))
        });
        let Some(opener) = opener else {
            bottoms.retain(|(k, _)| *k != key);
            bottoms.push((key, closer));
            if !runs[closer].can_open {
                active[closer] = false;
            }
            closer += 1;
            continue;
        };
        let used = if c.ch == '~' {
            c.count
        } else if runs[opener].count >= 2 && c.count >= 2 {
            2
        } else {
            1
        };
        let bit = match (c.ch, used) {
            ('~', _) => STRIKE,
            ('_', 2) => STRONG_ALT,
            ('_', _) => EM_ALT,
            (_, 2) => STRONG,
            _ => EM,
        };
        for kind in &mut kinds[runs[opener].end..runs[closer].first] {
            *kind |= bit;
        }
        for between in &mut active[opener + 1..closer] {
            *between = false;
        }
        runs[opener].count -= used;
        runs[closer].count -= used;
        if runs[opener].count == 0 {
            active[opener] = false;
        }
        if runs[closer].count == 0 {
            active[closer] = false;
            closer += 1;
        }
    }
    runs.iter().find(|r| r.count > 0).map(|r| r.first)
}

/// Rebuilds the delimiters from what each token should show, nesting longer-lived emphasis
/// outside shorter: `<strong>“</strong><strong>公知</strong>` is one bold run to a reader, and
/// `<b><i>x</i></b><i>y</i>` is italic `x y` with a bold `x`, written `***x**y*` rather than
/// `***x****y*`, which no renderer reads as meant.
fn renest(toks: &mut Vec<Tok>) {
    let kinds = intended_kinds(toks);
    let items: Vec<(Tok, u8)> = toks
        .iter()
        .zip(&kinds)
        .filter(|(t, _)| !is_delimiter(t))
        .map(|(t, k)| (t.clone(), *k))
        .collect();
    // how many items in a row, from each one on, show each kind
    let mut lifetime = vec![[0u32; EMPHS.len()]; items.len() + 1];
    for i in (0..items.len()).rev() {
        for (b, emph) in EMPHS.iter().enumerate() {
            lifetime[i][b] = if items[i].1 & kind_bit(*emph) != 0 {
                lifetime[i + 1][b] + 1
            } else {
                0
            };
        }
    }
    enum Entry {
        Kind(Emph),
        Link,
    }
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut stack: Vec<Entry> = Vec::new();
    let close_to = |stack: &mut Vec<Entry>, out: &mut Vec<Tok>, depth: usize| {
        while stack.len() > depth {
            if let Some(Entry::Kind(emph)) = stack.pop() {
                out.push(Tok::Close(emph));
            }
        }
    };
    for (i, (tok, set)) in items.into_iter().enumerate() {
        if matches!(tok, Tok::LinkClose { .. }) {
            let marker = stack
                .iter()
                .rposition(|e| matches!(e, Entry::Link))
                .unwrap_or(0);
            close_to(&mut stack, &mut out, marker);
            stack.truncate(marker);
            out.push(tok);
            continue;
        }
        // close what this item does not show (and whatever was opened after it)
        let scope = stack
            .iter()
            .rposition(|e| matches!(e, Entry::Link))
            .map_or(0, |m| m + 1);
        let first_wrong = (scope..stack.len())
            .find(|&d| matches!(stack[d], Entry::Kind(e) if set & kind_bit(e) == 0));
        if let Some(depth) = first_wrong {
            close_to(&mut stack, &mut out, depth);
        }
        let shown = stack.iter().fold(0u8, |acc, e| match e {
            Entry::Kind(emph) => acc | kind_bit(*emph),
            Entry::Link => acc,
        });
        let mut missing: Vec<(usize, Emph)> = EMPHS
            .iter()
            .enumerate()
            .filter(|(_, e)| set & kind_bit(**e) != 0 && shown & kind_bit(**e) == 0)
            .map(|(b, e)| (b, *e))
            .collect();
        missing.sort_by_key(|&(b, _)| std::cmp::Reverse(lifetime[i][b]));
        for (_, emph) in missing {
            stack.push(Entry::Kind(emph));
            out.push(Tok::Open(emph));
        }
        if tok == Tok::LinkOpen {
            stack.push(Entry::Link);
        }
        out.push(tok);
    }
    close_to(&mut stack, &mut out, 0);
    merge_texts(&mut out);
    *toks = out;
}

const EMPHS: [Emph; 5] = [
    Emph::Strike,
    Emph::Strong,
    Emph::Em,
    Emph::StrongAlt,
    Emph::EmAlt,
];

/// Emphasis inside emphasis of its kind (`_` in `*`) goes where it, or a delimiter beside it,
/// cannot open or close (`_` never does inside a word; `甲**__a__**` fails on `**`): what it
/// covers shows the outer emphasis all the same.
fn drop_failing_nested(toks: &mut Vec<Tok>) {
    if !toks
        .iter()
        .any(|t| matches!(t, Tok::Open(Emph::EmAlt | Emph::StrongAlt)))
    {
        return;
    }
    // each delimiter's group: the delimiters side by side with it
    let mut group = vec![0usize; toks.len()];
    let mut id = 0;
    for k in 0..toks.len() {
        if k > 0 && !(is_delimiter(&toks[k]) && is_delimiter(&toks[k - 1])) {
            id += 1;
        }
        group[k] = id;
    }
    let failing_groups: Vec<usize> = failing_delimiters(toks).iter().map(|&k| group[k]).collect();
    let nested: Vec<bool> = toks
        .iter()
        .map(|t| matches!(t, Tok::Open(Emph::EmAlt | Emph::StrongAlt)))
        .collect();
    drop_pairs(toks, |open, close, _| {
        nested[open]
            && (failing_groups.contains(&group[open]) || failing_groups.contains(&group[close]))
    });
}

/// The placement rule, applied once: at each delimiter group, punctuation and spaces at a
/// failing inner edge move outside until the group's delimiters work. Emphasis left around
/// nothing by that goes.
fn move_edges(toks: &mut Vec<Tok>) {
    let (fixed, changed) = move_pass(std::mem::take(toks));
    *toks = fixed;
    if changed {
        drop_pairs(toks, |_, _, shows| !shows);
    }
}

/// Rewrites each emphasis pair holding a failing delimiter so that no delimiter touches a
/// link bracket, image, code span or break: emphasis closes before them and reopens after
/// (inside link text, where `[` and `]` make every delimiter work).
fn isolate_failing(toks: &mut Vec<Tok>, failing: &[usize], rewrite: fn(&[Tok]) -> Vec<Tok>) {
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
    let mut out = Vec::with_capacity(toks.len() + 8 * outer.len());
    let mut next = 0;
    for (start, end) in outer {
        out.extend(toks[next..start].iter().cloned());
        out.extend(rewrite(&toks[start..=end]));
        next = end + 1;
    }
    out.extend(toks[next..].iter().cloned());
    merge_texts(&mut out);
    *toks = out;
}

fn isolate(range: &[Tok]) -> Vec<Tok> {
    let mut out = Vec::with_capacity(range.len() + 8);
    let mut open: Vec<(Emph, bool)> = Vec::new();
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

/// `range` is one pair, `Open(e)` … `Close(e)`: `e` is kept only on what lies directly inside
/// it, closing before nested emphasis or anything not text and reopening after.
fn step_back(range: &[Tok]) -> Vec<Tok> {
    let (Some(Tok::Open(outer)), Some(Tok::Close(_))) = (range.first(), range.last()) else {
        return range.to_vec();
    };
    let outer = *outer;
    let mut out = Vec::with_capacity(range.len() + 8);
    let (mut opened, mut depth) = (false, 0usize);
    for tok in &range[1..range.len() - 1] {
        let at_top = depth == 0;
        match tok {
            Tok::Open(_) => depth += 1,
            Tok::Close(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        let wants_outer = at_top && matches!(tok, Tok::Text(_));
        if wants_outer && !opened {
            out.push(Tok::Open(outer));
            opened = true;
        } else if at_top && !wants_outer && opened {
            out.push(Tok::Close(outer));
            opened = false;
        }
        out.push(tok.clone());
    }
    if opened {
        out.push(Tok::Close(outer));
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

/// Whether a run of `ch` between `prev` and `next` can open emphasis, under both readings of
/// punctuation. `_` also needs, when it could close too, punctuation before it: it never
/// opens inside a word.
fn opens(ch: Option<char>, prev: Option<char>, next: Option<char>) -> bool {
    [false, true]
        .into_iter()
        .all(|wide| opens_in(ch, prev, next, wide))
}

fn closes(ch: Option<char>, prev: Option<char>, next: Option<char>) -> bool {
    [false, true]
        .into_iter()
        .all(|wide| closes_in(ch, prev, next, wide))
}

fn opens_in(ch: Option<char>, prev: Option<char>, next: Option<char>, wide: bool) -> bool {
    let left = left_flanking_in(prev, next, wide);
    if ch != Some('_') {
        return left;
    }
    left && (!right_flanking_in(prev, next, wide) || prev.is_some_and(|p| is_punctuation(p, wide)))
}

fn closes_in(ch: Option<char>, prev: Option<char>, next: Option<char>, wide: bool) -> bool {
    let right = right_flanking_in(prev, next, wide);
    if ch != Some('_') {
        return right;
    }
    right && (!left_flanking_in(prev, next, wide) || next.is_some_and(|n| is_punctuation(n, wide)))
}

/// Left-flanking under both readings of "punctuation".
#[cfg(test)]
fn left_flanking(prev: Option<char>, next: Option<char>) -> bool {
    [false, true]
        .into_iter()
        .all(|wide| left_flanking_in(prev, next, wide))
}

#[cfg(test)]
fn right_flanking(prev: Option<char>, next: Option<char>) -> bool {
    [false, true]
        .into_iter()
        .all(|wide| right_flanking_in(prev, next, wide))
}

fn left_flanking_in(prev: Option<char>, next: Option<char>, wide: bool) -> bool {
    let Some(n) = next else { return false };
    if is_whitespace(n) {
        return false;
    }
    !is_punctuation(n, wide) || prev.is_none_or(|p| is_whitespace(p) || is_punctuation(p, wide))
}

fn right_flanking_in(prev: Option<char>, next: Option<char>, wide: bool) -> bool {
    let Some(p) = prev else { return false };
    if is_whitespace(p) {
        return false;
    }
    !is_punctuation(p, wide) || next.is_none_or(|n| is_whitespace(n) || is_punctuation(n, wide))
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

/// One pass over the delimiters, moving the character at a failing inner edge outside.
///
/// Consecutive delimiters, whatever their character (`**~~`), are taken together: within them
/// all closers come before all openers (empty pairs are gone), so a moved character goes
/// between the two groups, out of everything that closes and into nothing that opens. Only
/// punctuation, symbols and spaces move, never letters or digits.
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
        let end = (i..toks.len())
            .find(|&k| !is_delimiter(&toks[k]))
            .unwrap_or(toks.len());
        let split = (i..end)
            .find(|&k| matches!(toks[k], Tok::Open(_)))
            .unwrap_or(end);
        let (closers, openers) = toks[i..end].split_at(split - i);
        let (closers, openers) = (closers.to_vec(), openers.to_vec());
        // Characters move out one at a time, each time looking again, until every delimiter
        // of the group works or no punctuation is left to move.
        let mut middle: Vec<char> = Vec::new();
        loop {
            let prev = out
                .iter()
                .rev()
                .find(|t| !matches!(t, Tok::Text(s) if s.is_empty()))
                .and_then(last_char);
            let next = match toks.get(end) {
                Some(Tok::Text(after)) if after.is_empty() => {
                    toks.get(end + 1).and_then(first_char)
                }
                other => other.and_then(first_char),
            };
            let (closer_fails, opener_fails) = failures(&closers, &middle, &openers, prev, next);
            if closer_fails && let Some(moved) = take_last_char(&mut out) {
                middle.insert(0, moved);
                continue;
            }
            if opener_fails
                && let Some(Tok::Text(after)) = toks.get_mut(end)
                && let Some(first) = after.chars().next().filter(|c| !is_word(*c))
            {
                after.drain(..first.len_utf8());
                middle.push(first);
                continue;
            }
            break;
        }
        changed |= !middle.is_empty();
        out.extend(closers);
        out.extend(middle.into_iter().map(|c| Tok::Text(c.to_string())));
        out.extend(openers);
        i = end;
    }
    out.retain(|t| !matches!(t, Tok::Text(s) if s.is_empty()));
    (out, changed)
}

/// Whether some closer, and whether some opener, of `closers`, then `middle` characters, then
/// `openers` would fail to close or open, with `before` and `after` around them all.
/// Delimiters of one character next to each other form one run, closers and openers alike.
fn failures(
    closers: &[Tok],
    middle: &[char],
    openers: &[Tok],
    before: Option<char>,
    after: Option<char>,
) -> (bool, bool) {
    enum Item<'a> {
        Delim(&'a Tok),
        Char(char),
    }
    let items: Vec<Item> = closers
        .iter()
        .map(Item::Delim)
        .chain(middle.iter().map(|&c| Item::Char(c)))
        .chain(openers.iter().map(Item::Delim))
        .collect();
    let char_of = |item: &Item| match item {
        Item::Delim(tok) => delimiter_char(tok),
        Item::Char(c) => Some(*c),
    };
    let (mut closer_fails, mut opener_fails) = (false, false);
    let mut start = 0;
    while start < items.len() {
        let Item::Delim(first) = items[start] else {
            start += 1;
            continue;
        };
        let ch = delimiter_char(first);
        let end = (start..items.len())
            .find(|&k| !matches!(items[k], Item::Delim(t) if delimiter_char(t) == ch))
            .unwrap_or(items.len());
        let prev = if start == 0 {
            before
        } else {
            char_of(&items[start - 1])
        };
        let next = items.get(end).map_or(after, char_of);
        for item in &items[start..end] {
            match item {
                Item::Delim(Tok::Open(_)) => opener_fails |= !opens(ch, prev, next),
                _ => closer_fails |= !closes(ch, prev, next),
            }
        }
        start = end;
    }
    (closer_fails, opener_fails)
}

/// Removes the last character of the text at the end of `out` (just before the delimiters
/// being looked at), when it is one that may move.
fn take_last_char(out: &mut [Tok]) -> Option<char> {
    let Some(Tok::Text(text)) = out.last_mut() else {
        return None;
    };
    let last = text.chars().next_back().filter(|c| !is_word(*c))?;
    text.pop();
    Some(last)
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
            let ch = delimiter_char(tok);
            let ok = match tok {
                Tok::Open(_) => opens(ch, prev, next),
                _ => closes(ch, prev, next),
            };
            if !ok {
                failing.push(k);
            }
        }
        i = end;
    }
    failing
}

/// Removes the Open/Close pairs for which `doomed(open, close, shows_something)` holds (the
/// last: whether anything but spaces lies inside), and any
/// delimiter without a partner.
fn drop_pairs(toks: &mut Vec<Tok>, doomed: impl Fn(usize, usize, bool) -> bool) {
    let mut words_before = Vec::with_capacity(toks.len() + 1);
    let mut count = 0usize;
    for tok in toks.iter() {
        words_before.push(count);
        if matches!(tok, Tok::Text(s) | Tok::Code(s) if s.chars().any(|c| !is_whitespace(c))) {
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
                    let shows = words_before[k] > words_before[open + 1];
                    if doomed(open, k, shows) {
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
        let toks = vec![
            Tok::Open(Strong),
            t("标题："),
            Tok::Close(Strong),
            t("Tiktok"),
        ];
        assert_eq!(fixed(toks), "**标题**：Tiktok");
    }

    #[test]
    fn leaves_working_delimiters_alone() {
        let toks = vec![
            t("中"),
            Tok::Open(Strong),
            t("“公知”"),
            Tok::Close(Strong),
            t("。"),
        ];
        // followed by punctuation, so `”**。` closes: nothing to move.
        assert_eq!(fixed(toks), "中“**公知”**。");
        let toks = vec![t("a "), Tok::Open(Em), t("“b”"), Tok::Close(Em), t(" c")];
        assert_eq!(fixed(toks), "a *“b”* c");
    }

    #[test]
    fn moves_quotes_on_both_sides() {
        let toks = vec![
            t("中"),
            Tok::Open(Strong),
            t("“公知”"),
            Tok::Close(Strong),
            t("文"),
        ];
        assert_eq!(fixed(toks), "中“**公知**”文");
    }

    #[test]
    fn moves_several_marks_and_ideographic_space() {
        let toks = vec![
            t("前"),
            Tok::Open(Strong),
            t("\u{3000}「『词』」"),
            Tok::Close(Strong),
            t("后"),
        ];
        // after the space moves out, `「` opens fine; only the closing side needs a move
        assert_eq!(fixed(toks), "前\u{3000}**「『词』**」后");
    }

    #[test]
    fn punctuation_only_emphasis_is_dropped() {
        let toks = vec![
            t("a"),
            Tok::Open(Strong),
            t("："),
            Tok::Close(Strong),
            t("b"),
        ];
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
        let out = fixed(toks);
        assert!(out == "中~~删~~文" || out == "中**删**文", "{out}");
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
        vec![
            Tok::LinkOpen,
            t("链接"),
            Tok::LinkClose {
                url: "u".into(),
                title: None,
            },
        ]
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
    fn nesting_commonmark_would_misread_loses_the_inner_pair() {
        // `***甲**和**乙***` pairs the wrong delimiters; one emphasis has to go.
        let toks = vec![
            Tok::Open(Em),
            Tok::Open(Strong),
            t("甲"),
            Tok::Close(Strong),
            t("和"),
            Tok::Open(Strong),
            t("乙"),
            Tok::Close(Strong),
            Tok::Close(Em),
        ];
        let out = fixed(toks);
        assert!(
            out == "*甲和**乙***"
                || out == "***甲**和乙*"
                || out == "**甲**和**乙**"
                || out == "*甲和乙*",
            "{out}"
        );
    }

    #[test]
    fn simulation_agrees_with_the_spec_on_simple_cases() {
        let toks = vec![
            Tok::Open(Strong),
            t("a"),
            Tok::Close(Strong),
            t("和"),
            Tok::Open(Strong),
            t("b"),
            Tok::Close(Strong),
        ];
        assert_eq!(misparsed(&toks), None);
        let nested = vec![
            Tok::Open(Strong),
            t("a"),
            Tok::Open(Em),
            t("b"),
            Tok::Close(Em),
            t("c"),
            Tok::Close(Strong),
        ];
        assert_eq!(misparsed(&nested), None);
        let both = vec![
            Tok::Open(Strong),
            Tok::Open(Em),
            t("x"),
            Tok::Close(Em),
            Tok::Close(Strong),
        ];
        assert_eq!(misparsed(&both), None);
    }

    #[test]
    fn outer_emphasis_steps_back_from_inner() {
        let toks = vec![
            t("甲"),
            Tok::Open(Strike),
            Tok::Open(Strong),
            t("乙"),
            Tok::Close(Strong),
            t("丙"),
            Tok::Close(Strike),
        ];
        assert_eq!(fixed(toks), "甲**乙**~~丙~~");
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
