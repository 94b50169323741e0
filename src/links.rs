//! Links between the articles of one run (`--local-links`): an article's URL, in any of the
//! spellings it is linked by, to the Markdown file it was written to.
//!
//! Two URLs name one article when they read the same once the scheme is set aside, the host
//! is lower-cased (and `www.` dropped), percent escapes are decoded, and a trailing `/` or
//! `/index.html` is cut; and a CDT post is also known by its id, so `/chinese/NNN.html` and
//! `?p=NNN` reach the permalink of post NNN.

use std::collections::HashMap;
use std::sync::Arc;

use crate::form::post_id;
use crate::url::percent_decode;

/// The articles a run converts, each by its URL keys, with their outputs relative to OUT
/// (`/` separators); and the folder of the article being written, which links are relative to.
#[derive(Clone, Default)]
pub struct LocalLinks {
    index: Arc<Index>,
    here: String,
}

/// Keys are kept as 64-bit hashes (FNV-1a of the key), outputs once each: about 60 bytes an
/// article besides its output's name. Two keys of a million articles share a hash with odds
/// of about 1 in 30 million.
#[derive(Default)]
struct Index {
    keys: HashMap<u64, u32>,
    outputs: Vec<Name>,
    names: Names,
}

impl std::fmt::Debug for LocalLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LocalLinks({} articles, here {:?})",
            self.index.outputs.len(),
            self.here
        )
    }
}

impl Eq for LocalLinks {}

impl PartialEq for LocalLinks {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.index, &other.index) && self.here == other.here
    }
}

/// Collects the articles of a run, in any order.
#[derive(Default)]
pub(crate) struct Builder {
    index: Index,
}

impl Builder {
    /// An article's URL (and post id, when a feed's guid gave one) and output. Where two
    /// articles share a key (one post saved twice), the first output in path order wins: the
    /// same one whatever the order they were converted in.
    pub(crate) fn add(&mut self, url: Option<&str>, id: Option<&str>, output: &str) {
        let Ok(at) = u32::try_from(self.index.outputs.len()) else {
            return;
        };
        let name = self.index.names.push(output);
        self.index.outputs.push(name);
        let mut keys: Vec<String> = url.and_then(url_key).into_iter().collect();
        if let Some(id) = id.map(str::to_string).or_else(|| url.and_then(cdt_post_id)) {
            keys.push(format!("post:{id}"));
        }
        let Index {
            keys: index,
            outputs,
            names,
        } = &mut self.index;
        for key in keys {
            index
                .entry(hash(&key))
                .and_modify(|kept| {
                    if names.get(outputs[at as usize]) < names.get(outputs[*kept as usize]) {
                        *kept = at;
                    }
                })
                .or_insert(at);
        }
    }

    /// Sends links to `output` where `redirect` says it is written instead (a re-post's
    /// kept copy, under `--dedupe`).
    pub(crate) fn redirect<'a>(&mut self, redirect: impl Fn(&str) -> Option<&'a str>) {
        let Index { outputs, names, .. } = &mut self.index;
        for output in outputs.iter_mut() {
            if let Some(kept) = redirect(names.get(*output)) {
                *output = names.push(kept);
            }
        }
    }

    pub(crate) fn finish(self) -> LocalLinks {
        LocalLinks {
            index: Arc::new(self.index),
            here: String::new(),
        }
    }
}

fn hash(key: &str) -> u64 {
    crate::url::fnv1a(key.as_bytes())
}

impl LocalLinks {
    /// The same articles, seen from `folder` (relative to OUT).
    pub(crate) fn seen_from(&self, folder: &str) -> LocalLinks {
        LocalLinks {
            index: Arc::clone(&self.index),
            here: folder.trim_matches('/').to_string(),
        }
    }

    fn output(&self, key: &str) -> Option<&str> {
        let at = *self.index.keys.get(&hash(key))?;
        let name = *self.index.outputs.get(at as usize)?;
        Some(self.index.names.get(name))
    }

    /// The relative link to the article `href` names, its `#fragment` kept; `None` for an
    /// article not in the run.
    pub(crate) fn target(&self, href: &str) -> Option<String> {
        if href.starts_with('#') {
            return None;
        }
        let (url, fragment) = match href.split_once('#') {
            Some((url, fragment)) => (url, Some(fragment)),
            None => (href, None),
        };
        let output = url_key(url)
            .and_then(|key| self.output(&key))
            .or_else(|| cdt_post_id(url).and_then(|id| self.output(&format!("post:{id}"))))?;
        let mut link = relative(&self.here, output);
        if let Some(fragment) = fragment {
            link.push('#');
            link.push_str(fragment);
        }
        Some(link)
    }
}

/// A URL as it names an article (see the module's rules); `None` for what is no web URL.
pub(crate) fn url_key(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut path = percent_decode(path);
    for end in ["/index.html", "/index.htm", "/"] {
        while let Some(cut) = path.strip_suffix(end) {
            path = cut.to_string();
        }
    }
    // a post id says which article (`?p=NNN`); otherwise the query counts, tracking aside
    let pairs: Vec<&str> = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|pair| !pair.is_empty() && !is_tracking(pair))
        .collect();
    let post = pairs
        .iter()
        .find_map(|pair| pair.strip_prefix("p="))
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    Some(match post {
        Some(id) => format!("{host}{path}?p={id}"),
        None if pairs.is_empty() => format!("{host}{path}"),
        None => {
            let mut pairs = pairs;
            pairs.sort_unstable();
            format!("{host}{path}?{}", pairs.join("&"))
        }
    })
}

