//! Property tests over many seeds and lossy links (up to 30 % loss, jitter that reorders):
//! every byte the application sent is delivered exactly once and in order, both ends finish in
//! CLOSED or TIME-WAIT (or the application was told the connection failed), and nobody's
//! acknowledgment number ever goes backwards.

use proptest::prelude::*;
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddrV4};
use synack::sim::{LinkConfig, Net, SockEvent};
use synack::tcp::{Config, SeqNum, State, TcpEvent};
use synack::time::{SimDuration, SimTime};

const C: Ipv4Addr = Ipv4Addr::new(10, 1, 0, 1);
const S: Ipv4Addr = Ipv4Addr::new(10, 1, 0, 2);

struct Outcome {
    delivered: Vec<u8>,
    client_state: State,
    server_state: Option<State>,
    client_failed: bool,
    server_failed: bool,
    net: Net,
}

fn transfer(seed: u64, loss_ppm: u32, jitter_ms: u64, data: &[u8], mss: u16) -> Outcome {
    let link = LinkConfig {
        latency: SimDuration::from_millis(20),
        jitter: SimDuration::from_millis(jitter_ms),
        loss_ppm,
        ..LinkConfig::default()
    };
    let tcp = Config {
        mss,
        max_retries: 12,
        syn_retries: 12,
        ..Config::default()
    };
    let mut net = Net::new(seed, link, tcp);
    let ch = net.add_host(C);
    let sh = net.add_host(S);
    let l = net.socket(sh);
    net.bind(l, 80).unwrap();
    net.listen(l, 4).unwrap();
    let client = net.socket(ch);
    net.connect(client, SocketAddrV4::new(S, 80)).unwrap();
    let mut server = None;
    let mut delivered = Vec::new();
    let (mut client_failed, mut server_failed) = (false, false);
    let limit = SimTime::from_millis(3_600_000);
    while net.next_event_at().is_some_and(|t| t < limit) {
        let Some(ns) = net.step() else { break };
        for n in ns {
            match (n.socket, n.event) {
                (Some(s), SockEvent::Tcp(TcpEvent::Connected)) if s == client => {
                    net.send(client, data).unwrap();
                    net.close(client).unwrap();
                }
                (Some(s), SockEvent::Incoming) if s == l => {
                    if let Some(a) = net.accept(l).unwrap() {
                        server = Some(a);
                        delivered.extend(net.recv(a).unwrap());
                    }
                }
                (Some(s), SockEvent::Tcp(TcpEvent::Data(_))) if Some(s) == server => {
                    delivered.extend(net.recv(s).unwrap());
                }
                (Some(s), SockEvent::Tcp(TcpEvent::PeerClosed)) if Some(s) == server => {
                    delivered.extend(net.recv(s).unwrap());
                    net.close(s).unwrap();
                }
                (Some(s), SockEvent::Tcp(TcpEvent::TimedOut | TcpEvent::Reset)) => {
                    if s == client {
                        client_failed = true;
                    } else {
                        server_failed = true;
                    }
                }
                _ => {}
            }
        }
    }
    Outcome {
        delivered,
        client_state: net.state(client).unwrap(),
        server_state: server.and_then(|s| net.state(s)),
        client_failed,
        server_failed,
        net,
    }
}

fn finished(s: State) -> bool {
    matches!(s, State::Closed | State::TimeWait)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn every_byte_arrives_once_in_order(
        seed in any::<u64>(),
        loss in 0u32..=300_000,
        jitter in 0u64..=15,
        len in 0usize..6_000,
        mss in prop_oneof![Just(536u16), Just(1460u16), 100u16..1000],
    ) {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let o = transfer(seed, loss, jitter, &data, mss);
        if o.client_failed || o.server_failed {
            // A failed connection may lose the tail, never reorder or repeat.
            prop_assert!(data.starts_with(&o.delivered));
        } else {
            prop_assert_eq!(&o.delivered, &data);
            prop_assert!(finished(o.client_state), "client ended in {}", o.client_state);
            prop_assert!(o.server_state.is_none_or(finished), "server ended in {:?}", o.server_state);
        }
        // Each sender's ACK numbers never go backwards.
        let mut last: HashMap<SocketAddrV4, SeqNum> = HashMap::new();
        for p in &o.net.trace().packets {
            if !p.segment.flags.ack() || p.segment.flags.rst() {
                continue;
            }
            if let Some(prev) = last.get(&p.src) {
                prop_assert!(p.segment.ack >= *prev, "{} acked {} after {}", p.src, p.segment.ack, prev);
            }
            last.insert(p.src, p.segment.ack);
        }
    }

    #[test]
    fn same_seed_same_trace(seed in any::<u64>(), loss in 0u32..=300_000) {
        let a = transfer(seed, loss, 5, b"determinism", 536);
        let b = transfer(seed, loss, 5, b"determinism", 536);
        prop_assert_eq!(a.net.trace(), b.net.trace());
    }
}

#[test]
fn lossless_transfer_ends_with_client_in_time_wait() {
    let data = vec![42u8; 10_000];
    let o = transfer(1, 0, 0, &data, 1460);
    assert_eq!(o.delivered, data);
    // The client closed first: it passes through TIME-WAIT and, after 2·MSL, CLOSED.
    let states: Vec<State> = o
        .net
        .trace()
        .states
        .iter()
        .filter(|r| r.socket.0 == 1)
        .map(|r| r.transition.to)
        .collect();
    assert_eq!(
        states,
        [
            State::SynSent,
            State::Established,
            State::FinWait1,
            State::FinWait2,
            State::TimeWait,
            State::Closed
        ]
    );
    assert_eq!(o.server_state, Some(State::Closed));
}

#[test]
fn heavy_loss_really_loses_and_repairs() {
    let data: Vec<u8> = (0..5_000u32).map(|i| i as u8).collect();
    let o = transfer(3, 300_000, 5, &data, 536);
    let lost = o
        .net
        .trace()
        .packets
        .iter()
        .filter(|p| p.arrives_at().is_none())
        .count();
    assert!(lost >= 5, "only {lost} packets lost at 30 %");
    assert_eq!(o.delivered, data);
}
