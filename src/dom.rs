//! Small helpers over html5ever's `RcDom`, shared by the stages that read or edit the tree.
//!
//! Everything here walks with an explicit stack: saved pages can nest arbitrarily deep and a
//! recursive walk would overflow the thread's stack long before the parser gives up.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, LocalName, QualName, local_name, ns};
use markup5ever_rcdom::{Handle, Node, NodeData};

/// The element's local name (`div`, `img`…), or `None` for text, comments and the document.
pub fn tag(node: &Handle) -> Option<&LocalName> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

pub fn is_tag(node: &Handle, name: &LocalName) -> bool {
    tag(node) == Some(name)
}

/// The value of an attribute, borrowed from the node.
pub fn attr<'a>(node: &'a Handle, name: &str) -> Option<Ref<'a, str>> {
    let NodeData::Element { attrs, .. } = &node.data else {
        return None;
    };
    let attrs = attrs.borrow();
    if attrs.is_empty() {
        return None;
    }
    Ref::filter_map(attrs, |attrs| {
        attrs
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| &*a.value)
    })
    .ok()
}

/// The value of an attribute, trimmed, when it is present and not blank.
pub fn attr_string(node: &Handle, name: &str) -> Option<String> {
    let value = attr(node, name)?;
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Whether the `class` attribute holds `class` as one of its tokens.
pub fn has_class(node: &Handle, class: &str) -> bool {
    attr(node, "class").is_some_and(|c| c.split_ascii_whitespace().any(|t| t == class))
}

pub fn set_attr(node: &Handle, name: &str, value: &str) {
    let NodeData::Element { attrs, .. } = &node.data else {
        return;
    };
    let mut attrs = attrs.borrow_mut();
    match attrs.iter_mut().find(|a| &*a.name.local == name) {
        Some(a) => a.value = StrTendril::from_slice(value),
        None => attrs.push(Attribute {
            name: QualName::new(None, ns!(), LocalName::from(name)),
            value: StrTendril::from_slice(value),
        }),
    }
}

/// A new `<a href=…>text</a>` element, for things that become links (embedded videos).
pub fn new_link(href: &str, text: &str) -> Handle {
    let link = Node::new(NodeData::Element {
        name: QualName::new(None, ns!(html), local_name!("a")),
        attrs: RefCell::new(vec![Attribute {
            name: QualName::new(None, ns!(), local_name!("href")),
            value: StrTendril::from_slice(href),
        }]),
        template_contents: RefCell::new(None),
        mathml_annotation_xml_integration_point: false,
    });
    append(&link, new_text(text));
    link
}

pub fn new_text(text: &str) -> Handle {
    Node::new(NodeData::Text {
        contents: RefCell::new(StrTendril::from_slice(text)),
    })
}

pub fn append(parent: &Handle, child: Handle) {
    child.parent.set(Some(Rc::downgrade(parent)));
    parent.children.borrow_mut().push(child);
}

pub fn parent(node: &Handle) -> Option<Handle> {
    let weak = node.parent.take();
    let parent = weak.as_ref().and_then(|w| w.upgrade());
    node.parent.set(weak);
    parent
}

/// Removes many nodes, each parent's child list rewritten once.
pub fn detach_all(nodes: &[Handle]) {
    let doomed: std::collections::HashSet<*const Node> = nodes.iter().map(Rc::as_ptr).collect();
    let mut parents: Vec<Handle> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for node in nodes {
        if let Some(p) = parent(node)
            && seen.insert(Rc::as_ptr(&p))
        {
            parents.push(p);
        }
    }
    for p in parents {
        p.children
            .borrow_mut()
            .retain(|child| !doomed.contains(&Rc::as_ptr(child)));
    }
    for node in nodes {
        node.parent.set(None);
    }
}

/// Replaces a node's children, fixing their parent links.
pub fn set_children(node: &Handle, children: Vec<Handle>) {
    let weak = Rc::downgrade(node);
    for child in &children {
        child.parent.set(Some(weak.clone()));
    }
    *node.children.borrow_mut() = children;
}

/// All text below `node`, in document order, as the browser would concatenate it (no
/// whitespace collapsing).
pub fn text_content(node: &Handle) -> String {
    let mut out = String::new();
    for_each_descendant(node, |n| {
        if let NodeData::Text { contents } = &n.data {
            out.push_str(&contents.borrow());
        }
        Walk::Continue
    });
    out
}

/// The first `max` bytes or so of the text below `node`: enough to recognise a short line,
/// without walking a whole subtree for every element looked at.
pub fn text_prefix(node: &Handle, max: usize) -> String {
    let mut out = String::new();
    for_each_descendant(node, |n| {
        if let NodeData::Text { contents } = &n.data {
            out.push_str(&contents.borrow());
            if out.len() >= max {
                return Walk::Stop;
            }
        }
        Walk::Continue
    });
    out
}

/// What a visitor wants after seeing a node.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Walk {
    Continue,
    /// Do not look below this node.
    Skip,
    Stop,
}

