//! The command line: arguments → a plain config → conversion → messages and exit code.
//!
//! Exit codes: 0 all converted (or, with `--check`, all up to date), 1 a page failed (or
//! something is stale, missing or orphaned, or a write every page would fail stopped the
//! run), 2 usage error, 130/143 a batch stopped by SIGINT/SIGTERM.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use globset::{Glob, GlobSet, GlobSetBuilder};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::batch::{self, Config, Outcome, Shard, Status, Summary};
use crate::convert::{FrontMatter, ImageUrls, Options, convert};
use crate::profile::Profile;

mod config;
mod github;
mod man;

const EXAMPLES: &str = "\
Examples:
  Convert an archive folder, mirroring its tree (several inputs allowed):
    cdt2md archive/ -o markdown/

  Other forms convert the same way: WordPress JSON posts, Jekyll/Hugo posts, whole saved
  pages, RSS/Atom feeds (one file per item, in a folder named after the feed):
    cdt2md data/ _posts/ feed.xml -o markdown/

  One page through a pipe, Markdown on standard output:
    cdt2md 714996.html > 714996.md
    curl -s https://example.org/saved/714996.html | cdt2md > 714996.md

  In CI: fail when the committed Markdown is stale, with a JSON Lines report:
    cdt2md archive/ -o markdown/ --check --report report.jsonl

  Split a big archive over 4 CI jobs (this is job 2):
    cdt2md archive/ -o markdown/ --shard 2/4

  A Hugo site's content, TOML front matter (Hugo reserves the key `url`):
    cdt2md archive/ -o site/content/posts --front-matter toml --rename-key url=original_url

  Shell completions and the manual page (then `man cdt2md`, with ~/.local/share/man on the
  manual path, which it is when ~/.local/bin is on PATH):
    mkdir -p ~/.local/share/bash-completion/completions ~/.local/share/man/man1
    cdt2md completions bash > ~/.local/share/bash-completion/completions/cdt2md
    cdt2md man > ~/.local/share/man/man1/cdt2md.1

Exit status: 0 all converted (or up to date), 1 a page failed, output is stale, missing or
orphaned, or writing stopped (a full disk), 2 usage error, 130/143 stopped by SIGINT/SIGTERM.";

