//! The options people expect from a converter like this one, each doing what it says.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

const SEED: &str = "fixtures/pages/000_7bdf76efb00067fa.txt";

fn cdt2md() -> Command {
    Command::cargo_bin("cdt2md").expect("binary is built")
}

fn run(args: &[&str]) -> String {
    let output = cdt2md().arg("-q").args(args).output().expect("runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn yaml_of(markdown: &str) -> serde_yaml::Mapping {
    let (yaml, _) = common::split_front_matter(markdown);
    serde_yaml::from_str::<serde_yaml::Value>(yaml.expect("front matter"))
        .expect("YAML")
        .as_mapping()
        .expect("mapping")
        .clone()
}

#[test]
fn toml_front_matter_holds_the_same_values() {
    let toml_out = run(&["--front-matter", "toml", SEED]);
    let yaml_out = run(&[SEED]);
    let rest = toml_out.strip_prefix("+++\n").expect("opens with +++");
    let (toml_text, body) = rest.split_once("+++\n").expect("closes with +++");
    let table: toml::Table = toml_text.parse().expect("valid TOML");
    let yaml = yaml_of(&yaml_out);
    assert_eq!(table.len(), yaml.len());
    for (key, value) in &yaml {
        let key = key.as_str().expect("string key");
        let got = &table[key];
        match value {
            serde_yaml::Value::String(s) => assert_eq!(got.as_str(), Some(s.as_str()), "{key}"),
            serde_yaml::Value::Sequence(items) => {
                let items: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
                let got: Vec<&str> = got
                    .as_array()
                    .expect("array")
                    .iter()
                    .filter_map(|i| i.as_str())
                    .collect();
                assert_eq!(got, items, "{key}");
            }
            other => panic!("{key}: {other:?}"),
        }
    }
    assert_eq!(body, common::split_front_matter(&yaml_out).1);
}

#[test]
fn toml_strings_escape_what_they_must() {
    let page = "[标题 \"引号\" \\ 反斜杠](https://x.net/a.html)\n------\n\n<p>x</p>";
    let out = cdt2md()
        .args(["-q", "--front-matter", "toml"])
        .write_stdin(page)
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let toml_text = text
        .strip_prefix("+++\n")
        .and_then(|r| r.split_once("+++\n"))
        .expect("toml")
        .0;
    let table: toml::Table = toml_text.parse().expect("valid TOML");
    assert_eq!(table["title"].as_str(), Some("标题 \"引号\" \\ 反斜杠"));
}

#[test]
fn no_front_matter_and_title_heading() {
    for args in [
        &["--front-matter", "none", SEED][..],
        &["--no-front-matter", SEED][..],
    ] {
        let out = run(args);
        assert!(
            out.starts_with("# Tiktok难民涌入小红书，别高兴的太早\n\n**文丨陈白**"),
            "{args:?}"
        );
    }
    let out = run(&["--title-heading", SEED]);
    let (yaml, body) = common::split_front_matter(&out);
    assert!(yaml.is_some());
    assert!(
        body.starts_with("\n# Tiktok难民涌入小红书，别高兴的太早\n\n**文丨陈白**"),
        "{body}"
    );
}

#[test]
fn keep_card_writes_it_as_a_table_before_the_article() {
    let out = run(&["--keep-card", SEED]);
    let plain = run(&[SEED]);
    let (_, body) = common::split_front_matter(&out);
    let (_, plain_body) = common::split_front_matter(&plain);
    assert!(
        body.starts_with(
            "\n| CDT 档案卡 |  |\n| --- | --- |\n| 标题 | Tiktok难民涌入小红书，别高兴的太早 |\n"
        ),
        "{body}"
    );
    assert!(body.contains("| 作者 | [陈白bot](https://chinadigitaltimes.net/space/声道) |"));
    assert!(body.ends_with(plain_body), "the article follows unchanged");
    let reading = common::read_markdown(body, &Default::default());
    assert_eq!(reading.counts.cells, 14, "7 rows of 2 cells");
    // pages without a card are unchanged
    assert_eq!(
        run(&["--keep-card", "fixtures/pages/399702.html"]),
        run(&["fixtures/pages/399702.html"])
    );
}

fn image_urls(markdown: &str) -> Vec<String> {
    let (_, body) = common::split_front_matter(markdown);
    pulldown_cmark::Parser::new(body)
        .filter_map(|e| match e {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn image_base_and_rewrite_images_map_image_urls_only() {
    let plain = image_urls(&run(&[SEED]));
    let based = image_urls(&run(&["--image-base", "https://mirror.example/cdt/", SEED]));
    let mirrored = image_urls(&run(&["--rewrite-images", "../images", SEED]));
    assert_eq!(plain.len(), 10);
    for ((p, b), m) in plain.iter().zip(&based).zip(&mirrored) {
        let path = p
            .strip_prefix("https://chinadigitaltimes.net/")
            .expect("absolute");
        assert_eq!(b, &format!("https://mirror.example/cdt/{path}"));
        assert_eq!(m, &format!("../images/chinadigitaltimes.net/{path}"));
    }
    let out = run(&["--image-base", "https://mirror.example/cdt", SEED]);
    assert!(
        out.contains("](https://mp.weixin.qq.com/s?__biz="),
        "links keep their URLs"
    );
    cdt2md()
        .args(["--image-base", "x", "--rewrite-images", "y", SEED])
        .assert()
        .code(2);
}

#[test]
fn rename_key_renames_front_matter_keys() {
    let out = run(&[
        "--rename-key",
        "url=original_url",
        "--rename-key",
        "topics=subjects",
        SEED,
    ]);
    let yaml = yaml_of(&out);
    assert!(yaml.get("url").is_none());
    assert_eq!(
        yaml.get("original_url").and_then(|v| v.as_str()),
        Some("https://chinadigitaltimes.net/chinese/714996.html")
    );
    assert!(yaml.get("subjects").is_some_and(|v| v.is_sequence()));
    cdt2md()
        .args(["--rename-key", "url", SEED])
        .assert()
        .code(2);
}

#[test]
fn rename_key_never_writes_a_key_twice() {
    // onto a key cdt2md writes, or two keys onto one: a usage error, before anything is read
    for args in [
        vec!["--rename-key", "headline=title"],
        vec!["--rename-key", "topics=tags"],
        vec!["--rename-key", "a=x", "--rename-key", "b=x"],
        vec!["--rename-key", "url=a", "--rename-key", "url=b"],
    ] {
        cdt2md()
            .args(&args)
            .arg(SEED)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("--rename-key"));
    }
    // a swap is fine: title goes away first
    let out = run(&[
        "--rename-key",
        "title=headline",
        "--rename-key",
        "headline=subtitle",
        "--front-matter",
        "toml",
        SEED,
    ]);
    let block = out[4..].split_once("\n+++\n").expect("TOML").0;
    let table: toml::Table = block.parse().expect("valid TOML: no key twice");
    assert_eq!(
        table["headline"].as_str(),
        Some("Tiktok难民涌入小红书，别高兴的太早")
    );
    assert!(table.contains_key("subtitle"));
    assert!(!table.contains_key("title"));
}

#[test]
fn completions_and_man_page_come_from_the_same_definition() {
    let run = |args: &[&str]| {
        let output = cdt2md().args(args).output().expect("runs");
        assert!(output.status.success(), "{args:?}");
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(&["completions", shell]);
        assert!(out.contains("cdt2md"), "{shell}");
        assert!(out.contains("rewrite-images"), "{shell} knows the options");
    }
    let man = run(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH cdt2md"),
        "{}",
        &man[..80]
    );
    assert!(man.contains("front\\-matter") || man.contains("front-matter"));
    // no pages named that are never installed, option arguments in the synopsis
    assert!(!man.contains("cdt2md\\-completions(1)") && !man.contains("cdt2md\\-man(1)"));
    assert!(
        man.contains("\\fB\\-\\-rename\\-key\\fR \\fIFROM=TO\\fR"),
        "{man}"
    );
    // example commands are set as they are: no line of one breaks
    let examples = man
        .split(".SH EXAMPLES")
        .nth(1)
        .expect("an EXAMPLES section");
    let block = examples.split(".nf").nth(6).expect("the Hugo example");
    assert!(
        block.contains("\\-\\-front\\-matter toml \\-\\-rename\\-key url=original_url"),
        "{block}"
    );
    // `man` renders it where it is installed (it is not a reader CI must have)
    let man_installed = std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if man_installed {
        let dir = tempfile::tempdir().expect("temp dir");
        let page = dir.path().join("cdt2md.1");
        std::fs::write(&page, &man).expect("write");
        let shown = std::process::Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANWIDTH", "80")
            .output()
            .expect("man runs");
        let shown = String::from_utf8_lossy(&shown.stdout);
        assert!(
            shown.contains("--front-matter toml --rename-key url=original_url"),
            "{shown}"
        );
    }
    cdt2md().args(["completions", "tcsh"]).assert().code(2);
    cdt2md()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "cdt2md {}",
            env!("CARGO_PKG_VERSION")
        )));
}
