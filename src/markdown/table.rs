//! Tables: cells collected during the walk, laid out on a grid, written as a GFM pipe table.

/// A cell's Markdown (one line) and how many columns and rows it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
}

/// Spans beyond this are treated as this: no real table is wider or taller in one cell, and
/// `colspan="1000000"` must not allocate a million cells.
const MAX_SPAN: usize = 64;

#[derive(Debug, Default)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
    pub caption: Option<String>,
    pub in_cell: bool,
}

impl Table {
    pub fn start_row(&mut self) {
        self.rows.push(Vec::new());
    }

    pub fn push_cell(&mut self, text: String, colspan: usize, rowspan: usize) {
        if self.rows.is_empty() {
            self.start_row();
        }
        if let Some(row) = self.rows.last_mut() {
            row.push(Cell {
                text,
                colspan: colspan.clamp(1, MAX_SPAN),
                rowspan: rowspan.clamp(1, MAX_SPAN),
            });
        }
    }

    /// The pipe table, or `None` when there is nothing to show. The first row is the header
    /// (GFM has no table without one).
    pub fn to_markdown(&self) -> Option<String> {
        let grid = layout(&self.rows);
        let columns = grid.iter().map(Vec::len).max()?;
        if columns == 0 || grid.iter().flatten().all(|c| c.is_empty()) {
            return None;
        }
        let mut out = String::new();
        for (i, row) in grid.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push('|');
            // GFM fills short rows itself: only the header needs the full width, which keeps
            // a page of ragged rows from growing with its widest row times its row count.
            let width = if i == 0 { columns } else { row.len().max(1) };
            for column in 0..width {
                out.push(' ');
                out.push_str(row.get(column).map_or("", String::as_str));
                out.push_str(" |");
            }
            if i == 0 {
                out.push_str("\n|");
                out.push_str(&" --- |".repeat(columns));
            }
        }
        Some(out)
    }
}

/// Places cells on a grid: a cell spanning columns leaves empty cells to its right, one
/// spanning rows leaves empty cells below it, so later cells stay in their own columns.
fn layout(rows: &[Vec<Cell>]) -> Vec<Vec<String>> {
    let mut grid = Vec::new();
    // rows still covered, per column, by a cell from a row above
    let mut covered: Vec<usize> = Vec::new();
    for row in rows.iter().filter(|r| !r.is_empty()) {
        let mut out: Vec<String> = Vec::new();
        let mut cells = row.iter();
        let mut column = 0;
        loop {
            while covered.get(column).is_some_and(|&n| n > 0) {
                out.push(String::new());
                column += 1;
            }
            let Some(cell) = cells.next() else { break };
            out.push(cell.text.clone());
            out.extend(std::iter::repeat_n(String::new(), cell.colspan - 1));
            if covered.len() < column + cell.colspan {
                covered.resize(column + cell.colspan, 0);
            }
            for slot in &mut covered[column..column + cell.colspan] {
                // counts this row too; decremented below
                *slot = cell.rowspan;
            }
            column += cell.colspan;
        }
        for slot in &mut covered {
            *slot = slot.saturating_sub(1);
        }
        grid.push(out);
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, colspan: usize, rowspan: usize) -> Cell {
        Cell {
            text: text.to_string(),
            colspan,
            rowspan,
        }
    }

    #[test]
    fn ragged_rows_are_padded() {
        let table = Table {
            rows: vec![
                vec![cell("a", 1, 1), cell("b", 1, 1)],
                vec![cell("c", 1, 1)],
            ],
            ..Table::default()
        };
        assert_eq!(
            table.to_markdown().unwrap(),
            "| a | b |\n| --- | --- |\n| c |"
        );
    }

    #[test]
    fn spans_keep_columns_aligned() {
        let rows = vec![
            vec![cell("r", 1, 2), cell("1", 1, 1)],
            vec![cell("2", 1, 1)],
            vec![cell("wide", 2, 1)],
            vec![cell("x", 1, 1), cell("y", 1, 1)],
        ];
        assert_eq!(
            layout(&rows),
            vec![
                vec!["r".to_string(), "1".to_string()],
                vec![String::new(), "2".to_string()],
                vec!["wide".to_string(), String::new()],
                vec!["x".to_string(), "y".to_string()],
            ]
        );
    }

    #[test]
    fn huge_spans_are_capped() {
        let mut table = Table::default();
        table.push_cell("a".into(), 1_000_000, 1_000_000);
        let text = table.to_markdown().unwrap();
        assert_eq!(
            text.lines().next().unwrap().matches('|').count(),
            MAX_SPAN + 1
        );
    }

    #[test]
    fn empty_tables_vanish() {
        let mut table = Table::default();
        table.push_cell(String::new(), 1, 1);
        assert_eq!(table.to_markdown(), None);
        assert_eq!(Table::default().to_markdown(), None);
    }
}
