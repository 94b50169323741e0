//! The inline content of one paragraph (or heading, or table cell), collected as tokens.
//!
//! Emphasis and links are *wrappers*: entering `<strong>` pushes one, but its `**` is only
//! written when visible content arrives inside it. This lazy opening gives HTML's whitespace
//! collapsing for free (a space at the edge of `<strong> x </strong>` lands outside the
//! delimiters), makes empty `<strong></strong>` vanish, and lets emphasis that spans a block
//! boundary or a line break be closed and reopened on each side (a hard break never sits
//! inside delimiters). Output nesting is the DOM's; `emphasis.rs` then makes every delimiter
//! open and close where it stands.

use super::chars::is_wide;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Emph {
    Strong,
    Em,
    Strike,
    /// Emphasis inside emphasis of its own kind (`<em>a <em>b</em></em>`), written with the
    /// other delimiter so that CommonMark nests the two: `*a _b_*`.
    StrongAlt,
    EmAlt,
}

impl Emph {
    pub fn delimiter(self) -> &'static str {
        match self {
            Emph::Strong => "**",
            Emph::Em => "*",
            Emph::Strike => "~~",
            Emph::StrongAlt => "__",
            Emph::EmAlt => "_",
        }
    }

    pub fn delimiter_char(self) -> char {
        match self {
            Emph::Strong | Emph::Em => '*',
            Emph::Strike => '~',
            Emph::StrongAlt | Emph::EmAlt => '_',
        }
    }

    /// The kind written inside this one for the same element: the delimiters alternate.
    fn nested(self) -> Option<Emph> {
        match self {
            Emph::Strong => Some(Emph::StrongAlt),
            Emph::StrongAlt => Some(Emph::Strong),
            Emph::Em => Some(Emph::EmAlt),
            Emph::EmAlt => Some(Emph::Em),
            Emph::Strike => None,
        }
    }

    fn base(self) -> Emph {
        match self {
            Emph::StrongAlt => Emph::Strong,
            Emph::EmAlt => Emph::Em,
            other => other,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Tok {
    /// Text as the reader sees it: whitespace collapsed, not yet escaped.
    Text(String),
    Open(Emph),
    Close(Emph),
    LinkOpen,
    LinkClose {
        url: String,
        title: Option<String>,
    },
    Image {
        alt: String,
        url: String,
        title: Option<String>,
    },
    /// The content of a code span; the backtick fence is chosen when written.
    Code(String),
    Break,
}

#[derive(Debug)]
enum WrapKind {
    Emph(Emph),
    Link { url: String, title: Option<String> },
}

#[derive(Debug)]
struct Wrapper {
    kind: WrapKind,
    /// Nested emphasis of the same kind, or a link inside a link: adds nothing.
    inert: bool,
    opened: bool,
    /// Whether its delimiters were ever written (in this paragraph or an earlier one).
    wrote: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Space {
    None,
    Plain,
    /// Whitespace that held a line break: dropped between two CJK characters, as browsers do
    /// (CSS Text 3, segment break transformation), so no space is added to CJK text.
    SegmentBreak,
}

#[derive(Debug)]
pub struct Inline {
    toks: Vec<Tok>,
    wrappers: Vec<Wrapper>,
    /// Indices into `wrappers`, in the order their delimiters were written.
    open_seq: Vec<usize>,
    pending: Space,
    last_char: Option<char>,
    has_content: bool,
}

impl Default for Inline {
    fn default() -> Self {
        Self::new()
    }
}

impl Inline {
    pub fn new() -> Self {
        Inline {
            toks: Vec::new(),
            wrappers: Vec::new(),
            open_seq: Vec::new(),
            pending: Space::None,
            last_char: None,
            has_content: false,
        }
    }

    pub fn push_emph(&mut self, emph: Emph) {
        // Inside emphasis of its kind it takes the other delimiter; strikethrough in
        // strikethrough adds nothing.
        let same = self.wrappers.iter().rev().find_map(|w| match w.kind {
            WrapKind::Emph(e) if !w.inert && e.base() == emph => Some(e),
            _ => None,
        });
        let (emph, inert) = match same.map(Emph::nested) {
            None => (emph, false),
            Some(Some(nested)) => (nested, false),
            Some(None) => (emph, true),
        };
        self.wrappers.push(Wrapper {
            kind: WrapKind::Emph(emph),
            inert,
            opened: false,
            wrote: false,
        });
    }

    pub fn push_link(&mut self, url: String, title: Option<String>) {
        let inert = self
            .wrappers
            .iter()
            .any(|w| matches!(w.kind, WrapKind::Link { .. }) && !w.inert);
        self.wrappers.push(Wrapper {
            kind: WrapKind::Link { url, title },
            inert,
            opened: false,
            wrote: false,
        });
    }

    /// Ends the innermost wrapper (the element it came from has ended).
    pub fn pop_wrapper(&mut self) {
        let index = self.wrappers.len().saturating_sub(1);
        let Some(wrapper) = self.wrappers.get(index) else {
            return;
        };
        if wrapper.opened {
            // Whatever was opened after it (emphasis reopened inside a link) closes first and
            // reopens lazily if its element goes on.
            while let Some(top) = self.open_seq.last().copied() {
                self.close_top();
                if top == index {
                    break;
                }
            }
        }
        self.wrappers.pop();
    }

    /// Writes the innermost wrapper, a link around nothing at all (`<a href=x></a>`), as the
    /// link it still is: `[](x)`.
    pub fn empty_link(&mut self) {
        if self
            .wrappers
            .last()
            .is_some_and(|w| matches!(w.kind, WrapKind::Link { .. }) && !w.inert && !w.wrote)
        {
            self.flush_space(None);
            self.open_wrappers();
            self.has_content = true;
            self.last_char = None;
        }
    }

    /// Text from the DOM: collapses ASCII whitespace the way HTML rendering does.
    pub fn text(&mut self, text: &str) {
        // HTML whitespace is ASCII, and no byte of a multi-byte UTF-8 character is ASCII, so
        // splitting on bytes keeps characters whole.
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && is_html_space_byte(bytes[i]) {
                i += 1;
            }
            if i > start {
                let newline = bytes[start..i].contains(&b'\n');
                self.space_with(if newline {
                    Space::SegmentBreak
                } else {
                    Space::Plain
                });
                continue;
            }
            while i < bytes.len() && !is_html_space_byte(bytes[i]) {
                // bytes of non-ASCII characters are never spaces: eight at a time
                if let Some(chunk) = bytes.get(i..i + 8)
                    && u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]))
                        & 0x8080_8080_8080_8080
                        == 0x8080_8080_8080_8080
                {
                    i += 8;
                    continue;
                }
                i += 1;
            }
            let word = &text[start..i];
            if let Some(first) = word.chars().next() {
                self.before_text(first);
                self.push_text(word);
                self.last_char = word.chars().next_back();
            }
        }
    }

    /// A collapsible space (between blocks flattened into one line, for instance).
    pub fn space(&mut self) {
        self.space_with(Space::Plain);
    }

    fn space_with(&mut self, kind: Space) {
        // Nothing to separate at a paragraph start or right after a line break.
        if !self.has_content || self.toks.last() == Some(&Tok::Break) {
            return;
        }
        self.pending = match (self.pending, kind) {
            (Space::Plain, _) | (_, Space::Plain) => Space::Plain,
            _ => Space::SegmentBreak,
        };
    }

    pub fn image(&mut self, alt: String, url: String, title: Option<String>) {
        self.atom(Tok::Image { alt, url, title });
    }

    pub fn code(&mut self, code: &str) {
        if code.is_empty() {
            return;
        }
        // A span of spaces is still a span (`<code> </code>`); CommonMark keeps it as is.
        let collapsed = collapse_spaces(code);
        // `<code>a</code><code>b</code>` reads as one span; written as two, the backticks
        // would run together into a longer fence.
        let wrappers_pending = self.wrappers.iter().any(|w| !w.inert && !w.opened);
        if self.pending == Space::None
            && !wrappers_pending
            && let Some(Tok::Code(last)) = self.toks.last_mut()
        {
            last.push_str(&collapsed);
            return;
        }
        self.atom(Tok::Code(collapsed));
    }

    pub fn hard_break(&mut self) {
        if !self.has_content {
            return;
        }
        self.pending = Space::None;
        self.toks.push(Tok::Break);
        self.last_char = None;
    }

    /// Ends the paragraph: closes what is open and hands back its tokens. Wrappers stay on the
    /// stack (their elements have not ended) and reopen in the next paragraph.
    pub fn finish(&mut self) -> Vec<Tok> {
        self.close_all();
        self.pending = Space::None;
        self.last_char = None;
        self.has_content = false;
        std::mem::take(&mut self.toks)
    }

    pub fn is_empty(&self) -> bool {
        !self.has_content
    }

    fn atom(&mut self, tok: Tok) {
        self.flush_space(None);
        self.open_wrappers();
        self.toks.push(tok);
        self.has_content = true;
        self.last_char = None;
    }

    fn before_text(&mut self, first: char) {
        self.flush_space(Some(first));
        self.open_wrappers();
        self.has_content = true;
    }

    fn flush_space(&mut self, next: Option<char>) {
        let pending = std::mem::replace(&mut self.pending, Space::None);
        let drop = match pending {
            Space::None => true,
            Space::Plain => false,
            Space::SegmentBreak => self.last_char.is_some_and(is_wide) && next.is_some_and(is_wide),
        };
        if !drop && self.has_content {
            self.push_text(" ");
        }
    }

    /// Writes the delimiters of wrappers not yet open, outermost first. Those open always form
    /// the bottom of the stack, so output nesting follows the DOM.
    fn open_wrappers(&mut self) {
        for index in 0..self.wrappers.len() {
            let wrapper = &mut self.wrappers[index];
            if wrapper.inert || wrapper.opened {
                continue;
            }
            wrapper.opened = true;
            wrapper.wrote = true;
            self.open_seq.push(index);
            self.toks.push(match wrapper.kind {
                WrapKind::Emph(emph) => Tok::Open(emph),
                WrapKind::Link { .. } => Tok::LinkOpen,
            });
        }
    }

    fn close_all(&mut self) {
        while !self.open_seq.is_empty() {
            self.close_top();
        }
    }

    fn close_top(&mut self) {
        let Some(index) = self.open_seq.pop() else {
            return;
        };
        let wrapper = &mut self.wrappers[index];
        wrapper.opened = false;
        let tok = match &wrapper.kind {
            WrapKind::Emph(emph) => Tok::Close(*emph),
            WrapKind::Link { url, title } => Tok::LinkClose {
                url: url.clone(),
                title: title.clone(),
            },
        };
        self.toks.push(tok);
    }

    fn push_text(&mut self, text: &str) {
        if let Some(Tok::Text(last)) = self.toks.last_mut() {
            last.push_str(text);
        } else {
            self.toks.push(Tok::Text(text.to_string()));
        }
    }
}

