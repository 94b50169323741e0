//! Why a page could not be converted. The binary adds the file name; these say the reason.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// Nothing but whitespace (or nothing at all).
    Empty,
    /// NUL bytes or mostly control bytes: not a text file.
    Binary,
    /// Valid UTF-8 up to an incomplete character at the very end.
    Truncated { offset: usize },
    /// No encoding decodes the page cleanly; `guess` is the best candidate.
    UnknownEncoding { guess: &'static str, reason: String },
    /// Larger than the limit set for one page.
    TooLarge { size: u64, limit: u64 },
    /// The file holds no CDT article (why, in words).
    NotAPage(String),
    /// JSON that does not parse: a damaged post file.
    BrokenJson(String),
    /// A feed whose XML is damaged before its end.
    BrokenFeed(String),
    /// Several articles (a feed, a JSON array) where one was asked for.
    SeveralArticles(usize),
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageError::Empty => write!(f, "empty input: nothing to convert"),
            PageError::Binary => write!(f, "binary data, not a text page"),
            PageError::Truncated { offset } => write!(
                f,
                "ends in the middle of a UTF-8 character (byte {offset}): the file looks cut short"
            ),
            PageError::UnknownEncoding { guess, reason } => write!(
                f,
                "cannot tell its text encoding: not UTF-8, and {reason} (best guess {guess}); \
                 convert it to UTF-8 first"
            ),
            PageError::TooLarge { size, limit } => write!(
                f,
                "{:.1} MiB is over the {:.0} MiB limit for one page (see --max-size)",
                *size as f64 / 1048576.0,
                *limit as f64 / 1048576.0
            ),
            PageError::NotAPage(why) => write!(f, "not a CDT page ({why})"),
            PageError::BrokenJson(why) => write!(f, "damaged JSON: {why}"),
            PageError::BrokenFeed(why) => write!(f, "damaged feed: {why}"),
            PageError::SeveralArticles(n) => write!(
                f,
                "holds {n} articles: add -o OUT to write one file for each"
            ),
        }
    }
}

impl std::error::Error for PageError {}
