//! Front matter: the metadata as YAML (between `---`) or TOML (between `+++`).
//!
//! Values must load back as the very same strings in YAML 1.2 parsers (Hugo's) and YAML 1.1
//! parsers (PyYAML, Ruby's Psych for Jekyll). serde_yaml decides quoting by YAML 1.2 rules
//! only, so it writes `yes`, `2025-01-14` or `12:30` bare, and 1.1 parsers read a boolean, a
//! date and the number 750. Scalars are therefore written here: bare when they are plainly
//! text under both versions, double-quoted otherwise. serde_yaml reads the result back in
//! debug builds and tests, to check just that.

use crate::metadata::{Extra, Metadata, Value};

/// The fields as written: keys renamed (a wrapper's too), and never one key twice: a
/// wrapper's key that a field's (renamed) key took, or that an earlier key took, is dropped.
fn written<'a>(meta: &'a Metadata, renames: &'a [(String, String)]) -> Vec<(&'a str, Value<'a>)> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    let fields = meta.fields();
    let (known, extra): (Vec<_>, Vec<_>) = fields
        .into_iter()
        .partition(|(_, v)| !matches!(v, Value::Extra(_)));
    for (key, value) in known.into_iter().chain(extra) {
        let key = renamed(key, renames);
        if !seen.contains(&key) {
            seen.push(key);
            out.push((key, value));
        }
    }
    out
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
pub(crate) fn to_yaml(meta: &Metadata, renames: &[(String, String)]) -> String {
    let mut out = String::from("---\n");
    let fields = written(meta, renames);
    if fields.is_empty() {
        out.push_str("{}\n");
    }
    for (key, value) in fields {
        write_key(key, &mut out);
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
            Value::Flag(on) => out.push_str(if on { " true" } else { " false" }),
            Value::Pairs(pairs) => {
                for (k, v) in pairs {
                    out.push_str("\n  ");
                    write_key(k, &mut out);
                    out.push_str(": ");
                    write_scalar(v, &mut out);
                }
            }
            Value::Extra(extra) => write_yaml_extra(extra, &mut out),
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

/// A wrapper's value after its key's colon: scalars as such, a list of scalars as a block
/// list, anything else in flow style (JSON's syntax, which YAML reads too).
fn write_yaml_extra(extra: &Extra, out: &mut String) {
    match extra {
        Extra::List(items) if !items.is_empty() && items.iter().all(is_scalar) => {
            for item in items {
                out.push_str("\n  - ");
                write_yaml_flow(item, out);
            }
        }
        other => {
            out.push(' ');
            write_yaml_flow(other, out);
        }
    }
}

fn is_scalar(extra: &Extra) -> bool {
    !matches!(extra, Extra::List(_) | Extra::Map(_))
}

fn write_yaml_flow(extra: &Extra, out: &mut String) {
    match extra {
        Extra::Null => out.push_str("null"),
        Extra::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Extra::Number(n) => out.push_str(n),
        Extra::Text(text) => write_scalar(text, out),
        Extra::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow_item(item, out);
            }
            out.push(']');
        }
        Extra::Map(pairs) => {
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_double_quoted(k, out);
                out.push_str(": ");
                write_flow_item(v, out);
            }
            out.push('}');
        }
    }
}

/// Inside flow collections every string is quoted: `,`, `[` and `]` mean something there.
fn write_flow_item(extra: &Extra, out: &mut String) {
    match extra {
        Extra::Text(text) => write_double_quoted(text, out),
        other => write_yaml_flow(other, out),
    }
}

/// A key as written: bare when it is a plain name, quoted otherwise (a renamed key can be
/// anything).
fn write_key(key: &str, out: &mut String) {
    let bare = is_plain_safe(key) && !key.contains([':', ',', '[', ']', '{', '}', '#', ' ']);
    if bare {
        out.push_str(key);
    } else {
        write_double_quoted(key, out);
    }
}

