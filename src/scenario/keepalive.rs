//! `keepalive`: a firewall between client and server forgets connections idle longer than its
//! timeout. Without heartbeats the client's next request after a long quiet spell is lost (or
//! reset); with an application heartbeat every T < timeout, or with TCP keep-alive probes, the
//! connection survives.

use super::{
    pane, timeline_of, Pane, ParamSpec, Params, ScenarioError, Unit, CLIENT_IP, SERVER_IP,
};
use crate::app::heartbeat::{HeartbeatClient, HeartbeatServer};
use crate::app::{run, App};
use crate::sim::{MiddleboxConfig, Net, OnUnknown};
use crate::tcp::{Config, KeepAlive};
use crate::time::{SimDuration, SimTime};
use crate::timeline::Role;
use std::net::{Ipv4Addr, SocketAddrV4};

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec::int("latency", 1, 2000, 25, Unit::Ms),
    // The firewall's idle timeout.
    ParamSpec::int("timeout", 1, 3600, 30, Unit::Seconds),
    // Heartbeat period (application) and TCP keep-alive idle time.
    ParamSpec::int("heartbeat", 1, 3600, 20, Unit::Seconds),
    // When the client finally has something to ask.
    ParamSpec::int("request_at", 1, 7200, 45, Unit::Seconds),
    ParamSpec::choice("firewall", &["drop", "reset"], 0),
    // Heartbeats missed before the client calls the server offline.
    ParamSpec::int("missed", 1, 10, 3, Unit::Count),
];

const FIREWALL_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    None,
    Heartbeat,
    TcpKeepAlive,
}

fn run_variant(p: &Params, seed: u64, v: Variant) -> Result<Pane, ScenarioError> {
    let link = super::link(p);
    let beat = SimDuration::from_secs(p.get_u64("heartbeat"));
    let tcp = Config {
        keepalive: (v == Variant::TcpKeepAlive).then_some(KeepAlive {
            idle: beat,
            interval: SimDuration::from_secs(5),
            count: 3,
        }),
        ..Config::default()
    };
    let mut net = Net::new(seed, link, tcp);
    let c = net.add_host(CLIENT_IP);
    let s = net.add_host(SERVER_IP);
    let fw = net.add_middlebox(MiddleboxConfig {
        ip: FIREWALL_IP,
        idle_timeout: SimDuration::from_secs(p.get_u64("timeout")),
        on_unknown: if p.get("firewall") == 0 {
            OnUnknown::Drop
        } else {
            OnUnknown::Reset
        },
    });
    let request_at = SimTime::from_millis(p.get_u64("request_at") * 1000);
    let mut server = HeartbeatServer::new(1, s, 80, beat.saturating_mul(4));
    let mut client = HeartbeatClient::new(
        2,
        c,
        SocketAddrV4::new(SERVER_IP, 80),
        (v == Variant::Heartbeat).then_some(beat),
        request_at,
        p.get("missed") as u32,
    );
    // Stop a while after the request: long enough to see it answered, retried or reset.
    let until = request_at + SimDuration::from_secs(20);
    {
        let apps: &mut [&mut dyn App] = &mut [&mut server, &mut client];
        run(&mut net, apps, until);
    }
    let title = match v {
        Variant::None => "pane.keepalive.none",
        Variant::Heartbeat => "pane.keepalive.heartbeat",
        Variant::TcpKeepAlive => "pane.keepalive.tcp",
    };
    let tl = timeline_of(
        net,
        &[(c, Role::Client), (fw, Role::Middlebox), (s, Role::Server)],
    );
    Ok(pane(title, tl, Vec::new()))
}

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    [Variant::None, Variant::Heartbeat, Variant::TcpKeepAlive]
        .into_iter()
        .map(|v| run_variant(p, seed, v))
        .collect()
}
