//! Interrupted and failing runs, through the real binary: a run killed outright leaves at most
//! temporary files, which the next run removes (`--check` lists them); Ctrl-C and SIGTERM stop
//! a batch with whole outputs and the summary so far; a full disk stops it at once, with one
//! line.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use tempfile::TempDir;

fn cdt2md() -> Command {
    Command::cargo_bin("cdt2md").expect("binary is built")
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin!("cdt2md").to_path_buf()
}

/// `copies` folders each holding every fixture page: big enough that a run at `-j 1` takes
/// seconds, time enough to stop it in the middle.
fn archive(copies: usize) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for i in 0..copies {
        let folder = dir.path().join("in").join(format!("{:03}", i));
        fs::create_dir_all(&folder).expect("mkdir");
        for page in fs::read_dir("fixtures/pages").expect("fixtures") {
            let page = page.expect("entry").path();
            fs::copy(&page, folder.join(page.file_name().expect("a name"))).expect("copy");
        }
    }
    dir
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_path_buf();
            (rel, fs::read(e.path()).expect("readable"))
        })
        .collect()
}

/// A run from scratch into `out`: what every other run must end up with.
fn clean_run(input: &Path, out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    cdt2md()
        .arg(input)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .assert()
        .success();
    snapshot(out)
}

fn count_md(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count()
}

