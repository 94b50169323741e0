//! Converting archive trees: walk, choose pages, convert in parallel, write atomically, or
//! compare with what is written (`--check`).
//!
//! Nothing is collected: the walk streams into the worker threads and each page's outcome
//! goes straight to the caller's sink, so memory stays flat however many pages there are.
//! Decisions about one page (is it a page, may its output be written) look only at that page
//! and a few files next to it, so they are the same whatever order threads run in.

use std::cell::Cell;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use globset::GlobSet;
use rayon::prelude::*;
use serde::Serialize;
use walkdir::WalkDir;

pub mod catalog;
pub mod leftovers;
mod names;
mod naming;
pub mod reposts;
mod spill;
pub mod stop;

pub use naming::Naming;

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::convert::{Converted, Document, Options, convert_all};
use crate::error::PageError;
use crate::form::{self, Form};
use crate::url::fnv1a;

/// A batch run, as the command line asked for it.
#[derive(Debug, Clone)]
pub struct Config {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    pub options: Options,
    /// Compare with what is in `output` instead of writing.
    pub check: bool,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    pub shard: Option<Shard>,
    /// Only relative paths matching these (when given)...
    pub include: Option<GlobSet>,
    /// ...and none of these.
    pub exclude: Option<GlobSet>,
    /// Descend into hidden folders and take hidden files.
    pub hidden: bool,
    pub follow_links: bool,
    /// Pages larger than this many bytes fail without being read.
    pub max_size: u64,
    /// Where outputs go: the mirrored tree, or files named as a profile names them.
    pub naming: Naming,
    /// Give each converted article's [`Outcome`] its catalogue entry (`--catalog`,
    /// `--image-list`).
    pub catalog: bool,
    /// Links between the run's articles point at their Markdown (`--local-links`): a first
    /// pass over the inputs, writing nothing, finds where each article goes.
    pub local_links: bool,
    /// Write one copy of each article saved more than once (`--dedupe`); the others are
    /// [`Status::Duplicate`].
    pub dedupe: bool,
    /// Find re-posts for the catalogue's `duplicate_of` even without `--dedupe`.
    pub find_reposts: bool,
    /// The re-posts the first pass found (set by the run itself).
    pub reposts: Option<std::sync::Arc<reposts::Reposts>>,
}

/// Shard `index` (0-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// A page belongs to the shard its relative path hashes to: FNV-1a (64 bit) of the path's
    /// bytes with `/` separators, modulo the shard count. Stable across runs, machines and
    /// versions, so a CI matrix can split an archive.
    pub fn contains(&self, relative: &Path) -> bool {
        fnv1a(relative_key(relative).as_bytes()) % self.count == self.index
    }
}

fn relative_key(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Converted,
    Unchanged,
    Skipped,
    Failed,
    Stale,
    Missing,
    /// Another copy of the same article is written instead (`--dedupe`).
    Duplicate,
}

/// What happened to one input file, or to one article of a feed or JSON array.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub input: String,
    pub output: Option<String>,
    pub status: Status,
    /// The form the article came in (`page`, `page-2020`, `full-page`, `wp-json`, `wrapped`,
    /// `feed-item`).
    pub form: Option<Form>,
    pub error: Option<String>,
    /// Why a file read was skipped (`not a CDT page (…)`).
    pub reason: Option<String>,
    pub warnings: Vec<String>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub ms: f64,
    pub title: Option<String>,
    /// The text encoding the page was read in.
    pub encoding: Option<String>,
    /// The copy written instead of this re-post (`--dedupe`); its `output`, when set, is one
    /// an earlier run wrote, an orphan now.
    pub duplicate_of: Option<String>,
    /// The article as the catalogue lists it, when the run collects one.
    #[serde(skip)]
    pub entry: Option<Box<catalog::Entry>>,
    /// Its write failed for a cause every later page shares (a full disk): the run stops,
    /// says why once, and counts this page as not attempted instead of failed.
    #[serde(skip)]
    pub fatal: Option<String>,
}

/// Totals of a run.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub converted: u64,
    pub unchanged: u64,
    pub skipped: u64,
    pub failed: u64,
    pub stale: u64,
    pub missing: u64,
    /// Re-posts not written (`--dedupe`).
    pub duplicates: u64,
    pub orphaned: u64,
    /// Orphaned outputs deleted (`--prune`).
    pub pruned: u64,
    /// Files skipped because they hold no CDT article (a subset of `skipped`).
    pub not_pages: u64,
    /// Warnings of all articles: what was missing or had to be dropped.
    pub warnings: u64,
    /// Temporary files an interrupted run left in OUT: removed at the start, or with
    /// `--check`, found.
    pub leftovers: u64,
    /// Pages the run did not get to, stopped by a signal or a write every page would fail.
    pub not_attempted: u64,
    /// What stopped the run before its last page (`SIGINT`, `SIGTERM`, the write error).
    pub stopped: Option<stop::Stopped>,
    /// Articles by the form they came in.
    pub forms: BTreeMap<Form, u64>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub seconds: f64,
    /// The outputs of a run whose files are named after their articles (the rest of OUT are
    /// orphans then: no input maps to a name by itself).
    #[serde(skip)]
    pub named_outputs: Option<HashSet<PathBuf>>,
    /// OUT was empty (or missing) when the run began: it holds no orphans.
    #[serde(skip)]
    pub output_was_empty: bool,
}

impl Summary {
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome.status {
            Status::Converted => self.converted += 1,
            Status::Unchanged => self.unchanged += 1,
            Status::Skipped => self.skipped += 1,
            Status::Failed => self.failed += 1,
            Status::Stale => self.stale += 1,
            Status::Missing => self.missing += 1,
            Status::Duplicate => self.duplicates += 1,
        }
        if outcome.reason.is_some() {
            self.not_pages += 1;
        }
        self.warnings += outcome.warnings.len() as u64;
        if let Some(form) = outcome.form.filter(|_| outcome.status != Status::Failed) {
            *self.forms.entry(form).or_default() += 1;
        }
        self.bytes_in += outcome.bytes_in;
        self.bytes_out += outcome.bytes_out;
    }

    /// Whether the run found nothing wrong (exit status 0). An orphaned output is wrong only
    /// to `--check`: a conversion says so and goes on.
    pub fn ok(&self, check: bool) -> bool {
        self.failed == 0
            && self.stale == 0
            && self.missing == 0
            && self.stopped.is_none()
            && (!check || self.orphaned == 0 && self.leftovers == 0)
    }

    pub fn mb_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes_in as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }
}

