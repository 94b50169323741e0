//! Batch conversion of trees and the CI step (`--check`, `--report`, `--shard`), through the
//! real binary on real files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn cdt2md() -> Command {
    Command::cargo_bin("cdt2md").expect("binary is built")
}

fn fixture(name: &str) -> Vec<u8> {
    fs::read(Path::new("fixtures/pages").join(name)).expect("fixture page")
}

/// A small archive: good pages at two depths, broken pages, a non-page, a note, a hidden
/// folder, and the output folder inside the input.
fn archive() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("in");
    let put = |rel: &str, bytes: &[u8]| {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, bytes).expect("write");
    };
    put("399702.html", &fixture("399702.html"));
    put("2020/10/391037.html", &fixture("391037.html"));
    put("2025/01/seed.txt", &fixture("000_7bdf76efb00067fa.txt"));
    put("2020/09/392461.md", &fixture("392461.html"));
    put("broken/empty.html", b"");
    put("broken/binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    put(
        "broken/truncated.htm",
        &cut_mid_character(&fixture("391037.html")),
    );
    put("notes.txt", "just some notes, not a page\n".as_bytes());
    put("README.md", "# An archive\n\nOf saved pages.\n".as_bytes());
    put("image.png", b"\x89PNG");
    put(".git/config.html", &fixture("399702.html"));
    dir
}

/// The page cut off in the middle of a multi-byte character, as a broken download leaves it.
fn cut_mid_character(page: &[u8]) -> Vec<u8> {
    let at = (2000..page.len())
        .find(|&i| page[i] >= 0xC0)
        .expect("a multi-byte character");
    page[..at + 1].to_vec()
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_path_buf();
            (rel, fs::read(e.path()).expect("readable"))
        })
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

#[test]
fn converts_a_tree_mirroring_it_and_reports_bad_pages() {
    let dir = archive();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    let before = snapshot(&input);
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("empty.html: empty input")
                .and(predicate::str::contains("binary.html: binary data"))
                .and(predicate::str::contains(
                    "truncated.htm: ends in the middle of a UTF-8 character",
                ))
                .and(predicate::str::contains(
                    "4 converted, 0 unchanged, 3 skipped, 3 failed",
                )),
        );
    assert_eq!(
        names(&out),
        vec![
            "2020/09/392461.md",
            "2020/10/391037.md",
            "2025/01/seed.md",
            "399702.md"
        ]
    );
    assert_eq!(snapshot(&input), before, "inputs are never modified");
    let seed = fs::read_to_string(out.join("2025/01/seed.md")).expect("seed output");
    assert_eq!(
        seed,
        fs::read_to_string("fixtures/expected/000_7bdf76efb00067fa.md").expect("golden")
    );
}

#[test]
fn output_inside_the_input_is_never_walked() {
    let dir = archive();
    let input = dir.path().join("in");
    let out = input.join("markdown");
    for _ in 0..2 {
        cdt2md()
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("-q")
            .assert()
            .code(1);
    }
    // the second run would have found markdown/*.md had it walked into OUT
    assert!(!out.join("markdown").exists());
    assert_eq!(names(&out).len(), 4);
}

#[test]
fn good_trees_exit_0_and_unchanged_outputs_are_not_rewritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("a")).expect("mkdir");
    fs::write(input.join("a/x.html"), fixture("392232.html")).expect("write");
    fs::write(input.join("y.html"), fixture("399702.html")).expect("write");
    let out = dir.path().join("out");
    let run = || cdt2md().arg(&input).arg("-o").arg(&out).assert().success();
    run().stderr(predicate::str::contains("2 converted, 0 unchanged"));
    let mtime = |p: &Path| fs::metadata(p).expect("meta").modified().expect("mtime");
    let first = mtime(&out.join("a/x.md"));
    std::thread::sleep(std::time::Duration::from_millis(30));
    run().stderr(predicate::str::contains("0 converted, 2 unchanged"));
    assert_eq!(
        mtime(&out.join("a/x.md")),
        first,
        "unchanged output keeps its mtime"
    );
    assert!(
        names(&out).iter().all(|n| !n.contains(".cdt2md-")),
        "no temporary files left"
    );
}

#[test]
fn output_is_identical_for_any_number_of_jobs() {
    let dir = archive();
    let input = dir.path().join("in");
    let (one, four) = (dir.path().join("one"), dir.path().join("four"));
    for (jobs, out) in [("1", &one), ("4", &four)] {
        cdt2md()
            .arg(&input)
            .args(["-o"])
            .arg(out)
            .args(["-j", jobs, "-q"])
            .assert()
            .code(1);
    }
    assert_eq!(snapshot(&one), snapshot(&four));
}