#[derive(Parser, Debug)]
#[command(
    name = "cdt2md",
    version,
    about = "Convert saved China Digital Times pages to clean Markdown with YAML front matter",
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,

    /// Saved pages (or posts, feeds) or folders of them. Without -o: one page, `-` or nothing
    /// for standard input.
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,

    /// Write Markdown files into this folder, mirroring each input's tree.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    /// Write nothing; compare with what is in OUT and list what is missing, stale or orphaned.
    #[arg(long)]
    check: bool,

    /// After converting, delete the orphaned outputs in OUT: Markdown cdt2md wrote that no
    /// input converts to any more (anything else there is left alone).
    #[arg(long, conflicts_with = "check")]
    prune: bool,

    /// JSON Lines report: one object per input, then a summary. `-` for standard output.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,

    /// Also write a catalogue of the articles converted, one row each, sorted by date: CSV
    /// for a `.csv` FILE, else JSON Lines. --check compares it instead.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,

    /// Write one copy of an article saved more than once (the same URL or post id, or a
    /// re-post of the same text): the one with the most text; the others are reported as
    /// duplicates.
    #[arg(long, overrides_with = "no_dedupe")]
    dedupe: bool,

    /// Turns --dedupe off, whatever cdt2md.toml says.
    #[arg(long, hide = true, overrides_with = "dedupe")]
    no_dedupe: bool,

    /// Make a link to another article of the run a relative link to its Markdown file, however
    /// its URL is spelled (the run reads every page twice).
    #[arg(long, overrides_with = "no_local_links")]
    local_links: bool,

    /// Turns --local-links off, whatever cdt2md.toml says.
    #[arg(long, hide = true, overrides_with = "local_links")]
    no_local_links: bool,

    /// Also write every image URL the Markdown refers to, sorted, one a line (for
    /// `wget -x -i FILE`, then --rewrite-images). --check compares it instead.
    #[arg(long, value_name = "FILE")]
    image_list: Option<PathBuf>,

    /// Only the pages whose relative path falls in shard K of N (e.g. 2/4).
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<Shard>,

    /// Worker threads [default: one per core].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,

    /// Only files matching this glob (against the relative path or the file name); repeatable.
    #[arg(short, long = "glob", value_name = "GLOB")]
    globs: Vec<String>,

    /// Skip files and folders matching this glob; repeatable.
    #[arg(long = "exclude", value_name = "GLOB")]
    excludes: Vec<String>,

    /// Also look in hidden files and folders (`.git` and the like are skipped by default).
    #[arg(long, overrides_with = "no_hidden")]
    hidden: bool,

    /// Turns --hidden off, whatever cdt2md.toml says.
    #[arg(long, hide = true, overrides_with = "hidden")]
    no_hidden: bool,

    /// Follow symbolic links.
    #[arg(short = 'L', long, overrides_with = "no_follow")]
    follow: bool,

    /// Turns --follow off, whatever cdt2md.toml says.
    #[arg(long, hide = true, overrides_with = "follow")]
    no_follow: bool,

    /// Pages larger than this fail without being read (bytes; K, M, G suffixes are powers of
    /// 1024) [default: 64M].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_size: Option<u64>,

    /// Front matter: YAML, TOML (`+++`, for Hugo), or none (the title becomes a `# ` heading)
    /// [default: yaml, or the profile's].
    #[arg(long, value_enum, value_name = "FORMAT")]
    front_matter: Option<Format>,

    /// Write for one reader: hugo (TOML, `url` → `original_url`, a `slug` from the post id),
    /// jekyll (`_posts/YYYY-MM-DD-<id>.md`, `layout: post`) or obsidian (files named by
    /// title, `aliases`, valid tags). Other options still apply and win.
    #[arg(long, value_enum, value_name = "READER")]
    profile: Option<ProfileArg>,

    /// Same as --front-matter none.
    #[arg(long, hide = true)]
    no_front_matter: bool,

    /// Also write the title as a `# ` heading above the body.
    #[arg(long, overrides_with = "no_title_heading")]
    title_heading: bool,

    /// Turns --title-heading off, whatever cdt2md.toml says.
    #[arg(long, hide = true, overrides_with = "title_heading")]
    no_title_heading: bool,

    /// Keep the archive card in the body too, as a table.
    #[arg(long, overrides_with = "no_keep_card")]
    keep_card: bool,

    /// Turns --keep-card off, whatever cdt2md.toml says.
    #[arg(long, hide = true, overrides_with = "keep_card")]
    no_keep_card: bool,

    /// Point images at a mirror: https://HOST/PATH becomes URL/PATH.
    #[arg(long, value_name = "URL", conflicts_with = "rewrite_images")]
    image_base: Option<String>,

    /// Point images at local copies: https://HOST/PATH becomes DIR/HOST/PATH (the layout of
    /// wget --mirror and similar tools); DIR is written as given, relative paths included.
    #[arg(long, value_name = "DIR")]
    rewrite_images: Option<String>,

    /// Rename a front matter key; repeatable. Hugo reserves `url` for a page's own address:
    /// use --rename-key url=original_url there.
    #[arg(long, value_name = "FROM=TO", value_parser = parse_rename)]
    rename_key: Vec<(String, String)>,

    /// Print nothing but errors.
    #[arg(short, long, overrides_with = "no_quiet")]
    quiet: bool,

    /// Turns --quiet off, whatever cdt2md.toml says.
    #[arg(long, hide = true, overrides_with = "quiet")]
    no_quiet: bool,

    /// How findings are printed: human, or github (workflow commands that mark the files in
    /// a pull request, and a summary appended to $GITHUB_STEP_SUMMARY).
    #[arg(long, value_enum, value_name = "FORMAT")]
    message_format: Option<MessageFormat>,

    /// Read the settings from this file instead of the cdt2md.toml found in the current
    /// folder or above it (up to the repository's root).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,

    /// Ignore any cdt2md.toml. (A switch the file turns on is turned off for one run by its
    /// --no- form: --no-keep-card, --no-title-heading, --no-dedupe, --no-local-links,
    /// --no-hidden, --no-follow, --no-quiet.)
    #[arg(long)]
    no_config: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
enum MessageFormat {
    Human,
    Github,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Man,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
enum ProfileArg {
    Hugo,
    Jekyll,
    Obsidian,
}

impl ProfileArg {
    fn profile(self) -> Profile {
        match self {
            ProfileArg::Hugo => Profile::Hugo,
            ProfileArg::Jekyll => Profile::Jekyll,
            ProfileArg::Obsidian => Profile::Obsidian,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
enum Format {
    Yaml,
    Toml,
    None,
}

fn parse_rename(text: &str) -> Result<(String, String), String> {
    let (from, to) = text
        .split_once('=')
        .ok_or_else(|| "expected FROM=TO, like url=original_url".to_string())?;
    let (from, to) = (from.trim(), to.trim());
    if from.is_empty() || to.is_empty() {
        return Err("both keys are needed: FROM=TO".to_string());
    }
    Ok((from.to_string(), to.to_string()))
}

/// The user's renames, then the profile's for keys the user did not rename or take.
fn with_profile_renames(
    renames: &[(String, String)],
    profile: Option<Profile>,
) -> Vec<(String, String)> {
    let mut all = renames.to_vec();
    for (from, to) in profile.map_or(&[][..], Profile::renames) {
        let taken = renames.iter().any(|(f, t)| f == from || t == to);
        if !taken {
            all.push((from.to_string(), to.to_string()));
        }
    }
    all
}

/// Renames must leave every key written once: none onto a key cdt2md writes itself (unless
/// that key is renamed away too), none two onto one, none of one key twice.
fn check_renames(renames: &[(String, String)]) -> Result<(), String> {
    let known = crate::metadata::key_names();
    let renamed_away = |key: &str| renames.iter().any(|(from, _)| from == key);
    for (i, (from, to)) in renames.iter().enumerate() {
        if renames[..i].iter().any(|(f, _)| f == from) {
            return Err(format!("--rename-key {from}=…: {from} is renamed twice"));
        }
        if let Some((other, _)) = renames[..i].iter().find(|(_, t)| t == to) {
            return Err(format!(
                "--rename-key {from}={to}: {other} is renamed to {to} already; a key is written once"
            ));
        }
        if to != from && known.contains(&to.as_str()) && !renamed_away(to) {
            return Err(format!(
                "--rename-key {from}={to}: cdt2md writes a {to} key itself; rename it away too, or pick another name"
            ));
        }
    }
    Ok(())
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| "expected K/N, like 2/4".to_string())?;
    let k: u64 = k
        .trim()
        .parse()
        .map_err(|_| format!("{k:?} is not a number"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("{n:?} is not a number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard {k}/{n}: K must be between 1 and N"));
    }
    Ok(Shard {
        index: k - 1,
        count: n,
    })
}

fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = text[digits.len()..].to_ascii_lowercase();
    let number: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 64M"))?;
    let scale: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("unknown unit {unit:?}: use K, M or G")),
    };
    number
        .checked_mul(scale)
        .ok_or_else(|| format!("{text:?} is too large"))
}

