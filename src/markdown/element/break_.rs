//! `<br>`: a hard line break (a space where the content is one line).

use markup5ever_rcdom::Handle;

use super::{Element, Visit};
use crate::markdown::Writer;

pub(crate) struct Break;

impl Element for Break {
    fn enter(&self, w: &mut Writer<'_>, _node: &Handle) -> Visit {
        w.line_break();
        Visit::Done
    }
}
