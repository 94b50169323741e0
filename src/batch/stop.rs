//! Stopping a batch early: on SIGINT or SIGTERM, or when writing fails for a cause every later
//! page shares (a full disk, a read-only one, OUT removed).
//!
//! A stopped batch takes no new page; pages already converting finish and are written, so
//! what is in OUT stays whole (outputs are renamed from temporary files). A second signal
//! exits at once: that can leave only a temporary file, which the next run removes.

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use serde::{Serialize, Serializer};

/// The signal that asked the batch to stop; 0 for none. Process-wide: signals are.
static SIGNAL: AtomicUsize = AtomicUsize::new(0);
/// Set by the first signal, so that the second one exits.
static ARMED: AtomicBool = AtomicBool::new(false);

/// Catches SIGINT and SIGTERM: the first asks the batch to stop, the second exits at once
/// with the usual status (128 + the signal). Where they cannot be caught, they keep their
/// default action, which is what a run did before: exit at once.
pub fn listen() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    for signal in [SIGINT, SIGTERM] {
        // the exit first: it must see the flag as the previous signal left it
        let _ = flag::register_conditional_shutdown(signal, 128 + signal, &ARMED);
        let _ = flag::register_usize(signal, &SIGNAL, signal as usize);
        let _ = flag::register(signal, &ARMED);
    }
}

/// The signal caught, if one was.
pub fn signal() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        n => i32::try_from(n).ok(),
    }
}

/// Why a batch stopped before its last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped {
    Signal(i32),
    /// Writing failed for a cause every later page shares: the whole error line.
    Fatal(String),
}

impl Stopped {
    /// The exit status: 128 + the signal, as a shell reports a process a signal ended.
    pub fn exit_status(&self) -> u8 {
        match self {
            Stopped::Signal(n) => u8::try_from(128 + n).unwrap_or(1),
            Stopped::Fatal(_) => 1,
        }
    }

    /// The line that ends the run's messages: why it stopped, and what it left undone.
    pub fn line(&self, not_attempted: u64) -> String {
        let pages = if not_attempted == 1 { "page" } else { "pages" };
        let undone = format!("stopped, {not_attempted} {pages} not attempted");
        match self {
            Stopped::Fatal(why) => format!("{why}; {undone}"),
            signal => format!("interrupted ({signal}): {undone}"),
        }
    }
}

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stopped::Signal(2) => f.write_str("SIGINT"),
            Stopped::Signal(15) => f.write_str("SIGTERM"),
            Stopped::Signal(n) => write!(f, "signal {n}"),
            Stopped::Fatal(why) => f.write_str(why),
        }
    }
}

impl Serialize for Stopped {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One run's stop: what stopped it and how many pages it did not attempt.
#[derive(Debug, Default)]
pub(crate) struct Stop {
    /// Read before every page: cheaper than the mutex.
    failed: AtomicBool,
    fatal: Mutex<Option<String>>,
    not_attempted: AtomicU64,
}

impl Stop {
    /// Whether the run takes no more pages.
    pub(crate) fn requested(&self) -> bool {
        self.failed.load(Ordering::Relaxed) || SIGNAL.load(Ordering::Relaxed) != 0
    }

    /// Counts pages left alone because the run is stopping.
    pub(crate) fn skip(&self, pages: usize) {
        self.not_attempted
            .fetch_add(pages as u64, Ordering::Relaxed);
    }

    /// A page whose write failed for a cause every page shares: the first one's reason is
    /// kept (threads writing at the same time all hit it), and the page counts as not
    /// attempted.
    pub(crate) fn fail(&self, why: &str) {
        if let Ok(mut fatal) = self.fatal.lock() {
            fatal.get_or_insert_with(|| why.to_string());
        }
        self.failed.store(true, Ordering::SeqCst);
        self.skip(1);
    }

    pub(crate) fn not_attempted(&self) -> u64 {
        self.not_attempted.load(Ordering::Relaxed)
    }