pub fn run() -> ExitCode {
    let mut args = match Args::try_parse_from(folders_not_commands(std::env::args_os().collect())) {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    if let Some(command) = &args.command {
        return run_command(command);
    }
    let config_file = match with_config_file(&mut args) {
        Ok(path) => path,
        Err(message) => {
            // on the config file in a pull request, when the command line asked for that
            let file = config::find(args.config.as_deref(), args.no_config)
                .ok()
                .flatten();
            return annotated_usage_error(&args, file.as_deref(), &message);
        }
    };
    args.config = config_file;
    if let Err(message) = needs_output(&args) {
        return annotated_usage_error(&args, None, &message);
    }
    let profile = args.profile.map(ProfileArg::profile);
    let rename_keys = with_profile_renames(&args.rename_key, profile);
    if let Err(message) = check_renames(&rename_keys) {
        return usage_error(&message);
    }
    let format = args.front_matter.unwrap_or(match profile {
        Some(Profile::Hugo) => Format::Toml,
        _ => Format::Yaml,
    });
    let front_matter = match (args.no_front_matter, format) {
        (true, _) | (_, Format::None) => FrontMatter::None,
        (false, Format::Yaml) => FrontMatter::Yaml,
        (false, Format::Toml) => FrontMatter::Toml,
    };
    let images = match (&args.image_base, &args.rewrite_images) {
        (Some(base), _) => ImageUrls::Base(base.clone()),
        (None, Some(dir)) => ImageUrls::Mirror(dir.clone()),
        (None, None) => ImageUrls::AsWritten,
    };
    let options = Options {
        front_matter,
        title_heading: args.title_heading,
        keep_card: args.keep_card,
        images,
        rename_keys,
        page_folder: None,
        profile,
        local_links: None,
    };
    match &args.output {
        Some(_) => run_batch(&args, options),
        None => run_single(&args, options),
    }
}

/// Reads the config file, if any, into what the command line left unsaid; the file used.
fn with_config_file(args: &mut Args) -> Result<Option<PathBuf>, String> {
    let Some(path) = config::find(args.config.as_deref(), args.no_config)? else {
        return Ok(None);
    };
    let loaded = config::load(&path)?;
    loaded.apply(args)?;
    Ok(Some(loaded.path))
}

/// The options that only mean something for a batch into a folder.
fn needs_output(args: &Args) -> Result<(), String> {
    if args.output.is_some() {
        return Ok(());
    }
    let stdin = matches!(args.inputs.as_slice(), [one] if one.as_os_str() == "-");
    match batch_flag(args) {
        Some(flag) if stdin => Err(format!(
            "{flag} is for a batch into a folder; standard input is one page to standard output"
        )),
        Some(flag) => Err(format!(
            "{flag} needs -o OUT (or `output` in {})",
            config::FILE_NAME
        )),
        None => Ok(()),
    }
}

/// The first option given that only a batch into a folder takes.
fn batch_flag(args: &Args) -> Option<&'static str> {
    let batch_only = [
        ("--check", args.check),
        ("--prune", args.prune),
        ("--catalog", args.catalog.is_some()),
        ("--dedupe", args.dedupe),
        ("--local-links", args.local_links),
        ("--image-list", args.image_list.is_some()),
        ("--shard", args.shard.is_some()),
        ("--glob", !args.globs.is_empty()),
        ("--exclude", !args.excludes.is_empty()),
    ];
    batch_only
        .iter()
        .find(|(_, given)| *given)
        .map(|(flag, _)| *flag)
}

impl Args {
    fn max_size(&self) -> u64 {
        self.max_size.unwrap_or(64 << 20)
    }

    fn github(&self) -> bool {
        self.message_format == Some(MessageFormat::Github)
    }
}

/// A folder named like a subcommand (`cdt2md man -o out`, an archive of pages in `man/`) is
/// an input: a subcommand takes no `-o`. Written `./man`, clap takes it as a path.
fn folders_not_commands(mut argv: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let Some(first) = argv.get(1) else {
        return argv;
    };
    let is_command = first == "man" || first == "completions";
    let more_than_a_command = argv[2..].iter().any(|a| {
        let a = a.to_string_lossy();
        a == "-o" || a.starts_with("--output") || a.starts_with("-o")
    });
    if is_command && more_than_a_command && std::path::Path::new(first).is_dir() {
        let mut path = std::ffi::OsString::from("./");
        path.push(first);
        argv[1] = path;
    }
    argv
}

