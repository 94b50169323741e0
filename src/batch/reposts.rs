//! Re-posts: one article saved more than once in a run (`--dedupe`, and the catalogue's
//! `duplicate_of`).
//!
//! Two files hold the same article when their URLs name one article (the rules of
//! `crate::links`), when their post ids are the same, or when their visible texts are near
//! duplicates: CDT re-posts an article under a new title and URL with an editor's note added.
//! Near duplicates are found by MinHash over 5-character shingles of the text's letters and
//! digits (CJK text has no spaces to split words at), 64 bins of one permutation hashing,
//! and locality-sensitive hashing in 16 bands of 4: articles sharing a band are compared, never all pairs. Two texts
//! are the same article when the estimated Jaccard similarity of their shingles is at least
//! [`SAME_ARTICLE`]; on the 2020 pages, different articles of one series (`【中国哭墙】`) share
//! at most 7% of their shingles, and a re-post with a note a third of its length 75%. Texts
//! shorter than [`MIN_CHARS`] are matched by URL and id only: a caption or a link-only post
//! is too short to tell.

use std::collections::HashMap;

use crate::links::{Name, Names, url_key};
use crate::url::fnv1a;

/// Estimated Jaccard similarity of shingles from which two texts are one article.
pub const SAME_ARTICLE: f64 = 0.6;
/// Letters and digits below which a text is matched by URL and id only.
pub const MIN_CHARS: usize = 200;
const SHINGLE: usize = 5;
const HASHES: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;
/// A bin no shingle fell in.
const EMPTY: u16 = u16::MAX;

/// A text's MinHash signature (the low 16 bits of each minimum: 128 bytes an article).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature([u16; HASHES]);

impl Signature {
    /// Of a text's letters and digits; `None` when there are too few to tell.
    ///
    /// One permutation hashing (Li, Owen and Zhang, 2012): each shingle is hashed once, its
    /// hash's top 6 bits choose one of the 64 bins and the bin keeps its smallest hash; one
    /// hash a shingle instead of 64, the same estimate.
    pub fn of(letters: &[char]) -> Option<Signature> {
        if letters.len() < MIN_CHARS {
            return None;
        }
        let mut mins = [u64::MAX; HASHES];
        let mut bytes = [0u8; SHINGLE * 4];
        for window in letters.windows(SHINGLE) {
            let mut len = 0;
            for c in window {
                len += c.encode_utf8(&mut bytes[len..]).len();
            }
            let h = mix(fnv1a(&bytes[..len]));
            let bin = (h >> 58) as usize;
            let rest = h & ((1 << 58) - 1);
            if rest < mins[bin] {
                mins[bin] = rest;
            }
        }
        let mut sig = [EMPTY; HASHES];
        for (s, m) in sig.iter_mut().zip(mins) {
            if m != u64::MAX {
                // the top 16 of the 58 bits; never EMPTY, which marks a bin no shingle fell in
                *s = ((m >> 42) as u16).min(EMPTY - 1);
            }
        }
        Some(Signature(sig))
    }

    /// The share of bins that agree among those some shingle fell in: an estimate of the
    /// Jaccard similarity of the two texts' shingles (16-bit values agree by chance 1 time
    /// in 65,536, which adds nothing to see).
    pub fn similarity(&self, other: &Signature) -> f64 {
        let (mut same, mut used) = (0usize, 0usize);
        for (a, b) in self.0.iter().zip(other.0.iter()) {
            if *a == EMPTY && *b == EMPTY {
                continue;
            }
            used += 1;
            same += usize::from(a == b);
        }
        if used == 0 {
            return 0.0;
        }
        same as f64 / used as f64
    }

    fn band(&self, band: usize) -> u64 {
        let rows = &self.0[band * ROWS..(band + 1) * ROWS];
        rows.iter()
            .fold(band as u64, |acc, &r| mix(acc ^ u64::from(r)))
    }
}

