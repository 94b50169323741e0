//! What a file holds, sniffed from its text (never from its name): a saved page, a whole page
//! saved from the site, a WordPress post (or an array of them), a Jekyll or Hugo post wrapping
//! a page, a feed, or no article at all. Each form says where its articles' HTML is and what
//! stands around it; everything after this stage is the same for all forms.

use html5ever::tendril::StrTendril;
use quick_xml::events::{BytesStart, Event};
use serde::Serialize;

use crate::error::PageError;
use crate::metadata::{Extra, Outer};
use crate::{dates, dom, page, parse};

/// The form an article came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// A saved page with a `<!--ms-->` header, or a headerless fragment or document.
    Page,
    /// A 2020 saved page: its header has a `日期：` line.
    #[serde(rename = "page-2020")]
    Page2020,
    /// A whole page saved from the site by a browser, curl or wget.
    FullPage,
    /// A WordPress REST API post (`/wp/v2/posts`).
    WpJson,
    /// A Jekyll or Hugo post whose body is a saved page.
    Wrapped,
    /// An item of an RSS or Atom feed.
    FeedItem,
}

impl Form {
    pub fn name(self) -> &'static str {
        match self {
            Form::Page => "page",
            Form::Page2020 => "page-2020",
            Form::FullPage => "full-page",
            Form::WpJson => "wp-json",
            Form::Wrapped => "wrapped",
            Form::FeedItem => "feed-item",
        }
    }
}

impl std::fmt::Display for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One article as its form holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Article {
    pub form: Form,
    /// For a saved page, a part of the decoded text's tendril (no copy).
    pub html: StrTendril,
    pub outer: Outer,
    /// A wrapper's front matter, as written.
    pub wrapper: Vec<(String, Extra)>,
    /// A name for the article's own file, from its id or URL (feed items, JSON arrays).
    pub name: Option<String>,
    pub warnings: Vec<String>,
    /// The HTML is a whole page saved from the site (its article is to be found in it); so it
    /// is for a `full-page`, and may be for a `wrapped` post.
    pub whole_page: bool,
}

/// The articles of one file. A feed or a JSON array is a collection: its articles are written
/// as files of a folder named after it, even when there is only one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Contents {
    pub articles: Vec<Article>,
    pub collection: bool,
    /// Entries of a collection that are no article, and why.
    pub dropped: Vec<String>,
}

/// Reads what `text` (decoded, BOM gone) holds.
pub(crate) fn read(source: &StrTendril) -> Result<Contents, PageError> {
    let text = without_http_headers(source);
    let start = text.trim_start();
    let one = |article| {
        Ok(Contents {
            articles: vec![article],
            collection: false,
            dropped: Vec::new(),
        })
    };
    if let Some(contents) = json(start) {
        return contents;
    }
    if let Some((wrapper, rest)) = split_wrapper(start) {
        return one(wrapped(source, wrapper, rest)?);
    }
    if is_feed(start) {
        return feed(start);
    }
    one(html_page(source, text)?)
}

/// `part` of `source` as a tendril sharing its buffer; a copy only when `part` does not lie
/// in it.
fn part_of(source: &StrTendril, part: &str) -> StrTendril {
    let offset = (part.as_ptr() as usize).wrapping_sub(source.as_ptr() as usize);
    let shared = u32::try_from(offset)
        .ok()
        .zip(u32::try_from(part.len()).ok())
        .filter(|&(at, len)| at as usize + len as usize <= source.len())
        .and_then(|(at, len)| source.try_subtendril(at, len).ok());
    shared.unwrap_or_else(|| StrTendril::from_slice(part))
}

/// A page saved with `curl -i` starts with the response's status line and headers: the page
/// is what follows the blank line after them.
fn without_http_headers(text: &str) -> &str {
    let is_status = text.starts_with("HTTP/")
        && text
            .split('\n')
            .next()
            .is_some_and(|line| line.split_whitespace().nth(1).is_some_and(|c| c.len() == 3));
    if !is_status {
        return text;
    }
    text.find("\n\n").map_or(text, |end| &text[end + 2..])
}

/// Whether the start of a file looks like something [`read`] takes: a saved page, a JSON
/// post, a feed, or a post wrapping a page. For the batch's choice among `.md`, `.txt`,
/// `.json` and other text files, and for never overwriting such a file.
pub(crate) fn looks_like_input(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let text = text.trim_start();
    if page::looks_like_page(text.as_bytes()) || is_feed(text) {
        return true;
    }
    if text.starts_with('{') || text.starts_with('[') {
        return text.contains("\"content\"");
    }
    split_wrapper(text).is_some_and(|(_, rest)| {
        let rest = rest.trim_start();
        !rest.starts_with("---") && page::looks_like_page(rest.as_bytes())
    })
}

/// Whether the start of a file looks like a feed or a JSON array: many articles, written
/// into a folder named after the file.
pub(crate) fn looks_like_collection(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    // A head cut from a page mostly ends inside a character; cut before it, a UTF-8 head is
    // borrowed after a fast check instead of copied by the lossy decoder, a cost paid per page.
    let whole = head.len() - incomplete_tail(head);
    let text = match simdutf8::basic::from_utf8(&head[..whole]) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(head),
    };
    let text = text.trim_start();
    is_feed(text) || (text.starts_with('[') && text[1..].trim_start().starts_with('{'))
}

/// How many bytes at the end of `bytes` begin a UTF-8 character they do not finish.
fn incomplete_tail(bytes: &[u8]) -> usize {
    let continuation = |b: u8| b & 0xC0 == 0x80;
    for back in 1..=bytes.len().min(4) {
        let b = bytes[bytes.len() - back];
        if continuation(b) {
            continue;
        }
        let needs = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if needs > back { back } else { 0 };
    }
    0
}

