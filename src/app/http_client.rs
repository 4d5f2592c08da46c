//! A browser-like HTTP client fetching a list of resources: HTTP/1.0 (a connection per
//! request), HTTP/1.1 persistent (one request at a time on a kept-alive connection) or
//! pipelined (all requests sent without waiting), over up to k parallel connections.
//! The last request on a connection says `Connection: close`.

use super::http::{self, Inbox, Version};
use super::{token, token_app, token_local, App, SocketMap};
use crate::sim::{AppNote, HostId, Net, Notification, SockEvent, SocketId};
use crate::tcp::TcpEvent;
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;
use std::net::SocketAddrV4;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Http10,
    Persistent,
    Pipelined,
}

#[derive(Clone, Debug, Default)]
struct Conn {
    inbox: Inbox,
    /// Requests sent whose responses have not fully arrived, oldest first.
    inflight: VecDeque<usize>,
    /// Resources this connection will still ask for (pipelining assigns them up front).
    todo: VecDeque<usize>,
    connected: bool,
}

pub struct HttpClient {
    id: u64,
    host: HostId,
    server: SocketAddrV4,
    mode: Mode,
    parallel: usize,
    /// Shared with every note that names a path.
    paths: Vec<Rc<str>>,
    start_at: SimTime,
    queue: VecDeque<usize>,
    conns: SocketMap<Conn>,
    /// One buffer for every request's bytes (sending copies them into the socket).
    out: Vec<u8>,
    /// (resource index, time its response was complete).
    pub completed: Vec<(usize, SimTime)>,
    pub connections_opened: usize,
    pub requests_sent: usize,
    /// Connections that failed (reset or timed out).
    pub failures: usize,
    /// Persistent mode: keep the connection alive with the last request and close it from
    /// the client side once the last response is in (the seed's page fetch: the PC sends FIN).
    pub client_closes: bool,
    /// With `client_closes`: how long after the last response the client closes.
    pub close_delay: SimDuration,
}

impl HttpClient {
    pub fn new(
        id: u64,
        host: HostId,
        server: SocketAddrV4,
        mode: Mode,
        parallel: usize,
        paths: Vec<String>,
        start_at: SimTime,
    ) -> HttpClient {
        HttpClient {
            id,
            host,
            server,
            mode,
            parallel: parallel.max(1),
            queue: (0..paths.len()).collect(),
            paths: paths.into_iter().map(Rc::from).collect(),
            start_at,
            conns: SocketMap::default(),
            out: Vec::new(),
            completed: Vec::new(),
            connections_opened: 0,
            requests_sent: 0,
            failures: 0,
            client_closes: false,
            close_delay: SimDuration::ZERO,
        }
    }

    fn version(&self) -> Version {
        match self.mode {
            Mode::Http10 => Version::Http10,
            Mode::Persistent | Mode::Pipelined => Version::Http11,
        }
    }

    /// Time the last response was complete, once all are.
    pub fn finished_at(&self) -> Option<SimTime> {
        (self.completed.len() == self.paths.len())
            .then(|| self.completed.iter().map(|c| c.1).max())
            .flatten()
    }

    fn open(&mut self, net: &mut Net, todo: VecDeque<usize>) {
        let s = net.socket(self.host);
        if net.connect(s, self.server).is_ok() {
            self.connections_opened += 1;
            self.conns.insert(
                s,
                Conn {
                    todo,
                    ..Conn::default()
                },
            );
        }
    }

    /// Open the connections this mode starts with.
    fn open_initial(&mut self, net: &mut Net) {
        match self.mode {
            Mode::Http10 | Mode::Persistent => {
                let n = self.parallel.min(self.queue.len());
                for _ in 0..n {
                    self.open(net, VecDeque::new());
                }
            }
            Mode::Pipelined => {
                // Resources are dealt round-robin to the k connections up front.
                let k = self.parallel.min(self.queue.len()).max(1);
                let mut hands = vec![VecDeque::new(); k];
                for (i, r) in self.queue.drain(..).enumerate() {
                    hands[i % k].push_back(r);
                }
                for h in hands {
                    if !h.is_empty() {
                        self.open(net, h);
                    }
                }
            }
        }
    }

