//! Temporary files an interrupted run left in OUT. Outputs are written to
//! `.cdt2md-XXXXXX.tmp` beside their target and renamed over it ([`super::write_atomic`]);
//! a run killed between the two (SIGKILL, a second Ctrl-C, a power cut) leaves the temporary
//! file behind. The next run removes them before it starts.
//!
//! A run still writing into the same OUT (another shard, started beside this one) is not
//! interrupted: a run holds a shared lock on OUT itself while it writes there (`flock` on the
//! folder, released by the system when the run exits, however it exits), and temporary files
//! are leftovers only while no run holds it. Two system calls a run, not one a file.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use walkdir::WalkDir;

/// What tempfile names ours: the prefix and suffix cdt2md gives, around tempfile's random
/// part (6 alphanumerics, its default length).
const PREFIX: &str = ".cdt2md-";
const SUFFIX: &str = ".tmp";
const RANDOM: usize = 6;

/// Whether a file name is one cdt2md gives its temporary files, exactly: a note named
/// `.cdt2md-notes.txt` or `x.cdt2md-abcdef.tmp` is someone else's.
pub(crate) fn is_ours(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    name.strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .is_some_and(|random| {
            random.len() == RANDOM && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// A run's hold on OUT while it writes there: shared, so that runs beside each other may
/// all write; only the sweep for leftovers needs OUT to itself.
pub struct Hold {
    _folder: Option<fs::File>,
}

/// How long a run waits for another's sweep (a moment's walk of OUT) before it writes
/// without a hold.
const HOLD_WAIT: Duration = Duration::from_secs(10);

/// Takes a hold on `output` (a folder that exists). Where folders cannot be opened or locked
/// (Windows, some network file systems) the run goes on without one, as it does when some
/// other program keeps OUT locked for longer than a sweep takes.
pub fn hold(output: &Path) -> Hold {
    let Ok(folder) = fs::File::open(output) else {
        return Hold { _folder: None };
    };
    let deadline = Instant::now() + HOLD_WAIT;
    loop {
        match folder.try_lock_shared() {
            Ok(()) => {
                return Hold {
                    _folder: Some(folder),
                };
            }
            // another run is sweeping: it lets go in a moment
            Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(_) => return Hold { _folder: None },
        }
    }
}

/// OUT to this run alone, for as long as the value lives: `None` while another run holds it
/// (its temporary files are being written, not left over). Where folders cannot be locked,
/// OUT counts as this run's.
fn alone(output: &Path) -> Option<Option<fs::File>> {
    let Ok(folder) = fs::File::open(output) else {
        return Some(None);
    };
    match folder.try_lock() {
        Ok(()) => Some(Some(folder)),
        Err(fs::TryLockError::WouldBlock) => None,
        Err(fs::TryLockError::Error(_)) => Some(None),
    }
}

/// The leftover temporary files in `output`, in a stable order: regular files only, in OUT's
/// own folders (symbolic links are neither followed nor taken); none while another run holds
/// OUT.
pub fn find(output: &Path) -> Vec<PathBuf> {
    if !output.is_dir() {
        return Vec::new();
    }
    match alone(output) {
        Some(_alone) => walk(output),
        None => Vec::new(),
    }
}

fn walk(output: &Path) -> Vec<PathBuf> {
    WalkDir::new(output)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_ours(e.file_name()))
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// Removes the leftovers in `output` and says how many (with `check`, lists them on standard
/// output with the run's other findings, and removes nothing): the number found or removed.
/// OUT stays this run's alone from the walk to the last removal, so no run can start writing
/// in between.
pub fn settle(output: &Path, check: bool, quiet: bool) -> u64 {
    if !output.is_dir() {
        return 0;
    }
    let Some(_alone) = alone(output) else {
        return 0;
    };
    let found = walk(output);
    if check {
        for path in &found {
            println!(
                "leftover: {} (a temporary file an interrupted run left; a run without --check \
                 removes it)",
                path.display()
            );
        }
        return found.len() as u64;
    }
    let failed = remove(&found);
    for (path, err) in &failed {
        eprintln!(
            "cdt2md: {}: cannot remove this leftover temporary file: {err}",
            path.display()
        );
    }
    let removed = (found.len() - failed.len()) as u64;
    if removed > 0 && !quiet {
        let files = if removed == 1 { "file" } else { "files" };
        eprintln!(
            "cdt2md: removed {removed} temporary {files} an interrupted run left in {}",
            output.display()
        );
    }
    removed
}

/// Removes the leftovers found; the ones that could not be removed come back with why.
pub(crate) fn remove(found: &[PathBuf]) -> Vec<(&Path, io::Error)> {
    found
        .iter()
        .filter_map(|path| fs::remove_file(path).err().map(|err| (path.as_path(), err)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_in_an_out_another_run_holds_are_no_leftovers() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = tempfile::Builder::new()
            .prefix(PREFIX)
            .suffix(SUFFIX)
            .tempfile_in(dir.path())
            .expect("temp file");
        let path = file.path().to_path_buf();
        let other_run = hold(dir.path());
        assert!(find(dir.path()).is_empty(), "OUT held: in flight");
        // a second run beside it holds OUT too, and sweeps nothing either
        let second = hold(dir.path());
        assert!(find(dir.path()).is_empty());
        drop((other_run, second));
        assert_eq!(find(dir.path()), vec![path], "no run holds OUT: left over");
    }

    #[test]
    fn a_run_starting_during_a_sweep_waits_for_its_hold() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sweep = alone(dir.path()).expect("not busy").expect("lockable");
        let folder = dir.path().to_path_buf();
        let run = std::thread::spawn(move || hold(&folder));
        std::thread::sleep(Duration::from_millis(50));
        drop(sweep);
        let held = run.join().expect("the run");
        assert!(
            held._folder.is_some(),
            "the run got its hold after the sweep"
        );
        assert!(
            alone(dir.path()).is_none(),
            "and a later sweep sees OUT busy"
        );
    }

    #[test]
    fn only_our_exact_names_are_ours() {
        for name in [
            ".cdt2md-abc123.tmp",
            ".cdt2md-ZZZZZZ.tmp",
            ".cdt2md-a1B2c3.tmp",
        ] {
            assert!(is_ours(OsStr::new(name)), "{name}");
        }
        for name in [
            ".cdt2md-notes.txt",
            "x.cdt2md-abcdef.tmp",
            ".cdt2md-abc12.tmp",
            ".cdt2md-abc1234.tmp",
            ".cdt2md-abc-12.tmp",
            ".cdt2md-abc123.tmp.md",
            "cdt2md-abc123.tmp",
            ".cdt2md-éé12.tmp",
        ] {
            assert!(!is_ours(OsStr::new(name)), "{name}");
        }
    }

    #[test]
    fn the_names_tempfile_gives_are_ours() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = tempfile::Builder::new()
            .prefix(PREFIX)
            .suffix(SUFFIX)
            .tempfile_in(dir.path())
            .expect("temp file");
        let name = file.path().file_name().expect("a name");
        assert!(is_ours(name), "{name:?}");
    }

    #[cfg(unix)]
    #[test]
    fn links_and_folders_are_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (out, elsewhere) = (dir.path().join("out"), dir.path().join("elsewhere"));
        fs::create_dir_all(out.join("a/.cdt2md-dir123.tmp")).expect("mkdir");
        fs::create_dir_all(&elsewhere).expect("mkdir");
        fs::write(elsewhere.join(".cdt2md-xyz789.tmp"), b"not in OUT").expect("write");
        std::os::unix::fs::symlink(&elsewhere, out.join("link")).expect("symlink");
        std::os::unix::fs::symlink(
            elsewhere.join(".cdt2md-xyz789.tmp"),
            out.join(".cdt2md-lnk456.tmp"),
        )
        .expect("symlink");
        fs::write(out.join("a/.cdt2md-abc123.tmp"), b"half").expect("write");
        let found = find(&out);
        assert_eq!(found, vec![out.join("a/.cdt2md-abc123.tmp")]);
        assert!(remove(&found).is_empty());
        assert!(find(&out).is_empty());
        assert!(elsewhere.join(".cdt2md-xyz789.tmp").is_file());
        assert!(out.join("a/.cdt2md-dir123.tmp").is_dir());
    }
}
