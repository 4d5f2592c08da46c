//! `http10-vs-11`: N resources fetched over HTTP/1.0 (a connection per request), HTTP/1.1
//! persistent (one connection, one request at a time) and HTTP/1.1 pipelined (all requests
//! sent at once; responses in order, so a slow one blocks those behind it). Optionally k
//! parallel connections, like a browser.

use super::metrics::round_trips;
use super::{
    pane, timeline_of, Metric, MetricKey, Pane, ParamSpec, Params, ScenarioError, Unit, CLIENT_IP,
    SERVER_IP,
};
use crate::app::http_client::{HttpClient, Mode};
use crate::app::http_server::{HttpServer, Resource};
use crate::app::{run, App};
use crate::sim::{LinkConfig, Net};
use crate::tcp::Config;
use crate::time::{SimDuration, SimTime};
use crate::timeline::Role;
use std::net::SocketAddrV4;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec::int("n", 1, 100, 4, Unit::Count),
    ParamSpec::int("rtt", 2, 2000, 50, Unit::Ms),
    ParamSpec::int("size", 0, 100_000, 1000, Unit::Bytes),
    ParamSpec::int("parallel", 1, 6, 1, Unit::Count),
    // 1-based index of a resource the server is slow to produce (0: none).
    ParamSpec::int("slow", 0, 100, 0, Unit::Count),
    ParamSpec::int("slow_ms", 0, 5000, 200, Unit::Ms),
    // Random loss on the link, in percent (the same seed loses the same packets).
    ParamSpec::int("loss", 0, 30, 0, Unit::Percent),
];

pub const START: SimTime = SimTime::from_millis(10);

pub fn paths(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i {
            0 => "/index.html".to_string(),
            i => format!("/img{i}.png"),
        })
        .collect()
}

/// One run: returns the pane and the client (for its counters).
pub fn run_mode(p: &Params, seed: u64, mode: Mode) -> Result<(Pane, usize), ScenarioError> {
    let rtt = SimDuration::from_millis(p.get_u64("rtt"));
    let link = LinkConfig {
        latency: SimDuration(rtt.micros() / 2),
        loss_ppm: p.get_u64("loss") as u32 * 10_000,
        ..LinkConfig::default()
    };
    let mut net = Net::new(seed, link, Config::default());
    let c = net.add_host(CLIENT_IP);
    let s = net.add_host(SERVER_IP);
    let n = p.get_u64("n") as usize;
    let slow = p.get_u64("slow") as usize;
    let paths = paths(n);
    let resources = paths
        .iter()
        .enumerate()
        .map(|(i, path)| Resource {
            path: path.clone(),
            size: p.get_u64("size") as usize,
            delay: if i + 1 == slow {
                SimDuration::from_millis(p.get_u64("slow_ms"))
            } else {
                SimDuration::ZERO
            },
        })
        .collect();
    let mut server = HttpServer::new(1, s, 80, resources);
    let mut client = HttpClient::new(
        2,
        c,
        SocketAddrV4::new(SERVER_IP, 80),
        mode,
        p.get_u64("parallel") as usize,
        paths,
        START,
    );
    {
        let apps: &mut [&mut dyn App] = &mut [&mut server, &mut client];
        run(&mut net, apps, SimTime::from_millis(3_600_000));
    }
    let title = match mode {
        Mode::Http10 => "pane.http.10",
        Mode::Persistent => "pane.http.11",
        Mode::Pipelined => "pane.http.pipelined",
    };
    let mut extra = vec![Metric::count(MetricKey::Requests, client.requests_sent)];
    if let Some(done) = client.finished_at() {
        let total = done - START;
        extra.push(Metric::time(MetricKey::TotalTime, total));
        extra.push(round_trips(total, rtt));
    }
    let tl = timeline_of(net, &[(c, Role::Client), (s, Role::Server)]);
    Ok((pane(title, tl, extra), client.completed.len()))
}

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    [Mode::Http10, Mode::Persistent, Mode::Pipelined]
        .into_iter()
        .map(|m| run_mode(p, seed, m).map(|r| r.0))
        .collect()
}
