//! Writing blocks inside containers (block quotes, list items) with the right prefixes and
//! the right separation.
//!
//! Each line a block writes is prefixed by every open container: `> ` for a quote, the marker
//! (`- `, `1. `) on a list item's first line and as many spaces on the others. Blocks are
//! separated by a blank line, written only with the prefixes of the containers both blocks
//! share, so that two quotes in a row stay two quotes.

#[derive(Debug)]
struct Container {
    first: String,
    rest: String,
    started: bool,
    item: bool,
    /// An item of a tight list: its blocks follow one another without a blank line where
    /// CommonMark lets them (`- a` / `  > b`).
    tight: bool,
}

/// What a block is, for what may follow it on the next line.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Paragraph,
    Heading,
    Fence,
    Rule,
    Table,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sep {
    Newline,
    Blank,
}

#[derive(Debug)]
pub struct BlockWriter {
    out: String,
    containers: Vec<Container>,
    sep: Sep,
    /// Containers shared by the last block written and whatever comes next.
    sep_depth: usize,
    /// Container depth of the last block written.
    last_depth: usize,
    last_kind: Kind,
    /// Bit `i` set: container `i` of the last block written was a quote.
    last_quotes: u64,
    blocks: usize,
}

impl Default for BlockWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl BlockWriter {
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// A writer whose output is expected to reach about `bytes`.
    pub fn with_capacity(bytes: usize) -> Self {
        BlockWriter {
            out: String::with_capacity(bytes),
            containers: Vec::new(),
            sep: Sep::Blank,
            sep_depth: 0,
            last_depth: 0,
            last_kind: Kind::Paragraph,
            last_quotes: 0,
            blocks: 0,
        }
    }

    /// Writes a paragraph; `text` may span several lines, none of them ending in `\n`.
    pub fn block(&mut self, text: &str) {
        self.block_of(Kind::Paragraph, text);
    }

    /// Writes a block of the given kind.
    pub fn block_of(&mut self, kind: Kind, text: &str) {
        if self.blocks > 0 && self.sep == Sep::Blank && !self.joins_tightly(kind) {
            let mut prefix = String::new();
            for container in &self.containers[..self.sep_depth.min(self.containers.len())] {
                prefix.push_str(&container.rest);
            }
            self.out.push_str(prefix.trim_end());
            self.out.push('\n');
        }
        if self.containers.is_empty() {
            // no prefixes to put on each line: the whole block at once
            self.out.push_str(text);
            self.out.push('\n');
        } else {
            for line in text.split('\n') {
                self.line(line);
            }
        }
        self.blocks += 1;
        self.sep = Sep::Blank;
        self.sep_depth = self.containers.len();
        self.last_depth = self.containers.len();
        self.last_kind = kind;
        self.last_quotes = self
            .containers
            .iter()
            .take(64)
            .enumerate()
            .filter(|(_, c)| !c.item)
            .fold(0, |bits, (i, _)| bits | 1 << i);
    }

    /// Whether a block of `kind` may follow the last one on the next line, both in one item
    /// of a tight list: when it interrupts a paragraph (a heading, fence, rule, or a new quote
    /// that would not merge with one before), or follows a one-line block.
    fn joins_tightly(&self, kind: Kind) -> bool {
        let Some(shared) = self.sep_depth.checked_sub(1) else {
            return false;
        };
        if !self
            .containers
            .get(shared)
            .is_some_and(|c| c.item && c.tight)
        {
            return false;
        }
        let direct = self.containers.len() == self.sep_depth;
        let after_direct = self.last_depth == self.sep_depth;
        let after_quote =
            !after_direct && self.sep_depth < 64 && self.last_quotes >> self.sep_depth & 1 == 1;
        let opens_quote = self.containers.get(self.sep_depth).is_some_and(|c| !c.item);
        let one_line = |k| matches!(k, Kind::Heading | Kind::Fence | Kind::Rule);
        (direct && one_line(kind))
            || (opens_quote && !after_quote)
            || (direct && after_direct && one_line(self.last_kind))
    }

