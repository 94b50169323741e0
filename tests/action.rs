//! The GitHub Action: `scripts/action.sh` run as `action.yml` runs it, in a clean environment
//! holding only what a runner sets, on a copy of three fixture pages; and `action.yml` itself,
//! which actionlint does not read.
#![cfg(unix)]

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BINARY: &str = env!("CARGO_BIN_EXE_cdt2md");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");
const PAGES: [&str; 3] = ["391037", "399702", "400692"];

/// A runner's workspace with `archive/` holding three pages, its tool cache and step summary.
struct Runner {
    dir: tempfile::TempDir,
    /// What `PATH` starts with; the local binary's folder unless a test changes it.
    path: Vec<PathBuf>,
    env: Vec<(String, String)>,
}

impl Runner {
    fn new() -> Runner {
        let dir = tempfile::tempdir().expect("temp dir");
        let archive = dir.path().join("workspace/archive");
        fs::create_dir_all(&archive).expect("archive");
        for page in PAGES {
            fs::copy(
                Path::new(ROOT).join(format!("fixtures/pages/{page}.html")),
                archive.join(format!("{page}.html")),
            )
            .expect("copy a page");
        }
        fs::create_dir_all(dir.path().join("tool-cache")).expect("tool cache");
        fs::create_dir_all(dir.path().join("home")).expect("home");
        let bin = Path::new(BINARY)
            .parent()
            .expect("binary folder")
            .to_path_buf();
        Runner {
            dir,
            path: vec![bin],
            env: vec![
                ("INPUT_PATHS".into(), "archive".into()),
                ("INPUT_OUTPUT".into(), "markdown".into()),
            ],
        }
    }

    fn workspace(&self) -> PathBuf {
        self.dir.path().join("workspace")
    }

    fn summary(&self) -> PathBuf {
        self.dir.path().join("step-summary.md")
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join(format!("tool-cache/cdt2md/{VERSION}"))
    }

    /// Sets (or with an empty value, still sets) one variable.
    fn set(&mut self, key: &str, value: &str) -> &mut Runner {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    fn unset(&mut self, key: &str) -> &mut Runner {
        self.env.retain(|(k, _)| k != key);
        self
    }

    /// A folder of executables, first on PATH, with `name` printing `stdout` and exiting 1
    /// after writing its arguments to `<name>.args` beside it.
    fn fake(&mut self, name: &str, stdout: &str) -> PathBuf {
        let bin = self.dir.path().join("fake-bin");
        fs::create_dir_all(&bin).expect("fake bin");
        let log = bin.join(format!("{name}.args"));
        let script = bin.join(name);
        fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\necho '{stdout}'\nexit 1\n",
                log.display()
            ),
        )
        .expect("fake script");
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");
        if !self.path.contains(&bin) {
            self.path.insert(0, bin);
        }
        log
    }

    fn run(&self) -> Run {
        let path = std::env::join_paths(
            self.path
                .iter()
                .cloned()
                .chain([PathBuf::from("/usr/bin"), PathBuf::from("/bin")]),
        )
        .expect("PATH");
        let mut command = Command::new("bash");
        command
            .arg(Path::new(ROOT).join("scripts/action.sh"))
            .current_dir(self.workspace())
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.dir.path().join("home"))
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", ROOT)
            .env("GITHUB_WORKSPACE", self.workspace())
            .env("GITHUB_STEP_SUMMARY", self.summary())
            .env("RUNNER_TOOL_CACHE", self.dir.path().join("tool-cache"))
            .env("RUNNER_TEMP", self.dir.path());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let output = command.output().expect("bash runs");
        Run::from(output)
    }
}

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            status: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// The `cdt2md-action: running:` line, without its prefix.
    fn command(&self) -> &str {
        let lines: Vec<&str> = self
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix("cdt2md-action: running: "))
            .collect();
        assert_eq!(lines.len(), 1, "one command line:\n{self}");
        lines[0]
    }

    fn errors(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with("::error file="))
            .collect()
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// The command line the action prints for `paths`, `rest` coming after `-o markdown` and the
/// message format.
fn expected(paths: &str, rest: &str) -> String {
    format!("cdt2md {paths} -o markdown --message-format github{rest}")
}

fn markdown_files(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default()
}

fn all_pages() -> BTreeSet<String> {
    PAGES.iter().map(|p| format!("{p}.md")).collect()
}

