//! Throughput over the bundled fixture pages, in MB/s of input:
//!
//! 1. `parse`: html5ever → markup5ever_rcdom of the pages' HTML bodies, nothing else: the
//!    floor this design cannot beat;
//! 2. `convert`: cdt2md's whole conversion of the same pages (header, card, clean, Markdown,
//!    YAML);
//! 3. `htmd`: the htmd crate converting the same bodies (a fast general converter, which does
//!    none of the CDT-specific work).
//!
//! After criterion's measurements, the three are timed again interleaved, round after round,
//! and the ratios convert/parse and convert/htmd printed: machines here are noisy, and only
//! ratios from one run mean anything.
//!
//! All three run on the system allocator, as the command line does (see `src/main.rs`).
//!
//! `cargo bench` runs all; `cargo bench -- ratios` prints only the ratios.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use html5ever::tendril::TendrilSink;

struct Corpus {
    pages: Vec<Vec<u8>>,
    bodies: Vec<String>,
    bytes: u64,
}

fn corpus() -> Corpus {
    let mut paths: Vec<_> = std::fs::read_dir("fixtures/pages")
        .expect("fixtures/pages")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let pages: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).expect("page"))
        .collect();
    let bodies = pages
        .iter()
        .map(|p| cdt2md::parsed_html(p).expect("decodes"))
        .collect();
    let bytes = pages.iter().map(|p| p.len() as u64).sum();
    Corpus {
        pages,
        bodies,
        bytes,
    }
}

fn parse(corpus: &Corpus) {
    for body in &corpus.bodies {
        let dom =
            html5ever::parse_document(markup5ever_rcdom::RcDom::default(), Default::default())
                .one(body.as_str());
        black_box(dom);
    }
}

fn convert(corpus: &Corpus) {
    let options = cdt2md::Options::default();
    for page in &corpus.pages {
        black_box(cdt2md::convert(page, &options).expect("converts"));
    }
}

fn htmd(corpus: &Corpus) {
    for body in &corpus.bodies {
        black_box(htmd::convert(body).expect("htmd converts"));
    }
}

fn criterion_benches(c: &mut Criterion, corpus: &Corpus) {
    let mut group = c.benchmark_group("fixtures");
    group.throughput(Throughput::Bytes(corpus.bytes));
    group.bench_function("parse", |b| b.iter(|| parse(corpus)));
    group.bench_function("convert", |b| b.iter(|| convert(corpus)));
    group.bench_function("htmd", |b| b.iter(|| htmd(corpus)));
    group.finish();
}

/// The three, interleaved, each round timing each once over the whole corpus; medians.
fn ratios(corpus: &Corpus, rounds: usize) {
    let mut times: [Vec<Duration>; 3] = Default::default();
    let runs: [fn(&Corpus); 3] = [parse, convert, htmd];
    for _ in 0..rounds {
        for (run, time) in runs.iter().zip(times.iter_mut()) {
            let start = Instant::now();
            for _ in 0..5 {
                run(corpus);
            }
            time.push(start.elapsed() / 5);
        }
    }
    let mb_per_s: Vec<f64> = times
        .iter_mut()
        .map(|t| {
            t.sort();
            corpus.bytes as f64 / 1e6 / t[t.len() / 2].as_secs_f64()
        })
        .collect();
    println!();
    println!(
        "in-process throughput over {} fixture pages ({:.2} MB), medians of {rounds} interleaved rounds:",
        corpus.pages.len(),
        corpus.bytes as f64 / 1e6
    );
    println!(
        "  (1) bare parse (html5ever -> rcdom)  {:7.1} MB/s",
        mb_per_s[0]
    );
    println!(
        "  (2) cdt2md full conversion           {:7.1} MB/s",
        mb_per_s[1]
    );
    println!(
        "  (3) htmd on the same bodies          {:7.1} MB/s",
        mb_per_s[2]
    );
    println!(
        "  ratio (2)/(1) = {:.2}   (goal >= 0.80)",
        mb_per_s[1] / mb_per_s[0]
    );
    println!(
        "  ratio (2)/(3) = {:.2}   (goal >= 1.20)",
        mb_per_s[1] / mb_per_s[2]
    );
}

fn main() {
    let corpus = corpus();
    let only_ratios = std::env::args().any(|a| a == "ratios");
    if !only_ratios {
        let mut criterion = Criterion::default().configure_from_args();
        criterion_benches(&mut criterion, &corpus);
        criterion.final_summary();
    }
    ratios(&corpus, 15);
}
