//! The page's metadata and its YAML front matter.
//!
//! Values must load back as the very same strings in YAML 1.2 parsers (Hugo's) and YAML 1.1
//! parsers (PyYAML, Ruby's Psych for Jekyll). serde_yaml decides quoting by YAML 1.2 rules
//! only, so it writes `yes`, `2025-01-14` or `12:30` bare, and 1.1 parsers read a boolean, a
//! date and the number 750. Scalars are therefore written here: bare when they are plainly
//! text under both versions, double-quoted otherwise. serde_yaml reads the result back in
//! debug builds and tests, to check just that.

/// Everything known about a page, in front matter order. Absent values are `None` or empty,
/// never empty strings.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub title: Option<String>,
    /// The header's headline, when it differs from `title`.
    pub headline: Option<String>,
    pub author: Option<String>,
    pub author_url: Option<String>,
    /// Who posted it on CDT (2020 RSS footer).
    pub posted_by: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub topics: Vec<String>,
    pub collections: Vec<String>,
    pub tags: Vec<String>,
    /// The header URL exactly as written.
    pub url: Option<String>,
    /// Archiving time, RFC 3339 UTC.
    pub archived: Option<String>,
}

/// One front matter value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Text(&'a str),
    List(&'a [String]),
}

impl Metadata {
    /// The present fields, in order.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        fn text<'a>(
            key: &'static str,
            value: &'a Option<String>,
        ) -> Option<(&'static str, Value<'a>)> {
            let value = value.as_deref().filter(|v| !v.is_empty())?;
            Some((key, Value::Text(value)))
        }
        fn list<'a>(key: &'static str, value: &'a [String]) -> Option<(&'static str, Value<'a>)> {
            (!value.is_empty()).then_some((key, Value::List(value)))
        }
        [
            text("title", &self.title),
            text("headline", &self.headline),
            text("author", &self.author),
            text("author_url", &self.author_url),
            text("posted_by", &self.posted_by),
            text("date", &self.date),
            text("source", &self.source),
            text("source_url", &self.source_url),
            list("topics", &self.topics),
            list("collections", &self.collections),
            list("tags", &self.tags),
            text("url", &self.url),
            text("archived", &self.archived),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// `key`, or what `renames` turns it into.
fn renamed<'a>(key: &'a str, renames: &'a [(String, String)]) -> &'a str {
    renames
        .iter()
        .find(|(from, _)| from == key)
        .map_or(key, |(_, to)| to.as_str())
}

/// The front matter block, `---` lines included, ending in a newline. With nothing to say it
/// is `{}`, an empty mapping: two `---` lines in a row are read as something else by tools
/// that split front matter naively. Keys are renamed as `renames` says.
pub fn to_yaml(meta: &Metadata, renames: &[(String, String)]) -> String {
    let mut out = String::from("---\n");
    if meta.fields().is_empty() {
        out.push_str("{}\n");
    }
    for (key, value) in meta.fields() {
        write_key(renamed(key, renames), &mut out);
        out.push(':');
        match value {
            Value::Text(text) => {
                out.push(' ');
                write_scalar(text, &mut out);
            }
            Value::List(items) => {
                for item in items {
                    out.push_str("\n  - ");
                    write_scalar(item, &mut out);
                }
            }
        }
        out.push('\n');
    }
    out.push_str("---\n");
    debug_assert!(
        !renames.is_empty() || round_trips(&out, meta),
        "front matter does not round-trip:\n{out}"
    );
    out
}

/// A key as written: bare when it is a plain name, quoted otherwise (a renamed key can be
/// anything).
fn write_key(key: &str, out: &mut String) {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && is_plain_safe(key);
    if bare {
        out.push_str(key);
    } else {
        write_double_quoted(key, out);
    }
}

/// The same fields as TOML front matter, between `+++` lines: every value a basic string or
/// an array of them.
pub fn to_toml(meta: &Metadata, renames: &[(String, String)]) -> String {
    let mut out = String::from("+++\n");
    for (key, value) in meta.fields() {
        let key = renamed(key, renames);
        let bare = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if bare {
            out.push_str(key);
        } else {
            write_toml_string(key, &mut out);
        }
        out.push_str(" = ");
        match value {
            Value::Text(text) => write_toml_string(text, &mut out),
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_toml_string(item, &mut out);
                }
                out.push(']');
            }
        }
        out.push('\n');
    }
    out.push_str("+++\n");
    out
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
fn write_toml_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_scalar(text: &str, out: &mut String) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else {
        write_double_quoted(text, out);
    }
}

/// Whether `text` may be written bare: it must read back as this same string under YAML 1.1
/// and 1.2, in block context.
pub fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text || text.chars().any(needs_escape) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') || text.starts_with("...")
    {
        return false;
    }
    !resolves_to_non_string(text)
}

/// YAML 1.1 booleans, nulls, numbers (with `_`, sexagesimal `12:30`), timestamps and the merge
/// and value keys, plus 1.2's forms, which are a subset.
fn resolves_to_non_string(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null" | "~" | "<<" | "="
    ) {
        return true;
    }
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, ".inf" | ".nan") {
        return true;
    }
    let numeric_start = unsigned
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.');
    let numeric_chars = unsigned
        .chars()
        .all(|c| c.is_ascii_hexdigit() || matches!(c, 'x' | 'o' | '_' | '.' | ':' | '+' | '-'));
    if numeric_start && numeric_chars {
        return true;
    }
    let bytes = text.as_bytes();
    bytes.len() >= 8
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5].is_ascii_digit()
}

/// Characters YAML 1.1 does not allow unescaped, or reads as line breaks.
fn needs_escape(c: char) -> bool {
    match c {
        '\t' => true,
        c if c.is_control() => true,
        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => true,
        _ => false,
    }
}

