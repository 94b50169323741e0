//! Every `cdt2md` example in the README runs as written and does what it says: each `sh` block
//! line that calls cdt2md, and the `run:` step of the GitHub Actions example, in order, in a
//! copy of the repository's `fixtures/`.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

/// One runnable example: the shell line and where it came from, for messages.
struct Example {
    line: String,
    origin: String,
}

/// The `cdt2md` lines of the README's fenced blocks, comments removed.
fn examples(readme: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let mut fence: Option<String> = None;
    for (number, line) in readme.lines().enumerate() {
        let origin = format!("README.md:{}", number + 1);
        if let Some(info) = line.strip_prefix("```") {
            fence = match fence {
                None => Some(info.trim().to_string()),
                Some(_) => None,
            };
            continue;
        }
        let command = match fence.as_deref() {
            Some("sh") => shell_example(line),
            Some("yaml") => line
                .trim()
                .strip_prefix("- run: ")
                .filter(|run| run.starts_with("cdt2md "))
                .map(str::to_string),
            _ => None,
        };
        if let Some(line) = command {
            found.push(Example { line, origin });
        }
    }
    found
}

fn shell_example(line: &str) -> Option<String> {
    // a comment is at least two spaces and `#` after the command
    let line = match line.find("  #") {
        Some(at) => &line[..at],
        None => line,
    }
    .trim();
    // the README's first screen converts with `cargo run`; the same program
    let line = match line
        .strip_prefix("cargo run --release -- ")
        .or_else(|| line.strip_prefix("cargo run -- "))
    {
        Some(rest) => format!("cdt2md {rest}"),
        None => line.to_string(),
    };
    // `mkdir -p` lines prepare the folders the next lines write to, in a fresh HOME
    let calls_cdt2md =
        line.starts_with("cdt2md ") || line.contains("| cdt2md") || line.starts_with("mkdir -p ");
    calls_cdt2md.then_some(line)
}

