//! A mutation fuzzer that runs on stable Rust (cargo-fuzz needs nightly).
//!
//! ```sh
//! cargo run --release --example fuzz -- --seconds 600          # or --iterations 10000000
//! cargo run --release --example fuzz -- --iterations 100000 --seed 7 --jobs 2
//! ```
//!
//! It mutates the fixture pages (byte flips, truncation, tags, entities, deep nesting,
//! spliced chunks, header damage) and checks every conversion: no panic, no hang, and when it
//! succeeds, front matter that parses as a YAML mapping (none only when the page has no
//! metadata at all), no raw HTML in the body, no U+FFFD
//! the input did not have, one newline at the end. Inputs that break a property are saved in
//! `fixtures/crashes/`, where `tests/crashes.rs` keeps them as regression tests.

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use html5ever::tendril::TendrilSink;
use pulldown_cmark::{Event, Options, Parser};
use rayon::prelude::*;

/// A conversion slower than this is a hang.
const TIME_LIMIT: Duration = Duration::from_secs(3);

struct Args {
    iterations: Option<u64>,
    seconds: Option<u64>,
    seed: u64,
    jobs: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        iterations: None,
        seconds: None,
        seed: 1,
        jobs: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or_else(|| format!("{flag} needs a number"))
        };
        match flag.as_str() {
            "--iterations" => args.iterations = Some(value()?),
            "--seconds" => args.seconds = Some(value()?),
            "--seed" => args.seed = value()?,
            "--jobs" => args.jobs = Some(value()? as usize),
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if args.iterations.is_none() && args.seconds.is_none() {
        args.iterations = Some(100_000);
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(err) => {
            eprintln!("fuzz: {err}");
            eprintln!("usage: fuzz [--iterations N] [--seconds S] [--seed X] [--jobs J]");
            std::process::exit(2);
        }
    };
    let seeds = seeds();
    eprintln!("fuzz: {} seed inputs", seeds.len());
    // Panics are caught and recorded; the default hook would print each one.
    panic::set_hook(Box::new(|_| {}));

    let start = Instant::now();
    let deadline = args.seconds.map(|s| start + Duration::from_secs(s));
    let executions = AtomicU64::new(0);
    let failures = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let workers = args.jobs.unwrap_or_else(rayon::current_num_threads).max(1);
    let per_worker = args.iterations.map(|n| n.div_ceil(workers as u64));

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("thread pool");
    pool.install(|| {
        (0..workers).into_par_iter().for_each(|worker| {
            let mut rng = Rng::new(args.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ worker as u64);
            let mut done = 0u64;
            while !stop.load(Ordering::Relaxed) {
                if per_worker.is_some_and(|n| done >= n) {
                    break;
                }
                if done.is_multiple_of(256) && deadline.is_some_and(|d| Instant::now() >= d) {
                    break;
                }
                let input = mutate(&mut rng, &seeds);
                if let Err(reason) = check(&input) {
                    failures.fetch_add(1, Ordering::Relaxed);
                    let path = save_crash(&input, &reason);
                    eprintln!("fuzz: FAILURE ({reason}) saved to {}", path.display());
                }
                done += 1;
                let total = executions.fetch_add(1, Ordering::Relaxed) + 1;
                if total.is_multiple_of(1_000_000) {
                    let secs = start.elapsed().as_secs_f64();
                    eprintln!("fuzz: {total} executions, {:.0}/s", total as f64 / secs);
                }
            }
        });
    });
    let total = executions.load(Ordering::Relaxed);
    let failed = failures.load(Ordering::Relaxed);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "fuzz: {total} executions in {secs:.1} s ({:.0}/s) on {workers} threads, {failed} failures",
        total as f64 / secs
    );
    if failed > 0 {
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------- the properties

fn check(input: &[u8]) -> Result<(), String> {
    let start = Instant::now();
    let result = panic::catch_unwind(|| cdt2md::convert(input, &cdt2md::Options::default()));
    let took = start.elapsed();
    let converted = match result {
        Err(payload) => return Err(format!("panic: {}", panic_message(&payload))),
        Ok(Err(_)) => return within(took),
        Ok(Ok(converted)) => converted,
    };
    within(took)?;
    let markdown = &converted.markdown;
    if !markdown.ends_with('\n') || markdown.ends_with("\n\n") {
        return Err("output does not end with exactly one newline".into());
    }
    // a page with nothing to say of itself is written without front matter, and only then
    let body = match markdown.strip_prefix("---\n") {
        None if converted.metadata.is_empty() => markdown.as_str(),
        None => return Err("no front matter, though the page has metadata".into()),
        Some(rest) => {
            let Some(end) = rest.find("\n---\n") else {
                return Err("front matter not closed".into());
            };
            let (yaml, body) = (&rest[..end + 1], &rest[end + 5..]);
            match serde_yaml::from_str::<serde_yaml::Value>(yaml) {
                Ok(serde_yaml::Value::Mapping(_)) => {}
                Ok(other) => return Err(format!("front matter is not a mapping: {other:?}")),
                Err(err) => return Err(format!("front matter does not parse: {err}")),
            }
            body
        }
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(body, options) {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            return Err(format!("raw HTML in the body: {html:?}"));
        }
    }
    if markdown.contains('\u{fffd}') && !input_has_replacement(input) {
        return Err("U+FFFD the input did not have".into());
    }
    Ok(())
}

fn within(took: Duration) -> Result<(), String> {
    if took > TIME_LIMIT {
        Err(format!("took {took:?}"))
    } else {
        Ok(())
    }
}

/// Whether the input holds U+FFFD, or something the HTML parser turns into it (`&#0;`, a
/// surrogate reference, a NUL): read back with the same parser, text and attributes.
fn input_has_replacement(input: &[u8]) -> bool {
    let text = String::from_utf8_lossy(input);
    if text.contains('\u{fffd}') || input.contains(&0) {
        return true;
    }
    // the HTML the converter parses: below the header, nesting bounded
    let Some(html) = cdt2md::parsed_html(input) else {
        return false;
    };
    // parsed as the converter does: scripting off, so `<noscript>` holds markup
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let dom =
        html5ever::parse_document(markup5ever_rcdom::RcDom::default(), opts).one(html.as_str());
    let mut stack = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        let found = match &node.data {
            markup5ever_rcdom::NodeData::Text { contents } => {
                contents.borrow().contains('\u{fffd}')
            }
            markup5ever_rcdom::NodeData::Element { attrs, .. } => {
                attrs.borrow().iter().any(|a| a.value.contains('\u{fffd}'))
            }
            _ => false,
        };
        if found {
            return true;
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    false
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into())
}

fn save_crash(input: &[u8], reason: &str) -> PathBuf {
    let dir = Path::new("fixtures/crashes");
    let _ = fs::create_dir_all(dir);
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let path = dir.join(format!("{hash:016x}.html"));
    let _ = fs::write(&path, input);
    let _ = fs::write(path.with_extension("why"), reason);
    path
}

// ---------------------------------------------------------------- the inputs

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for dir in ["fixtures/pages", "fixtures/encodings", "fixtures/crashes"] {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if path
                .extension()
                .is_some_and(|e| e == "html" || e == "htm" || e == "txt")
                && let Ok(bytes) = fs::read(&path)
            {
                seeds.push(bytes);
            }
        }
    }
    // Small windows of the pages mutate faster and reach the same code.
    let windows: Vec<Vec<u8>> = seeds
        .iter()
        .flat_map(|page| page.chunks(1500).map(<[u8]>::to_vec).collect::<Vec<_>>())
        .collect();
    seeds.extend(windows);
    seeds.extend(SNIPPETS.iter().map(|s| s.as_bytes().to_vec()));
    seeds
}

