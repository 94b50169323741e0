//! The pipeline for one file: bytes → text → form → for each article: DOM → metadata and
//! cleaning → Markdown → front matter.

use html5ever::tendril::StrTendril;
use markup5ever_rcdom::Handle;

use crate::error::PageError;
use crate::form::{self, Article, Form};
use crate::links::LocalLinks;
use crate::metadata::{self, Metadata, Sources, card, footer, head};
use crate::profile::{self, Profile};
use crate::{clean, depth, dom, encoding, front_matter, markdown, parse};

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
    /// Where the page's own folder is, seen from the folder the Markdown is written to
    /// (`../archive`): files a browser saved beside the page (`NNN_files/a.jpg`) are then
    /// linked there. Without it they stay as the page wrote them.
    pub page_folder: Option<String>,
    /// The reader the front matter is written for (its keys; file names are the batch's).
    pub profile: Option<Profile>,
    /// Links to other articles of the run, made relative links to their Markdown
    /// (`--local-links`; the batch runner sets it for each article).
    pub local_links: Option<LocalLinks>,
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

/// A converted article.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub metadata: Metadata,
    /// The whole output file: front matter (or title heading) and body.
    pub markdown: String,
    /// What was missing or had to be dropped; the article converted nonetheless.
    pub warnings: Vec<String>,
    /// The text encoding the file was read in.
    pub encoding: &'static str,
    /// The form the article came in.
    pub form: Form,
    /// A file name for the article (its post id, else a slug of its URL), for the articles
    /// of a feed or a JSON array. Not sanitised: it comes from the file's content.
    pub name: Option<String>,
}

/// The articles of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub articles: Vec<Converted>,
    /// A feed or a JSON array: its articles are files of a folder named after it.
    pub collection: bool,
    /// Entries of a feed or array that hold no article, and why (the others convert).
    pub dropped: Vec<String>,
}

/// Converts a file that holds one article. A feed or JSON array of several is an error
/// ([`PageError::SeveralArticles`]): use [`convert_all`] for those.
pub fn convert(bytes: &[u8], options: &Options) -> Result<Converted, PageError> {
    let mut document = convert_all(bytes, options)?;
    match document.articles.len() {
        1 => {
            let mut article = document.articles.remove(0);
            article.warnings.extend(
                document
                    .dropped
                    .into_iter()
                    .map(|why| format!("left out: {why}")),
            );
            Ok(article)
        }
        n => Err(PageError::SeveralArticles(n)),
    }
}

/// Converts every article of a file.
pub fn convert_all(bytes: &[u8], options: &Options) -> Result<Document, PageError> {
    let decoded = encoding::decode(bytes)?;
    let contents = form::read(&decoded.text)?;
    let mut dropped = contents.dropped;
    let mut articles = Vec::with_capacity(contents.articles.len());
    for (i, article) in contents.articles.into_iter().enumerate() {
        let name = article.name.clone();
        match convert_article(article, options) {
            Ok(mut converted) => {
                converted.encoding = decoded.encoding;
                if let Some(warning) = &decoded.warning {
                    converted.warnings.insert(0, warning.clone());
                }
                articles.push(converted);
            }
            // one empty item does not sink its feed
            Err(PageError::NotAPage(why)) if contents.collection => {
                let which = name.map_or_else(|| format!("item {}", i + 1), |n| format!("item {n}"));
                dropped.push(format!("{which}: not an article ({why})"));
            }
            Err(err) => return Err(err),
        }
    }
    if articles.is_empty() {
        let why = dropped.first().cloned().unwrap_or_default();
        return Err(PageError::NotAPage(format!("no item is an article: {why}")));
    }
    Ok(Document {
        articles,
        collection: contents.collection,
        dropped,
    })
}

/// Where the article is in the parsed tree, and what its form says around it.
struct Located {
    root: Handle,
    outer: metadata::Outer,
    head: Option<head::HeadMeta>,
    /// What the metadata read in the article (a whole page's term lines), for cleaning.
    read: Vec<Handle>,
}

