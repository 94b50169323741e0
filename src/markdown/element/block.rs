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