    fn send_request(&mut self, net: &mut Net, s: SocketId, r: usize, keep_alive: bool) {
        let version = self.version();
        let path = self.paths[r].clone();
        self.out.clear();
        http::write_request(&mut self.out, &path, version, keep_alive);
        net.note(
            self.host,
            AppNote::HttpRequest {
                path,
                version: version.number(),
                keep_alive,
            },
        );
        if net.send(s, &self.out).is_ok() {
            self.requests_sent += 1;
            if let Some(c) = self.conns.get_mut(s) {
                c.inflight.push_back(r);
            }
        }
    }

    /// The connection is idle: ask for the next resource (HTTP/1.0 and persistent modes).
    fn next_request(&mut self, net: &mut Net, s: SocketId) {
        match self.mode {
            Mode::Http10 => {
                if let Some(r) = self.queue.pop_front() {
                    self.send_request(net, s, r, false);
                }
            }
            Mode::Persistent => {
                if let Some(r) = self.queue.pop_front() {
                    // Say goodbye with the last request, so the server closes after it.
                    let keep = !self.queue.is_empty() || self.client_closes;
                    self.send_request(net, s, r, keep);
                } else if self.client_closes
                    && self.conns.get(s).is_some_and(|c| c.inflight.is_empty())
                {
                    let at = net.now() + self.close_delay;
                    net.wake_at(at, token(self.id, 1 + s.0 as u64));
                }
            }
            Mode::Pipelined => {
                let todo = self
                    .conns
                    .get_mut(s)
                    .map(|c| std::mem::take(&mut c.todo))
                    .unwrap_or_default();
                let last = todo.len().saturating_sub(1);
                for (i, r) in todo.into_iter().enumerate() {
                    self.send_request(net, s, r, i != last);
                }
            }
        }
    }

    fn read_responses(&mut self, net: &mut Net, s: SocketId) {
        let now = net.now();
        // The responses complete answer the oldest requests in flight; counted first, so no list
        // is built. Reacting to one only appends requests, so the ones popped below are those.
        let mut done = 0;
        if let Some(c) = self.conns.get_mut(s) {
            if c.inbox.read(net, s).is_err() {
                return;
            }
            while c.inbox.next_message().is_some() {
                done += 1;
            }
            done = done.min(c.inflight.len());
        }
        for _ in 0..done {
            let Some(r) = self.conns.get_mut(s).and_then(|c| c.inflight.pop_front()) else {
                break;
            };
            self.completed.push((r, now));
            net.note(
                self.host,
                AppNote::ResponseComplete {
                    path: self.paths[r].clone(),
                },
            );
            match self.mode {
                // HTTP/1.0: the server closes; the browser opens the next connection now.
                Mode::Http10 => {
                    if !self.queue.is_empty() {
                        self.open(net, VecDeque::new());
                    }
                }
                Mode::Persistent => self.next_request(net, s),
                Mode::Pipelined => {}
            }
        }
    }
}

impl App for HttpClient {
    fn start(&mut self, net: &mut Net) {
        net.wake_at(self.start_at, token(self.id, 0));
    }

    fn on(&mut self, net: &mut Net, n: &Notification) {
        match (n.socket, n.event) {
            (None, SockEvent::Wake(t)) if token_app(t) == self.id => match token_local(t) {
                0 => self.open_initial(net),
                k => {
                    let _ = net.close(SocketId(k as usize - 1));
                }
            },
            (Some(s), SockEvent::Tcp(e)) if self.conns.contains(s) => match e {
                TcpEvent::Connected => {
                    if let Some(c) = self.conns.get_mut(s) {
                        c.connected = true;
                    }
                    self.next_request(net, s);
                }
                TcpEvent::Data(_) => self.read_responses(net, s),
                TcpEvent::PeerClosed => {
                    self.read_responses(net, s);
                    let _ = net.close(s);
                }
                TcpEvent::Reset | TcpEvent::TimedOut | TcpEvent::Refused => self.failures += 1,
                _ => {}
            },
            _ => {}
        }
    }
}
