//! `rst`: resets. Connecting to a port where nobody listens gets RST+ACK ("connection
//! refused"); an application that aborts sends RST and both sides drop the connection at once,
//! with no FIN exchange and no TIME-WAIT.

use super::{
    established_pair, link, pane, timeline_of, Pane, ParamSpec, Params, ScenarioError, Unit,
    CLIENT_IP, SERVER_IP,
};
use crate::sim::Net;
use crate::tcp::Config;
use crate::time::SimTime;
use crate::timeline::Role;
use std::net::SocketAddrV4;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec::int("latency", 1, 2000, 25, Unit::Ms),
    // Data the aborting client had queued but not sent: discarded by the abort.
    ParamSpec::int("unsent", 0, 10_000, 0, Unit::Bytes),
];

fn closed_port(p: &Params, seed: u64) -> Result<Pane, ScenarioError> {
    let mut net = Net::new(seed, link(p), Config::default());
    let c = net.add_host(CLIENT_IP);
    let s = net.add_host(SERVER_IP);
    net.run_until(SimTime::from_millis(10));
    let sock = net.socket(c);
    // Port 81: the server host is up, but no socket listens there.
    net.connect(sock, SocketAddrV4::new(SERVER_IP, 81))?;
    while net.step().is_some() {}
    let tl = timeline_of(net, &[(c, Role::Client), (s, Role::Server)]);
    Ok(pane("pane.rst.closed", tl, Vec::new()))
}

fn abort(p: &Params, seed: u64) -> Result<Pane, ScenarioError> {
    let mut pair = established_pair(seed, link(p), Config::default(), 80)?;
    let net = &mut pair.net;
    net.run_until(SimTime::from_millis(150));
    let unsent = p.get_u64("unsent") as usize;
    if unsent > 0 {
        // Queue data the peer will never see: the window is open, so part of it leaves first.
        net.send(pair.client, &vec![b'x'; unsent])?;
    }
    net.abort(pair.client)?;
    while net.step().is_some() {}
    let tl = timeline_of(
        pair.net,
        &[
            (pair.client_host, Role::Client),
            (pair.server_host, Role::Server),
        ],
    );
    Ok(pane("pane.rst.abort", tl, Vec::new()))
}

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    Ok(vec![closed_port(p, seed)?, abort(p, seed)?])
}
