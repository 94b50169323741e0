//! Why a page could not be converted. The binary adds the file name; these say the reason.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// Nothing but whitespace (or nothing at all).
    Empty,
    /// NUL bytes or mostly control bytes: not a text file.
    Binary,
    /// Not valid UTF-8; `offset` is the first byte that is not.
    NotUtf8 { offset: usize },
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageError::Empty => write!(f, "empty input: nothing to convert"),
            PageError::Binary => write!(f, "binary data, not a text page"),
            PageError::NotUtf8 { offset } => write!(
                f,
                "not valid UTF-8 (first bad byte at offset {offset}); \
                 only UTF-8 pages are supported for now"
            ),
        }
    }
}

impl std::error::Error for PageError {}
