//! Every form a CDT archive comes in: WordPress JSON (a post, an API page of posts), Jekyll and
//! Hugo posts wrapping a page, RSS and Atom feeds, whole pages saved with curl or by a browser
//! ("Webpage, Complete"), and the files that only look like one of them.
//!
//! The principle under test: an article converts to the same Markdown body whatever form it
//! is kept in, and its metadata lands in the same front matter keys.
//!
//! `fixtures/forms/from-pages/` holds bundled pages re-kept in other forms (built by
//! `scripts/make-form-fixtures.py`); `fixtures/forms/wpjson/` and `jekyll/` are real posts.
//! The whole converted tree is a golden file set: `fixtures/expected-forms/` (refresh with
//! `UPDATE_GOLDEN=1 cargo test --test forms`, then review the diff by eye).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn cdt2md() -> Command {
    Command::cargo_bin("cdt2md").expect("binary is built")
}

fn convert_all(path: &str) -> cdt2md::Document {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    cdt2md::convert_all(&bytes, &cdt2md::Options::default())
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn plain(page: &str) -> String {
    fs::read_to_string(Path::new("fixtures/expected").join(page)).expect("golden page")
}

fn front_matter(markdown: &str) -> BTreeMap<String, serde_yaml::Value> {
    let (yaml, _) = common::split_front_matter(markdown);
    serde_yaml::from_str(yaml.expect("front matter")).expect("YAML")
}

fn body(markdown: &str) -> &str {
    common::split_front_matter(markdown).1
}

/// The article of `document` named `name` (or its only one).
fn article<'a>(document: &'a cdt2md::Document, name: Option<&str>) -> &'a cdt2md::Converted {
    match name {
        None => {
            assert_eq!(document.articles.len(), 1);
            &document.articles[0]
        }
        Some(name) => document
            .articles
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no article {name}")),
    }
}

/// A form file, the name of its article, the page it holds, its form, the keys it may add.
type Case = (
    &'static str,
    Option<&'static str>,
    &'static str,
    cdt2md::Form,
    &'static [&'static str],
);

#[test]
fn every_form_gives_the_plain_pages_body_and_keys() {
    let cases: [Case; 10] = [
        (
            "wpjson/714996.json",
            None,
            "000_7bdf76efb00067fa.md",
            cdt2md::Form::WpJson,
            &[],
        ),
        (
            "wpjson/posts-page-1.json",
            Some("391037"),
            "391037.md",
            cdt2md::Form::WpJson,
            &[],
        ),
        (
            "wpjson/posts-page-1.json",
            Some("392399"),
            "392399.md",
            cdt2md::Form::WpJson,
            &[],
        ),
        (
            "wrapped/714996-hugo.md",
            None,
            "000_7bdf76efb00067fa.md",
            cdt2md::Form::Wrapped,
            &["draft", "tags", "weight", "params"],
        ),
        (
            "wrapped/399702-jekyll.md",
            None,
            "399702.md",
            cdt2md::Form::Wrapped,
            &["layout", "author", "from", "categories"],
        ),
        (
            "feed/feed.xml",
            Some("399702"),
            "399702.md",
            cdt2md::Form::FeedItem,
            &[],
        ),
        (
            "feed/feed.xml",
            Some("【中国哭墙】是不是一定要学朝鲜说正能量唱赞歌"),
            "401158.md",
            cdt2md::Form::FeedItem,
            &[],
        ),
        (
            "feed/atom.xml",
            Some("400692"),
            "400692.md",
            cdt2md::Form::FeedItem,
            &["posted_by"],
        ),
        (
            "full-page/714996.html",
            None,
            "000_7bdf76efb00067fa.md",
            cdt2md::Form::FullPage,
            &["categories", "tags"],
        ),
        (
            "complete/714996.html",
            None,
            "000_7bdf76efb00067fa.md",
            cdt2md::Form::FullPage,
            &["categories", "tags"],
        ),
    ];
    for (file, name, page, form, extra) in cases {
        let document = convert_all(&format!("fixtures/forms/from-pages/{file}"));
        let converted = article(&document, name);
        let expected = plain(page);
        assert_eq!(converted.form, form, "{file}");
        assert_eq!(
            body(&converted.markdown),
            body(&expected),
            "{file}: the body differs from {page}'s"
        );
        let got = front_matter(&converted.markdown);
        for (key, value) in front_matter(&expected) {
            assert_eq!(got.get(&key), Some(&value), "{file}: key {key}");
        }
        let plain_keys = front_matter(&expected);
        let added: Vec<&String> = got
            .keys()
            .filter(|k| !plain_keys.contains_key(*k))
            .collect();
        for key in &added {
            assert!(
                extra.contains(&key.as_str()),
                "{file}: unexpected key {key}"
            );
        }
    }
}

