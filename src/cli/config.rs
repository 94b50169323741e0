//! `cdt2md.toml`: the long options a project keeps in one place, so that CI and a local
//! refresh run with the same settings. Keys are spelled as the flags are; a flag given on the
//! command line wins over the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Args, Format, MessageFormat, ProfileArg};

pub(super) const FILE_NAME: &str = "cdt2md.toml";

/// The settings a config file may hold. Unknown keys are refused: a misspelt key that was
/// silently ignored would make CI and a local run drift apart, which is what the file is for.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct FileSettings {
    inputs: Option<Vec<PathBuf>>,
    output: Option<PathBuf>,
    front_matter: Option<Format>,
    profile: Option<ProfileArg>,
    rename_key: Option<Vec<String>>,
    glob: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    image_base: Option<String>,
    rewrite_images: Option<String>,
    keep_card: Option<bool>,
    title_heading: Option<bool>,
    jobs: Option<u16>,
    max_size: Option<Size>,
    hidden: Option<bool>,
    follow: Option<bool>,
    dedupe: Option<bool>,
    local_links: Option<bool>,
    catalog: Option<PathBuf>,
    image_list: Option<PathBuf>,
    message_format: Option<MessageFormat>,
    quiet: Option<bool>,
    report: Option<PathBuf>,
}

/// `max-size = "64M"` as on the command line, or a plain number of bytes.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a size: a number of bytes or a string like \"64M\""
)]
enum Size {
    Bytes(u64),
    Text(String),
}

/// A config file read and checked, with the folder its relative paths are taken from.
#[derive(Debug)]
pub(super) struct Loaded {
    pub(super) path: PathBuf,
    settings: FileSettings,
}

/// Where the settings come from: `--config FILE`, else a `cdt2md.toml` in the current folder
/// or one above it, up to the repository's root (the first folder holding `.git`), as rustfmt
/// and typos look for theirs.
pub(super) fn find(explicit: Option<&Path>, ignore: bool) -> Result<Option<PathBuf>, String> {
    if let Some(path) = explicit {
        if !path.is_file() {
            return Err(format!("{}: no such config file", path.display()));
        }
        return Ok(Some(path.to_path_buf()));
    }
    if ignore {
        return Ok(None);
    }
    let Ok(cwd) = std::env::current_dir() else {
        return Ok(None);
    };
    // Relative to the current folder, so that the paths it names read as the user wrote them.
    let mut up = PathBuf::new();
    for dir in cwd.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Ok(Some(up.join(FILE_NAME)));
        }
        if dir.join(".git").exists() {
            break;
        }
        up.push("..");
    }
    Ok(None)
}

pub(super) fn load(path: &Path) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("{}: cannot read the config file: {err}", path.display()))?;
    let settings = parse(&text).map_err(|reason| format!("{}: {reason}", path.display()))?;
    if settings.image_base.is_some() && settings.rewrite_images.is_some() {
        return Err(format!(
            "{}: image-base and rewrite-images: give one of them",
            path.display()
        ));
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        settings,
    })
}

/// The file's settings, or why not: the key at fault and what it allows.
fn parse(text: &str) -> Result<FileSettings, String> {
    toml::from_str(text).map_err(|err| {
        let message = err.message().trim().to_string();
        let key = culprit(text).or_else(|| err.span().and_then(|span| key_at(text, span.start)));
        match key {
            Some(key) if !message.contains(&format!("`{key}`")) => format!("{key}: {message}"),
            _ => match err.span().map(|span| line_of(text, span.start)) {
                Some(line) => format!("line {line}: {message}"),
                None => message,
            },
        }
    })
}

/// The key whose value the settings refuse, in a file that is good TOML: each key is tried
/// alone. Finds the key of a value deep in a multi-line array, which no line shows.
fn culprit(text: &str) -> Option<String> {
    let table: toml::Table = text.parse().ok()?;
    table.into_iter().find_map(|(key, value)| {
        let alone = toml::Table::from_iter([(key.clone(), value)]);
        toml::Value::Table(alone)
            .try_into::<FileSettings>()
            .is_err()
            .then_some(key)
    })
}

