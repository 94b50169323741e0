//! `<table>`, `<tr>`, `<td>`/`<th>`, `<caption>`: a GFM pipe table (see `markdown::table`).
//! A table inside a table, or a row or cell outside one, is only a block boundary.

use markup5ever_rcdom::Handle;

use super::block::Block;
use super::{Element, Visit};
use crate::dom;
use crate::markdown::blocks::Kind;
use crate::markdown::escape::Ctx;
use crate::markdown::{Writer, render, table};

pub(crate) struct Table;
pub(crate) struct Row;
pub(crate) struct Cell;
pub(crate) struct Caption;

fn as_block(w: &mut Writer<'_>, node: &Handle) -> Visit {
    Block.enter(w, node);
    Visit::ChildrenAs(&Block)
}

/// Between the rows and cells of a table (not in a cell, nor a heading).
fn in_table(w: &Writer<'_>) -> bool {
    w.cx.one_line == 0 && w.cx.table.as_ref().is_some_and(|t| !t.in_cell)
}

impl Element for Table {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        if w.cx.one_line > 0 || w.cx.table.is_some() {
            return as_block(w, node);
        }
        w.flush();
        w.cx.table = Some(table::Table::default());
        Visit::Children
    }

    fn exit(&self, w: &mut Writer<'_>, _node: &Handle) {
        let Some(table) = w.cx.table.take() else {
            return;
        };
        if let Some(caption) = &table.caption {
            w.blocks.block(caption);
        }
        if let Some(text) = table.to_markdown() {
            w.blocks.block_of(Kind::Table, &text);
        }
    }
}

impl Element for Row {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        if !in_table(w) {
            return as_block(w, node);
        }
        if let Some(table) = &mut w.cx.table {
            table.start_row();
        }
        Visit::Children
    }
}

/// A cell or caption starts: its content is one line, collected for the table.
fn enter_cell(w: &mut Writer<'_>, node: &Handle) -> Visit {
    if !in_table(w) {
        return as_block(w, node);
    }
    if let Some(table) = &mut w.cx.table {
        table.in_cell = true;
    }
    w.cx.one_line += 1;
    Visit::Children
}

impl Element for Cell {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        enter_cell(w, node)
    }

    fn exit(&self, w: &mut Writer<'_>, node: &Handle) {
        w.cx.one_line -= 1;
        let span = |name| {
            dom::attr(node, name)
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(1)
        };
        let text = render::line(w.inline.finish(), Ctx::Cell);
        if let Some(table) = &mut w.cx.table {
            table.in_cell = false;
            table.push_cell(text, span("colspan"), span("rowspan"));
        }
    }
}

impl Element for Caption {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        enter_cell(w, node)
    }

    fn exit(&self, w: &mut Writer<'_>, _node: &Handle) {
        w.cx.one_line -= 1;
        let toks = w.inline.finish();
        if let Some(table) = &mut w.cx.table {
            table.in_cell = false;
            let mut first = None;
            render::paragraphs(toks, &mut |p| {
                first.get_or_insert(p);
            });
            table.caption = first;
        }
    }
}
