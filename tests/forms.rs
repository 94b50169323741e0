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
        ("category.html", "the site's archive"),
        ("listing.html", "a listing of 2 posts"),
        ("404.html", "the site's 404"),
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
                .and(predicate::str::contains("7 skipped")),
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
    assert_eq!(summary["summary"]["not_pages"], 7);
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

// ---------------------------------------------------------------- variants and hostile forms

/// The whole-page fixture with its entry content replaced, and `sidebar` added to the sidebar.
fn whole_page_with(content: &str, sidebar: &str) -> String {
    let page = fs::read_to_string("fixtures/forms/from-pages/full-page/714996.html").expect("page");
    let start = page
        .find("<div class=\"post-content entry-content\">")
        .expect("content");
    let open_end = start + page[start..].find('>').expect(">") + 1;
    let close = open_end + page[open_end..].find("\n\t</div>").expect("end");
    let page = format!("{}\n{content}{}", &page[..open_end], &page[close..]);
    page.replace(
        "<aside id=\"secondary\" class=\"widget-area\">",
        &format!("<aside id=\"secondary\" class=\"widget-area\">{sidebar}"),
    )
}

fn convert_text(text: &str) -> Result<cdt2md::Converted, cdt2md::PageError> {
    cdt2md::convert(text.as_bytes(), &cdt2md::Options::default())
}

#[test]
fn the_old_sites_lines_go_from_a_whole_page_too() {
    let post: serde_json::Value = serde_json::from_str(
        &fs::read_to_string("fixtures/forms/wpjson/245000.json").expect("post"),
    )
    .expect("JSON");
    let content = post["content"].as_str().expect("content");
    // a long sidebar after the article: the page's end is far from the article's
    let sidebar = "<ul>".to_string()
        + &"<li><a href=\"https://chinadigitaltimes.net/chinese/1.html\">一篇近期的文章的标题</a></li>".repeat(150)
        + "</ul>";
    let converted = convert_text(&whole_page_with(content, &sidebar)).expect("converts");
    assert!(converted.metadata.aggregated);
    for junk in ["自动聚合", "订阅数字时代", "docs.google", "一篇近期的文章"] {
        assert!(!converted.markdown.contains(junk), "{junk}");
    }
    let json = convert_all("fixtures/forms/wpjson/245000.json");
    assert_eq!(
        body(&converted.markdown),
        body(&article(&json, None).markdown)
    );
}

#[test]
fn a_whole_page_is_found_whatever_its_theme_adds() {
    let article_text = "<p>正文第一段。</p><p>正文第二段。</p>";
    // a summary above the text in the same article, and a widget of class post-content
    let two = whole_page_with(
        &format!(
            "</div><div class=\"entry-summary entry-content\"><p>摘要。</p></div><div class=\"entry-content\">{article_text}"
        ),
        "<div class=\"post-content\"><p>侧栏里的文章</p></div>",
    );
    let converted = convert_text(&two).expect("one article");
    assert_eq!(converted.form, cdt2md::Form::FullPage);
    assert!(body(&converted.markdown).contains("正文第二段。"));
    assert!(!converted.markdown.contains("侧栏里的文章"));
    // a page saved from its <head> on, with no doctype
    let page = whole_page_with(article_text, "");
    let head_first = &page[page.find("<head>").expect("head")..];
    let converted = convert_text(head_first).expect("converts");
    assert_eq!(converted.form, cdt2md::Form::FullPage);
    assert_eq!(
        body(&converted.markdown),
        "\n正文第一段。\n\n正文第二段。\n"
    );
    // saved with `curl -i`: the response's headers first
    let curl = format!("HTTP/2 200\r\ncontent-type: text/html; charset=UTF-8\r\n\r\n{page}");
    assert_eq!(
        convert_text(&curl).expect("converts").form,
        cdt2md::Form::FullPage
    );
}

