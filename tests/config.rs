//! `cdt2md.toml` and `--message-format github`: the settings CI and a local run share, and
//! findings printed the way GitHub marks them on the files.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

const SEED: &str = "fixtures/pages/000_7bdf76efb00067fa.txt";
const NO_CARD: &str = "fixtures/pages/391037.html";

fn cdt2md(cwd: &Path) -> Command {
    let mut command = Command::cargo_bin("cdt2md").expect("binary is built");
    command
        .current_dir(cwd)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_WORKSPACE");
    command
}

/// A repository holding `archive/` with two pages, and a subfolder to run from.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join(".git")).expect(".git");
    fs::create_dir_all(dir.path().join("archive")).expect("archive");
    fs::create_dir_all(dir.path().join("sub/deeper")).expect("sub");
    let root = env!("CARGO_MANIFEST_DIR");
    fs::copy(
        Path::new(root).join(SEED),
        dir.path().join("archive/seed.txt"),
    )
    .expect("seed");
    fs::copy(
        Path::new(root).join(NO_CARD),
        dir.path().join("archive/391037.html"),
    )
    .expect("page");
    dir
}

fn write(path: PathBuf, text: &str) {
    fs::write(path, text).expect("write");
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn found_from_a_subfolder_with_paths_from_its_own_folder() {
    let repo = repository();
    write(
        repo.path().join("cdt2md.toml"),
        "inputs = [\"archive\"]\noutput = \"markdown\"\nfront-matter = \"toml\"\n",
    );
    let output = cdt2md(&repo.path().join("sub/deeper"))
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let seed = fs::read_to_string(repo.path().join("markdown/seed.md")).expect("written");
    assert!(seed.starts_with("+++\n"), "{seed}");
    // the same settings make --check pass from anywhere in the repository
    cdt2md(repo.path()).args(["--check", "-q"]).assert().code(0);
    cdt2md(&repo.path().join("sub"))
        .args(["--check", "-q"])
        .assert()
        .code(0);
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().expect("temp dir");
    write(
        outer.path().join("cdt2md.toml"),
        "output = \"markdown\"\nbogus = 1\n",
    );
    let repo = outer.path().join("repo");
    fs::create_dir_all(repo.join(".git")).expect(".git");
    let root = env!("CARGO_MANIFEST_DIR");
    fs::copy(Path::new(root).join(SEED), repo.join("seed.txt")).expect("seed");
    // the outer file, beyond .git, is not read: its bad key would be a usage error
    let output = cdt2md(&repo).arg("seed.txt").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("---\n"));
}

#[test]
fn flags_on_the_command_line_win() {
    let repo = repository();
    write(
        repo.path().join("cdt2md.toml"),
        "inputs = [\"archive\"]\noutput = \"markdown\"\nfront-matter = \"toml\"\nglob = [\"*.txt\"]\n",
    );
    cdt2md(repo.path())
        .args(["--front-matter", "yaml", "-o", "other", "-q"])
        .assert()
        .code(0);
    let seed = fs::read_to_string(repo.path().join("other/seed.md")).expect("written");
    assert!(
        seed.starts_with("---\n"),
        "the flag's YAML, not the file's TOML"
    );
    assert!(
        !repo.path().join("markdown").exists(),
        "-o replaces `output`"
    );
    // the file's glob still applies: the .html page is not converted
    assert!(!repo.path().join("other/391037.md").exists());
    // and a glob on the command line replaces the file's
    cdt2md(repo.path())
        .args(["-o", "other", "-g", "*.html", "-q"])
        .assert()
        .code(0);
    assert!(repo.path().join("other/391037.md").exists());
}

#[test]
fn a_switch_the_file_turns_on_is_turned_off_by_its_no_form() {
    let repo = repository();
    write(
        repo.path().join("cdt2md.toml"),
        "keep-card = true\ntitle-heading = true\n",
    );
    let page = |extra: &[&str]| {
        let output = cdt2md(repo.path())
            .arg("archive/seed.txt")
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
    };
    let on = page(&[]);
    assert!(on.contains("CDT 档案卡") && on.contains("\n# "), "{on}");
    let off = page(&["--no-keep-card", "--no-title-heading"]);
    assert!(
        !off.contains("CDT 档案卡") && !off.contains("\n# "),
        "{off}"
    );
    // the last of the two forms wins, as with any flag given twice
    let again = page(&["--no-keep-card", "--keep-card"]);
    assert!(again.contains("CDT 档案卡"), "{again}");
}