#[test]
fn big_pages_take_turns_and_convert_like_the_rest() {
    // Pages above 256 KiB convert one at a time to bound memory; they still all convert, the
    // same at any -j, among small pages converting in parallel.
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    fs::create_dir_all(&input).expect("mkdir");
    let paragraphs: String = (0..4000)
        .map(|i| {
            format!("<p>段落 {i} <b>粗体</b> <a href=\"https://example.org/{i}\">链接</a></p>\n")
        })
        .collect();
    for k in 0..4 {
        fs::write(input.join(format!("big-{k}.html")), &paragraphs).expect("write");
        fs::write(
            input.join(format!("small-{k}.html")),
            fixture("399702.html"),
        )
        .expect("write");
    }
    assert!(paragraphs.len() > 256 * 1024);
    let (one, four) = (dir.path().join("one"), dir.path().join("four"));
    for (jobs, out) in [("1", &one), ("4", &four)] {
        cdt2md()
            .arg(&input)
            .arg("-o")
            .arg(out)
            .args(["-j", jobs, "-q"])
            .assert()
            .success();
    }
    let outputs = snapshot(&four);
    assert_eq!(snapshot(&one), outputs);
    assert_eq!(outputs.len(), 8);
    let big = String::from_utf8(outputs[Path::new("big-3.md")].clone()).expect("UTF-8");
    assert!(big.contains("段落 3999 **粗体** [链接](https://example.org/3999)"));
}

#[test]
fn check_passes_after_conversion_and_fails_after_edits() {
    let dir = archive();
    let input = dir.path().join("in");
    fs::remove_dir_all(input.join("broken")).expect("rm");
    let out = dir.path().join("out");
    let check = || {
        cdt2md()
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("--check")
            .assert()
    };
    check()
        .code(1)
        .stdout(predicate::str::contains("missing: "))
        .stderr(predicate::str::contains("4 missing"));
    assert!(!out.exists(), "--check writes nothing");
    cdt2md().arg(&input).arg("-o").arg(&out).assert().success();
    check().success().stdout("");

    fs::write(out.join("399702.md"), "edited\n").expect("edit");
    check()
        .code(1)
        .stdout(predicate::str::contains("stale: ").and(predicate::str::contains("399702.md")));
    cdt2md().arg(&input).arg("-o").arg(&out).assert().success();

    fs::remove_file(out.join("2020/10/391037.md")).expect("delete");
    check()
        .code(1)
        .stdout(predicate::str::contains("missing: ").and(predicate::str::contains("391037.md")));
    cdt2md().arg(&input).arg("-o").arg(&out).assert().success();

    fs::write(out.join("2020/gone.md"), "---\ntitle: gone\n---\n").expect("orphan");
    check()
        .code(1)
        .stdout(predicate::str::contains("orphaned: ").and(predicate::str::contains("gone.md")));
}

fn report_lines(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .expect("report")
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect()
}

