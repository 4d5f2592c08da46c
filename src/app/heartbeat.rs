//! Keep-alive at the application level (the seed's "保持连接" request): the client sends a
//! small request every `period` on one persistent connection and the server answers. The
//! client declares the server offline after `max_missed` unanswered beats.

use super::http::{self, Version};
use super::{token, token_app, token_local, App};
use crate::sim::{AppNote, HostId, Net, Notification, SockEvent, SocketId};
use crate::tcp::TcpEvent;
use crate::time::{SimDuration, SimTime};
use std::net::SocketAddrV4;

const WAKE_BEAT: u64 = 1;
const WAKE_REQUEST: u64 = 2;

/// Client: connect, one real request at `request_at`, heartbeats every `period` if set.
pub struct HeartbeatClient {
    id: u64,
    host: HostId,
    server: SocketAddrV4,
    period: Option<SimDuration>,
    request_at: SimTime,
    max_missed: u32,
    sock: Option<SocketId>,
    buf: Vec<u8>,
    outstanding: u32,
    pub offline_at: Option<SimTime>,
    /// When the real request's response arrived (None: it never did).
    pub request_answered_at: Option<SimTime>,
    pub failed: bool,
    pub beats_sent: usize,
    awaiting_request: bool,
}

impl HeartbeatClient {
    pub fn new(
        id: u64,
        host: HostId,
        server: SocketAddrV4,
        period: Option<SimDuration>,
        request_at: SimTime,
        max_missed: u32,
    ) -> HeartbeatClient {
        HeartbeatClient {
            id,
            host,
            server,
            period,
            request_at,
            max_missed,
            sock: None,
            buf: Vec::new(),
            outstanding: 0,
            offline_at: None,
            request_answered_at: None,
            failed: false,
            beats_sent: 0,
            awaiting_request: false,
        }
    }
}

impl App for HeartbeatClient {
    fn start(&mut self, net: &mut Net) {
        let s = net.socket(self.host);
        if net.connect(s, self.server).is_ok() {
            self.sock = Some(s);
        }
        net.wake_at(self.request_at, token(self.id, WAKE_REQUEST));
    }

    fn on(&mut self, net: &mut Net, n: &Notification) {
        let Some(sock) = self.sock else { return };
        match (n.socket, n.event) {
            (Some(s), SockEvent::Tcp(TcpEvent::Connected)) if s == sock => {
                if let Some(p) = self.period {
                    net.wake_at(net.now() + p, token(self.id, WAKE_BEAT));
                }
            }
            (None, SockEvent::Wake(t)) if token_app(t) == self.id => {
                if self.failed || self.offline_at.is_some() {
                    return;
                }
                if token_local(t) == WAKE_BEAT {
                    if self.outstanding >= self.max_missed {
                        self.offline_at = Some(net.now());
                        net.note(self.host, AppNote::PeerOffline);
                        return;
                    }
                    net.note(self.host, AppNote::Heartbeat);
                    if net
                        .send(sock, &http::request("/ping", Version::Http11, true))
                        .is_ok()
                    {
                        self.outstanding += 1;
                        self.beats_sent += 1;
                    }
                    if let Some(p) = self.period {
                        net.wake_at(net.now() + p, token(self.id, WAKE_BEAT));
                    }
                } else {
                    net.note(
                        self.host,
                        AppNote::HttpRequest {
                            path: "/inbox".into(),
                            version: 11,
                            keep_alive: true,
                        },
                    );
                    if net
                        .send(sock, &http::request("/inbox", Version::Http11, true))
                        .is_ok()
                    {
                        self.awaiting_request = true;
                    } else {
                        self.failed = true;
                    }
                }
            }
            (Some(s), SockEvent::Tcp(TcpEvent::Data(_))) if s == sock => {
                if let Ok(b) = net.recv(sock) {
                    self.buf.extend(b);
                }
                while let Some(m) = http::parse(&self.buf) {
                    let body = m.body_of(&self.buf).to_vec();
                    self.buf.drain(..m.total);
                    if body.starts_with(b"pong") {
                        self.outstanding = self.outstanding.saturating_sub(1);
                        net.note(self.host, AppNote::HeartbeatReply);
                    } else if self.awaiting_request {
                        self.awaiting_request = false;
                        self.request_answered_at = Some(net.now());
                        net.note(
                            self.host,
                            AppNote::ResponseComplete {
                                path: "/inbox".into(),
                            },
                        );
                    }
                }
            }
            (Some(s), SockEvent::Tcp(TcpEvent::Reset | TcpEvent::TimedOut)) if s == sock => {
                self.failed = true;
                if self.offline_at.is_none() {
                    self.offline_at = Some(net.now());
                    net.note(self.host, AppNote::PeerOffline);
                }
            }
            _ => {}
        }
    }
}

/// Server: answers `/ping` with `pong` and anything else with a small body; declares the
/// client offline when nothing arrived for `client_timeout`.
pub struct HeartbeatServer {
    id: u64,
    host: HostId,
    port: u16,
    client_timeout: SimDuration,
    listener: Option<SocketId>,
    conn: Option<SocketId>,
    buf: Vec<u8>,
    last_heard: SimTime,
    pub client_offline_at: Option<SimTime>,
}

impl HeartbeatServer {
    pub fn new(id: u64, host: HostId, port: u16, client_timeout: SimDuration) -> HeartbeatServer {
        HeartbeatServer {
            id,
            host,
            port,
            client_timeout,
            listener: None,
            conn: None,
            buf: Vec::new(),
            last_heard: SimTime::ZERO,
            client_offline_at: None,
        }
    }

    fn arm(&self, net: &mut Net) {
        net.wake_at(net.now() + self.client_timeout, token(self.id, 0));
    }
}

impl App for HeartbeatServer {
    fn start(&mut self, net: &mut Net) {
        let l = net.socket(self.host);
        if net.bind(l, self.port).is_ok() && net.listen(l, 8).is_ok() {
            self.listener = Some(l);
        }
    }

    fn on(&mut self, net: &mut Net, n: &Notification) {
        match (n.socket, n.event) {
            (Some(s), SockEvent::Incoming) if Some(s) == self.listener => {
                if let Ok(Some(c)) = net.accept(s) {
                    self.conn = Some(c);
                    self.last_heard = net.now();
                    self.arm(net);
                }
            }
            (Some(s), SockEvent::Tcp(TcpEvent::Data(_))) if Some(s) == self.conn => {
                self.last_heard = net.now();
                self.arm(net);
                if let Ok(b) = net.recv(s) {
                    self.buf.extend(b);
                }
                while let Some(m) = http::parse(&self.buf) {
                    self.buf.drain(..m.total);
                    let ping = m.path() == "/ping";
                    let body: &[u8] = if ping { b"pong" } else { b"mail" };
                    let resp = http::response_with(Version::Http11, body, true, "text/plain");
                    if ping {
                        net.note(self.host, AppNote::HeartbeatReply);
                    } else {
                        net.note(
                            self.host,
                            AppNote::HttpResponse {
                                path: m.path().into(),
                                status: 200,
                                body: body.len(),
                            },
                        );
                    }
                    let _ = net.send(s, &resp);
                }
            }
            (None, SockEvent::Wake(t))
                if token_app(t) == self.id
                    && self.client_offline_at.is_none()
                    && self.conn.is_some()
                    && net.now() >= self.last_heard + self.client_timeout =>
            {
                self.client_offline_at = Some(net.now());
                net.note(self.host, AppNote::PeerOffline);
            }
            _ => {}
        }
    }
}