const SNIPPETS: [&str; 8] = [
    "<p><strong>标题：</strong>Tiktok<em>“强调”</em>文字</p>",
    "<ul><li>a<ul><li>b</li></ul></li></ul><ol start=5><li>c</li></ol>",
    "<table><tr><td rowspan=2>a</td><td>b|c</td></tr><tr><td>d</td></tr></table>",
    "<pre><code>```\nx\n```</code></pre><p>`a` b</p>",
    "<blockquote><blockquote><p>q</p></blockquote></blockquote><hr><h2>h #</h2>",
    "<p><a href=\"/x (1)\" title='t\"'>l</a><img src=\"data:image/svg+xml,x\" data-lazy-src=\"i.\"></p>",
    "<!--1736909970000-->\n[a](b)\n------\n\n<p>x</p>",
    "[t](https://x.net/)\n------\n日期：Thu, 02 Jul 2020 18:28:24 +0000\n\n<p>y</p>",
];

const TAGS: [&str; 40] = [
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<strong>",
    "</strong>",
    "<b>",
    "</b>",
    "<em>",
    "</em>",
    "<i>",
    "<del>",
    "</del>",
    "<a href=\"https://x.org/a(b)\">",
    "</a>",
    "<a href=\"javascript:x\">",
    "<ul>",
    "<ol>",
    "<li>",
    "</li>",
    "<blockquote>",
    "</blockquote>",
    "<table>",
    "<tr>",
    "<td>",
    "<th>",
    "</table>",
    "<pre>",
    "</pre>",
    "<code>",
    "</code>",
    "<br>",
    "<hr>",
    "<h2>",
    "</h2>",
    "<img src=\"x.png\" alt=\"]\">",
    "<script>",
    "</script>",
    "<!--",
    "<noscript>",
];

const PIECES: [&str; 24] = [
    "&amp;", "&lt;", "&#0;", "&#xD800;", "&nbsp;", "&#8220;", "*", "**", "_", "`", "~~", "[", "]",
    "(", ")", "\\", "#", "1. ", "- ", "> ", "|", "：", "“", "\n",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(4) {
        let len = data.len();
        let at = rng.below(len + 1);
        match rng.below(10) {
            0 => {
                if len > 0 {
                    let i = rng.below(len);
                    data[i] ^= 1 << rng.below(8);
                }
            }
            1 => data.truncate(at),
            2 => {
                let end = (at + rng.below(64)).min(len);
                data.drain(at..end);
            }
            3 | 4 => {
                let tag = TAGS[rng.below(TAGS.len())];
                data.splice(at..at, tag.bytes());
            }
            5 => {
                let piece = PIECES[rng.below(PIECES.len())];
                data.splice(at..at, piece.bytes());
            }
            6 => {
                let tag = TAGS[rng.below(TAGS.len())];
                let times = 1 + rng.below(3000);
                data.splice(at..at, tag.repeat(times).into_bytes());
            }
            7 => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let to = (from + rng.below(512)).min(other.len());
                    data.splice(at..at, other[from..to].iter().copied());
                }
            }
            8 => {
                let byte = [0u8, 0xFF, 0xC3, 0xE4, 0x80, b'<', b'>', b'"', b'\r'][rng.below(9)];
                data.insert(at, byte);
            }
            _ => {
                if len > 0 {
                    let from = rng.below(len);
                    let to = (from + rng.below(256)).min(len);
                    let chunk = data[from..to].to_vec();
                    data.splice(at..at, chunk);
                }
            }
        }
    }
    data
}

/// xorshift64*: small, fast, and reproducible from `--seed`.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}