/// A time to a thousandth (a microsecond in `ms`, a millisecond in `seconds`): finer is
/// noise, and `0.24445599999999998` is no figure to read.
fn thousandths(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Problems with the run itself, before any page is looked at.
#[derive(Debug)]
pub enum SetupError {
    MissingInput(PathBuf),
    OutputIsFile(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::MissingInput(p) => write!(f, "{}: no such file or folder", p.display()),
            SetupError::OutputIsFile(p) => {
                write!(
                    f,
                    "{}: is a file; -o needs a folder for the Markdown",
                    p.display()
                )
            }
            SetupError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl std::error::Error for SetupError {}

/// One input file found by the walk.
struct Job {
    /// Index of the input it was found under.
    root: usize,
    path: PathBuf,
    relative: PathBuf,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// `.html`, `.htm`…: read, and one holding no article is said to be skipped.
    Html,
    /// `.md`, `.txt`, `.json`, `.xml`, a feed's bare name…: read when their start looks like
    /// something cdt2md takes (what they hold is sniffed, not assumed from the name).
    MaybePage,
    /// Images, styles, scripts: never read.
    Other,
}

fn kind_of(path: &Path) -> Kind {
    if wget_name(path).is_some() {
        return Kind::Html;
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm" | "xhtml" | "shtml") => Kind::Html,
        Some("txt" | "md" | "markdown" | "json" | "xml" | "rss" | "atom") | None => Kind::MaybePage,
        _ => Kind::Other,
    }
}

/// Where an input root's pages are found: a folder walked, or one file.
struct Root {
    path: PathBuf,
    is_dir: bool,
}

/// Runs the batch, handing every outcome to `sink` as it happens (from worker threads).
pub fn run(config: &Config, sink: &(dyn Fn(&Outcome) + Sync)) -> Result<Summary, SetupError> {
    let wants_index = config.local_links || config.dedupe || config.find_reposts;
    if wants_index && config.reposts.is_none() {
        let start = Instant::now();
        let (mut links, reposts) = index_the_run(config)?;
        if config.dedupe {
            links.redirect(|output| reposts.of(output).map(|(kept, _)| kept));
        }
        let links = links.finish();
        let mut second = config.clone();
        if config.local_links {
            second.options.local_links = Some(links);
        }
        second.reposts = Some(std::sync::Arc::new(reposts));
        let mut summary = run(&second, sink)?;
        summary.seconds = thousandths(start.elapsed().as_secs_f64());
        return Ok(summary);
    }
    let start = Instant::now();
    keep_freed_memory();
    let roots = roots(config)?;
    if config.output.is_file() {
        return Err(SetupError::OutputIsFile(config.output.clone()));
    }
    // an OUT that is empty now can hold no orphans after the run: the walk for them is spared
    let was_empty = fs::read_dir(&config.output).map_or(true, |mut d| d.next().is_none());
    // held until the run returns: another run's sweep leaves this one's temporary files be
    let _hold = if config.check {
        None
    } else {
        fs::create_dir_all(&config.output).map_err(|e| SetupError::Io(config.output.clone(), e))?;
        Some(leftovers::hold(&config.output))
    };
    let output_root = fs::canonicalize(&config.output).ok();
    let summary = Mutex::new(Summary::default());
    let stop = stop::Stop::default();
    let record = |outcomes: &[Outcome]| {
        for outcome in outcomes {
            if let Some(why) = &outcome.fatal {
                stop.fail(why);
                continue;
            }
            if let Ok(mut summary) = summary.lock() {
                summary.add(outcome);
            }
            sink(outcome);
        }
    };
    let mut claims = naming::Claims::default();
    let mut work = || {
        if config.naming != Naming::Mirror {
            let output_root = output_root.as_deref();
            run_in_order(config, &roots, output_root, &mut claims, &stop, &record);
            return;
        }
        walk(config, &roots).par_bridge().for_each(|job| {
            // the walk goes on, only to count what is left
            if stop.requested() {
                stop.skip(1);
                return;
            }
            let outcomes = match job {
                Ok(job) => process(config, &roots, output_root.as_deref(), &job),
                Err(failure) => vec![failure],
            };
            record(&outcomes);
        });
    };
    match config.jobs {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build()
            .map_err(|e| SetupError::Io(config.output.clone(), io::Error::other(e)))?
            .install(work),
        None => work(),
    }
    let mut summary = summary.into_inner().unwrap_or_default();
    summary.seconds = thousandths(start.elapsed().as_secs_f64());
    if config.naming != Naming::Mirror {
        summary.named_outputs = Some(claims.into_paths());
    }
    summary.output_was_empty = was_empty;
    summary.not_attempted = stop.not_attempted();
    summary.stopped = stop.reason();
    Ok(summary)
}

/// The first pass of `--local-links`, `--dedupe` and `--catalog`: every input converted,
/// nothing written; each article's URL, output, length and text signature kept.
fn index_the_run(config: &Config) -> Result<(crate::links::Builder, reposts::Reposts), SetupError> {
    // the whole run, whatever shard of it this run converts: links and re-posts cross shards
    let first = Config {
        check: true,
        catalog: true,
        shard: None,
        local_links: false,
        dedupe: false,
        find_reposts: false,
        // an empty answer stops the first pass from starting one of its own
        reposts: Some(std::sync::Arc::new(reposts::Reposts::default())),
        ..config.clone()
    };
    // only what the run asked for is kept
    let (want_links, want_copies) = (config.local_links, config.dedupe || config.find_reposts);
    let found = Mutex::new((crate::links::Builder::default(), reposts::Copies::default()));
    run(&first, &|outcome: &Outcome| {
        if let Some(entry) = &outcome.entry
            && let Ok(mut found) = found.lock()
        {
            let (links, copies) = &mut *found;
            if want_links {
                links.add(entry.url.as_deref(), entry.id.as_deref(), &entry.output);
            }
            if want_copies {
                copies.add(
                    &entry.output,
                    entry.url.as_deref(),
                    entry.id.as_deref(),
                    entry.chars,
                    entry.archived.as_deref(),
                    entry.signature.clone(),
                );
            }
        }
    })?;
    let (links, copies) = found.into_inner().unwrap_or_default();
    Ok((links, reposts::Reposts::find(copies)))
}

/// How many files convert in parallel before their outputs are named and written, in order.
const CHUNK: usize = 256;

/// Converts in parallel, a chunk at a time, and names and writes in input order.
fn run_in_order(
    config: &Config,
    roots: &[Root],
    output_root: Option<&Path>,
    claims: &mut naming::Claims,
    stop: &stop::Stop,
    record: &(dyn Fn(&[Outcome]) + Sync),
) {
    let mut jobs = walk(config, roots).peekable();
    while jobs.peek().is_some() {
        if stop.requested() {
            stop.skip(jobs.count());
            return;
        }
        let chunk: Vec<Result<Job, Outcome>> = jobs.by_ref().take(CHUNK).collect();
        let prepared: Vec<(Option<Job>, Prepared)> = chunk
            .into_par_iter()
            .map(|job| match job {
                _ if stop.requested() => {
                    stop.skip(1);
                    (None, Prepared::Done(Vec::new()))
                }
                Ok(job) => {
                    let prepared = prepare(config, output_root, &job);
                    (Some(job), prepared)
                }
                Err(failure) => (None, Prepared::Done(vec![failure])),
            })
            .collect();
        for (job, prepared) in prepared {
            let outcomes = match (job, prepared) {
                (_, Prepared::Done(outcomes)) => outcomes,
                // converted, not written: the run stopped first
                (Some(_), Prepared::Converted(_)) if stop.requested() => {
                    stop.skip(1);
                    Vec::new()
                }
                (Some(job), Prepared::Converted(converted)) => {
                    commit(config, roots, output_root, &job, converted, Some(claims))
                }
                (None, Prepared::Converted(_)) => Vec::new(),
            };
            record(&outcomes);
        }
    }
}

fn roots(config: &Config) -> Result<Vec<Root>, SetupError> {
    config
        .inputs
        .iter()
        .map(|path| match fs::metadata(path) {
            Ok(meta) => Ok(Root {
                path: path.clone(),
                is_dir: meta.is_dir(),
            }),
            Err(_) => Err(SetupError::MissingInput(path.clone())),
        })
        .collect()
}

/// How many input files a run will look at (for a progress bar's total).
pub fn count(config: &Config) -> Result<u64, SetupError> {
    let roots = roots(config)?;
    Ok(walk(config, &roots).count() as u64)
}

/// The input files of all roots, in a stable order, filtered by kind, globs and shard.
fn walk<'a>(
    config: &'a Config,
    roots: &'a [Root],
) -> impl Iterator<Item = Result<Job, Outcome>> + Send + 'a {
    let output = same_file::Handle::from_path(&config.output).ok();
    let output = std::sync::Arc::new(output);
    roots.iter().enumerate().flat_map(move |(index, root)| {
        let output = output.clone();
        let entries: Box<dyn Iterator<Item = Result<Job, Outcome>> + Send> = if root.is_dir {
            let walker = WalkDir::new(&root.path)
                .follow_links(config.follow_links)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(move |entry| keep_entry(config, entry, output.as_ref().as_ref()));
            Box::new(walker.filter_map(move |entry| match entry {
                Ok(entry) if entry.file_type().is_dir() => None,
                Ok(entry) => {
                    let relative = entry
                        .path()
                        .strip_prefix(&root.path)
                        .unwrap_or(entry.path())
                        .to_path_buf();
                    job(config, index, entry.into_path(), relative)
                }
                Err(err) => {
                    let path = err.path().unwrap_or(&root.path).to_path_buf();
                    Some(Err(failure(&path, None, format!("cannot read: {err}"))))
                }
            }))
        } else {
            let name = PathBuf::from(root.path.file_name().unwrap_or_default());
            Box::new(job(config, index, root.path.clone(), name).into_iter())
        };
        entries
    })
}

fn keep_entry(
    config: &Config,
    entry: &walkdir::DirEntry,
    output: Option<&same_file::Handle>,
) -> bool {
    if entry.depth() == 0 {
        return true;
    }
    let hidden = entry.file_name().to_string_lossy().starts_with('.');
    if hidden && !config.hidden {
        return false;
    }
    if entry.file_type().is_dir() {
        if is_saved_beside_a_page(entry.path()) {
            return false;
        }
        // never walk into the output folder when it sits inside an input
        if let Some(output) = output
            && same_file::Handle::from_path(entry.path()).is_ok_and(|h| &h == output)
        {
            return false;
        }
        if let Some(exclude) = &config.exclude
            && (exclude.is_match(entry.file_name()) || exclude.is_match(entry.path()))
        {
            return false;
        }
    }
    true
}

/// A browser's "Webpage, Complete" folder (`NNN_files/` beside `NNN.html`): the page's
/// styles, scripts, images and framed pages, none of them an article.
fn is_saved_beside_a_page(dir: &Path) -> bool {
    let Some(name) = dir.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    let Some(stem) = name.strip_suffix("_files").filter(|s| !s.is_empty()) else {
        return false;
    };
    ["html", "htm", "xhtml", "shtml", "mhtml"]
        .iter()
        .flat_map(|ext| [ext.to_string(), ext.to_ascii_uppercase()])
        .any(|ext| dir.with_file_name(format!("{stem}.{ext}")).is_file())
}

fn job(
    config: &Config,
    root: usize,
    path: PathBuf,
    relative: PathBuf,
) -> Option<Result<Job, Outcome>> {
    if let Some(shard) = config.shard
        && !shard.contains(&relative)
    {
        return None;
    }
    let matches = |set: &GlobSet| {
        set.is_match(&relative) || relative.file_name().is_some_and(|name| set.is_match(name))
    };
    if config.include.as_ref().is_some_and(|set| !matches(set))
        || config.exclude.as_ref().is_some_and(matches)
    {
        return None;
    }
    let kind = kind_of(&path);
    Some(Ok(Job {
        root,
        path,
        relative,
        kind,
    }))
}

fn failure(input: &Path, output: Option<&Path>, error: String) -> Outcome {
    Outcome {
        input: input.display().to_string(),
        output: output.map(|o| o.display().to_string()),
        status: Status::Failed,
        form: None,
        error: Some(error),
        reason: None,
        warnings: Vec::new(),
        bytes_in: 0,
        bytes_out: 0,
        ms: 0.0,
        title: None,
        encoding: None,
        duplicate_of: None,
        entry: None,
        fatal: None,
    }
}

fn skipped(job: &Job, bytes_in: u64, reason: Option<String>) -> Outcome {
    Outcome {
        input: job.path.display().to_string(),
        output: None,
        status: Status::Skipped,
        form: None,
        error: None,
        reason,
        warnings: Vec::new(),
        bytes_in,
        bytes_out: 0,
        ms: 0.0,
        title: None,
        encoding: None,
        duplicate_of: None,
        entry: None,
        fatal: None,
    }
}

/// The file's bytes, unless it is larger than `limit` (then it is not read at all).
pub(crate) fn read_limited(path: &Path, limit: u64) -> io::Result<Result<Vec<u8>, PageError>> {
    read_limited_into(path, limit, Vec::new())
}

/// As [`read_limited`], into `buffer` (emptied first): a batch reads every page into the
/// same one.
fn read_limited_into(
    path: &Path,
    limit: u64,
    mut buffer: Vec<u8>,
) -> io::Result<Result<Vec<u8>, PageError>> {
    let file = fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Ok(Err(PageError::TooLarge { size, limit }));
    }
    // Sized from the start, the page comes in one read (and one more to see the end);
    // `read_to_end` on an empty `Vec` through `take` probes from 32 bytes up, a dozen reads
    // for a 30 KB page. One byte over lets a file that grew since be caught as too large.
    buffer.clear();
    let wanted = usize::try_from(size.saturating_add(1)).unwrap_or(usize::MAX);
    // a size the memory cannot hold (a sparse file under a huge --max-size) is read as a
    // stream, whose growth fails as reading would, instead of aborting here
    let first = match buffer.try_reserve(wanted) {
        Ok(()) => wanted,
        Err(_) => READ_CHUNK,
    };
    read_into(file, limit, buffer, first)
}

