//! `<ul>` and `<ol>`: the list whose items `item.rs` writes.

use html5ever::local_name;
use markup5ever_rcdom::Handle;

use super::block::flattened;
use super::{Element, Visit};
use crate::dom;
use crate::markdown::{List, Writer, bullet};

pub(crate) struct ListElement {
    ordered: bool,
}

pub(crate) const BULLETS: ListElement = ListElement { ordered: false };
pub(crate) const NUMBERS: ListElement = ListElement { ordered: true };

impl Element for ListElement {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        if let Some(visit) = flattened(w, node) {
            return visit;
        }
        w.flush();
        let start = if self.ordered {
            dom::attr(node, "start")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(1)
                .min(999_999_000)
        } else {
            1
        };
        // Bullets change with nesting so that empty nested items (`- - -`) never make a
        // thematic break; a list right after another of its kind takes the next one so the two
        // stay two lists.
        let level = w.cx.lists.len();
        let (plain, other) = if self.ordered {
            ('.', ')')
        } else {
            (bullet(level), bullet(level + 1))
        };
        let follows_list = w.cx.last_list.is_some_and(|(depth, blocks, marker)| {
            depth == w.blocks.depth() && blocks == w.blocks.blocks_written() && marker == plain
        });
        let nested = w.blocks.in_started_item() && w.blocks.in_tight_item() && start == 1;
        w.cx.lists.push(List {
            ordered: self.ordered,
            next: start,
            marker: if follows_list { other } else { plain },
            items: 0,
            nested,
            depth: w.blocks.depth(),
            loose: holds_paragraphs(node),
        });
        Visit::Children
    }

    fn exit(&self, w: &mut Writer<'_>, _node: &Handle) {
        w.flush();
        if let Some(list) = w.cx.lists.pop().filter(|list| list.items > 0) {
            w.cx.last_list = Some((w.blocks.depth(), w.blocks.blocks_written(), list.marker));
        }
    }
}

/// Whether an item of the list holds a paragraph of its own, the mark of a loose list.
fn holds_paragraphs(list: &Handle) -> bool {
    list.children.borrow().iter().any(|item| {
        dom::is_tag(item, &local_name!("li"))
            && item
                .children
                .borrow()
                .iter()
                .any(|child| dom::is_tag(child, &local_name!("p")))
    })
}
