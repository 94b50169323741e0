//! `<li>`: a list item, its marker from the list it is in.

use markup5ever_rcdom::Handle;

use super::block::flattened;
use super::{Element, Visit};
use crate::markdown::{Writer, bullet};

pub(crate) struct Item;

impl Element for Item {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        if let Some(visit) = flattened(w, node) {
            return visit;
        }
        w.flush();
        let depth = w.blocks.depth();
        // Next line only right after this list's previous item, or for a first item, right
        // after the text of the item the list is in. Only the first kind may stay tight when
        // empty: a bare marker under text could underline it as a heading.
        let last_depth = w.blocks.last_block_depth();
        let in_started_item = w.blocks.in_started_item();
        let list_count = w.cx.lists.len();
        let (marker, tight, loose_if_empty, tight_list) =
            match w.cx.lists.last_mut().filter(|list| list.depth == depth) {
                Some(list) => {
                    list.items += 1;
                    let after_sibling = list.items > 1 && last_depth > depth;
                    let under_text = list.items == 1 && list.nested;
                    let marker = if list.ordered {
                        // CommonMark reads at most 9 digits; only the first number counts
                        let number = list.next.min(999_999_999);
                        list.next += 1;
                        format!("{number}{}", list.marker)
                    } else {
                        list.marker.to_string()
                    };
                    let next_line = (after_sibling && !list.loose) || under_text;
                    (marker, next_line, under_text, !list.loose)
                }
                None => (
                    bullet(list_count).to_string(),
                    in_started_item,
                    in_started_item,
                    true,
                ),
            };
        if tight {
            w.blocks.tight();
        }
        w.blocks.push_item(&marker, tight_list);
        w.cx.items.push(loose_if_empty);
        Visit::Children
    }

    fn exit(&self, w: &mut Writer<'_>, _node: &Handle) {
        w.flush();
        let loose_if_empty = w.cx.items.pop().unwrap_or(false);
        if loose_if_empty && !w.blocks.innermost_started() {
            w.blocks.loosen();
        }
        w.blocks.pop();
    }
}
