//! `states`: one connection's whole life — open, a request and its answer, close — so the
//! RFC 9293 state diagram lights up transition by transition on both sides.

use super::{established_pair, pane, timeline_of, Pane, ParamSpec, Params, ScenarioError, Unit};
use crate::sim::SockEvent;
use crate::tcp::{Config, TcpEvent};
use crate::time::{SimDuration, SimTime};
use crate::timeline::Role;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec::int("latency", 1, 2000, 25, Unit::Ms),
    ParamSpec::int("msl", 10, 120_000, 100, Unit::Ms),
];

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    let link = super::link(p);
    let tcp = Config {
        msl: SimDuration::from_millis(p.get_u64("msl")),
        ..Config::default()
    };
    let mut pair = established_pair(seed, link, tcp, 80)?;
    let net = &mut pair.net;
    net.run_until(SimTime::from_millis(120));
    net.send(pair.client, b"hello?")?;
    while let Some(ns) = net.step() {
        for n in ns {
            match (n.socket, n.event) {
                (Some(s), SockEvent::Tcp(TcpEvent::Data(_))) if s == pair.server => {
                    net.recv(s)?;
                    net.send(s, b"hello!")?;
                }
                (Some(s), SockEvent::Tcp(TcpEvent::Data(_))) if s == pair.client => {
                    net.recv(s)?;
                    net.close(s)?;
                }
                (Some(s), SockEvent::Tcp(TcpEvent::PeerClosed)) if s == pair.server => {
                    net.close(s)?;
                }
                _ => {}
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
    Ok(vec![pane("pane.states", tl, Vec::new())])
}
