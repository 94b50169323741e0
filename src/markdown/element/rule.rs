//! `<hr>`: a thematic break.

use markup5ever_rcdom::Handle;

use super::{Element, Visit};
use crate::markdown::Writer;
use crate::markdown::blocks::Kind;

pub(crate) struct Rule;

impl Element for Rule {
    fn enter(&self, w: &mut Writer<'_>, _node: &Handle) -> Visit {
        w.flush();
        if w.cx.one_line == 0 {
            // `___`: `***` and `---` read as list items' content would, after a `*` or `-`
            // marker, make the whole line a break instead.
            w.blocks.block_of(Kind::Rule, "___");
        }
        Visit::Done
    }
}
