//! Core speed: simulated segments per second for a bulk transfer and for 10 000 short
//! connections, timeline rebuild for the heaviest default scenario, and frame_at.
//! Run: `cargo bench --bench core`. Figures go to README's performance section. The `sim`
//! group runs twice: `sim` with the allocator as it comes, `sim_memory_kept` with glibc keeping
//! freed memory (see `keep_freed_memory`).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use synack::scenario::{build, build_default, Params, ScenarioId};
use synack::sim::workloads::{bulk, short_connections};
use synack::time::SimTime;

mod common;
use common::keep_freed_memory;

/// The simulator benches, run twice: with glibc's defaults, then with freed memory kept.
fn sim_benches(c: &mut Criterion) {
    sim(c, "sim");
    if keep_freed_memory() {
        sim(c, "sim_memory_kept");
    }
}

fn sim(c: &mut Criterion, group: &str) {
    let mut g = c.benchmark_group(group);
    let data = vec![7u8; 1 << 20];
    let segs = bulk(&data).unwrap_or(0);
    g.throughput(Throughput::Elements(segs as u64));
    g.bench_function("bulk_1MiB_segments", |b| {
        b.iter(|| black_box(bulk(&data).unwrap_or(0)))
    });
    let segs = short_connections(10_000).unwrap_or(0);
    g.throughput(Throughput::Elements(segs as u64));
    g.sample_size(10);
    g.bench_function("10000_short_connections_segments", |b| {
        b.iter(|| black_box(short_connections(10_000).unwrap_or(0)))
    });
    g.finish();
}

fn timeline_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("timeline");
    g.bench_function("rebuild_http10_vs_11_defaults", |b| {
        b.iter(|| black_box(build_default(ScenarioId::Http10Vs11, 1).unwrap()))
    });
    // The slider case: 100 resources, 5 % loss, all three panes.
    let heavy = Params::parse(
        ScenarioId::Http10Vs11,
        &[("n".into(), "100".into()), ("loss".into(), "5".into())],
    )
    .unwrap();
    g.bench_function("rebuild_http10_vs_11_n100_loss5", |b| {
        b.iter(|| black_box(build(ScenarioId::Http10Vs11, &heavy, 1).unwrap()))
    });
    let panes = build_default(ScenarioId::PushVsPoll, 1).unwrap();
    let tl = &panes[0].timeline;
    g.bench_function("frame_at_push_vs_poll", |b| {
        b.iter_batched(
            || SimTime(tl.end.micros() / 2),
            |t| black_box(tl.frame_at(t)),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(core, timeline_benches, sim_benches);
criterion_main!(core);
