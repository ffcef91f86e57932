//! A small benchmark harness: warm-up, then many timed samples of a calibrated batch of
//! iterations; reports the median time per iteration and the spread (10th–90th percentile).
//! Contenders of one comparison are sampled alternately (in alternating order), so drift
//! (frequency scaling, a noisy neighbour) hits both alike.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Timing of one contender, per iteration.
#[derive(Debug, Clone)]
pub struct Stats {
    pub median: Duration,
    pub p10: Duration,
    pub p90: Duration,
    pub samples: usize,
    pub iterations: u64,
    /// Seconds per iteration of each sample, in the order taken.
    pub per_sample: Vec<f64>,
}

impl Stats {
    pub fn median_ns(&self) -> f64 {
        self.median.as_secs_f64() * 1e9
    }

    /// The median of `self / other` over samples taken side by side (contenders are sampled
    /// alternately), with its 10th and 90th percentiles: robust to drift that a ratio of
    /// medians is not.
    pub fn paired_ratio(&self, other: &Stats) -> (f64, f64, f64) {
        let mut ratios: Vec<f64> = self
            .per_sample
            .iter()
            .zip(&other.per_sample)
            .map(|(a, b)| a / b)
            .collect();
        ratios.sort_by(f64::total_cmp);
        let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
        (at(0.5), at(0.1), at(0.9))
    }
}

/// How long warm-up and sampling take.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub warm_up: Duration,
    pub sample_target: Duration,
    pub samples: usize,
}

impl Plan {
    /// Shorter when `BENCH_QUICK` is set (a smoke run, not for the numbers).
    pub fn from_env(samples: usize) -> Plan {
        if std::env::var_os("BENCH_QUICK").is_some() {
            Plan {
                warm_up: Duration::from_millis(50),
                sample_target: Duration::from_millis(2),
                samples: 10,
            }
        } else {
            Plan {
                warm_up: Duration::from_millis(500),
                sample_target: Duration::from_millis(10),
                samples,
            }
        }
    }
}

/// A named routine returning something to keep alive.
pub struct Contender<'a> {
    pub name: &'a str,
    pub routine: Box<dyn FnMut() + 'a>,
}

impl<'a> Contender<'a> {
    pub fn new<T>(name: &'a str, mut routine: impl FnMut() -> T + 'a) -> Self {
        Contender {
            name,
            routine: Box::new(move || {
                black_box(routine());
            }),
        }
    }
}

/// Measures every contender, interleaving their samples; prints and returns the stats.
pub fn compare(title: &str, plan: Plan, contenders: &mut [Contender<'_>]) -> Vec<Stats> {
    // Warm-up and calibration: iterations per sample so one sample lasts `sample_target`.
    let mut batch = Vec::with_capacity(contenders.len());
    for contender in contenders.iter_mut() {
        let started = Instant::now();
        let mut runs: u64 = 0;
        while started.elapsed() < plan.warm_up || runs < 3 {
            (contender.routine)();
            runs += 1;
        }
        let per_run = started.elapsed().as_secs_f64() / runs as f64;
        let iterations = (plan.sample_target.as_secs_f64() / per_run).ceil().max(1.0) as u64;
        batch.push(iterations);
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(plan.samples); contenders.len()];
    let count = contenders.len();
    for sample in 0..plan.samples {
        // Alternate the order, so no contender always runs right after the same other one.
        for position in 0..count {
            let index = if sample % 2 == 0 {
                position
            } else {
                count - 1 - position
            };
            let contender = &mut contenders[index];
            let started = Instant::now();
            for _ in 0..batch[index] {
                (contender.routine)();
            }
            times[index].push(started.elapsed().as_secs_f64() / batch[index] as f64);
        }
    }
    println!("\n{title}");
    let mut all = Vec::with_capacity(contenders.len());
    for (index, contender) in contenders.iter().enumerate() {
        let per_sample = times[index].clone();
        let samples = &mut times[index];
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let position = ((samples.len() - 1) as f64 * q).round() as usize;
            Duration::from_secs_f64(samples[position])
        };
        let stats = Stats {
            median: at(0.5),
            p10: at(0.1),
            p90: at(0.9),
            samples: samples.len(),
            iterations: batch[index],
            per_sample,
        };
        println!(
            "  {:<52} median {:>12}   p10 {:>12}   p90 {:>12}   ({} samples × {} iterations)",
            contender.name,
            show(stats.median),
            show(stats.p10),
            show(stats.p90),
            stats.samples,
            stats.iterations
        );
        all.push(stats);
    }
    all
}

/// A duration with a unit that suits it.
pub fn show(duration: Duration) -> String {
    let ns = duration.as_secs_f64() * 1e9;
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.3} ms", ns / 1e6)
    }
}

/// Prints a verdict line: `PASS`/`FAIL` with the measured ratio.
pub fn verdict(claim: &str, holds: bool, detail: String) -> bool {
    println!(
        "  [{}] {claim}: {detail}",
        if holds { "PASS" } else { "FAIL" }
    );
    holds
}
