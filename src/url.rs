//! URLs in pages: making relative ones absolute, refusing executable ones, and turning embedded
//! players into the pages people can open.
//!
//! Resolution follows RFC 3986 §5.2 on the text itself. `url::Url::join` would do the same
//! but also normalises what it keeps, percent-encoding every CJK character of a path, which
//! makes the links unreadable and no longer what the page said.

use std::borrow::Cow;

/// The scheme of `url` as written (compare it ignoring case), when it has one.
fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let name = &url[..colon];
    is_scheme_name(name).then_some(name)
}

fn is_scheme_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Browsers drop tabs and newlines anywhere in a URL and trim spaces and controls around it;
/// doing the same here is also what keeps `java\nscript:` from slipping through.
pub fn clean(href: &str) -> Cow<'_, str> {
    drop_tabs_and_newlines(trim(href))
}

fn trim(href: &str) -> &str {
    href.trim_matches(|c: char| c <= ' ')
}

fn drop_tabs_and_newlines(text: &str) -> Cow<'_, str> {
    if memchr::memchr3(b'\t', b'\n', b'\r', text.as_bytes()).is_some() {
        Cow::Owned(
            text.chars()
                .filter(|&c| !matches!(c, '\t' | '\n' | '\r'))
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// The scheme of `href` as [`clean`] would leave it, and the text after its colon, uncleaned.
/// Dropping tabs and newlines moves no colon, so only the few bytes before the first one are
/// cleaned: a `data:` URI of 100 KB is not copied to read its first five.
fn clean_scheme(href: &str) -> Option<(Cow<'_, str>, &str)> {
    let trimmed = trim(href);
    let colon = memchr::memchr(b':', trimmed.as_bytes())?;
    let name = drop_tabs_and_newlines(&trimmed[..colon]);
    is_scheme_name(&name).then_some((name, &trimmed[colon + 1..]))
}

/// Whether following the URL would run code instead of fetching a document.
pub fn is_executable(url: &str) -> bool {
    match clean_scheme(url) {
        Some((s, _))
            if ["javascript", "vbscript", "livescript"]
                .iter()
                .any(|x| s.eq_ignore_ascii_case(x)) =>
        {
            true
        }
        Some((s, rest)) if s.eq_ignore_ascii_case("data") => {
            let media: String = rest
                .chars()
                .filter(|&c| !matches!(c, '\t' | '\n' | '\r'))
                .skip_while(|c| c.is_whitespace())
                .take(6)
                .collect();
            !media.eq_ignore_ascii_case("image/")
        }
        _ => false,
    }
}

pub fn is_data(url: &str) -> bool {
    clean_scheme(url).is_some_and(|(s, _)| s.eq_ignore_ascii_case("data"))
}

/// A file a browser saved beside the page ("Webpage, Complete" writes `NNN_files/`): a
/// relative path into a folder named `…_files`. Its path without a leading `./`.
pub fn saved_beside(href: &str) -> Option<&str> {
    // nearly every URL is not one: a quick look for `_files/` before any parsing
    let bytes = href.as_bytes();
    let marked = memchr::memchr_iter(b'_', bytes).any(|at| {
        bytes
            .get(at..at + 7)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"_files/"))
    });
    if !marked {
        return None;
    }
    let href = href.trim();
    if scheme(href).is_some() || href.starts_with(['/', '#', '?']) {
        return None;
    }
    let path = href.strip_prefix("./").unwrap_or(href);
    let folder = path.split('/').next()?;
    let is_saved_folder = path.len() > folder.len()
        && folder.len() > "_files".len()
        && folder
            .get(folder.len() - "_files".len()..)
            .is_some_and(|end| end.eq_ignore_ascii_case("_files"));
    is_saved_folder.then_some(path)
}

/// The target of an affiliate redirect the old site wrapped links in
/// (`http://redirect.viglink.com?key=…&u=URL`), percent-decoded when it was encoded.
pub fn unredirect(href: &str) -> Option<String> {
    // `http://redirect.viglink.com…`: a byte look before any search
    let href = href.trim();
    let after_scheme = href.find(':')?;
    let rest = href[after_scheme + 1..].strip_prefix("//")?;
    let query = rest
        .strip_prefix("redirect.viglink.com")?
        .trim_start_matches('/')
        .strip_prefix('?')?;
    let target = query.split('&').find_map(|pair| pair.strip_prefix("u="))?;
    let target = if target.contains("%3A") || target.contains("%3a") {
        percent_decode(target)
    } else {
        target.to_string()
    };
    scheme(&target)
        .is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
        .then_some(target)
}