    /// What stopped the run, if anything did: a failed write says more than the signal that
    /// may have come after it.
    pub(crate) fn reason(&self) -> Option<Stopped> {
        let fatal = self.fatal.lock().ok().and_then(|f| f.clone());
        fatal
            .map(Stopped::Fatal)
            .or_else(|| signal().map(Stopped::Signal))
    }
}

/// The error line when writing into `output` failed for a cause every later page shares;
/// `None` when the cause may be this page's own (a name too long, a folder it may not use).
pub(crate) fn fatal_cause(err: &io::Error, output: &Path) -> Option<String> {
    use io::ErrorKind::{QuotaExceeded, ReadOnlyFilesystem, StorageFull};
    let into = format!("cannot write into {}", output.display());
    if matches!(err.kind(), StorageFull | QuotaExceeded | ReadOnlyFilesystem) {
        return Some(format!("{into}: {}", os_wording(err)));
    }
    if !output.is_dir() {
        return Some(format!(
            "{into}: the folder is gone (removed during the run)"
        ));
    }
    None
}

/// The system's own words for an error (`No space left on device (os error 28)`), without
/// the temporary file's path tempfile adds: the path is not what the reader needs here.
fn os_wording(err: &io::Error) -> String {
    if let Some(code) = err.raw_os_error() {
        return io::Error::from_raw_os_error(code).to_string();
    }
    let text = err.to_string();
    match text.split_once(" at path ") {
        Some((words, _)) => words.to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fatal(err: io::Error) -> Option<String> {
        fatal_cause(&err, Path::new("."))
    }

    #[test]
    fn shared_causes_stop_the_batch() {
        use io::ErrorKind::{QuotaExceeded, ReadOnlyFilesystem, StorageFull};
        for kind in [StorageFull, QuotaExceeded, ReadOnlyFilesystem] {
            let why = fatal(io::Error::from(kind));
            assert!(
                why.is_some_and(|w| w.starts_with("cannot write into .: ")),
                "{kind:?}"
            );
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_systems_codes_are_classified_by_kind() {
        // ENOSPC, EDQUOT, EROFS
        for code in [28, 122, 30] {
            assert!(
                fatal(io::Error::from_raw_os_error(code)).is_some(),
                "{code}"
            );
        }
        assert_eq!(
            fatal(io::Error::from_raw_os_error(28)).as_deref(),
            Some("cannot write into .: No space left on device (os error 28)")
        );
    }

    #[test]
    fn a_pages_own_causes_do_not() {
        use io::ErrorKind::{InvalidFilename, NotFound, PermissionDenied};
        for kind in [PermissionDenied, InvalidFilename, NotFound] {
            assert_eq!(fatal(io::Error::from(kind)), None, "{kind:?}");
        }
        assert_eq!(
            fatal(io::Error::other("leads outside the output folder")),
            None
        );
    }

    #[test]
    fn an_output_folder_gone_stops_the_batch() {
        let dir = tempfile::tempdir().expect("temp dir");
        let gone = dir.path().join("out");
        let err = io::Error::from(io::ErrorKind::NotFound);
        let why = fatal_cause(&err, &gone).expect("fatal");
        assert!(
            why.ends_with("the folder is gone (removed during the run)"),
            "{why}"
        );
    }

    #[test]
    fn tempfiles_path_is_left_out_of_the_wording() {
        let wrapped = io::Error::new(
            io::ErrorKind::StorageFull,
            "No space left on device (os error 28) at path \"/out/.cdt2md-abc123.tmp\"",
        );
        assert_eq!(
            fatal(wrapped).as_deref(),
            Some("cannot write into .: No space left on device (os error 28)")
        );
    }

    #[test]
    fn the_first_reason_is_kept_and_every_page_counted() {
        let stop = Stop::default();
        assert!(!stop.requested() || signal().is_some());
        stop.fail("cannot write into out: full");
        stop.fail("cannot write into out: other");
        stop.skip(3);
        assert!(stop.requested());
        assert_eq!(stop.not_attempted(), 5);
        assert_eq!(
            stop.reason(),
            Some(Stopped::Fatal("cannot write into out: full".into()))
        );
        assert_eq!(Stopped::Signal(2).exit_status(), 130);
        assert_eq!(Stopped::Signal(15).exit_status(), 143);
        assert_eq!(Stopped::Signal(15).to_string(), "SIGTERM");
        assert_eq!(
            Stopped::Signal(2).line(1),
            "interrupted (SIGINT): stopped, 1 page not attempted"
        );
    }
}
