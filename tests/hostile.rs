//! Hostile and broken input: other encodings, damaged files, huge and deep pages, and pages
//! that try to smuggle something executable or break out of a Markdown construct.

mod common;

use std::fs;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag};

fn cdt2md() -> Command {
    Command::cargo_bin("cdt2md").expect("binary is built")
}

fn convert(bytes: &[u8]) -> Result<cdt2md::Converted, cdt2md::PageError> {
    cdt2md::convert(bytes, &cdt2md::Options::default())
}

fn markdown(html: &str) -> String {
    convert(html.as_bytes()).expect("converts").markdown
}

// ---------------------------------------------------------------- encodings

#[test]
fn re_encoded_pages_convert_exactly_like_their_utf8_originals() {
    for (encoded, original) in [
        ("000_7bdf76efb00067fa.gbk.txt", "000_7bdf76efb00067fa"),
        ("399702.gb18030.html", "399702"),
        ("392399.gbk.html", "392399"),
    ] {
        let bytes = fs::read(format!("fixtures/encodings/{encoded}")).expect("fixture");
        let converted = convert(&bytes).expect("converts");
        let expected =
            fs::read_to_string(format!("fixtures/expected/{original}.md")).expect("golden");
        assert_eq!(converted.markdown, expected, "{encoded}");
        assert!(matches!(converted.encoding, "GBK" | "gb18030"), "{encoded}");
    }
}

#[test]
fn big5_pages_convert_declared_or_not() {
    let expected = fs::read_to_string("fixtures/encodings/big5.md").expect("golden");
    for page in ["big5-declared.html", "big5-undeclared.html"] {
        let bytes = fs::read(format!("fixtures/encodings/{page}")).expect("fixture");
        let converted = convert(&bytes).expect("converts");
        assert_eq!(converted.markdown, expected, "{page}");
        assert_eq!(converted.encoding, "Big5");
    }
    let guessed = convert(&fs::read("fixtures/encodings/big5-undeclared.html").expect("fixture"))
        .expect("converts");
    assert!(
        guessed
            .warnings
            .iter()
            .any(|w| w.contains("Big5 (guessed)"))
    );
}

#[test]
fn the_report_names_the_encoding() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("r.jsonl");
    cdt2md()
        .args(["fixtures/encodings/392399.gbk.html", "-o"])
        .arg(dir.path().join("out"))
        .arg("--report")
        .arg(&report)
        .assert()
        .success();
    let first = fs::read_to_string(&report).expect("report");
    let line: serde_json::Value =
        serde_json::from_str(first.lines().next().expect("a line")).expect("JSON");
    assert_eq!(line["encoding"], "GBK");
}

#[test]
fn undecodable_pages_fail_naming_the_guess() {
    let noise: Vec<u8> = (0..2000u32)
        .map(|i| 0x80 + ((i * 37) % 0x7F) as u8)
        .collect();
    let err = convert(&noise).expect_err("must not guess");
    let message = err.to_string();
    assert!(
        message.contains("cannot tell its text encoding"),
        "{message}"
    );
    assert!(message.contains("best guess"), "{message}");
}

// ---------------------------------------------------------------- damaged files

#[test]
fn damaged_files_fail_or_convert_as_documented() {
    // failed with a clear reason
    for (bytes, reason) in [
        (&b""[..], "empty input"),
        (b"   \n\t\n", "empty input"),
        (b"\x00\x01\x02binary\x00", "binary data"),
        (b"<p>\xe4\xb8\xad\xe6", "looks cut short"),
    ] {
        let err = convert(bytes).expect_err("fails");
        assert!(err.to_string().contains(reason), "{err}");
    }
    // converted, with what was missing said
    let header_only =
        convert("<!--1736909970000-->\n[标题](https://x.net/a.html)\n------\n\n".as_bytes())
            .expect("converts");
    assert!(header_only.markdown.starts_with("---\ntitle: 标题\n"));
    assert!(header_only.markdown.ends_with("---\n"));
    let truncated_tag = markdown(
        "[t](https://x.net/)\n------\n\n<p>正文<strong>加粗</strong><a href=\"https://x.n",
    );
    assert!(truncated_tag.ends_with("正文**加粗**\n"), "{truncated_tag}");
    let document = convert(
        fs::read("fixtures/pages/synthetic-document.html")
            .expect("page")
            .as_slice(),
    )
    .expect("converts");
    assert_eq!(document.metadata.title.as_deref(), Some("另存为的网页"));
    assert!(document.warnings.iter().any(|w| w.contains("no header")));
}