/// At most `limit` bytes from `reader`; more is an error (for pipes, whose size is unknown).
pub(crate) fn read_up_to(reader: impl Read, limit: u64) -> io::Result<Result<Vec<u8>, PageError>> {
    read_into(reader, limit, Vec::new(), READ_CHUNK)
}

/// How much more room a read makes when the buffer is full (a pipe, a file that grew).
const READ_CHUNK: usize = 64 * 1024;

/// Reads into `bytes`, the first read asking for up to `first` bytes (a file's size, so that
/// it comes in one), later ones a chunk; room is zeroed only as far as a read may fill it, so
/// the rest of a reused or grown buffer is never touched.
fn read_into(
    reader: impl Read,
    limit: u64,
    mut bytes: Vec<u8>,
    first: usize,
) -> io::Result<Result<Vec<u8>, PageError>> {
    let mut reader = reader.take(limit.saturating_add(1));
    let mut step = first.max(1);
    loop {
        if bytes.len() == bytes.capacity() {
            bytes
                .try_reserve(READ_CHUNK)
                .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
        }
        let filled = bytes.len();
        bytes.resize(bytes.capacity().min(filled + step), 0);
        step = READ_CHUNK;
        match reader.read(&mut bytes[filled..]) {
            Ok(0) => {
                bytes.truncate(filled);
                break;
            }
            Ok(n) => bytes.truncate(filled + n),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => bytes.truncate(filled),
            Err(err) => return Err(err),
        }
    }
    let size = bytes.len() as u64;
    Ok(if size > limit {
        Err(PageError::TooLarge { size, limit })
    } else {
        Ok(bytes)
    })
}

