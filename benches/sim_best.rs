//! The simulator's two workloads timed run by run, best and median of N: on a shared VM whose
//! neighbours come and go, criterion's mean moves by a factor of 2 between runs minutes apart,
//! while the best of many runs is what the code costs when nothing else is running.
//! Run: `cargo bench --bench sim_best [-- N] [--json FILE]` (N runs of each workload, default
//! 30; the figures also go to FILE as JSON, which `scripts/measure --bench` reads). glibc keeps
//! freed memory from the start (`common::keep_freed_memory`); each workload runs in its own
//! loop.

use std::hint::black_box;
use std::time::{Duration, Instant};
use synack::sim::workloads::{bulk, short_connections};

mod common;

fn main() {
    let kept = common::keep_freed_memory();
    // `cargo bench` passes `--bench`; the first number among the arguments is N.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs = args
        .iter()
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(30)
        .max(1);
    let json = args
        .iter()
        .position(|a| a == "--json")
        .and_then(|i| args.get(i + 1));
    println!(
        "{runs} runs each, glibc {}",
        if kept {
            "keeping freed memory"
        } else {
            "as it comes"
        }
    );
    let data = vec![7u8; 1 << 20];
    let results = [
        report("bulk 1 MiB", runs, || bulk(&data).unwrap_or(0)),
        report("10 000 short connections", runs, || {
            short_connections(10_000).unwrap_or(0)
        }),
    ];
    if let Some(path) = json {
        let body = results.join(",\n  ");
        let text = format!(
            "{{\"runs\": {runs}, \"memoryKept\": {kept}, \"workloads\": [\n  {body}\n]}}\n"
        );
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("sim_best: cannot write {path}: {e}");
            std::process::exit(1);
        }
    }
}

/// Time `runs` runs of `work` (which returns the segments it simulated) after one warm-up;
/// print the result and return it as a JSON object.
fn report(name: &str, runs: usize, work: impl Fn() -> usize) -> String {
    let segments = work();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(work());
            t.elapsed()
        })
        .collect();
    times.sort();
    let rate = |d: Duration| segments as f64 / d.as_secs_f64() / 1e6;
    let (best, median) = (times[0], times[runs / 2]);
    println!(
        "{name} ({segments} segments): best {best:.2?} ({:.2} M segments/s), median {median:.2?} ({:.2} M segments/s)",
        rate(best),
        rate(median)
    );
    format!(
        "{{\"name\": \"{name}\", \"segments\": {segments}, \"bestNs\": {}, \"medianNs\": {}}}",
        best.as_nanos(),
        median.as_nanos()
    )
}