#[test]
fn one_page_still_goes_to_standard_output() {
    let repo = repository();
    write(
        repo.path().join("cdt2md.toml"),
        "inputs = [\"archive\"]\noutput = \"markdown\"\nglob = [\"*.txt\"]\ntitle-heading = true\n",
    );
    let output = cdt2md(repo.path())
        .arg("archive/seed.txt")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("\n# "),
        "title-heading from the file applies"
    );
    assert!(!repo.path().join("markdown").exists());
}

#[test]
fn one_page_with_a_batch_flag_is_a_batch_into_the_configs_output() {
    let repo = repository();
    write(repo.path().join("cdt2md.toml"), "output = \"md\"\n");
    let output = cdt2md(repo.path())
        .args(["archive/seed.txt", "--check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout(&output).contains("missing: "), "{}", stdout(&output));
    cdt2md(repo.path())
        .args(["archive/seed.txt", "--glob", "*.txt", "-q"])
        .assert()
        .code(0);
    assert!(repo.path().join("md/seed.md").is_file());
    cdt2md(repo.path())
        .args(["archive/seed.txt", "--check", "-q"])
        .assert()
        .code(0);
    // standard input stays one page: the flag is refused for what it is
    cdt2md(repo.path())
        .args(["-", "--check"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--check is for a batch into a folder; standard input is one page",
        ));
}

#[test]
fn an_unknown_key_is_a_usage_error_naming_file_key_and_choices() {
    let repo = repository();
    write(
        repo.path().join("cdt2md.toml"),
        "output = \"md\"\nkeep_card = true\n",
    );
    let output = cdt2md(&repo.path().join("sub")).arg("-q").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("cdt2md.toml"), "{err}");
    assert!(err.contains("keep_card"), "{err}");
    assert!(err.contains("`keep-card`"), "the allowed keys: {err}");
}

#[test]
fn a_wrong_type_is_a_usage_error_naming_the_key() {
    let repo = repository();
    for (text, key, wanted) in [
        ("jobs = \"many\"\n", "jobs", "u16"),
        ("keep-card = \"yes\"\n", "keep-card", "boolean"),
        ("front-matter = \"json\"\n", "front-matter", "`toml`"),
        ("max-size = \"lots\"\n", "max-size", "64M"),
        ("glob = \"*.html\"\n", "glob", "sequence"),
    ] {
        let file = repo.path().join("settings.toml");
        write(file.clone(), text);
        let output = cdt2md(repo.path())
            .args(["--config", "settings.toml", "archive/seed.txt"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{text}");
        let err = stderr(&output);
        assert!(err.contains("settings.toml"), "{err}");
        assert!(err.contains(key) && err.contains(wanted), "{text}: {err}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_bad_config_is_an_error_command_on_the_file_in_github_mode() {
    let repo = repository();
    write(
        repo.path().join("cdt2md.toml"),
        "output = \"md\"\nexclude = [\n  \"drafts/**\",\n  5,\n]\n",
    );
    let output = cdt2md(&repo.path().join("sub"))
        .args(["--message-format", "github"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.lines().any(
            |l| l.starts_with("::error file=../cdt2md.toml,title=cdt2md::")
                && l.contains("exclude: ")
        ),
        "{err}"
    );
}

#[test]
fn config_names_a_file_and_no_config_ignores_the_found_one() {
    let repo = repository();
    write(repo.path().join("cdt2md.toml"), "bogus = true\n");
    cdt2md(repo.path()).arg("archive/seed.txt").assert().code(2);
    cdt2md(repo.path())
        .args(["--no-config", "archive/seed.txt"])
        .assert()
        .code(0);
    write(repo.path().join("ci.toml"), "front-matter = \"none\"\n");
    let output = cdt2md(repo.path())
        .args(["--config", "ci.toml", "archive/seed.txt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("# "));
    cdt2md(repo.path())
        .args(["--config", "missing.toml", "archive/seed.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing.toml"));
}

#[test]
fn the_reports_summary_shows_the_effective_settings() {
    let repo = repository();
    write(
        repo.path().join("cdt2md.toml"),
        "inputs = [\"archive\"]\noutput = \"markdown\"\nrename-key = [\"url=original_url\"]\njobs = 1\n",
    );
    cdt2md(repo.path())
        .args(["--report", "report.jsonl", "--keep-card", "-q"])
        .assert()
        .code(0);
    let report = fs::read_to_string(repo.path().join("report.jsonl")).expect("report");
    let last: serde_json::Value =
        serde_json::from_str(report.lines().last().expect("a line")).expect("json");
    let settings = &last["summary"]["settings"];
    assert_eq!(settings["config"], "cdt2md.toml");
    assert_eq!(settings["output"], "markdown");
    assert_eq!(settings["rename-key"][0], "url=original_url");
    assert_eq!(settings["jobs"], 1);
    assert_eq!(settings["keep-card"], true);
    assert_eq!(settings["front-matter"], "yaml");
    assert_eq!(settings["message-format"], "human");
    assert_eq!(settings["quiet"], true);
    assert_eq!(settings["report"], "report.jsonl");
    assert_eq!(settings["prune"], false);
    assert_eq!(settings["shard"], serde_json::Value::Null);
}

#[test]
fn quiet_and_the_report_may_be_kept_in_the_file_and_the_shard_is_reported() {
    let repo = repository();
    write(
        repo.path().join("cdt2md.toml"),
        "inputs = [\"archive\"]\noutput = \"markdown\"\nquiet = true\nreport = \"out/report.jsonl\"\n",
    );
    fs::create_dir_all(repo.path().join("out")).expect("out");
    let output = cdt2md(&repo.path().join("sub"))
        .args(["--shard", "1/1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "quiet: {}", stderr(&output));
    let report =
        fs::read_to_string(repo.path().join("out/report.jsonl")).expect("report beside the file");
    let last: serde_json::Value =
        serde_json::from_str(report.lines().last().expect("a line")).expect("json");
    assert_eq!(last["summary"]["settings"]["shard"], "1/1");
    assert_eq!(last["summary"]["settings"]["quiet"], true);
}

#[test]
fn batch_options_without_an_output_are_usage_errors() {
    let repo = repository();
    cdt2md(repo.path())
        .args(["archive", "--check"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--check needs -o OUT"));
}

// ---------------------------------------------------------------- --message-format github

#[test]
fn check_findings_are_error_commands_on_the_output_files() {
    let repo = repository();
    let summary = repo.path().join("summary.md");
    write(summary.clone(), "earlier step\n");
    let output = cdt2md(repo.path())
        .args([
            "archive",
            "-o",
            "md",
            "--check",
            "--message-format",
            "github",
        ])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error file=md/seed.md,title=cdt2md::missing: ")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l == "::warning file=archive/391037.html,title=cdt2md::no archive card"),
        "{out}"
    );
    assert!(
        !out.contains("\nmissing: "),
        "no human lines besides: {out}"
    );
    let text = fs::read_to_string(&summary).expect("summary");
    assert!(
        text.starts_with("earlier step\n## cdt2md\n"),
        "appended: {text}"
    );
    assert!(
        text.contains("| missing | md/seed.md | missing: md/seed.md"),
        "{text}"
    );
    assert!(text.contains("| 2 | 0 | 0 | 0 | 2 | 0 | 0 | 0 |"), "{text}");
}

#[test]
fn stale_and_orphaned_outputs_are_marked_too() {
    let repo = repository();
    cdt2md(repo.path())
        .args(["archive", "-o", "md", "-q"])
        .assert()
        .code(0);
    let seed = repo.path().join("md/seed.md");
    let text = fs::read_to_string(&seed).unwrap();
    write(seed, &text.replace("---\n", "---\nedited: true\n"));
    let old = fs::read_to_string(repo.path().join("md/391037.md")).unwrap();
    write(repo.path().join("md/gone.md"), &old);
    let output = cdt2md(repo.path())
        .args([
            "archive",
            "-o",
            "md",
            "--check",
            "--message-format",
            "github",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains("::error file=md/seed.md,title=cdt2md::stale: "),
        "{out}"
    );
    assert!(
        out.contains("::error file=md/gone.md,title=cdt2md::orphaned: "),
        "{out}"
    );
}

#[test]
fn failures_escape_percent_newlines_commas_and_colons() {
    let repo = repository();
    let odd = repo.path().join("odd, name: 100%");
    fs::create_dir_all(&odd).unwrap();
    // a page too large for --max-size fails, with the limit in its reason
    fs::copy(
        repo.path().join("archive/seed.txt"),
        odd.join("a,b:c%.html"),
    )
    .unwrap();
    let output = cdt2md(repo.path())
        .args([
            "odd, name: 100%",
            "-o",
            "md",
            "--max-size",
            "10",
            "--message-format",
            "github",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    let line = out
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("an error command: {out}"));
    assert!(
        line.starts_with("::error file=odd%2C name%3A 100%25/a%2Cb%3Ac%25.html,title=cdt2md::"),
        "{line}"
    );
    let message = line.split_once("title=cdt2md::").unwrap().1;
    assert!(!message.contains('\n') && !message.contains('\r'));
}

#[test]
fn a_reason_with_a_newline_stays_one_command() {
    // a JSON post whose id-less body fails names it in a reason; any reason is one line, and
    // an input named with a newline in it still gives one line
    let repo = repository();
    let odd = repo.path().join("two\nlines");
    fs::create_dir_all(&odd).unwrap();
    fs::write(odd.join("empty.html"), b"").unwrap();
    let output = cdt2md(repo.path())
        .arg("two\nlines")
        .args(["-o", "md", "--message-format", "github"])
        .output()
        .unwrap();
    let out = stdout(&output);
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert!(!errors.is_empty(), "{out}{}", stderr(&output));
    for line in errors {
        assert!(line.contains("file=two%0Alines/"), "{line}");
    }
}

#[test]
fn paths_are_from_the_workspace_root_when_run_in_a_subfolder() {
    let repo = repository();
    let output = cdt2md(&repo.path().join("sub"))
        .args([
            "../archive",
            "-o",
            "../md",
            "--check",
            "--message-format",
            "github",
        ])
        .env("GITHUB_WORKSPACE", repo.path().canonicalize().unwrap())
        .output()
        .unwrap();
    let out = stdout(&output);
    assert!(out.contains("::error file=md/seed.md,"), "{out}");
}

#[test]
fn a_leftover_temporary_file_is_an_error_on_it_under_check() {
    let repo = repository();
    cdt2md(repo.path())
        .args(["archive", "-o", "md", "-q"])
        .assert()
        .code(0);
    write(repo.path().join("md/.cdt2md-Ab12Cd.tmp"), "half a page");
    let output = cdt2md(repo.path())
        .args([
            "archive",
            "-o",
            "md",
            "--check",
            "--message-format",
            "github",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error file=md/.cdt2md-Ab12Cd.tmp,title=cdt2md::leftover: ")),
        "{out}"
    );
    assert!(!out.contains("\nleftover: "), "{out}");
    assert!(
        repo.path().join("md/.cdt2md-Ab12Cd.tmp").exists(),
        "--check removes nothing"
    );
}

#[test]
fn check_without_inputs_anywhere_says_there_is_no_input() {
    let repo = repository();
    write(repo.path().join("cdt2md.toml"), "output = \"markdown\"\n");
    cdt2md(repo.path())
        .arg("--check")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no input: give the folders or pages",
        ));
    // a bare run with a pipe still reads the pipe
    let seed = fs::read(repo.path().join("archive/seed.txt")).unwrap();
    let output = cdt2md(repo.path()).write_stdin(seed).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("---\n"));
}