// ---------------------------------------------------------------- pages

/// A saved page (shapes A, B and C of [`page`]), or a whole page saved from the site.
fn html_page(source: &StrTendril, text: &str) -> Result<Article, PageError> {
    let split = page::split(text);
    if !split.has_header && !page::looks_like_page(text.as_bytes()) {
        let why = if split.html.trim().is_empty() {
            "nothing after its header"
        } else {
            "text with no saved page header and no HTML"
        };
        return Err(PageError::NotAPage(why.to_string()));
    }
    let whole_page = !split.has_header && is_full_page(split.html);
    let form = if split.has_header {
        if split.header.date_line.is_some() {
            Form::Page2020
        } else {
            Form::Page
        }
    } else if whole_page {
        Form::FullPage
    } else {
        Form::Page
    };
    let header = split.header;
    let outer = Outer {
        title: header.headline,
        url: header.url,
        archived: header.archived_ms.and_then(dates::archived),
        date: header.date_line,
        present: split.has_header,
        ..Outer::default()
    };
    Ok(Article {
        form,
        html: part_of(source, split.html),
        outer,
        wrapper: Vec::new(),
        name: None,
        warnings: Vec::new(),
        whole_page,
    })
}

/// A whole document whose article sits in the site's `entry-content`: the class is there, and
/// the text is a document (a doctype, `<html>`, `<head>` or a `<body>`), not a fragment of an
/// article. Which element holds the article (and whether there is only one) the metadata
/// stage decides on the parsed tree.
fn is_full_page(html: &str) -> bool {
    let has_content = ["entry-content", "post-content"]
        .iter()
        .any(|c| memchr::memmem::find(html.as_bytes(), c.as_bytes()).is_some());
    has_content && is_document(html)
}

fn is_document(html: &str) -> bool {
    let start = skip_prolog(html).as_bytes();
    let starts = |prefix: &[u8]| {
        start
            .get(..prefix.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(prefix))
    };
    starts(b"<!doctype") || starts(b"<html") || starts(b"<head") || {
        let head = &html.as_bytes()[..html.len().min(64 * 1024)];
        head.windows(5).any(|w| w.eq_ignore_ascii_case(b"<body"))
    }
}

// ---------------------------------------------------------------- wrapped posts

/// A `---` (YAML) or `+++` (TOML) front matter block at the very start, and what follows.
fn split_wrapper(text: &str) -> Option<(Wrapper<'_>, &str)> {
    let (fence, kind) = if text.starts_with("---") {
        ("---", WrapperKind::Yaml)
    } else if text.starts_with("+++") {
        ("+++", WrapperKind::Toml)
    } else {
        return None;
    };
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != fence {
        return None;
    }
    let body = &text[first_end + 1..];
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if line.trim_end() == fence {
            let block = &body[..offset];
            let rest = &body[offset + line.len()..];
            return Some((Wrapper { kind, block }, rest));
        }
        offset += line.len();
    }
    None
}

#[derive(Clone, Copy)]
enum WrapperKind {
    Yaml,
    Toml,
}

struct Wrapper<'a> {
    kind: WrapperKind,
    block: &'a str,
}

fn wrapped(source: &StrTendril, wrapper: Wrapper<'_>, rest: &str) -> Result<Article, PageError> {
    // A saved page has its header, or is a whole document; a Markdown post that happens to
    // start with a tag (`<img …>` above its text) is not one.
    let split = page::split(rest);
    let saved = split.has_header || split.header.archived_ms.is_some() || is_document(split.html);
    if !saved {
        return Err(PageError::NotAPage(
            "Markdown with front matter, but no saved page after it".to_string(),
        ));
    }
    let mut article = html_page(source, rest)?;
    article.form = Form::Wrapped;
    match wrapper_keys(&wrapper, &mut article.warnings) {
        Ok(keys) => article.wrapper = keys,
        Err(why) => article
            .warnings
            .push(format!("front matter of the wrapper not read: {why}")),
    }
    Ok(article)
}

fn wrapper_keys(
    wrapper: &Wrapper<'_>,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, Extra)>, String> {
    if let Some(why) = too_complex(wrapper.block) {
        return Err(why);
    }
    let pairs = match wrapper.kind {
        WrapperKind::Yaml => {
            let (pairs, left_out) = yaml_keys(wrapper.block)?;
            for key in left_out {
                warnings.push(format!("front matter key of the wrapper not read: {key}"));
            }
            pairs
        }
        WrapperKind::Toml => {
            let table: toml::Table = wrapper
                .block
                .parse()
                .map_err(|e: toml::de::Error| e.message().to_string())?;
            table
                .into_iter()
                .map(|(k, v)| (k, from_toml(v, 0)))
                .collect()
        }
    };
    Ok(pairs.into_iter().filter(|(k, _)| !k.is_empty()).collect())
}

/// A wrapper's keys and values, in order.
type Keys = Vec<(String, Extra)>;

/// A YAML wrapper's keys. Where the block as a whole does not parse (one value serde_yaml
/// cannot hold, a number of 25 digits), its top-level entries are taken one by one, each with
/// those kept before it (so anchors still resolve), and an entry that breaks the block is left
/// out: one bad value does not lose `layout` and the rest. The keys left out are named.
fn yaml_keys(block: &str) -> Result<(Keys, Vec<String>), String> {
    let whole = match parse_yaml_mapping(block) {
        Ok(pairs) => return Ok((with_yaml_1_1_booleans(pairs, block), Vec::new())),
        Err(whole) => whole,
    };
    let mut kept = String::new();
    let mut left_out = Vec::new();
    for entry in top_level_entries(block) {
        let candidate = format!("{kept}{entry}\n");
        if parse_yaml_mapping(&candidate).is_ok() {
            kept = candidate;
        } else {
            let key = entry
                .split(':')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            left_out.push(key);
        }
    }
    match parse_yaml_mapping(&kept) {
        Ok(pairs) if !pairs.is_empty() => Ok((with_yaml_1_1_booleans(pairs, block), left_out)),
        _ => Err(whole),
    }
}

