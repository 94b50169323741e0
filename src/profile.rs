//! Reader profiles: what one flag (`--profile hugo|jekyll|obsidian`) changes so that the output
//! drops into that tool as it is, instead of the user assembling the incantation.
//!
//! - hugo: TOML front matter, `url` renamed `original_url` (Hugo keeps `url` for a page's own
//!   address), a `slug` from the post id so pages keep CDT's numbers in their addresses;
//! - jekyll: YAML, `layout: post`, files named `_posts/YYYY-MM-DD-<id>.md` (Jekyll reads a post's
//!   date from its name and skips a post without one);
//! - obsidian: YAML, `aliases: [headline]`, every tag a valid Obsidian tag and topics and
//!   collections as tags too, files named by their title.
//!
//! Naming files is the batch runner's; this module says what the names and keys are.

use crate::form;
use crate::metadata::{Extra, Metadata};

/// A reader the output is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Hugo,
    Jekyll,
    Obsidian,
}

impl Profile {
    /// The key renames the profile needs, unless the user renamed the key already.
    pub fn renames(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Profile::Hugo => &[("url", "original_url")],
            Profile::Jekyll | Profile::Obsidian => &[],
        }
    }
}

/// The metadata as the profile writes it.
pub(crate) fn adapt(profile: Profile, meta: &Metadata) -> Metadata {
    let mut meta = meta.clone();
    match profile {
        Profile::Hugo => {
            if let Some(id) = post_id(&meta) {
                add_key(&mut meta, "slug", Extra::Text(id));
            }
        }
        Profile::Jekyll => add_key(&mut meta, "layout", Extra::Text("post".to_string())),
        Profile::Obsidian => {
            if let Some(headline) = meta.headline.clone() {
                add_key(
                    &mut meta,
                    "aliases",
                    Extra::List(vec![Extra::Text(headline)]),
                );
            }
            // a wrapper's own tags (Jekyll posts carry `tags: [ 中国数字时代 ]`) join them
            let wrapper_tags: Vec<String> = match meta.extra.iter().position(|(k, _)| k == "tags") {
                Some(at) => match meta.extra.remove(at).1 {
                    Extra::List(items) => items.into_iter().filter_map(extra_text).collect(),
                    other => extra_text(other).into_iter().collect(),
                },
                None => Vec::new(),
            };
            let mut tags: Vec<String> = Vec::new();
            let all = meta
                .tags
                .iter()
                .chain(&wrapper_tags)
                .chain(&meta.topics)
                .chain(&meta.collections)
                .chain(&meta.categories);
            for tag in all.map(|t| obsidian_tag(t)).filter(|t| !t.is_empty()) {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
            meta.tags = tags;
        }
    }
    meta
}

fn extra_text(extra: Extra) -> Option<String> {
    match extra {
        Extra::Text(text) | Extra::Number(text) => Some(text),
        _ => None,
    }
}

/// A key the profile adds, first among the extra keys; a wrapper's own value wins.
fn add_key(meta: &mut Metadata, key: &str, value: Extra) {
    if meta.extra.iter().any(|(k, _)| k == key) || crate::metadata::key_names().contains(&key) {
        return;
    }
    meta.extra.insert(0, (key.to_string(), value));
}

/// The article's post id, from its URL (`/chinese/714996.html`, `?p=714996`).
pub(crate) fn post_id(meta: &Metadata) -> Option<String> {
    meta.url.as_deref().and_then(form::post_id)
}

/// A valid Obsidian tag: letters (any script), digits, `_`, `-` and `/` (nesting) only, so
/// every other character becomes `_`; never purely numeric (`2021` → `_2021`); no `/` at
/// either end or twice in a row.
pub(crate) fn obsidian_tag(tag: &str) -> String {
    let replaced: String = tag
        .trim()
        .trim_start_matches('#')
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '/') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let parts: Vec<&str> = replaced.split('/').filter(|p| !p.is_empty()).collect();
    let joined = parts.join("/");
    if !joined.is_empty() && joined.chars().all(|c| c.is_ascii_digit() || c == '/') {
        format!("_{joined}")
    } else {
        joined
    }
}

/// A file name Obsidian takes and links to: none of `* " \ / < > : | ? # ^ [ ]`, which it
/// refuses in names or cannot link (each becomes a space, runs of spaces one), and not
/// starting with a dot.
pub(crate) fn obsidian_file_stem(title: &str) -> String {
    let replaced: String = title
        .chars()
        .map(|c| {
            if matches!(
                c,
                '*' | '"' | '\\' | '/' | '<' | '>' | ':' | '|' | '?' | '#' | '^' | '[' | ']'
            ) || c.is_control()
            {
                ' '
            } else {
                c
            }
        })
        .collect();
    replaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obsidian_tags_follow_obsidians_rules() {
        for (tag, want) in [
            ("性别失调", "性别失调"),
            ("Tiktok难民", "Tiktok难民"),
            ("white paper", "white_paper"),
            ("C计划 | 关于", "C计划___关于"),
            ("2021", "_2021"),
            ("2021-03-02", "2021-03-02"),
            ("#中国", "中国"),
            ("国家/审查", "国家/审查"),
            ("/a//b/", "a/b"),
            ("“引号”", "_引号_"),
            ("", ""),
        ] {
            assert_eq!(obsidian_tag(tag), want, "{tag}");
        }
    }

    #[test]
    fn obsidian_file_names_hold_nothing_it_refuses() {
        assert_eq!(
            obsidian_file_stem("C计划 | 关于不爱国的“公知”：对话?"),
            "C计划 关于不爱国的“公知”：对话"
        );
        assert_eq!(obsidian_file_stem("a/b\\c [1] #2 ^3"), "a b c 1 2 3");
    }

    #[test]
    fn profiles_add_their_keys() {
        let meta = Metadata {
            title: Some("标题".into()),
            headline: Some("来源｜标题".into()),
            url: Some("https://chinadigitaltimes.net/chinese/714996.html".into()),
            tags: vec!["标签 一".into()],
            topics: vec!["话题".into()],
            collections: vec!["时间馆".into(), "话题".into()],
            ..Metadata::default()
        };
        let hugo = adapt(Profile::Hugo, &meta);
        assert_eq!(
            hugo.extra,
            vec![("slug".to_string(), Extra::Text("714996".into()))]
        );
        let jekyll = adapt(Profile::Jekyll, &meta);
        assert_eq!(
            jekyll.extra,
            vec![("layout".to_string(), Extra::Text("post".into()))]
        );
        let obsidian = adapt(Profile::Obsidian, &meta);
        assert_eq!(obsidian.tags, vec!["标签_一", "话题", "时间馆"]);
        assert_eq!(
            obsidian.extra,
            vec![(
                "aliases".to_string(),
                Extra::List(vec![Extra::Text("来源｜标题".into())])
            )]
        );
        // a wrapper's own layout is kept
        let wrapped = Metadata {
            extra: vec![("layout".to_string(), Extra::Text("page".into()))],
            ..meta
        };
        assert_eq!(adapt(Profile::Jekyll, &wrapped).extra.len(), 1);
    }
}
