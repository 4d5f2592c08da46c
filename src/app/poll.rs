//! Getting server events to a client three ways (the seed's socket-vs-HTTP section):
//! short polling every `period`, long polling (the server holds the request until there is
//! news), and push over one persistent socket. All run on the same event schedule.

use super::http::{self, Version};
use super::{token, token_app, token_local, App};
use crate::sim::{AppNote, HostId, Net, Notification, SockEvent, SocketId};
use crate::tcp::TcpEvent;
use crate::time::{SimDuration, SimTime};
use std::net::SocketAddrV4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    ShortPoll { period: SimDuration },
    LongPoll,
    Push,
}

/// Event ids in a body: `event 3\n event 4\n`.
fn encode(ids: &[u32]) -> Vec<u8> {
    ids.iter()
        .map(|i| format!("event {i}\n"))
        .collect::<String>()
        .into_bytes()
}

fn decode(body: &[u8]) -> Vec<u32> {
    String::from_utf8_lossy(body)
        .lines()
        .filter_map(|l| l.strip_prefix("event ")?.trim().parse().ok())
        .collect()
}

const WAKE_POLL: u64 = 1 << 31;

/// The client: connects once, then polls (or just listens, for push).
pub struct PollClient {
    id: u64,
    host: HostId,
    server: SocketAddrV4,
    mode: Mode,
    events: Vec<SimTime>,
    sock: Option<SocketId>,
    buf: Vec<u8>,
    waiting: bool,
    /// (event id, latency from its creation to the client having it).
    pub delivered: Vec<(u32, SimDuration)>,
    pub requests: usize,
    stop_at: SimTime,
}

impl PollClient {
    pub fn new(
        id: u64,
        host: HostId,
        server: SocketAddrV4,
        mode: Mode,
        events: Vec<SimTime>,
        stop_at: SimTime,
    ) -> PollClient {
        PollClient {
            id,
            host,
            server,
            mode,
            events,
            sock: None,
            buf: Vec::new(),
            waiting: false,
            delivered: Vec::new(),
            requests: 0,
            stop_at,
        }
    }

    fn poll(&mut self, net: &mut Net) {
        let Some(s) = self.sock else { return };
        if self.waiting || net.now() >= self.stop_at {
            return;
        }
        if net
            .send(s, &http::request("/events", Version::Http11, true))
            .is_ok()
        {
            net.note(
                self.host,
                AppNote::HttpRequest {
                    path: "/events".into(),
                    version: 11,
                    keep_alive: true,
                },
            );
            self.requests += 1;
            self.waiting = true;
        }
    }

    fn got(&mut self, net: &mut Net, ids: Vec<u32>) {
        for id in ids {
            let created = self
                .events
                .get(id as usize)
                .copied()
                .unwrap_or(SimTime::ZERO);
            let latency = net.now() - created;
            self.delivered.push((id, latency));
            net.note(self.host, AppNote::EventDelivered { id, latency });
        }
    }
}

impl App for PollClient {
    fn start(&mut self, net: &mut Net) {
        let s = net.socket(self.host);
        if net.connect(s, self.server).is_ok() {
            self.sock = Some(s);
        }
    }