#[test]
fn report_has_a_line_per_input_and_a_summary() {
    let dir = archive();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    let report = dir.path().join("report.jsonl");
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .arg("-q")
        .assert()
        .code(1);
    let lines = report_lines(&report);
    let (summary, pages) = lines.split_last().expect("lines");
    assert_eq!(summary["summary"]["converted"], 4);
    assert_eq!(summary["summary"]["failed"], 3);
    assert_eq!(summary["summary"]["skipped"], 3);
    assert_eq!(pages.len(), 10);
    let status = |suffix: &str| {
        pages
            .iter()
            .find(|p| p["input"].as_str().is_some_and(|i| i.ends_with(suffix)))
            .map(|p| p["status"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(status("seed.txt").as_deref(), Some("converted"));
    assert_eq!(status("empty.html").as_deref(), Some("failed"));
    assert_eq!(status("notes.txt").as_deref(), Some("skipped"));
    assert_eq!(status("image.png").as_deref(), Some("skipped"));
    let seed = pages
        .iter()
        .find(|p| p["input"].as_str().is_some_and(|i| i.ends_with("seed.txt")))
        .expect("seed line");
    assert_eq!(seed["title"], "Tiktok难民涌入小红书，别高兴的太早");
    assert!(seed["bytes_in"].as_u64() > seed["bytes_out"].as_u64());
    for key in [
        "input",
        "output",
        "status",
        "error",
        "warnings",
        "bytes_in",
        "bytes_out",
        "ms",
        "title",
    ] {
        assert!(seed.get(key).is_some(), "{key}");
    }
    let empty = pages
        .iter()
        .find(|p| {
            p["input"]
                .as_str()
                .is_some_and(|i| i.ends_with("empty.html"))
        })
        .expect("empty line");
    assert_eq!(empty["error"], "empty input: nothing to convert");

    // --check statuses in the report
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--check", "--report"])
        .arg(&report)
        .arg("-q")
        .assert()
        .code(1);
    let statuses: Vec<String> = report_lines(&report)
        .iter()
        .filter_map(|l| l["status"].as_str().map(str::to_string))
        .collect();
    assert_eq!(statuses.iter().filter(|s| *s == "unchanged").count(), 4);
}

#[test]
fn shards_cover_every_input_exactly_once() {
    let dir = archive();
    let input = dir.path().join("in");
    let mut seen: Vec<String> = Vec::new();
    for k in 1..=3 {
        let report = dir.path().join(format!("shard{k}.jsonl"));
        cdt2md()
            .arg(&input)
            .arg("-o")
            .arg(dir.path().join("out"))
            .arg("--shard")
            .arg(format!("{k}/3"))
            .arg("--report")
            .arg(&report)
            .arg("-q")
            .assert()
            .code(predicate::in_iter([0, 1]));
        seen.extend(
            report_lines(&report)
                .iter()
                .filter_map(|l| l["input"].as_str().map(str::to_string)),
        );
    }
    let total = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total, "no input in two shards");
    assert_eq!(total, 10, "every input in some shard");
}

#[test]
fn refuses_to_overwrite_inputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = dir.path().join("pages");
    fs::create_dir_all(&pages).expect("mkdir");
    // a saved page stored as .md, converted in place: its output is itself
    fs::write(pages.join("saved.md"), fixture("399702.html")).expect("write");
    // two pages with one name: the .html one wins, the .htm one is refused
    fs::write(pages.join("twin.html"), fixture("392232.html")).expect("write");
    fs::write(pages.join("twin.htm"), fixture("391037.html")).expect("write");
    let saved = fs::read(pages.join("saved.md")).expect("read");
    cdt2md()
        .arg(&pages)
        .arg("-o")
        .arg(&pages)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("saved.md would overwrite this input")
                .and(predicate::str::contains("twin.html also converts to")),
        );
    assert_eq!(fs::read(pages.join("saved.md")).expect("read"), saved);
    assert!(pages.join("twin.md").exists());
    // converting in place again: the outputs are not pages, so they are neither refused nor
    // counted as skipped inputs (nor their bytes in the MB figure)
    cdt2md()
        .arg(&pages)
        .arg("-o")
        .arg(&pages)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "0 converted, 1 unchanged, 0 skipped, 2 failed",
        ));
}

#[test]
fn same_page_from_two_inputs_is_written_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for d in [&a, &b] {
        fs::create_dir_all(d).expect("mkdir");
        fs::write(d.join("p.html"), fixture("392232.html")).expect("write");
    }
    cdt2md()
        .arg(&a)
        .arg(&b)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a/p.html also converts to"));
}

#[test]
fn globs_narrow_and_hidden_folders_are_skipped() {
    let dir = archive();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--glob", "*.html", "--exclude", "broken"])
        .assert()
        .success();
    assert_eq!(names(&out), vec!["2020/10/391037.md", "399702.md"]);
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("all"))
        .args(["--hidden", "--glob", "config.html"])
        .assert()
        .success();
    assert_eq!(names(&dir.path().join("all")), vec![".git/config.md"]);
}

#[test]
fn single_files_go_into_the_folder_by_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    cdt2md()
        .args([
            "fixtures/pages/392232.html",
            "fixtures/pages/000_7bdf76efb00067fa.txt",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(names(&out), vec!["000_7bdf76efb00067fa.md", "392232.md"]);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("file");
    fs::write(&file, "x").expect("write");
    cdt2md()
        .args(["fixtures/pages", "-o"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file"));
    cdt2md()
        .args(["no/such/dir", "-o"])
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/dir: no such file or folder",
        ));
    cdt2md()
        .arg("fixtures/pages")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory: add -o OUT"));
    cdt2md()
        .args(["--check", "fixtures/pages"])
        .assert()
        .code(2);
    cdt2md()
        .args(["fixtures/pages", "-o"])
        .arg(dir.path().join("o"))
        .args(["--shard", "4/3"])
        .assert()
        .code(2);
    cdt2md()
        .args(["fixtures/pages/392232.html", "fixtures/pages/399702.html"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("add -o OUT"));
    cdt2md()
        .args(["-", "-o"])
        .arg(dir.path().join("o"))
        .assert()
        .code(2);
}