#[test]
fn convert_writes_the_markdown() {
    let mut runner = Runner::new();
    runner.set("INPUT_MODE", "convert");
    let run = runner.run();
    assert_eq!(run.status, Some(0), "{run}");
    assert_eq!(run.command(), expected("archive", ""), "{run}");
    assert_eq!(
        markdown_files(&runner.workspace().join("markdown")),
        all_pages()
    );
    assert!(
        run.stderr
            .contains(&format!("using {BINARY} (cdt2md {VERSION})")),
        "the binary on PATH is used:\n{run}"
    );
    assert!(run.errors().is_empty(), "{run}");
    let summary = fs::read_to_string(runner.summary()).expect("a step summary");
    assert!(summary.starts_with("## cdt2md"), "{summary}");
}

#[test]
fn check_fails_on_a_fresh_output_and_names_each_file() {
    let runner = Runner::new();
    let run = runner.run();
    assert_eq!(run.status, Some(1), "{run}");
    assert_eq!(run.command(), expected("archive", " --check"), "{run}");
    assert!(
        markdown_files(&runner.workspace().join("markdown")).is_empty(),
        "check writes nothing"
    );
    let errors = run.errors();
    for page in PAGES {
        assert!(
            errors.iter().any(
                |e| e.starts_with(&format!("::error file=markdown/{page}.md,"))
                    && e.contains("title=cdt2md::missing")
            ),
            "no annotation for {page}.md:\n{run}"
        );
    }
    let summary = fs::read_to_string(runner.summary()).expect("a step summary");
    assert!(summary.starts_with("## cdt2md"), "{summary}");
    assert!(
        summary.contains("| missing | markdown/399702.md |"),
        "{summary}"
    );
}

#[test]
fn check_after_convert_passes() {
    let mut runner = Runner::new();
    runner.set("INPUT_MODE", "convert");
    assert_eq!(runner.run().status, Some(0));
    runner.set("INPUT_MODE", "check");
    let run = runner.run();
    assert_eq!(run.status, Some(0), "{run}");
    assert_eq!(run.command(), expected("archive", " --check"), "{run}");
    assert!(run.errors().is_empty(), "{run}");
}

#[test]
fn shard_paths_and_args_reach_the_command_line() {
    let mut runner = Runner::new();
    fs::create_dir_all(runner.workspace().join("more")).expect("more");
    runner
        .set("INPUT_PATHS", " archive\n  more\t")
        .set("INPUT_MODE", "convert")
        .set("INPUT_SHARD", "2/4")
        .set("INPUT_ARGS", "-q  --report report.jsonl");
    let run = runner.run();
    assert_eq!(run.status, Some(0), "{run}");
    assert_eq!(
        run.command(),
        expected("archive more", " --shard 2/4 -q --report report.jsonl"),
        "{run}"
    );
    let report = fs::read_to_string(runner.workspace().join("report.jsonl")).expect("report");
    assert!(report.lines().count() >= 2, "{report}");
    let written = markdown_files(&runner.workspace().join("markdown"));
    assert!(
        written.len() < PAGES.len(),
        "one shard of four: {written:?}"
    );
}

#[test]
fn paths_default_to_the_workspace() {
    let mut runner = Runner::new();
    runner.unset("INPUT_PATHS").set("INPUT_MODE", "convert");
    let run = runner.run();
    assert_eq!(run.status, Some(0), "{run}");
    assert_eq!(run.command(), expected(".", ""), "{run}");
    assert_eq!(
        markdown_files(&runner.workspace().join("markdown/archive")),
        all_pages()
    );
}

#[test]
fn a_config_is_passed_on() {
    let mut runner = Runner::new();
    fs::write(runner.workspace().join("cdt2md.toml"), "").expect("config");
    runner
        .set("INPUT_MODE", "convert")
        .set("INPUT_CONFIG", "cdt2md.toml");
    let run = runner.run();
    assert_eq!(run.status, Some(0), "{run}");
    assert_eq!(
        run.command(),
        expected("archive", " --config cdt2md.toml"),
        "{run}"
    );
}

