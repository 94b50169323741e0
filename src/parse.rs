//! The one HTML parse per page.

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::TreeBuilderOpts;
use html5ever::{ParseOpts, parse_document};
use markup5ever_rcdom::{Handle, RcDom};

/// Parses HTML (a fragment or a whole document) into a document node.
///
/// Scripting is off, as in a browser with JavaScript disabled: `<noscript>` content is then
/// parsed as markup, which is where lazy-loading plugins keep the real `<img>`.
pub fn parse_html(html: &str) -> Handle {
    parse_tendril(StrTendril::from_slice(html))
}

/// [`parse_html`] on text already in a tendril: the parser's tokens share its buffer.
pub fn parse_tendril(html: StrTendril) -> Handle {
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    parse_document(RcDom::default(), opts).one(html).document
}