    fn on(&mut self, net: &mut Net, n: &Notification) {
        let Some(sock) = self.sock else { return };
        match (n.socket, n.event) {
            (Some(s), SockEvent::Tcp(TcpEvent::Connected)) if s == sock => match self.mode {
                Mode::Push => {}
                Mode::LongPoll => self.poll(net),
                Mode::ShortPoll { period } => {
                    self.poll(net);
                    net.wake_at(net.now() + period, token(self.id, WAKE_POLL));
                }
            },
            (None, SockEvent::Wake(t)) if token_app(t) == self.id => {
                if let Mode::ShortPoll { period } = self.mode {
                    self.poll(net);
                    if net.now() + period < self.stop_at {
                        net.wake_at(net.now() + period, token(self.id, WAKE_POLL));
                    }
                }
            }
            (Some(s), SockEvent::Tcp(TcpEvent::Data(_))) if s == sock => {
                if let Ok(b) = net.recv(s) {
                    self.buf.extend(b);
                }
                if self.mode == Mode::Push {
                    // Pushed events are bare lines on the socket.
                    let end = self
                        .buf
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |i| i + 1);
                    let ids = decode(&self.buf[..end]);
                    self.buf.drain(..end);
                    self.got(net, ids);
                    return;
                }
                while let Some(m) = http::parse(&self.buf) {
                    let ids = decode(m.body_of(&self.buf));
                    self.buf.drain(..m.total);
                    self.waiting = false;
                    if ids.is_empty() {
                        net.note(self.host, AppNote::PollEmpty);
                    }
                    self.got(net, ids);
                    if self.mode == Mode::LongPoll {
                        self.poll(net); // ask again at once
                    }
                }
            }
            _ => {}
        }
    }
}

/// The server: events happen at the scheduled times; how the client learns of them depends
/// on the mode.
pub struct PollServer {
    id: u64,
    host: HostId,
    port: u16,
    mode: Mode,
    events: Vec<SimTime>,
    listener: Option<SocketId>,
    conn: Option<SocketId>,
    buf: Vec<u8>,
    /// Events produced but not yet sent to the client.
    unsent: Vec<u32>,
    /// A long-poll request is being held.
    held: bool,
}

impl PollServer {
    pub fn new(id: u64, host: HostId, port: u16, mode: Mode, events: Vec<SimTime>) -> PollServer {
        PollServer {
            id,
            host,
            port,
            mode,
            events,
            listener: None,
            conn: None,
            buf: Vec::new(),
            unsent: Vec::new(),
            held: false,
        }
    }

    fn answer(&mut self, net: &mut Net) {
        let Some(c) = self.conn else { return };
        let body = encode(&self.unsent);
        net.note(
            self.host,
            AppNote::HttpResponse {
                path: "/events".into(),
                status: 200,
                body: body.len(),
            },
        );
        self.unsent.clear();
        let _ = net.send(
            c,
            &http::response_with(Version::Http11, &body, true, "text/plain"),
        );
    }
}

impl App for PollServer {
    fn start(&mut self, net: &mut Net) {
        let l = net.socket(self.host);
        if net.bind(l, self.port).is_ok() && net.listen(l, 8).is_ok() {
            self.listener = Some(l);
        }
        for (i, &at) in self.events.iter().enumerate() {
            net.wake_at(at, token(self.id, i as u64));
        }
    }

    fn on(&mut self, net: &mut Net, n: &Notification) {
        match (n.socket, n.event) {
            (Some(s), SockEvent::Incoming) if Some(s) == self.listener => {
                if let Ok(Some(c)) = net.accept(s) {
                    self.conn = Some(c);
                }
            }
            (None, SockEvent::Wake(t)) if token_app(t) == self.id => {
                let id = token_local(t) as u32;
                net.note(self.host, AppNote::ServerEvent { id });
                self.unsent.push(id);
                match self.mode {
                    Mode::Push => {
                        if let Some(c) = self.conn {
                            let body = encode(&self.unsent);
                            self.unsent.clear();
                            let _ = net.send(c, &body);
                        }
                    }
                    Mode::LongPoll if self.held => {
                        self.held = false;
                        self.answer(net);
                    }
                    _ => {}
                }
            }
            (Some(s), SockEvent::Tcp(TcpEvent::Data(_))) if Some(s) == self.conn => {
                if let Ok(b) = net.recv(s) {
                    self.buf.extend(b);
                }
                while let Some(m) = http::parse(&self.buf) {
                    self.buf.drain(..m.total);
                    match self.mode {
                        Mode::LongPoll if self.unsent.is_empty() => self.held = true,
                        _ => self.answer(net),
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_bodies_round_trip() {
        assert_eq!(decode(&encode(&[3, 4, 10])), vec![3, 4, 10]);
        assert!(decode(b"nothing here").is_empty());
    }
}
