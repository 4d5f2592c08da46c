//! The simulator's benchmark workloads, shared by `benches/core.rs` (criterion) and
//! `tests/sim_perf.rs` (instruction counting under callgrind), so both measure the same thing.

use super::{LinkConfig, Net, SimError, SockEvent};
use crate::tcp::{Config, TcpEvent};
use crate::time::{SimDuration, SimTime};
use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddrV4};

const C: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const S: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

/// One connection moving `data` and closing; returns the segments simulated. The caller makes
/// the data once: filling a megabyte is the application's work, not the simulator's. The
/// server reads in place ([`Net::recv_with`]) and only counts what it got.
pub fn bulk(data: &[u8]) -> Result<usize, SimError> {
    Ok(bulk_net(data, Read::InPlace)?.0.trace().packets.len())
}

/// How the bulk workload's server reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// [`Net::recv_into`] a buffer it reuses: one copy.
    Copy,
    /// [`Net::recv_with`]: no copy.
    InPlace,
}

/// [`bulk`], returning the network after the run and the bytes the server read.
pub fn bulk_net(data: &[u8], how: Read) -> Result<(Net, usize), SimError> {
    let link = LinkConfig {
        latency: SimDuration::from_millis(1),
        ..LinkConfig::default()
    };
    let mut net = Net::new(1, link, Config::default());
    let c = net.add_host(C);
    let s = net.add_host(S);
    let l = net.socket(s);
    net.bind(l, 80)?;
    net.listen(l, 8)?;
    let k = net.socket(c);
    net.connect(k, SocketAddrV4::new(S, 80))?;
    let mut server = None;
    let mut ns = Vec::new();
    let mut read = Vec::new();
    let mut total = 0;
    while net.step_into(&mut ns) {
        for &n in &ns {
            match (n.socket, n.event) {
                (Some(x), SockEvent::Tcp(TcpEvent::Connected)) if x == k => {
                    net.send(k, data)?;
                    net.close(k)?;
                }
                (Some(x), SockEvent::Incoming) if x == l => server = net.accept(l)?,
                (Some(x), SockEvent::Tcp(TcpEvent::Data(_))) if Some(x) == server => {
                    total += match how {
                        Read::Copy => {
                            read.clear();
                            net.recv_into(x, &mut read)?
                        }
                        Read::InPlace => net.recv_with(x, |b| black_box(b).len())?,
                    };
                }
                (Some(x), SockEvent::Tcp(TcpEvent::PeerClosed)) if Some(x) == server => {
                    net.close(x)?;
                }
                _ => {}
            }
        }
    }
    Ok((net, total))
}

/// `n` connections opened and closed one after another (7 segments each); returns the
/// segments simulated.
pub fn short_connections(n: usize) -> Result<usize, SimError> {
    Ok(short_connections_net(n)?.trace().packets.len())
}

/// [`short_connections`], returning the network after the run.
pub fn short_connections_net(n: usize) -> Result<Net, SimError> {
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
    net.bind(l, 80)?;
    net.listen(l, 64)?;
    for i in 0..n {
        net.wake_at(SimTime(i as u64 * 1_000), i as u64);
    }
    let mut ns = Vec::new();
    while net.step_into(&mut ns) {
        for &n in &ns {
            match (n.socket, n.event) {
                (None, SockEvent::Wake(_)) => {
                    let k = net.socket(c);
                    net.connect(k, SocketAddrV4::new(S, 80))?;
                }
                (Some(x), SockEvent::Incoming) if x == l => {
                    while let Some(a) = net.accept(l)? {
                        net.close(a)?;
                    }
                }
                (Some(x), SockEvent::Tcp(TcpEvent::PeerClosed)) if x != l => {
                    let _ = net.close(x);
                }
                _ => {}
            }
        }
    }
    Ok(net)
}