/// `%XX` escapes decoded; invalid UTF-8 is replaced, never passed on.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A page URL ready to resolve links against: cleaned, and only when it has a scheme.
pub fn base(page_url: &str) -> Option<String> {
    let base = clean(page_url);
    scheme(&base).is_some().then(|| base.into_owned())
}

/// What a link target means: executable (to become plain text), a `data:` URI (never
/// written), or a URL made absolute against `base` (from [`base`]).
pub enum Target {
    Refused,
    Url(String),
}

/// Cleans `href` once and decides what it becomes.
pub fn target(href: &str, base: Option<&str>) -> Target {
    let href = clean(href);
    if is_executable(&href) || is_data(&href) {
        return Target::Refused;
    }
    Target::Url(resolve_clean(href, base))
}

/// `href` made absolute against `base`. Fragment-only references (`#note1`) point into the
/// article itself and stay as they are; without a usable base everything stays as written.
#[cfg(test)]
pub fn resolve(href: &str, base: Option<&str>) -> String {
    let base = base.and_then(self::base);
    resolve_clean(clean(href), base.as_deref())
}

fn resolve_clean(href: Cow<'_, str>, base: Option<&str>) -> String {
    if href.is_empty() || href.starts_with('#') || scheme(&href).is_some() {
        return href.into_owned();
    }
    let Some(base) = base else {
        return href.into_owned();
    };
    let colon = base.find(':').unwrap_or(0);
    let (base_scheme, base_rest) = (&base[..colon], &base[colon + 1..]);
    if href.starts_with("//") {
        return format!("{base_scheme}:{href}");
    }
    let (authority, base_path) = match base_rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            (&base_rest[..end + 2], &after[end..])
        }
        None => ("", base_rest),
    };
    let base_path = &base_path[..base_path.find(['?', '#']).unwrap_or(base_path.len())];
    let prefix = format!("{base_scheme}:{authority}");
    if href.starts_with('?') {
        return format!("{prefix}{base_path}{href}");
    }
    let split = href.find(['?', '#']).unwrap_or(href.len());
    let (path, tail) = href.split_at(split);
    let merged = if path.starts_with('/') {
        path.to_string()
    } else if base_path.is_empty() && !authority.is_empty() {
        format!("/{path}")
    } else {
        let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{path}")
    };
    format!("{prefix}{}{tail}", remove_dot_segments(&merged))
}

fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            other => out.push(other),
        }
    }
    let joined = out.join("/");
    if path.starts_with('/') && !joined.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The host and path of an absolute `http(s)` URL.
fn host_and_path(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let slash = rest.find('/').unwrap_or(rest.len());
    Some((&rest[..slash], rest[slash..].trim_start_matches('/')))
}

/// `https://HOST/PATH` → `BASE/PATH` (images mirrored under another address).
pub fn rebase(url: &str, base: &str) -> Option<String> {
    let (_, path) = host_and_path(url)?;
    Some(format!("{}/{path}", base.trim_end_matches('/')))
}

/// `https://HOST/PATH` → `DIR/HOST/PATH` (images saved by a mirroring tool).
pub fn mirror(url: &str, dir: &str) -> Option<String> {
    let (host, path) = host_and_path(url)?;
    Some(format!("{}/{host}/{path}", dir.trim_end_matches('/')))
}

/// The page to link to for an embedded player: YouTube embeds become their watch pages,
/// protocol-relative URLs get `https:`; other players keep their URL, which plays the video.
pub fn embed_target(src: &str) -> String {
    let src = clean(src);
    let src = if src.starts_with("//") {
        format!("https:{src}")
    } else {
        src.into_owned()
    };
    if let Some(id) = youtube_id(&src) {
        return format!("https://www.youtube.com/watch?v={id}");
    }
    src
}

fn youtube_id(src: &str) -> Option<String> {
    let lower = src.to_ascii_lowercase();
    let host_ok = ["youtube.com/", "youtube-nocookie.com/"]
        .iter()
        .any(|h| lower.contains(h));
    if !host_ok {
        return None;
    }
    let (_, rest) = src
        .split_once("/embed/")
        .or_else(|| src.split_once("/v/"))?;
    let id: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    (id.len() >= 6).then_some(id)
}

