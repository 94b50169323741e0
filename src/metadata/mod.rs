//! What is known about an article, and from where: the one list of front matter fields, the
//! sources that fill them, and the one order in which sources win.
//!
//! Sources, strongest first ([`merge`]):
//! 1. the archive card in the HTML ([`card`]): title, author, dates, source, topics…;
//! 2. the 2020 RSS footer at the end of the HTML ([`footer`]): who posted it, its tags;
//! 3. what stands outside the HTML, as the form the article came in says it ([`Outer`]): a
//!    page's header, a WordPress post's fields, a feed item's, a whole page's `<head>` and
//!    article header;
//! 4. a headerless page's own `<head>` ([`head`]);
//! 5. a Jekyll or Hugo wrapper's front matter, for keys no other source has ([`Extra`]).
//!
//! Each field takes the value of the first source that has one. Two rules stand apart: the
//! outer title is the `headline` as well, kept only when it differs from the final `title`
//! (the card's 标题 is often shorter); and a wrapper's key survives only where the front
//! matter does not already write that key.

pub(crate) mod card;
pub(crate) mod footer;
pub(crate) mod head;

/// Everything known about an article, in front matter order. Absent values are `None` or
/// empty, never empty strings.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    /// The title outside the card (header, JSON, feed, `<h1>`), when it differs from `title`.
    pub headline: Option<String>,
    pub author: Option<String>,
    pub author_url: Option<String>,
    /// Who posted it on CDT (2020 RSS footer, a feed's `dc:creator`).
    pub posted_by: Option<String>,
    /// Who submitted it to CDT (the card's 投稿人).
    pub contributor: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The day the original was censored (the card's 404 日期), `YYYY-MM-DD`.
    pub deleted: Option<String>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    /// Where a backup copy lives (the card's 备份).
    pub backup: Option<String>,
    pub backup_url: Option<String>,
    pub topics: Vec<String>,
    pub collections: Vec<String>,
    /// The site's categories (a whole page's 所在分类).
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    /// The article's URL exactly as written.
    pub url: Option<String>,
    /// When CDT posted or archived it, RFC 3339 UTC.
    pub archived: Option<String>,
    /// Taken from the web by CDT's aggregator (the 2010–2015 notice `本文由自动聚合程序取自网络`).
    pub aggregated: bool,
    /// Card fields of other labels, label and text as written, so that none is lost.
    pub card_other: Vec<(String, String)>,
    /// A wrapper's front matter keys that no field above holds, with their values.
    pub extra: Vec<(String, Extra)>,
}

/// A value from a wrapper's front matter, kept as it was.
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    Null,
    Bool(bool),
    /// A number, as its literal (`42`, `-1.5`).
    Number(String),
    Text(String),
    List(Vec<Extra>),
    Map(Vec<(String, Extra)>),
}

/// A front matter field. The order of [`Key::ALL`] is the order they are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Title,
    Headline,
    Author,
    AuthorUrl,
    PostedBy,
    Contributor,
    Date,
    Deleted,
    Source,
    SourceUrl,
    Backup,
    BackupUrl,
    Topics,
    Collections,
    Categories,
    Tags,
    Url,
    Archived,
    Aggregated,
    CardOther,
}

/// The names of every key cdt2md writes, in front matter order.
pub(crate) fn key_names() -> Vec<&'static str> {
    Key::ALL.iter().map(|k| k.name()).collect()
}