/// SplitMix64's finaliser: every input bit moves every output bit.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// What the first pass keeps of one article: its output, the hashes of its URL's key and
/// post id (0 for none), its length, when it was archived, and its text's signature; about
/// 200 bytes besides the output's path.
#[derive(Debug, Clone)]
struct Copy {
    output: Name,
    keys: [u64; 2],
    pub chars: u64,
    /// `archived`'s digits as one number (`2025-01-15T02:59:30Z` → 20250115025930), which
    /// orders as the times do.
    archived: u64,
    pub signature: Option<Signature>,
}

/// The copies of a run, gathered in any order.
#[derive(Default)]
pub struct Copies {
    names: Names,
    /// In chunks: a growing vector would hold twice its size while it moves.
    chunks: Vec<Vec<Copy>>,
}

impl Copies {
    pub fn add(
        &mut self,
        output: &str,
        url: Option<&str>,
        id: Option<&str>,
        chars: u64,
        archived: Option<&str>,
        signature: Option<Signature>,
    ) {
        let url = url.and_then(url_key).map_or(0, |k| fnv1a(k.as_bytes()) | 1);
        let id = id.map_or(0, |id| fnv1a(format!("post:{id}").as_bytes()) | 1);
        let copy = Copy {
            output: self.names.push(output),
            keys: [url, id],
            chars,
            archived: archived.map_or(0, digits),
            signature,
        };
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < chunk.capacity() => chunk.push(copy),
            _ => {
                let mut chunk = Vec::with_capacity(4096);
                chunk.push(copy);
                self.chunks.push(chunk);
            }
        }
    }
}

fn digits(time: &str) -> u64 {
    time.bytes()
        .filter(u8::is_ascii_digit)
        .take(14)
        .fold(0, |n, d| n * 10 + u64::from(d - b'0'))
}

/// For each copy that is not the one kept: the kept copy's output and how alike the two are.
#[derive(Debug, Default)]
pub struct Reposts {
    by_output: HashMap<String, (String, f64)>,
}

impl Reposts {
    /// The kept copy and the similarity, for an output that is a re-post.
    pub fn of(&self, output: &str) -> Option<(&str, f64)> {
        self.by_output
            .get(output)
            .map(|(kept, similarity)| (kept.as_str(), *similarity))
    }

    pub fn len(&self) -> usize {
        self.by_output.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_output.is_empty()
    }

    /// Groups the copies and picks the one to keep in each: the most visible text, then the
    /// latest archived, then the first in path order.
    pub fn find(found: Copies) -> Reposts {
        let Copies { names, chunks } = found;
        // one chunk at a time, each freed as it is moved
        let mut copies: Vec<Copy> = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for chunk in chunks {
            copies.extend(chunk);
        }
        // a fixed order, so that nothing depends on which thread finished first
        // (outputs are unique: an unstable sort is as deterministic and needs no buffer)
        copies.sort_unstable_by(|a, b| names.get(a.output).cmp(names.get(b.output)));
        let mut groups = UnionFind::new(copies.len());
        let mut first_by_key: HashMap<u64, usize> = HashMap::new();
        for (i, copy) in copies.iter().enumerate() {
            for key in copy.keys.into_iter().filter(|&k| k != 0) {
                match first_by_key.get(&key) {
                    Some(&j) => groups.union(i, j),
                    None => {
                        first_by_key.insert(key, i);
                    }
                }
            }
        }
        drop(first_by_key);
        // texts alike: each band's bucket is a chain of candidates, each checked against
        // the one before it; one band at a time, so only one band's buckets are held
        for band in 0..BANDS {
            let mut last_in_bucket: HashMap<u64, u32> = HashMap::new();
            for (i, copy) in copies.iter().enumerate() {
                let Some(sig) = &copy.signature else { continue };
                let bucket = sig.band(band);
                if let Some(&j) = last_in_bucket.get(&bucket)
                    && copies[j as usize]
                        .signature
                        .as_ref()
                        .is_some_and(|other| sig.similarity(other) >= SAME_ARTICLE)
                {
                    groups.union(i, j as usize);
                }
                last_in_bucket.insert(bucket, i as u32);
            }
        }
        // the groups, as runs of copies with one root
        let mut order: Vec<(u32, u32)> = (0..copies.len())
            .map(|i| (groups.find(i) as u32, i as u32))
            .collect();
        order.sort_unstable();
        let mut by_output = HashMap::new();
        for run in order
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|run| run.len() > 1)
        {
            let group: Vec<usize> = run.iter().map(|&(_, i)| i as usize).collect();
            let kept = group
                .iter()
                .copied()
                .max_by(|&a, &b| {
                    let (a, b) = (&copies[a], &copies[b]);
                    a.chars
                        .cmp(&b.chars)
                        .then_with(|| a.archived.cmp(&b.archived))
                        .then_with(|| names.get(b.output).cmp(names.get(a.output)))
                })
                .unwrap_or(group[0]);
            for &i in group.iter().filter(|&&i| i != kept) {
                let similarity = match (&copies[i].signature, &copies[kept].signature) {
                    (Some(a), Some(b)) => a.similarity(b),
                    _ => 1.0,
                };
                by_output.insert(
                    names.get(copies[i].output).to_string(),
                    (names.get(copies[kept].output).to_string(), similarity),
                );
            }
        }
        Reposts { by_output }
    }
}

