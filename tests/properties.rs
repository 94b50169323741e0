//! Properties over generated and damaged pages: conversion never panics, and whenever it
//! succeeds the output is valid: a YAML mapping on top, no raw HTML below, no replacement
//! characters the input did not have, and (for generated article markup) the text a reader
//! sees is the text of the page.

mod common;

use std::time::{Duration, Instant};

use proptest::prelude::*;

fn convert(bytes: &[u8]) -> Option<String> {
    cdt2md::convert(bytes, &cdt2md::Options::default())
        .ok()
        .map(|c| c.markdown)
}

/// The invariants every successful conversion keeps.
fn check_output(input: &[u8], markdown: &str) -> Result<(), TestCaseError> {
    let (front_matter, body) = common::split_front_matter(markdown);
    // A page that names nothing has no front matter at all, never an empty one.
    if let Some(yaml) = front_matter {
        let value: serde_yaml::Value =
            serde_yaml::from_str(yaml).map_err(|e| TestCaseError::fail(format!("YAML: {e}")))?;
        prop_assert!(
            value.as_mapping().is_some_and(|m| !m.is_empty()),
            "front matter is not a mapping, or empty"
        );
    } else {
        prop_assert!(
            !markdown.starts_with("---\n"),
            "a broken front matter block"
        );
    }
    let had_fffd = common::parses_to_replacement_char(input);
    prop_assert!(
        had_fffd || !markdown.contains('\u{fffd}'),
        "U+FFFD appeared"
    );
    prop_assert!(markdown.ends_with('\n') && !markdown.ends_with("\n\n"));
    prop_assert!(
        !outside_code(markdown).contains("\n\n\n"),
        "a run of blank lines"
    );
    // read_markdown panics on any raw HTML event
    let reading = std::panic::catch_unwind(|| {
        common::read_markdown(body, &Default::default());
    });
    prop_assert!(reading.is_ok(), "raw HTML in the body:\n{body}");
    Ok(())
}

/// The Markdown without the lines of fenced code blocks (whose blank lines are the code's).
fn outside_code(markdown: &str) -> String {
    let mut fence: Option<String> = None;
    let mut out = String::new();
    for line in markdown.split('\n') {
        let trimmed = line
            .trim_start_matches(|c: char| " >-*+.)".contains(c) || c.is_ascii_digit())
            .trim_start();
        let ticks: String = trimmed.chars().take_while(|&c| c == '`').collect();
        match &fence {
            Some(open) if trimmed.starts_with(open.as_str()) && trimmed.trim_end() == ticks => {
                fence = None;
                out.push_str("code");
            }
            Some(_) => out.push_str("code"),
            None if ticks.len() >= 3 => {
                fence = Some(ticks);
                out.push_str("code");
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn text_piece() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "中文",
        "标题",
        "：",
        "，",
        "。",
        "“",
        "”",
        "「",
        "」",
        "（",
        "）",
        "　",
        "\u{a0}",
        " ",
        "\n",
        "word",
        "Tiktok",
        "2025",
        "*",
        "**",
        "_",
        "`",
        "[",
        "]",
        "(",
        ")",
        "&lt;",
        "< ",
        "&lt;script&gt;",
        "&amp;",
        "&amp;amp;",
        "#",
        "# ",
        "1. ",
        "- ",
        "> ",
        "|",
        "~~",
        "\\",
        "!",
        "=",
        "---",
        "©",
        "😀",
        "习**",
        "snake_case",
    ])
    .prop_map(str::to_string)
}

const OPEN: [&str; 22] = [
    "<p>",
    "<div>",
    "<strong>",
    "<b>",
    "<em>",
    "<i>",
    "<a href=\"https://x.org/a\">",
    "<a href=\"/rel (1).html\">",
    "<ul>",
    "<ol>",
    "<li>",
    "<blockquote>",
    "<h2>",
    "<del>",
    "<span>",
    "<table>",
    "<tr>",
    "<td>",
    "<th>",
    "<pre>",
    "<code>",
    "<u>",
];

fn close_of(open: &str) -> String {
    let name: String = open[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("</{name}>")
}

const INLINE: [&str; 10] = [
    "<strong>",
    "<b>",
    "<em>",
    "<i>",
    "<del>",
    "<span>",
    "<u>",
    "<code>",
    "<a href=\"https://x.org/a\">",
    "<a href=\"/rel (1).html\">",
];

const BLOCK: [&str; 12] = [
    "<p>",
    "<div>",
    "<ul><li>",
    "<ol><li>",
    "<blockquote>",
    "<h2>",
    "<pre>",
    "<table><tr><td>",
    "<table><tr><th>",
    "<figure>",
    "<section>",
    "<li>",
];

fn wrap(open: &str, inner: &str) -> String {
    let closes: String = open
        .split('<')
        .filter(|t| !t.is_empty())
        .rev()
        .map(|t| close_of(&format!("<{t}")))
        .collect();
    format!("{open}{inner}{closes}")
}

/// Inline markup (text, emphasis, links, images, breaks) properly nested.
fn inline_content() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        5 => text_piece(),
        1 => Just("<br>".to_string()),
        1 => Just("<img src=\"https://x.org/i.png\" alt=\"图\">".to_string()),
    ];
    leaf.prop_recursive(5, 32, 5, |inner| {
        (
            prop::sample::select(INLINE.to_vec()),
            prop::collection::vec(inner, 0..5),
        )
            .prop_map(|(open, children)| wrap(open, &children.concat()))
    })
}

