//! `<strong>`, `<em>`, `<del>` and their synonyms: emphasis around what they hold.

use markup5ever_rcdom::Handle;

use super::{Element, Visit};
use crate::markdown::Writer;
use crate::markdown::inline::Emph;

pub(crate) struct Phrase(pub(crate) Emph);

impl Element for Phrase {
    fn enter(&self, w: &mut Writer<'_>, _node: &Handle) -> Visit {
        w.inline.push_emph(self.0);
        Visit::Children
    }

    fn exit(&self, w: &mut Writer<'_>, _node: &Handle) {
        w.inline.pop_wrapper();
    }
}