#[test]
fn whole_pages_read_the_site_around_the_article() {
    let document = convert_all("fixtures/forms/from-pages/full-page/714996.html");
    let page = article(&document, None);
    let meta = &page.metadata;
    assert_eq!(meta.categories, vec!["中国", "网络"]);
    assert_eq!(meta.tags, vec!["小红书", "TikTok"]);
    assert_eq!(meta.archived.as_deref(), Some("2025-01-15T02:59:30Z"));
    for chrome in [
        "首页",
        "搜索",
        "相关文章",
        "上一篇文章",
        "一条读者评论",
        "近期文章",
        "© 2025",
        "addEventListener",
        "所在分类",
    ] {
        assert!(!page.markdown.contains(chrome), "{chrome} leaked");
    }
}

#[test]
fn the_same_post_kept_as_json_and_as_a_jekyll_post() {
    let json = convert_all("fixtures/forms/wpjson/662534.json");
    let jekyll = convert_all("fixtures/forms/jekyll/662534.md");
    let (json, jekyll) = (article(&json, None), article(&jekyll, None));
    assert_eq!(body(&json.markdown), body(&jekyll.markdown));
    for key in ["title", "url", "archived"] {
        let (a, b) = (front_matter(&json.markdown), front_matter(&jekyll.markdown));
        assert_eq!(a.get(key), b.get(key), "{key}");
    }
    // the Jekyll post keeps its site's keys, so it still builds there
    let jekyll_keys = front_matter(&jekyll.markdown);
    assert_eq!(
        jekyll_keys.get("layout").and_then(|v| v.as_str()),
        Some("post")
    );
    assert_eq!(
        jekyll_keys.get("tags"),
        Some(&serde_yaml::from_str::<serde_yaml::Value>("[中国数字时代]").expect("YAML"))
    );
}

#[test]
fn a_hugo_posts_keys_survive_as_toml() {
    let bytes = fs::read("fixtures/forms/from-pages/wrapped/714996-hugo.md").expect("fixture");
    let options = cdt2md::Options {
        front_matter: cdt2md::FrontMatter::Toml,
        ..cdt2md::Options::default()
    };
    let converted = cdt2md::convert(&bytes, &options).expect("converts");
    let toml_text = converted
        .markdown
        .strip_prefix("+++\n")
        .and_then(|s| s.split_once("\n+++\n"))
        .map(|(t, _)| t)
        .expect("TOML front matter");
    let table: toml::Table = toml_text.parse().expect("valid TOML");
    assert_eq!(table["draft"].as_bool(), Some(false));
    assert_eq!(table["weight"].as_integer(), Some(3));
    assert_eq!(table["params"]["from"].as_str(), Some("cdt"));
    assert_eq!(
        table["title"].as_str(),
        Some("Tiktok难民涌入小红书，别高兴的太早")
    );
}

#[test]
fn newer_card_fields_are_never_lost() {
    let document = convert_all("fixtures/forms/wpjson/692891.json");
    let post = article(&document, None);
    assert_eq!(
        post.metadata.card_other,
        vec![("编辑".to_string(), "木瓜海棠".to_string())]
    );
    assert!(post.warnings.iter().any(|w| w.contains("编辑")));
    // a card whose lines are separated by source line breaks only
    let card = convert_all("fixtures/forms/wpjson/693351.json");
    let meta = &article(&card, None).metadata;
    assert_eq!(meta.author.as_deref(), Some("中国数字时代"));
    assert_eq!(meta.date.as_deref(), Some("2023-02-28"));
    assert_eq!(meta.collections, vec!["大事记"]);
    assert_eq!(meta.topics, vec!["四月之声"]);
}

