//! Bytes → text: which encoding a saved page is in.
//!
//! In order: a byte order mark; valid UTF-8; the page's own `<meta charset>` (or
//! `http-equiv` content type) in its first KB; else a guess by chardetng over the bytes.
//!
//! Valid UTF-8 is taken before the declaration because archives re-save pages as UTF-8 and
//! keep the old `<meta charset=gb2312>`; GBK or Big5 text that happens to be valid UTF-8 does
//! not occur in practice, while that mislabelling is common. The declaration is then reported
//! as ignored.
//!
//! A page is never written as mojibake: when the declared or guessed encoding does not decode
//! the bytes cleanly, or a single-byte guess meets a page full of non-ASCII bytes (the mark of
//! a CJK page misread), the page fails with the guess named.

use encoding_rs::{Encoding, UTF_8};
use html5ever::tendril::StrTendril;

use crate::error::PageError;

/// A page's text and what it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, line ends normalised to LF, without a byte order mark. A tendril: the one
    /// copy of the page's text, which the HTML parser and the page's parts share.
    pub text: StrTendril,
    /// The encoding's WHATWG name (`UTF-8`, `GBK`, `Big5`…).
    pub encoding: &'static str,
    /// Something the reader should know (a guessed encoding, an ignored declaration).
    pub warning: Option<String>,
}

/// How far into a page its `<meta charset>` is looked for.
const META_WINDOW: usize = 1024;

pub fn decode(bytes: &[u8]) -> Result<Decoded, PageError> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let text = strict(encoding, &bytes[bom..]).ok_or(PageError::UnknownEncoding {
            guess: encoding.name(),
            reason: "its byte order mark says so, but the bytes after it are not".to_string(),
        })?;
        return finish(&text, encoding, None);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(PageError::Empty);
    }
    if looks_binary(bytes) {
        return Err(PageError::Binary);
    }
    let declared = declared_encoding(bytes);
    // simdutf8 validates CJK text several times faster than the standard library; the
    // standard library is asked only when the bytes fail, for where and how.
    let utf8 = match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(_) => std::str::from_utf8(bytes),
    };
    match utf8 {
        Ok(text) => {
            let warning = declared
                .filter(|d| *d != UTF_8 && !text.is_ascii())
                .map(|d| {
                    format!(
                        "declared charset {} ignored: the page is valid UTF-8",
                        d.name()
                    )
                });
            return finish(text, UTF_8, warning);
        }
        // Valid up to an incomplete character at the very end: a cut-off download.
        Err(err) if err.error_len().is_none() => {
            return Err(PageError::Truncated {
                offset: err.valid_up_to(),
            });
        }
        Err(_) => {}
    }
    if let Some(encoding) = declared.filter(|d| *d != UTF_8)
        && let Some(text) = strict(encoding, bytes)
    {
        return finish(&text, encoding, None);
    }
    let guess = guess(bytes);
    let Some(text) = strict(guess, bytes) else {
        return Err(PageError::UnknownEncoding {
            guess: guess.name(),
            reason: format!(
                "the best guess, {}, does not decode it cleanly either",
                guess.name()
            ),
        });
    };
    if guess.is_single_byte() && mostly_non_ascii(bytes) {
        return Err(PageError::UnknownEncoding {
            guess: guess.name(),
            reason: format!(
                "the best guess, {}, would turn it into mojibake",
                guess.name()
            ),
        });
    }
    let warning = match declared {
        Some(d) => format!(
            "declared charset {} does not fit; decoded as {} (guessed)",
            d.name(),
            guess.name()
        ),
        None => format!("no charset declared; decoded as {} (guessed)", guess.name()),
    };
    finish(&text, guess, Some(warning))
}

fn finish(
    text: &str,
    encoding: &'static Encoding,
    warning: Option<String>,
) -> Result<Decoded, PageError> {
    if text.chars().all(|c| c.is_whitespace() || c == '\u{feff}') {
        return Err(PageError::Empty);
    }
    // a tendril holds at most 4 GiB
    if u32::try_from(text.len()).is_err() {
        return Err(PageError::TooLarge {
            size: text.len() as u64,
            limit: u64::from(u32::MAX),
        });
    }
    Ok(Decoded {
        text: normalize_newlines(text),
        encoding: encoding.name(),
        warning,
    })
}

