//! The archive as a whole: `--catalog` (JSON Lines and CSV) and `--image-list`, on the
//! bundled pages and forms.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

fn cdt2md() -> Command {
    Command::cargo_bin("cdt2md").expect("binary is built")
}

/// Converts the fixture pages and forms into `dir/out` with the given extra arguments.
fn run(dir: &Path, extra: &[&str]) {
    cdt2md()
        .args(["fixtures/pages", "fixtures/forms", "-q", "-o"])
        .arg(dir.join("out"))
        .args(extra)
        .assert()
        .success();
}

fn yaml_of(markdown: &str) -> serde_yaml::Mapping {
    let (yaml, _) = common::split_front_matter(markdown);
    serde_yaml::from_str(yaml.unwrap_or("{}")).expect("front matter parses")
}

fn text(value: Option<&serde_yaml::Value>) -> serde_json::Value {
    match value.and_then(|v| v.as_str()) {
        Some(s) => serde_json::Value::String(s.to_string()),
        None => serde_json::Value::Null,
    }
}

fn list(value: Option<&serde_yaml::Value>) -> serde_json::Value {
    let items: Vec<serde_json::Value> = value
        .and_then(|v| v.as_sequence())
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str())
                .map(|v| serde_json::Value::String(v.to_string()))
                .collect()
        })
        .unwrap_or_default();
    serde_json::Value::Array(items)
}

/// Every image URL in the Markdown files under `out`, as a CommonMark reader finds them.
fn image_urls(out: &Path) -> BTreeSet<String> {
    let mut urls = BTreeSet::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.expect("walkable");
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let markdown = fs::read_to_string(entry.path()).expect("readable");
        let (_, body) = common::split_front_matter(&markdown);
        let options =
            pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
        for event in pulldown_cmark::Parser::new_ext(body, options) {
            if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) = event
                && (dest_url.starts_with("http://") || dest_url.starts_with("https://"))
            {
                urls.insert(dest_url.to_string());
            }
        }
    }
    urls
}

#[test]
fn catalogue_rows_say_what_the_outputs_front_matter_says() {
    let dir = TempDir::new().expect("temp dir");
    let catalogue = dir.path().join("catalogue.jsonl");
    run(
        dir.path(),
        &["--catalog", catalogue.to_str().expect("UTF-8")],
    );
    let out = dir.path().join("out");
    let rows: Vec<serde_json::Value> = fs::read_to_string(&catalogue)
        .expect("catalogue written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object a line"))
        .collect();
    let outputs = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "md"))
        })
        .count();
    assert_eq!(rows.len(), outputs, "one row per Markdown file written");
    for row in &rows {
        let output = out.join(row["output"].as_str().expect("output"));
        let markdown = fs::read_to_string(&output).expect("the row's output exists");
        let yaml = yaml_of(&markdown);
        let get = |k: &str| yaml.get(serde_yaml::Value::String(k.to_string()));
        for key in [
            "url",
            "title",
            "headline",
            "date",
            "archived",
            "author",
            "source",
            "source_url",
        ] {
            assert_eq!(row[key], text(get(key)), "{key} of {}", output.display());
        }
        for key in ["topics", "tags", "collections", "categories"] {
            assert_eq!(row[key], list(get(key)), "{key} of {}", output.display());
        }
        assert!(Path::new(row["input"].as_str().expect("input")).exists());
        assert!(row["chars"].as_u64().expect("chars") > 0 || markdown.trim_end().ends_with("---"));
    }
    // sorted by date, then archiving time, then URL (absent ones last)
    let keys: Vec<(bool, String)> = rows
        .iter()
        .map(|r| {
            let date = r["date"].as_str();
            (date.is_none(), date.unwrap_or_default().to_string())
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "rows sorted by date");
    // the seed page's post id, from its URL
    assert!(rows.iter().any(|r| r["id"] == "714996"));
}