/// Indices as `u32`: 4 bytes an article (a run of more than 4 billion articles is not one).
struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    fn find(&mut self, i: usize) -> usize {
        let mut i = i as u32;
        while self.parent[i as usize] != i {
            self.parent[i as usize] = self.parent[self.parent[i as usize] as usize];
            i = self.parent[i as usize];
        }
        i as usize
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b) as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(text: &str) -> Vec<char> {
        text.chars().filter(|c| c.is_alphanumeric()).collect()
    }

    fn copies(list: &[(&str, &str, &str)]) -> Copies {
        let mut copies = Copies::default();
        for (output, url, text) in list {
            let letters = letters(text);
            copies.add(
                output,
                Some(url),
                None,
                letters.len() as u64,
                None,
                Signature::of(&letters),
            );
        }
        copies
    }

    const TEXT: &str = "二〇二〇年六月，一位网友在微博上写道：我们山东就是这样重视教育的。\
        高考被冒名顶替的事情接连曝光，苟晶、陈春秀、王丽丽，她们的人生被偷走了。\
        当地的回应一次比一次含糊，先说查无此事，后说已经处理，再后来就没有了消息。\
        有人说这是个别现象，可是一查再查，竟然有两百多人。教育公平是社会公平的底线，\
        如果连高考都可以被买卖，普通人家的孩子还能靠什么改变命运？这篇文章发表后不久，\
        就在微信上被删除了，我们把它存档在这里，留给以后的人看。\
        又过了几个月，同样的事情在另一个省份被揭露出来，这一次的回应更快，也更短：\
        相关部门高度重视，已成立调查组。此后再无下文。评论区里，有人问：调查组查到了什么？\
        没有人回答。这个问题被折叠了，提问的人也被禁言了三十天。";

    #[test]
    fn a_repost_with_a_note_is_the_same_article() {
        let note = "CDT编者按：本文于二〇二〇年发布，现重新发布，以飨读者。";
        let b = format!("{note}{TEXT}");
        let reposts = Reposts::find(copies(&[
            ("a.md", "https://x.net/a/", TEXT),
            ("b.md", "https://x.net/b/", &b),
        ]));
        let (kept, similarity) = reposts.of("a.md").expect("a.md is the re-post");
        assert_eq!(kept, "b.md", "the copy with more text is kept");
        assert!(similarity >= SAME_ARTICLE, "{similarity}");
        assert_eq!(reposts.of("b.md"), None);
    }

    #[test]
    fn different_texts_are_different_articles() {
        let other: String = TEXT.chars().rev().collect();
        let reposts = Reposts::find(copies(&[
            ("a.md", "https://x.net/a/", TEXT),
            ("b.md", "https://x.net/b/", &other),
        ]));
        assert!(reposts.is_empty());
    }

    #[test]
    fn one_url_is_one_article_whatever_its_text() {
        let reposts = Reposts::find(copies(&[
            ("b.md", "http://x.net/a", "短"),
            ("a.md", "https://x.net/a/", "也短"),
        ]));
        // equal text lengths: the first in path order is kept
        assert_eq!(reposts.of("b.md"), Some(("a.md", 1.0)));
    }
}