#[test]
fn a_config_file_can_name_the_inputs_and_output() {
    let mut runner = Runner::new();
    fs::write(
        runner.workspace().join("cdt2md.toml"),
        "inputs = [\"archive\"]\noutput = \"md\"\n",
    )
    .expect("config");
    runner.unset("INPUT_PATHS").unset("INPUT_OUTPUT");
    let run = runner.run();
    assert_eq!(run.status, Some(1), "check on a fresh OUT: {run}");
    assert_eq!(
        run.command(),
        "cdt2md --message-format github --check",
        "{run}"
    );
    assert!(
        run.errors()
            .iter()
            .any(|e| e.starts_with("::error file=md/399702.md,")),
        "{run}"
    );
    runner.set("INPUT_MODE", "convert");
    assert_eq!(runner.run().status, Some(0));
    assert_eq!(markdown_files(&runner.workspace().join("md")), all_pages());
}

#[test]
fn a_config_with_an_output_but_no_inputs_converts_the_workspace() {
    let mut runner = Runner::new();
    fs::write(runner.workspace().join("cdt2md.toml"), "output = \"md\"\n").expect("config");
    runner
        .unset("INPUT_PATHS")
        .unset("INPUT_OUTPUT")
        .set("INPUT_MODE", "convert");
    let run = runner.run();
    assert_eq!(run.status, Some(0), "{run}");
    assert_eq!(run.command(), "cdt2md . --message-format github", "{run}");
    assert_eq!(
        markdown_files(&runner.workspace().join("md/archive")),
        all_pages()
    );
}

#[test]
fn bad_inputs_are_errors_that_say_what_to_do() {
    for (key, value, message) in [
        ("INPUT_OUTPUT", "", "input 'output' is required"),
        ("INPUT_MODE", "fix", "input 'mode' must be check or convert"),
        ("INPUT_SHARD", "2of4", "input 'shard' must be K/N"),
        (
            "INPUT_VERSION",
            "1.0; rm -rf",
            "input 'version' is not a version",
        ),
    ] {
        let mut runner = Runner::new();
        runner.set(key, value);
        let run = runner.run();
        assert_eq!(run.status, Some(2), "{key}={value:?}: {run}");
        assert!(run.stderr.contains(message), "{key}={value:?}: {run}");
        assert!(
            run.stdout.contains("::error title=cdt2md-action::"),
            "an annotation: {run}"
        );
        assert!(
            !run.stdout.contains("running:"),
            "cdt2md did not run: {run}"
        );
    }
    // an input's `%` and newline stay inside the one command
    let mut runner = Runner::new();
    runner.set("INPUT_MODE", "50%\nfix");
    let run = runner.run();
    assert_eq!(run.status, Some(2), "{run}");
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error title=cdt2md-action::") && l.ends_with("'50%25%0Afix'")),
        "{run}"
    );
    // a missing `output` too, not only an empty one (there is no cdt2md.toml)
    let mut runner = Runner::new();
    runner.unset("INPUT_OUTPUT");
    let run = runner.run();
    assert_eq!(run.status, Some(2), "{run}");
    assert!(run.stderr.contains("input 'output' is required"), "{run}");
}

#[test]
fn resolve_names_the_version_and_cache_folder() {
    let runner = Runner::new();
    let outputs = runner.dir.path().join("github-output");
    let mut command = Command::new("bash");
    command
        .arg(Path::new(ROOT).join("scripts/action.sh"))
        .arg("--resolve")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("GITHUB_ACTION_PATH", ROOT)
        .env("RUNNER_TOOL_CACHE", runner.dir.path().join("tool-cache"))
        .env("GITHUB_OUTPUT", &outputs);
    let run = Run::from(command.output().expect("bash runs"));
    assert_eq!(run.status, Some(0), "{run}");
    let written = fs::read_to_string(&outputs).expect("GITHUB_OUTPUT");
    let head = format!(
        "version={VERSION}\ndir={}\nsource=",
        runner.cache().display()
    );
    let source = written.strip_prefix(&head).expect(&written).trim_end();
    assert!(
        source.len() == 16 && source.bytes().all(|b| b.is_ascii_hexdigit()),
        "the action's own source, hashed: {written}"
    );
    assert_eq!(written.lines().count(), 3, "{written}");
    // `v1.2.3` and `1.2.3` are one version, from crates.io whatever the action's source
    command.env("INPUT_VERSION", "v1.2.3");
    let run = Run::from(command.output().expect("bash runs"));
    assert!(run.stdout.starts_with("version=1.2.3\n"), "{run}");
    assert!(run.stdout.ends_with("\nsource=v1.2.3\n"), "{run}");
}