/// The key of the `key = value` line holding byte `at`.
fn key_at(text: &str, at: usize) -> Option<String> {
    let start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(start..)?.lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

fn line_of(text: &str, at: usize) -> usize {
    text.get(..at)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

impl Loaded {
    /// A relative path in the file is taken from the file's folder, wherever cdt2md runs.
    fn path_of(&self, path: &Path) -> PathBuf {
        match self.path.parent() {
            Some(dir) if path.is_relative() && !dir.as_os_str().is_empty() => dir.join(path),
            _ => path.to_path_buf(),
        }
    }

    /// Fills what the command line left unsaid. `output` and `inputs` make a batch only when
    /// the command line does not name one page to convert to standard output; a flag that
    /// only a batch takes (`--check`, `--glob`…) makes even one page a batch into `output`.
    pub(super) fn apply(&self, args: &mut Args) -> Result<(), String> {
        let s = &self.settings;
        // standard input is one page whatever the flags: it cannot be a batch
        let stdin = matches!(args.inputs.as_slice(), [one] if one.as_os_str() == "-");
        let one_page = args.output.is_none()
            && (stdin || (names_one_page(args) && super::batch_flag(args).is_none()));
        if !one_page {
            if args.inputs.is_empty()
                && let Some(inputs) = &s.inputs
            {
                args.inputs = inputs.iter().map(|p| self.path_of(p)).collect();
            }
            // with no inputs anywhere a bare `cdt2md` reads a pipe, unless a flag asks for a batch
            let batch = !(args.inputs.is_empty() && s.inputs.is_none())
                || super::batch_flag(args).is_some();
            if args.output.is_none() && batch {
                args.output = s.output.as_deref().map(|p| self.path_of(p));
            }
        }
        if args.output.is_some() {
            self.apply_batch_only(args);
        }
        if args.front_matter.is_none() && !args.no_front_matter {
            args.front_matter = s.front_matter;
        }
        args.profile = args.profile.or(s.profile);
        if args.rename_key.is_empty()
            && let Some(renames) = &s.rename_key
        {
            args.rename_key = renames
                .iter()
                .map(|r| super::parse_rename(r).map_err(|e| self.bad("rename-key", r, &e)))
                .collect::<Result<_, _>>()?;
        }
        if args.image_base.is_none() && args.rewrite_images.is_none() {
            args.image_base.clone_from(&s.image_base);
            args.rewrite_images.clone_from(&s.rewrite_images);
        }
        for (flag, value, off) in [
            (&mut args.keep_card, s.keep_card, args.no_keep_card),
            (
                &mut args.title_heading,
                s.title_heading,
                args.no_title_heading,
            ),
            (&mut args.hidden, s.hidden, args.no_hidden),
            (&mut args.follow, s.follow, args.no_follow),
            (&mut args.quiet, s.quiet, args.no_quiet),
        ] {
            *flag = *flag || (!off && value.unwrap_or(false));
        }
        args.jobs = args.jobs.or(s.jobs.filter(|&n| n > 0));
        if s.jobs == Some(0) {
            return Err(self.bad("jobs", "0", "one worker at least"));
        }
        if args.max_size.is_none() {
            args.max_size = match &s.max_size {
                None => None,
                Some(Size::Bytes(n)) => Some(*n),
                Some(Size::Text(t)) => {
                    Some(super::parse_size(t).map_err(|e| self.bad("max-size", t, &e))?)
                }
            };
        }
        args.message_format = args.message_format.or(s.message_format);
        Ok(())
    }

    /// Settings that only a batch into a folder takes: a page converted to standard output in
    /// a project with a config file must not fail for them.
    fn apply_batch_only(&self, args: &mut Args) {
        let s = &self.settings;
        fill(&mut args.globs, &s.glob);
        fill(&mut args.excludes, &s.exclude);
        args.dedupe = args.dedupe || (!args.no_dedupe && s.dedupe.unwrap_or(false));
        args.local_links =
            args.local_links || (!args.no_local_links && s.local_links.unwrap_or(false));
        if args.catalog.is_none() {
            args.catalog = s.catalog.as_deref().map(|p| self.path_of(p));
        }
        if args.image_list.is_none() {
            args.image_list = s.image_list.as_deref().map(|p| self.path_of(p));
        }
        if args.report.is_none() {
            // `-`, standard output, is no path in the file's folder
            args.report = s.report.as_deref().map(|p| match p.as_os_str() == "-" {
                true => p.to_path_buf(),
                false => self.path_of(p),
            });
        }
    }

    fn bad(&self, key: &str, value: &str, why: &str) -> String {
        format!("{}: {key}: {value:?}: {why}", self.path.display())
    }
}

/// The command line converts one page to standard output: one file, `-`, or a pipe.
fn names_one_page(args: &Args) -> bool {
    match args.inputs.as_slice() {
        [] => false,
        [one] => one.as_os_str() == "-" || one.is_file(),
        _ => false,
    }
}

fn fill(flags: &mut Vec<String>, from_file: &Option<Vec<String>>) {
    if flags.is_empty()
        && let Some(values) = from_file
    {
        flags.clone_from(values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_long_option_worth_keeping_parses() {
        let s = parse(
            r#"
inputs = ["archive"]
output = "markdown"
front-matter = "toml"
profile = "hugo"
rename-key = ["url=original_url"]
glob = ["*.html"]
exclude = ["drafts/**"]
image-base = "https://mirror.example/img"
keep-card = true
title-heading = false
jobs = 4
max-size = "16M"
hidden = false
follow = true
dedupe = true
local-links = true
catalog = "catalog.csv"
image-list = "images.txt"
message-format = "github"
quiet = true
report = "report.jsonl"
"#,
        )
        .unwrap();
        assert_eq!(s.output.as_deref(), Some(Path::new("markdown")));
        assert_eq!(s.front_matter, Some(Format::Toml));
        assert_eq!(s.jobs, Some(4));
        assert!(matches!(s.max_size, Some(Size::Text(ref t)) if t == "16M"));
        assert_eq!(s.message_format, Some(MessageFormat::Github));
    }

    #[test]
    fn an_unknown_key_names_it_and_what_is_allowed() {
        let err = parse("outptu = \"md\"\n").unwrap_err();
        assert!(err.contains("outptu"), "{err}");
        assert!(
            err.contains("`output`") && err.contains("`front-matter`"),
            "{err}"
        );
    }

    #[test]
    fn a_wrong_type_names_the_key_and_the_type_wanted() {
        let err = parse("output = \"md\"\nkeep-card = \"yes\"\n").unwrap_err();
        assert!(err.starts_with("keep-card: "), "{err}");
        assert!(err.contains("boolean"), "{err}");
        let err = parse("front-matter = \"json\"\n").unwrap_err();
        assert!(
            err.contains("front-matter") && err.contains("`yaml`"),
            "{err}"
        );
        let err = parse("jobs = \"four\"\n").unwrap_err();
        assert!(err.starts_with("jobs: "), "{err}");
        let err = parse("max-size = true\n").unwrap_err();
        assert!(
            err.starts_with("max-size: ") && err.contains("64M"),
            "{err}"
        );
    }

    #[test]
    fn a_wrong_value_deep_in_an_array_names_its_key() {
        let err = parse("output = \"md\"\nexclude = [\n  \"drafts/**\",\n  \"a=b\",\n  42,\n]\n")
            .unwrap_err();
        assert!(err.starts_with("exclude: "), "{err}");
        let err = parse("rename-key = [\n  \"url=x\", 5,\n]\n").unwrap_err();
        assert!(err.starts_with("rename-key: "), "{err}");
        // an unknown key is named by the message itself
        let err = parse("glob = [\"*.html\"]\nbogus = [\n 1,\n]\n").unwrap_err();
        assert!(err.contains("`bogus`") && !err.starts_with("glob"), "{err}");
    }

    #[test]
    fn a_sizes_number_is_bytes() {
        let s = parse("max-size = 1000\n").unwrap();
        assert!(matches!(s.max_size, Some(Size::Bytes(1000))));
    }

    #[test]
    fn broken_toml_says_where() {
        let err = parse("output = \n").unwrap_err();
        assert!(
            err.starts_with("output: ") || err.starts_with("line 1"),
            "{err}"
        );
    }

    #[test]
    fn relative_paths_are_the_files_folders() {
        let loaded = Loaded {
            path: PathBuf::from("../../cdt2md.toml"),
            settings: FileSettings::default(),
        };
        assert_eq!(loaded.path_of(Path::new("md")), Path::new("../../md"));
        assert_eq!(loaded.path_of(Path::new("/abs")), Path::new("/abs"));
        let here = Loaded {
            path: PathBuf::from("cdt2md.toml"),
            settings: FileSettings::default(),
        };
        assert_eq!(here.path_of(Path::new("md")), Path::new("md"));
    }
}