/// The output file for an input found at `relative`: its extension replaced by `.md`, or for
/// a name wget made (`index.html?p=714996`, `714996.html.1`), the whole name and `.md`, so
/// that two of them never share one output.
pub(crate) fn output_path(output: &Path, relative: &Path) -> PathBuf {
    if wget_name(relative).is_some() {
        let mut name = relative.file_name().unwrap_or_default().to_os_string();
        name.push(".md");
        return output.join(relative).with_file_name(name);
    }
    output.join(relative).with_extension("md")
}

/// A page name as wget writes it: a query kept in the name (`index.html?p=714996`) or a
/// number added to a name already taken (`714996.html.1`). The part that is the page's name.
fn wget_name(path: &Path) -> Option<String> {
    let raw = path.as_os_str().as_encoded_bytes();
    // most names are plain: neither a query nor a number at their end
    if !raw.contains(&b'?') && !raw.last().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let name = path.file_name()?.to_string_lossy().into_owned();
    let lower = name.to_ascii_lowercase();
    for ext in [".html", ".htm"] {
        let Some(at) = lower.find(ext) else {
            continue;
        };
        let rest = &lower[at + ext.len()..];
        let numbered = rest
            .strip_prefix('.')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if rest.starts_with('?') || numbered {
            return Some(name[..at + ext.len()].to_string());
        }
    }
    None
}

/// Pages above this size convert one at a time. Memory, not time, is what they cost: the DOM
/// of a dense 1 MB page takes about 20 MB, so two or sixteen at once would break the flat
/// memory budget (32 MiB for any batch of pages up to 1 MB). Small pages never wait.
const BIG_PAGE: usize = 256 * 1024;
static BIG_PAGES: Mutex<()> = Mutex::new(());

/// Hands the memory a big page's DOM used back to the system. Taking turns alone is not enough
/// with glibc: each thread allocates from its own arena and keeps what it freed, so the peak
/// would be one big page per thread all the same.
/// glibc hands the top of its heap back to the system as soon as 128 KiB of it are free, and
/// a batch then touches those pages again for the next page: measured, a run of 1,000 small
/// pages took three times the page faults and 5–10% longer, depending on how the sizes of one
/// page's allocations happened to fall. Freed memory is kept up to 4 MiB instead; big pages
/// still give theirs back at once (`release_free_memory`).
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a threshold of the allocator; no allocation is touched.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 4 << 20);
    }
}

fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; it touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn process(config: &Config, roots: &[Root], output_root: Option<&Path>, job: &Job) -> Vec<Outcome> {
    match prepare(config, output_root, job) {
        Prepared::Done(outcomes) => outcomes,
        Prepared::Converted(converted) => commit(config, roots, output_root, job, converted, None),
    }
}

/// A file read and converted, its outputs not yet written.
struct Ready {
    document: Document,
    size: u64,
    start: Instant,
    /// Its output in the mirrored tree (what a failure names).
    output: PathBuf,
}

enum Prepared {
    /// Nothing to write: skipped, failed, or not an input at all.
    Done(Vec<Outcome>),
    Converted(Ready),
}

/// Reads and converts one file: the part of a page's work that may run in any order.
fn prepare(config: &Config, output_root: Option<&Path>, job: &Job) -> Prepared {
    let start = Instant::now();
    if job.kind == Kind::Other {
        return Prepared::Done(vec![skipped(job, 0, None)]);
    }
    if is_own_output(job, output_root) {
        return Prepared::Done(Vec::new());
    }
    let bytes = match read_limited_into(&job.path, config.max_size, PAGE_BUFFER.take()) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(too_large)) => {
            return Prepared::Done(vec![failure(&job.path, None, too_large.to_string())]);
        }
        Err(err) => {
            let why = format!("cannot read: {err}");
            return Prepared::Done(vec![failure(&job.path, None, why)]);
        }
    };
    let output = output_path(&config.output, &job.relative);
    let document = {
        let big = bytes.len() > BIG_PAGE;
        let _turn = big.then(|| BIG_PAGES.lock().unwrap_or_else(PoisonError::into_inner));
        let guess = form::looks_like_collection(&bytes[..bytes.len().min(4096)]);
        let options = options_for(config, job, &bytes, output_root, guess);
        let mut document = convert_all(&bytes, options.as_ref().unwrap_or(&config.options));
        // links are relative to where the articles go: a feed the head did not show to be one
        // (a long comment first) converts again, its items seen from their own folder
        if config.options.local_links.is_some()
            && let Ok(found) = &document
            && found.collection != guess
        {
            let options = options_for(config, job, &bytes, output_root, found.collection);
            document = convert_all(&bytes, options.as_ref().unwrap_or(&config.options));
        }
        if big {
            release_free_memory();
        }
        document
    };
    let prepared = match document {
        Ok(document) => Prepared::Converted(Ready {
            document,
            size: bytes.len() as u64,
            start,
            output,
        }),
        Err(err) => Prepared::Done(vec![not_converted(job, &output, output_root, &bytes, err)]),
    };
    // a big page's room is handed back with the rest of its memory, not kept for the batch
    if bytes.capacity() <= BIG_PAGE {
        PAGE_BUFFER.set(bytes);
    }
    prepared
}

