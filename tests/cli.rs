//! The command line: what it prints, where, and with which exit code.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;

const SEED: &str = "fixtures/pages/000_7bdf76efb00067fa.txt";

fn cdt2md() -> Command {
    Command::cargo_bin("cdt2md").expect("binary is built")
}

fn golden(stem: &str) -> String {
    fs::read_to_string(format!("fixtures/expected/{stem}.md")).expect("golden file")
}

#[test]
fn converts_a_file_to_stdout() {
    cdt2md()
        .arg(SEED)
        .assert()
        .success()
        .stdout(golden("000_7bdf76efb00067fa"));
}

#[test]
fn reads_stdin_with_dash_or_without_argument() {
    let page = fs::read(SEED).expect("seed");
    let expected = golden("000_7bdf76efb00067fa");
    cdt2md()
        .arg("-")
        .write_stdin(page.clone())
        .assert()
        .success()
        .stdout(expected.clone());
    cdt2md()
        .write_stdin(page)
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn no_front_matter_writes_a_title_heading() {
    cdt2md()
        .args(["--no-front-matter", SEED])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "# Tiktok难民涌入小红书，别高兴的太早\n\n**文丨陈白**\n",
        ))
        .stdout(predicate::str::contains("title:").not());
}

#[test]
fn warnings_go_to_stderr_and_quiet_silences_them() {
    let page = "<p>没有页头，也没有档案卡</p>";
    cdt2md()
        .write_stdin(page)
        .assert()
        .success()
        // nothing names the article, so there is no front matter to write (never `{}`)
        .stdout("没有页头，也没有档案卡\n")
        .stderr(predicate::str::contains(
            "cdt2md: warning: <stdin>: no archive card",
        ));
    cdt2md()
        .arg("-q")
        .write_stdin(page)
        .assert()
        .success()
        .stderr("");
}

#[test]
fn empty_input_fails_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("empty.html");
    fs::write(&path, "").expect("write");
    cdt2md().arg(&path).assert().code(1).stdout("").stderr(
        predicate::str::contains("empty.html").and(predicate::str::contains("empty input")),
    );
    cdt2md()
        .write_stdin("  \n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("<stdin>: empty input"));
}

#[test]
fn binary_input_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("image.png");
    fs::write(&path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").expect("write");
    cdt2md()
        .arg(&path)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("image.png: binary data"));
}

#[test]
fn other_encodings_are_decoded_and_undecodable_pages_fail() {
    // "测试页面" in GBK, declared
    let mut gbk = b"<meta charset=\"gbk\"><p>".to_vec();
    gbk.extend_from_slice(b"\xb2\xe2\xca\xd4\xd2\xb3\xc3\xe6</p>");
    cdt2md()
        .arg("-q")
        .write_stdin(gbk)
        .assert()
        .success()
        .stdout("测试页面\n");
    let noise: Vec<u8> = (0..400u32)
        .map(|i| 0x80 + ((i * 37) % 0x7F) as u8)
        .collect();
    cdt2md()
        .write_stdin(noise)
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains("<stdin>: cannot tell its text encoding")
                .and(predicate::str::contains("best guess")),
        );
}

#[test]
fn usage_errors_exit_2() {
    cdt2md().arg("--no-such-flag").assert().code(2);
    cdt2md()
        .arg("no/such/page.html")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/page.html: no such file"));
    cdt2md()
        .arg("fixtures")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fixtures: is a directory"));
    cdt2md().args([SEED, SEED]).assert().code(2);
}

#[test]
fn help_shows_examples_and_version_works() {
    cdt2md().arg("--help").assert().success().stdout(
        predicate::str::contains("Examples:")
            .and(predicate::str::contains("cdt2md archive/ -o markdown/"))
            .and(predicate::str::contains("cdt2md 714996.html > 714996.md"))
            .and(predicate::str::contains("--check --report")),
    );
    cdt2md()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("cdt2md "));
}
