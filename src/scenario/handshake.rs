//! `handshake`: the three-way handshake. With `example=seed` it reproduces the seed
//! article's capture exactly: 192.168.1.116:3337 → 192.168.1.123:7788, client ISN
//! 3626544836, server ISN 1739326486.

use super::{pane, timeline_of, Pane, ParamSpec, Params, ScenarioError, Unit};
use crate::sim::Net;
use crate::tcp::Config;
use crate::time::SimTime;
use crate::timeline::Role;
use std::net::{Ipv4Addr, SocketAddrV4};

pub const SEED_CLIENT: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 116);
pub const SEED_SERVER: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 123);
pub const SEED_CLIENT_PORT: u16 = 3337;
pub const SEED_SERVER_PORT: u16 = 7788;
pub const SEED_CLIENT_ISN: u32 = 3_626_544_836;
pub const SEED_SERVER_ISN: u32 = 1_739_326_486;

pub const PARAMS: &[ParamSpec] = &[
    // seed: the article's hosts, ports and ISNs; random: ISNs from the run's seed and an
    // ephemeral client port, as a real stack would choose.
    ParamSpec::choice("example", &["seed", "random"], 0),
    ParamSpec::int("latency", 1, 2000, 25, Unit::Ms),
];

/// When the client calls connect(): a moment after the server is listening.
const CONNECT_AT: SimTime = SimTime::from_millis(10);

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    let seed_example = p.get("example") == 0;
    let link = super::link(p);
    let mut net = Net::new(seed, link, Config::default());
    let client = net.add_host(SEED_CLIENT);
    let server = net.add_host(SEED_SERVER);
    if seed_example {
        net.push_isn(client, SEED_CLIENT_ISN);
        net.push_isn(server, SEED_SERVER_ISN);
    }

    let listener = net.socket(server);
    net.bind(listener, SEED_SERVER_PORT)?;
    net.listen(listener, 16)?;

    let sock = net.socket(client);
    if seed_example {
        net.bind(sock, SEED_CLIENT_PORT)?;
    }
    net.run_until(CONNECT_AT);
    net.connect(sock, SocketAddrV4::new(SEED_SERVER, SEED_SERVER_PORT))?;
    while net.step().is_some() {}

    let tl = timeline_of(net, &[(client, Role::Client), (server, Role::Server)]);
    Ok(vec![pane("pane.handshake", tl, Vec::new())])
}