#[test]
fn a_csv_catalogue_reads_with_a_standard_reader() {
    let dir = TempDir::new().expect("temp dir");
    let jsonl = dir.path().join("c.jsonl");
    let csv_path = dir.path().join("c.csv");
    run(dir.path(), &["--catalog", jsonl.to_str().expect("UTF-8")]);
    run(
        dir.path(),
        &["--catalog", csv_path.to_str().expect("UTF-8")],
    );
    let rows: Vec<serde_json::Value> = fs::read_to_string(&jsonl)
        .expect("written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let mut reader = csv::Reader::from_path(&csv_path).expect("CSV opens");
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header[..3], ["id", "url", "title"]);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    assert_eq!(records.len(), rows.len());
    for (record, row) in records.iter().zip(&rows) {
        for (column, value) in header.iter().zip(record.iter()) {
            let want = match &row[column.as_str()] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            };
            assert_eq!(value, want, "column {column}");
        }
    }
}

#[test]
fn the_image_list_is_every_image_of_the_outputs() {
    let dir = TempDir::new().expect("temp dir");
    let list = dir.path().join("images.txt");
    run(dir.path(), &["--image-list", list.to_str().expect("UTF-8")]);
    let written = fs::read_to_string(&list).expect("written");
    let lines: Vec<&str> = written.lines().collect();
    let mut sorted = lines.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(lines, sorted, "sorted and unique");
    let listed: BTreeSet<String> = lines.iter().map(|s| s.to_string()).collect();
    assert_eq!(listed, image_urls(&dir.path().join("out")));
    assert!(listed.len() > 20);
}

#[test]
fn the_files_are_the_same_bytes_at_any_job_count_and_check_agrees() {
    let one = TempDir::new().expect("temp dir");
    let two = TempDir::new().expect("temp dir");
    let args = |dir: &Path| {
        vec![
            "--catalog".to_string(),
            dir.join("c.csv").display().to_string(),
            "--image-list".to_string(),
            dir.join("i.txt").display().to_string(),
        ]
    };
    let a = args(one.path());
    let b = args(two.path());
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    run(one.path(), &[&a[..], &["-j", "1"]].concat());
    run(two.path(), &[&b[..], &["-j", "2"]].concat());
    for name in ["c.csv", "i.txt"] {
        assert_eq!(
            fs::read(one.path().join(name)).expect("written"),
            fs::read(two.path().join(name)).expect("written"),
            "{name}"
        );
    }
    // --check after a run finds nothing; a changed catalogue is stale
    run(one.path(), &[&a[..], &["--check"]].concat());
    fs::write(one.path().join("c.csv"), "id\n").expect("writable");
    cdt2md()
        .args(["fixtures/pages", "fixtures/forms", "-q", "--check", "-o"])
        .arg(one.path().join("out"))
        .args(&a)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("stale:").and(predicates::str::contains("c.csv")));
}

use predicates::prelude::*;

/// The links of each Markdown file under `out`, in order, keyed by its path relative to `out`.
fn links_by_file(out: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut all = std::collections::BTreeMap::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.expect("walkable");
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let markdown = fs::read_to_string(entry.path()).expect("readable");
        let (_, body) = common::split_front_matter(&markdown);
        let links = pulldown_cmark::Parser::new(body)
            .filter_map(|event| match event {
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => {
                    Some(dest_url.to_string())
                }
                _ => None,
            })
            .collect();
        let relative = entry.path().strip_prefix(out).expect("inside");
        all.insert(relative.to_string_lossy().replace('\\', "/"), links);
    }
    all
}