    fn line(&mut self, line: &str) {
        let start = self.out.len();
        for container in &mut self.containers {
            if container.started {
                self.out.push_str(&container.rest);
            } else {
                self.out.push_str(&container.first);
                container.started = true;
            }
        }
        if line.is_empty() {
            let trimmed = self.out[start..].trim_end().len();
            self.out.truncate(start + trimmed);
        }
        self.out.push_str(line);
        self.out.push('\n');
    }

    pub fn push_quote(&mut self) {
        self.push("> ".to_string(), "> ".to_string(), false, false);
    }

    /// A list item with its marker (`-`, `3.`); its other lines are indented to match.
    pub fn push_item(&mut self, marker: &str, tight: bool) {
        let width = marker.chars().count() + 1;
        self.push(format!("{marker} "), " ".repeat(width), true, tight);
    }

    fn push(&mut self, first: String, rest: String, item: bool, tight: bool) {
        self.containers.push(Container {
            first,
            rest,
            started: false,
            item,
            tight,
        });
    }

    /// Ends the innermost container. One that received nothing still shows: an empty list
    /// item or quote is written as its bare marker.
    pub fn pop(&mut self) {
        if self.containers.last().is_some_and(|c| !c.started) {
            self.block("");
        }
        self.containers.pop();
        self.sep_depth = self.sep_depth.min(self.containers.len());
    }

    /// The next block follows on the next line, without a blank line (list items of one list).
    pub fn tight(&mut self) {
        self.sep = Sep::Newline;
    }

    /// The next block gets its blank line after all.
    pub fn loosen(&mut self) {
        self.sep = Sep::Blank;
    }

    /// Whether the innermost container has received anything yet.
    pub fn innermost_started(&self) -> bool {
        self.containers.last().is_some_and(|c| c.started)
    }

    /// Container depth of the last block written.
    pub fn last_block_depth(&self) -> usize {
        self.last_depth
    }

    pub fn depth(&self) -> usize {
        self.containers.len()
    }

    /// Whether the innermost container is a list item that already holds something.
    pub fn in_started_item(&self) -> bool {
        self.containers.last().is_some_and(|c| c.item && c.started)
    }

    /// Whether the innermost container is an item of a tight list.
    pub fn in_tight_item(&self) -> bool {
        self.containers.last().is_some_and(|c| c.item && c.tight)
    }

    pub fn blocks_written(&self) -> usize {
        self.blocks
    }

    pub fn finish(mut self) -> String {
        while !self.containers.is_empty() {
            self.pop();
        }
        let end = self.out.trim_end_matches('\n').len();
        self.out.truncate(end);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_separated_by_one_blank_line() {
        let mut w = BlockWriter::new();
        w.block("a");
        w.block("b\\\nc");
        assert_eq!(w.finish(), "a\n\nb\\\nc\n");
    }

    #[test]
    fn quotes_prefix_every_line_and_blank() {
        let mut w = BlockWriter::new();
        w.push_quote();
        w.block("a");
        w.block("b");
        w.pop();
        w.push_quote();
        w.block("c");
        w.pop();
        assert_eq!(w.finish(), "> a\n>\n> b\n\n> c\n");
    }

    #[test]
    fn nested_lists_indent_by_marker_width() {
        let mut w = BlockWriter::new();
        w.push_item("-", true);
        w.block("a");
        w.tight();
        w.push_item("10.", true);
        w.block("b\nc");
        w.pop();
        w.pop();
        w.tight();
        w.push_item("-", true);
        w.pop();
        assert_eq!(w.finish(), "- a\n  10. b\n      c\n-\n");
    }

    #[test]
    fn empty_quote_shows() {
        let mut w = BlockWriter::new();
        w.block("a");
        w.push_quote();
        w.pop();
        w.block("b");
        assert_eq!(w.finish(), "a\n\n>\n\nb\n");
    }

    #[test]
    fn empty_lines_in_code_lose_trailing_prefix_spaces() {
        let mut w = BlockWriter::new();
        w.push_item("-", true);
        w.block("```\nx\n\ny\n```");
        w.pop();
        assert_eq!(w.finish(), "- ```\n  x\n\n  y\n  ```\n");
    }
}