fn parse_yaml_mapping(text: &str) -> Result<Vec<(String, Extra)>, String> {
    let mut value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    // `<<: *defaults` merges a mapping in, as Jekyll's YAML does
    value.apply_merge().map_err(|e| e.to_string())?;
    match value {
        serde_yaml::Value::Mapping(map) => Ok(map
            .into_iter()
            .map(|(k, v)| (yaml_key(k), from_yaml(v, 0)))
            .collect()),
        serde_yaml::Value::Null => Ok(Vec::new()),
        _ => Err("not a mapping".to_string()),
    }
}

/// The block's top-level entries, each with its indented lines.
fn top_level_entries(block: &str) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    for line in block.lines() {
        let top = !line.starts_with([' ', '\t', '-', '#']) && !line.trim().is_empty();
        match entries.last_mut() {
            Some(entry) if !top => {
                entry.push('\n');
                entry.push_str(line);
            }
            _ if top => entries.push(line.to_string()),
            _ => {}
        }
    }
    entries
}

/// YAML 1.1 (Jekyll's, Ruby's Psych) reads a bare `yes`, `no`, `on`, `off`, `y` and `n` as
/// booleans; serde_yaml reads YAML 1.2, where they are strings. The site reads its wrapper by
/// 1.1, so a top-level value written bare keeps the meaning it has there.
fn with_yaml_1_1_booleans(mut pairs: Vec<(String, Extra)>, block: &str) -> Vec<(String, Extra)> {
    for (key, value) in &mut pairs {
        let Extra::Text(text) = value else { continue };
        let truth = match text.as_str() {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => true,
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => false,
            _ => continue,
        };
        let bare = block.lines().any(|line| {
            line.strip_prefix(key.as_str())
                .and_then(|rest| rest.strip_prefix(':'))
                .is_some_and(|v| v.split(" #").next().unwrap_or("").trim() == text.as_str())
        });
        if bare {
            *value = Extra::Bool(truth);
        }
    }
    pairs
}

