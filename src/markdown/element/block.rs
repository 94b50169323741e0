//! `<p>`, `<div>` and the other blocks Markdown has no syntax for: a paragraph boundary.

use markup5ever_rcdom::Handle;

use super::{Element, Visit};
use crate::markdown::Writer;

pub(crate) struct Block;

impl Element for Block {
    fn enter(&self, w: &mut Writer<'_>, _node: &Handle) -> Visit {
        w.flush();
        Visit::Children
    }

    fn exit(&self, w: &mut Writer<'_>, _node: &Handle) {
        w.flush();
    }
}

/// Inside a heading or a table cell, whose content is one line, a block element is only a
/// boundary: `Some` of what the walk then does.
pub(crate) fn flattened(w: &mut Writer<'_>, node: &Handle) -> Option<Visit> {
    if w.cx.one_line == 0 {
        return None;
    }
    Block.enter(w, node);
    Some(Visit::ChildrenAs(&Block))
}