/// Parameters that say where a reader came from, not what they read.
fn is_tracking(pair: &str) -> bool {
    let name = pair.split('=').next().unwrap_or_default();
    name.starts_with("utm_") || matches!(name, "fbclid" | "gclid" | "from" | "spm")
}

/// The post id of a CDT URL: `?p=NNN` or `/NNN.html` on the site.
fn cdt_post_id(url: &str) -> Option<String> {
    let key = url_key(url)?;
    if !key.starts_with("chinadigitaltimes.net") {
        return None;
    }
    post_id(url)
}

/// `to` (relative to OUT) as seen from the folder `from` (relative to OUT).
fn relative(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let (folders, file) = to_parts.split_at(to_parts.len().saturating_sub(1));
    let shared = from.iter().zip(folders).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - shared];
    parts.extend(
        folders[shared..]
            .iter()
            .chain(file)
            .map(|p| escape_segment(p)),
    );
    parts.join("/")
}

/// A file name as a URL path segment: `%`, `?` and `#` escaped, which a reader would take for
/// an escape, a query or a fragment (`index.html?p=1.md`, a wget name).
fn escape_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for c in segment.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_article_many_spellings() {
        let key = url_key("https://chinadigitaltimes.net/chinese/2020/09/%e3%80%90a/");
        for other in [
            "http://chinadigitaltimes.net/chinese/2020/09/%E3%80%90a",
            "https://WWW.ChinaDigitalTimes.net/chinese/2020/09/【a/",
            "https://chinadigitaltimes.net/chinese/2020/09/%e3%80%90a/index.html#x",
            "https://chinadigitaltimes.net/chinese/2020/09/%e3%80%90a/?utm_source=x",
        ] {
            assert_eq!(url_key(other), key, "{other}");
        }
        assert_ne!(
            url_key("https://chinadigitaltimes.net/chinese/2020/09/b/"),
            key
        );
        // another query is another page
        assert_ne!(
            url_key("https://x.net/a/?a=1"),
            url_key("https://x.net/a/?a=2")
        );
        assert_eq!(
            url_key("https://x.net/a/?b=2&a=1"),
            url_key("https://x.net/a?a=1&b=2")
        );
        assert_eq!(url_key("mailto:a@b"), None);
    }

    #[test]
    fn post_ids_reach_the_permalink() {
        let mut builder = Builder::default();
        builder.add(
            Some("https://chinadigitaltimes.net/chinese/714996.html"),
            None,
            "2025/01/714996.md",
        );
        let links = builder.finish().seen_from("2020/09");
        for href in [
            "https://chinadigitaltimes.net/chinese/714996.html",
            "http://chinadigitaltimes.net/chinese/?p=714996",
            "https://chinadigitaltimes.net/chinese/714996.html/",
        ] {
            assert_eq!(
                links.target(href).as_deref(),
                Some("../../2025/01/714996.md"),
                "{href}"
            );
        }
        assert_eq!(
            links
                .target("https://chinadigitaltimes.net/chinese/714996.html#c")
                .as_deref(),
            Some("../../2025/01/714996.md#c")
        );
        assert_eq!(
            links.target("https://chinadigitaltimes.net/chinese/1.html"),
            None
        );
        assert_eq!(links.target("#note"), None);
        // another site's /NNN.html is not a CDT post
        assert_eq!(links.target("https://example.com/714996.html"), None);
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative("", "a.md"), "a.md");
        assert_eq!(relative("", "2020/07/a.md"), "2020/07/a.md");
        assert_eq!(relative("2020/07", "2020/07/a.md"), "a.md");
        assert_eq!(relative("2020/07", "2020/08/a.md"), "../08/a.md");
        assert_eq!(relative("x/y", "a.md"), "../../a.md");
        assert_eq!(relative("w", "w/index.html?p=8.md"), "index.html%3Fp=8.md");
        assert_eq!(relative("", "x#y 50%.md"), "x%23y 50%25.md");
    }
}

/// Many short strings (output paths) in few allocations: chunks of 64 KiB, each string whole
/// in one, so a million of them cost their bytes and 12 bytes each.
#[derive(Default)]
pub(crate) struct Names {
    chunks: Vec<String>,
}

/// A string of [`Names`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Name {
    chunk: u32,
    start: u32,
    len: u32,
}

const CHUNK: usize = 64 << 10;

impl Names {
    pub(crate) fn push(&mut self, text: &str) -> Name {
        let last = match self.chunks.last_mut() {
            Some(last) if last.capacity() - last.len() >= text.len() => last,
            _ => {
                self.chunks
                    .push(String::with_capacity(CHUNK.max(text.len())));
                let at = self.chunks.len() - 1;
                &mut self.chunks[at]
            }
        };
        let start = last.len();
        last.push_str(text);
        Name {
            chunk: (self.chunks.len() - 1) as u32,
            start: start as u32,
            len: text.len() as u32,
        }
    }

    pub(crate) fn get(&self, name: Name) -> &str {
        self.chunks
            .get(name.chunk as usize)
            .and_then(|c| c.get(name.start as usize..(name.start + name.len) as usize))
            .unwrap_or_default()
    }
}
