//! cdt2md turns saved China Digital Times archive pages into clean, portable Markdown with
//! YAML front matter.
//!
//! ```
//! let page = "[标题](https://chinadigitaltimes.net/chinese/1.html)\n------\n\n<p><strong>粗体：</strong>正文</p>";
//! let out = cdt2md::convert(page.as_bytes(), &cdt2md::Options::default()).unwrap();
//! assert!(out.markdown.ends_with("**粗体**：正文\n"));
//! assert_eq!(out.metadata.title.as_deref(), Some("标题"));
//! ```
//!
//! The stages, each a module: [`page`] (bytes and header) → [`parse`] → [`card`] (metadata
//! in the HTML) → [`clean`] (junk out) → [`markdown`] → [`front_matter`]; [`convert`] runs
//! them for one page and [`cli`] is the command line.

pub mod batch;
pub mod card;
pub mod clean;
pub mod cli;
pub mod convert;
pub mod dates;
pub mod depth;
pub mod dom;
pub mod encoding;
pub mod error;
pub mod front_matter;
pub mod markdown;
pub mod page;
pub mod parse;
pub mod url;

pub use convert::{Converted, Options, convert};
pub use error::PageError;
pub use front_matter::Metadata;
