//! The pipeline for one page: bytes → page → DOM → card and clean → Markdown → front matter.

use crate::card::{self, Card, FeedFooter, HeadMeta};
use crate::error::PageError;
use crate::front_matter::{self, Metadata};
use crate::page::{self, Header};
use crate::{clean, dates, depth, dom, encoding, markdown, parse};

/// How a page is written. The default is YAML front matter and the article, images at their
/// own URLs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub front_matter: FrontMatter,
    /// The title as a `# ` heading above the body (always so without front matter).
    pub title_heading: bool,
    /// The archive card kept in the body too, as a table.
    pub keep_card: bool,
    /// Where image URLs point.
    pub images: ImageUrls,
    /// Front matter keys renamed (`url` → `original_url`, say: Hugo reserves `url`).
    pub rename_keys: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FrontMatter {
    #[default]
    Yaml,
    /// `+++`-delimited TOML, which Hugo reads too.
    Toml,
    /// None: the title becomes a `# ` heading.
    None,
}

/// Image URL rewriting, for archives whose images are mirrored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ImageUrls {
    #[default]
    AsWritten,
    /// `https://HOST/PATH` → `BASE/PATH`.
    Base(String),
    /// `https://HOST/PATH` → `DIR/HOST/PATH`, the layout mirroring tools write.
    Mirror(String),
}

/// A converted page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub metadata: Metadata,
    /// The whole output file: front matter (or title heading) and body.
    pub markdown: String,
    /// What was missing or had to be dropped; the page converted nonetheless.
    pub warnings: Vec<String>,
    /// The text encoding the page was read in.
    pub encoding: &'static str,
}

pub fn convert(bytes: &[u8], options: &Options) -> Result<Converted, PageError> {
    let decoded = encoding::decode(bytes)?;
    let page = page::split(&decoded.text);
    let mut warnings: Vec<String> = decoded.warning.into_iter().collect();
    let (html, flattened) = depth::bound(&page.html);
    if flattened {
        warnings.push(format!(
            "nesting deeper than {} levels flattened",
            depth::MAX_DEPTH
        ));
    }
    let document = parse::parse_html(&html);
    let body = dom::body(&document);

    let head = if page.has_header {
        HeadMeta::default()
    } else {
        warnings.push("no header: title and URL taken from the HTML, if anywhere".to_string());
        card::head_meta(&document)
    };
    let card = card::may_hold_card(&html)
        .then(|| card::take_card(&body))
        .flatten();
    let footer = card::take_feed_footer(&body, &html);
    if card.is_none() && footer.is_none() {
        warnings.push("no archive card".to_string());
    }
    for label in card.iter().flat_map(|c| &c.unknown_labels) {
        warnings.push(format!("archive card label not read: {label}"));
    }
    clean::clean(&body, &mut warnings);

    let card_table = card
        .as_ref()
        .filter(|_| options.keep_card)
        .map(markdown::card_table);
    let metadata = metadata(&page.header, card, footer, head, &mut warnings);
    let images = match &options.images {
        ImageUrls::AsWritten => markdown::Images::AsWritten,
        ImageUrls::Base(base) => markdown::Images::Base(base),
        ImageUrls::Mirror(dir) => markdown::Images::Mirror(dir),
    };
    let body_md = markdown::to_markdown(&body, metadata.url.as_deref(), images);
    let markdown = assemble(&metadata, card_table.as_deref(), &body_md, options);
    Ok(Converted {
        metadata,
        markdown,
        warnings,
        encoding: decoded.encoding,
    })
}

fn metadata(
    header: &Header,
    card: Option<Card>,
    footer: Option<FeedFooter>,
    head: HeadMeta,
    warnings: &mut Vec<String>,
) -> Metadata {
    let card = card.unwrap_or_default();
    let footer = footer.unwrap_or_default();
    let title = card
        .title
        .clone()
        .or_else(|| header.headline.clone().filter(|h| !h.is_empty()))
        .or(head.title);
    if title.is_none() {
        warnings.push("no title".to_string());
    }
    let headline = header
        .headline
        .clone()
        .filter(|h| !h.is_empty() && Some(h) != title.as_ref());
    let date = page_date(&card, header, head.date.as_deref(), warnings);
    Metadata {
        title,
        headline,
        author: card.author,
        author_url: card.author_url,
        posted_by: footer.posted_by,
        date,
        source: card.source,
        source_url: card.source_url,
        topics: card.topics,
        collections: card.collections,
        tags: footer.tags,
        url: header.url.clone().filter(|u| !u.is_empty()).or(head.url),
        archived: header.archived_ms.and_then(dates::archived),
    }
}

/// The card's date, else the header's `日期：` line, else the document's publication time.
fn page_date(
    card: &Card,
    header: &Header,
    head_date: Option<&str>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let candidates = [
        (
            card.date.as_deref(),
            dates::ymd as fn(&str) -> Option<String>,
        ),
        (header.date_line.as_deref(), dates::date_line),
        (head_date, dates::date_line),
    ];
    for (text, parse) in candidates {
        let Some(text) = text else { continue };
        match parse(text) {
            Some(date) => return Some(date),
            None => warnings.push(format!("date not understood: {text}")),
        }
    }
    None
}

fn assemble(metadata: &Metadata, card: Option<&str>, body: &str, options: &Options) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    match options.front_matter {
        FrontMatter::Yaml => out.push_str(&front_matter::to_yaml(metadata, &options.rename_keys)),
        FrontMatter::Toml => out.push_str(&front_matter::to_toml(metadata, &options.rename_keys)),
        FrontMatter::None => {}
    }
    let heading = options.title_heading || options.front_matter == FrontMatter::None;
    let title = metadata.title.as_deref().filter(|_| heading);
    let blocks = title
        .map(|t| format!("# {}\n", markdown::heading_text(t)))
        .into_iter()
        .chain(card.map(|table| format!("{table}\n")))
        .chain((!body.is_empty()).then(|| body.to_string()));
    for block in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&block);
    }
    out
}
