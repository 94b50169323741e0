//! Daily use, as a new user meets it: a batch says what each page lacked, orphaned outputs are
//! named and can be pruned, a folder may be called `man`, report figures are readable.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn cdt2md() -> Command {
    Command::cargo_bin("cdt2md").expect("binary is built")
}

fn report_lines(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .expect("report")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn a_batch_prints_every_pages_warnings_and_counts_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.jsonl");
    cdt2md()
        .args(["fixtures/encodings", "-o"])
        .arg(dir.path().join("out"))
        .arg("--report")
        .arg(&report)
        .assert()
        .success()
        .stderr(
            predicate::str::contains(
                "cdt2md: warning: fixtures/encodings/big5-undeclared.html: no charset declared; decoded as Big5 (guessed)",
            )
            .and(predicate::str::contains(
                "cdt2md: warning: fixtures/encodings/392399.gbk.html: no archive card",
            ))
            .and(predicate::str::is_match(r"converted.*, \d+ warnings;").expect("regex")),
        );
    let lines = report_lines(&report);
    let summary = &lines.last().expect("summary")["summary"];
    let per_file: u64 = lines
        .iter()
        .filter_map(|l| l["warnings"].as_array())
        .map(|w| w.len() as u64)
        .sum();
    assert!(per_file > 0);
    assert_eq!(summary["warnings"].as_u64(), Some(per_file));
    cdt2md()
        .args(["fixtures/encodings", "-q", "-o"])
        .arg(dir.path().join("quiet"))
        .assert()
        .success()
        .stderr("");
}

/// A converted copy of the fixture pages in `out`, with a deleted input's output, a note and
/// a stray HTML file beside them.
fn out_with_orphans(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let input = dir.join("in");
    common::copy_dir(Path::new("fixtures/pages"), &input);
    let out = dir.join("out");
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    fs::remove_file(input.join("392232.html")).expect("delete an input");
    fs::write(out.join("notes.md"), "# 我的笔记\n\n不是 cdt2md 写的。\n").expect("a note");
    fs::write(
        out.join("hand.md"),
        "---\nlayout: page\n---\n\nwritten by hand\n",
    )
    .expect("hand-written front matter");
    (input, out)
}

#[test]
fn orphans_are_named_in_every_mode_and_pruned_on_request() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (input, out) = out_with_orphans(dir.path());
    let orphan = out.join("392232.md");
    let report = dir.path().join("report.jsonl");
    // a refresh says so, and succeeds
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("orphaned: ")
                .and(predicate::str::contains("392232.md"))
                .and(predicate::str::contains("--prune deletes it"))
                .and(predicate::str::contains("1 orphaned")),
        );
    let orphaned: Vec<_> = report_lines(&report)
        .into_iter()
        .filter(|l| l["status"] == "orphaned")
        .collect();
    assert_eq!(orphaned.len(), 1, "only what cdt2md could have written");
    assert!(
        orphaned[0]["output"]
            .as_str()
            .is_some_and(|o| o.ends_with("392232.md"))
    );
    // --check fails on it, and reports it the same way
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--check")
        .arg("--report")
        .arg(&report)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("orphaned: "));
    assert!(
        report_lines(&report)
            .iter()
            .any(|l| l["status"] == "orphaned")
    );
    // --prune deletes it, and nothing else
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--prune")
        .arg("--report")
        .arg(&report)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "pruned: {}",
            orphan.display()
        )));
    assert!(!orphan.exists());
    assert!(out.join("notes.md").exists() && out.join("hand.md").exists());
    assert!(out.join("399702.md").exists());
    let lines = report_lines(&report);
    assert!(lines.iter().any(|l| l["status"] == "pruned"));
    assert_eq!(lines.last().expect("summary")["summary"]["pruned"], 1);
    // and then --check is clean
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--check")
        .assert()
        .success();
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--prune", "--check"])
        .assert()
        .code(2);
}

#[cfg(unix)]
#[test]
fn prune_never_follows_a_link_out_of_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (input, out) = out_with_orphans(dir.path());
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).expect("mkdir");
    fs::copy(out.join("399702.md"), outside.join("kept.md")).expect("copy");
    std::os::unix::fs::symlink(&outside, out.join("link")).expect("symlink");
    std::os::unix::fs::symlink(outside.join("kept.md"), out.join("kept.md")).expect("symlink");
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--prune")
        .arg("-q")
        .assert()
        .success();
    assert!(outside.join("kept.md").exists());
}

#[test]
fn a_folder_named_like_a_subcommand_is_an_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["man", "completions"] {
        let folder = dir.path().join(name);
        fs::create_dir_all(&folder).expect("mkdir");
        fs::copy("fixtures/pages/399702.html", folder.join("399702.html")).expect("copy");
        cdt2md()
            .current_dir(dir.path())
            .args([name, "-o", "out", "-q"])
            .assert()
            .success();
        assert!(dir.path().join("out/399702.md").exists(), "{name}");
        fs::remove_dir_all(dir.path().join("out")).expect("clean");
    }
    // and alone, the subcommand
    cdt2md()
        .current_dir(dir.path())
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH"));
}

#[test]
fn report_figures_are_rounded_and_outputs_in_place_are_not_inputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = dir.path().join("pages");
    common::copy_dir(Path::new("fixtures/pages"), &pages);
    let report = dir.path().join("report.jsonl");
    for _ in 0..2 {
        cdt2md()
            .arg(&pages)
            .arg("-o")
            .arg(&pages)
            .arg("--report")
            .arg(&report)
            .arg("-q")
            .assert()
            .success();
    }
    let text = fs::read_to_string(&report).expect("report");
    let lines = report_lines(&report);
    for line in &lines[..lines.len() - 1] {
        let ms = line["ms"].as_f64().expect("ms");
        assert_eq!((ms * 1000.0).round() / 1000.0, ms, "{line}");
        assert!(
            !line["input"].as_str().is_some_and(|i| i.ends_with(".md")),
            "{line}"
        );
    }
    assert!(
        !text.contains("99999") && !text.contains("00000000"),
        "{text}"
    );
    let summary = &lines.last().expect("summary")["summary"];
    assert_eq!(
        summary["skipped"], 0,
        "the .md outputs beside the pages are not inputs"
    );
    let page_bytes: u64 = fs::read_dir("fixtures/pages")
        .expect("fixtures")
        .map(|e| e.expect("entry").metadata().expect("meta").len())
        .sum();
    assert_eq!(summary["bytes_in"].as_u64(), Some(page_bytes));
}