/// Starts a batch at `-j 1` and waits until its first outputs are written.
fn start(input: &Path, out: &Path, stderr: &Path, extra: &[&str]) -> Child {
    let child = std::process::Command::new(binary())
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(["-j", "1"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(fs::File::create(stderr).expect("stderr file"))
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while count_md(out) < 10 {
        assert!(Instant::now() < deadline, "no output after a minute");
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

fn wait(mut child: Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the run did not stop within a minute");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir)
        .into_keys()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect()
}

/// Every output there is whole: the bytes a clean run writes under its name.
fn assert_whole(out: &Path, clean: &BTreeMap<PathBuf, Vec<u8>>) {
    for (name, bytes) in snapshot(out) {
        let expected = clean.get(&name);
        assert!(expected == Some(&bytes), "{} is not whole", name.display());
    }
}

#[test]
fn a_killed_run_is_cleaned_up_by_the_next() {
    let dir = archive(120);
    let input = dir.path().join("in");
    let clean = clean_run(&input, &dir.path().join("clean"));
    let out = dir.path().join("out");
    let stderr = dir.path().join("stderr");
    let mut child = start(&input, &out, &stderr, &["-q"]);
    child.kill().expect("SIGKILL");
    wait(child);
    let left = temp_files(&out).len();
    // whether the kill left one is down to timing: plant them, and files only like them
    fs::write(out.join(".cdt2md-abc123.tmp"), b"half an outp").expect("plant");
    fs::write(out.join("000/.cdt2md-XyZ789.tmp"), b"---\ntitle: ").expect("plant");
    let look_alikes = [
        ".cdt2md-notes.txt",
        "x.cdt2md-abcdef.tmp",
        "000/.cdt2md-abc12.tmp",
    ];
    for name in look_alikes {
        fs::write(out.join(name), b"not cdt2md's").expect("plant");
    }
    let killed = snapshot(&out);

    let check = cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--check", "-q"])
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&check.get_output().stdout).into_owned();
    let listed: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("leftover: "))
        .collect();
    assert_eq!(listed.len(), left + 2, "{stdout}");
    assert!(stdout.contains(&format!(
        "leftover: {} (a temporary file an interrupted run left; a run without --check removes it)",
        out.join(".cdt2md-abc123.tmp").display()
    )));
    assert!(
        !stdout.contains("notes") && !stdout.contains("x.cdt2md") && !stdout.contains("abc12.")
    );
    assert_eq!(snapshot(&out), killed, "--check removed something");

    let rerun = cdt2md().arg(&input).arg("-o").arg(&out).assert().success();
    let stderr = String::from_utf8_lossy(&rerun.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("cdt2md: removed {} temporary files", left + 2)),
        "{stderr}"
    );
    let mut expected = clean;
    for name in look_alikes {
        expected.insert(PathBuf::from(name), b"not cdt2md's".to_vec());
    }
    assert_eq!(snapshot(&out), expected);
}

#[cfg(unix)]
fn interrupt(signal: &str, status: i32, name: &str) {
    let dir = archive(120);
    let input = dir.path().join("in");
    let clean = clean_run(&input, &dir.path().join("clean"));
    let (out, stderr) = (dir.path().join("out"), dir.path().join("stderr"));
    let report = dir.path().join("report.jsonl");
    let report_arg = report.to_string_lossy().into_owned();
    // an orphan that only looks like one to a run that saw part of its inputs
    let orphan = out.join("gone/old.md");
    fs::create_dir_all(orphan.parent().expect("folder")).expect("mkdir");
    fs::write(&orphan, &clean[Path::new("000/399702.md")]).expect("plant");
    let child = start(&input, &out, &stderr, &["--prune", "--report", &report_arg]);
    let killed = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    assert_eq!(wait(child).code(), Some(status));

    let stderr = fs::read_to_string(&stderr).expect("stderr");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.contains(": warning: "))
        .collect();
    let [summary, stopped] = lines[..] else {
        panic!("not a summary and a line saying why: {lines:?}");
    };
    assert!(summary.contains(" converted, 0 unchanged"), "{summary}");
    let not_attempted: u64 = stopped
        .strip_prefix(&format!("cdt2md: interrupted ({name}): stopped, "))
        .and_then(|rest| rest.strip_suffix(" pages not attempted"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stopped}"));
    assert!(not_attempted > 0);
    let report = fs::read_to_string(&report).expect("report");
    let last: serde_json::Value =
        serde_json::from_str(report.lines().last().expect("a summary")).expect("JSON");
    assert_eq!(last["summary"]["stopped"], name);
    assert_eq!(last["summary"]["not_attempted"], not_attempted);
    let written = last["summary"]["converted"].as_u64().expect("a count");
    assert_eq!(
        report.lines().count() as u64,
        written + 1,
        "a line per page written"
    );

    assert!(temp_files(&out).is_empty(), "{:?}", temp_files(&out));
    assert!(orphan.is_file(), "--prune ran after an interrupted run");
    fs::remove_file(&orphan).expect("remove");
    fs::remove_dir(orphan.parent().expect("folder")).expect("rmdir");
    assert_whole(&out, &clean);
    assert_eq!(count_md(&out) as u64, written);
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    assert_eq!(snapshot(&out), clean);
}

/// A second Ctrl-C (a CI cancel's SIGINT, then another) ends the run at once: exit 130, no
/// partial output, and what it may leave the next run cleans up.
#[cfg(unix)]
#[test]
fn a_second_ctrl_c_exits_at_once_leaving_nothing_partial() {
    let dir = archive(120);
    let input = dir.path().join("in");
    let clean = clean_run(&input, &dir.path().join("clean"));
    let (out, stderr) = (dir.path().join("out"), dir.path().join("stderr"));
    let child = start(&input, &out, &stderr, &[]);
    for _ in 0..2 {
        let sent = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
    }
    assert_eq!(wait(child).code(), Some(130));
    // a temporary file may be left, never part of an output
    for (name, bytes) in snapshot(&out) {
        if !name.to_string_lossy().ends_with(".tmp") {
            assert!(
                clean.get(&name) == Some(&bytes),
                "{} is not whole",
                name.display()
            );
        }
    }
    cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    assert_eq!(snapshot(&out), clean);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_batch_with_whole_outputs_and_exit_130() {
    interrupt("-INT", 130, "SIGINT");
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_batch_with_whole_outputs_and_exit_143() {
    interrupt("-TERM", 143, "SIGTERM");
}

/// A tmpfs mounted for the test, unmounted however the test ends.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

fn mount_small_disk(at: &Path) -> Result<Mounted, String> {
    fs::create_dir_all(at).map_err(|e| e.to_string())?;
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(at)
        .output()
        .map_err(|e| e.to_string())?;
    if !mounted.status.success() {
        return Err(String::from_utf8_lossy(&mounted.stderr).trim().to_string());
    }
    Ok(Mounted(at.to_path_buf()))
}

#[test]
fn a_full_disk_stops_the_batch_at_once_with_one_line() {
    let dir = archive(60);
    let input = dir.path().join("in");
    let clean = clean_run(&input, &dir.path().join("clean"));
    let disk = dir.path().join("disk");
    let _mounted = match mount_small_disk(&disk) {
        Ok(mounted) => mounted,
        Err(why) => {
            println!("skipped: cannot mount a tmpfs here: {why}");
            return;
        }
    };
    let out = disk.join("out");
    let run = cdt2md()
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["-j", "2", "-q"])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().collect();
    let [line] = lines[..] else {
        panic!("not one line: {stderr}");
    };
    let prefix = format!("cdt2md: cannot write into {}: ", out.display());
    assert!(line.starts_with(&prefix), "{line}");
    assert!(line.contains("No space left on device"), "{line}");
    let not_attempted: usize = line
        .rsplit_once("; stopped, ")
        .and_then(|(_, rest)| rest.strip_suffix(" pages not attempted"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(temp_files(&out).is_empty(), "{:?}", temp_files(&out));
    assert_whole(&out, &clean);
    assert!(count_md(&out) > 0);
    assert_eq!(count_md(&out) + not_attempted, clean.len());
}
