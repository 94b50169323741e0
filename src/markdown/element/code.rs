//! `<code>`, `<kbd>`, `<samp>`, `<tt>`: a code span, unless it holds links or images, which
//! code cannot show (then its content is written as text).

use markup5ever_rcdom::Handle;

use super::{Element, Visit};
use crate::dom;
use crate::markdown::{Writer, holds_links_or_images};

pub(crate) struct Code;

impl Element for Code {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        if holds_links_or_images(node) {
            return Visit::Children;
        }
        w.inline.code(&dom::text_content(node));
        Visit::Done
    }
}