fn convert_article(article: Article, options: &Options) -> Result<Converted, PageError> {
    let Article {
        form,
        html,
        outer,
        wrapper,
        name,
        mut warnings,
        whole_page,
    } = article;
    let (bounded, flattened) = depth::bound(&html);
    let rewritten = match bounded {
        std::borrow::Cow::Owned(text) => Some(text),
        std::borrow::Cow::Borrowed(_) => None,
    };
    let html = rewritten.map_or(html, |text| StrTendril::from_slice(&text));
    if flattened {
        warnings.push(format!(
            "nesting deeper than {} levels flattened",
            depth::MAX_DEPTH
        ));
    }
    let document = parse::parse_tendril(html.clone());
    let mut located = locate(&document, whole_page, outer, &mut warnings)?;
    // a whole page's card sits below its menus, past the region looked at in a post
    let (card, card_nodes) = (whole_page || card::may_hold_card(&html))
        .then(|| card::read(&located.root, &mut warnings))
        .flatten()
        .unzip();
    // the page's last blocks, read once for the feed footer and the site's lines
    let tail = dom::tail(&located.root);
    let (footer, footer_nodes) = footer::read_feed_footer(&tail).unzip();
    let read: Vec<Handle> = card_nodes
        .into_iter()
        .chain(footer_nodes)
        .flatten()
        .chain(std::mem::take(&mut located.read))
        .collect();
    if card.is_none() && footer.is_none() {
        warnings.push("no archive card".to_string());
    }
    for label in card.iter().flat_map(|c| &c.unknown_labels) {
        warnings.push(format!(
            "archive card label not read: {label} (kept in card_other)"
        ));
    }
    let found = clean::clean(
        &located.root,
        &tail,
        &read,
        &html,
        whole_page,
        &mut warnings,
    );
    let card_rows = card
        .as_ref()
        .filter(|_| options.keep_card)
        .map(|c| card::rows(&c.metadata));
    // Something outside the HTML, or a card or footer in it, says this is an article: then
    // it converts even with an empty body (a link-only post). Otherwise it takes some text.
    let named = located.outer.present || card.is_some() || footer.is_some();
    let sources = Sources {
        card: card.map(|c| c.metadata),
        footer,
        outer: located.outer,
        head: located.head,
        wrapper,
        aggregated: found.aggregated,
    };
    let metadata = metadata::merge(sources, &mut warnings);
    if metadata.title.is_none() {
        warnings.push("no title".to_string());
    }
    let links = markdown::Links {
        base: metadata.url.as_deref(),
        images: match &options.images {
            ImageUrls::AsWritten => markdown::Images::AsWritten,
            ImageUrls::Base(base) => markdown::Images::Base(base),
            ImageUrls::Mirror(dir) => markdown::Images::Mirror(dir),
        },
        page_folder: options.page_folder.as_deref(),
        local: options.local_links.as_ref(),
    };
    let body_md = markdown::to_markdown(&located.root, &links);
    // a card with nothing readable in it names nothing either
    if (!named || metadata.is_empty()) && body_md.trim().is_empty() {
        return Err(PageError::NotAPage(
            "no article in it: no header, no card with anything in it, no article text".to_string(),
        ));
    }
    // A post, an item, a wrapped page name their article; one of them naming nothing is no
    // article (an empty feed item, a JSON object with a `content` and nothing else).
    if metadata.is_empty() && !matches!(form, Form::Page | Form::FullPage) {
        return Err(PageError::NotAPage(
            "nothing names an article: no title, URL, date or card".to_string(),
        ));
    }
    if metadata.is_empty() {
        warnings.push(
            "nothing to put in front matter (no header, title, URL, date or card): written without it"
                .to_string(),
        );
    }
    let table = card_rows.map(|rows| markdown::label_table("CDT 档案卡", &rows));
    let markdown = assemble(&metadata, table.as_deref(), &body_md, options);
    Ok(Converted {
        metadata,
        markdown,
        warnings,
        encoding: "UTF-8",
        form,
        name,
    })
}

fn fill_outer(into: &mut metadata::Outer, from: metadata::Outer) {
    into.title = into.title.take().or(from.title);
    into.url = into.url.take().or(from.url);
    into.archived = into.archived.take().or(from.archived);
    into.date = into.date.take().or(from.date);
}

/// The element holding the article: a whole page's entry content, else the `<body>`.
fn locate(
    document: &Handle,
    whole_page: bool,
    outer: metadata::Outer,
    warnings: &mut Vec<String>,
) -> Result<Located, PageError> {
    if whole_page {
        match head::full_page(document) {
            Ok(mut page) => {
                // a wrapper's page header, where there is one, still says what it says
                fill_outer(&mut page.outer, outer);
                return Ok(Located {
                    root: page.content,
                    outer: page.outer,
                    head: None,
                    read: page.read,
                });
            }
            Err(head::NoArticle::Listing(n)) => {
                return Err(PageError::NotAPage(format!(
                    "a listing of {n} posts (an index, category or search page), not one article"
                )));
            }
            Err(head::NoArticle::SitePage(kind)) => {
                return Err(PageError::NotAPage(format!(
                    "the site's {kind} page, not an article"
                )));
            }
            Err(head::NoArticle::NoContent | head::NoArticle::OnlyChrome) => {}
        }
    }
    let root = dom::body(document);
    if outer.present {
        return Ok(Located {
            root,
            outer,
            head: None,
            read: Vec::new(),
        });
    }
    // a headerless document may be the site's listing or error page, saved all the same
    match head::not_an_article(document) {
        Some(head::NoArticle::SitePage(kind)) => {
            return Err(PageError::NotAPage(format!(
                "the site's {kind} page, not an article"
            )));
        }
        Some(head::NoArticle::Listing(n)) => {
            return Err(PageError::NotAPage(format!(
                "a listing of {n} posts (an index, category or search page), not one article"
            )));
        }
        Some(head::NoArticle::OnlyChrome) => {
            return Err(PageError::NotAPage(
                "a page of the site with its menus and sidebar but no article content".to_string(),
            ));
        }
        _ => {}
    }
    warnings.push("no header: title and URL taken from the HTML, if anywhere".to_string());
    Ok(Located {
        root,
        outer,
        head: Some(head::head_meta(document)),
        read: Vec::new(),
    })
}

fn assemble(metadata: &Metadata, card: Option<&str>, body: &str, options: &Options) -> String {
    let adapted = options.profile.map(|p| profile::adapt(p, metadata));
    let metadata = adapted.as_ref().unwrap_or(metadata);
    let mut out = String::with_capacity(body.len() + 1024);
    match options.front_matter {
        _ if metadata.is_empty() => {}
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
