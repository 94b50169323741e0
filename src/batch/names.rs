//! File names made from content: a feed item's post id or URL slug becomes the name of its
//! Markdown file. Content is not to be trusted with the file system, so a name never holds a
//! separator, never is `.` or `..`, never starts with a dot, fits in 255 bytes with its
//! extension, and two items never share one.

use std::collections::{HashMap, HashSet};

/// The largest file name most file systems take, in bytes.
const MAX_NAME: usize = 255;

/// A safe file stem for `raw` (without extension): separators, control characters and the
/// characters Windows refuses become `_`; leading dots and trailing dots and spaces go.
pub(crate) fn sanitise(raw: &str) -> String {
    let replaced: String = raw
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() || is_bidi_control(c) => '_',
            c => c,
        })
        .collect();
    let trimmed = replaced
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let mut name = truncate(trimmed, MAX_NAME - ".md".len() - SUFFIX_ROOM);
    if name.is_empty() {
        name = "item".to_string();
    }
    if is_reserved_on_windows(&name) {
        // Windows reserves the device name before any dot: `nul.txt` too
        let at = name.find('.').unwrap_or(name.len());
        name.insert(at, '_');
    }
    name
}

/// Characters that reorder the text around them (U+202E before `gpj.exe` shows it as
/// `exe.jpg`): never in a file name.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Bytes kept free for a `-NNN` suffix.
const SUFFIX_ROOM: usize = 8;

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].trim_end_matches(['.', ' ']).to_string()
}

fn is_reserved_on_windows(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit())
}

/// One file stem for each item, in order: its own name sanitised (`item-N` when it has
/// none), with `-2`, `-3`… added where an earlier item, or anything `taken` says, has it.
/// Names compare without case: two items must not share a file on macOS or Windows either.
pub(crate) fn file_stems(names: &[Option<String>], taken: impl Fn(&str) -> bool) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    // the next suffix to try for each name, so that a feed of many items of one name costs
    // no more than one of many names
    let mut next: HashMap<String, u64> = HashMap::new();
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let base = match name {
                Some(name) => sanitise(name),
                None => format!("item-{}", i + 1),
            };
            let key = base.to_lowercase();
            let mut n = next.get(&key).copied().unwrap_or(1);
            let mut stem = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            while used.contains(&stem.to_lowercase()) || taken(&stem) {
                n += 1;
                stem = format!("{base}-{n}");
            }
            next.insert(key, n + 1);
            used.insert(stem.to_lowercase());
            stem
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_made_safe() {
        assert_eq!(sanitise("399702"), "399702");
        assert_eq!(sanitise("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(sanitise(".."), "item");
        assert_eq!(sanitise("."), "item");
        assert_eq!(sanitise(".hidden"), "hidden");
        assert_eq!(sanitise("a/b\\c:d"), "a_b_c_d");
        assert_eq!(sanitise("line\nbreak\u{0}"), "line_break_");
        assert_eq!(sanitise("CON"), "CON_");
        assert_eq!(sanitise("com1.txt"), "com1_.txt");
        assert_eq!(sanitise("nul.txt"), "nul_.txt");
        assert_eq!(sanitise("a\u{202e}gpj.exe"), "a_gpj.exe");
        assert_eq!(sanitise("  中文标题 . "), "中文标题");
        let long = "长".repeat(200);
        let name = sanitise(&long);
        assert!(name.len() + "-999.md".len() <= MAX_NAME, "{}", name.len());
        assert!(name.chars().all(|c| c == '长'));
    }

    #[test]
    fn clashes_get_a_suffix() {
        let names = [
            Some("1".to_string()),
            Some("1".to_string()),
            None,
            Some("A".to_string()),
            Some("a".to_string()),
            Some("taken".to_string()),
        ];
        let stems = file_stems(&names, |s| s == "taken");
        assert_eq!(stems, ["1", "1-2", "item-3", "A", "a-2", "taken-2"]);
        // "1-2" taken by a real item: the suffix skips it
        let names = [
            Some("1".to_string()),
            Some("1-2".to_string()),
            Some("1".to_string()),
        ];
        assert_eq!(file_stems(&names, |_| false), ["1", "1-2", "1-3"]);
    }

    #[test]
    fn many_items_of_one_name_stay_linear() {
        let names = vec![Some("1".to_string()); 50_000];
        let start = std::time::Instant::now();
        let stems = file_stems(&names, |_| false);
        assert_eq!(stems[49_999], "1-50000");
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }
}