fn run_archive(out: &Path, extra: &[&str]) {
    cdt2md()
        .args(["fixtures/pages", "fixtures/archive", "-q", "-o"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

#[test]
fn local_links_lead_to_the_articles_of_the_run_and_only_to_them() {
    let dir = TempDir::new().expect("temp dir");
    let (plain, local) = (dir.path().join("plain"), dir.path().join("local"));
    run_archive(&plain, &[]);
    run_archive(&local, &["--local-links"]);
    let (before, after) = (links_by_file(&plain), links_by_file(&local));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let mut rewritten = 0;
    for (file, old_links) in &before {
        let new_links = &after[file];
        assert_eq!(
            old_links.len(),
            new_links.len(),
            "{file}: links lost or added"
        );
        let folder = Path::new(file).parent().unwrap_or(Path::new(""));
        for (old, new) in old_links.iter().zip(new_links) {
            if old == new {
                continue;
            }
            rewritten += 1;
            assert!(!new.contains("://"), "{file}: {new} is not relative");
            let target = new.split('#').next().unwrap_or_default();
            assert!(
                local.join(folder).join(target).is_file(),
                "{file}: {new} (was {old}) leads to no output"
            );
        }
    }
    // the fixture's five spellings of two articles, and 391728's links to 392461 and 392025
    let links = &after["2021/links.md"];
    assert_eq!(
        links[..5],
        [
            "../000_7bdf76efb00067fa.md",
            "../000_7bdf76efb00067fa.md",
            "../000_7bdf76efb00067fa.md",
            "../000_7bdf76efb00067fa.md#comments",
            "../391728.md",
        ]
    );
    // an article outside the run, another site, a note in the page: as they were
    assert_eq!(links[5..], before["2021/links.md"][5..]);
    assert!(after["391728.md"].iter().any(|l| l == "392461.md"));
    assert!(after["391728.md"].iter().any(|l| l == "392025.md"));
    assert!(rewritten >= 7, "{rewritten} links rewritten");
}

#[test]
fn local_links_and_dedupe_are_the_same_bytes_at_any_job_count_and_check_agrees() {
    let dir = TempDir::new().expect("temp dir");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    run_archive(&one, &["--local-links", "--dedupe", "-j", "1"]);
    run_archive(&two, &["--local-links", "--dedupe", "-j", "2"]);
    for entry in walkdir::WalkDir::new(&one) {
        let entry = entry.expect("walkable");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(&one).expect("inside");
            assert_eq!(
                fs::read(entry.path()).expect("readable"),
                fs::read(two.join(relative)).expect("the same file at -j 2"),
                "{}",
                relative.display()
            );
        }
    }
    run_archive(&one, &["--local-links", "--dedupe", "--check"]);
    // without the option, the rewritten links are stale
    cdt2md()
        .args(["fixtures/pages", "fixtures/archive", "-q", "--check", "-o"])
        .arg(&one)
        .assert()
        .code(1);
}

#[test]
fn reposts_are_marked_and_dedupe_writes_one_copy() {
    let dir = TempDir::new().expect("temp dir");
    let (all, one) = (dir.path().join("all"), dir.path().join("one"));
    let catalogue = dir.path().join("c.jsonl");
    let report = dir.path().join("r.jsonl");
    run_archive(&all, &["--catalog", catalogue.to_str().expect("UTF-8")]);
    let rows: Vec<serde_json::Value> = fs::read_to_string(&catalogue)
        .expect("written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let mut marked: Vec<(String, String)> = rows
        .iter()
        .filter(|r| !r["duplicate_of"].is_null())
        .map(|r| {
            (
                r["output"].as_str().expect("output").to_string(),
                r["duplicate_of"].as_str().expect("kept").to_string(),
            )
        })
        .collect();
    marked.sort();
    // the re-post with an editor's note keeps the longer copy; the same URL spelled
    // otherwise keeps the first in path order; another day of one series is no re-post
    assert_eq!(
        marked,
        [
            (
                "2021/seed-again.md".to_string(),
                "000_7bdf76efb00067fa.md".to_string()
            ),
            ("400692.md".to_string(), "2021/repost.md".to_string()),
        ]
    );
    assert!(
        rows.iter()
            .any(|r| r["output"] == "series/401475.md" && r["duplicate_of"].is_null())
    );
    for row in &rows {
        if let Some(similarity) = row["similarity"].as_f64() {
            assert!((0.6..=1.0).contains(&similarity), "{row}");
        }
    }
    assert!(
        all.join("400692.md").is_file(),
        "without --dedupe every copy is written"
    );

    cdt2md()
        .args(["fixtures/pages", "fixtures/archive", "--dedupe", "--report"])
        .arg(&report)
        .arg("-o")
        .arg(&one)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "cdt2md: duplicate: fixtures/pages/400692.html",
        ));
    assert!(!one.join("400692.md").exists());
    assert!(!one.join("2021/seed-again.md").exists());
    assert!(one.join("2021/repost.md").is_file());
    assert!(one.join("series/401475.md").is_file());
    let lines: Vec<serde_json::Value> = fs::read_to_string(&report)
        .expect("report")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let duplicate = lines
        .iter()
        .find(|l| l["input"] == "fixtures/pages/400692.html")
        .expect("the re-post's line");
    assert_eq!(duplicate["status"], "duplicate");
    assert!(
        duplicate["duplicate_of"]
            .as_str()
            .is_some_and(|kept| kept.ends_with("2021/repost.md"))
    );
    let summary = lines.last().expect("a summary");
    assert_eq!(summary["summary"]["duplicates"], 2);
    // a second run finds nothing to do; --check agrees
    cdt2md()
        .args([
            "fixtures/pages",
            "fixtures/archive",
            "--dedupe",
            "--check",
            "-q",
            "-o",
        ])
        .arg(&one)
        .assert()
        .success();
}

#[test]
fn shards_read_the_whole_run_for_links_and_reposts() {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("out");
    run_archive(&out, &["--local-links", "--dedupe"]);
    for shard in ["1/3", "2/3", "3/3"] {
        run_archive(
            &out,
            &["--local-links", "--dedupe", "--check", "--shard", shard],
        );
    }
    // the catalogue lists the whole run, which a shard is not
    cdt2md()
        .args(["fixtures/pages", "--shard", "1/2", "--catalog"])
        .arg(dir.path().join("c.csv"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
}

#[test]
fn a_feed_with_a_long_head_links_its_items_from_their_folder() {
    let dir = TempDir::new().expect("temp dir");
    let input = dir.path().join("in");
    fs::create_dir_all(&input).expect("folder");
    let item = |name: &str, body: &str| {
        format!(
            "<item><title>{name}</title><link>https://chinadigitaltimes.net/chinese/2021/03/{name}/</link>\
             <pubDate>Mon, 01 Mar 2021 00:00:00 +0000</pubDate>\
             <content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    };
    // a comment longer than the head cdt2md looks at first
    let feed = format!(
        "<?xml version=\"1.0\"?>\n<!-- {} -->\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>t</title>{}{}</channel></rss>\n",
        "x".repeat(5000),
        item(
            "a",
            "<p>see <a href=\"https://chinadigitaltimes.net/chinese/2021/03/b/\">b</a></p>"
        ),
        item("b", "<p>text of b</p>")
    );
    fs::write(input.join("news.xml"), feed).expect("written");
    let out = dir.path().join("out");
    cdt2md()
        .arg(&input)
        .args(["--local-links", "-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let links = links_by_file(&out);
    assert_eq!(links["news/a.md"], ["b.md"]);
}

#[test]
fn dedupe_names_and_prunes_the_reposts_an_earlier_run_wrote() {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("out");
    run_archive(&out, &[]);
    assert!(out.join("400692.md").is_file());
    cdt2md()
        .args([
            "fixtures/pages",
            "fixtures/archive",
            "--dedupe",
            "--check",
            "-q",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("orphaned:").and(predicates::str::contains("400692.md")));
    run_archive(&out, &["--dedupe", "--prune"]);
    assert!(!out.join("400692.md").exists());
    assert!(!out.join("2021/seed-again.md").exists());
    assert!(out.join("2021/repost.md").is_file());
    run_archive(&out, &["--dedupe", "--check"]);
}
