//! `--message-format github`: findings as GitHub workflow commands, so that they mark the
//! files in a pull request, and a short Markdown summary for the run's page.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::batch::Summary;

/// How many findings the step summary lists; the rest are counted.
const LISTED: usize = 20;

/// `::error file=PATH,title=cdt2md::MESSAGE` (`level` is error, warning or notice).
pub(super) fn annotation(level: &str, file: &str, message: &str) -> String {
    let workspace = std::env::var_os("GITHUB_WORKSPACE").map(PathBuf::from);
    let file = match (workspace, std::env::current_dir()) {
        (Some(root), Ok(cwd)) if !file.is_empty() => from_workspace(&root, &cwd, file),
        _ => file.to_string(),
    };
    if file.is_empty() {
        return format!("::{level} title=cdt2md::{}", escape_data(message));
    }
    format!(
        "::{level} file={},title=cdt2md::{}",
        escape_property(&file),
        escape_data(message)
    )
}

/// GitHub places an annotation by its path from the repository's root; cdt2md may run in a
/// subfolder (`../archive/a.html`), so paths under the workspace are rewritten from there.
fn from_workspace(root: &Path, cwd: &Path, file: &str) -> String {
    let mut full = PathBuf::new();
    for part in cwd.join(file).components() {
        match part {
            Component::ParentDir => {
                full.pop();
            }
            Component::CurDir => {}
            other => full.push(other),
        }
    }
    match full.strip_prefix(root) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.display().to_string(),
        _ => file.to_string(),
    }
}

/// GitHub's rule for a command's message: `%`, CR and LF are percent-encoded.
fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            _ => out.push(c),
        }
    }
    out
}

/// A property (`file=…`) also ends at `,` and `::`, so those are encoded too.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One failure or out-of-date output, for the step summary.
struct Finding {
    what: &'static str,
    path: String,
    reason: String,
}

/// The findings the step summary lists, gathered from the workers as they report.
#[derive(Default)]
pub(super) struct Findings {
    listed: Mutex<(Vec<Finding>, u64)>,
}

impl Findings {
    pub(super) fn note(&self, what: &'static str, path: &str, reason: &str) {
        if let Ok(mut listed) = self.listed.lock() {
            let (findings, more) = &mut *listed;
            if findings.len() < LISTED {
                findings.push(Finding {
                    what,
                    path: path.to_string(),
                    reason: reason.to_string(),
                });
            } else {
                *more += 1;
            }
        }
    }

    /// Appends the summary to the file `$GITHUB_STEP_SUMMARY` names, when it names one.
    pub(super) fn write_step_summary(&self, summary: &Summary, headline: &str) -> io::Result<()> {
        let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
            return Ok(());
        };
        let text = self.markdown(summary, headline);
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(Path::new(&path))?;
        file.write_all(text.as_bytes())
    }

    fn markdown(&self, summary: &Summary, headline: &str) -> String {
        let mut out = format!("## cdt2md\n\n{}\n\n", cell(headline));
        out.push_str(
            "| pages | converted | unchanged | stale | missing | orphaned | skipped | failed |\n",
        );
        out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        let pages = summary.converted
            + summary.unchanged
            + summary.stale
            + summary.missing
            + summary.skipped
            + summary.failed
            + summary.duplicates;
        out.push_str(&format!(
            "| {pages} | {} | {} | {} | {} | {} | {} | {} |\n",
            summary.converted,
            summary.unchanged,
            summary.stale,
            summary.missing,
            summary.orphaned,
            summary.skipped,
            summary.failed
        ));
        let Ok(listed) = self.listed.lock() else {
            return out;
        };
        let (findings, more) = &*listed;
        if findings.is_empty() {
            return out;
        }
        out.push_str("\n| | file | reason |\n|---|---|---|\n");
        for finding in findings {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                finding.what,
                cell(&finding.path),
                cell(&finding.reason)
            ));
        }
        if *more > 0 {
            out.push_str(&format!("\nand {more} more.\n"));
        }
        out
    }
}

/// Text that stays literal in a table cell: one line, Markdown's punctuation escaped.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_encode_percent_and_line_breaks() {
        assert_eq!(
            annotation("error", "a.html", "100% broken\r\nsecond line"),
            "::error file=a.html,title=cdt2md::100%25 broken%0D%0Asecond line"
        );
    }

    #[test]
    fn properties_also_encode_colons_and_commas() {
        assert_eq!(
            annotation("warning", "dir,x/a:b%.html", "no card: kept, as is"),
            "::warning file=dir%2Cx/a%3Ab%25.html,title=cdt2md::no card: kept, as is"
        );
        assert_eq!(escape_property("a\nb"), "a%0Ab");
    }

    #[test]
    fn paths_are_taken_from_the_workspace_root() {
        let root = Path::new("/w/repo");
        let sub = Path::new("/w/repo/sub");
        assert_eq!(
            from_workspace(root, sub, "../archive/a.html"),
            "archive/a.html"
        );
        assert_eq!(from_workspace(root, root, "./md/a.md"), "md/a.md");
        assert_eq!(
            from_workspace(root, sub, "/elsewhere/a.html"),
            "/elsewhere/a.html"
        );
        assert_eq!(from_workspace(root, sub, "../../x.html"), "../../x.html");
    }

    #[test]
    fn the_summary_lists_the_first_findings_and_counts_the_rest() {
        let findings = Findings::default();
        for i in 0..LISTED + 3 {
            findings.note("failed", &format!("p_{i}.html"), "bad | page\nreally");
        }
        let summary = Summary {
            failed: (LISTED + 3) as u64,
            ..Summary::default()
        };
        let text = findings.markdown(&summary, "0 converted, 23 failed");
        assert!(
            text.starts_with("## cdt2md\n\n0 converted, 23 failed\n"),
            "{text}"
        );
        assert!(
            text.contains("| failed | p\\_0.html | bad \\| page really |"),
            "{text}"
        );
        assert!(!text.contains(&format!("p\\_{LISTED}.html")), "{text}");
        assert!(text.ends_with("\nand 3 more.\n"), "{text}");
        assert!(
            text.contains("| 23 | 0 | 0 | 0 | 0 | 0 | 0 | 23 |"),
            "{text}"
        );
    }
}
