//! The whole regenerate pipeline (Markdown → IR → formatted Rust) at N = 10, 100 and 1,000 pages,
//! by stage, against a named baseline measured in the same run: the same pipeline on one thread.
//!
//! `cargo bench -p xtask --bench regen` (set `VOLCGEN_BENCH_SIZES=10,100` to choose sizes).

use std::time::{Duration, Instant};

use xtask::{bench_corpus, parser, regen};

/// `samples` timed runs of `f`, after one warm-up run, sorted.
fn timings(samples: usize, mut f: impl FnMut()) -> Vec<Duration> {
    f();
    let mut times: Vec<Duration> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

/// Median of `samples` runs of `f`, after one warm-up run.
fn median(samples: usize, f: impl FnMut()) -> Duration {
    let times = timings(samples, f);
    times[times.len() / 2]
}

/// The `q`-quantile of sorted timings.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn per_page(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1e6 / n as f64
}

/// Where the corpus's IR and code would go (only in headers and paths).
const IR: &str = "spec/ir/rtc";
const API: &str = "generated-client/rtc/src/api";

fn main() {
    let sizes: Vec<usize> = std::env::var("VOLCGEN_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10, 100, 1000]);
    // Benches run in the package's folder, inside the repository.
    let here = std::env::current_dir().expect("current folder");
    let root = regen::find_root(&here).unwrap_or_else(|e| panic!("{e}"));
    let seeds = bench_corpus::seeds(&root).expect("spec/docs");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("regen benchmark: {threads} threads; baseline = the same pipeline on 1 thread");
    println!(
        "{:>6}  {:>12} {:>12} {:>12} {:>12} {:>12}  {:>14} {:>14}  {:>8}  {:>14}",
        "pages",
        "parse µs/pg",
        "ir µs/pg",
        "code µs/pg",
        "total µs/pg",
        "p10–p90",
        "total (ms)",
        "1-thread (ms)",
        "speedup",
        "unchanged (ms)"
    );
    println!("(unchanged: regen of an unchanged corpus: nothing to write)");
    let mut totals = Vec::new();
    for &n in &sizes {
        let docs = bench_corpus::make_pages(&seeds, n);
        let samples = if n >= 1000 { 11 } else { 21 };
        let pages = regen::parse_all(&docs, &[]).expect("the corpus parses");
        let parse = median(samples, || {
            std::hint::black_box(regen::parse_all(&docs, &[]).unwrap());
        });
        let ir = median(samples, || {
            for p in &pages {
                std::hint::black_box(p.to_yaml());
            }
        });
        let code = median(samples, || {
            std::hint::black_box(codegen::generate(&pages, IR, API, "volcengine_rtc").unwrap());
        });
        let runs = timings(samples, || {
            let pages = regen::parse_all(&docs, &[]).unwrap();
            std::hint::black_box(regen::build_outputs(&pages, &[]).unwrap());
        });
        let total = quantile(&runs, 0.5);
        let spread = format!(
            "{:.0}–{:.0}",
            per_page(quantile(&runs, 0.1), n),
            per_page(quantile(&runs, 0.9), n)
        );
        let single = median(samples, || {
            let pages: Vec<_> = docs
                .iter()
                .map(|(p, t)| parser::parse_page(p, t).unwrap())
                .collect();
            let mut out: Vec<String> = pages.iter().map(|p| p.to_yaml()).collect();
            out.extend(
                codegen::generate_with_threads(&pages, IR, API, "volcengine_rtc", 1)
                    .unwrap()
                    .into_iter()
                    .map(|f| f.contents),
            );
            std::hint::black_box(out);
        });
        // The regen of an unchanged corpus: files on disk, nothing to write.
        let dir = std::env::temp_dir().join(format!("volcgen-bench-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        bench_corpus::write(&root, &dir, n).expect("write the corpus");
        regen::regen_corpus(&dir).expect("first regen");
        let unchanged = median(samples, || {
            std::hint::black_box(regen::regen_corpus(&dir).unwrap());
        });
        let _ = std::fs::remove_dir_all(&dir);
        println!(
            "{n:>6}  {:>12.1} {:>12.1} {:>12.1} {:>12.1} {:>12}  {:>14.2} {:>14.2}  {:>7.2}x  {:>14.2}",
            per_page(parse, n),
            per_page(ir, n),
            per_page(code, n),
            per_page(total, n),
            spread,
            total.as_secs_f64() * 1e3,
            single.as_secs_f64() * 1e3,
            single.as_secs_f64() / total.as_secs_f64(),
            unchanged.as_secs_f64() * 1e3
        );
        totals.push((n, total));
    }
    for pair in totals.windows(2) {
        let ((n0, t0), (n1, t1)) = (pair[0], pair[1]);
        println!(
            "growth {n0} → {n1} pages: {:.2}x time for {:.0}x pages",
            t1.as_secs_f64() / t0.as_secs_f64(),
            n1 as f64 / n0 as f64
        );
    }
}