/// The same fields as TOML front matter, between `+++` lines.
pub(crate) fn to_toml(meta: &Metadata, renames: &[(String, String)]) -> String {
    let mut out = String::from("+++\n");
    for (key, value) in written(meta, renames) {
        write_toml_key(key, &mut out);
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
            Value::Flag(on) => out.push_str(if on { "true" } else { "false" }),
            Value::Pairs(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    out.push_str(if i > 0 { ", " } else { " " });
                    write_toml_key(k, &mut out);
                    out.push_str(" = ");
                    write_toml_string(v, &mut out);
                }
                out.push_str(" }");
            }
            Value::Extra(extra) => write_toml_extra(extra, &mut out),
        }
        out.push('\n');
    }
    out.push_str("+++\n");
    out
}

fn write_toml_key(key: &str, out: &mut String) {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        out.push_str(key);
    } else {
        write_toml_string(key, out);
    }
}

/// TOML has no null: a null inside a list or table is written as an empty string.
fn write_toml_extra(extra: &Extra, out: &mut String) {
    match extra {
        Extra::Null => out.push_str("\"\""),
        Extra::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Extra::Number(n) => out.push_str(&toml_number(n)),
        Extra::Text(text) => write_toml_string(text, out),
        Extra::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_toml_extra(item, out);
            }
            out.push(']');
        }
        Extra::Map(pairs) => {
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                out.push_str(if i > 0 { ", " } else { " " });
                write_toml_key(k, out);
                out.push_str(" = ");
                write_toml_extra(v, out);
            }
            out.push_str(" }");
        }
    }
}

/// A YAML number as TOML writes it (`1e3` needs no change, `.5` needs a leading zero).
fn toml_number(literal: &str) -> String {
    match literal {
        ".nan" | "-.nan" | "+.nan" => return "nan".to_string(),
        ".inf" | "+.inf" => return "inf".to_string(),
        "-.inf" => return "-inf".to_string(),
        _ => {}
    }
    match literal.parse::<i64>() {
        Ok(i) => i.to_string(),
        Err(_) => literal
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map_or_else(|| format!("{literal:?}"), |f| format!("{f:?}")),
    }
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
pub(crate) fn is_plain_safe(text: &str) -> bool {
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
pub(crate) fn round_trips(front_matter: &str, meta: &Metadata) -> bool {
    let yaml = front_matter
        .strip_prefix("---\n")
        .and_then(|s| s.strip_suffix("---\n"))
        .unwrap_or(front_matter);
    let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str::<serde_yaml::Value>(yaml)
    else {
        return false;
    };
    let fields = written(meta, &[]);
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
                Value::Flag(on) => got.as_bool() == Some(*on),
                Value::Pairs(pairs) => got.as_mapping().is_some_and(|m| {
                    m.len() == pairs.len()
                        && pairs
                            .iter()
                            .all(|(k, v)| m.get(k.as_str()).and_then(|g| g.as_str()) == Some(v))
                }),
                Value::Extra(extra) => extra_matches(got, extra),
            }
        })
}

fn extra_matches(got: &serde_yaml::Value, extra: &Extra) -> bool {
    match extra {
        Extra::Null => got.is_null(),
        Extra::Bool(b) => got.as_bool() == Some(*b),
        Extra::Number(n) => match (got.as_f64(), n.as_str()) {
            (Some(g), ".nan") => g.is_nan(),
            (Some(g), ".inf") => g == f64::INFINITY,
            (Some(g), "-.inf") => g == f64::NEG_INFINITY,
            (g, n) => g.is_some() && g == n.parse::<f64>().ok(),
        },
        Extra::Text(text) => got.as_str() == Some(text),
        Extra::List(items) => got.as_sequence().is_some_and(|seq| {
            seq.len() == items.len() && seq.iter().zip(items).all(|(g, w)| extra_matches(g, w))
        }),
        Extra::Map(pairs) => got.as_mapping().is_some_and(|m| {
            m.len() == pairs.len()
                && pairs
                    .iter()
                    .all(|(k, v)| m.get(k.as_str()).is_some_and(|g| extra_matches(g, v)))
        }),
    }
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