#[test]
fn later_card_fields_land_in_their_own_keys() {
    // the 2022–2023 card's 404 日期, 投稿人 and 备份, written as a post of that era
    let card = r#"<div style=\"width:42%;float:right\"><div class=\"su-spoiler\"><div class=\"su-spoiler-title\">CDT 档案卡</div><div class=\"su-spoiler-content\"><strong>标题：</strong>被删的文章<br /><strong>作者：</strong>某作者<br /><strong>发表日期：</strong>2023.3.1<br /><strong>404 日期：</strong>2023.3.2<br /><strong>投稿人：</strong>读者甲<br /><strong>备份：</strong><a href=\"https://archive.ph/AbCd\">archive.ph</a><br /><strong>新栏目：</strong>新的值<br /><strong>版权说明：</strong>该作品版权归原作者所有。</div></div></div>"#;
    let post = format!(
        r#"{{"id":700001,"link":"https://chinadigitaltimes.net/chinese/700001.html","date":"2023-03-02T10:00:00Z","title":"【404文库】被删的文章","content":"{card}<p>正文，图片转存在 telegra.ph：</p><p><img src=\"https://telegra.ph/file/0a1b2c3d4e5f.jpg\" alt=\"\" /></p><p>The post <a rel=\"nofollow\" href=\"https://chinadigitaltimes.net/chinese/700001.html\">【404文库】被删的文章</a> appeared first on <a rel=\"nofollow\" href=\"https://chinadigitaltimes.net/chinese\">中国数字时代</a>.</p>"}}"#
    );
    let converted =
        cdt2md::convert(post.as_bytes(), &cdt2md::Options::default()).expect("converts");
    let keys = front_matter(&converted.markdown);
    let text = |k: &str| keys.get(k).and_then(|v| v.as_str()).map(str::to_string);
    assert_eq!(text("deleted").as_deref(), Some("2023-03-02"));
    assert_eq!(text("contributor").as_deref(), Some("读者甲"));
    assert_eq!(text("backup").as_deref(), Some("archive.ph"));
    assert_eq!(
        text("backup_url").as_deref(),
        Some("https://archive.ph/AbCd")
    );
    assert_eq!(
        keys.get("card_other"),
        Some(&serde_yaml::from_str::<serde_yaml::Value>("新栏目: 新的值").expect("YAML"))
    );
    assert!(
        converted.warnings.iter().any(|w| w.contains("新栏目")),
        "{:?}",
        converted.warnings
    );
    // images re-hosted on telegra.ph stay; the feed's footer goes
    assert!(
        body(&converted.markdown).ends_with("![](https://telegra.ph/file/0a1b2c3d4e5f.jpg)\n"),
        "{}",
        converted.markdown
    );
    // and the same in TOML
    let options = cdt2md::Options {
        front_matter: cdt2md::FrontMatter::Toml,
        ..cdt2md::Options::default()
    };
    let toml_out = cdt2md::convert(post.as_bytes(), &options).expect("converts");
    let block = toml_out.markdown[4..]
        .split_once("\n+++\n")
        .expect("TOML")
        .0;
    let table: toml::Table = block.parse().expect("valid TOML");
    assert_eq!(table["deleted"].as_str(), Some("2023-03-02"));
    assert_eq!(table["card_other"]["新栏目"].as_str(), Some("新的值"));
}

#[test]
fn the_old_sites_lines_go_and_aggregated_posts_say_so() {
    for id in [
        "100044", "140001", "200001", "245000", "260001", "300000", "340001", "360000", "370001",
    ] {
        let document = convert_all(&format!("fixtures/forms/wpjson/{id}.json"));
        let post = article(&document, None);
        for junk in [
            "翻墙",
            "订阅数字时代",
            "自动聚合",
            "Loading",
            "fullrss",
            "亚马逊镜像",
            "docs.google",
            "viglink",
            "quantserve",
            "feedburner.com/~r",
            "blogger.googleusercontent.com/tracker",
            "赛风",
        ] {
            assert!(!post.markdown.contains(junk), "{id}: {junk} left");
        }
        assert!(
            !body(&post.markdown).trim().is_empty(),
            "{id}: the article went too"
        );
    }
    for (id, aggregated) in [
        ("245000", true),
        ("200001", true),
        ("100044", false),
        ("395555", false),
    ] {
        let document = convert_all(&format!("fixtures/forms/wpjson/{id}.json"));
        assert_eq!(
            article(&document, None).metadata.aggregated,
            aggregated,
            "{id}"
        );
    }
}

#[test]
fn a_link_only_post_converts_with_an_empty_body() {
    let document = convert_all("fixtures/forms/from-pages/feed/feed.xml");
    let post = article(&document, Some("662999"));
    assert!(post.markdown.ends_with("---\n"), "{}", post.markdown);
    assert_eq!(
        post.metadata.title.as_deref(),
        Some("链接：只有一个链接的文章")
    );
}

// ---------------------------------------------------------------- the whole tree

/// Every file below `root`, relative, with its bytes.
fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e
                .path()
                .strip_prefix(root)
                .expect("below root")
                .to_path_buf();
            (relative, fs::read(e.path()).expect("readable"))
        })
        .collect()
}

