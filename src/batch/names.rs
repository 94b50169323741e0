//! File names made from content: a feed item's post id or URL slug becomes the name of its
//! Markdown file. Content is not to be trusted with the file system, so a name never holds a
//! separator, never is `.` or `..`, never starts with a dot, fits in 255 bytes with its
//! extension, and two items never share one.

/// The largest file name most file systems take, in bytes.
const MAX_NAME: usize = 255;

/// A safe file stem for `raw` (without extension): separators, control characters and the
/// characters Windows refuses become `_`; leading dots and trailing dots and spaces go.
pub(crate) fn sanitise(raw: &str) -> String {
    let replaced: String = raw
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
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
        name.push('_');
    }
    name
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
pub(crate) fn file_stems(names: &[Option<String>], taken: impl Fn(&str) -> bool) -> Vec<String> {
    let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let base = match name {
                Some(name) => sanitise(name),
                None => format!("item-{}", i + 1),
            };
            let mut stem = base.clone();
            let mut n = 1;
            while used.contains(&stem.to_lowercase()) || taken(&stem) {
                n += 1;
                stem = format!("{base}-{n}");
            }
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
        assert_eq!(sanitise("com1.txt"), "com1.txt_");
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
    }
}