/// Front matter is a few short keys. A block far beyond that is not parsed: the YAML parser
/// takes seconds on deep nesting before it gives up, and a hostile file could make it so.
fn too_complex(block: &str) -> Option<String> {
    if block.len() > MAX_WRAPPER_BYTES {
        return Some(format!("larger than {} KiB", MAX_WRAPPER_BYTES / 1024));
    }
    let mut depth = 0usize;
    for b in block.bytes() {
        match b {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_WRAPPER_DEPTH {
            return Some(format!("nested deeper than {MAX_WRAPPER_DEPTH} levels"));
        }
    }
    let indent = block
        .lines()
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .max()
        .unwrap_or(0);
    (indent > 4 * MAX_WRAPPER_DEPTH)
        .then(|| format!("nested deeper than {MAX_WRAPPER_DEPTH} levels"))
}

const MAX_WRAPPER_BYTES: usize = 256 * 1024;
/// Nesting a wrapper may have: the conversions below recurse, this deep at most.
const MAX_WRAPPER_DEPTH: usize = 32;

fn yaml_key(key: serde_yaml::Value) -> String {
    match from_yaml(key, MAX_WRAPPER_DEPTH) {
        Extra::Text(text) | Extra::Number(text) => text,
        Extra::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// A YAML value as kept, nested as it was (to the bound `too_complex` has checked).
fn from_yaml(value: serde_yaml::Value, depth: usize) -> Extra {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Extra::Null,
        Y::Bool(b) => Extra::Bool(b),
        Y::Number(n) => number(n.as_f64(), n.to_string()),
        Y::String(s) => Extra::Text(s),
        Y::Tagged(tagged) => from_yaml(tagged.value, depth),
        other if depth >= 2 * MAX_WRAPPER_DEPTH => {
            Extra::Text(serde_json::to_string(&other).unwrap_or_default())
        }
        Y::Sequence(items) => {
            Extra::List(items.into_iter().map(|v| from_yaml(v, depth + 1)).collect())
        }
        Y::Mapping(map) => Extra::Map(
            map.into_iter()
                .map(|(k, v)| (yaml_key(k), from_yaml(v, depth + 1)))
                .collect(),
        ),
    }
}

/// A number's literal; infinities and NaN in YAML's spelling (`.inf`, `-.inf`, `.nan`), which
/// the TOML writer turns into TOML's.
fn number(value: Option<f64>, literal: String) -> Extra {
    match value {
        Some(f) if f.is_nan() => Extra::Number(".nan".to_string()),
        Some(f) if f.is_infinite() && f > 0.0 => Extra::Number(".inf".to_string()),
        Some(f) if f.is_infinite() => Extra::Number("-.inf".to_string()),
        _ => Extra::Number(literal),
    }
}

fn from_toml(value: toml::Value, depth: usize) -> Extra {
    match value {
        toml::Value::String(s) => Extra::Text(s),
        toml::Value::Integer(i) => Extra::Number(i.to_string()),
        toml::Value::Float(f) => number(Some(f), format!("{f:?}")),
        toml::Value::Boolean(b) => Extra::Bool(b),
        toml::Value::Datetime(d) => Extra::Text(d.to_string()),
        other if depth >= 2 * MAX_WRAPPER_DEPTH => Extra::Text(other.to_string()),
        toml::Value::Array(items) => {
            Extra::List(items.into_iter().map(|v| from_toml(v, depth + 1)).collect())
        }
        toml::Value::Table(table) => Extra::Map(
            table
                .into_iter()
                .map(|(k, v)| (k, from_toml(v, depth + 1)))
                .collect(),
        ),
    }
}

// ---------------------------------------------------------------- WordPress JSON

/// JSON, when the text is JSON: an object, or an array that parses (a page's header line
/// starts with `[` too).
fn json(text: &str) -> Option<Result<Contents, PageError>> {
    let after = text.get(1..)?.trim_start();
    let value: serde_json::Value = if text.starts_with('{') && after.starts_with(['"', '}']) {
        match serde_json::from_str(text) {
            Ok(value) => value,
            Err(e) => return Some(Err(PageError::BrokenJson(e.to_string()))),
        }
    } else if text.starts_with('[') {
        match serde_json::from_str(text) {
            Ok(value) => value,
            // a page's header line starts with `[` too; an array of objects cut short is a
            // damaged page of posts
            Err(e) if after.starts_with(['{', ']']) && !page::split(text).has_header => {
                return Some(Err(PageError::BrokenJson(e.to_string())));
            }
            Err(_) => return None,
        }
    } else {
        return None;
    };
    Some(json_posts(value))
}

fn json_posts(value: serde_json::Value) -> Result<Contents, PageError> {
    match value {
        serde_json::Value::Object(_) => {
            let article = wp_post(&value).map_err(|why| {
                PageError::NotAPage(format!("JSON, but not a WordPress post: {why}"))
            })?;
            Ok(Contents {
                articles: vec![article],
                collection: false,
                dropped: Vec::new(),
            })
        }
        serde_json::Value::Array(items) => {
            let mut articles = Vec::new();
            let mut dropped = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match wp_post(item) {
                    Ok(article) => articles.push(article),
                    Err(why) => {
                        dropped.push(format!("entry {}: not a WordPress post: {why}", i + 1))
                    }
                }
            }
            if articles.is_empty() {
                return Err(PageError::NotAPage(
                    "a JSON array without WordPress posts".to_string(),
                ));
            }
            Ok(Contents {
                articles,
                collection: true,
                dropped,
            })
        }
        _ => Err(PageError::NotAPage(
            "JSON, but not a WordPress post".to_string(),
        )),
    }
}

/// `date_gmt` (UTC, written without a zone), else a `date` with a zone. WordPress writes
/// `0000-00-00 00:00:00` for a draft's unset time: no time.
fn wp_archived(post: &serde_json::Value, warnings: &mut Vec<String>) -> Option<String> {
    let field = |key: &str| {
        post.get(key)
            .and_then(|d| d.as_str())
            .map(str::trim)
            .filter(|d| !d.is_empty() && !d.starts_with("0000-00-00"))
    };
    if let Some(gmt) = field("date_gmt") {
        match dates::utc_naive(gmt) {
            Some(utc) => return Some(utc),
            None => warnings.push(format!("date_gmt not understood: {gmt}")),
        }
    }
    let date = field("date")?;
    let zoned = dates::utc(date);
    if zoned.is_none() {
        let why = if dates::utc_naive(date).is_some() {
            "has no time zone and there is no date_gmt"
        } else {
            "is not understood"
        };
        warnings.push(format!("date {date} {why}: archived left out"));
    }
    zoned
}

/// A field that is a string or `{"rendered": string}`.
fn rendered<'a>(post: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    let value = post.get(key)?;
    value
        .as_str()
        .or_else(|| value.get("rendered").and_then(|r| r.as_str()))
}

/// A post: `content`, and something of a post's own besides (an id, link, title, date,
/// guid or slug); a JSON object that merely has a `content` is not one.
fn wp_post(post: &serde_json::Value) -> Result<Article, &'static str> {
    let html = rendered(post, "content")
        .ok_or("no \"content\"")?
        .to_string();
    let own = ["id", "link", "title", "date", "date_gmt", "guid", "slug"];
    if !own
        .iter()
        .any(|k| post.get(*k).is_some_and(|v| !v.is_null()))
    {
        return Err("a \"content\", but no id, link, title or date");
    }
    let mut warnings = Vec::new();
    let title = rendered(post, "title")
        .map(html_text)
        .filter(|t| !t.is_empty());
    let url = post
        .get("link")
        .and_then(|l| l.as_str())
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    let archived = wp_archived(post, &mut warnings);
    let id = post.get("id").and_then(|id| {
        id.as_u64()
            .map(|n| n.to_string())
            .or_else(|| id.as_str().map(str::to_string))
    });
    let name = id.or_else(|| url.as_deref().and_then(name_from_url));
    Ok(Article {
        form: Form::WpJson,
        html: StrTendril::from_slice(&html),
        outer: Outer {
            present: title.is_some() || url.is_some() || archived.is_some(),
            title,
            url,
            archived,
            ..Outer::default()
        },
        wrapper: Vec::new(),
        name,
        warnings,
        whole_page: false,
    })
}

