//! `push-vs-poll`: the server has news at (seeded) random moments. Short polling asks every P
//! and the news waits for the next poll; long polling leaves a request waiting at the server;
//! push sends over the open socket the moment the news exists. Same schedule for all three.

use super::metrics::latencies;
use super::{
    pane, timeline_of, Metric, MetricKey, Pane, ParamSpec, Params, ScenarioError, Unit, CLIENT_IP,
    SERVER_IP,
};
use crate::app::poll::{Mode, PollClient, PollServer};
use crate::app::{run, App};
use crate::sim::{Net, Rng};
use crate::tcp::Config;
use crate::time::{SimDuration, SimTime};
use crate::timeline::Role;
use std::net::SocketAddrV4;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec::int("events", 1, 50, 5, Unit::Count),
    // Events happen within this many seconds after the first second.
    ParamSpec::int("span", 1, 600, 8, Unit::Seconds),
    // Short-polling period.
    ParamSpec::int("period", 50, 60_000, 2000, Unit::Ms),
    ParamSpec::int("latency", 1, 2000, 25, Unit::Ms),
];

/// The event schedule: `n` sorted times in [1 s, 1 s + span), from the run's seed.
pub fn schedule(seed: u64, n: usize, span: SimDuration) -> Vec<SimTime> {
    let mut rng = Rng::new(seed ^ 0x5eed_e7e7);
    let mut t: Vec<SimTime> = (0..n)
        .map(|_| SimTime::from_millis(1000) + SimDuration(rng.below(span.micros().max(1))))
        .collect();
    crate::sim::sort_by_u64(&mut t, |t| t.micros());
    t
}

pub fn run_mode(
    p: &Params,
    seed: u64,
    mode: Mode,
) -> Result<(Pane, Vec<SimDuration>), ScenarioError> {
    let link = super::link(p);
    let events = schedule(
        seed,
        p.get_u64("events") as usize,
        SimDuration::from_secs(p.get_u64("span")),
    );
    let period = SimDuration::from_millis(p.get_u64("period"));
    let last = events.last().copied().unwrap_or(SimTime::ZERO);
    let stop = last + period + SimDuration::from_millis(500);
    let mut net = Net::new(seed, link, Config::default());
    let c = net.add_host(CLIENT_IP);
    let s = net.add_host(SERVER_IP);
    let mut server = PollServer::new(1, s, 80, mode, events.clone());
    let mut client = PollClient::new(2, c, SocketAddrV4::new(SERVER_IP, 80), mode, events, stop);
    {
        let apps: &mut [&mut dyn App] = &mut [&mut server, &mut client];
        run(&mut net, apps, stop + period);
    }
    let lat: Vec<SimDuration> = client.delivered.iter().map(|d| d.1).collect();
    let mut extra = vec![
        Metric::count(MetricKey::Requests, client.requests),
        Metric::count(MetricKey::EventsDelivered, client.delivered.len()),
    ];
    extra.extend(latencies(lat.clone()));
    let title = match mode {
        Mode::ShortPoll { .. } => "pane.push.short",
        Mode::LongPoll => "pane.push.long",
        Mode::Push => "pane.push.push",
    };
    let tl = timeline_of(net, &[(c, Role::Client), (s, Role::Server)]);
    Ok((pane(title, tl, extra), lat))
}

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    let period = SimDuration::from_millis(p.get_u64("period"));
    [Mode::ShortPoll { period }, Mode::LongPoll, Mode::Push]
        .into_iter()
        .map(|m| run_mode(p, seed, m).map(|r| r.0))
        .collect()
}
