//! Temporary files an interrupted run left in OUT. Outputs are written to
//! `.cdt2md-XXXXXX.tmp` beside their target and renamed over it ([`super::write_atomic`]);
//! a run killed between the two (SIGKILL, a second Ctrl-C, a power cut) leaves the temporary
//! file behind. The next run removes them before it starts.
//!
//! A run still writing into the same OUT (another shard, started beside this one) is not
//! interrupted: each temporary file is locked (`flock`, released by the system when its
//! writer exits, however it exits) for as long as it is written, and a locked one is not a
//! leftover.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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

/// Marks a temporary file as being written, until it is closed. Where the file system has
/// no locks the file is written all the same; only a run beside this one could then take it
/// for a leftover.
pub(crate) fn claim(file: &fs::File) {
    let _ = file.try_lock();
}

/// Whether another process (or another write in this one) holds the file's lock: a write in
/// flight, not a leftover.
fn in_use(path: &Path) -> bool {
    match fs::File::open(path) {
        Ok(file) => matches!(file.try_lock(), Err(fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

/// The leftover temporary files in `output`, in a stable order: regular files only, in OUT's
/// own folders (symbolic links are neither followed nor taken), none being written now.
pub fn find(output: &Path) -> Vec<PathBuf> {
    if !output.is_dir() {
        return Vec::new();
    }
    WalkDir::new(output)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_ours(e.file_name()))
        .map(walkdir::DirEntry::into_path)
        .filter(|path| !in_use(path))
        .collect()
}

/// Removes the leftovers in `output` and says how many (with `check`, lists them on standard
/// output with the run's other findings, and removes nothing): the number found or removed.
pub fn settle(output: &Path, check: bool, quiet: bool) -> u64 {
    let found = find(output);
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
    fn a_file_being_written_is_no_leftover() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = tempfile::Builder::new()
            .prefix(PREFIX)
            .suffix(SUFFIX)
            .tempfile_in(dir.path())
            .expect("temp file");
        claim(file.as_file());
        assert!(find(dir.path()).is_empty(), "locked: in flight");
        let path = file.path().to_path_buf();
        let (closed, _) = file.keep().expect("keep");
        drop(closed);
        assert_eq!(find(dir.path()), vec![path], "closed: left over");
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
