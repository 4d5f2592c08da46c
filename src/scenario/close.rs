//! `close`: the four-way close, three ways side by side — the client closes first, the server
//! closes first, both close at the same instant (CLOSING). The side that closes first waits in
//! TIME-WAIT for 2·MSL.

use super::{established_pair, pane, timeline_of, Pane, ParamSpec, Params, ScenarioError, Unit};
use crate::sim::SockEvent;
use crate::tcp::{Config, TcpEvent};
use crate::time::{SimDuration, SimTime};
use crate::timeline::Role;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec::int("latency", 1, 2000, 25, Unit::Ms),
    // Real stacks use an MSL of 30 s to 2 min; a short one keeps TIME-WAIT on screen.
    ParamSpec::int("msl", 10, 120_000, 100, Unit::Ms),
    // How long the other application takes to call close() after it sees the FIN.
    ParamSpec::int("app_delay", 0, 5000, 20, Unit::Ms),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Client,
    Server,
    Both,
}

const CLOSE_AT: SimTime = SimTime::from_millis(150);

fn run(p: &Params, seed: u64, who: Who, title: &'static str) -> Result<Pane, ScenarioError> {
    let link = super::link(p);
    let tcp = Config {
        msl: SimDuration::from_millis(p.get_u64("msl")),
        ..Config::default()
    };
    let mut pair = established_pair(seed, link, tcp, 80)?;
    let net = &mut pair.net;
    net.run_until(CLOSE_AT);
    if matches!(who, Who::Client | Who::Both) {
        net.close(pair.client)?;
    }
    if matches!(who, Who::Server | Who::Both) {
        net.close(pair.server)?;
    }
    let delay = SimDuration::from_millis(p.get_u64("app_delay"));
    // The side that has not closed yet: its application closes `app_delay` after the FIN.
    let passive = match who {
        Who::Client => Some(pair.server),
        Who::Server => Some(pair.client),
        Who::Both => None,
    };
    while let Some(ns) = net.step() {
        for n in ns {
            if n.event == SockEvent::Tcp(TcpEvent::PeerClosed) && n.socket == passive {
                net.wake_at(n.at + delay, n.socket.map_or(0, |s| s.0 as u64));
            }
            if let (None, SockEvent::Wake(s)) = (n.socket, n.event) {
                net.close(crate::sim::SocketId(s as usize))?;
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

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    Ok(vec![
        run(p, seed, Who::Client, "pane.close.client")?,
        run(p, seed, Who::Server, "pane.close.server")?,
        run(p, seed, Who::Both, "pane.close.both")?,
    ])
}