/// Visits `node`'s descendants (not `node` itself) in document order.
pub fn for_each_descendant(node: &Handle, mut visit: impl FnMut(&Handle) -> Walk) {
    let mut stack: Vec<(Handle, usize)> = vec![(node.clone(), 0)];
    while let Some((current, index)) = stack.last_mut() {
        let child = current.children.borrow().get(*index).cloned();
        *index += 1;
        let Some(child) = child else {
            stack.pop();
            continue;
        };
        match visit(&child) {
            Walk::Continue => {
                if !child.children.borrow().is_empty() {
                    stack.push((child, 0));
                }
            }
            Walk::Skip => {}
            Walk::Stop => return,
        }
    }
}

/// The first descendant for which `pred` holds.
pub fn find_descendant(node: &Handle, mut pred: impl FnMut(&Handle) -> bool) -> Option<Handle> {
    let mut found = None;
    for_each_descendant(node, |n| {
        if pred(n) {
            found = Some(n.clone());
            Walk::Stop
        } else {
            Walk::Continue
        }
    });
    found
}

/// Whether nothing below `node` is visible: only whitespace text, comments, empty elements.
pub fn is_blank(node: &Handle) -> bool {
    find_descendant(node, |n| match &n.data {
        NodeData::Text { contents } => !contents.borrow().trim().is_empty(),
        NodeData::Element { name, .. } => matches!(
            name.local,
            local_name!("img") | local_name!("iframe") | local_name!("video") | local_name!("hr")
        ),
        _ => false,
    })
    .is_none()
}

/// The `<body>` of a parsed document, or the document itself when there is none.
pub fn body(document: &Handle) -> Handle {
    find_descendant(document, |n| is_tag(n, &local_name!("body")))
        .unwrap_or_else(|| document.clone())
}

/// The last few blocks of a page with the start of their text: what the stages that look for
/// lines feeds and sites append (footer, signatures) read, computed once for all of them.
pub struct Tail(pub Vec<(Handle, String)>);

/// How much of a block's text [`Tail`] keeps: enough for the words such lines start with.
pub const TAIL_PREFIX: usize = 32;

pub fn tail(body: &Handle) -> Tail {
    Tail(
        tail_blocks(body)
            .into_iter()
            .map(|node| {
                let start = text_prefix(&node, TAIL_PREFIX);
                (node, start)
            })
            .collect(),
    )
}

/// How many blocks from the end of the page (and of each wrapper ending it) are looked at.
const TAIL_BLOCKS: usize = 8;

/// The last few `<p>` and `<div>` blocks of the page: among the last children of the body,
/// and of the `<div>`, `<section>` or `<article>` that ends it, a few levels down.
pub fn tail_blocks(body: &Handle) -> Vec<Handle> {
    let mut found = Vec::new();
    let mut level = body.clone();
    for _ in 0..4 {
        let children: Vec<Handle> = level
            .children
            .borrow()
            .iter()
            .rev()
            .filter(|c| tag(c).is_some())
            .take(TAIL_BLOCKS)
            .cloned()
            .collect();
        let Some(last) = children.first().cloned() else {
            break;
        };
        found.extend(
            children
                .into_iter()
                .filter(|c| is_tag(c, &local_name!("p")) || is_tag(c, &local_name!("div"))),
        );
        let wrapper = matches!(
            tag(&last),
            Some(&local_name!("div") | &local_name!("section") | &local_name!("article"))
        );
        if !wrapper {
            break;
        }
        level = last;
    }
    found
}

/// The next sibling element, skipping whitespace text and comments.
pub fn next_element(node: &Handle) -> Option<Handle> {
    let parent = parent(node)?;
    let children = parent.children.borrow();
    let index = children.iter().position(|c| Rc::ptr_eq(c, node))?;
    children[index + 1..]
        .iter()
        .find(|c| match &c.data {
            NodeData::Text { contents } => !contents.borrow().trim().is_empty(),
            NodeData::Comment { .. } => false,
            _ => true,
        })
        .filter(|c| tag(c).is_some())
        .cloned()
}

/// The previous sibling element, skipping whitespace text and comments.
pub fn previous_element(node: &Handle) -> Option<Handle> {
    let parent = parent(node)?;
    let children = parent.children.borrow();
    let index = children.iter().position(|c| std::rc::Rc::ptr_eq(c, node))?;
    children[..index]
        .iter()
        .rev()
        .find(|c| match &c.data {
            NodeData::Text { contents } => !contents.borrow().trim().is_empty(),
            NodeData::Comment { .. } => false,
            _ => true,
        })
        .filter(|c| tag(c).is_some())
        .cloned()
}