thread_local! {
    /// The page read last on this thread, whose room the next one reuses.
    static PAGE_BUFFER: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// Writes (or compares) a converted file's articles. `claims` holds the names taken so far
/// when a profile names files after their articles; such runs commit in input order, so
/// that which of two same-named articles gets the plain name never depends on timing.
fn commit(
    config: &Config,
    roots: &[Root],
    output_root: Option<&Path>,
    job: &Job,
    converted: Ready,
    claims: Option<&mut naming::Claims>,
) -> Vec<Outcome> {
    let Ready {
        mut document,
        size,
        start,
        output,
    } = converted;
    let dropped = std::mem::take(&mut document.dropped);
    let collection = document.collection;
    if collection && let Some(other) = collection_rival(roots, job) {
        let folder = output.with_extension("");
        let why = format!(
            "{} also writes its articles into {}; not overwriting them",
            other.display(),
            folder.display()
        );
        let mut failed = failure(&job.path, Some(&folder), why);
        failed.bytes_in = size;
        return vec![failed];
    }
    let folder = output.with_extension("");
    if collection && folder.is_file() {
        let why = format!(
            "cannot write its articles into {}: a file of that name is there (the feed itself, \
             when OUT is the folder it is in); choose another -o",
            folder.display()
        );
        let mut failed = failure(&job.path, Some(&folder), why);
        failed.bytes_in = size;
        return vec![failed];
    }
    let targets: Vec<Result<PathBuf, String>> = match claims {
        None => targets(job, &output, &document)
            .into_iter()
            .map(Ok)
            .collect(),
        Some(claims) => document
            .articles
            .iter()
            .enumerate()
            .map(|(i, article)| {
                naming::claim(
                    config.naming,
                    &config.output,
                    job,
                    collection,
                    i,
                    article,
                    claims,
                )
            })
            .collect(),
    };
    // a mirrored name may be another input's too; a name from the article was settled above
    let rivals = (!collection && config.naming == Naming::Mirror && wget_name(&job.path).is_none())
        .then_some(roots);
    let mut outcomes: Vec<Outcome> = document
        .articles
        .into_iter()
        .zip(targets)
        .map(|(article, target)| match target {
            Ok(target) => finish(config, rivals, output_root, job, &target, article),
            Err(why) => Outcome {
                form: Some(article.form),
                ..failure(&job.path, Some(&output), why)
            },
        })
        .collect();
    if let Some(first) = outcomes.first_mut() {
        first.bytes_in = size;
        first.ms = thousandths(start.elapsed().as_secs_f64() * 1000.0);
    }
    outcomes.extend(
        dropped
            .into_iter()
            .map(|why| skipped(job, 0, Some(format!("an entry of it: {why}")))),
    );
    outcomes
}

/// Markdown in the output folder that is not an input (an input folder used as OUT holds the
/// outputs beside the pages): cdt2md's own, neither an input nor a skipped file. Only its head
/// is read.
fn is_own_output(job: &Job, output_root: Option<&Path>) -> bool {
    let is_md = job
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"));
    if !is_md {
        return false;
    }
    let Some(root) = output_root else {
        return false;
    };
    if !fs::canonicalize(&job.path).is_ok_and(|p| p.starts_with(root)) {
        return false;
    }
    !file_is_page(&job.path)
}

/// A file that did not convert: skipped when it holds no article (said only of files outside
/// the output folder: cdt2md's own Markdown there is no news), failed when it is damaged.
fn not_converted(
    job: &Job,
    output: &Path,
    output_root: Option<&Path>,
    bytes: &[u8],
    err: PageError,
) -> Outcome {
    let size = bytes.len() as u64;
    let unreadable = matches!(
        err,
        PageError::Empty | PageError::Binary | PageError::UnknownEncoding { .. }
    );
    let holds_no_page = match &err {
        PageError::NotAPage(_) => true,
        _ => unreadable && job.kind == Kind::MaybePage && !form::looks_like_input(bytes),
    };
    if !holds_no_page {
        let mut failed = failure(&job.path, Some(output), err.to_string());
        failed.bytes_in = size;
        return failed;
    }
    let ours = output_root
        .is_some_and(|root| fs::canonicalize(&job.path).is_ok_and(|path| path.starts_with(root)));
    let reason = match err {
        PageError::NotAPage(_) => err.to_string(),
        other => format!("not a CDT page ({other})"),
    };
    skipped(job, size, (!ours).then_some(reason))
}

/// The options for one page: the shared ones, and where the page's folder is seen from its
/// output when it links files saved beside it.
fn options_for(
    config: &Config,
    job: &Job,
    bytes: &[u8],
    output_root: Option<&Path>,
    collection: bool,
) -> Option<Options> {
    let saved = saved_page_options(config, job, bytes, output_root);
    let Some(links) = &config.options.local_links else {
        return saved;
    };
    // links are relative to the folder the article's Markdown goes in: a feed's items go in
    // a folder of their own
    let mut folder = naming::folder(config.naming, &job.relative);
    if collection && let Some(stem) = job.relative.file_stem() {
        folder.push(stem);
    }
    let mut options = saved.unwrap_or_else(|| config.options.clone());
    options.local_links = Some(links.seen_from(&relative_key(&folder)));
    Some(options)
}

/// A browser's "Webpage, Complete" save: the options that link its `NNN_files/` where they lie.
fn saved_page_options(
    config: &Config,
    job: &Job,
    bytes: &[u8],
    output_root: Option<&Path>,
) -> Option<Options> {
    // Only a browser's save writes such a folder, and it saves a whole document: the head
    // says whether the page is one before the whole page is searched.
    let document = starts_a_document(bytes);
    static SAVED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"_files/"));
    if !document {
        return None;
    }
    SAVED.find(bytes)?;
    let page_dir = fs::canonicalize(job.path.parent()?).ok()?;
    let output_dir = output_root?.join(naming::folder(config.naming, &job.relative));
    let mut options = config.options.clone();
    options.page_folder = Some(relative_path(&output_dir, &page_dir));
    Some(options)
}

/// Whether the bytes start a whole HTML document (after a BOM, blank space and comments, as
/// Chrome's `<!-- saved from url=… -->`).
fn starts_a_document(bytes: &[u8]) -> bool {
    let mut rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    loop {
        let start = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        rest = &rest[start..];
        if !rest.starts_with(b"<!--") {
            break;
        }
        match memchr::memmem::find(&rest[..rest.len().min(4096)], b"-->") {
            Some(end) => rest = &rest[end + 3..],
            None => return false,
        }
    }
    let starts = |p: &[u8]| {
        rest.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    starts(b"<!doctype") || starts(b"<html")
}

/// The path from folder `from` to folder `to`, both absolute, with `/` separators.
fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_string(), from.len() - common);
    let downs = to[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let parts: Vec<String> = ups.chain(downs).collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Where each article of a file is written: the file's own output, or for a feed or JSON
/// array, files named after the articles in a folder named after the file.
fn targets(job: &Job, output: &Path, document: &Document) -> Vec<PathBuf> {
    if !document.collection {
        return vec![output.to_path_buf()];
    }
    let folder = output.with_extension("");
    let names: Vec<Option<String>> = document.articles.iter().map(|a| a.name.clone()).collect();
    let taken = pages_in(&job.path.with_extension(""));
    let stems = names::file_stems(&names, |stem| taken.contains(&stem.to_lowercase()));
    stems
        .into_iter()
        .map(|stem| folder.join(format!("{stem}.md")))
        .collect()
}

/// The stems (lower-cased) of the input pages in `folder`: a folder beside a feed, mirrored
/// into the same output folder as the feed's items, whose pages take their names first.
fn pages_in(folder: &Path) -> HashSet<String> {
    let Ok(entries) = fs::read_dir(folder) else {
        return HashSet::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| is_input_page(p))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_lowercase()))
        .collect()
}

