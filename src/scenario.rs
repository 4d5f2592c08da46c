//! Core layer `scenario`: named, parameterised runs of the simulator.
//!
//! Each scenario is a pure function of (params, seed) that drives the real simulator (and the
//! `app` layer's protocols) and returns one timeline per pane plus metrics. Nothing is scripted
//! by hand: the numbers on screen are the ones the TCP core produced.

pub mod close;
pub mod handshake;
pub mod http;
pub mod keepalive;
pub mod loss;
mod metrics;
pub mod page_fetch;
mod params;
pub mod push;
pub mod rst;
pub mod sockets;
pub mod states;
pub mod tcp_vs_udp;

pub use metrics::{Metric, MetricKey, MetricValue};
pub use params::{ParamSpec, Params, Unit};

use crate::timeline::Timeline;
use std::fmt;

/// Stable scenario ids (URL hash, CLI, tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScenarioId {
    Handshake,
    Close,
    PageFetch,
    Http10Vs11,
    Keepalive,
    PushVsPoll,
    Sockets,
    Loss,
    Rst,
    States,
    TcpVsUdp,
}

impl ScenarioId {
    pub const ALL: [ScenarioId; 11] = [
        ScenarioId::Handshake,
        ScenarioId::Close,
        ScenarioId::PageFetch,
        ScenarioId::Http10Vs11,
        ScenarioId::Keepalive,
        ScenarioId::PushVsPoll,
        ScenarioId::Sockets,
        ScenarioId::Loss,
        ScenarioId::TcpVsUdp,
        ScenarioId::Rst,
        ScenarioId::States,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ScenarioId::Handshake => "handshake",
            ScenarioId::Close => "close",
            ScenarioId::PageFetch => "page-fetch",
            ScenarioId::Http10Vs11 => "http10-vs-11",
            ScenarioId::Keepalive => "keepalive",
            ScenarioId::PushVsPoll => "push-vs-poll",
            ScenarioId::Sockets => "sockets",
            ScenarioId::Loss => "loss",
            ScenarioId::Rst => "rst",
            ScenarioId::States => "states",
            ScenarioId::TcpVsUdp => "tcp-vs-udp",
        }
    }

    pub fn parse(s: &str) -> Result<ScenarioId, ScenarioError> {
        ScenarioId::ALL
            .into_iter()
            .find(|id| id.id() == s)
            .ok_or_else(|| ScenarioError::UnknownScenario(s.to_string()))
    }

    /// The parameters this scenario accepts, with ranges and defaults.
    pub fn params(self) -> &'static [ParamSpec] {
        match self {
            ScenarioId::Handshake => handshake::PARAMS,
            ScenarioId::Close => close::PARAMS,
            ScenarioId::PageFetch => page_fetch::PARAMS,
            ScenarioId::Http10Vs11 => http::PARAMS,
            ScenarioId::Keepalive => keepalive::PARAMS,
            ScenarioId::PushVsPoll => push::PARAMS,
            ScenarioId::Sockets => sockets::PARAMS,
            ScenarioId::Loss => loss::PARAMS,
            ScenarioId::Rst => rst::PARAMS,
            ScenarioId::States => states::PARAMS,
            ScenarioId::TcpVsUdp => tcp_vs_udp::PARAMS,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    UnknownScenario(String),
    UnknownParam {
        scenario: &'static str,
        key: String,
    },
    /// A parameter had a value outside what the scenario accepts.
    BadParam {
        key: &'static str,
        value: String,
        expected: String,
    },
    /// The simulator refused a socket call (a bug in the scenario, reported, not panicked).
    Sim(String),
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::UnknownScenario(s) => {
                // Written id by id, not `join`ed: `[&str]::join` would be one more copy of
                // the joining code in the wasm (`Vec<String>` is joined elsewhere).
                write!(f, "unknown scenario '{s}' (known: ")?;
                for (n, i) in ScenarioId::ALL.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(i.id())?;
                }
                f.write_str(")")
            }
            ScenarioError::UnknownParam { scenario, key } => {
                write!(f, "scenario {scenario} has no parameter '{key}'")
            }
            ScenarioError::BadParam {
                key,
                value,
                expected,
            } => write!(f, "parameter {key}={value}: expected {expected}"),
            ScenarioError::Sim(e) => write!(f, "simulation failed: {e}"),
        }
    }
}

impl From<crate::sim::SimError> for ScenarioError {
    fn from(e: crate::sim::SimError) -> ScenarioError {
        ScenarioError::Sim(e.to_string())
    }
}

