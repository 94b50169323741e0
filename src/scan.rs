//! Cheap searches of a page's text that decide whether a walk of its tree is needed at all:
//! most pages hold no card, no feed footer and none of the site's old lines, and a search of
//! their bytes costs a small part of a walk.

use memchr::memmem::Finder;

/// Phrases to look for, each searched with a finder built once.
pub(crate) struct Phrases(Vec<Finder<'static>>);

impl Phrases {
    pub(crate) fn new(phrases: &[&'static str]) -> Phrases {
        Phrases(phrases.iter().map(|p| Finder::new(p.as_bytes())).collect())
    }

    /// Whether any phrase is in the last `region` bytes of `text` (all of it for `usize::MAX`).
    pub(crate) fn in_tail(&self, text: &str, region: usize) -> bool {
        let bytes = text.as_bytes();
        let tail = &bytes[bytes.len().saturating_sub(region)..];
        self.0.iter().any(|finder| finder.find(tail).is_some())
    }

    /// Whether any phrase is in the first `region` bytes of `text`.
    pub(crate) fn in_head(&self, text: &str, region: usize) -> bool {
        let bytes = text.as_bytes();
        let head = &bytes[..bytes.len().min(region)];
        self.0.iter().any(|finder| finder.find(head).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_and_tail() {
        let phrases = Phrases::new(&["档案卡", "end"]);
        assert!(phrases.in_head("CDT 档案卡 ……", 64));
        assert!(!phrases.in_head(&format!("{}档案卡", "x".repeat(100)), 64));
        assert!(phrases.in_tail(&format!("{}end", "x".repeat(100)), 8));
        assert!(!phrases.in_tail(&format!("end{}", "x".repeat(100)), 8));
        assert!(phrases.in_tail("end", usize::MAX));
    }
}
