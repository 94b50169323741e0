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
//! for one file, [`batch`] for trees of them, and [`run`] is the command line.

// Stages are the crate's own: the public surface is `convert` (one file), `batch` (trees of
// them) and the command line's entry point.
pub mod batch;
mod clean;
mod cli;
mod convert;
mod dates;
mod depth;
mod dom;
mod encoding;
mod error;
mod form;
mod front_matter;
mod links;
mod markdown;
mod metadata;
mod page;
mod parse;
mod profile;
mod scan;
mod url;

/// The command line, as the `cdt2md` binary runs it: arguments from the process, exit status
/// back.
pub use cli::run;
pub use convert::{Converted, Document, FrontMatter, ImageUrls, Options, convert, convert_all};
pub use error::PageError;
pub use form::Form;
pub use links::LocalLinks;
pub use metadata::{Extra, Metadata};
pub use profile::Profile;

/// Not an API: the HTML the converter parses for a saved page (decoded, below its header,
/// nesting bounded), for the benchmark, which times the parse alone, and the fuzzer, which
/// reads back what the parser saw. `None` when the bytes decode in no encoding.
#[doc(hidden)]
pub fn parsed_html(input: &[u8]) -> Option<String> {
    let decoded = encoding::decode(input).ok()?;
    let page = page::split(&decoded.text);
    Some(depth::bound(page.html).0.into_owned())
}