/// Runs `line` with bash in `dir`, cdt2md first on PATH; returns standard output.
fn run(dir: &Path, example: &Example) -> Vec<u8> {
    let binary = assert_cmd::cargo::cargo_bin!("cdt2md");
    let bin_dir = binary.parent().expect("binary folder");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let home = dir.join("home");
    fs::create_dir_all(&home).expect("a fresh HOME");
    let output = Command::new("bash")
        .args(["-o", "pipefail", "-c", &example.line])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", home)
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{}: `{}` exited with {}:\n{}",
        example.origin,
        example.line,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// What an example claims to make: `> FILE` is a non-empty file, `-o OUT` holds Markdown.
fn check_outputs(dir: &Path, example: &Example, stdout: &[u8]) {
    if example.line.starts_with("mkdir -p ") {
        return;
    }
    let mut wrote_somewhere = false;
    for command in example.line.split('|') {
        let words: Vec<&str> = command.split_whitespace().collect();
        let ours = words.first() == Some(&"cdt2md");
        wrote_somewhere |= check_command(dir, example, &words, ours);
    }
    if !wrote_somewhere {
        assert!(
            !stdout.is_empty(),
            "{}: `{}` printed nothing",
            example.origin,
            example.line
        );
    }
}

/// Checks one command of a pipeline; `-o` is cdt2md's only in `ours`. Whether it wrote files.
fn check_command(dir: &Path, example: &Example, words: &[&str], ours: bool) -> bool {
    let mut wrote_somewhere = false;
    for pair in words.windows(2) {
        let target = match pair[1].strip_prefix("~/") {
            Some(in_home) => dir.join("home").join(in_home),
            None => dir.join(pair[1]),
        };
        match pair[0] {
            // a redirect, or another tool's output file
            ">" | "-o" if !(ours && pair[0] == "-o") => {
                let size = fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
                assert!(
                    size > 0,
                    "{}: `{}` left {} empty",
                    example.origin,
                    example.line,
                    pair[1]
                );
                wrote_somewhere = true;
            }
            "-o" if ours => {
                let markdown = walkdir::WalkDir::new(&target)
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
                    .count();
                assert!(
                    markdown > 0,
                    "{}: no Markdown in {}",
                    example.origin,
                    pair[1]
                );
                wrote_somewhere = true;
            }
            _ => {}
        }
    }
    wrote_somewhere
}

#[test]
fn every_readme_example_runs_as_written() {
    let readme = fs::read_to_string("README.md").expect("README.md");
    let examples = examples(&readme);
    let dir = tempfile::tempdir().expect("temp dir");
    common::copy_dir(Path::new("fixtures"), &dir.path().join("fixtures"));
    // the GitHub Actions example checks `archive/` against `markdown/`, which the README's
    // first example made from the same pages
    common::copy_dir(Path::new("fixtures/pages"), &dir.path().join("archive"));

    let pandoc = common::tool_available("pandoc");
    let mut ran = 0;
    for example in &examples {
        if example.line.contains("pandoc") && !pandoc {
            eprintln!("SKIPPED: {} needs pandoc: {}", example.origin, example.line);
            continue;
        }
        let lines: Vec<Example> = if example.line.contains("${{ matrix.shard }}") {
            (1..=4)
                .map(|k| Example {
                    line: example.line.replace("${{ matrix.shard }}", &k.to_string()),
                    origin: example.origin.clone(),
                })
                .collect()
        } else {
            vec![Example {
                line: example.line.clone(),
                origin: example.origin.clone(),
            }]
        };
        for line in &lines {
            let stdout = run(dir.path(), line);
            check_outputs(dir.path(), line, &stdout);
            ran += 1;
        }
    }
    // the README's uses, options, Hugo and CI examples are all there
    assert!(
        ran >= 20,
        "only {ran} examples found: has the README's layout changed?"
    );
    for needle in [
        "--check",
        "--front-matter toml",
        "--keep-card",
        "--image-base",
        "completions",
        "man",
    ] {
        assert!(
            examples.iter().any(|e| e.line.contains(needle)),
            "no README example uses {needle}"
        );
    }
}

#[test]
fn comments_and_cargo_lines_are_read_as_meant() {
    let readme = "```sh\ncargo run --release -- fixtures/pages -o out   # convert\ncargo test\n\
                  cat a | cdt2md - | pandoc  # p\n```\n```yaml\n      - run: cdt2md a/ -o b/ --check\n\
                  - run: cargo install x\n```\ncdt2md outside a fence\n";
    let lines: Vec<String> = examples(readme).into_iter().map(|e| e.line).collect();
    assert_eq!(
        lines,
        [
            "cdt2md fixtures/pages -o out",
            "cat a | cdt2md - | pandoc",
            "cdt2md a/ -o b/ --check"
        ]
    );
}

/// The README's first screen: its two commands build with one profile, so the tests reuse the
/// first command's build; and it names the Rust that Cargo.toml asks for.
#[test]
fn set_up_commands_share_a_build_and_the_rust_is_named() {
    let readme = fs::read_to_string("README.md").expect("README.md");
    let block = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("the first sh block");
    let commands: Vec<&str> = block
        .lines()
        .map(|l| l.split("  #").next().unwrap_or(l).trim())
        .collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert!(commands[0].starts_with("cargo run") && commands[1].starts_with("cargo test"));
    assert_eq!(
        commands[0].contains("--release"),
        commands[1].contains("--release"),
        "one profile for both: {commands:?}"
    );
    let manifest = fs::read_to_string("Cargo.toml").expect("Cargo.toml");
    let rust = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .map(|v| v.trim_matches('"'))
        .expect("rust-version");
    assert!(
        readme.contains(&format!("Rust {rust}")),
        "the README names Rust {rust}"
    );
}

/// The README's report example shows every field a report line has.
#[test]
fn the_report_example_has_every_field() {
    let readme = fs::read_to_string("README.md").expect("README.md");
    let example = readme
        .lines()
        .find(|l| l.starts_with("{\"input\":"))
        .expect("a report line in the README");
    let example: serde_json::Value = serde_json::from_str(example).expect("JSON");
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("r.jsonl");
    let status = Command::new(assert_cmd::cargo::cargo_bin!("cdt2md"))
        .args(["fixtures/pages/399702.html", "-q", "-o"])
        .arg(dir.path().join("out"))
        .arg("--report")
        .arg(&report)
        .status()
        .expect("runs");
    assert!(status.success());
    let text = fs::read_to_string(&report).expect("report");
    let line: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("a line")).expect("JSON");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object().expect("object").keys().cloned().collect()
    };
    assert_eq!(keys(&example), keys(&line));
}
