//! `<pre>`: a fenced code block, or, when it holds links or images, text with its line
//! breaks kept.

use html5ever::local_name;
use markup5ever_rcdom::{Handle, NodeData};

use super::{Element, Visit};
use crate::dom;
use crate::markdown::blocks::Kind;
use crate::markdown::{Writer, escape, holds_links_or_images};

pub(crate) struct Pre;

impl Element for Pre {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        if holds_links_or_images(node) {
            w.flush();
            w.cx.preformatted += 1;
            return Visit::Children;
        }
        let code = pre_text(node);
        if w.cx.one_line > 0 {
            w.inline.code(&code);
            return Visit::Done;
        }
        w.flush();
        // The code exactly, blank lines and trailing spaces too; the one line break that
        // ends it is the fence's. Tabs and spaces at line starts are the code's own.
        let fence = "`".repeat(escape::longest_run(&code, '`').max(2) + 1);
        let info = code_language(node).unwrap_or_default();
        if code.is_empty() {
            w.blocks
                .block_of(Kind::Fence, &format!("{fence}{info}\n{fence}"));
        } else {
            let code = code.strip_suffix('\n').unwrap_or(&code);
            w.blocks
                .block_of(Kind::Fence, &format!("{fence}{info}\n{code}\n{fence}"));
        }
        Visit::Done
    }

    fn exit(&self, w: &mut Writer<'_>, _node: &Handle) {
        w.cx.preformatted -= 1;
        w.flush();
    }
}

/// The text of a `<pre>`, line breaks kept; `<br>` and block starts inside it are line breaks.
fn pre_text(node: &Handle) -> String {
    let mut out = String::new();
    dom::for_each_descendant(node, |n| {
        match &n.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            NodeData::Element { name, .. } => match name.local {
                local_name!("br") => out.push('\n'),
                local_name!("p") | local_name!("div") | local_name!("li") | local_name!("tr")
                    if !out.is_empty() && !out.ends_with('\n') =>
                {
                    out.push('\n');
                }
                local_name!("script") | local_name!("style") => return dom::Walk::Skip,
                _ => {}
            },
            _ => {}
        }
        dom::Walk::Continue
    });
    out
}

/// `language-rust` / `lang-rust` on the `<pre>` or its `<code>`: any word that can stand in
/// an info string (no backtick, and no `\` or `&`, which CommonMark would decode).
fn code_language(node: &Handle) -> Option<String> {
    let code = dom::find_descendant(node, |n| dom::is_tag(n, &local_name!("code")));
    [Some(node.clone()), code]
        .into_iter()
        .flatten()
        .find_map(|n| {
            let class = dom::attr(&n, "class")?.to_string();
            class.split_ascii_whitespace().find_map(|token| {
                let lang = token
                    .strip_prefix("language-")
                    .or_else(|| token.strip_prefix("lang-"))?;
                let ok = !lang.is_empty()
                    && lang
                        .chars()
                        .all(|c| !c.is_control() && !matches!(c, '`' | '\\' | '&'));
                ok.then(|| lang.to_string())
            })
        })
}