/// A `cdt2md` of another version on PATH is passed over for the one in the tool cache.
#[test]
fn the_cached_binary_wins_over_another_version_on_path() {
    let mut runner = Runner::new();
    runner.path.clear();
    runner.fake("cdt2md", "cdt2md 0.0.1");
    fs::create_dir_all(runner.cache().join("bin")).expect("cache");
    fs::copy(BINARY, runner.cache().join("bin/cdt2md")).expect("cache the binary");
    runner.set("INPUT_MODE", "convert");
    let run = runner.run();
    assert_eq!(run.status, Some(0), "{run}");
    assert!(
        run.stderr
            .contains(&format!("cdt2md on PATH is 'cdt2md 0.0.1', not {VERSION}")),
        "{run}"
    );
    assert!(
        run.stderr.contains(&format!(
            "using {}",
            runner.cache().join("bin/cdt2md").display()
        )),
        "{run}"
    );
}

fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("--version").output().is_ok();
    if !found {
        eprintln!("SKIPPED: {name} is not installed");
    }
    found
}

/// A release folder as the release workflow lays it out: `v<version>/<asset>` and its
/// `.sha256`; with `corrupt`, a checksum that does not match. Returns its `file://` URL.
fn release(dir: &Path, corrupt: bool) -> String {
    let assets = dir.join("releases");
    let staging = dir.join("staging");
    fs::create_dir_all(assets.join(format!("v{VERSION}"))).expect("release folder");
    fs::create_dir_all(&staging).expect("staging");
    fs::copy(BINARY, staging.join("cdt2md")).expect("binary");
    let name = format!("cdt2md-v{VERSION}-x86_64-unknown-linux-musl.tar.gz");
    let archive = assets.join(format!("v{VERSION}/{name}"));
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&staging)
        .arg("cdt2md")
        .status()
        .expect("tar");
    assert!(status.success());
    let sum = Command::new("sha256sum")
        .arg(&archive)
        .output()
        .expect("sha");
    let sum = String::from_utf8_lossy(&sum.stdout);
    let mut sum = sum.split_whitespace().next().expect("a sum").to_string();
    if corrupt {
        sum = "0".repeat(64);
    }
    fs::write(
        assets.join(format!("v{VERSION}/{name}.sha256")),
        format!("{sum}  {name}\n"),
    )
    .expect("sha256 file");
    format!("file://{}", assets.display())
}

/// The download: the release asset for Linux x64 (a `file://` URL standing for GitHub's),
/// checked and unpacked into the tool cache; a second run finds it there.
#[test]
fn the_release_asset_is_downloaded_checked_and_cached() {
    if !(tool("curl") && tool("tar") && tool("sha256sum")) {
        return;
    }
    let mut runner = Runner::new();
    runner.path.clear();
    let cargo = runner.fake("cargo", "");
    let url = release(runner.dir.path(), false);
    runner
        .set("CDT2MD_RELEASES_URL", &url)
        .set("RUNNER_OS", "Linux")
        .set("RUNNER_ARCH", "X64")
        .set("INPUT_MODE", "convert");
    let run = runner.run();
    assert_eq!(run.status, Some(0), "{run}");
    assert!(
        run.stderr.contains(&format!(
            "downloading {url}/v{VERSION}/cdt2md-v{VERSION}-x86_64-unknown-linux-musl.tar.gz"
        )),
        "{run}"
    );
    assert!(!cargo.exists(), "cargo was not needed");
    let cached = runner.cache().join("bin/cdt2md");
    assert!(cached.is_file(), "{run}");
    assert!(
        run.stderr.contains(&format!("using {}", cached.display())),
        "{run}"
    );
    assert_eq!(
        markdown_files(&runner.workspace().join("markdown")),
        all_pages()
    );
    // the next job finds it in the cache
    fs::remove_dir_all(runner.dir.path().join("releases")).expect("rm releases");
    let run = runner.run();
    assert_eq!(run.status, Some(0), "{run}");
    assert!(!run.stderr.contains("downloading"), "{run}");
}