fn write_double_quoted(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) < 0x100 && c.is_control() => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Whether serde_yaml reads `front_matter` back as exactly `meta`'s fields.
pub fn round_trips(front_matter: &str, meta: &Metadata) -> bool {
    let yaml = front_matter
        .strip_prefix("---\n")
        .and_then(|s| s.strip_suffix("---\n"))
        .unwrap_or(front_matter);
    let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str::<serde_yaml::Value>(yaml)
    else {
        return false;
    };
    let fields = meta.fields();
    map.len() == fields.len()
        && fields.iter().all(|(key, value)| {
            let Some(got) = map.get(*key) else {
                return false;
            };
            match value {
                Value::Text(text) => got.as_str() == Some(*text),
                Value::List(items) => got.as_sequence().is_some_and(|seq| {
                    seq.len() == items.len()
                        && seq
                            .iter()
                            .zip(items.iter())
                            .all(|(g, w)| g.as_str() == Some(w.as_str()))
                }),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_front_matter() {
        let meta = Metadata {
            title: Some("Tiktok难民涌入小红书，别高兴的太早".into()),
            headline: Some("声道｜Tiktok难民涌入小红书，别高兴的太早".into()),
            author: Some("陈白bot".into()),
            author_url: Some("https://chinadigitaltimes.net/space/声道".into()),
            date: Some("2025-01-14".into()),
            source: Some("微信公众号“声道”".into()),
            source_url: Some(
                "https://web.archive.org/web/*/https://mp.weixin.qq.com/s/ZjC1evNxfq9sv-UYLPQDrg"
                    .into(),
            ),
            topics: vec!["Tiktok难民".into()],
            collections: vec!["时间馆".into()],
            url: Some("https://chinadigitaltimes.net/chinese/714996.html".into()),
            archived: Some("2025-01-15T02:59:30Z".into()),
            ..Metadata::default()
        };
        assert_eq!(
            to_yaml(&meta, &[]),
            "---\n\
             title: Tiktok难民涌入小红书，别高兴的太早\n\
             headline: 声道｜Tiktok难民涌入小红书，别高兴的太早\n\
             author: 陈白bot\n\
             author_url: https://chinadigitaltimes.net/space/声道\n\
             date: \"2025-01-14\"\n\
             source: 微信公众号“声道”\n\
             source_url: https://web.archive.org/web/*/https://mp.weixin.qq.com/s/ZjC1evNxfq9sv-UYLPQDrg\n\
             topics:\n  - Tiktok难民\n\
             collections:\n  - 时间馆\n\
             url: https://chinadigitaltimes.net/chinese/714996.html\n\
             archived: \"2025-01-15T02:59:30Z\"\n\
             ---\n"
        );
    }

    #[test]
    fn quotes_what_yaml_1_1_would_misread() {
        for s in [
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "n",
            "null",
            "~",
            "true",
            "404",
            "1_000",
            "12:30",
            "0x1F",
            "0o17",
            "012",
            "1e3",
            ".5",
            "+1",
            "-1",
            ".inf",
            "-.Inf",
            ".NaN",
            "<<",
            "=",
            "2025-01-14",
            "2025-01-15 02:59:30",
            "2025-1-5",
        ] {
            assert!(!is_plain_safe(s), "{s}");
        }
    }

    #[test]
    fn quotes_what_a_parser_could_misread() {
        for s in [
            "a: b",
            "a #b",
            "#x",
            "- x",
            "-x",
            "*x",
            "&x",
            "!x",
            "{x",
            "[x",
            "'x",
            "\"x",
            "%x",
            "@x",
            "`x",
            "|x",
            ">x",
            "?x",
            ":x",
            "a:",
            "a\nb",
            "a\tb",
            " a",
            "a ",
            "",
            "...",
            "a\u{2028}b",
            "a\u{85}b",
            "\u{feff}a",
        ] {
            assert!(!is_plain_safe(s), "{s:?}");
        }
    }

    #[test]
    fn leaves_ordinary_text_bare() {
        for s in [
            "Tiktok难民",
            "1号档案馆",
            "3500万用户",
            "2025年的第一次",
            "C计划 | 关于",
            "a:b",
            "a#b",
            "https://x.net/a?b=c#d",
            "yesterday",
            "null值",
            "【404文库】",
        ] {
            assert!(is_plain_safe(s), "{s}");
        }
    }

    #[test]
    fn hostile_values_round_trip() {
        let hostile = [
            "yes",
            "2025-01-14",
            "a: b\nc: d",
            "\"quoted\" \\ back",
            "tab\there",
            "- item",
            "key: value # comment",
            "{a: 1}",
            "[1, 2]",
            "&anchor *alias",
            "!!python/object",
            "\u{7}bell \u{1b}esc \u{85}nel \u{2028}ls",
            "---",
            "...",
            "@",
            "%YAML",
            "title: injected\nurl: evil",
        ];
        for s in hostile {
            let meta = Metadata {
                title: Some(s.to_string()),
                tags: vec![s.to_string(), "ok".to_string()],
                ..Metadata::default()
            };
            let yaml = to_yaml(&meta, &[]);
            assert!(round_trips(&yaml, &meta), "{s:?} → {yaml}");
            assert_eq!(yaml.matches('\n').count(), 6, "one line per value: {yaml}");
        }
    }

    #[test]
    fn empty_metadata_is_an_empty_block() {
        let yaml = to_yaml(&Metadata::default(), &[]);
        assert_eq!(yaml, "---\n{}\n---\n");
        assert!(round_trips(&yaml, &Metadata::default()));
    }
}
