//! The benchmark workloads of `benches/core.rs`, run once each, for instruction counting:
//! `cargo test --profile bench --test sim_perf -- --ignored --nocapture`, or the test binary
//! under `valgrind --tool=callgrind` (instructions ÷ printed segments = cost per segment).
//! Ignored by default: a benchmark is not a timed test, and nothing here asserts a time.

use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddrV4};
use synack::sim::{LinkConfig, Net, SockEvent};
use synack::tcp::{Config, TcpEvent};
use synack::time::{SimDuration, SimTime};

const C: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const S: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

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

#[test]
#[ignore = "workload for instruction counting; run with --ignored"]
fn perf_bulk_1mib() {
    println!("bulk segments: {}", black_box(bulk(1 << 20)));
}

#[test]
#[ignore = "workload for instruction counting; run with --ignored"]
fn perf_short_connections() {
    println!("short segments: {}", black_box(short_connections(10_000)));
}

/// Cost must grow linearly with the number of connections: 4× the connections, about 4× the
/// segments (a structural check, not a timing).
#[test]
fn short_connections_segments_scale_linearly() {
    let a = short_connections(100);
    let b = short_connections(400);
    assert_eq!(b, 4 * a);
}
