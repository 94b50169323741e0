//! The output in the tools people read it with: a Hugo site built from the converted fixtures,
//! and pandoc reading every output file.
//!
//! Hugo and pandoc come from Debian packages that `.ci/run` installs. Where they are missing
//! these tests say so and pass, unless `CDT2MD_REQUIRE_READERS` is set (as `.ci/run` sets it):
//! then a missing tool fails the run rather than skipping it silently.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;

fn cdt2md() -> Command {
    Command::cargo_bin("cdt2md").expect("binary is built")
}

/// A Hugo site whose content is the fixtures converted with `args`; returns its `public/`.
fn build_site(dir: &Path, args: &[&str]) -> PathBuf {
    let site = dir.join("site");
    common::copy_dir(Path::new("fixtures/hugo"), &site);
    cdt2md()
        .args(["fixtures/pages", "fixtures/forms", "-o"])
        .arg(site.join("content/posts"))
        .args(args)
        .assert()
        .success();
    let output = Process::new("hugo")
        .arg("--source")
        .arg(&site)
        .arg("--panicOnWarning")
        .output()
        .expect("hugo runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "hugo failed:\n{log}");
    assert!(
        !log.contains("WARN") && !log.contains("ERROR"),
        "hugo reported problems:\n{log}"
    );
    site.join("public")
}

fn read(path: impl AsRef<Path>) -> String {
    fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[test]
fn hugo_builds_the_converted_fixtures_from_their_front_matter() {
    if !common::tool_available("hugo") {
        return;
    }
    for format in ["yaml", "toml"] {
        let dir = tempfile::tempdir().expect("temp dir");
        // Hugo reserves `url` for a page's own address.
        let public = build_site(
            dir.path(),
            &["--front-matter", format, "--rename-key", "url=original_url"],
        );
        let seed = read(public.join("posts/000_7bdf76efb00067fa/index.html"));
        assert!(
            seed.contains("<title>Tiktok难民涌入小红书，别高兴的太早</title>"),
            "{format}"
        );
        assert!(seed.contains("<time>2025-01-14</time>"), "{format}");
        assert!(
            seed.contains(r#"<li class="topic">Tiktok难民</li>"#),
            "{format}"
        );
        assert!(
            seed.contains("<strong>文丨陈白</strong>"),
            "{format}: the body is rendered"
        );

        // every form builds: a WordPress post, a feed item, a Jekyll post with its own keys
        let post = read(public.join("posts/wpjson/692891/index.html"));
        assert!(
            post.contains("<title>“首犯”李元婧：消失在聚会之前</title>"),
            "{format}"
        );
        let item = read(public.join("posts/from-pages/feed/feed/399702/index.html"));
        assert!(item.contains("<time>2020-07-01</time>"), "{format}");
        let jekyll = read(public.join("posts/jekyll/662538/index.html"));
        assert!(
            jekyll.contains("<time>2021-02-10</time>"),
            "{format}: the wrapper's date"
        );

        let rss = read(public.join("posts/399702/index.html"));
        assert!(rss.contains("<time>2020-07-01</time>"), "{format}");
        assert!(rss.contains(r#"<li class="tag">性别失调</li>"#), "{format}");

        // taxonomy pages list the pages that carry the term
        let topic = read(public.join("topics/tiktok难民/index.html"));
        assert!(
            topic.contains("Tiktok难民涌入小红书，别高兴的太早"),
            "{format}"
        );
        let tag = read(public.join("tags/性别失调/index.html"));
        assert!(tag.contains("中国女孩消失数量全球第一"), "{format}");
        let collection = read(public.join("collections/时间馆/index.html"));
        assert!(collection.contains("Tiktok难民涌入小红书"), "{format}");
        // values YAML 1.1 would misread are still strings
        assert!(public.join("tags/yes/index.html").exists(), "{format}");
        assert!(
            public.join("tags/2021-03-02/index.html").exists(),
            "{format}"
        );
    }
}

/// Pandoc's inline AST (JSON) back to plain text.
fn stringify(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => items.iter().map(stringify).collect(),
        serde_json::Value::Object(node) => {
            let content = node.get("c");
            match node.get("t").and_then(|t| t.as_str()) {
                Some("Str") => content.and_then(|c| c.as_str()).unwrap_or("").to_string(),
                Some("Space" | "SoftBreak") => " ".to_string(),
                Some("Quoted") => {
                    let (open, close) = match content.and_then(|c| c[0]["t"].as_str()) {
                        Some("SingleQuote") => ("'", "'"),
                        _ => ("\"", "\""),
                    };
                    format!(
                        "{open}{}{close}",
                        content.map(|c| stringify(&c[1])).unwrap_or_default()
                    )
                }
                Some("MetaString") => content.and_then(|c| c.as_str()).unwrap_or("").to_string(),
                _ => content.map(stringify).unwrap_or_default(),
            }
        }
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// Pandoc reads a metadata value as Markdown: its smart quotes read `“棱镜”` and `"棱镜"`
/// alike, and runs of spaces are one space. Compare them alike.
fn unquote(text: &str) -> String {
    let quotes: String = text
        .chars()
        .map(|c| match c {
            '“' | '”' => '"',
            '‘' | '’' => '\'',
            c => c,
        })
        .collect();
    quotes
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn pandoc(args: &[&str], input: &str) -> String {
    let mut child = Process::new("pandoc")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("pandoc runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(input.as_bytes()).expect("write");
    }
    let output = child.wait_with_output().expect("pandoc finishes");
    assert!(
        output.status.success(),
        "pandoc {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// Link targets and image sources of rendered HTML, in order, percent-decoded.
fn html_urls(html: &str) -> (Vec<String>, Vec<String>) {
    use html5ever::tendril::TendrilSink;
    let dom = html5ever::parse_document(markup5ever_rcdom::RcDom::default(), Default::default())
        .one(html);
    let (mut links, mut images) = (Vec::new(), Vec::new());
    // document order, without recursion
    let mut stack = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let markup5ever_rcdom::NodeData::Element { name, attrs, .. } = &node.data {
            let attr = |key: &str| {
                attrs
                    .borrow()
                    .iter()
                    .find(|a| &*a.name.local == key)
                    .map(|a| a.value.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            match &*name.local {
                "a" => links.extend(attr("href").map(|h| decode(&h))),
                "img" => images.extend(attr("src").map(|s| decode(&s))),
                _ => {}
            }
        }
        stack.extend(node.children.borrow().iter().rev().cloned());
    }
    (links, images)
}

fn decode(url: &str) -> String {
    common::percent_decoded(url)
}

/// Link targets and image sources as pulldown-cmark reads the body.
fn markdown_urls(body: &str) -> (Vec<String>, Vec<String>) {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let (mut links, mut images) = (Vec::new(), Vec::new());
    for event in Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => links.push(decode(&dest_url)),
            Event::Start(Tag::Image { dest_url, .. }) => images.push(decode(&dest_url)),
            _ => {}
        }
    }
    (links, images)
}

#[test]
fn pandoc_reads_every_output_with_its_metadata_links_and_images() {
    if !common::tool_available("pandoc") {
        return;
    }
    let mut checked = 0;
    let goldens = walkdir::WalkDir::new("fixtures/expected")
        .into_iter()
        .chain(walkdir::WalkDir::new("fixtures/expected-forms"))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file());
    for entry in goldens {
        let path = entry.path().to_path_buf();
        let markdown = read(&path);
        let (yaml, body) = common::split_front_matter(&markdown);
        let name = path.display();

        // pandoc's Markdown with its YAML metadata block: the same values
        let ast: serde_json::Value =
            serde_json::from_str(&pandoc(&["-f", "markdown", "-t", "json"], &markdown))
                .expect("pandoc JSON");
        let meta = ast["meta"].as_object().expect("meta");
        let front: serde_yaml::Mapping =
            serde_yaml::from_str(yaml.expect("front matter")).expect("YAML");
        assert_eq!(meta.len(), front.len(), "{name}: keys");
        for (key, value) in &front {
            let key = key.as_str().expect("key");
            let got = &meta[key];
            match value {
                serde_yaml::Value::String(text) => {
                    assert_eq!(
                        unquote(stringify(got).trim()),
                        unquote(text.trim()),
                        "{name}: {key}"
                    )
                }
                serde_yaml::Value::Sequence(items) => {
                    let want: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
                    let got: Vec<String> = got["c"]
                        .as_array()
                        .expect("MetaList")
                        .iter()
                        .map(stringify)
                        .collect();
                    assert_eq!(got, want, "{name}: {key}");
                }
                serde_yaml::Value::Mapping(pairs) => {
                    let got = got["c"].as_object().expect("MetaMap");
                    assert_eq!(got.len(), pairs.len(), "{name}: {key}");
                    for (k, v) in pairs {
                        let (k, v) = (k.as_str().expect("key"), v.as_str().expect("text"));
                        assert_eq!(stringify(&got[k]).trim(), v, "{name}: {key}.{k}");
                    }
                }
                serde_yaml::Value::Bool(on) => {
                    assert_eq!(got["c"].as_bool(), Some(*on), "{name}: {key}")
                }
                serde_yaml::Value::Number(n) => {
                    assert_eq!(stringify(got).trim(), n.to_string(), "{name}: {key}")
                }
                other => panic!("{name}: {key}: {other:?}"),
            }
        }

        // CommonMark readers: the body parses, with the same links and images
        let expected = markdown_urls(body);
        // (GFM's bare-URL autolinks are off: they turn URLs that were plain text in the page
        // into links, and that is the reader's extension, not the converter's output)
        for reader in ["commonmark_x", "gfm-autolink_bare_uris"] {
            // no highlighting: it would add line anchors (`#cb1-1`) to code blocks
            let html = pandoc(&["-f", reader, "-t", "html", "--no-highlight"], body);
            assert_eq!(html_urls(&html), expected, "{name}: {reader}");
        }
        // and the whole file, front matter included, parses too
        pandoc(&["-f", "commonmark_x", "-t", "html"], &markdown);
        checked += 1;
    }
    assert!(checked >= 17 + 36);
}

/// The README's Hugo recipe, from `hugo new site` on, run as written.
#[test]
fn the_readmes_hugo_recipe_builds_a_site_without_warnings() {
    if !common::tool_available("hugo") {
        return;
    }
    let readme = read("README.md");
    let after = readme
        .split("<!-- recipe: hugo")
        .nth(1)
        .expect("the README marks its Hugo recipe");
    let block = after
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("the recipe's sh block");
    let dir = tempfile::tempdir().expect("temp dir");
    common::copy_dir(Path::new("fixtures"), &dir.path().join("fixtures"));
    let binary = assert_cmd::cargo::cargo_bin!("cdt2md");
    let path = std::env::join_paths(
        std::iter::once(binary.parent().expect("bin dir").to_path_buf()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ),
    )
    .expect("PATH");
    let output = Process::new("bash")
        .args(["-e", "-c", block])
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .expect("bash runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the recipe failed:\n{log}");
    assert!(!log.contains("WARN") && !log.contains("ERROR"), "{log}");
    let public = dir.path().join("site/public");
    // the slug keeps CDT's number in the address
    let seed = read(public.join("posts/714996/index.html"));
    assert!(seed.contains("<title>Tiktok难民涌入小红书，别高兴的太早</title>"));
    assert!(seed.contains("<time>2025-01-14</time>"));
    let topic = read(public.join("topics/tiktok难民/index.html"));
    assert!(topic.contains("Tiktok难民涌入小红书，别高兴的太早"));
    let pages = walkdir::WalkDir::new(public.join("posts"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .count();
    assert!(pages >= 17, "{pages} pages");
}

/// `--profile jekyll`: posts Jekyll builds as they are (with Jekyll where it is installed,
/// else by its file rules).
#[test]
fn jekyll_builds_the_profiles_posts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    cdt2md()
        .args([
            "fixtures/pages",
            "--exclude",
            "synthetic-edge-cases.html",
            "-o",
        ])
        .arg(&site)
        .args(["--profile", "jekyll", "-q"])
        .assert()
        .success();
    let posts: Vec<PathBuf> = fs::read_dir(site.join("_posts"))
        .expect("_posts")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(posts.len(), 16);
    for post in &posts {
        let name = post
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let (date, rest) = name.split_at(10);
        assert!(
            chrono_like_date(date) && rest.starts_with('-') && name.ends_with(".md"),
            "{name}"
        );
        let text = read(post);
        let (yaml, _) = common::split_front_matter(&text);
        let front: serde_yaml::Mapping =
            serde_yaml::from_str(yaml.expect("front matter")).expect("YAML");
        assert_eq!(front.get("layout").and_then(|v| v.as_str()), Some("post"));
        if let Some(own) = front.get("date").and_then(|v| v.as_str()) {
            assert_eq!(own, date, "{name}: the name's date is the post's");
        }
    }
    if !common::tool_available("jekyll") {
        return;
    }
    fs::write(site.join("_config.yml"), "title: CDT archive\n").expect("config");
    fs::create_dir_all(site.join("_layouts")).expect("mkdir");
    fs::write(
        site.join("_layouts/post.html"),
        "<html><head><title>{{ page.title }}</title></head><body><time>{{ page.date | date: \"%Y-%m-%d\" }}</time>{{ content }}</body></html>\n",
    )
    .expect("layout");
    let output = Process::new("jekyll")
        .args(["build", "--source"])
        .arg(&site)
        .arg("--destination")
        .arg(site.join("_site"))
        .output()
        .expect("jekyll runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "jekyll failed:\n{log}");
    assert!(!log.contains("Conflict") && !log.contains("Error"), "{log}");
    let seed = read(site.join("_site/2025/01/14/714996.html"));
    assert!(
        seed.contains("<title>Tiktok难民涌入小红书，别高兴的太早</title>"),
        "{seed}"
    );
    assert!(seed.contains("<time>2025-01-14</time>"));
    let built = walkdir::WalkDir::new(site.join("_site"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    assert!(built >= 16, "{built} pages built");
}

fn chrono_like_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// `--profile obsidian`: notes named by title as Obsidian allows, valid tags, aliases.
#[test]
fn obsidian_notes_follow_obsidians_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    common::copy_dir(Path::new("fixtures/pages"), &input);
    // the same article saved twice: the second note gets its id
    fs::copy(input.join("399702.html"), input.join("399702-copy.html")).expect("copy");
    let vault = dir.path().join("vault");
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&vault)
        .args(["--profile", "obsidian", "-q"])
        .assert()
        .success();
    let names: Vec<String> = fs::read_dir(&vault)
        .expect("vault")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 18, "{names:?}");
    let title = "【立此存照】中国女孩消失数量全球第一，却躲在印度后面隐身成“等国”";
    assert!(names.contains(&format!("{title}.md")), "{names:?}");
    assert!(names.contains(&format!("{title} 399702.md")), "{names:?}");
    for name in &names {
        assert!(
            !name.contains([
                '*', '"', '\\', '/', '<', '>', ':', '|', '?', '#', '^', '[', ']'
            ]) && !name.starts_with('.'),
            "{name}"
        );
        let text = read(vault.join(name));
        let (yaml, _) = common::split_front_matter(&text);
        let front: serde_yaml::Mapping =
            serde_yaml::from_str(yaml.expect("front matter")).expect("YAML");
        for tag in front
            .get("tags")
            .and_then(|t| t.as_sequence())
            .into_iter()
            .flatten()
        {
            let tag = tag.as_str().expect("a tag is text");
            assert!(
                tag.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '/'))
                    && !tag.chars().all(|c| c.is_ascii_digit())
                    && !tag.starts_with('/')
                    && !tag.ends_with('/'),
                "{name}: tag {tag}"
            );
        }
    }
    let seed = read(vault.join("Tiktok难民涌入小红书，别高兴的太早.md"));
    assert!(seed.contains("aliases:\n  - 声道｜Tiktok难民涌入小红书，别高兴的太早\n"));
    assert!(
        seed.contains("tags:\n  - Tiktok难民\n  - 时间馆\n"),
        "{seed}"
    );
    // -j does not decide which note of one title keeps the plain name
    let again = dir.path().join("vault-1");
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&again)
        .args(["--profile", "obsidian", "-q", "-j", "1"])
        .assert()
        .success();
    for name in &names {
        assert_eq!(read(vault.join(name)), read(again.join(name)), "{name}");
    }
}
