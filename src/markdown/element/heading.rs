//! `<h1>`–`<h6>`: an ATX heading, its content on one line.

use markup5ever_rcdom::Handle;

use super::block::flattened;
use super::{Element, Visit};
use crate::markdown::Writer;
use crate::markdown::blocks::Kind;
use crate::markdown::escape::Ctx;
use crate::markdown::render;

pub(crate) struct Heading(usize);

pub(crate) const H1: Heading = Heading(1);
pub(crate) const H2: Heading = Heading(2);
pub(crate) const H3: Heading = Heading(3);
pub(crate) const H4: Heading = Heading(4);
pub(crate) const H5: Heading = Heading(5);
pub(crate) const H6: Heading = Heading(6);

impl Element for Heading {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        if let Some(visit) = flattened(w, node) {
            return visit;
        }
        w.flush();
        w.cx.one_line += 1;
        Visit::Children
    }

    fn exit(&self, w: &mut Writer<'_>, _node: &Handle) {
        w.cx.one_line -= 1;
        let text = render::line(w.inline.finish(), Ctx::Heading);
        let hashes = "#".repeat(self.0);
        if text.is_empty() {
            w.blocks.block_of(Kind::Heading, &hashes);
        } else {
            w.blocks
                .block_of(Kind::Heading, &format!("{hashes} {text}"));
        }
    }
}