/// Writes (or with `--check`, compares) one article's output. `rivals`: the roots, when
/// other inputs could take the same output (a feed's items are settled by their names).
fn finish(
    config: &Config,
    rivals: Option<&[Root]>,
    output_root: Option<&Path>,
    job: &Job,
    output: &Path,
    converted: Converted,
) -> Outcome {
    let fail = |error: String| Outcome {
        form: Some(converted.form),
        ..failure(&job.path, Some(output), error)
    };
    // the run's own bookkeeping, only when asked for
    let wanted = config.catalog || config.reposts.as_deref().is_some_and(|r| !r.is_empty());
    let relative = if wanted {
        relative_key(output.strip_prefix(&config.output).unwrap_or(output))
    } else {
        String::new()
    };
    let repost = config
        .reposts
        .as_deref()
        .and_then(|r| r.of(&relative))
        .map(|(kept, similarity)| (kept.to_string(), similarity));
    let entry = config.catalog.then(|| {
        let mut entry = catalog::Entry::new(&converted, job.path.display().to_string(), relative);
        if let Some((kept, similarity)) = &repost {
            entry.duplicate_of = Some(kept.clone());
            entry.similarity = Some((similarity * 100.0).round() / 100.0);
        }
        Box::new(entry)
    });
    if config.dedupe
        && let Some((kept, _)) = &repost
    {
        // an output of it an earlier run wrote is an orphan now: named, and --prune's
        let left = output.is_file() && could_have_written(output, &config.options.rename_keys);
        return Outcome {
            input: job.path.display().to_string(),
            output: left.then(|| output.display().to_string()),
            status: Status::Duplicate,
            form: Some(converted.form),
            error: None,
            reason: None,
            warnings: converted.warnings,
            bytes_in: 0,
            bytes_out: 0,
            ms: 0.0,
            title: converted.metadata.title,
            encoding: Some(converted.encoding.to_string()),
            duplicate_of: Some(config.output.join(kept).display().to_string()),
            entry,
            fatal: None,
        };
    }
    // One look at what is there already serves the safety checks and the unchanged test.
    let existing = Existing::read(output, config.max_size);
    if let Err(reason) = may_write(rivals, job, output, existing.as_ref()) {
        return fail(reason);
    }
    let unchanged = existing
        .as_ref()
        .is_some_and(|e| e.bytes.as_deref() == Some(converted.markdown.as_bytes()));
    let status = match (config.check, unchanged) {
        (_, true) => Status::Unchanged,
        (true, false) if existing.is_some() => Status::Stale,
        (true, false) => Status::Missing,
        (false, false) => match write_inside(output_root, output, converted.markdown.as_bytes()) {
            Ok(()) => Status::Converted,
            Err(err) => {
                let fatal = stop::fatal_cause(&err, &config.output);
                let why = format!("cannot write {}: {err}", output.display());
                return Outcome { fatal, ..fail(why) };
            }
        },
    };
    Outcome {
        input: job.path.display().to_string(),
        output: Some(output.display().to_string()),
        status,
        form: Some(converted.form),
        error: None,
        reason: None,
        warnings: converted.warnings,
        bytes_in: 0,
        bytes_out: converted.markdown.len() as u64,
        ms: 0.0,
        title: converted.metadata.title,
        encoding: Some(converted.encoding.to_string()),
        duplicate_of: None,
        entry,
        fatal: None,
    }
}

/// The safety rules: an output never replaces an input, and two inputs never share an output.
/// Which input of two gets the output is decided by what exists on disk (extension priority,
/// then input order), never by which thread comes first.
fn may_write(
    rivals: Option<&[Root]>,
    job: &Job,
    output: &Path,
    existing: Option<&Existing>,
) -> Result<(), String> {
    if existing.is_some() && same_file::is_same_file(&job.path, output).unwrap_or(false) {
        return Err(format!(
            "output {} would overwrite this input",
            output.display()
        ));
    }
    if existing.is_some_and(|e| {
        form::looks_like_input(e.head()) || e.bytes.is_none() && file_is_page(output)
    }) {
        return Err(format!(
            "output {} would overwrite a saved page there",
            output.display()
        ));
    }
    if let Some(other) = rivals.and_then(|roots| rival(roots, job)) {
        return Err(format!(
            "{} also converts to {}; not overwriting it",
            other.display(),
            output.display()
        ));
    }
    Ok(())
}

/// Input extensions, the first taking precedence when several inputs share a name.
const PRIORITY: [&str; 12] = [
    "html", "htm", "xhtml", "shtml", "md", "markdown", "txt", "json", "xml", "rss", "atom", "",
];

/// An input page that takes the same output as `job` and comes first: the same name with a
/// stronger extension in the same folder, or the same path under an earlier input.
fn rival(roots: &[Root], job: &Job) -> Option<PathBuf> {
    let same_folder = PRIORITY[..own_rank(&job.path)]
        .iter()
        .map(|ext| job.path.with_extension(ext))
        .find(|candidate| *candidate != job.path && is_input_page(candidate));
    if same_folder.is_some() {
        return same_folder;
    }
    let key = job.relative.with_extension("");
    roots[..job.root].iter().find_map(|earlier| {
        if earlier.is_dir {
            PRIORITY
                .iter()
                .map(|ext| earlier.path.join(&job.relative).with_extension(ext))
                .find(|candidate| is_input_page(candidate))
        } else {
            let earlier_key = earlier.path.file_stem().map(PathBuf::from);
            (earlier_key.as_ref() == Some(&key) && is_input_page(&earlier.path))
                .then(|| earlier.path.clone())
        }
    })
}

/// Where a file's extension stands in [`PRIORITY`] (no extension is the `""` there).
fn own_rank(path: &Path) -> usize {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    PRIORITY
        .iter()
        .position(|p| *p == ext)
        .unwrap_or(PRIORITY.len())
}

/// For a feed or JSON array: another one that would write into the same folder and comes
/// first (a stronger extension beside it, or the same name under an earlier input).
fn collection_rival(roots: &[Root], job: &Job) -> Option<PathBuf> {
    let is_collection = |p: &Path| p.is_file() && file_is_collection(p);
    let same_folder = PRIORITY[..own_rank(&job.path)]
        .iter()
        .map(|ext| job.path.with_extension(ext))
        .find(|candidate| *candidate != job.path && is_collection(candidate));
    if same_folder.is_some() {
        return same_folder;
    }
    roots[..job.root].iter().find_map(|earlier| {
        if earlier.is_dir {
            PRIORITY
                .iter()
                .map(|ext| earlier.path.join(&job.relative).with_extension(ext))
                .find(|candidate| is_collection(candidate))
        } else {
            let same = earlier.path.file_stem() == job.path.file_stem();
            (same && is_collection(&earlier.path)).then(|| earlier.path.clone())
        }
    })
}

fn file_is_collection(path: &Path) -> bool {
    let mut head = [0u8; 4096];
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let filled = file.read(&mut head).unwrap_or(0);
    form::looks_like_collection(&head[..filled])
}

/// Whether `path` exists and is a page this tool would convert.
fn is_input_page(path: &Path) -> bool {
    match kind_of(path) {
        Kind::Html => path.is_file(),
        Kind::MaybePage => path.is_file() && file_is_page(path),
        Kind::Other => false,
    }
}

fn file_is_page(path: &Path) -> bool {
    let mut head = [0u8; 4096];
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    form::looks_like_input(&head[..filled])
}

/// An output file already there: its bytes, unless it is too large to be one of ours.
struct Existing {
    bytes: Option<Vec<u8>>,
}

impl Existing {
    fn read(path: &Path, limit: u64) -> Option<Existing> {
        let meta = fs::metadata(path).ok()?;
        let bytes = (meta.len() <= limit).then(|| fs::read(path).ok()).flatten();
        Some(Existing { bytes })
    }

