//! Whole-page golden files: every page in `fixtures/pages/` converts to exactly the bytes in
//! `fixtures/expected/`. Review changes by eye, then refresh with
//! `UPDATE_GOLDEN=1 cargo test --test golden`.

use std::fs;
use std::path::{Path, PathBuf};

fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir("fixtures/pages")
        .expect("fixtures/pages exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_file())
        .collect();
    pages.sort();
    pages
}

fn expected_path(page: &Path) -> PathBuf {
    let stem = page.file_stem().expect("page has a name");
    Path::new("fixtures/expected")
        .join(stem)
        .with_extension("md")
}

#[test]
fn every_page_matches_its_golden_file() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for page in pages() {
        let input = fs::read(&page).expect("page is readable");
        let output = cdt2md::convert(&input, &cdt2md::Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", page.display()))
            .markdown;
        let golden = expected_path(&page);
        if update {
            fs::write(&golden, &output).expect("golden file is writable");
            continue;
        }
        let expected = fs::read_to_string(&golden).unwrap_or_default();
        if output != expected {
            let line = output
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| output.lines().count().min(expected.lines().count()));
            failures.push(format!(
                "{}: differs from {} at line {}\n  got:      {:?}\n  expected: {:?}",
                page.display(),
                golden.display(),
                line + 1,
                output.lines().nth(line).unwrap_or("<end>"),
                expected.lines().nth(line).unwrap_or("<end>"),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_golden_file_without_its_page() {
    let stems: Vec<_> = pages().iter().map(|p| expected_path(p)).collect();
    for entry in fs::read_dir("fixtures/expected").expect("fixtures/expected exists") {
        let path = entry.expect("readable entry").path();
        assert!(
            stems.contains(&path),
            "{} has no page in fixtures/pages",
            path.display()
        );
    }
}

#[test]
fn the_fixtures_cover_the_page_shapes() {
    let pages = pages();
    assert!(pages.len() >= 9, "the seed and at least 8 real pages");
    let texts: Vec<String> = pages
        .iter()
        .map(|p| String::from_utf8_lossy(&fs::read(p).expect("readable")).into_owned())
        .collect();
    let any = |needle: &str| texts.iter().any(|t| t.contains(needle));
    for needle in [
        "CDT 档案卡",
        "日期：",
        "<!--16",
        "data-lazy-src",
        "<noscript>",
        "addtoany_share_save_container",
        "Feed enhanced by",
        "__cf_email__",
        "wp-embedded-content",
        "youtube.com/embed",
        "<table",
        "<pre",
        "<em>",
        "<del>",
        "wp-caption",
        "<figure",
    ] {
        assert!(any(needle), "no fixture page holds {needle}");
    }
}
