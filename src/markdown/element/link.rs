//! `<a href>`: a link around what it holds.

use markup5ever_rcdom::{Handle, NodeData};

use super::{Element, Visit};
use crate::dom;
use crate::markdown::Writer;
use crate::url;

pub(crate) struct Link;

impl Element for Link {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        let target = match dom::attr(node, "href").map(|h| w.target(&h)) {
            Some(url::Target::Url(target)) => target,
            _ => return Visit::ChildrenAs(&Unlinked),
        };
        // another article of the run: its Markdown, where it lies
        let target = match w.cx.links.local.and_then(|local| local.target(&target)) {
            Some(local) => local,
            None => target,
        };
        let title = dom::attr(node, "title")
            .map(|t| t.to_string())
            .filter(|t| !t.is_empty());
        w.inline.push_link(target, title);
        Visit::Children
    }

    fn exit(&self, w: &mut Writer<'_>, node: &Handle) {
        if shows_nothing(node) {
            w.inline.empty_link();
        }
        w.inline.pop_wrapper();
    }
}

/// Nothing in it, or only whitespace, which collapses away: `<a href=x></a>`, as a reader of
/// the HTML sees it (a link around `&nbsp;` or `<br>` is another thing, and goes).
fn shows_nothing(node: &Handle) -> bool {
    node.children
        .borrow()
        .iter()
        .all(|child| match &child.data {
            NodeData::Text { contents } => {
                contents.borrow().bytes().all(|b| b.is_ascii_whitespace())
            }
            _ => false,
        })
}

/// An `<a>` that links nowhere (no `href`, or a `javascript:` one): its content only.
struct Unlinked;

impl Element for Unlinked {
    fn enter(&self, _w: &mut Writer<'_>, _node: &Handle) -> Visit {
        Visit::Children
    }
}