/// One field's value, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value<'a> {
    Text(&'a str),
    List(&'a [String]),
    Flag(bool),
    Pairs(&'a [(String, String)]),
    Extra(&'a Extra),
}

impl Key {
    pub(crate) const ALL: [Key; 20] = [
        Key::Title,
        Key::Headline,
        Key::Author,
        Key::AuthorUrl,
        Key::PostedBy,
        Key::Contributor,
        Key::Date,
        Key::Deleted,
        Key::Source,
        Key::SourceUrl,
        Key::Backup,
        Key::BackupUrl,
        Key::Topics,
        Key::Collections,
        Key::Categories,
        Key::Tags,
        Key::Url,
        Key::Archived,
        Key::Aggregated,
        Key::CardOther,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Key::Title => "title",
            Key::Headline => "headline",
            Key::Author => "author",
            Key::AuthorUrl => "author_url",
            Key::PostedBy => "posted_by",
            Key::Contributor => "contributor",
            Key::Date => "date",
            Key::Deleted => "deleted",
            Key::Source => "source",
            Key::SourceUrl => "source_url",
            Key::Backup => "backup",
            Key::BackupUrl => "backup_url",
            Key::Topics => "topics",
            Key::Collections => "collections",
            Key::Categories => "categories",
            Key::Tags => "tags",
            Key::Url => "url",
            Key::Archived => "archived",
            Key::Aggregated => "aggregated",
            Key::CardOther => "card_other",
        }
    }

    /// The archive card's label for this field (the first is how `--keep-card` writes it),
    /// with the variants seen across years. Compared with spaces removed.
    pub(crate) fn card_labels(self) -> &'static [&'static str] {
        match self {
            Key::Title => &["标题"],
            Key::Author => &["作者"],
            Key::Contributor => &["投稿人"],
            Key::Date => &["发表日期", "发布日期", "发表时间", "发布时间", "日期"],
            Key::Deleted => &["404 日期"],
            Key::Source => &["来源", "出处"],
            Key::Backup => &["备份"],
            Key::Topics => &["主题归类", "主题", "归类", "分类"],
            Key::Collections => &["CDS收藏", "收藏"],
            _ => &[],
        }
    }

    /// The field holding the link of a card line (`作者` links the author's page).
    pub(crate) fn url_key(self) -> Option<Key> {
        match self {
            Key::Author => Some(Key::AuthorUrl),
            Key::Source => Some(Key::SourceUrl),
            Key::Backup => Some(Key::BackupUrl),
            _ => None,
        }
    }
}

impl Metadata {
    pub(crate) fn get(&self, key: Key) -> Option<Value<'_>> {
        fn text(v: &Option<String>) -> Option<&str> {
            v.as_deref().filter(|s| !s.is_empty())
        }
        let value = match key {
            Key::Title => Value::Text(text(&self.title)?),
            Key::Headline => Value::Text(text(&self.headline)?),
            Key::Author => Value::Text(text(&self.author)?),
            Key::AuthorUrl => Value::Text(text(&self.author_url)?),
            Key::PostedBy => Value::Text(text(&self.posted_by)?),
            Key::Contributor => Value::Text(text(&self.contributor)?),
            Key::Date => Value::Text(text(&self.date)?),
            Key::Deleted => Value::Text(text(&self.deleted)?),
            Key::Source => Value::Text(text(&self.source)?),
            Key::SourceUrl => Value::Text(text(&self.source_url)?),
            Key::Backup => Value::Text(text(&self.backup)?),
            Key::BackupUrl => Value::Text(text(&self.backup_url)?),
            Key::Topics => list(&self.topics)?,
            Key::Collections => list(&self.collections)?,
            Key::Categories => list(&self.categories)?,
            Key::Tags => list(&self.tags)?,
            Key::Url => Value::Text(text(&self.url)?),
            Key::Archived => Value::Text(text(&self.archived)?),
            Key::Aggregated => self.aggregated.then_some(Value::Flag(true))?,
            Key::CardOther => {
                (!self.card_other.is_empty()).then_some(Value::Pairs(&self.card_other))?
            }
        };
        Some(value)
    }

    /// Moves `key`'s value from `other` into `self` when `self` has none.
    fn fill(&mut self, other: &mut Metadata, key: Key) {
        if self.get(key).is_some() || other.get(key).is_none() {
            return;
        }
        fn text(to: &mut Option<String>, from: &mut Option<String>) {
            *to = from.take();
        }
        fn list(to: &mut Vec<String>, from: &mut Vec<String>) {
            *to = std::mem::take(from);
        }
        match key {
            Key::Title => text(&mut self.title, &mut other.title),
            Key::Headline => text(&mut self.headline, &mut other.headline),
            Key::Author => text(&mut self.author, &mut other.author),
            Key::AuthorUrl => text(&mut self.author_url, &mut other.author_url),
            Key::PostedBy => text(&mut self.posted_by, &mut other.posted_by),
            Key::Contributor => text(&mut self.contributor, &mut other.contributor),
            Key::Date => text(&mut self.date, &mut other.date),
            Key::Deleted => text(&mut self.deleted, &mut other.deleted),
            Key::Source => text(&mut self.source, &mut other.source),
            Key::SourceUrl => text(&mut self.source_url, &mut other.source_url),
            Key::Backup => text(&mut self.backup, &mut other.backup),
            Key::BackupUrl => text(&mut self.backup_url, &mut other.backup_url),
            Key::Topics => list(&mut self.topics, &mut other.topics),
            Key::Collections => list(&mut self.collections, &mut other.collections),
            Key::Categories => list(&mut self.categories, &mut other.categories),
            Key::Tags => list(&mut self.tags, &mut other.tags),
            Key::Url => text(&mut self.url, &mut other.url),
            Key::Archived => text(&mut self.archived, &mut other.archived),
            Key::Aggregated => self.aggregated = std::mem::take(&mut other.aggregated),
            Key::CardOther => self.card_other = std::mem::take(&mut other.card_other),
        }
    }

    /// The present fields, in order, wrapper keys last.
    pub(crate) fn fields(&self) -> Vec<(&str, Value<'_>)> {
        let known = Key::ALL
            .iter()
            .filter_map(|&key| Some((key.name(), self.get(key)?)));
        let extra = self
            .extra
            .iter()
            .filter(|(_, v)| !matches!(v, Extra::Null))
            .map(|(k, v)| (k.as_str(), Value::Extra(v)));
        known.chain(extra).collect()
    }

    /// Keeps a card line no field holds. A label the card repeats keeps one entry, its texts
    /// joined, since `card_other` is a mapping and a mapping's keys are unique.
    pub(crate) fn add_card_other(&mut self, label: &str, text: String) {
        match self.card_other.iter_mut().find(|(l, _)| l == label) {
            Some((_, kept)) if kept.split('；').any(|t| t == text) => {}
            Some((_, kept)) => {
                kept.push('；');
                kept.push_str(&text);
            }
            None => self.card_other.push((label.to_string(), text)),
        }
    }

    /// Whether nothing at all is known.
    pub fn is_empty(&self) -> bool {
        Key::ALL.iter().all(|&key| self.get(key).is_none())
            && self.extra.iter().all(|(_, v)| matches!(v, Extra::Null))
    }
}

