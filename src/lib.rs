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
//! The stages, each a module, in the order data flows: `encoding` (bytes → text) → `form`
//! (what the file holds: a page, a whole saved page, WordPress JSON, a wrapped post, a feed)
//! → `page` (a page's header) → `parse` → `metadata` (card, footer, head and the form's own
//! fields, merged) → `clean` (junk out) → `markdown` → `front_matter`; [`convert`] runs them
//! for one file, [`batch`] for trees of them, and [`cli`] is the command line.

// Stages are the crate's own; the few marked hidden are public only for the benchmark, the
// fuzzer and the reader tests, which compare with a bare parse.
pub mod batch;
mod clean;
pub mod cli;
mod convert;
mod dates;
#[doc(hidden)]
pub mod depth;
#[doc(hidden)]
pub mod dom;
#[doc(hidden)]
pub mod encoding;
mod error;
mod form;
mod front_matter;
mod markdown;
mod metadata;
#[doc(hidden)]
pub mod page;
#[doc(hidden)]
pub mod parse;
mod profile;
mod scan;
mod url;

pub use convert::{Converted, Document, FrontMatter, ImageUrls, Options, convert, convert_all};
pub use error::PageError;
pub use form::Form;
pub use metadata::{Extra, Metadata};
pub use profile::Profile;
