//! `<blockquote>`: a block quote.

use markup5ever_rcdom::Handle;

use super::block::Block;
use super::{Element, Visit};
use crate::markdown::Writer;

pub(crate) struct Quote;

impl Element for Quote {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        if w.cx.one_line > 0 {
            Block.enter(w, node);
            return Visit::ChildrenAs(&Block);
        }
        w.flush();
        w.blocks.push_quote();
        Visit::Children
    }

    fn exit(&self, w: &mut Writer<'_>, _node: &Handle) {
        w.flush();
        w.blocks.pop();
    }
}