fn list(items: &[String]) -> Option<Value<'_>> {
    (!items.is_empty()).then_some(Value::List(items))
}

/// What an article's form says about it outside its HTML (see the module notes).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Outer {
    /// The title the form gives: a header's headline, a post's or item's title, an `<h1>`.
    pub title: Option<String>,
    pub url: Option<String>,
    /// RFC 3339 UTC.
    pub archived: Option<String>,
    /// A date as written (`日期：` line, `pubDate`, the date under a page's title).
    pub date: Option<String>,
    pub posted_by: Option<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    /// Whether the form had a header or fields of its own (a bare HTML file has none).
    pub present: bool,
}

/// The sources of one article, as read.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    pub card: Option<Metadata>,
    pub footer: Option<Metadata>,
    pub outer: Outer,
    pub head: Option<head::HeadMeta>,
    pub wrapper: Vec<(String, Extra)>,
    pub aggregated: bool,
}

/// The sources merged in their order of strength (see the module notes). Dates that cannot
/// be read are reported in `warnings` and left out.
pub(crate) fn merge(sources: Sources, warnings: &mut Vec<String>) -> Metadata {
    let Sources {
        card,
        footer,
        outer,
        head,
        wrapper,
        aggregated,
    } = sources;
    let headline = outer.title.clone().filter(|h| !h.is_empty());
    let outer_date = outer
        .date
        .as_deref()
        .and_then(|d| parse_date(d, crate::dates::date_line, warnings));
    let mut outer = Metadata {
        title: headline.clone(),
        url: outer.url.filter(|u| !u.is_empty()),
        archived: outer.archived,
        date: outer_date,
        posted_by: outer.posted_by,
        categories: outer.categories,
        tags: outer.tags,
        ..Metadata::default()
    };
    let mut head = head
        .map(|h| Metadata {
            title: h.title,
            url: h.url,
            date: h
                .date
                .as_deref()
                .and_then(|d| parse_date(d, crate::dates::date_line, warnings)),
            ..Metadata::default()
        })
        .unwrap_or_default();
    let mut merged = Metadata {
        aggregated,
        ..Metadata::default()
    };
    for mut source in [card, footer].into_iter().flatten() {
        fill_all(&mut merged, &mut source);
    }
    fill_all(&mut merged, &mut outer);
    fill_all(&mut merged, &mut head);
    merged.headline = headline.filter(|h| Some(h) != merged.title.as_ref());
    let written: Vec<&str> = Key::ALL
        .iter()
        .filter(|&&k| merged.get(k).is_some())
        .map(|k| k.name())
        .collect();
    merged.extra = wrapper
        .into_iter()
        .filter(|(key, _)| !written.contains(&key.as_str()))
        .collect();
    merged
}

