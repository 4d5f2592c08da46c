//! `loss`: what TCP does when segments vanish — a lost data segment repaired after the
//! retransmission timeout (RFC 6298), a lost SYN retried, and a lost segment in a burst
//! repaired early by fast retransmit on the third duplicate ACK (RFC 5681).

use super::{
    established_pair, pane, timeline_of, Pane, ParamSpec, Params, ScenarioError, Unit, CLIENT_IP,
    SERVER_IP,
};
use crate::sim::{DropRule, LinkConfig, Net, SockEvent};
use crate::tcp::{Config, TcpEvent};
use crate::time::{SimDuration, SimTime};
use crate::timeline::Role;
use std::net::SocketAddrV4;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec::int("latency", 1, 2000, 25, Unit::Ms),
    // RFC 6298 says 1 s; Linux uses 200 ms.
    ParamSpec::int("rto_min", 10, 5000, 200, Unit::Ms),
    // Segments in the burst of the fast-retransmit pane.
    ParamSpec::int("burst", 5, 20, 6, Unit::Count),
];

fn cfg(p: &Params) -> (LinkConfig, Config) {
    let link = super::link(p);
    let tcp = Config {
        rto_min: SimDuration::from_millis(p.get_u64("rto_min")),
        mss: 536,
        ..Config::default()
    };
    (link, tcp)
}

/// Client sends `bytes` at 150 ms after the handshake, with `drop` applied; server reads.
fn data_pane(
    p: &Params,
    seed: u64,
    bytes: usize,
    nth_client_segment: u32,
    title: &'static str,
) -> Result<Pane, ScenarioError> {
    let (link, tcp) = cfg(p);
    let mut pair = established_pair(seed, link, tcp, 80)?;
    let net = &mut pair.net;
    net.set_drops(vec![DropRule {
        from: pair.client_host,
        nth: nth_client_segment,
    }]);
    net.run_until(SimTime::from_millis(150));
    net.send(pair.client, &vec![b'd'; bytes])?;
    while let Some(ns) = net.step() {
        for n in ns {
            if n.socket == Some(pair.server) && matches!(n.event, SockEvent::Tcp(TcpEvent::Data(_)))
            {
                net.recv(pair.server)?;
            }
        }
    }
    let tl = timeline_of(
        pair.net,
        &[
            (pair.client_host, Role::Client),
            (pair.server_host, Role::Server),
        ],
    );
    Ok(pane(title, tl, Vec::new()))
}

fn syn_retry(p: &Params, seed: u64) -> Result<Pane, ScenarioError> {
    let (mut link, tcp) = cfg(p);
    let mut net = Net::new(seed, LinkConfig::default(), tcp);
    let c = net.add_host(CLIENT_IP);
    let s = net.add_host(SERVER_IP);
    link.drops = vec![DropRule { from: c, nth: 1 }];
    net.set_link(link);
    let l = net.socket(s);
    net.bind(l, 80)?;
    net.listen(l, 8)?;
    net.run_until(SimTime::from_millis(10));
    let sock = net.socket(c);
    net.connect(sock, SocketAddrV4::new(SERVER_IP, 80))?;
    while let Some(ns) = net.step() {
        if ns.iter().any(|n| n.event == SockEvent::Incoming) {
            net.accept(l)?;
        }
    }
    let tl = timeline_of(net, &[(c, Role::Client), (s, Role::Server)]);
    Ok(pane("pane.loss.syn", tl, Vec::new()))
}

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    let burst = p.get_u64("burst") as usize;
    Ok(vec![
        // The client's 3rd segment is its first data segment.
        data_pane(p, seed, 400, 3, "pane.loss.rto")?,
        syn_retry(p, seed)?,
        // Drop the 2nd data segment of the burst: later ones make duplicate ACKs.
        data_pane(p, seed, 536 * burst, 4, "pane.loss.fast")?,
    ])
}
