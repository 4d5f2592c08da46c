//! The benchmark workloads of `benches/core.rs`, run once each, for instruction counting:
//! `cargo test --profile bench --test sim_perf -- --ignored --nocapture`, or the test binary
//! under `valgrind --tool=callgrind` (instructions ÷ printed segments = cost per segment).
//! Ignored by default: a benchmark is not a timed test, and nothing here asserts a time.

use std::hint::black_box;
use synack::sim::workloads::{bulk, short_connections};

#[test]
#[ignore = "workload for instruction counting; run with --ignored"]
fn perf_bulk_1mib() {
    let data = vec![7u8; 1 << 20];
    println!("bulk segments: {}", black_box(bulk(&data).unwrap()));
}

#[test]
#[ignore = "workload for instruction counting; run with --ignored"]
fn perf_short_connections() {
    println!(
        "short segments: {}",
        black_box(short_connections(10_000).unwrap())
    );
}

/// Cost must grow linearly with the number of connections: 4× the connections, about 4× the
/// segments (a structural check, not a timing).
#[test]
fn short_connections_segments_scale_linearly() {
    let a = short_connections(100).unwrap();
    let b = short_connections(400).unwrap();
    assert_eq!(b, 4 * a);
}

/// The slider case for #4: http10-vs-11 with 100 resources and 5 % loss, all panes.
#[test]
#[ignore = "workload for instruction counting; run with --ignored"]
fn perf_rebuild_http10_vs_11_n100_loss5() {
    use synack::scenario::{build, Params, ScenarioId};
    let heavy = Params::parse(
        ScenarioId::Http10Vs11,
        &[("n".into(), "100".into()), ("loss".into(), "5".into())],
    )
    .unwrap();
    let panes = black_box(build(ScenarioId::Http10Vs11, &heavy, 1).unwrap());
    let packets: usize = panes.iter().map(|p| p.timeline.packets.len()).sum();
    println!("rebuild packets: {packets}");
}