    fn head(&self) -> &[u8] {
        self.bytes
            .as_deref()
            .map_or(&[], |b| &b[..b.len().min(4096)])
    }
}

/// Writes `bytes` to `path` after making sure its folder really lies inside the output folder
/// `root` (a symbolic link inside the output folder must not lead writes elsewhere).
fn write_inside(root: Option<&Path>, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    // Pages of one folder come one after another: check and create each folder once per
    // thread, not once per page.
    thread_local! {
        static VERIFIED: std::cell::RefCell<Option<PathBuf>> = const { std::cell::RefCell::new(None) };
    }
    let known = VERIFIED.with(|v| v.borrow().as_deref() == Some(dir));
    if !known {
        // checked on what exists before anything is created below it
        let existing = dir
            .ancestors()
            .find(|a| a.exists())
            .unwrap_or(Path::new("."));
        let real = fs::canonicalize(existing)?;
        if root.is_some_and(|root| !real.starts_with(root)) {
            return Err(io::Error::other(format!(
                "its folder leads outside the output folder (to {})",
                real.display()
            )));
        }
        fs::create_dir_all(dir)?;
        VERIFIED.with(|v| *v.borrow_mut() = Some(dir.to_path_buf()));
    }
    write_atomic(path, bytes)
}

/// Writes through a temporary file in the same folder, renamed over the target: a crash or
/// Ctrl-C leaves the old file or the new one, never half of one. (No fsync: this guards
/// against interruption, not power loss, and keeps large batches fast.)
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cdt2md-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// What became of a file written whole (the catalogue, the image list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Unchanged,
    Written,
    /// With `--check`: the file is there, with other bytes.
    Stale,
    /// With `--check`: the file is not there.
    Missing,
}

/// Writes a file whole through `write`, streaming: to a temporary file (beside `path`, or
/// with `check` in the system's temporary folder), compared with what `path` holds, and
/// renamed over it only when it differs and `check` is not set.
pub(crate) fn settle_file(
    path: &Path,
    check: bool,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Settled> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cdt2md-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let temp = if check {
        builder.tempfile()?
    } else {
        builder.tempfile_in(dir)?
    };
    let mut out = io::BufWriter::new(temp);
    write(&mut out)?;
    let temp = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    let existing = match fs::File::open(path) {
        Ok(file) => Some(file),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(err),
    };
    let same = match existing {
        Some(file) => same_bytes(file, temp.reopen()?)?,
        None => false,
    };
    Ok(match (same, check, path.exists()) {
        (true, _, _) => Settled::Unchanged,
        (false, true, true) => Settled::Stale,
        (false, true, false) => Settled::Missing,
        (false, false, _) => {
            temp.persist(path).map_err(|e| e.error)?;
            Settled::Written
        }
    })
}

fn same_bytes(a: fs::File, b: fs::File) -> io::Result<bool> {
    use std::io::BufRead;
    let (mut a, mut b) = (io::BufReader::new(a), io::BufReader::new(b));
    loop {
        let (chunk_a, chunk_b) = (a.fill_buf()?.to_vec(), b.fill_buf()?);
        if chunk_a.is_empty() || chunk_b.is_empty() {
            return Ok(chunk_a.is_empty() && chunk_b.is_empty());
        }
        let n = chunk_a.len().min(chunk_b.len());
        if chunk_a[..n] != chunk_b[..n] {
            return Ok(false);
        }
        a.consume(n);
        b.consume(n);
    }
}

/// `.md` files in the output folder that no input page converts to any more: Markdown cdt2md
/// could have written ([`could_have_written`]); notes and other files there are not its to
/// judge. Saved pages kept there (an input folder used as output) are inputs, not orphans;
/// `--glob`, `--exclude` and `--shard` narrow the search as they narrow the inputs.
///
/// When a profile named the files after their articles, `named` holds the run's outputs and
/// everything else cdt2md could have written is an orphan; a run narrowed by `--shard` or
/// globs does not see every input then, and reports none.
pub(crate) fn orphans(config: &Config, named: Option<&HashSet<PathBuf>>) -> Vec<PathBuf> {
    let Ok(roots) = roots(config) else {
        return Vec::new();
    };
    if !config.output.is_dir() {
        return Vec::new();
    }
    if let Some(named) = named {
        let narrowed =
            config.shard.is_some() || config.include.is_some() || config.exclude.is_some();
        return if narrowed {
            Vec::new()
        } else {
            orphans_of_named(config, named)
        };
    }
    let hidden = |e: &walkdir::DirEntry| e.file_name().to_string_lossy().starts_with('.');
    let mut collections = Collections::new();
    WalkDir::new(&config.output)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || config.hidden || !hidden(e))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("md"))
        })
        .filter_map(|e| {
            let relative = e.path().strip_prefix(&config.output).ok()?.to_path_buf();
            job(config, 0, e.path().to_path_buf(), relative.clone())?.ok()?;
            // cheapest first: a few stat calls, then reading a head, then parsing a feed
            if has_input(&roots, &relative, e.path())
                || is_input_page(e.path())
                || in_collection(config, &roots, &relative, &mut collections)
                || !could_have_written(e.path(), &config.options.rename_keys)
            {
                return None;
            }
            Some(e.into_path())
        })
        .collect()
}

/// Whether `path` is Markdown cdt2md could have written: front matter (YAML or TOML) that is
/// a mapping holding one of the keys it writes, or one of `renamed` (what `--rename-key` made
/// of them). Only such files are ever pruned; notes and anything else stay.
pub(crate) fn could_have_written(path: &Path, renamed: &[(String, String)]) -> bool {
    let Ok(Ok(bytes)) = read_limited(path, 1 << 20) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return false;
    };
    let keys: Vec<String> = if let Some(rest) = text.strip_prefix("---\n") {
        let Some((block, _)) = rest.split_once("\n---\n") else {
            return false;
        };
        match serde_yaml::from_str::<serde_yaml::Value>(block) {
            Ok(serde_yaml::Value::Mapping(map)) => map
                .keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect(),
            _ => return false,
        }
    } else if let Some(rest) = text.strip_prefix("+++\n") {
        let Some((block, _)) = rest.split_once("\n+++\n") else {
            return false;
        };
        match block.parse::<toml::Table>() {
            Ok(table) => table.keys().cloned().collect(),
            Err(_) => return false,
        }
    } else {
        return false;
    };
    let ours = crate::metadata::key_names();
    !form::looks_like_input(&bytes)
        && keys
            .iter()
            .any(|k| ours.contains(&k.as_str()) || renamed.iter().any(|(_, to)| to == k))
}

/// `.md` files in OUT that no article of this run was named to, and that cdt2md could have
/// written.
fn orphans_of_named(config: &Config, named: &HashSet<PathBuf>) -> Vec<PathBuf> {
    let hidden = |e: &walkdir::DirEntry| e.file_name().to_string_lossy().starts_with('.');
    let named: HashSet<String> = named
        .iter()
        .map(|p| p.to_string_lossy().to_lowercase())
        .collect();
    WalkDir::new(&config.output)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || config.hidden || !hidden(e))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("md"))
        })
        .filter(|e| !named.contains(&e.path().to_string_lossy().to_lowercase()))
        .filter(|e| !is_input_page(e.path()))
        .filter(|e| could_have_written(e.path(), &config.options.rename_keys))
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// The file stems of each feed or JSON array looked at, by its path.
type Collections = HashMap<PathBuf, Vec<String>>;

