//! `tcp-vs-udp`: the same messages sent as UDP datagrams (no handshake, no acknowledgment, a
//! lost one simply missing) and over a TCP connection (handshake first, every byte
//! acknowledged, the lost segment retransmitted, all delivered in order).

use super::{
    link, pane, timeline_of, Metric, MetricKey, Pane, ParamSpec, Params, ScenarioError, Unit,
};
use super::{CLIENT_IP, SERVER_IP};
use crate::sim::{DropRule, Net, SockEvent};
use crate::tcp::{Config, TcpEvent};
use crate::time::{SimDuration, SimTime};
use crate::timeline::Role;
use std::net::SocketAddrV4;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec::int("messages", 1, 20, 5, Unit::Count),
    ParamSpec::int("size", 1, 1400, 120, Unit::Bytes),
    // Which message the network loses (1-based; 0: none).
    ParamSpec::int("lose", 0, 20, 2, Unit::Count),
    ParamSpec::int("interval", 0, 1000, 30, Unit::Ms),
    ParamSpec::int("latency", 1, 2000, 25, Unit::Ms),
];

const PORT: u16 = 9000;
const START: SimTime = SimTime::from_millis(10);

fn message(i: usize, size: usize) -> Vec<u8> {
    let head = format!("message {} ", i + 1);
    let mut m: Vec<u8> = head
        .bytes()
        .chain(std::iter::repeat(b'.'))
        .take(size)
        .collect();
    m.truncate(size);
    m
}

fn udp(p: &Params, seed: u64) -> Result<Pane, ScenarioError> {
    let mut net = Net::new(seed, link(p), Config::default());
    let c = net.add_host(CLIENT_IP);
    let s = net.add_host(SERVER_IP);
    let lose = p.get("lose") as u32;
    if lose > 0 {
        net.set_drops(vec![DropRule { from: c, nth: lose }]);
    }
    let server = net.udp_socket(s);
    net.bind_udp(server, PORT)?;
    let client = net.udp_socket(c);
    let n = p.get_u64("messages") as usize;
    let size = p.get_u64("size") as usize;
    let interval = SimDuration::from_millis(p.get_u64("interval"));
    for i in 0..n {
        net.wake_at(START + interval.saturating_mul(i as u64), i as u64);
    }
    let mut delivered = 0;
    while let Some(ns) = net.step() {
        for note in ns {
            match (note.socket, note.event) {
                (None, SockEvent::Wake(i)) => {
                    let msg = message(i as usize, size);
                    net.send_to(client, SocketAddrV4::new(SERVER_IP, PORT), &msg)?;
                }
                (Some(x), SockEvent::Datagram { .. }) if x == server => {
                    while net.recv_from(server)?.is_some() {
                        delivered += 1;
                    }
                }
                _ => {}
            }
        }
    }
    let tl = timeline_of(net, &[(c, Role::Client), (s, Role::Server)]);
    Ok(pane(
        "pane.udp",
        tl,
        vec![Metric::count(MetricKey::MessagesDelivered, delivered)],
    ))
}

fn tcp(p: &Params, seed: u64) -> Result<Pane, ScenarioError> {
    let mut net = Net::new(seed, link(p), Config::default());
    let c = net.add_host(CLIENT_IP);
    let s = net.add_host(SERVER_IP);
    let lose = p.get("lose") as u32;
    if lose > 0 {
        // The client's first two segments are its SYN and its ACK; data comes after.
        net.set_drops(vec![DropRule {
            from: c,
            nth: lose + 2,
        }]);
    }
    let l = net.socket(s);
    net.bind(l, PORT)?;
    net.listen(l, 4)?;
    net.run_until(START);
    let client = net.socket(c);
    net.connect(client, SocketAddrV4::new(SERVER_IP, PORT))?;
    let n = p.get_u64("messages") as usize;
    let size = p.get_u64("size") as usize;
    let interval = SimDuration::from_millis(p.get_u64("interval"));
    let mut server = None;
    let mut bytes = 0usize;
    while let Some(ns) = net.step() {
        for note in ns {
            match (note.socket, note.event) {
                (Some(x), SockEvent::Tcp(TcpEvent::Connected)) if x == client => {
                    for i in 0..n {
                        net.wake_at(note.at + interval.saturating_mul(i as u64), i as u64);
                    }
                }
                (None, SockEvent::Wake(i)) => net.send(client, &message(i as usize, size))?,
                (Some(x), SockEvent::Incoming) if x == l => server = net.accept(l)?,
                (Some(x), SockEvent::Tcp(TcpEvent::Data(_))) if Some(x) == server => {
                    bytes += net.recv(x)?.len();
                }
                _ => {}
            }
        }
    }
    let tl = timeline_of(net, &[(c, Role::Client), (s, Role::Server)]);
    Ok(pane(
        "pane.tcp",
        tl,
        vec![Metric::count(
            MetricKey::MessagesDelivered,
            bytes / size.max(1),
        )],
    ))
}

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    Ok(vec![udp(p, seed)?, tcp(p, seed)?])
}
