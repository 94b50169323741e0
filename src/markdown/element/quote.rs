//! `<blockquote>`: a block quote.

use markup5ever_rcdom::Handle;

use super::block::flattened;
use super::{Element, Visit};
use crate::markdown::Writer;

pub(crate) struct Quote;

impl Element for Quote {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        if let Some(visit) = flattened(w, node) {
            return visit;
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
