//! A firewall that forgets idle connections, with real TCP on both sides: the seed's reason for
//! heartbeats. Without traffic the next segment after the idle gap is dropped (or reset); with
//! keep-alive probes more often than the timeout the connection survives.

use std::net::{Ipv4Addr, SocketAddrV4};
use synack::sim::{
    DropCause, LinkConfig, MiddleboxConfig, MiddleboxEvent, Net, OnUnknown, SockEvent, SocketId,
};
use synack::tcp::{Config, KeepAlive, State, TcpEvent};
use synack::time::{SimDuration, SimTime};

const CLIENT: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const SERVER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
const FIREWALL: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 254);

struct Run {
    net: Net,
    client: SocketId,
    server_got: Vec<u8>,
    client_events: Vec<TcpEvent>,
}

/// Connect at 0, send "hello" at 1 s, send "again" at `second_send`, run until `until`.
fn run(on_unknown: OnUnknown, keepalive: Option<KeepAlive>, second_send: u64, until: u64) -> Run {
    let tcp = Config {
        keepalive,
        ..Config::default()
    };
    let mut net = Net::new(7, LinkConfig::default(), tcp);
    let c = net.add_host(CLIENT);
    let s = net.add_host(SERVER);
    net.add_middlebox(MiddleboxConfig {
        ip: FIREWALL,
        idle_timeout: SimDuration::from_secs(30),
        on_unknown,
    });
    let l = net.socket(s);
    net.bind(l, 80).unwrap();
    net.listen(l, 8).unwrap();
    let client = net.socket(c);
    net.connect(client, SocketAddrV4::new(SERVER, 80)).unwrap();
    net.wake_at(SimTime::from_millis(1_000), 1);
    net.wake_at(SimTime::from_millis(second_send), 2);
    let mut r = Run {
        net,
        client,
        server_got: Vec::new(),
        client_events: Vec::new(),
    };
    let mut conns = Vec::new();
    while r
        .net
        .next_event_at()
        .is_some_and(|t| t < SimTime::from_millis(until))
    {
        let Some(ns) = r.net.step() else { break };
        for n in ns {
            match (n.socket, n.event) {
                (None, SockEvent::Wake(1)) => r.net.send(client, b"hello").unwrap(),
                (None, SockEvent::Wake(2)) => {
                    // The connection may already be gone (reset); that is what we observe.
                    let _ = r.net.send(client, b"again");
                }
                (Some(sock), SockEvent::Incoming) if sock == l => {
                    while let Some(a) = r.net.accept(l).unwrap() {
                        conns.push(a);
                    }
                }
                (Some(sock), SockEvent::Tcp(TcpEvent::Data(_))) if conns.contains(&sock) => {
                    let got = r.net.recv(sock).unwrap();
                    r.server_got.extend(got);
                }
                (Some(sock), SockEvent::Tcp(e)) if sock == client => r.client_events.push(e),
                _ => {}
            }
        }
    }
    r
}

fn expired_at(net: &Net) -> Vec<SimTime> {
    net.trace()
        .middlebox
        .iter()
        .filter(|m| m.event == MiddleboxEvent::Expired)
        .map(|m| m.at)
        .collect()
}

#[test]
fn idle_connection_is_forgotten_and_the_next_segment_dropped() {
    let r = run(OnUnknown::Drop, None, 45_000, 600_000);
    // Last traffic: the ACK of "hello" passes the firewall at ≈ 1.0375 s; 30 s later it forgets.
    let exp = expired_at(&r.net);
    assert_eq!(exp.len(), 1, "{exp:?}");
    assert!(exp[0] > SimTime::from_millis(31_000) && exp[0] < SimTime::from_millis(31_100));
    assert_eq!(r.server_got, b"hello", "the second message must not arrive");
    let dropped: Vec<_> = r
        .net
        .trace()
        .packets
        .iter()
        .filter(|p| p.dropped_by == Some(DropCause::Middlebox))
        .collect();
    // The data and every retransmission of it die at the firewall.
    assert!(dropped.len() >= 3, "{}", dropped.len());
    assert!(dropped.iter().all(|p| *p.segment.payload == *b"again"));
    // The client never hears back: it gives up after its retransmissions.
    assert_eq!(r.client_events.last(), Some(&TcpEvent::TimedOut));
    assert_eq!(r.net.state(r.client), Some(State::Closed));
}

#[test]
fn a_resetting_firewall_tells_the_sender_at_once() {
    let r = run(OnUnknown::Reset, None, 45_000, 120_000);
    assert_eq!(r.server_got, b"hello");
    assert!(
        r.client_events.contains(&TcpEvent::Reset),
        "{:?}",
        r.client_events
    );
    assert_eq!(r.net.state(r.client), Some(State::Closed));
    // Exactly one data segment went out after the gap: the RST came back before any RTO.
    let again = r
        .net
        .trace()
        .packets
        .iter()
        .filter(|p| *p.segment.payload == *b"again")
        .count();
    assert_eq!(again, 1);
}

#[test]
fn keepalive_probes_more_often_than_the_timeout_keep_it_alive() {
    let ka = KeepAlive {
        idle: SimDuration::from_secs(20),
        interval: SimDuration::from_secs(5),
        count: 3,
    };
    let r = run(OnUnknown::Drop, Some(ka), 45_000, 50_000);
    assert!(expired_at(&r.net).is_empty());
    assert_eq!(r.server_got, b"helloagain");
    assert_eq!(r.net.state(r.client), Some(State::Established));
    // Probes carry SEG.SEQ = SND.NXT - 1 and no data (RFC 9293 §3.8.4).
    let probes = r
        .net
        .trace()
        .packets
        .iter()
        .filter(|p| {
            p.sent_at > SimTime::from_millis(20_000) && p.sent_at < SimTime::from_millis(45_000)
        })
        .filter(|p| p.segment.payload.is_empty() && *p.src.ip() == CLIENT)
        .count();
    assert!(probes >= 1);
}
