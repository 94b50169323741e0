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

/// Each feature of real pages is held by some fixture page, and that page's conversion shows
/// the feature handled (not merely present in the input).
#[test]
fn the_fixtures_cover_the_page_shapes() {
    let pages = pages();
    assert!(pages.len() >= 9, "the seed and at least 8 real pages");
    let converted: Vec<(String, String)> = pages
        .iter()
        .map(|p| {
            let input = fs::read(p).expect("readable");
            let markdown = cdt2md::convert(&input, &cdt2md::Options::default())
                .map(|c| c.markdown)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (String::from_utf8_lossy(&input).into_owned(), markdown)
        })
        .collect();
    type Check = fn(&str) -> bool;
    let features: &[(&str, Check)] = &[
        ("CDT 档案卡", |md| {
            md.starts_with("---\n") && md.contains("\nauthor: ")
        }),
        ("日期：", |md| md.contains("\ndate: ")),
        ("<!--16", |md| md.contains("\narchived: ")),
        ("data-lazy-src", |md| !md.contains("data:image")),
        ("<noscript>", |md| !md.contains("noscript")),
        ("addtoany_share_save_container", |md| {
            !md.contains("addtoany")
        }),
        ("Feed enhanced by", |md| !md.contains("Feed enhanced")),
        ("__cf_email__", |md| {
            !md.contains("email protected") && md.contains('@')
        }),
        ("wp-embedded-content", |md| md.contains("\n> ")),
        ("youtube.com/embed", |md| {
            md.contains("youtube.com/watch?v=")
        }),
        ("<table", |md| md.contains("| --- |")),
        ("<pre", |md| md.contains("\n```")),
        ("<em>", |md| md.contains('*')),
        ("<del>", |md| md.contains("~~")),
        ("wp-caption", |md| md.contains("![")),
        ("<figure", |md| md.contains("![")),
    ];
    for (needle, handled) in features {
        let holders: Vec<&(String, String)> = converted
            .iter()
            .filter(|(input, _)| input.contains(needle))
            .collect();
        assert!(!holders.is_empty(), "no fixture page holds {needle}");
        let unhandled: Vec<usize> = (0..holders.len())
            .filter(|&k| !handled(&holders[k].1))
            .collect();
        assert!(
            unhandled.is_empty(),
            "{} of {} pages holding {needle} convert without showing it handled",
            unhandled.len(),
            holders.len()
        );
    }
}