/// Article-like markup: blocks around blocks or inline content.
fn article() -> impl Strategy<Value = String> {
    inline_content().prop_recursive(4, 24, 4, |inner| {
        (
            prop::sample::select(BLOCK.to_vec()),
            prop::collection::vec(inner, 1..4),
        )
            .prop_map(|(open, children)| wrap(open, &children.concat()))
    })
}

/// Inline markup glued to CJK text and punctuation, no spaces: where emphasis delimiters are
/// hardest to place.
fn dense_inline() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "甲", "乙", "和", "文字", "：", "“", "”", "，", "。", "「", "」", "a", "1", "!", "*", "©",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(5, 40, 5, |inner| {
        (
            prop::sample::select(vec![
                "<strong>",
                "<em>",
                "<b>",
                "<i>",
                "<del>",
                "<a href=\"https://x.org\">",
                "<code>",
                "<span>",
            ]),
            prop::collection::vec(inner, 1..5),
        )
            .prop_map(|(open, children)| wrap(open, &children.concat()))
    })
}

/// Anything at all, tags unbalanced.
fn soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        3 => text_piece(),
        2 => prop::sample::select(OPEN.to_vec()).prop_map(str::to_string),
        2 => prop::sample::select(OPEN.to_vec()).prop_map(close_of),
        1 => prop::sample::select(vec![
            "<br>", "<hr>", "<script>alert(1)</script>", "<style>p{}</style>", "<!-- c -->",
            "<noscript><img src=\"https://x.org/n.png\"></noscript>",
            "<iframe src=\"https://www.youtube.com/embed/abcdefgh\"></iframe>",
            "<img src=\"data:image/svg+xml,x\" data-lazy-src=\"https://x.org/l.png\">",
            "<a href=\"javascript:alert(1)\">js</a>", "<img onerror=alert(1) src=x>",
            "<div class=\"addtoany_share_save_container\">share</div>", "</p></div>",
            "<table><td>cell", "<svg><script>x</script></svg>", "<math><mi>x</mi></math>",
        ]).prop_map(str::to_string),
    ];
    prop::collection::vec(token, 0..60).prop_map(|t| t.concat())
}

