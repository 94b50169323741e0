//! The archive as a whole: a catalogue of the articles a run converted (`--catalog`) and the
//! images their Markdown refers to (`--image-list`).
//!
//! Each article's entry is taken from what was written: the metadata of its front matter, and
//! counts read back from its Markdown body with a CommonMark parser, so the catalogue says
//! what a reader of the output finds. Entries are sorted before they are written, so the files
//! are the same bytes whatever the order the threads finished in.

use std::io::{self, Write};

use pulldown_cmark::{Event, Options, Parser, Tag};
use serde::Serialize;

use super::reposts::Signature;
use super::spill::Sorter;
use crate::convert::Converted;
use crate::form::Form;
use crate::metadata::{Extra, Metadata};

/// One converted article, as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The post id, where the URL or a `?p=` guid gives one.
    pub id: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub headline: Option<String>,
    pub date: Option<String>,
    pub archived: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub topics: Vec<String>,
    pub tags: Vec<String>,
    pub collections: Vec<String>,
    pub categories: Vec<String>,
    pub form: Form,
    /// The input file, as the run named it.
    pub input: String,
    /// The Markdown file, relative to OUT, with `/` separators.
    pub output: String,
    /// Characters of visible text, whitespace not counted.
    pub chars: u64,
    pub images: u64,
    pub links: u64,
    /// Where another copy of the same article was kept (a re-post; see `reposts`).
    pub duplicate_of: Option<String>,
    /// How alike the two texts are (the estimated Jaccard similarity of their shingles).
    pub similarity: Option<f64>,
    /// The image URLs of the Markdown, in order (for `--image-list`).
    #[serde(skip)]
    pub image_urls: Vec<String>,
    /// The text's MinHash, for finding re-posts.
    #[serde(skip)]
    pub signature: Option<Signature>,
}

impl Entry {
    pub(crate) fn new(converted: &Converted, input: String, output: String) -> Entry {
        let meta = &converted.metadata;
        let seen = read_back(body_of(&converted.markdown));
        // a field the front matter has from a wrapper's own keys (a Jekyll post's `author:`)
        let text =
            |field: &Option<String>, key: &str| field.clone().or_else(|| extra_text(meta, key));
        let list = |field: &[String], key: &str| match field {
            [] => extra_list(meta, key),
            _ => field.to_vec(),
        };
        Entry {
            // from the URL, or a feed item's `?p=NNN` guid
            id: meta
                .url
                .as_deref()
                .and_then(crate::form::post_id)
                .or_else(|| {
                    converted
                        .name
                        .clone()
                        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                }),
            url: text(&meta.url, "url"),
            title: text(&meta.title, "title"),
            headline: text(&meta.headline, "headline"),
            date: text(&meta.date, "date"),
            archived: text(&meta.archived, "archived"),
            author: text(&meta.author, "author"),
            source: text(&meta.source, "source"),
            source_url: text(&meta.source_url, "source_url"),
            topics: list(&meta.topics, "topics"),
            tags: list(&meta.tags, "tags"),
            collections: list(&meta.collections, "collections"),
            categories: list(&meta.categories, "categories"),
            form: converted.form,
            input,
            output,
            chars: seen.chars,
            images: seen.image_urls.len() as u64,
            links: seen.links,
            duplicate_of: None,
            similarity: None,
            image_urls: seen.image_urls,
            signature: Signature::of(&seen.letters),
        }
    }

    /// Date, then archiving time, then URL (absent ones last), then the output path, which
    /// no two entries share: a total order, so the catalogue never depends on timing. As
    /// bytes, for sorting through `spill`.
    fn sort_key(&self) -> Vec<u8> {
        let mut key = Vec::new();
        for field in [&self.date, &self.archived, &self.url] {
            match field {
                Some(text) => {
                    key.push(b'0');
                    key.extend(text.bytes().map(|b| b.max(1)));
                    key.push(0);
                }
                None => key.push(b'1'),
            }
        }
        key.extend_from_slice(self.output.as_bytes());
        key
    }
}

fn extra<'a>(meta: &'a Metadata, key: &str) -> Option<&'a Extra> {
    meta.extra.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn extra_text(meta: &Metadata, key: &str) -> Option<String> {
    match extra(meta, key)? {
        Extra::Text(text) | Extra::Number(text) => Some(text.clone()),
        _ => None,
    }
}

fn extra_list(meta: &Metadata, key: &str) -> Vec<String> {
    match extra(meta, key) {
        Some(Extra::List(items)) => items
            .iter()
            .filter_map(|item| match item {
                Extra::Text(text) | Extra::Number(text) => Some(text.clone()),
                _ => None,
            })
            .collect(),
        Some(Extra::Text(text)) => vec![text.clone()],
        _ => Vec::new(),
    }
}

/// The file's Markdown without its front matter (YAML `---` or TOML `+++`).
fn body_of(markdown: &str) -> &str {
    for fence in ["---", "+++"] {
        if let Some(rest) = markdown
            .strip_prefix(fence)
            .and_then(|r| r.strip_prefix('\n'))
            && let Some(end) = rest.find(&format!("\n{fence}\n"))
        {
            return &rest[end + fence.len() + 2..];
        }
    }
    markdown
}

struct Seen {
    chars: u64,
    links: u64,
    image_urls: Vec<String>,
    /// The visible text's letters and digits, for its MinHash.
    letters: Vec<char>,
}

