//! `<a href>`: a link around what it holds.

use markup5ever_rcdom::Handle;

use super::{Element, Visit};
use crate::dom;
use crate::markdown::{Writer, collapse};
use crate::url;

pub(crate) struct Link;

impl Element for Link {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        let target = match dom::attr(node, "href").map(|h| w.target(&h)) {
            Some(url::Target::Url(target)) if !target.is_empty() => target,
            _ => return Visit::ChildrenAs(&Unlinked),
        };
        let title = dom::attr_string(node, "title").map(|t| collapse(&t));
        w.inline.push_link(target, title);
        Visit::Children
    }

    fn exit(&self, w: &mut Writer<'_>, _node: &Handle) {
        w.inline.pop_wrapper();
    }
}

/// An `<a>` that links nowhere (no `href`, or a `javascript:` one): its content only.
struct Unlinked;

impl Element for Unlinked {
    fn enter(&self, _w: &mut Writer<'_>, _node: &Handle) -> Visit {
        Visit::Children
    }
}