/// Whether `relative` (`dir/feed/123.md`) is an item of a feed or JSON array among the
/// inputs (`dir/feed.xml` holding an item named `123`).
fn in_collection(
    config: &Config,
    roots: &[Root],
    relative: &Path,
    collections: &mut Collections,
) -> bool {
    let (Some(folder), Some(stem)) = (relative.parent(), relative.file_stem()) else {
        return false;
    };
    if folder.as_os_str().is_empty() {
        return false;
    }
    let stem = stem.to_string_lossy();
    let candidates = roots.iter().flat_map(|root| -> Vec<PathBuf> {
        if root.is_dir {
            COLLECTION_EXTENSIONS
                .iter()
                .map(|ext| root.path.join(folder).with_extension(ext))
                .collect()
        } else if root.path.with_extension("").file_name() == Some(folder.as_os_str()) {
            vec![root.path.clone()]
        } else {
            Vec::new()
        }
    });
    for candidate in candidates {
        if !candidate.is_file() {
            continue;
        }
        let stems = collections
            .entry(candidate.clone())
            .or_insert_with(|| collection_stems(&candidate, config.max_size));
        if stems.iter().any(|s| *s == stem) {
            return true;
        }
    }
    false
}

/// Extensions a feed or JSON array may have (a feed saved by wget has none).
const COLLECTION_EXTENSIONS: [&str; 5] = ["xml", "rss", "atom", "json", ""];

/// The file stems the articles of a feed or JSON array are written under.
fn collection_stems(path: &Path, limit: u64) -> Vec<String> {
    let Ok(Ok(bytes)) = read_limited(path, limit) else {
        return Vec::new();
    };
    let Ok(contents) = crate::encoding::decode(&bytes).and_then(|d| form::read(&d.text)) else {
        return Vec::new();
    };
    if !contents.collection {
        return Vec::new();
    }
    let names: Vec<Option<String>> = contents.articles.into_iter().map(|a| a.name).collect();
    let taken = pages_in(&path.with_extension(""));
    names::file_stems(&names, |stem| taken.contains(&stem.to_lowercase()))
}

fn has_input(roots: &[Root], relative: &Path, output: &Path) -> bool {
    // `index.html?p=714996.md` is the output of `index.html?p=714996`
    let unmarked = relative.with_extension("");
    if wget_name(&unmarked).is_some()
        && roots
            .iter()
            .any(|r| r.is_dir && r.path.join(&unmarked).is_file())
    {
        return true;
    }
    let key = relative.with_extension("");
    roots.iter().any(|root| {
        if root.is_dir {
            PRIORITY.iter().any(|ext| {
                let candidate = root.path.join(relative).with_extension(ext);
                !same_file::is_same_file(&candidate, output).unwrap_or(false)
                    && is_input_page(&candidate)
            })
        } else {
            root.path.file_stem().map(PathBuf::from) == Some(key.clone())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes a call, as a pipe does.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
        interrupted: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if !self.interrupted {
                self.interrupted = true;
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(self.step).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn reads_whole_streams_and_stops_one_byte_past_the_limit() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let trickle = |step| Trickle {
            data: &data,
            step,
            interrupted: false,
        };
        for step in [1000, 70_000, usize::MAX] {
            let read = read_up_to(trickle(step), 1 << 20).unwrap().unwrap();
            assert_eq!(read, data, "step {step}");
        }
        let exact = read_up_to(trickle(5000), 200_000).unwrap().unwrap();
        assert_eq!(exact.len(), 200_000);
        let over = read_up_to(trickle(5000), 199_999).unwrap();
        assert!(
            matches!(
                over,
                Err(PageError::TooLarge {
                    size: 200_000,
                    limit: 199_999
                })
            ),
            "{over:?}"
        );
    }

    #[test]
    fn a_reused_buffer_holds_only_the_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let (long, short) = (dir.path().join("long"), dir.path().join("short"));
        fs::write(&long, "x".repeat(10_000)).unwrap();
        fs::write(&short, "abc").unwrap();
        let buffer = read_limited_into(&long, 1 << 20, Vec::new())
            .unwrap()
            .unwrap();
        let room = buffer.capacity();
        let again = read_limited_into(&short, 1 << 20, buffer).unwrap().unwrap();
        assert_eq!(again, b"abc");
        assert_eq!(again.capacity(), room);
    }

    #[test]
    fn shard_hash_is_fnv1a() {
        // reference values of FNV-1a 64
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let shards: Vec<Shard> = (0..3).map(|index| Shard { index, count: 3 }).collect();
        for name in ["a.html", "2020/07/399702.html", "x/y/z.md"] {
            let owners = shards
                .iter()
                .filter(|s| s.contains(Path::new(name)))
                .count();
            assert_eq!(owners, 1, "{name}");
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of(Path::new("a.HTML")), Kind::Html);
        assert_eq!(kind_of(Path::new("a.htm")), Kind::Html);
        assert_eq!(kind_of(Path::new("a.md")), Kind::MaybePage);
        assert_eq!(kind_of(Path::new("a.txt")), Kind::MaybePage);
        assert_eq!(kind_of(Path::new("a.png")), Kind::Other);
        assert_eq!(kind_of(Path::new("a.css")), Kind::Other);
        // read and sniffed: a feed saved by wget has no extension
        assert_eq!(kind_of(Path::new("feed")), Kind::MaybePage);
        assert_eq!(kind_of(Path::new("692810.json")), Kind::MaybePage);
        assert_eq!(kind_of(Path::new("feed.xml")), Kind::MaybePage);
        // wget's names: a query kept, a number added
        assert_eq!(kind_of(Path::new("index.html?p=714996")), Kind::Html);
        assert_eq!(kind_of(Path::new("714996.html.1")), Kind::Html);
        assert_eq!(kind_of(Path::new("714996.html.bak")), Kind::Other);
        assert_eq!(
            output_path(Path::new("out"), Path::new("a/index.html?p=7")),
            PathBuf::from("out/a/index.html?p=7.md")
        );
        assert_eq!(
            output_path(Path::new("out"), Path::new("7.html.1")),
            PathBuf::from("out/7.html.1.md")
        );
    }

    #[test]
    fn relative_paths_between_folders() {
        assert_eq!(
            relative_path(Path::new("/a/out/x"), Path::new("/a/in/x")),
            "../../in/x"
        );
        assert_eq!(relative_path(Path::new("/a"), Path::new("/a")), ".");
        assert_eq!(relative_path(Path::new("/a"), Path::new("/a/b")), "b");
    }

    #[test]
    fn outputs_mirror_the_tree() {
        assert_eq!(
            output_path(Path::new("out"), Path::new("2020/07/a.html")),
            PathBuf::from("out/2020/07/a.md")
        );
        assert_eq!(
            output_path(Path::new("out"), Path::new("b.md")),
            PathBuf::from("out/b.md")
        );
    }
}
