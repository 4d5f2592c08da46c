//! `handshake`: the three-way handshake. With `example=seed` it reproduces the seed
//! article's capture exactly: 192.168.1.116:3337 → 192.168.1.123:7788, client ISN
//! 3626544836, server ISN 1739326486.

use super::{Pane, ScenarioError};
use crate::sim::{LinkConfig, Net};
use crate::tcp::Config;
use crate::time::{SimDuration, SimTime};
use crate::timeline::{LaneSpec, Role, Timeline};
use std::net::{Ipv4Addr, SocketAddrV4};

pub const SEED_CLIENT: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 116);
pub const SEED_SERVER: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 123);
pub const SEED_CLIENT_PORT: u16 = 3337;
pub const SEED_SERVER_PORT: u16 = 7788;
pub const SEED_CLIENT_ISN: u32 = 3_626_544_836;
pub const SEED_SERVER_ISN: u32 = 1_739_326_486;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Example {
    /// The seed's hosts, ports and ISNs.
    Seed,
    /// ISNs drawn from the run's seed, an ephemeral client port (as a real stack would).
    Random,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    pub example: Example,
    /// One-way delay.
    pub latency: SimDuration,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            example: Example::Seed,
            latency: SimDuration::from_millis(25),
        }
    }
}

/// When the client calls connect(): a moment after the server is listening.
const CONNECT_AT: SimTime = SimTime::from_millis(10);

pub fn build(p: &Params, seed: u64) -> Result<Pane, ScenarioError> {
    if p.latency.micros() == 0 || p.latency > SimDuration::from_secs(10) {
        return Err(ScenarioError::BadParam {
            key: "latency",
            value: p.latency.to_string(),
            expected: "a one-way delay between 1 µs and 10 s",
        });
    }
    let link = LinkConfig {
        latency: p.latency,
        ..LinkConfig::default()
    };
    let mut net = Net::new(seed, link, Config::default());
    let client = net.add_host(SEED_CLIENT);
    let server = net.add_host(SEED_SERVER);
    if p.example == Example::Seed {
        net.push_isn(client, SEED_CLIENT_ISN);
        net.push_isn(server, SEED_SERVER_ISN);
    }

    let listener = net.socket(server);
    net.bind(listener, SEED_SERVER_PORT)?;
    net.listen(listener, 16)?;

    let sock = net.socket(client);
    if p.example == Example::Seed {
        net.bind(sock, SEED_CLIENT_PORT)?;
    }
    net.run_until(CONNECT_AT);
    net.connect(sock, SocketAddrV4::new(SEED_SERVER, SEED_SERVER_PORT))?;
    while net.step().is_some() {}

    let lanes = [
        LaneSpec {
            host: client,
            role: Role::Client,
            ip: SEED_CLIENT,
        },
        LaneSpec {
            host: server,
            role: Role::Server,
            ip: SEED_SERVER,
        },
    ];
    Ok(Pane {
        title: "pane.handshake",
        timeline: Timeline::from_trace(net.trace(), &lanes),
    })
}