#[test]
fn pages_over_the_size_limit_fail_without_being_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("big.html");
    fs::write(&page, "<p>x</p>".repeat(1000)).expect("write");
    cdt2md()
        .arg(&page)
        .args(["--max-size", "1K"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("big.html")
                .and(predicate::str::contains("over the 0 MiB limit")),
        );
    cdt2md()
        .args(["--max-size", "1K"])
        .write_stdin("<p>x</p>".repeat(1000))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("<stdin>: "));
    cdt2md()
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path().join("out"))
        .args(["--max-size", "1K"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("limit for one page"));
    assert!(!dir.path().join("out/big.md").exists());
}

// ---------------------------------------------------------------- size and shape

fn timed(label: &str, limit: Duration, html: &str) -> cdt2md::Converted {
    let start = Instant::now();
    let converted = convert(html.as_bytes()).expect("converts");
    let took = start.elapsed();
    assert!(took < limit, "{label}: {took:?}");
    converted
}

#[test]
fn deep_nesting_is_flattened_quickly() {
    // generous limits: tests run unoptimised; release builds take well under a second
    for tag in ["div", "b", "blockquote", "span", "ul", "table", "a href=x"] {
        let name = tag.split(' ').next().expect("name");
        let depth = 100_000;
        let html = format!(
            "<p>{}深{}</p>",
            format!("<{tag}>").repeat(depth),
            format!("</{name}>").repeat(depth)
        );
        let converted = timed(tag, Duration::from_secs(10), &html);
        assert!(converted.markdown.contains('深'), "{tag}");
        assert!(
            converted.warnings.iter().any(|w| w.contains("flattened")) || tag.starts_with('a'),
            "{tag}: {:?}",
            converted.warnings
        );
    }
}

#[test]
fn many_paragraphs_and_big_pages_take_proportional_time() {
    let paragraphs = "<p>段落</p>".repeat(200_000);
    let converted = timed("200k paragraphs", Duration::from_secs(20), &paragraphs);
    assert_eq!(converted.markdown.matches("段落").count(), 200_000);

    let page = fs::read_to_string("fixtures/pages/392461.html").expect("page");
    let body = page.split_once("\n\n").map_or(page.as_str(), |(_, b)| b);
    let big = body.repeat(5_000_000 / body.len());
    timed("5 MB page", Duration::from_secs(20), &big);
}

// ---------------------------------------------------------------- nothing executable

const HOSTILE: &str = r#"[t](https://x.net/a.html)
------

<p>text<script>alert(1)</script><style>body{}</style></p>
<p><a href="javascript:alert(1)">js</a> <a href=" JaVaScRiPt:alert(1)">js2</a>
<a href="java&#x09;script:alert(1)">js3</a> <a href="&#106;avascript:alert(1)">js4</a>
<a href="vbscript:msgbox(1)">vb</a> <a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">data</a>
<a href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">svg</a></p>
<p><img src="javascript:alert(1)" onerror="alert(1)" alt="x"><img src=x onerror=alert(1)>
<svg onload="alert(1)"><script>alert(1)</script></svg><math><mtext><script>alert(1)</script></mtext></math></p>
<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe><iframe src="javascript:alert(1)"></iframe>
<form action="https://evil.example/"><input name="q"><button>go</button></form>
<object data="x.swf"></object><embed src="x.swf"><template><script>alert(1)</script></template>
<noscript><script>alert(1)</script></noscript><video src="javascript:alert(1)"></video>
<p>&lt;img src=x onerror=alert(1)&gt; and &lt;/p&gt; as text</p>
"#;

#[test]
fn nothing_executable_reaches_the_markdown() {
    let output = markdown(HOSTILE);
    let (_, body) = common::split_front_matter(&output);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(body, options) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML: {h}\n{body}"),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let lower = dest_url.to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(!lower.trim().starts_with(scheme), "{dest_url}\n{body}");
                }
            }
            _ => {}
        }
    }
    let lower = body.to_ascii_lowercase();
    for needle in [
        "alert(1)</script",
        "<script",
        "onerror=alert",
        "<iframe",
        "<form",
        "<object",
    ] {
        let literal = needle.replace('<', "\\<");
        assert!(
            !lower.contains(needle)
                || lower.matches(needle).count() == lower.matches(&literal).count(),
            "{needle} in\n{body}"
        );
    }
    // the text of those links stays, as text
    for text in ["js", "js2", "js3", "js4", "vb", "data", "svg"] {
        assert!(body.contains(text), "{text}");
    }
}