/// The bytes decoded, or `None` at the first malformed sequence.
fn strict(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
}

/// chardetng's guess, UTF-8 excluded (the bytes are known not to be).
fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// More than a tenth non-ASCII: a CJK page, never right in a single-byte encoding. (English
/// pages in windows-1252 have a curly quote here and there.)
fn mostly_non_ascii(bytes: &[u8]) -> bool {
    let high = bytes.iter().filter(|b| !b.is_ascii()).count();
    high * 10 > bytes.len()
}

/// The encoding a page declares in its first KB: `<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=…">`.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    if let Some(encoding) = xml_declared(bytes) {
        return Some(encoding);
    }
    let lower = &bytes[..bytes.len().min(META_WINDOW)];
    let mut from = 0;
    while let Some(at) = memchr::memchr2(b'c', b'C', &lower[from..]) {
        let start = from + at;
        from = start + 1;
        if !lower
            .get(start..start + 7)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"charset"))
        {
            continue;
        }
        let mut i = start + "charset".len();
        while lower.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if lower.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while lower
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'')
        {
            i += 1;
        }
        let end = (i..lower.len())
            .find(|&j| !(lower[j].is_ascii_alphanumeric() || b"-_.:".contains(&lower[j])))
            .unwrap_or(lower.len());
        // A page cannot be UTF-16 by its own ASCII declaration (WHATWG: read as UTF-8).
        return Encoding::for_label(&lower[i..end].to_ascii_lowercase()).map(|e| {
            if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
                UTF_8
            } else {
                e
            }
        });
    }
    None
}

/// A feed's `<?xml version="1.0" encoding="GBK"?>`.
fn xml_declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = bytes.get(start..)?.strip_prefix(b"<?xml")?;
    let end = memchr::memmem::find(&rest[..rest.len().min(200)], b"?>")?;
    let decl = &rest[..end];
    let at = memchr::memmem::find(decl, b"encoding")?;
    let value = decl[at + "encoding".len()..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == b'=')
        .copied()
        .collect::<Vec<u8>>();
    let quote = *value.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let label: Vec<u8> = value[1..]
        .iter()
        .take_while(|b| **b != quote)
        .copied()
        .collect();
    Encoding::for_label(&label)
        .filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE)
}

/// NUL bytes never occur in text; a high share of other control bytes means an image, an
/// archive or a compiled file was handed to us.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return true;
    }
    // counted branch-free in byte-wide lanes (a chunk of 255 cannot overflow one), so it
    // vectorises 32 bytes at a time: this runs on every page
    let control: usize = sample
        .chunks(255)
        .map(|chunk| {
            let in_chunk = chunk.iter().fold(0u8, |count, &b| {
                let text_control = matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B);
                count + (u8::from(b < 0x20) - u8::from(text_control))
            });
            usize::from(in_chunk)
        })
        .sum();
    control * 10 > sample.len()
}