/// `completions` and `man`, generated from the same definition as the parser.
fn run_command(command: &Command) -> ExitCode {
    let mut cli = Args::command();
    let mut stdout = io::stdout().lock();
    let written = match command {
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut cli, "cdt2md", &mut stdout);
            Ok(())
        }
        Command::Man => man::render(cli, EXAMPLES, &mut stdout),
    };
    match written.and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cdt2md: cannot write: {err}");
            ExitCode::from(1)
        }
    }
}

/// A usage error, also as a workflow command with `--message-format github`: a CI step that
/// cannot start says why on the run's page, not only in its log.
fn annotated_usage_error(args: &Args, file: Option<&std::path::Path>, message: &str) -> ExitCode {
    if args.github() {
        let file = file.map(|f| f.display().to_string()).unwrap_or_default();
        eprintln!("{}", github::annotation("error", &file, message));
    }
    usage_error(message)
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("cdt2md: {message}");
    eprintln!("Try 'cdt2md --help' for more information.");
    ExitCode::from(2)
}

// ---------------------------------------------------------------- one page to stdout

/// Where a single page comes from.
enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(path) => path.display().to_string(),
        }
    }

    /// The file a GitHub annotation marks: none for standard input, which is no file in the
    /// repository.
    fn file_name(&self) -> String {
        match self {
            Source::Stdin => String::new(),
            Source::File(_) => self.name(),
        }
    }
}

fn run_single(args: &Args, options: Options) -> ExitCode {
    if args.inputs.len() > 1 {
        return usage_error("several inputs: add -o OUT to convert them into a folder");
    }
    if args.report.as_deref() == Some(std::path::Path::new("-")) {
        return usage_error(
            "--report - would mix with the Markdown on standard output: give a file",
        );
    }
    let source = match args.inputs.first() {
        None if io::stdin().is_terminal() => {
            return usage_error("no input: give a PAGE, or pipe one to standard input");
        }
        None => Source::Stdin,
        Some(path) if path.as_os_str() == "-" => Source::Stdin,
        Some(path) if path.is_dir() => {
            return usage_error(&format!(
                "{}: is a directory: add -o OUT to convert the pages in it",
                path.display()
            ));
        }
        Some(path) if !path.exists() => {
            return usage_error(&format!("{}: no such file", path.display()));
        }
        Some(path) => Source::File(path.clone()),
    };
    let name = source.name();
    let bytes = match read(&source, args.max_size()) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(too_large)) => {
            single_error(args, &source, &too_large.to_string());
            return ExitCode::from(1);
        }
        Err(err) => {
            single_error(args, &source, &format!("cannot read: {err}"));
            return ExitCode::from(1);
        }
    };
    let result = convert(&bytes, &options);
    if let Some(report) = &args.report
        && let Err(err) = write_single_report(
            effective_settings(args),
            report,
            &name,
            bytes.len(),
            &result,
        )
    {
        eprintln!("cdt2md: {}: {err:#}", report.display());
        return ExitCode::from(1);
    }
    let converted = match result {
        Ok(converted) => converted,
        Err(crate::PageError::SeveralArticles(n)) => {
            let how = match source {
                Source::Stdin => "save it to a file and convert that with -o OUT",
                Source::File(_) => "add -o OUT",
            };
            return usage_error(&format!(
                "{name}: holds {n} articles (a feed or a JSON array): {how} to write one file for each"
            ));
        }
        Err(err) => {
            single_error(args, &source, &err.to_string());
            return ExitCode::from(1);
        }
    };
    if !args.quiet {
        for warning in &converted.warnings {
            match args.github() {
                true => eprintln!(
                    "{}",
                    github::annotation("warning", &source.file_name(), warning)
                ),
                false => eprintln!("cdt2md: warning: {name}: {warning}"),
            }
        }
    }
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(converted.markdown.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nothing more to say.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cdt2md: cannot write output: {err}");
            ExitCode::from(1)
        }
    }
}

fn single_error(args: &Args, source: &Source, reason: &str) {
    match args.github() {
        true => eprintln!(
            "{}",
            github::annotation("error", &source.file_name(), reason)
        ),
        false => eprintln!("cdt2md: {}: {reason}", source.name()),
    }
}

fn read(source: &Source, limit: u64) -> io::Result<Result<Vec<u8>, crate::PageError>> {
    match source {
        Source::Stdin => batch::read_up_to(io::stdin().lock(), limit),
        Source::File(path) => batch::read_limited(path, limit),
    }
}