#[test]
fn empty_and_damaged_posts_and_items_are_no_articles() {
    for (text, why) in [
        (r#"{"content": ""}"#, "not a WordPress post"),
        (r#"{"content":"<p>只有内容</p>"}"#, "not a WordPress post"),
        (
            "<rss version=\"2.0\"><channel><item><title></title><description></description></item></channel></rss>",
            "no item is an article",
        ),
    ] {
        match convert_text(text) {
            Err(cdt2md::PageError::NotAPage(got)) => assert!(got.contains(why), "{text}: {got}"),
            other => panic!("{text}: {other:?}"),
        }
    }
    // a page of /wp/v2/posts cut short is damaged, not a non-page
    let cut = r#"[{"id":1,"title":"t","content":"<p>x</p>"},{"id":2,"#;
    assert!(matches!(
        convert_text(cut),
        Err(cdt2md::PageError::BrokenJson(_))
    ));
    // an array's entries that are no posts are said, and the posts convert
    let mixed = r#"[42, {"id":1,"title":"T","link":"https://x.net/chinese/1.html","content":"<p>x</p>"}, null]"#;
    let document =
        cdt2md::convert_all(mixed.as_bytes(), &cdt2md::Options::default()).expect("a post");
    assert_eq!(document.articles.len(), 1);
    assert_eq!(document.dropped.len(), 2, "{:?}", document.dropped);
}

#[test]
fn wrappers_keep_their_values_as_their_site_reads_them() {
    let page = "[T](https://x.net/chinese/1.html)\n------\n\n<p>x</p>\n";
    let yaml = format!(
        "---\nlayout: post\nbase: &base\n  lang: zh\n<<: *base\nflag: yes\nquoted: \"no\"\nbig: 12345678901234567890123\nnested:\n  a:\n    b: [1, {{c: d}}]\n---\n{page}"
    );
    let converted = convert_text(&yaml).expect("converts");
    let keys = front_matter(&converted.markdown);
    assert_eq!(keys.get("layout").and_then(|v| v.as_str()), Some("post"));
    assert_eq!(
        keys.get("lang").and_then(|v| v.as_str()),
        Some("zh"),
        "merged"
    );
    assert_eq!(
        keys.get("flag").and_then(|v| v.as_bool()),
        Some(true),
        "YAML 1.1's yes"
    );
    assert_eq!(keys.get("quoted").and_then(|v| v.as_str()), Some("no"));
    assert_eq!(
        keys.get("nested"),
        Some(&serde_yaml::from_str::<serde_yaml::Value>("{a: {b: [1, {c: d}]}}").expect("YAML"))
    );
    assert!(
        converted.warnings.iter().any(|w| w.contains("big")),
        "{:?}",
        converted.warnings
    );
    let toml_post =
        format!("+++\ntitle = \"T\"\n[params.deep]\nx = 1\n[[items]]\nname = \"a\"\n+++\n{page}");
    let keys = front_matter(&convert_text(&toml_post).expect("converts").markdown);
    assert_eq!(
        keys.get("params"),
        Some(&serde_yaml::from_str::<serde_yaml::Value>("{deep: {x: 1}}").expect("YAML"))
    );
    // a wrapper around a whole saved page: the page's article, not its chrome
    let whole = format!(
        "---\nlayout: post\n---\n{}",
        whole_page_with("<p>整页正文</p>", "")
    );
    let converted = convert_text(&whole).expect("converts");
    assert_eq!(converted.form, cdt2md::Form::Wrapped);
    assert_eq!(body(&converted.markdown), "\n整页正文\n");
    // a Markdown post that starts with a tag is no saved page
    let markdown_post =
        "---\nlayout: post\ntitle: My trip\n---\n<img src=\"a.jpg\">\n\nSome **markdown** text.\n";
    assert!(matches!(
        convert_text(markdown_post),
        Err(cdt2md::PageError::NotAPage(_))
    ));
    // --rename-key renames a wrapper's key as well
    let options = cdt2md::Options {
        rename_keys: vec![("layout".to_string(), "template".to_string())],
        ..cdt2md::Options::default()
    };
    let renamed = cdt2md::convert(yaml.as_bytes(), &options).expect("converts");
    let keys = front_matter(&renamed.markdown);
    assert!(keys.contains_key("template") && !keys.contains_key("layout"));
}

#[test]
fn feed_text_is_read_as_its_type_says() {
    let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X <b>粗体</b> 标题</div></title><link href="https://x.net/chinese/9.html"/><summary type="text">Only summary &lt;not html&gt;</summary></entry></feed>"#;
    let entry = convert_text(atom).expect("converts");
    assert_eq!(entry.metadata.title.as_deref(), Some("X 粗体 标题"));
    assert!(body(&entry.markdown).contains("Only summary \\<not html>"));
    // an RSS title is plain text: decoded once, by XML
    let rss = r#"<rss version="2.0"><channel><item><title>HTML 中 &lt;script&gt; 的 &amp;amp; 用法</title><guid>https://x.net/chinese/10.html</guid><description>&lt;p&gt;正文&lt;/p&gt;</description></item></channel></rss>"#;
    let item = convert_text(rss).expect("converts");
    assert_eq!(
        item.metadata.title.as_deref(),
        Some("HTML 中 <script> 的 &amp; 用法")
    );
    // a guid that is a permalink is the item's address when it has no link
    assert_eq!(
        item.metadata.url.as_deref(),
        Some("https://x.net/chinese/10.html")
    );
}

#[test]
fn many_tag_links_on_a_whole_page_stay_linear() {
    let page = fs::read_to_string("fixtures/forms/from-pages/full-page/714996.html").expect("page");
    let tags: String = (0..40_000)
        .map(|i| format!("<a href=\"/t/{i}\" rel=\"tag\">标签{i}</a>"))
        .collect();
    let page = page.replace("标签：", &format!("标签：{tags}"));
    let start = std::time::Instant::now();
    let converted = convert_text(&page).expect("converts");
    assert!(converted.metadata.tags.len() > 40_000);
    assert!(start.elapsed().as_secs() < 3, "{:?}", start.elapsed());
}

#[test]
fn batch_clashes_of_forms_are_settled_by_what_is_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    fs::create_dir_all(&input).expect("mkdir");
    let feed = fs::read_to_string("fixtures/forms/from-pages/feed/feed.xml").expect("feed");
    fs::write(input.join("feed.xml"), &feed).expect("write");
    fs::write(
        input.join("feed.rss"),
        feed.replace("【立此存照】", "【改过】"),
    )
    .expect("write");
    // files with no extension: a post and a page (wget's names)
    fs::copy("fixtures/forms/wpjson/692891.json", input.join("692891")).expect("copy");
    fs::copy("fixtures/pages/399702.html", input.join("399702.html.1")).expect("copy");
    fs::copy(
        "fixtures/forms/from-pages/full-page/714996.html",
        input.join("index.html?p=714996"),
    )
    .expect("copy");
    let mut runs = Vec::new();
    for jobs in ["1", "4"] {
        let out = dir.path().join(format!("out{jobs}"));
        cdt2md()
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .args(["-j", jobs])
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("feed.rss").and(predicate::str::contains(
                    "feed.xml also writes its articles into",
                )),
            );
        runs.push(tree(&out));
    }
    assert_eq!(runs[0], runs[1], "-j decides nothing");
    let names: Vec<String> = runs[0]
        .keys()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    for want in [
        "692891.md",
        "399702.html.1.md",
        "index.html?p=714996.md",
        "feed/399702.md",
    ] {
        assert!(names.contains(&want.to_string()), "{want}: {names:?}");
    }
    assert!(!String::from_utf8_lossy(&runs[0][Path::new("feed/399702.md")]).contains("【改过】"));
    // and the wget names are not orphans of their own
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("out1"))
        .args(["--exclude", "feed.rss", "--check"])
        .assert()
        .success();
}

#[test]
fn a_piped_feed_of_several_items_says_what_to_do() {
    let feed = fs::read("fixtures/forms/from-pages/feed/feed.xml").expect("feed");
    cdt2md()
        .write_stdin(feed)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("save it to a file"));
}