/// CRLF and lone CR become LF, copied once into a tendril.
fn normalize_newlines(text: &str) -> StrTendril {
    let mut out = StrTendril::with_capacity(u32::try_from(text.len()).unwrap_or(u32::MAX));
    let mut rest = text;
    while let Some(cr) = memchr::memchr(b'\r', rest.as_bytes()) {
        out.push_slice(&rest[..cr]);
        out.push_char('\n');
        let skip = if rest.as_bytes().get(cr + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        rest = &rest[cr + skip..];
    }
    out.push_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHINESE: &str = "<p>中国数字时代仅对原作进行存档，以对抗中国的网络审查。这是一段足够长的中文正文，用来让编码检测有足够的依据。习近平、审查、言论自由。</p>";
    const TRADITIONAL: &str = "<p>中國數字時代僅對原作進行存檔，以對抗中國的網絡審查。這是一段足夠長的繁體中文正文，用來讓編碼檢測有足夠的依據。言論自由。</p>";

    fn encoded(text: &str, encoding: &'static Encoding) -> Vec<u8> {
        encoding.encode(text).0.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(CHINESE.as_bytes()).unwrap();
        assert_eq!((&*plain.text, plain.encoding), (CHINESE, "UTF-8"));
        assert_eq!(plain.warning, None);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(CHINESE.as_bytes());
        assert_eq!(&*decode(&bom).unwrap().text, CHINESE);
    }

    #[test]
    fn gbk_and_gb18030_are_detected() {
        let decoded = decode(&encoded(CHINESE, encoding_rs::GBK)).unwrap();
        assert_eq!(&*decoded.text, CHINESE);
        assert_eq!(decoded.encoding, "GBK");
        assert!(decoded.warning.unwrap().contains("guessed"));
        let decoded = decode(&encoded(CHINESE, encoding_rs::GB18030)).unwrap();
        assert_eq!(&*decoded.text, CHINESE);
    }

    #[test]
    fn big5_is_detected() {
        let decoded = decode(&encoded(TRADITIONAL, encoding_rs::BIG5)).unwrap();
        assert_eq!(&*decoded.text, TRADITIONAL);
        assert_eq!(decoded.encoding, "Big5");
    }

    #[test]
    fn declared_charset_is_used() {
        let page = format!(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">{CHINESE}"
        );
        let decoded = decode(&encoded(&page, encoding_rs::GBK)).unwrap();
        assert_eq!(&*decoded.text, page);
        assert_eq!(decoded.warning, None);
        let short = "<meta charset='big5'><p>中文</p>";
        let decoded = decode(&encoded(short, encoding_rs::BIG5)).unwrap();
        assert_eq!(&*decoded.text, short);
    }

    #[test]
    fn valid_utf8_wins_over_a_stale_declaration() {
        let page = format!("<meta charset=gbk>{CHINESE}");
        let decoded = decode(page.as_bytes()).unwrap();
        assert_eq!(&*decoded.text, page);
        assert_eq!(decoded.encoding, "UTF-8");
        assert!(decoded.warning.unwrap().contains("GBK ignored"));
    }

    #[test]
    fn a_feeds_xml_declaration_is_its_charset() {
        let mut feed = b"<?xml version=\"1.0\" encoding=\"GBK\"?><rss><channel><title>".to_vec();
        feed.extend_from_slice(&encoded("中国数字时代的订阅", encoding_rs::GBK));
        feed.extend_from_slice(b"</title></channel></rss>");
        let decoded = decode(&feed).expect("decodes");
        assert_eq!(decoded.encoding, "GBK");
        assert!(decoded.text.contains("中国数字时代的订阅"));
        assert_eq!(decoded.warning, None);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in CHINESE.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode(&bytes).unwrap();
        assert_eq!((&*decoded.text, decoded.encoding), (CHINESE, "UTF-16LE"));
    }

    #[test]
    fn unsure_guesses_fail_with_the_guess_named() {
        // Bytes no CJK encoding decodes cleanly, mostly high: would be mojibake.
        let noise: Vec<u8> = (0..400u32)
            .map(|i| 0x80 + ((i * 37) % 0x7F) as u8)
            .collect();
        match decode(&noise) {
            Err(PageError::UnknownEncoding { .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn truncated_utf8_fails_clearly() {
        let bytes = &CHINESE.as_bytes()[..CHINESE.len() - 1 - "</p>".len()];
        assert!(matches!(decode(bytes), Err(PageError::Truncated { .. })));
    }

    #[test]
    fn empty_binary_and_line_ends() {
        assert_eq!(decode(b""), Err(PageError::Empty));
        assert_eq!(decode(b" \n\t "), Err(PageError::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF"), Err(PageError::Empty));
        assert_eq!(decode(b"PK\x03\x04\x00\x00binary"), Err(PageError::Binary));
        assert_eq!(&*decode(b"a\r\nb\rc").unwrap().text, "a\nb\nc");
    }

    #[test]
    fn english_windows_1252_is_fine() {
        let bytes = b"<p>China\x92s \x93Great Firewall\x94 blocks many sites; this English page has just a few curly quotes in an otherwise plain ASCII text, as English pages do.</p>";
        let decoded = decode(bytes).unwrap();
        assert!(
            decoded
                .text
                .contains("China\u{2019}s \u{201c}Great Firewall\u{201d}")
        );
    }
}