fn write_single_report(
    settings: serde_json::Value,
    path: &std::path::Path,
    name: &str,
    bytes_in: usize,
    result: &Result<crate::Converted, crate::PageError>,
) -> anyhow::Result<()> {
    let outcome = Outcome {
        input: name.to_string(),
        output: None,
        form: result.as_ref().ok().map(|c| c.form),
        reason: None,
        status: if result.is_ok() {
            Status::Converted
        } else {
            Status::Failed
        },
        error: result.as_ref().err().map(ToString::to_string),
        warnings: result
            .as_ref()
            .map(|c| c.warnings.clone())
            .unwrap_or_default(),
        bytes_in: bytes_in as u64,
        bytes_out: result.as_ref().map_or(0, |c| c.markdown.len() as u64),
        ms: 0.0,
        title: result.as_ref().ok().and_then(|c| c.metadata.title.clone()),
        duplicate_of: None,
        entry: None,
        fatal: None,
        encoding: result.as_ref().ok().map(|c| c.encoding.to_string()),
    };
    let mut summary = Summary::default();
    summary.add(&outcome);
    let mut file = File::create(path).context("cannot create the report")?;
    writeln!(file, "{}", serde_json::to_string(&outcome)?)?;
    writeln!(file, "{}", summary_line(&summary, settings)?)?;
    Ok(())
}

// ---------------------------------------------------------------- a batch into a folder

fn run_batch(args: &Args, options: Options) -> ExitCode {
    let config = match batch_config(args, options) {
        Ok(config) => config,
        Err(err) => return usage_error(&format!("{err:#}")),
    };
    let report = match open_report(args) {
        Ok(report) => report.map(Mutex::new),
        Err(err) => return usage_error(&format!("{err:#}")),
    };
    batch::stop::listen();
    let findings = args.github().then(github::Findings::default);
    let leftovers = match &findings {
        Some(findings) if config.check => annotate_leftovers(&config, findings),
        _ => batch::leftovers::settle(&config.output, config.check, args.quiet),
    };
    let progress = progress_bar(args, &config);
    let collector = Mutex::new(batch::catalog::Collector::new(
        args.catalog.as_deref().map(batch::catalog::Format::of),
        args.image_list.is_some(),
    ));
    let collect_error: Mutex<Option<io::Error>> = Mutex::new(None);
    let left_reposts: Mutex<Vec<std::path::PathBuf>> = Mutex::new(Vec::new());
    let sink = |outcome: &Outcome| {
        if outcome.status == Status::Duplicate
            && let Some(output) = &outcome.output
            && let Ok(mut left) = left_reposts.lock()
        {
            left.push(output.into());
        }
        if let Some(entry) = &outcome.entry
            && let Ok(mut collector) = collector.lock()
            && let Err(err) = collector.add(entry)
            && let Ok(mut first) = collect_error.lock()
        {
            first.get_or_insert(err);
        }
        on_outcome(
            &config,
            args.quiet,
            progress.as_ref(),
            report.as_ref(),
            findings.as_ref(),
            outcome,
        );
    };
    let mut summary = match batch::run(&config, &sink) {
        Ok(summary) => summary,
        Err(err) => {
            if let Some(progress) = &progress {
                progress.bar.finish_and_clear();
            }
            return usage_error(&err.to_string());
        }
    };
    if let Some(progress) = &progress {
        progress.bar.finish_and_clear();
    }
    // the catalogue and the image list are written through temporary files too, some in OUT
    let _hold = (!config.check).then(|| batch::leftovers::hold(&config.output));
    summary.leftovers = leftovers;
    // a signal after the last page still stops what follows
    summary.stopped = summary
        .stopped
        .or(batch::stop::signal().map(batch::stop::Stopped::Signal));
    // a run cut short saw only some of its outputs: none are orphans, and its catalogue is partial
    let mut orphans = if summary.output_was_empty || summary.stopped.is_some() {
        Vec::new()
    } else {
        batch::orphans(&config, summary.named_outputs.as_ref())
    };
    // re-posts an earlier run wrote, which --dedupe does not
    let mut left = left_reposts.into_inner().unwrap_or_default();
    left.sort();
    orphans.extend(left);
    for orphan in orphans {
        let status = settle_orphan(args, &orphan);
        match status {
            "pruned" => {
                println!("pruned: {}", orphan.display());
                summary.pruned += 1;
            }
            _ if findings.is_some() && (config.check || !args.quiet) => {
                let path = orphan.display().to_string();
                let message =
                    format!("orphaned: {path}: no input page converts to it; --prune deletes it");
                let level = if config.check { "error" } else { "warning" };
                if let Some(findings) = &findings {
                    findings.note("orphaned", &path, &message);
                }
                println!("{}", github::annotation(level, &path, &message));
            }
            _ if config.check => println!(
                "orphaned: {} (no input page converts to it)",
                orphan.display()
            ),
            _ if !args.quiet => eprintln!(
                "cdt2md: orphaned: {} (no input page converts to it; --prune deletes it)",
                orphan.display()
            ),
            _ => {}
        }
        summary.orphaned += u64::from(status == "orphaned");
        if let Some(report) = &report
            && let Ok(mut report) = report.lock()
        {
            let line =
                serde_json::json!({ "output": orphan.display().to_string(), "status": status });
            let _ = writeln!(report, "{line}");
        }
    }
    if let Some(report) = report
        && let Ok(mut report) = report.into_inner()
    {
        let written = summary_line(&summary, effective_settings(args))
            .map_err(io::Error::other)
            .and_then(|line| writeln!(report, "{line}"))
            .and_then(|()| report.flush());
        if let Err(err) = written {
            eprintln!("cdt2md: cannot write the report: {err}");
            return ExitCode::from(1);
        }
    }
    let archive_ok = match collect_error.into_inner().ok().flatten() {
        _ if summary.stopped.is_some() => false,
        Some(err) => {
            eprintln!("cdt2md: cannot keep the catalogue's rows: {err}");
            false
        }
        None => match collector.into_inner() {
            Ok(mut collector) => {
                archive_files(args, config.check, &mut collector, findings.as_ref())
            }
            Err(_) => false,
        },
    };
    let headline = describe(&summary, config.check);
    if !args.quiet {
        eprintln!("cdt2md: {headline}");
    }
    let stopped = summary
        .stopped
        .as_ref()
        .map(|s| s.line(summary.not_attempted));
    if let Some(findings) = &findings {
        if let Some(line) = &stopped {
            findings.note("stopped", "", line);
            println!("{}", github::annotation("error", "", line));
        }
        if let Err(err) = findings.write_step_summary(&summary, &headline) {
            eprintln!("cdt2md: cannot append to $GITHUB_STEP_SUMMARY: {err}");
        }
    }
    if let (Some(line), Some(stopped)) = (stopped, &summary.stopped) {
        eprintln!("cdt2md: {line}");
        return ExitCode::from(stopped.exit_status());
    }
    if summary.ok(config.check) && archive_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `--check` with GitHub messages: each leftover temporary file is an error on it.
fn annotate_leftovers(config: &Config, findings: &github::Findings) -> u64 {
    let found = batch::leftovers::find(&config.output);
    for path in &found {
        let path = path.display().to_string();
        let message = format!(
            "leftover: {path} is a temporary file an interrupted run left; a run without --check removes it"
        );
        findings.note("leftover", &path, &message);
        println!("{}", github::annotation("error", &path, &message));
    }
    found.len() as u64
}

/// Writes (or with `--check`, compares) the catalogue and the image list; false when one
/// could not be written or, checked, is missing or stale.
fn archive_files(
    args: &Args,
    check: bool,
    collector: &mut batch::catalog::Collector,
    findings: Option<&github::Findings>,
) -> bool {
    let mut ok = true;
    for (path, what) in [
        (&args.catalog, "catalogue"),
        (&args.image_list, "image list"),
    ] {
        let Some(path) = path else { continue };
        let settled = batch::settle_file(path, check, |out| match what {
            "catalogue" => collector.write_catalogue(out),
            _ => collector.write_images(out),
        });
        match settled {
            Ok(batch::Settled::Unchanged | batch::Settled::Written) => {}
            Ok(state) => {
                let state = if state == batch::Settled::Stale {
                    "stale"
                } else {
                    "missing"
                };
                let path = path.display().to_string();
                match findings {
                    Some(findings) => {
                        let message = format!("{state}: {path} (the {what})");
                        findings.note(state, &path, &message);
                        println!("{}", github::annotation("error", &path, &message));
                    }
                    None => println!("{state}: {path} (the {what})"),
                }
                ok = false;
            }
            Err(err) => {
                eprintln!("cdt2md: cannot write the {what} {}: {err}", path.display());
                ok = false;
            }
        }
    }
    ok
}

/// `pruned` when `--prune` deleted the orphan, else `orphaned`.
fn settle_orphan(args: &Args, orphan: &std::path::Path) -> &'static str {
    if !args.prune {
        return "orphaned";
    }
    match std::fs::remove_file(orphan) {
        Ok(()) => "pruned",
        Err(err) => {
            eprintln!("cdt2md: {}: cannot prune: {err}", orphan.display());
            "orphaned"
        }
    }
}