proptest! {
    // PROPTEST_CASES raises this for a longer run.
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn tag_soup_converts_to_valid_output(html in soup(), header in any::<bool>()) {
        let page = if header {
            format!("<!--1736909970000-->\n[标题 [x] (y)](https://x.org/a.html)\n------\n\n{html}")
        } else {
            html
        };
        if let Some(markdown) = convert(page.as_bytes()) {
            check_output(page.as_bytes(), &markdown)?;
        }
    }

    #[test]
    fn article_text_survives_rendering(html in article()) {
        let page = format!("[t](https://x.org/a.html)\n------\n\n<div>{html}</div>");
        let markdown = convert(page.as_bytes()).ok_or_else(|| TestCaseError::fail("failed"))?;
        check_output(page.as_bytes(), &markdown)?;
        let want = common::read_input(page.as_bytes());
        let (_, body) = common::split_front_matter(&markdown);
        let got = common::read_markdown(body, &want.embeds);
        prop_assert_eq!(&want.text, &got.text, "{}", common::first_difference(&want.text, &got.text));
        prop_assert_eq!(want.counts.images, got.counts.images);
        prop_assert_eq!(want.counts.links, got.counts.links);
        // (emphasis is checked letter by letter in `every_letter_keeps_its_emphasis`)
    }

    #[test]
    fn every_letter_keeps_its_emphasis(html in dense_inline()) {
        let page = format!("[t](https://x.org/a.html)\n------\n\n<p>{html}</p>");
        let markdown = convert(page.as_bytes()).ok_or_else(|| TestCaseError::fail("failed"))?;
        let (_, body) = common::split_front_matter(&markdown);
        let want = common::input_emphasis(page.as_bytes());
        let got = common::output_emphasis(body);
        prop_assert_eq!(want.len(), got.len(), "letters lost or gained\n{}", body);
        // Emphasis is never invented or shifted onto other letters. Where CommonMark cannot
        // express it all (kinds nested edge to edge between letters, bold code between
        // letters) some may be given up, but never where only one kind is in play.
        let kinds_in_play = want.iter().fold(0u8, |acc, (_, w)| acc | (w & !common::CODE));
        for ((c, w), (_, g)) in want.iter().zip(&got) {
            let meant = w & !common::CODE;
            prop_assert!(g & !meant == 0, "{c} gained emphasis {g:b} (meant {w:b})\n{body}");
            if meant != 0 && w & common::CODE == 0 && kinds_in_play.count_ones() == 1 {
                prop_assert_eq!(*g, meant, "{} lost its emphasis\n{}", c, body);
            }
        }
        // and no delimiter is left over as a literal character
        let input_text = common::read_input(page.as_bytes()).text;
        let output_text = common::output_text(body);
        for ch in ['*', '~'] {
            prop_assert!(
                output_text.matches(ch).count() <= input_text.matches(ch).count(),
                "stray {ch} in\n{body}"
            );
        }
    }

    #[test]
    fn damaged_real_pages_never_panic(
        page in prop::sample::select(fixture_pages()),
        cuts in prop::collection::vec((any::<prop::sample::Index>(), 0usize..3, text_piece()), 1..6),
    ) {
        let mut bytes = page;
        for (at, kind, piece) in cuts {
            let i = at.index(bytes.len() + 1);
            match kind {
                0 => bytes.truncate(i),
                1 => { bytes.splice(i..i, piece.bytes()); }
                _ => { let end = (i + 64).min(bytes.len()); bytes.drain(i..end); }
            }
        }
        if let Some(markdown) = convert(&bytes) {
            check_output(&bytes, &markdown)?;
        }
    }

    #[test]
    fn damaged_files_of_every_form_never_panic(
        file in prop::sample::select(form_files()),
        cuts in prop::collection::vec((any::<prop::sample::Index>(), 0usize..3, text_piece()), 1..6),
    ) {
        let mut bytes = file;
        for (at, kind, piece) in cuts {
            let i = at.index(bytes.len() + 1);
            match kind {
                0 => bytes.truncate(i),
                1 => { bytes.splice(i..i, piece.bytes()); }
                _ => { let end = (i + 64).min(bytes.len()); bytes.drain(i..end); }
            }
        }
        // JSON and XML escapes can spell U+FFFD, so that check is left to the pages above
        if let Ok(document) = cdt2md::convert_all(&bytes, &cdt2md::Options::default()) {
            for article in &document.articles {
                check_structure(&article.markdown)?;
            }
        }
    }
}

/// A front matter block that is a non-empty mapping, or none; no raw HTML below it.
fn check_structure(markdown: &str) -> Result<(), TestCaseError> {
    let (front_matter, body) = common::split_front_matter(markdown);
    if let Some(yaml) = front_matter {
        let value: serde_yaml::Value =
            serde_yaml::from_str(yaml).map_err(|e| TestCaseError::fail(format!("YAML: {e}")))?;
        prop_assert!(value.as_mapping().is_some_and(|m| !m.is_empty()), "{yaml}");
    }
    prop_assert!(markdown.ends_with('\n') || markdown.is_empty());
    let reading = std::panic::catch_unwind(|| {
        common::read_markdown(body, &Default::default());
    });
    prop_assert!(reading.is_ok(), "raw HTML in the body:\n{body}");
    Ok(())
}

/// The files of `fixtures/forms/` (no saved-beside folders), small ones first.
fn form_files() -> Vec<Vec<u8>> {
    let mut files: Vec<Vec<u8>> = walkdir::WalkDir::new("fixtures/forms")
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.path().to_string_lossy().contains("_files"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    files.sort_by_key(Vec::len);
    files
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

fn fixture_pages() -> Vec<Vec<u8>> {
    let mut pages: Vec<_> = std::fs::read_dir("fixtures/pages")
        .expect("fixtures")
        .map(|e| std::fs::read(e.expect("entry").path()).expect("page"))
        .collect();
    pages.sort();
    pages
}

/// Deep nesting must not overflow the stack, in the walks or when the DOM is dropped.
#[test]
fn hundred_thousand_nested_spans() {
    let depth = 100_000;
    let html = format!(
        "<p>{}深{}</p>",
        "<span>".repeat(depth),
        "</span>".repeat(depth)
    );
    let start = Instant::now();
    let markdown = convert(html.as_bytes()).expect("converts");
    assert_eq!(markdown, "深\n");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
}

/// Formatting elements (`<a>`, `<em>`) make html5ever's tree builder itself slow when nested
/// this deep (its adoption agency); bounding that is the depth limit's job. This checks the
/// walks and the writer, at a depth the parser handles quickly.
#[test]
fn deeply_nested_inline_elements_of_several_kinds() {
    let kinds = [
        "<span>",
        "<a href=\"https://x.org\">",
        "<em>",
        "<font>",
        "<u>",
    ];
    let mut html = String::from("<p>");
    for i in 0..20_000 {
        html.push_str(kinds[i % kinds.len()]);
    }
    html.push_str("深</p>");
    let markdown = convert(html.as_bytes()).expect("converts");
    assert!(markdown.contains("深"), "{markdown}");
}
