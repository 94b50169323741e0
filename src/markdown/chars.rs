//! Character classes as CommonMark and CSS define them.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// CommonMark's "Unicode whitespace character": Zs, tab, line feed, form feed, carriage return.
/// Line starts and ends count as whitespace too; callers pass `None` for those.
pub fn is_whitespace(c: char) -> bool {
    // The Zs category, spelled out: this runs for every character of every paragraph.
    matches!(
        c,
        '\t' | '\n' | '\x0C' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// Punctuation for emphasis flanking. CommonMark 0.30 counts only the P categories, 0.31 adds
/// the S categories; renderers in use follow one or the other, so output must work under
/// both. `wide` selects the 0.31 reading.
pub fn is_punctuation(c: char, wide: bool) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    // Han and kana, most of CJK text: letters (Lo), no table lookup needed
    if matches!(c as u32, 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x3400..=0x4DBF | 0x4E00..=0x9FFF) {
        return false;
    }
    match c.general_category_group() {
        GeneralCategoryGroup::Punctuation => true,
        GeneralCategoryGroup::Symbol => wide,
        _ => false,
    }
}

/// Characters that carry meaning of their own, not just decoration: emphasis around
/// nothing but punctuation and spaces adds nothing a reader can see.
pub fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// East Asian wide characters (Han, kana, CJK punctuation, full-width forms), Hangul excepted:
/// CSS drops a line break between two of them instead of rendering a space.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF
        | 0x3000..=0x303F
        | 0x3040..=0x30FF
        | 0x3100..=0x312F
        | 0x31A0..=0x31FF
        | 0x3200..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_whitespace('\u{a0}'));
        assert!(is_whitespace('\u{3000}'));
        assert!(!is_whitespace('\u{200b}'));
        // the spelled-out list is exactly Zs (plus the ASCII controls CommonMark adds)
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let zs = c.general_category_group() == GeneralCategoryGroup::Separator
                && !matches!(c, '\u{2028}' | '\u{2029}');
            let extra = matches!(c, '\t' | '\n' | '\x0C' | '\r');
            assert_eq!(is_whitespace(c), zs || extra, "{c:?}");
        }
        assert!(is_punctuation('：', false));
        assert!(is_punctuation('“', false));
        assert!(is_punctuation('*', false));
        assert!(!is_punctuation('©', false));
        assert!(is_punctuation('©', true));
        assert!(!is_punctuation('中', true));
        assert!(is_wide('中') && is_wide('，') && is_wide('Ａ'));
        assert!(!is_wide('a') && !is_wide('한'));
        assert!(is_word('中') && is_word('7') && !is_word('：'));
        for c in ['中', 'あ', 'ア', '㐀', '鿿'] {
            assert!(c.general_category_group() == GeneralCategoryGroup::Letter);
            assert!(!is_punctuation(c, true));
        }
    }
}