fn batch_config(args: &Args, options: Options) -> anyhow::Result<Config> {
    let options_profile = options.profile;
    let Some(output) = args.output.clone() else {
        bail!("-o OUT is needed");
    };
    if args.inputs.is_empty() {
        bail!(
            "no input: give the folders or pages to convert into {}",
            output.display()
        );
    }
    if args.inputs.iter().any(|i| i.as_os_str() == "-") {
        bail!("standard input cannot go into a folder: drop -o to convert one piped page");
    }
    if (args.check || args.github()) && args.report.as_deref() == Some(std::path::Path::new("-")) {
        bail!(
            "--check and --message-format github print their findings on standard output: give --report a file"
        );
    }
    for (option, path) in [
        ("--catalog", &args.catalog),
        ("--image-list", &args.image_list),
    ] {
        if path.as_deref() == Some(std::path::Path::new("-")) {
            bail!("{option} writes a file: give it a path");
        }
        if path.is_some() && args.shard.is_some() {
            bail!("{option} lists the whole run: run it without --shard");
        }
    }
    Ok(Config {
        inputs: args.inputs.clone(),
        output,
        options,
        check: args.check,
        jobs: args.jobs.map(usize::from),
        shard: args.shard,
        include: glob_set(&args.globs)?,
        exclude: glob_set(&args.excludes)?,
        hidden: args.hidden,
        follow_links: args.follow,
        max_size: args.max_size(),
        naming: batch::Naming::of(options_profile),
        catalog: args.catalog.is_some() || args.image_list.is_some(),
        local_links: args.local_links,
        dedupe: args.dedupe,
        find_reposts: args.catalog.is_some(),
        reposts: None,
    })
}

