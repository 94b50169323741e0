//! One handler per element (or family of elements), each with its start and its end together,
//! looked up in one table by tag name. The walk in `super` drives them from an explicit stack.
//!
//! Adding an element is one file here and one line in [`for_tag`].

mod block;
mod break_;
mod code;
mod heading;
mod image;
mod item;
mod link;
mod list;
mod phrase;
mod pre;
mod quote;
mod rule;
mod skip;
mod table;

use html5ever::{LocalName, local_name};
use markup5ever_rcdom::Handle;

use super::Writer;
use super::inline::Emph;

/// What the walk does after an element's start.
pub(super) enum Visit {
    /// Its children, then its own `exit`.
    Children,
    /// Its children, then another handler's `exit`: a heading inside a heading, say, is only
    /// a block boundary there.
    ChildrenAs(&'static dyn Element),
    /// Nothing more: the element was written whole, or is not written at all.
    Done,
}

pub(super) trait Element: Sync {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit;

    fn exit(&self, _w: &mut Writer<'_>, _node: &Handle) {}
}

/// The handler of a tag; an element not named here is transparent: its children are written
/// as if it were not there.
pub(super) fn for_tag(name: &LocalName) -> &'static dyn Element {
    match *name {
        local_name!("p")
        | local_name!("div")
        | local_name!("section")
        | local_name!("article")
        | local_name!("header")
        | local_name!("footer")
        | local_name!("main")
        | local_name!("aside")
        | local_name!("address")
        | local_name!("figure")
        | local_name!("figcaption")
        | local_name!("center")
        | local_name!("dl")
        | local_name!("dt")
        | local_name!("dd")
        | local_name!("details")
        | local_name!("summary")
        | local_name!("fieldset")
        | local_name!("legend")
        | local_name!("hgroup")
        | local_name!("body")
        | local_name!("html") => &block::Block,
        local_name!("h1") => &heading::H1,
        local_name!("h2") => &heading::H2,
        local_name!("h3") => &heading::H3,
        local_name!("h4") => &heading::H4,
        local_name!("h5") => &heading::H5,
        local_name!("h6") => &heading::H6,
        local_name!("ul") | local_name!("menu") | local_name!("dir") => &list::BULLETS,
        local_name!("ol") => &list::NUMBERS,
        local_name!("li") => &item::Item,
        local_name!("blockquote") => &quote::Quote,
        local_name!("pre") | local_name!("listing") | local_name!("xmp") => &pre::Pre,
        local_name!("code") | local_name!("kbd") | local_name!("samp") | local_name!("tt") => {
            &code::Code
        }
        local_name!("strong") | local_name!("b") => &phrase::Phrase(Emph::Strong),
        local_name!("em") | local_name!("i") => &phrase::Phrase(Emph::Em),
        local_name!("del") | local_name!("s") | local_name!("strike") => {
            &phrase::Phrase(Emph::Strike)
        }
        local_name!("a") => &link::Link,
        local_name!("img") => &image::Image,
        local_name!("br") => &break_::Break,
        local_name!("hr") => &rule::Rule,
        local_name!("table") => &table::Table,
        local_name!("tr") => &table::Row,
        local_name!("td") | local_name!("th") => &table::Cell,
        local_name!("caption") => &table::Caption,
        local_name!("head")
        | local_name!("script")
        | local_name!("style")
        | local_name!("template")
        | local_name!("title")
        | local_name!("meta")
        | local_name!("link")
        | local_name!("noscript")
        | local_name!("iframe")
        | local_name!("video")
        | local_name!("audio")
        | local_name!("object")
        | local_name!("embed")
        | local_name!("svg")
        | local_name!("input")
        | local_name!("select")
        | local_name!("textarea")
        | local_name!("button")
        | local_name!("colgroup") => &skip::Skip,
        _ => &Transparent,
    }
}

/// `<span>`, `<font>`, `<u>`, custom tags: their content only.
struct Transparent;

impl Element for Transparent {
    fn enter(&self, _w: &mut Writer<'_>, _node: &Handle) -> Visit {
        Visit::Children
    }
}