/// The text of a snippet of HTML (a title with `&#8220;` or `<em>` in it), whitespace
/// collapsed.
pub(crate) fn html_text(html: &str) -> String {
    let text = if html.contains(['&', '<']) {
        let document = parse::parse_html(&format!("<p>{html}"));
        dom::text_content(&dom::body(&document))
    } else {
        html.to_string()
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------- feeds

/// The text after leading whitespace, XML declarations and comments (Chrome puts
/// `<!-- saved from url=… -->` before a saved page).
fn skip_prolog(text: &str) -> &str {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let end = if rest.starts_with("<?") {
            rest.find("?>").map(|e| e + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|e| e + 3)
        } else {
            return rest;
        };
        match end {
            Some(end) => rest = &rest[end..],
            None => return rest,
        }
    }
}

/// RSS (`<rss>`, `<rdf:RDF>`) or Atom (`<feed>`), after an XML declaration and comments.
fn is_feed(text: &str) -> bool {
    let mut rest = skip_prolog(text);
    // a DOCTYPE (RSS 0.91 has one), then comments again
    if rest.starts_with("<!DOCTYPE") || rest.starts_with("<!doctype") {
        match rest.find('>') {
            Some(end) => rest = skip_prolog(&rest[end + 1..]),
            None => return false,
        }
    }
    ["<rss", "<feed", "<rdf:RDF"].iter().any(|root| {
        rest.starts_with(root)
            && rest[root.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_whitespace() || c == '>')
    })
}

/// One feed item's fields as read.
#[derive(Default)]
struct Item {
    title: String,
    /// An Atom title of `type="html"` or `xhtml`; RSS titles are plain text.
    title_is_html: bool,
    link: String,
    guid: String,
    /// RSS says a guid is the item's address unless `isPermaLink="false"`.
    guid_is_permalink: bool,
    /// Atom content and summary of `type="text"` are plain text, not HTML.
    content_is_text: bool,
    description_is_text: bool,
    date: String,
    updated: String,
    creator: String,
    categories: Vec<String>,
    content: String,
    description: String,
}

/// A feed's items. A feed damaged part-way keeps the items before the damage, the last of
/// them saying so.
fn feed(text: &str) -> Result<Contents, PageError> {
    let (items, damage) = match feed_items(text) {
        Ok(items) => (items, None),
        Err((items, _)) if !items.is_empty() => {
            let why = "the feed is damaged after this item: any later items are lost";
            (items, Some(why.to_string()))
        }
        Err((_, why)) => return Err(PageError::BrokenFeed(why)),
    };
    if items.is_empty() {
        return Err(PageError::NotAPage("a feed with no items".to_string()));
    }
    let mut articles: Vec<Article> = items.into_iter().map(feed_article).collect();
    if let (Some(why), Some(last)) = (damage, articles.last_mut()) {
        last.warnings.push(why);
    }
    Ok(Contents {
        articles,
        collection: true,
        dropped: Vec::new(),
    })
}

fn feed_article(item: Item) -> Article {
    let (html, is_text) = if item.content.trim().is_empty() {
        (item.description, item.description_is_text)
    } else {
        (item.content, item.content_is_text)
    };
    let html = if is_text { escape_html(&html) } else { html };
    let non_empty = |s: String| {
        let s = s.trim().to_string();
        (!s.is_empty()).then_some(s)
    };
    let guid = item.guid.trim().to_string();
    let guid_url = (item.guid_is_permalink && guid.starts_with("http")).then(|| guid.clone());
    let url = non_empty(item.link).or(guid_url);
    let name = [guid.as_str(), url.as_deref().unwrap_or_default()]
        .iter()
        .find_map(|u| post_id(u))
        .or_else(|| url.as_deref().and_then(name_from_url))
        .or_else(|| name_from_url(&guid));
    let title = if item.title_is_html {
        html_text(&item.title)
    } else {
        item.title.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let outer = Outer {
        title: Some(title).filter(|t| !t.is_empty()),
        url,
        date: non_empty(item.date).or_else(|| non_empty(item.updated)),
        posted_by: non_empty(item.creator),
        tags: item
            .categories
            .into_iter()
            .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|c| !c.is_empty())
            .collect(),
        ..Outer::default()
    };
    let present = outer.title.is_some()
        || outer.url.is_some()
        || outer.date.is_some()
        || outer.posted_by.is_some();
    Article {
        form: Form::FeedItem,
        html: StrTendril::from_slice(&html),
        outer: Outer { present, ..outer },
        wrapper: Vec::new(),
        name,
        warnings: Vec::new(),
        whole_page: false,
    }
}

/// Plain text as HTML that shows it: `&`, `<` and `>` escaped, line breaks kept.
fn escape_html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<p>{}</p>",
        escaped.replace("\n\n", "</p><p>").replace('\n', "<br>")
    )
}

/// Which item field an element of an item fills.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Link,
    Guid,
    Date,
    Updated,
    Creator,
    AuthorName,
    Category,
    Content,
    Description,
    Other,
}

fn field(name: &[u8], atom: bool) -> Field {
    match name {
        b"title" => Field::Title,
        b"link" if !atom => Field::Link,
        b"guid" | b"id" => Field::Guid,
        b"pubDate" | b"dc:date" | b"published" => Field::Date,
        b"updated" if atom => Field::Updated,
        b"dc:creator" => Field::Creator,
        b"category" => Field::Category,
        b"content:encoded" => Field::Content,
        b"content" if atom => Field::Content,
        b"description" | b"summary" => Field::Description,
        _ => Field::Other,
    }
}

