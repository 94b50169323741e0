//! Re-posts: one article saved more than once in a run (`--dedupe`, and the catalogue's
//! `duplicate_of`).
//!
//! Two files hold the same article when their URLs name one article (the rules of
//! `crate::links`), when their post ids are the same, or when their visible texts are near
//! duplicates: CDT re-posts an article under a new title and URL with an editor's note added.
//! Near duplicates are found by MinHash over 5-character shingles of the text's letters and
//! digits (CJK text has no spaces to split words at), 64 hashes, and locality-sensitive
//! hashing in 16 bands of 4: articles sharing a band are compared, never all pairs. Two texts
//! are the same article when the estimated Jaccard similarity of their shingles is at least
//! [`SAME_ARTICLE`]; on the 2020 pages, different articles of one series (`【中国哭墙】`) share
//! at most 7% of their shingles, and a re-post with a note a third of its length 75%. Texts
//! shorter than [`MIN_CHARS`] are matched by URL and id only: a caption or a link-only post
//! is too short to tell.

use std::collections::HashMap;

use crate::links::url_key;

/// Estimated Jaccard similarity of shingles from which two texts are one article.
pub const SAME_ARTICLE: f64 = 0.6;
/// Letters and digits below which a text is matched by URL and id only.
pub const MIN_CHARS: usize = 200;
const SHINGLE: usize = 5;
const HASHES: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;

/// A text's MinHash signature (the low 16 bits of each minimum: 128 bytes an article).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(Box<[u16; HASHES]>);

impl Signature {
    /// Of a text's letters and digits; `None` when there are too few to tell.
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
            let base = fnv1a(&bytes[..len]);
            for (i, min) in mins.iter_mut().enumerate() {
                let h = mix(base ^ SEEDS[i]);
                if h < *min {
                    *min = h;
                }
            }
        }
        let mut sig = [0u16; HASHES];
        for (s, m) in sig.iter_mut().zip(mins) {
            *s = (m & 0xffff) as u16;
        }
        Some(Signature(Box::new(sig)))
    }

    /// The share of equal hashes: an estimate of the Jaccard similarity of the two texts'
    /// shingles (16-bit hashes agree by chance 1 time in 65,536, which adds nothing to see).
    pub fn similarity(&self, other: &Signature) -> f64 {
        let same = self
            .0
            .iter()
            .zip(other.0.iter())
            .filter(|(a, b)| a == b)
            .count();
        same as f64 / HASHES as f64
    }

    fn band(&self, band: usize) -> u64 {
        let rows = &self.0[band * ROWS..(band + 1) * ROWS];
        rows.iter()
            .fold(band as u64, |acc, &r| mix(acc ^ u64::from(r)))
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: every input bit moves every output bit.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Fixed seeds, one per hash function: the same signatures on every run and machine.
const SEEDS: [u64; HASHES] = {
    let mut seeds = [0u64; HASHES];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut i = 0;
    while i < HASHES {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        seeds[i] = z ^ (z >> 31);
        i += 1;
    }
    seeds
};

/// What the first pass keeps of one article: its output, the hashes of its URL's key and
/// post id (0 for none), its length, when it was archived, and its text's signature; about
/// 200 bytes besides the output's path.
#[derive(Debug, Clone)]
pub struct Copy {
    pub output: String,
    keys: [u64; 2],
    pub chars: u64,
    pub archived: Option<Box<str>>,
    pub signature: Option<Signature>,
}

impl Copy {
    pub fn new(
        output: String,
        url: Option<&str>,
        id: Option<&str>,
        chars: u64,
        archived: Option<&str>,
        signature: Option<Signature>,
    ) -> Copy {
        let url = url.and_then(url_key).map_or(0, |k| fnv1a(k.as_bytes()) | 1);
        let id = id.map_or(0, |id| fnv1a(format!("post:{id}").as_bytes()) | 1);
        Copy {
            output,
            keys: [url, id],
            chars,
            archived: archived.map(Into::into),
            signature,
        }
    }
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
    pub fn find(mut copies: Vec<Copy>) -> Reposts {
        // a fixed order, so that nothing depends on which thread finished first
        copies.sort_by(|a, b| a.output.cmp(&b.output));
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
        // texts alike: each band's bucket is a chain of candidates, each checked against
        // the one before it
        let mut last_in_bucket: HashMap<u64, usize> = HashMap::new();
        for (i, copy) in copies.iter().enumerate() {
            let Some(sig) = &copy.signature else { continue };
            for band in 0..BANDS {
                let bucket = sig.band(band);
                if let Some(&j) = last_in_bucket.get(&bucket)
                    && copies[j]
                        .signature
                        .as_ref()
                        .is_some_and(|other| sig.similarity(other) >= SAME_ARTICLE)
                {
                    groups.union(i, j);
                }
                last_in_bucket.insert(bucket, i);
            }
        }
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..copies.len() {
            members.entry(groups.find(i)).or_default().push(i);
        }
        let mut by_output = HashMap::new();
        for group in members.values().filter(|g| g.len() > 1) {
            let kept = group
                .iter()
                .copied()
                .max_by(|&a, &b| {
                    let (a, b) = (&copies[a], &copies[b]);
                    a.chars
                        .cmp(&b.chars)
                        .then_with(|| a.archived.cmp(&b.archived))
                        .then_with(|| b.output.cmp(&a.output))
                })
                .unwrap_or(group[0]);
            for &i in group.iter().filter(|&&i| i != kept) {
                let similarity = match (&copies[i].signature, &copies[kept].signature) {
                    (Some(a), Some(b)) => a.similarity(b),
                    _ => 1.0,
                };
                by_output.insert(
                    copies[i].output.clone(),
                    (copies[kept].output.clone(), similarity),
                );
            }
        }
        Reposts { by_output }
    }
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(text: &str) -> Vec<char> {
        text.chars().filter(|c| c.is_alphanumeric()).collect()
    }

    fn copy(output: &str, url: &str, text: &str) -> Copy {
        let letters = letters(text);
        Copy::new(
            output.to_string(),
            Some(url),
            None,
            letters.len() as u64,
            None,
            Signature::of(&letters),
        )
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
        let a = copy("a.md", "https://x.net/a/", TEXT);
        let b = copy("b.md", "https://x.net/b/", &format!("{note}{TEXT}"));
        let reposts = Reposts::find(vec![a, b]);
        let (kept, similarity) = reposts.of("a.md").expect("a.md is the re-post");
        assert_eq!(kept, "b.md", "the copy with more text is kept");
        assert!(similarity >= SAME_ARTICLE, "{similarity}");
        assert_eq!(reposts.of("b.md"), None);
    }

    #[test]
    fn different_texts_are_different_articles() {
        let other: String = TEXT.chars().rev().collect();
        let reposts = Reposts::find(vec![
            copy("a.md", "https://x.net/a/", TEXT),
            copy("b.md", "https://x.net/b/", &other),
        ]);
        assert!(reposts.is_empty());
    }

    #[test]
    fn one_url_is_one_article_whatever_its_text() {
        let reposts = Reposts::find(vec![
            copy("b.md", "http://x.net/a", "短"),
            copy("a.md", "https://x.net/a/", "也短"),
        ]);
        // equal text lengths: the first in path order is kept
        assert_eq!(reposts.of("b.md"), Some(("a.md", 1.0)));
    }
}