#[test]
fn urls_and_text_cannot_break_out_of_their_construct() {
    let html = r#"[t](https://x.net/)
------

<p><a href="https://x.net/a)b">paren</a> <a href="https://x.net/a b">space</a>
<a href="https://x.net/<x>">angle</a> <a href="https://x.net/a
b">newline</a> <a href="https://x.net/" title='say "hi" \ [x]'>title</a>
<img src="https://x.net/i.png" alt="a] (b) [c" title="t)"></p>"#;
    let output = markdown(html);
    let (_, body) = common::split_front_matter(&output);
    let mut links = Vec::new();
    let mut images = Vec::new();
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                links.push((dest_url.to_string(), title.to_string()));
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                images.push((dest_url.to_string(), title.to_string()));
            }
            _ => {}
        }
    }
    assert_eq!(
        links,
        vec![
            ("https://x.net/a)b".to_string(), String::new()),
            ("https://x.net/a b".to_string(), String::new()),
            ("https://x.net/<x>".to_string(), String::new()),
            ("https://x.net/ab".to_string(), String::new()),
            (
                "https://x.net/".to_string(),
                "say \"hi\" \\ [x]".to_string()
            ),
        ],
        "{body}"
    );
    assert_eq!(
        images,
        vec![("https://x.net/i.png".to_string(), "t)".to_string())]
    );
    let text = common::output_text(body);
    for word in ["paren", "space", "angle", "newline", "title"] {
        assert!(text.contains(word), "{word}: {text}");
    }
}

#[test]
fn front_matter_values_cannot_inject_keys() {
    let html = "<!--1736909970000-->\n[x: y\n](https://x.net/a.html)\n------\n\n<div class=\"su-spoiler\"><div class=\"su-spoiler-title\">CDT 档案卡</div><div class=\"su-spoiler-content\"><strong>标题：</strong>a\nurl: https://evil.example/ #<br><strong>作者：</strong>---<br><strong>来源：</strong><a href=\"https://x.net/&quot;\n&#10;tags: [evil]\">s</a></div></div><p>x</p>";
    let output = markdown(html);
    let (yaml, _) = common::split_front_matter(&output);
    let value: serde_yaml::Value = serde_yaml::from_str(yaml.expect("front matter")).expect("YAML");
    let map = value.as_mapping().expect("mapping");
    assert_eq!(map.get("url").and_then(|v| v.as_str()), None, "{output}");
    assert_eq!(map.get("tags"), None, "{output}");
    assert_eq!(
        map.get("title").and_then(|v| v.as_str()),
        Some("a url: https://evil.example/ #")
    );
    assert_eq!(map.get("author").and_then(|v| v.as_str()), Some("---"));
}

// ---------------------------------------------------------------- file names

#[cfg(unix)]
#[test]
fn odd_file_names_stay_inside_out() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    fs::create_dir_all(&input).expect("mkdir");
    let page = fs::read("fixtures/pages/392232.html").expect("page");
    let names: Vec<std::ffi::OsString> = vec![
        "..html".into(),
        "-rf.html".into(),
        "名字 (1).html".into(),
        "a\u{202e}lmth.html".into(),
        std::ffi::OsStr::from_bytes(b"bad\xff\xfename.html").to_os_string(),
    ];
    for name in &names {
        fs::write(input.join(name), &page).expect("write");
    }
    let out = dir.path().join("out");
    cdt2md().arg(&input).arg("-o").arg(&out).assert().success();
    let written: Vec<_> = fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        written.len(),
        names.len() - 1,
        "..html is hidden and skipped: {written:?}"
    );
    assert!(
        out.join(std::ffi::OsStr::from_bytes(b"bad\xff\xfename.md"))
            .exists()
    );
    assert!(!dir.path().join("..md").exists());
}

#[cfg(unix)]
#[test]
fn a_symlink_in_out_does_not_lead_writes_elsewhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in/sub");
    fs::create_dir_all(&input).expect("mkdir");
    fs::write(
        input.join("p.html"),
        fs::read("fixtures/pages/392232.html").expect("page"),
    )
    .expect("write");
    let out = dir.path().join("out");
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir_all(&out).expect("mkdir");
    fs::create_dir_all(&elsewhere).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, out.join("sub")).expect("symlink");
    cdt2md()
        .arg(dir.path().join("in"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("leads outside the output folder"));
    assert_eq!(fs::read_dir(&elsewhere).expect("dir").count(), 0);
}