/// The items of an RSS or Atom feed, read leniently: unknown entities are kept as written
/// (the content is HTML, whose parser knows them).
fn feed_items(text: &str) -> Result<Vec<Item>, (Vec<Item>, String)> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut items = Vec::new();
    let mut current: Option<(Item, bool)> = None;
    // inside an item: the element path below it
    let mut path: Vec<Field> = Vec::new();
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let why = format!("XML error at byte {}: {e}", reader.buffer_position());
                return Err((items, why));
            }
        };
        match event {
            Event::Start(start) => {
                let name = start.name();
                let name = name.as_ref();
                match &mut current {
                    None if name == b"item" || name == b"entry" => {
                        current = Some((Item::default(), name == b"entry"));
                        path.clear();
                    }
                    None => {}
                    Some((item, atom)) => {
                        let atom = *atom;
                        let f = if path.is_empty() {
                            field(name, atom)
                        } else if path == [Field::Other] && name == b"name" {
                            Field::AuthorName
                        } else {
                            Field::Other
                        };
                        let f = if path.is_empty() && atom && name == b"author" {
                            Field::Other
                        } else {
                            f
                        };
                        if path.is_empty() && name == b"guid" {
                            item.guid_is_permalink =
                                attribute(&start, b"isPermaLink").is_none_or(|v| v != "false");
                        }
                        if path.is_empty() && atom {
                            let kind = TextKind::of(&start);
                            match f {
                                Field::Title => item.title_is_html = kind != TextKind::Text,
                                Field::Content => item.content_is_text = kind == TextKind::Text,
                                Field::Description => {
                                    item.description_is_text = kind == TextKind::Text;
                                }
                                _ => {}
                            }
                            // xhtml is markup inside the element: taken as written
                            if kind == TextKind::Xhtml
                                && matches!(f, Field::Title | Field::Content | Field::Description)
                            {
                                let span = match reader.read_to_end(start.to_end().name()) {
                                    Ok(span) => span,
                                    Err(e) => return Err((items, e.to_string())),
                                };
                                let from = usize::try_from(span.start).unwrap_or(0);
                                let to = usize::try_from(span.end).unwrap_or(0);
                                let raw = text.get(from..to).unwrap_or_default();
                                match f {
                                    Field::Title => item.title.push_str(raw),
                                    Field::Content => item.content.push_str(raw),
                                    _ => item.description.push_str(raw),
                                }
                                continue;
                            }
                            atom_attributes(item, &start, name);
                        }
                        path.push(f);
                    }
                }
            }
            Event::Empty(empty) => {
                if let Some((item, true)) = &mut current
                    && path.is_empty()
                {
                    let name = empty.name();
                    atom_attributes(item, &empty, name.as_ref());
                }
            }
            Event::End(end) => {
                if path.pop().is_none()
                    && (end.name().as_ref() == b"item" || end.name().as_ref() == b"entry")
                    && let Some((item, _)) = current.take()
                {
                    items.push(item);
                }
            }
            Event::Text(t) => push_text(&mut current, &path, &t.decode().unwrap_or_default()),
            Event::CData(c) => push_text(&mut current, &path, &c.decode().unwrap_or_default()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.decode().unwrap_or_default();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .map_or_else(|| format!("&{name};"), str::to_string)
                    }
                };
                push_text(&mut current, &path, &resolved);
            }
            Event::Eof if current.is_some() => {
                return Err((items, "the feed ends inside an item".to_string()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(items)
}

/// What an Atom text construct holds (`type="text"`, the default, `html` or `xhtml`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Text,
    Html,
    Xhtml,
}

impl TextKind {
    fn of(start: &BytesStart<'_>) -> TextKind {
        match attribute(start, b"type").as_deref() {
            Some("html" | "text/html") => TextKind::Html,
            Some("xhtml" | "application/xhtml+xml") => TextKind::Xhtml,
            _ => TextKind::Text,
        }
    }
}

fn attribute(start: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// Atom keeps a link and a category in attributes.
fn atom_attributes(item: &mut Item, element: &BytesStart<'_>, name: &[u8]) {
    match name {
        b"link" => {
            let rel = attribute(element, b"rel");
            if (rel.is_none() || rel.as_deref() == Some("alternate"))
                && item.link.is_empty()
                && let Some(href) = attribute(element, b"href")
            {
                item.link = href;
            }
        }
        b"category" => {
            if let Some(term) = attribute(element, b"term") {
                item.categories.push(term);
            }
        }
        _ => {}
    }
}

fn push_text(current: &mut Option<(Item, bool)>, path: &[Field], text: &str) {
    let Some((item, _)) = current else {
        return;
    };
    let Some(&field) = path.first() else {
        return;
    };
    let field = if path.len() == 2 && path[1] == Field::AuthorName {
        Field::Creator
    } else if path.len() > 1 && field != Field::Content && field != Field::Description {
        return;
    } else {
        field
    };
    match field {
        Field::Title => item.title.push_str(text),
        Field::Link => item.link.push_str(text),
        Field::Guid => item.guid.push_str(text),
        Field::Date => item.date.push_str(text),
        Field::Updated => item.updated.push_str(text),
        Field::Creator | Field::AuthorName => item.creator.push_str(text),
        Field::Category => {
            let text = text.trim();
            if !text.is_empty() {
                item.categories.push(text.to_string());
            }
        }
        Field::Content => item.content.push_str(text),
        Field::Description => item.description.push_str(text),
        Field::Other => {}
    }
}

// ---------------------------------------------------------------- names

/// A post id in a URL: `?p=NNN`, `/NNN.html`, or a path ending in digits.
pub(crate) fn post_id(url: &str) -> Option<String> {
    let url = url.trim();
    if let Some((_, query)) = url.split_once('?') {
        for pair in query.split(['&', '#']) {
            if let Some(id) = pair.strip_prefix("p=")
                && !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit())
            {
                return Some(id.to_string());
            }
        }
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let stem = last
        .strip_suffix(".html")
        .or_else(|| last.strip_suffix(".htm"))
        .unwrap_or(last);
    (!stem.is_empty() && stem.len() <= 20 && stem.bytes().all(|b| b.is_ascii_digit()))
        .then(|| stem.to_string())
}

/// The last segment of a URL's path, percent-decoded, for a file name (not yet sanitised).
pub(crate) fn name_from_url(url: &str) -> Option<String> {
    if let Some(id) = post_id(url) {
        return Some(id);
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let path = path.split_once("://").map_or(path, |(_, rest)| rest);
    let segments: Vec<&str> = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
    let last = segments.last()?;
    let last = last
        .strip_suffix(".html")
        .or_else(|| last.strip_suffix(".htm"))
        .unwrap_or(last);
    let decoded = crate::url::percent_decode(last);
    (!decoded.trim().is_empty()).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incomplete_last_character_is_found() {
        let text = "a中".as_bytes();
        assert_eq!(incomplete_tail(text), 0);
        assert_eq!(incomplete_tail(&text[..3]), 2);
        assert_eq!(incomplete_tail(&text[..2]), 1);
        assert_eq!(incomplete_tail(b""), 0);
        assert_eq!(incomplete_tail("é😀".as_bytes()), 0);
        assert_eq!(incomplete_tail(&"😀".as_bytes()[..3]), 3);
        // stray continuation bytes are for the validator to refuse
        assert_eq!(incomplete_tail(b"\x80\x80\x80\x80\x80"), 0);
    }

    #[test]
    fn a_head_cut_inside_a_character_is_still_read() {
        let feed = "<?xml version=\"1.0\"?><!-- 中文 --><rss version=\"2.0\"><channel>中";
        let cut = &feed.as_bytes()[..feed.len() - 1];
        assert!(looks_like_collection(cut));
        let array = "[ {\"id\": 1, \"title\": \"中";
        assert!(looks_like_collection(&array.as_bytes()[..array.len() - 2]));
        let page = "<!--1736909970000-->\n[标题](https://x.net/1.html)\n------\n中";
        assert!(!looks_like_collection(&page.as_bytes()[..page.len() - 1]));
        // not UTF-8 at all: still read, lossily
        assert!(looks_like_collection(
            b"<rss version=\"2.0\">\xB2\xE2\xCA\xD4"
        ));
    }

    #[test]
    fn a_saved_page_shares_the_decoded_text() {
        let source = StrTendril::from_slice(
            "[标题](https://x.net/1.html)\n------\n\n<p>正文正文正文正文正文正文</p>\n",
        );
        let article = one(&source);
        let html = read(&source).expect("a page").articles.remove(0).html;
        assert_eq!(&*html, &*article.html);
        let shared = super::read(&source)
            .expect("a page")
            .articles
            .remove(0)
            .html;
        let range = source.as_ptr() as usize..source.as_ptr() as usize + source.len();
        assert!(
            range.contains(&(shared.as_ptr() as usize)),
            "a copy was made"
        );
        assert!(shared.contains("<p>正文"));
        // a part from elsewhere is copied, never read out of bounds
        let elsewhere = part_of(&source, "<p>别处</p>");
        assert_eq!(&*elsewhere, "<p>别处</p>");
    }

    /// The tests hand text; the pipeline hands the decoded tendril.
    fn read(text: &str) -> Result<Contents, PageError> {
        super::read(&StrTendril::from_slice(text))
    }

    fn one(text: &str) -> Article {
        let contents = read(text).expect("an article");
        assert_eq!(contents.articles.len(), 1);
        contents.articles.into_iter().next().expect("one")
    }

    fn not_a_page(text: &str) -> String {
        match read(text) {
            Err(PageError::NotAPage(why)) => why,
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn page_forms() {
        let a = one("<!--1736909970000-->\n[标题](https://x.net/1.html)\n------\n\n<p>x</p>");
        assert_eq!(a.form, Form::Page);
        assert_eq!(a.outer.archived.as_deref(), Some("2025-01-15T02:59:30Z"));
        let b = one(
            "[标题](https://x.net/a/)\n------\n日期：Thu, 02 Jul 2020 18:28:24 +0000\n\n<p>x</p>",
        );
        assert_eq!(b.form, Form::Page2020);
        assert_eq!(one("<p>片段</p>").form, Form::Page);
        let full = "<!DOCTYPE html><html><head></head><body><article><div class=\"entry-content\"><p>x</p></div></article></body></html>";
        assert_eq!(one(full).form, Form::FullPage);
    }

    #[test]
    fn wordpress_posts() {
        let post = r#"{"id":692810,"link":"https://chinadigitaltimes.net/chinese/692810.html","date":"2023-02-10T11:12:51Z","title":"A &#8220;B&#8221;","content":"<p>正文</p>"}"#;
        let a = one(post);
        assert_eq!(a.form, Form::WpJson);
        assert_eq!(a.outer.title.as_deref(), Some("A “B”"));
        assert_eq!(a.outer.archived.as_deref(), Some("2023-02-10T11:12:51Z"));
        assert_eq!(a.name.as_deref(), Some("692810"));
        let api = r#"[{"id":1,"date":"2023-02-10T19:12:51","date_gmt":"2023-02-10T11:12:51","title":{"rendered":"T"},"content":{"rendered":"<p>x</p>"}},{"id":2,"date":"2023-02-11T08:00:00","title":{"rendered":"U"},"content":{"rendered":"<p>y</p>"}}]"#;
        let contents = read(api).expect("posts");
        assert!(contents.collection);
        assert_eq!(
            contents.articles[0].outer.archived.as_deref(),
            Some("2023-02-10T11:12:51Z")
        );
        assert_eq!(contents.articles[1].outer.archived, None);
        assert_eq!(contents.articles[1].warnings.len(), 1);
        assert!(not_a_page(r#"{"name":"x"}"#).contains("not a WordPress post"));
        assert!(not_a_page("[]").contains("without WordPress posts"));
        assert!(matches!(read("{\"id\":1,"), Err(PageError::BrokenJson(_))));
    }

    #[test]
    fn wrapped_posts() {
        let yaml = "---\nlayout: post\ntitle: \"T\"\ntags: [ 中国数字时代 ]\n---\n<!--1612949585000-->\n[T](https://x.net/1.html)\n------\n\n<div><p>x</p></div>\n";
        let a = one(yaml);
        assert_eq!(a.form, Form::Wrapped);
        assert_eq!(a.outer.title.as_deref(), Some("T"));
        assert_eq!(a.wrapper[0], ("layout".into(), Extra::Text("post".into())));
        assert_eq!(
            a.wrapper[2],
            (
                "tags".into(),
                Extra::List(vec![Extra::Text("中国数字时代".into())])
            )
        );
        let toml =
            "+++\ntitle = \"T\"\ndraft = false\n+++\n[T](https://x.net/1.html)\n------\n\n<p>x</p>";
        let b = one(toml);
        assert_eq!(b.wrapper[1], ("draft".into(), Extra::Bool(false)));
        assert!(not_a_page("---\ntitle: notes\n---\n\n# Notes\n\ntext").contains("front matter"));
        // a hostile wrapper is not parsed, and the page inside converts all the same
        let deep = format!(
            "---\na: {}{}\n---\n[T](https://x.net/1.html)\n------\n\n<p>x</p>",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let start = std::time::Instant::now();
        let c = one(&deep);
        assert!(start.elapsed().as_secs() < 2);
        assert!(c.wrapper.is_empty());
        assert!(c.warnings[0].contains("nested deeper"), "{:?}", c.warnings);
    }

    #[test]
    fn inputs_are_told_from_other_text_files() {
        for input in [
            "<!--1736909970000-->\n[t](u)\n------\n",
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>",
            "{\"id\":1,\"content\":\"<p>x</p>\"}",
            "---\nlayout: post\n---\n<!--1612949585000-->\n[T](https://x.net/1.html)\n------\n",
        ] {
            assert!(looks_like_input(input.as_bytes()), "{input}");
        }
        for other in [
            "---\ntitle: x\n---\n\nMarkdown written by cdt2md",
            "{\"name\":\"package\"}",
            "notes",
        ] {
            assert!(!looks_like_input(other.as_bytes()), "{other}");
        }
    }

    #[test]
    fn plain_text_is_no_page() {
        assert!(not_a_page("just some notes\nand more").contains("no saved page header"));
        assert!(not_a_page("# A README\n").contains("no saved page header"));
    }

    #[test]
    fn rss_and_atom_items() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>中国数字时代</title><item><title>A &amp; B</title><link>https://x.net/chinese/2020/07/slug/</link><dc:creator><![CDATA[大号冲塔]]></dc:creator><pubDate>Thu, 02 Jul 2020 18:28:24 +0000</pubDate><category><![CDATA[甲]]></category><category><![CDATA[乙]]></category><guid isPermaLink="false">https://x.net/chinese/?p=399702</guid><description><![CDATA[摘要]]></description><content:encoded><![CDATA[<p>正文</p>]]></content:encoded></item><item><title>C</title><link>https://x.net/chinese/2020/07/%e4%b8%ad/</link><description>&lt;p&gt;只有摘要&amp;nbsp;&lt;/p&gt;</description></item></channel></rss>"#;
        let contents = read(rss).expect("items");
        assert!(contents.collection);
        let [a, b] = &contents.articles[..] else {
            panic!("two items")
        };
        assert_eq!(a.form, Form::FeedItem);
        assert_eq!(a.outer.title.as_deref(), Some("A & B"));
        assert_eq!(a.outer.posted_by.as_deref(), Some("大号冲塔"));
        assert_eq!(a.outer.tags, vec!["甲", "乙"]);
        assert_eq!(&*a.html, "<p>正文</p>");
        assert_eq!(a.name.as_deref(), Some("399702"));
        assert_eq!(&*b.html, "<p>只有摘要&nbsp;</p>");
        assert_eq!(b.name.as_deref(), Some("中"));
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title type="html">T</title><link rel="alternate" href="https://x.net/chinese/5.html"/><id>tag:x,1</id><published>2021-01-02T03:04:05Z</published><author><name>某人</name></author><category term="丙"/><content type="html">&lt;p&gt;正文&lt;/p&gt;</content></entry></feed>"#;
        let entry = one_of(atom);
        assert_eq!(
            entry.outer.url.as_deref(),
            Some("https://x.net/chinese/5.html")
        );
        assert_eq!(entry.outer.date.as_deref(), Some("2021-01-02T03:04:05Z"));
        assert_eq!(entry.outer.posted_by.as_deref(), Some("某人"));
        assert_eq!(entry.outer.tags, vec!["丙"]);
        assert_eq!(&*entry.html, "<p>正文</p>");
        assert_eq!(entry.name.as_deref(), Some("5"));
        assert!(not_a_page("<rss><channel><title>x</title></channel></rss>").contains("no items"));
    }

    fn one_of(feed: &str) -> Article {
        let mut contents = read(feed).expect("items");
        assert_eq!(contents.articles.len(), 1);
        contents.articles.remove(0)
    }

    #[test]
    fn names_from_ids_and_urls() {
        assert_eq!(
            post_id("https://x.net/chinese/?p=399702").as_deref(),
            Some("399702")
        );
        assert_eq!(
            post_id("https://x.net/chinese/714996.html").as_deref(),
            Some("714996")
        );
        assert_eq!(post_id("https://x.net/chinese/2020/07/slug/"), None);
        assert_eq!(
            name_from_url("https://x.net/chinese/2020/07/%e4%b8%ad%e6%96%87/").as_deref(),
            Some("中文")
        );
        assert_eq!(name_from_url("https://x.net/"), None);
    }
}