/// Its image path depends on where OUT is: tested on its own below.
const LOCAL_ONLY: &str = "from-pages/complete/local-only.md";

#[test]
fn the_converted_forms_match_their_golden_tree() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    cdt2md()
        .args(["fixtures/forms", "-o"])
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let mut got = tree(&out);
    got.remove(Path::new(LOCAL_ONLY))
        .expect("the local-only page converted");
    let golden = Path::new("fixtures/expected-forms");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = fs::remove_dir_all(golden);
        for (relative, bytes) in &got {
            let path = golden.join(relative);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, bytes).expect("write golden");
        }
        return;
    }
    let expected = tree(golden);
    let got_names: Vec<&PathBuf> = got.keys().collect();
    let expected_names: Vec<&PathBuf> = expected.keys().collect();
    assert_eq!(got_names, expected_names, "the files written");
    for (relative, bytes) in &expected {
        assert!(
            got[relative] == *bytes,
            "{} differs from fixtures/expected-forms/{0}",
            relative.display()
        );
    }
    // a browser's "Webpage, Complete" folder is never converted
    assert!(
        !got.keys().any(|p| p.to_string_lossy().contains("_files")),
        "{got_names:?}"
    );
}

#[test]
fn images_saved_beside_a_page_are_linked_where_they_lie() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("some/where/out");
    cdt2md()
        .args(["fixtures/forms/from-pages/complete", "-o"])
        .arg(&out)
        .assert()
        .success();
    let markdown = fs::read_to_string(out.join("local-only.md")).expect("output");
    let link = markdown
        .split("](")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("an image link");
    let target = out.join(link);
    assert_eq!(
        fs::canonicalize(&target).expect("the link leads to a file"),
        fs::canonicalize("fixtures/forms/from-pages/complete/local-only_files/pic.jpg")
            .expect("fixture"),
        "{link}"
    );
    // on standard output it stays as the page wrote it, relative to the page
    cdt2md()
        .arg("fixtures/forms/from-pages/complete/local-only.html")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "![本地图片](./local-only_files/pic.jpg)",
        ));
}

// ---------------------------------------------------------------- look-alikes

#[test]
fn files_that_hold_no_article_fail_alone_and_are_skipped_in_a_batch() {
    let cases = [
        ("package.json", "not a WordPress post"),
        ("notes.md", "no saved page after it"),
        ("empty-feed.xml", "a feed with no items"),
        ("menu.html", "no article in it"),
        ("category.html", "a listing of 2 posts"),
    ];
    for (file, why) in cases {
        let path = format!("fixtures/not-pages/{file}");
        cdt2md().arg(&path).assert().code(1).stdout("").stderr(
            predicate::str::contains(format!("{path}: not a CDT page ("))
                .and(predicate::str::contains(why)),
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let report = dir.path().join("report.jsonl");
    cdt2md()
        .args(["fixtures/not-pages", "-o"])
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("skipped: fixtures/not-pages/menu.html: not a CDT page")
                .and(predicate::str::contains("5 skipped")),
        );
    assert!(tree(&out).is_empty(), "nothing is written");
    let lines: Vec<serde_json::Value> = fs::read_to_string(&report)
        .expect("report")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let (summary, files) = lines.split_last().expect("a summary");
    assert_eq!(files.len(), cases.len());
    for file in files {
        assert_eq!(file["status"], "skipped");
        assert!(
            file["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("not a CDT page ("))
        );
    }
    assert_eq!(summary["summary"]["not_pages"], 5);
}

#[test]
fn a_feed_of_several_items_alone_asks_for_a_folder() {
    cdt2md()
        .arg("fixtures/forms/from-pages/feed/feed.xml")
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("holds 3 articles").and(predicate::str::contains("-o OUT")),
        );
    // one item is one article
    cdt2md()
        .arg("fixtures/forms/from-pages/feed/atom.xml")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "---\ntitle: Matters｜掮客徐升\n",
        ));
}

// ---------------------------------------------------------------- report, check, shard

#[test]
fn the_report_and_summary_name_each_articles_form() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.jsonl");
    cdt2md()
        .args([
            "fixtures/forms/from-pages",
            "fixtures/pages/399702.html",
            "-o",
        ])
        .arg(dir.path().join("out"))
        .arg("--report")
        .arg(&report)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "articles: 1 page-2020, 3 full-page, 3 wp-json, 2 wrapped, 4 feed-item",
        ));
    let text = fs::read_to_string(&report).expect("report");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let forms = &lines.last().expect("summary")["summary"]["forms"];
    assert_eq!(forms["feed-item"], 4);
    assert_eq!(forms["full-page"], 3);
    let item = lines
        .iter()
        .find(|l| {
            l["output"]
                .as_str()
                .is_some_and(|o| o.ends_with("feed/399702.md"))
        })
        .expect("the feed item's line");
    assert_eq!(item["form"], "feed-item");
    assert!(
        item["input"]
            .as_str()
            .is_some_and(|i| i.ends_with("feed/feed.xml"))
    );
}