/// FNV-1a, 64 bits: the one stable hash of the crate (shards, URL keys, shingles), the same on
/// every run, machine and version.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://a/b/c/d;p?q";

    #[test]
    fn rfc3986_examples() {
        for (rel, expected) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("g#s", "http://a/b/c/g#s"),
            (";x", "http://a/b/c/;x"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            ("./../g", "http://a/b/g"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
        ] {
            assert_eq!(resolve(rel, Some(BASE)), expected, "{rel}");
        }
    }

    #[test]
    fn keeps_cjk_and_fragments() {
        let base = Some("https://chinadigitaltimes.net/chinese/714996.html");
        assert_eq!(
            resolve("/chinese/tag/中国", base),
            "https://chinadigitaltimes.net/chinese/tag/中国"
        );
        assert_eq!(resolve("#_ftn1", base), "#_ftn1");
        assert_eq!(resolve("https://x.org/a b", base), "https://x.org/a b");
        assert_eq!(resolve("files/a.png", None), "files/a.png");
        assert_eq!(
            resolve("a.html", Some("https://x.net")),
            "https://x.net/a.html"
        );
    }

    #[test]
    fn executable_urls() {
        assert!(is_executable("javascript:alert(1)"));
        assert!(is_executable(" JavaScript:alert(1)"));
        assert!(is_executable("java\nscript:alert(1)"));
        assert!(is_executable("vbscript:x"));
        assert!(is_executable("data:text/html;base64,xx"));
        assert!(!is_executable("data:image/png;base64,xx"));
        assert!(!is_executable("https://x.net/javascript:"));
        assert!(!is_executable("/relative"));
        // tabs and newlines anywhere, spaces after the colon, any case
        assert!(!is_executable("DA\tTA:\n  Image/\nsvg+xml,<svg/>"));
        assert!(is_executable("data:\n text/\nhtml,x"));
        assert!(is_executable("data:imag"));
        assert!(!is_executable(" data :x"));
    }

    #[test]
    fn data_urls_are_known_by_their_cleaned_scheme() {
        assert!(is_data("data:image/svg+xml,%3Csvg%3E"));
        assert!(is_data("  d\na\tta:x"));
        assert!(is_data("DATA:"));
        assert!(!is_data("data :x"));
        assert!(!is_data("https://x.net/data:x"));
        assert!(!is_data("data"));
        assert!(!is_data(""));
    }

    #[test]
    fn image_mappings() {
        let src = "https://chinadigitaltimes.net/chinese/files/2025/01/a.png";
        assert_eq!(
            rebase(src, "https://mirror.example/cdt/").as_deref(),
            Some("https://mirror.example/cdt/chinese/files/2025/01/a.png")
        );
        assert_eq!(
            mirror(src, "../images").as_deref(),
            Some("../images/chinadigitaltimes.net/chinese/files/2025/01/a.png")
        );
        assert_eq!(rebase("files/a.png", "https://m/"), None);
    }

    #[test]
    fn embeds() {
        assert_eq!(
            embed_target("https://www.youtube.com/embed/k9EPPpAU11c?feature=oembed"),
            "https://www.youtube.com/watch?v=k9EPPpAU11c"
        );
        assert_eq!(
            embed_target("//www.youtube-nocookie.com/embed/abcdefgh"),
            "https://www.youtube.com/watch?v=abcdefgh"
        );
        assert_eq!(
            embed_target("https://player.vimeo.com/video/12345?x=1"),
            "https://player.vimeo.com/video/12345?x=1"
        );
        assert_eq!(embed_target("https://x.net/e"), "https://x.net/e");
    }

    #[test]
    fn files_saved_beside_a_page() {
        assert_eq!(
            saved_beside("./714996_files/a.jpg"),
            Some("714996_files/a.jpg")
        );
        assert_eq!(saved_beside("x_files/b/c.png"), Some("x_files/b/c.png"));
        for other in [
            "https://x.net/714996_files/a.jpg",
            "/714996_files/a.jpg",
            "_files/a.jpg",
            "files/a.jpg",
            "714996_files",
            "../714996_files/a.jpg",
        ] {
            assert_eq!(saved_beside(other), None, "{other}");
        }
    }

    #[test]
    fn affiliate_redirects_lead_to_their_target() {
        assert_eq!(
            unredirect("http://redirect.viglink.com?key=11fe&u=http://blog.caijing.com.cn/a.shtml")
                .as_deref(),
            Some("http://blog.caijing.com.cn/a.shtml")
        );
        assert_eq!(
            unredirect("http://redirect.viglink.com/?key=1&u=http%3A%2F%2Fwww.aisixiang.com%2Fdata%2F77417-2.html")
                .as_deref(),
            Some("http://www.aisixiang.com/data/77417-2.html")
        );
        assert_eq!(
            unredirect("http://redirect.viglink.com?u=javascript:alert(1)"),
            None
        );
        assert_eq!(unredirect("https://x.net/?u=http://y"), None);
    }
}
