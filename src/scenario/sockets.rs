//! `sockets`: one server socket listening on a port, several clients connecting to it; each
//! accept() yields a new socket for one client, told apart by its 5-tuple. When the server
//! accepts slowly, the listen backlog fills and further SYNs are dropped until there is room.

use super::{pane, timeline_of, Pane, ParamSpec, Params, ScenarioError, Unit, SERVER_IP};
use crate::sim::{Net, SockEvent};
use crate::tcp::Config;
use crate::time::{SimDuration, SimTime};
use crate::timeline::Role;
use std::net::{Ipv4Addr, SocketAddrV4};

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec::int("clients", 1, 6, 3, Unit::Count),
    ParamSpec::int("backlog", 1, 16, 2, Unit::Count),
    // The server calls accept() this long after a connection is ready (0: at once).
    ParamSpec::int("accept_delay", 0, 10_000, 0, Unit::Ms),
    ParamSpec::int("latency", 1, 2000, 25, Unit::Ms),
    // Time between one client's connect() and the next one's.
    ParamSpec::int("stagger", 0, 1000, 15, Unit::Ms),
];

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    let link = super::link(p);
    let tcp = Config {
        rto_initial: SimDuration::from_millis(300),
        ..Config::default()
    };
    let mut net = Net::new(seed, link, tcp);
    let n = p.get_u64("clients") as usize;
    let clients: Vec<_> = (0..n)
        .map(|i| net.add_host(Ipv4Addr::new(10, 0, 0, 2 + i as u8)))
        .collect();
    let server = net.add_host(SERVER_IP);
    let l = net.socket(server);
    net.bind(l, 80)?;
    net.listen(l, p.get_u64("backlog") as usize)?;
    let stagger = SimDuration::from_millis(p.get_u64("stagger"));
    for (i, _) in clients.iter().enumerate() {
        net.wake_at(
            SimTime::from_millis(10) + stagger.saturating_mul(i as u64),
            i as u64,
        );
    }
    let accept_delay = SimDuration::from_millis(p.get_u64("accept_delay"));
    const ACCEPT: u64 = 1 << 40;
    while let Some(ns) = net.step() {
        for note in ns {
            match (note.socket, note.event) {
                (None, SockEvent::Wake(ACCEPT)) => {
                    // One accept() per wake-up: a slow server.
                    net.accept(l)?;
                }
                (None, SockEvent::Wake(i)) => {
                    let s = net.socket(clients[i as usize]);
                    net.connect(s, SocketAddrV4::new(SERVER_IP, 80))?;
                }
                (Some(s), SockEvent::Incoming) if s == l => {
                    if accept_delay == SimDuration::ZERO {
                        net.accept(l)?;
                    } else {
                        net.wake_at(note.at + accept_delay, ACCEPT);
                    }
                }
                _ => {}
            }
        }
    }
    let mut lanes: Vec<_> = clients.iter().map(|&c| (c, Role::Client)).collect();
    lanes.push((server, Role::Server));
    let tl = timeline_of(net, &lanes);
    Ok(vec![pane("pane.sockets", tl, Vec::new())])
}