#[test]
fn check_knows_feed_items_missing_stale_and_orphaned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let feed = "fixtures/forms/from-pages/feed";
    cdt2md().arg(feed).arg("-o").arg(&out).assert().success();
    cdt2md()
        .arg(feed)
        .arg("-o")
        .arg(&out)
        .arg("--check")
        .assert()
        .success();
    fs::remove_file(out.join("feed/399702.md")).expect("remove an item");
    fs::write(out.join("feed/662999.md"), "edited\n").expect("edit an item");
    fs::write(out.join("feed/123456.md"), "---\ntitle: gone\n---\n").expect("an orphan");
    cdt2md()
        .arg(feed)
        .arg("-o")
        .arg(&out)
        .arg("--check")
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("missing: ")
                .and(predicate::str::contains("feed/399702.md"))
                .and(predicate::str::contains("stale: "))
                .and(predicate::str::contains("orphaned: "))
                .and(predicate::str::contains("feed/123456.md"))
                .and(predicate::str::contains("atom/400692.md").not()),
        );
}

#[test]
fn a_feeds_items_shard_with_their_feed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut owners: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for k in 1..=3 {
        let out = dir.path().join(format!("out{k}"));
        cdt2md()
            .args(["fixtures/forms", "-o"])
            .arg(&out)
            .arg("--shard")
            .arg(format!("{k}/3"))
            .arg("-q")
            .assert()
            .success();
        for relative in tree(&out).into_keys() {
            assert!(
                owners.insert(relative.clone(), k).is_none(),
                "{relative:?} twice"
            );
        }
    }
    let feed_shards: Vec<usize> = owners
        .iter()
        .filter(|(p, _)| p.starts_with("from-pages/feed/feed"))
        .map(|(_, k)| *k)
        .collect();
    assert_eq!(feed_shards.len(), 3);
    assert!(
        feed_shards.windows(2).all(|w| w[0] == w[1]),
        "{feed_shards:?}"
    );
    let dir_all = tempfile::tempdir().expect("temp dir");
    cdt2md()
        .args(["fixtures/forms", "-o"])
        .arg(dir_all.path())
        .arg("-q")
        .assert()
        .success();
    let all: Vec<PathBuf> = tree(dir_all.path()).into_keys().collect();
    assert_eq!(owners.into_keys().collect::<Vec<_>>(), all);
}

#[test]
fn feed_item_names_from_content_are_safe() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    fs::create_dir_all(&input).expect("mkdir");
    let item = |link: &str, guid: &str| {
        format!(
            "<item><title>T</title><link>{link}</link><guid>{guid}</guid><content:encoded><![CDATA[<p>正文</p>]]></content:encoded></item>"
        )
    };
    let feed = format!(
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>{}{}{}{}{}</channel></rss>",
        item("https://x.net/a/..%2F..%2F..%2Fescape/", ""),
        item("https://x.net/a/%2e%2e/", ""),
        item("https://x.net/?p=7", "https://x.net/?p=7"),
        item("https://x.net/?p=7", "https://x.net/?p=7"),
        item(&format!("https://x.net/{}/", "长".repeat(120)), ""),
    );
    fs::write(input.join("feed.xml"), feed).expect("write");
    // a page beside the feed takes the name an item would have
    fs::create_dir_all(input.join("feed")).expect("mkdir");
    fs::write(
        input.join("feed/7.html"),
        fs::read("fixtures/pages/399702.html").expect("page"),
    )
    .expect("write");
    let out = dir.path().join("out");
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let names: Vec<String> = tree(&out)
        .into_keys()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"feed/7.md".to_string()), "{names:?}");
    assert!(names.contains(&"feed/7-2.md".to_string()), "{names:?}");
    assert!(names.contains(&"feed/7-3.md".to_string()), "{names:?}");
    assert!(
        names.contains(&"feed/_.._.._escape.md".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"feed/item.md".to_string()), "{names:?}");
    for name in &names {
        let file = Path::new(name).file_name().expect("a name");
        assert!(file.len() <= 255, "{name}");
        assert!(out.join(name).starts_with(&out));
    }
    assert_eq!(names.len(), 6, "{names:?}");
}