fn glob_set(patterns: &[String]) -> anyhow::Result<Option<GlobSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(Glob::new(pattern).with_context(|| format!("bad glob {pattern:?}"))?);
    }
    Ok(Some(builder.build()?))
}

type Report = BufWriter<Box<dyn Write + Send>>;

fn open_report(args: &Args) -> anyhow::Result<Option<Report>> {
    let Some(path) = &args.report else {
        return Ok(None);
    };
    let writer: Box<dyn Write + Send> = if path.as_os_str() == "-" {
        Box::new(io::stdout())
    } else {
        Box::new(
            File::create(path)
                .with_context(|| format!("{}: cannot create the report", path.display()))?,
        )
    };
    Ok(Some(BufWriter::new(writer)))
}

fn summary_line(summary: &Summary, settings: serde_json::Value) -> serde_json::Result<String> {
    let mut value = serde_json::to_value(summary)?;
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "mb_per_s".to_string(),
            serde_json::json!((summary.mb_per_second() * 100.0).round() / 100.0),
        );
        object.insert("settings".to_string(), settings);
    }
    serde_json::to_string(&serde_json::json!({ "summary": value }))
}

/// The settings the run used, after the config file and the command line: what a CI log
/// needs to tell why two runs differ.
fn effective_settings(args: &Args) -> serde_json::Value {
    let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let renames: Vec<String> = args
        .rename_key
        .iter()
        .map(|(f, t)| format!("{f}={t}"))
        .collect();
    let front_matter = match (args.no_front_matter, args.front_matter, args.profile) {
        (true, _, _) => Format::None,
        (false, Some(format), _) => format,
        (false, None, Some(ProfileArg::Hugo)) => Format::Toml,
        (false, None, _) => Format::Yaml,
    };
    serde_json::json!({
        "config": path(&args.config),
        "inputs": args.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "output": path(&args.output),
        "check": args.check,
        "prune": args.prune,
        "shard": args.shard.as_ref().map(|s| format!("{}/{}", s.index + 1, s.count)),
        "front-matter": front_matter,
        "profile": args.profile,
        "rename-key": renames,
        "glob": args.globs,
        "exclude": args.excludes,
        "image-base": args.image_base,
        "rewrite-images": args.rewrite_images,
        "keep-card": args.keep_card,
        "title-heading": args.title_heading,
        "jobs": args.jobs,
        "max-size": args.max_size(),
        "hidden": args.hidden,
        "follow": args.follow,
        "dedupe": args.dedupe,
        "local-links": args.local_links,
        "catalog": path(&args.catalog),
        "image-list": path(&args.image_list),
        "message-format": args.message_format.unwrap_or(MessageFormat::Human),
        "quiet": args.quiet,
        "report": path(&args.report),
    })
}

/// A progress bar on standard error, and the bytes read so far for its MB/s.
struct Progress {
    bar: ProgressBar,
    bytes: AtomicU64,
}

/// Only when standard error is a terminal and output is not silenced. Counting the pages for
/// the total takes one quick extra walk.
fn progress_bar(args: &Args, config: &Config) -> Option<Progress> {
    if args.quiet || !io::stderr().is_terminal() {
        return None;
    }
    let total = batch::count(config).ok()?;
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let template = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        "{wide_bar} {pos}/{len} pages  {msg}  ETA {eta}"
    } else {
        "{wide_bar:.cyan/blue} {pos}/{len} pages  {msg}  ETA {eta}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(Progress {
        bar,
        bytes: AtomicU64::new(0),
    })
}

fn on_outcome(
    config: &Config,
    quiet: bool,
    progress: Option<&Progress>,
    report: Option<&Mutex<Report>>,
    github: Option<&github::Findings>,
    outcome: &Outcome,
) {
    let say = |line: String, to_stdout: bool| match progress {
        Some(progress) => progress.bar.suspend(|| print_line(&line, to_stdout)),
        None => print_line(&line, to_stdout),
    };
    if !quiet {
        // a feed's items each name their output: the input alone would not say which
        let name = match (&outcome.output, outcome.form) {
            (Some(output), Some(crate::Form::FeedItem)) => format!("{} ({output})", outcome.input),
            _ => outcome.input.clone(),
        };
        for warning in &outcome.warnings {
            match github {
                Some(_) => say(github::annotation("warning", &outcome.input, warning), true),
                None => say(format!("cdt2md: warning: {name}: {warning}"), false),
            }
        }
    }
    if let Some(findings) = github {
        annotate(config, findings, outcome, &say);
    }
    match outcome.status {
        _ if github.is_some() && is_finding(config, outcome.status) => {}
        Status::Skipped if !quiet => {
            if let Some(reason) = &outcome.reason {
                say(
                    format!("cdt2md: skipped: {}: {reason}", outcome.input),
                    false,
                );
            }
        }
        Status::Duplicate if !quiet => say(
            format!(
                "cdt2md: duplicate: {}: the same article as {}",
                outcome.input,
                outcome.duplicate_of.as_deref().unwrap_or("?")
            ),
            false,
        ),
        Status::Failed => say(
            format!(
                "cdt2md: {}: {}",
                outcome.input,
                outcome.error.as_deref().unwrap_or("failed")
            ),
            false,
        ),
        Status::Stale | Status::Missing if config.check => say(
            format!(
                "{}: {} (from {})",
                if outcome.status == Status::Stale {
                    "stale"
                } else {
                    "missing"
                },
                outcome.output.as_deref().unwrap_or("?"),
                outcome.input
            ),
            true,
        ),
        _ => {}
    }
    if let Some(report) = report
        && let Ok(mut report) = report.lock()
        && let Ok(line) = serde_json::to_string(outcome)
    {
        let _ = writeln!(report, "{line}");
    }
    if let Some(progress) = progress {
        let bytes = progress
            .bytes
            .fetch_add(outcome.bytes_in, Ordering::Relaxed)
            + outcome.bytes_in;
        let seconds = progress.bar.elapsed().as_secs_f64().max(0.001);
        progress.bar.inc(1);
        progress
            .bar
            .set_message(format!("{:.1} MB/s", bytes as f64 / 1e6 / seconds));
    }
}

