//! `<img>`: an image, its URL rewritten as the options say.

use markup5ever_rcdom::Handle;

use super::{Element, Visit};
use crate::dom;
use crate::markdown::{Images, Writer};
use crate::url;

pub(crate) struct Image;

impl Element for Image {
    fn enter(&self, w: &mut Writer<'_>, node: &Handle) -> Visit {
        let saved = dom::attr(node, "src").is_some_and(|s| url::saved_beside(&s).is_some());
        let src = match dom::attr(node, "src").map(|s| w.target(&s)) {
            Some(url::Target::Url(src)) if !src.is_empty() && saved => src,
            Some(url::Target::Url(src)) if !src.is_empty() => match w.cx.links.images {
                Images::AsWritten => src,
                Images::Base(base) => url::rebase(&src, base).unwrap_or(src),
                Images::Mirror(dir) => url::mirror(&src, dir).unwrap_or(src),
            },
            _ => return Visit::Done,
        };
        let alt = dom::attr(node, "alt")
            .map(|a| a.to_string())
            .unwrap_or_default();
        let title = dom::attr(node, "title")
            .map(|t| t.to_string())
            .filter(|t| !t.is_empty());
        w.inline.image(alt, src, title);
        Visit::Done
    }
}