/// A checksum that does not match is refused, and the action builds with cargo instead: its
/// own source for its own version, crates.io's for another.
#[test]
fn a_bad_checksum_falls_back_to_cargo_install() {
    if !(tool("curl") && tool("tar") && tool("sha256sum")) {
        return;
    }
    let mut runner = Runner::new();
    runner.path.clear();
    let cargo = runner.fake("cargo", "");
    let url = release(runner.dir.path(), true);
    runner
        .set("CDT2MD_RELEASES_URL", &url)
        .set("RUNNER_OS", "Linux")
        .set("RUNNER_ARCH", "X64");
    let run = runner.run();
    assert_eq!(run.status, Some(3), "{run}");
    assert!(run.stderr.contains("checksum mismatch"), "{run}");
    assert!(
        run.stderr
            .contains(&format!("could not download or build cdt2md {VERSION}")),
        "{run}"
    );
    assert!(
        !runner.cache().join("bin/cdt2md").exists(),
        "nothing unchecked is cached"
    );
    let args = fs::read_to_string(&cargo).expect("cargo ran");
    assert_eq!(
        args.trim(),
        format!(
            "install --locked --path {ROOT} --root {}",
            runner.cache().display()
        )
    );

    // another version: no asset for it here, so crates.io's
    fs::remove_file(&cargo).expect("rm log");
    runner.set("INPUT_VERSION", "0.0.9");
    let run = runner.run();
    assert_eq!(run.status, Some(3), "{run}");
    let args = fs::read_to_string(&cargo).expect("cargo ran");
    let cache = runner.dir.path().join("tool-cache/cdt2md/0.0.9");
    assert_eq!(
        args.trim(),
        format!(
            "install --locked cdt2md --version =0.0.9 --root {}",
            cache.display()
        )
    );
}

/// `action.yml` is a composite action whose inputs are exactly what the script reads, each
/// passed to it as its `INPUT_*` variable.
#[test]
fn action_yml_declares_every_input_the_script_reads() {
    let text = fs::read_to_string(Path::new(ROOT).join("action.yml")).expect("action.yml");
    let action: serde_yaml::Value = serde_yaml::from_str(&text).expect("action.yml is YAML");
    assert!(action["name"].is_string() && action["description"].is_string());
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));

    let inputs: BTreeSet<String> = action["inputs"]
        .as_mapping()
        .expect("inputs")
        .keys()
        .map(|k| k.as_str().expect("input name").to_string())
        .collect();
    for name in &inputs {
        let input = &action["inputs"][name.as_str()];
        assert!(input["description"].is_string(), "{name} has a description");
    }
    // OUT may come from a cdt2md.toml instead
    assert_eq!(
        action["inputs"]["output"]["required"].as_bool(),
        Some(false)
    );

    let script = fs::read_to_string(Path::new(ROOT).join("scripts/action.sh")).expect("action.sh");
    let read = input_variables(&script);
    let declared: BTreeSet<String> = inputs
        .iter()
        .map(|name| format!("INPUT_{}", name.to_uppercase()))
        .collect();
    assert_eq!(
        read, declared,
        "INPUT_* read by the script vs inputs declared"
    );

    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let run = steps
        .iter()
        .rfind(|s| s["run"].is_string())
        .expect("a run step");
    assert_eq!(run["shell"].as_str(), Some("bash"));
    assert!(
        run["run"]
            .as_str()
            .is_some_and(|r| r.contains("\"$GITHUB_ACTION_PATH/scripts/action.sh\"")),
        "{run:?}"
    );
    for name in &inputs {
        let variable = format!("INPUT_{}", name.to_uppercase());
        assert_eq!(
            run["env"][variable.as_str()].as_str(),
            Some(format!("${{{{ inputs.{name} }}}}").as_str()),
            "the run step passes {name} as {variable}"
        );
    }
    // the binary is cached per version and runner
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("an actions/cache step");
    let key = cache["with"]["key"].as_str().expect("a cache key");
    for part in ["version", "runner.os", "runner.arch"] {
        assert!(key.contains(part), "the cache key has {part}: {key}");
    }
}

/// The `INPUT_[A-Z_]+` names in `script`.
fn input_variables(script: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = script;
    while let Some(at) = rest.find("INPUT_") {
        let name: String = rest[at..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || *c == '_')
            .collect();
        if name.len() > "INPUT_".len() {
            found.insert(name.trim_end_matches('_').to_string());
        }
        rest = &rest[at + "INPUT_".len()..];
    }
    found
}