/// Whether an outcome is an error to report: a failure, or with `--check` an output to
/// refresh.
fn is_finding(config: &Config, status: Status) -> bool {
    status == Status::Failed || (config.check && matches!(status, Status::Stale | Status::Missing))
}

/// A failure or an output to refresh as a workflow command on the file at fault.
fn annotate(
    config: &Config,
    findings: &github::Findings,
    outcome: &Outcome,
    say: &dyn Fn(String, bool),
) {
    if !is_finding(config, outcome.status) {
        return;
    }
    let output = outcome.output.as_deref().unwrap_or("?");
    let (what, file, message) = match outcome.status {
        Status::Failed => {
            let reason = outcome.error.as_deref().unwrap_or("failed");
            ("failed", outcome.input.as_str(), reason.to_string())
        }
        Status::Stale => (
            "stale",
            output,
            format!(
                "stale: {output} differs from what {} converts to; run cdt2md without --check to refresh it",
                outcome.input
            ),
        ),
        _ => (
            "missing",
            output,
            format!(
                "missing: {output} (from {}) is not there; run cdt2md without --check to write it",
                outcome.input
            ),
        ),
    };
    findings.note(what, file, &message);
    say(github::annotation("error", file, &message), true);
}

fn print_line(line: &str, to_stdout: bool) {
    if to_stdout {
        println!("{line}");
        return;
    }
    // One write for the line and its newline: `eprintln!` makes two on the unbuffered
    // stderr, and a batch of pages that all warn pays a system call for each.
    let mut whole = String::with_capacity(line.len() + 1);
    whole.push_str(line);
    whole.push('\n');
    // nowhere left to say that stderr failed
    let _ = io::stderr().lock().write_all(whole.as_bytes());
}

fn describe(summary: &Summary, check: bool) -> String {
    let counts = if check {
        let leftovers = match summary.leftovers {
            0 => String::new(),
            n => format!(", {n} leftover"),
        };
        format!(
            "{} up to date, {} stale, {} missing, {} orphaned{leftovers}, {} skipped, {} failed",
            summary.unchanged,
            summary.stale,
            summary.missing,
            summary.orphaned,
            summary.skipped,
            summary.failed
        )
    } else {
        let orphans = match (summary.orphaned, summary.pruned) {
            (0, 0) => String::new(),
            (n, 0) => format!(", {n} orphaned"),
            (0, p) => format!(", {p} pruned"),
            (n, p) => format!(", {n} orphaned, {p} pruned"),
        };
        let duplicates = match summary.duplicates {
            0 => String::new(),
            n => format!(", {n} duplicate{}", if n == 1 { "" } else { "s" }),
        };
        format!(
            "{} converted, {} unchanged{duplicates}, {} skipped, {} failed{orphans}",
            summary.converted, summary.unchanged, summary.skipped, summary.failed
        )
    };
    let warnings = match summary.warnings {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    };
    let not_pages = match summary.not_pages {
        0 => String::new(),
        1 => " (1 not a CDT page)".to_string(),
        n => format!(" ({n} not CDT pages)"),
    };
    let forms: Vec<String> = summary
        .forms
        .iter()
        .map(|(form, n)| format!("{n} {form}"))
        .collect();
    let forms = if forms.is_empty() {
        String::new()
    } else {
        format!("; articles: {}", forms.join(", "))
    };
    format!(
        "{counts}{not_pages}{warnings}{forms}; {:.2} MB in {:.2} s ({:.1} MB/s)",
        summary.bytes_in as f64 / 1e6,
        summary.seconds,
        summary.mb_per_second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("10k"), Ok(10 << 10));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("12x").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("99999999999G").is_err());
    }

    #[test]
    fn shards() {
        assert_eq!(parse_shard("2/4"), Ok(Shard { index: 1, count: 4 }));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("1/0").is_err());
        assert!(parse_shard("x").is_err());
    }
}