/// What a reader of the Markdown finds: its visible text, links and images.
fn read_back(body: &str) -> Seen {
    let mut seen = Seen {
        chars: 0,
        links: 0,
        image_urls: Vec::new(),
        letters: Vec::new(),
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // alt text is no visible text
    let mut in_image = 0usize;
    for event in Parser::new_ext(body, options) {
        match event {
            Event::Text(text) | Event::Code(text) if in_image == 0 => {
                seen.chars += text.chars().filter(|c| !c.is_whitespace()).count() as u64;
                seen.letters
                    .extend(text.chars().filter(|c| c.is_alphanumeric()));
            }
            Event::Start(Tag::Link { .. }) => seen.links += 1,
            Event::Start(Tag::Image { dest_url, .. }) => {
                in_image += 1;
                seen.image_urls.push(dest_url.into_string());
            }
            Event::End(pulldown_cmark::TagEnd::Image) => in_image = in_image.saturating_sub(1),
            _ => {}
        }
    }
    seen
}

/// The catalogue's format, from its file name: CSV for `.csv`, else JSON Lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLines,
    Csv,
}

impl Format {
    pub fn of(path: &std::path::Path) -> Format {
        match path.extension() {
            Some(ext) if ext.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::JsonLines,
        }
    }
}

/// The columns, in order.
const COLUMNS: [&str; 21] = [
    "id",
    "url",
    "title",
    "headline",
    "date",
    "archived",
    "author",
    "source",
    "source_url",
    "topics",
    "tags",
    "collections",
    "categories",
    "form",
    "input",
    "output",
    "chars",
    "images",
    "links",
    "duplicate_of",
    "similarity",
];

/// The catalogue and the image list of a run, collected as its articles convert and written
/// sorted at the end; held in memory up to a budget, then spilled to temporary files.
pub struct Collector {
    format: Format,
    rows: Option<Sorter>,
    images: Option<Sorter>,
}

impl Collector {
    pub fn new(catalogue: Option<Format>, images: bool) -> Collector {
        Collector {
            format: catalogue.unwrap_or(Format::JsonLines),
            rows: catalogue.map(|_| Sorter::new(false)),
            images: images.then(|| Sorter::new(true)),
        }
    }

    pub fn add(&mut self, entry: &Entry) -> io::Result<()> {
        if let Some(rows) = &mut self.rows {
            rows.push(entry.sort_key(), row(entry, self.format))?;
        }
        if let Some(images) = &mut self.images {
            // web URLs only: a file a browser saved beside the page is no download
            let web = |u: &&String| u.starts_with("http://") || u.starts_with("https://");
            for url in entry.image_urls.iter().filter(web) {
                images.push(url.as_bytes().to_vec(), format!("{url}\n").into_bytes())?;
            }
        }
        Ok(())
    }

    /// The catalogue, sorted: one JSON object a line, or CSV (RFC 4180, a header row, lists
    /// joined with `; `).
    pub fn write_catalogue(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.format == Format::Csv {
            out.write_all(&csv_record(&COLUMNS.map(str::to_string)))?;
        }
        match self.rows.take() {
            Some(rows) => rows.write_to(out),
            None => Ok(()),
        }
    }

    /// Every image URL the entries' Markdown refers to, sorted and unique, one a line: the
    /// input `wget -x -i FILE` takes.
    pub fn write_images(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.images.take() {
            Some(images) => images.write_to(out),
            None => Ok(()),
        }
    }
}

fn row(entry: &Entry, format: Format) -> Vec<u8> {
    match format {
        Format::JsonLines => {
            // a struct of strings, numbers and lists always serialises
            let mut line = serde_json::to_vec(entry).unwrap_or_default();
            line.push(b'\n');
            line
        }
        Format::Csv => csv_record(&csv_fields(entry)),
    }
}

fn csv_fields(e: &Entry) -> [String; 21] {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let list = |v: &[String]| v.join("; ");
    [
        text(&e.id),
        text(&e.url),
        text(&e.title),
        text(&e.headline),
        text(&e.date),
        text(&e.archived),
        text(&e.author),
        text(&e.source),
        text(&e.source_url),
        list(&e.topics),
        list(&e.tags),
        list(&e.collections),
        list(&e.categories),
        e.form.to_string(),
        e.input.clone(),
        e.output.clone(),
        e.chars.to_string(),
        e.images.to_string(),
        e.links.to_string(),
        text(&e.duplicate_of),
        // written as JSON writes it, so the two catalogues agree
        e.similarity
            .map(|s| serde_json::Value::from(s).to_string())
            .unwrap_or_default(),
    ]
}

/// One CSV record, CRLF-terminated, quoted where RFC 4180 needs it.
fn csv_record(fields: &[String]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = writer.write_record(fields);
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_not_body() {
        assert_eq!(body_of("---\ntitle: a\n---\n\nbody\n"), "\nbody\n");
        assert_eq!(body_of("+++\ntitle = 'a'\n+++\nbody\n"), "body\n");
        assert_eq!(body_of("# T\n\nbody\n"), "# T\n\nbody\n");
    }

    #[test]
    fn a_reader_counts_text_links_and_images() {
        let seen = read_back("A **b** [c](u) ![d](i.png)\n\n`e f`\n");
        assert_eq!(seen.chars, 5);
        assert_eq!(seen.links, 1);
        assert_eq!(seen.image_urls, vec!["i.png"]);
    }
}
