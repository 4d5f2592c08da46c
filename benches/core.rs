//! Core speed: simulated segments per second for a bulk transfer and for 10 000 short
//! connections, timeline rebuild for the heaviest default scenario, and frame_at.
//! Run: `cargo bench --bench core`. Figures go to README's performance section.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddrV4};
use synack::scenario::{build, build_default, Params, ScenarioId};
use synack::sim::{LinkConfig, Net, SockEvent};
use synack::tcp::{Config, TcpEvent};
use synack::time::{SimDuration, SimTime};

const C: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const S: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

/// One connection moving `bytes` then closing; returns the number of segments simulated.
fn bulk(bytes: usize) -> usize {
    let link = LinkConfig {
        latency: SimDuration::from_millis(1),
        ..LinkConfig::default()
    };
    let mut net = Net::new(1, link, Config::default());
    let c = net.add_host(C);
    let s = net.add_host(S);
    let l = net.socket(s);
    net.bind(l, 80).unwrap();
    net.listen(l, 8).unwrap();
    let k = net.socket(c);
    net.connect(k, SocketAddrV4::new(S, 80)).unwrap();
    let data = vec![7u8; bytes];
    let mut server = None;
    let mut ns = Vec::new();
    while net.step_into(&mut ns) {
        for &n in &ns {
            match (n.socket, n.event) {
                (Some(x), SockEvent::Tcp(TcpEvent::Connected)) if x == k => {
                    net.send(k, &data).unwrap();
                    net.close(k).unwrap();
                }
                (Some(x), SockEvent::Incoming) if x == l => server = net.accept(l).unwrap(),
                (Some(x), SockEvent::Tcp(TcpEvent::Data(_))) if Some(x) == server => {
                    black_box(net.recv(x).unwrap());
                }
                (Some(x), SockEvent::Tcp(TcpEvent::PeerClosed)) if Some(x) == server => {
                    net.close(x).unwrap();
                }
                _ => {}
            }
        }
    }
    net.trace().packets.len()
}

/// `n` connections opened and closed one after another (each: 3 + 4 segments).
fn short_connections(n: usize) -> usize {
    let link = LinkConfig {
        latency: SimDuration::from_micros(100),
        ..LinkConfig::default()
    };
    let tcp = Config {
        msl: SimDuration::from_millis(1),
        ..Config::default()
    };
    let mut net = Net::new(1, link, tcp);
    let c = net.add_host(C);
    let s = net.add_host(S);
    let l = net.socket(s);
    net.bind(l, 80).unwrap();
    net.listen(l, 64).unwrap();
    for i in 0..n {
        net.wake_at(SimTime(i as u64 * 1_000), i as u64);
    }
    let mut ns = Vec::new();
    while net.step_into(&mut ns) {
        for &n in &ns {
            match (n.socket, n.event) {
                (None, SockEvent::Wake(_)) => {
                    let k = net.socket(c);
                    net.connect(k, SocketAddrV4::new(S, 80)).unwrap();
                }
                (Some(x), SockEvent::Incoming) if x == l => {
                    while let Some(a) = net.accept(l).unwrap() {
                        net.close(a).unwrap();
                    }
                }
                (Some(x), SockEvent::Tcp(TcpEvent::PeerClosed)) if x != l => {
                    let _ = net.close(x);
                }
                _ => {}
            }
        }
    }
    net.trace().packets.len()
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("sim");
    let segs = bulk(1 << 20);
    g.throughput(Throughput::Elements(segs as u64));
    g.bench_function("bulk_1MiB_segments", |b| {
        b.iter(|| black_box(bulk(1 << 20)))
    });
    let segs = short_connections(10_000);
    g.throughput(Throughput::Elements(segs as u64));
    g.sample_size(10);
    g.bench_function("10000_short_connections_segments", |b| {
        b.iter(|| black_box(short_connections(10_000)))
    });
    g.finish();

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

criterion_group!(core, benches);
criterion_main!(core);
