//! Each golden output, rendered by a CommonMark renderer (pulldown-cmark, GFM tables and
//! strikethrough on), shows what its input page shows: the same visible text, the same link
//! and image URLs in the same order, and the same number of bold and italic runs, headings,
//! list items, quotes and cells.

mod common;

use std::fs;

use common::{first_difference, read_input, read_markdown, split_front_matter};

#[test]
fn rendered_output_matches_the_input_page() {
    let mut pages: Vec<_> = fs::read_dir("fixtures/pages")
        .expect("fixtures/pages exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    pages.sort();
    let mut failures = Vec::new();
    for page in pages {
        let input = fs::read(&page).expect("page is readable");
        let stem = page
            .file_stem()
            .expect("named")
            .to_string_lossy()
            .into_owned();
        let output = fs::read_to_string(format!("fixtures/expected/{stem}.md"))
            .expect("golden output exists");
        let (front_matter, body) = split_front_matter(&output);
        assert!(front_matter.is_some(), "{stem}: no front matter");

        let want = read_input(&input);
        let got = read_markdown(body, &want.embeds);
        if want.text != got.text {
            failures.push(format!(
                "{stem}: text differs {}",
                first_difference(&want.text, &got.text)
            ));
        }
        for (what, want_urls, got_urls) in [
            ("links", &want.links, &got.links),
            ("images", &want.images, &got.images),
        ] {
            if let Some(difference) = common::first_url_difference(want_urls, got_urls) {
                failures.push(format!("{stem}: {what} differ at {difference}"));
            }
        }
        if want.counts != got.counts {
            failures.push(format!(
                "{stem}: counts differ\n  input:  {:?}\n  output: {:?}",
                want.counts, got.counts
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_oracle_sees_emphasis_runs_like_a_reader() {
    let page =
        "<p><strong>标题：</strong>Tiktok <b>a</b><b>b</b> <em>x</em>y<strong>：</strong></p>";
    let want = read_input(page.as_bytes());
    assert_eq!((want.counts.bold, want.counts.italic), (2, 1));
    let got = read_markdown("**标题**：Tiktok **ab** *x*y：", &Default::default());
    assert_eq!((got.counts.bold, got.counts.italic), (2, 1));
    // CommonMark does not close `**` between `：` and a letter: no bold at all.
    let broken = read_markdown("**标题：**Tiktok", &Default::default());
    assert_eq!(broken.counts.bold, 0);
}

#[test]
fn the_oracle_sees_a_wrong_url_or_a_changed_order() {
    let urls = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let want = urls(&["https://a.org/1", "https://a.org/2"]);
    assert_eq!(common::first_url_difference(&want, &want), None);
    assert!(
        common::first_url_difference(&want, &urls(&["https://a.org/2", "https://a.org/1"]))
            .is_some()
    );
    assert!(
        common::first_url_difference(&want, &urls(&["https://a.org/1", "https://b.org/2"]))
            .is_some()
    );
    assert!(common::first_url_difference(&want, &urls(&["https://a.org/1"])).is_some());
    // a relative URL made absolute, and percent-encoding, are the same URL
    assert_eq!(
        common::first_url_difference(
            &urls(&["files/a b.jpg"]),
            &urls(&["https://x.net/files/a%20b.jpg"])
        ),
        None
    );
}