/// One animated column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pane {
    /// Key of the pane's title in the string table (e.g. `pane.handshake`).
    pub title: &'static str,
    pub timeline: Timeline,
    pub metrics: Vec<Metric>,
}

/// Run scenario `id` with `params` (see [`Params::parse`]) and `seed`.
pub fn build(id: ScenarioId, params: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    match id {
        ScenarioId::Handshake => handshake::build(params, seed),
        ScenarioId::Close => close::build(params, seed),
        ScenarioId::PageFetch => page_fetch::build(params, seed),
        ScenarioId::Http10Vs11 => http::build(params, seed),
        ScenarioId::Keepalive => keepalive::build(params, seed),
        ScenarioId::PushVsPoll => push::build(params, seed),
        ScenarioId::Sockets => sockets::build(params, seed),
        ScenarioId::Loss => loss::build(params, seed),
        ScenarioId::Rst => rst::build(params, seed),
        ScenarioId::States => states::build(params, seed),
        ScenarioId::TcpVsUdp => tcp_vs_udp::build(params, seed),
    }
}

/// Run scenario `id` with its default parameters and `seed`.
pub fn build_default(id: ScenarioId, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    build(id, &Params::defaults(id), seed)
}

/// The link every scenario starts from: the `latency` parameter as the one-way delay.
pub(crate) fn link(p: &Params) -> crate::sim::LinkConfig {
    crate::sim::LinkConfig {
        latency: crate::time::SimDuration::from_millis(p.get_u64("latency")),
        ..crate::sim::LinkConfig::default()
    }
}

/// A timeline of `net`'s run with a lane per listed host (the run's trace moves into it).
pub(crate) fn timeline_of(
    net: crate::sim::Net,
    lanes: &[(crate::sim::HostId, crate::timeline::Role)],
) -> Timeline {
    let specs: Vec<crate::timeline::LaneSpec> = lanes
        .iter()
        .map(|&(host, role)| crate::timeline::LaneSpec {
            host,
            role,
            ip: net.host_ip(host),
        })
        .collect();
    Timeline::from_owned_trace(net.into_trace(), &specs)
}

/// A pane with the wire metrics every pane has, after `extra`.
pub(crate) fn pane(title: &'static str, timeline: Timeline, extra: Vec<Metric>) -> Pane {
    let mut metrics = extra;
    metrics.push(Metric::count(
        MetricKey::Connections,
        metrics::connections(&timeline),
    ));
    metrics.extend(metrics::wire(&timeline));
    crate::sim::sort_by_u64(&mut metrics, |m| m.key as u64);
    metrics.dedup_by_key(|m| m.key);
    Pane {
        title,
        timeline,
        metrics,
    }
}

/// Two hosts, a listening server and a connecting client, run until both are ESTABLISHED.
pub(crate) struct Pair {
    pub net: crate::sim::Net,
    pub client_host: crate::sim::HostId,
    pub server_host: crate::sim::HostId,
    pub client: crate::sim::SocketId,
    pub server: crate::sim::SocketId,
}

pub(crate) const CLIENT_IP: std::net::Ipv4Addr = std::net::Ipv4Addr::new(10, 0, 0, 2);
pub(crate) const SERVER_IP: std::net::Ipv4Addr = std::net::Ipv4Addr::new(10, 0, 0, 80);

pub(crate) fn established_pair(
    seed: u64,
    link: crate::sim::LinkConfig,
    tcp: crate::tcp::Config,
    port: u16,
) -> Result<Pair, ScenarioError> {
    use crate::sim::{Net, SockEvent};
    let mut net = Net::new(seed, link, tcp);
    let client_host = net.add_host(CLIENT_IP);
    let server_host = net.add_host(SERVER_IP);
    let l = net.socket(server_host);
    net.bind(l, port)?;
    net.listen(l, 16)?;
    net.run_until(crate::time::SimTime::from_millis(10));
    let client = net.socket(client_host);
    net.connect(client, std::net::SocketAddrV4::new(SERVER_IP, port))?;
    let mut server = None;
    while server.is_none() {
        let Some(ns) = net.step() else { break };
        if ns.iter().any(|n| n.event == SockEvent::Incoming) {
            server = net.accept(l)?;
        }
    }
    let server = server.ok_or_else(|| ScenarioError::Sim("handshake did not complete".into()))?;
    Ok(Pair {
        net,
        client_host,
        server_host,
        client,
        server,
    })
}