fn fill_all(merged: &mut Metadata, source: &mut Metadata) {
    for key in Key::ALL {
        merged.fill(source, key);
    }
}

/// A date as the front matter writes it, or a warning naming what could not be read.
pub(crate) fn parse_date(
    text: &str,
    parse: fn(&str) -> Option<String>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let parsed = parse(text);
    if parsed.is_none() {
        warnings.push(format!("date not understood: {}", text.trim()));
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn the_card_wins_then_footer_then_outer_then_head() {
        let card = Metadata {
            title: text("卡片标题"),
            date: text("2025-01-14"),
            ..Metadata::default()
        };
        let footer = Metadata {
            posted_by: text("脚注"),
            tags: vec!["脚注标签".into()],
            ..Metadata::default()
        };
        let outer = Outer {
            title: text("页头标题"),
            url: text("https://x.net/1.html"),
            date: text("Thu, 02 Jul 2020 18:28:24 +0000"),
            posted_by: text("外层"),
            tags: vec!["外层标签".into()],
            present: true,
            ..Outer::default()
        };
        let head = head::HeadMeta {
            title: text("头部"),
            url: text("https://x.net/other.html"),
            date: None,
        };
        let mut warnings = Vec::new();
        let merged = merge(
            Sources {
                card: Some(card),
                footer: Some(footer),
                outer,
                head: Some(head),
                ..Sources::default()
            },
            &mut warnings,
        );
        assert_eq!(merged.title.as_deref(), Some("卡片标题"));
        assert_eq!(merged.headline.as_deref(), Some("页头标题"));
        assert_eq!(merged.date.as_deref(), Some("2025-01-14"));
        assert_eq!(merged.posted_by.as_deref(), Some("脚注"));
        assert_eq!(merged.tags, vec!["脚注标签"]);
        assert_eq!(merged.url.as_deref(), Some("https://x.net/1.html"));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn the_headline_goes_when_it_is_the_title() {
        let outer = Outer {
            title: text("同一个"),
            ..Outer::default()
        };
        let merged = merge(
            Sources {
                outer,
                ..Sources::default()
            },
            &mut Vec::new(),
        );
        assert_eq!(merged.title.as_deref(), Some("同一个"));
        assert_eq!(merged.headline, None);
    }

    #[test]
    fn wrapper_keys_survive_only_where_nothing_else_writes_them() {
        let outer = Outer {
            title: text("页头"),
            ..Outer::default()
        };
        let wrapper = vec![
            ("layout".to_string(), Extra::Text("post".into())),
            ("title".to_string(), Extra::Text("包装标题".into())),
            (
                "date".to_string(),
                Extra::Text("2021-02-10T09:33:05.000Z".into()),
            ),
        ];
        let merged = merge(
            Sources {
                outer,
                wrapper,
                ..Sources::default()
            },
            &mut Vec::new(),
        );
        let keys: Vec<&str> = merged.fields().iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["title", "layout", "date"]);
        assert_eq!(merged.title.as_deref(), Some("页头"));
    }

    #[test]
    fn unreadable_dates_are_named_and_fall_through() {
        let outer = Outer {
            date: text("某天"),
            ..Outer::default()
        };
        let head = head::HeadMeta {
            date: text("2021-03-04T05:06:07+00:00"),
            ..head::HeadMeta::default()
        };
        let mut warnings = Vec::new();
        let merged = merge(
            Sources {
                outer,
                head: Some(head),
                ..Sources::default()
            },
            &mut warnings,
        );
        assert_eq!(merged.date.as_deref(), Some("2021-03-04"));
        assert_eq!(warnings, ["date not understood: 某天"]);
    }

    #[test]
    fn every_key_has_one_name_and_card_labels_are_unique() {
        let mut names: Vec<&str> = Key::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Key::ALL.len());
        let mut labels: Vec<&str> = Key::ALL
            .iter()
            .flat_map(|k| k.card_labels())
            .copied()
            .collect();
        let count = labels.len();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), count);
    }
}
