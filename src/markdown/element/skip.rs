//! Elements that show no article text: scripts, styles, players, form controls, the head.

use markup5ever_rcdom::Handle;

use super::{Element, Visit};
use crate::markdown::Writer;

pub(crate) struct Skip;

impl Element for Skip {
    fn enter(&self, _w: &mut Writer<'_>, _node: &Handle) -> Visit {
        Visit::Done
    }
}