/// ASCII whitespace as HTML defines it; no-break and ideographic spaces are content.
pub fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

fn is_html_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0C)
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if is_html_space(c) {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Tok {
        Tok::Text(s.to_string())
    }

    #[test]
    fn whitespace_collapses_and_trims() {
        let mut inline = Inline::new();
        inline.text("  a \n\t b  ");
        assert_eq!(inline.finish(), vec![text("a b")]);
    }

    #[test]
    fn edge_spaces_go_outside_emphasis() {
        let mut inline = Inline::new();
        inline.text("a");
        inline.push_emph(Emph::Strong);
        inline.text(" b ");
        inline.pop_wrapper();
        inline.text("c");
        assert_eq!(
            inline.finish(),
            vec![
                text("a "),
                Tok::Open(Emph::Strong),
                text("b"),
                Tok::Close(Emph::Strong),
                text(" c")
            ]
        );
    }

    #[test]
    fn empty_emphasis_vanishes() {
        let mut inline = Inline::new();
        inline.text("a");
        inline.push_emph(Emph::Em);
        inline.text("  ");
        inline.pop_wrapper();
        assert_eq!(inline.finish(), vec![text("a")]);
    }

    #[test]
    fn nested_same_emphasis_takes_the_other_delimiter() {
        let mut inline = Inline::new();
        inline.push_emph(Emph::Strong);
        inline.push_emph(Emph::Strong);
        inline.text("x");
        inline.pop_wrapper();
        inline.pop_wrapper();
        assert_eq!(
            inline.finish(),
            vec![
                Tok::Open(Emph::Strong),
                Tok::Open(Emph::StrongAlt),
                text("x"),
                Tok::Close(Emph::StrongAlt),
                Tok::Close(Emph::Strong)
            ]
        );
    }

    #[test]
    fn strikethrough_in_strikethrough_is_written_once() {
        let mut inline = Inline::new();
        inline.push_emph(Emph::Strike);
        inline.push_emph(Emph::Strike);
        inline.text("x");
        inline.pop_wrapper();
        inline.pop_wrapper();
        assert_eq!(
            inline.finish(),
            vec![Tok::Open(Emph::Strike), text("x"), Tok::Close(Emph::Strike)]
        );
    }

    #[test]
    fn output_nesting_follows_the_dom() {
        let mut inline = Inline::new();
        inline.text("中");
        inline.push_emph(Emph::Strong);
        inline.push_link("u".into(), None);
        inline.text("x");
        inline.pop_wrapper();
        inline.image("a".into(), "i.png".into(), None);
        inline.pop_wrapper();
        assert_eq!(
            inline.finish(),
            vec![
                text("中"),
                Tok::Open(Emph::Strong),
                Tok::LinkOpen,
                text("x"),
                Tok::LinkClose {
                    url: "u".into(),
                    title: None
                },
                Tok::Image {
                    alt: "a".into(),
                    url: "i.png".into(),
                    title: None
                },
                Tok::Close(Emph::Strong),
            ]
        );
    }

    #[test]
    fn emphasis_spans_a_break() {
        // `*a\` + newline + `b*` is one emphasis around a break in CommonMark
        let mut inline = Inline::new();
        inline.push_emph(Emph::Strong);
        inline.text("a");
        inline.hard_break();
        inline.text("b");
        inline.pop_wrapper();
        assert_eq!(
            inline.finish(),
            vec![
                Tok::Open(Emph::Strong),
                text("a"),
                Tok::Break,
                text("b"),
                Tok::Close(Emph::Strong),
            ]
        );
    }

    #[test]
    fn wrappers_reopen_in_the_next_paragraph() {
        let mut inline = Inline::new();
        inline.push_emph(Emph::Strong);
        inline.text("a");
        let first = inline.finish();
        inline.text("b");
        inline.pop_wrapper();
        let second = inline.finish();
        assert_eq!(first.len(), 3);
        assert_eq!(
            second,
            vec![Tok::Open(Emph::Strong), text("b"), Tok::Close(Emph::Strong)]
        );
    }

    #[test]
    fn line_break_between_cjk_adds_no_space() {
        let mut inline = Inline::new();
        inline.text("中\n文 and\nword");
        assert_eq!(inline.finish(), vec![text("中文 and word")]);
    }

    #[test]
    fn leading_break_is_ignored() {
        let mut inline = Inline::new();
        inline.hard_break();
        inline.text("a");
        assert_eq!(inline.finish(), vec![text("a")]);
    }

    #[test]
    fn nbsp_is_content() {
        let mut inline = Inline::new();
        inline.text("\u{a0}");
        assert!(!inline.is_empty());
    }
}
