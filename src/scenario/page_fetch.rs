//! `page-fetch`: the seed's ten steps of a browser fetching a page — three-way handshake, GET,
//! the server's ACK, the response, the client's ACK, then the four segments of the close with
//! the client (the PC) sending the first FIN.

use super::{
    pane, timeline_of, Pane, ParamSpec, Params, ScenarioError, Unit, CLIENT_IP, SERVER_IP,
};
use crate::app::http_client::{HttpClient, Mode};
use crate::app::http_server::{HttpServer, Resource};
use crate::app::{run, App};
use crate::sim::Net;
use crate::tcp::Config;
use crate::time::{SimDuration, SimTime};
use crate::timeline::Role;
use std::net::SocketAddrV4;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec::int("latency", 1, 2000, 25, Unit::Ms),
    // Time the server needs to produce the page: long enough that its ACK of the GET leaves
    // before the response (the seed's step 5).
    ParamSpec::int("think", 0, 5000, 20, Unit::Ms),
    ParamSpec::int("size", 0, 1400, 300, Unit::Bytes),
    // How long after the page arrived the browser closes the connection.
    ParamSpec::int("close_after", 0, 5000, 30, Unit::Ms),
];

pub fn build(p: &Params, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    let link = super::link(p);
    let mut net = Net::new(seed, link, Config::default());
    let c = net.add_host(CLIENT_IP);
    let s = net.add_host(SERVER_IP);
    let mut server = HttpServer::new(
        1,
        s,
        80,
        vec![Resource {
            path: "/index.html".into(),
            size: p.get_u64("size") as usize,
            delay: SimDuration::from_millis(p.get_u64("think")),
        }],
    );
    let mut client = HttpClient::new(
        2,
        c,
        SocketAddrV4::new(SERVER_IP, 80),
        Mode::Persistent,
        1,
        vec!["/index.html".into()],
        SimTime::from_millis(10),
    );
    client.client_closes = true;
    client.close_delay = SimDuration::from_millis(p.get_u64("close_after"));
    let apps: &mut [&mut dyn App] = &mut [&mut server, &mut client];
    run(&mut net, apps, SimTime::from_millis(600_000));
    let tl = timeline_of(net, &[(c, Role::Client), (s, Role::Server)]);
    Ok(vec![pane("pane.page_fetch", tl, Vec::new())])
}
