//! An HTTP server: answers GETs from a table of resources, in request order per connection
//! (so a slow response holds back the ones pipelined behind it: head-of-line blocking), closes
//! after the response when the request asked for it (HTTP/1.0 default, `Connection: close`).

use super::http::{self, Inbox, Version};
use super::{token, token_app, token_local, App, SocketMap};
use crate::sim::{AppNote, HostId, Net, Notification, SockEvent, SocketId};
use crate::tcp::TcpEvent;
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub path: String,
    pub size: usize,
    /// Time the server "works" before the response can leave.
    pub delay: SimDuration,
}

/// A response waiting its turn; its bytes are written only when it leaves.
#[derive(Clone, Debug)]
struct Pending {
    ready_at: SimTime,
    path: Rc<str>,
    version: Version,
    body: usize,
    content_type: &'static str,
    close: bool,
}

#[derive(Clone, Debug, Default)]
struct Conn {
    inbox: Inbox,
    queue: VecDeque<Pending>,
    closing: bool,
}

/// The resources a server has, found by path with a binary search (a scan per request,
/// comparing paths, was quadratic in the number of resources).
struct Catalog {
    resources: Vec<Resource>,
    /// Each resource's path, shared with the notes that name it.
    paths: Vec<Rc<str>>,
    /// Indices of `resources` sorted by path; stable, so among equal paths the first is first.
    by_path: Vec<usize>,
}

impl Catalog {
    fn new(resources: Vec<Resource>) -> Catalog {
        let mut by_path: Vec<usize> = (0..resources.len()).collect();
        by_path.sort_by(|&a, &b| resources[a].path.cmp(&resources[b].path));
        let paths = resources
            .iter()
            .map(|r| Rc::from(r.path.as_str()))
            .collect();
        Catalog {
            resources,
            paths,
            by_path,
        }
    }

    /// Index of the first resource with this path.
    fn find(&self, path: &str) -> Option<usize> {
        let i = self
            .by_path
            .partition_point(|&i| self.resources[i].path.as_str() < path);
        let r = *self.by_path.get(i)?;
        (self.resources[r].path == path).then_some(r)
    }
}

pub struct HttpServer {
    id: u64,
    host: HostId,
    port: u16,
    backlog: usize,
    catalog: Catalog,
    /// One buffer for every response's bytes (sending copies them into the socket).
    out: Vec<u8>,
    listener: Option<SocketId>,
    conns: SocketMap<Conn>,
    /// Requests served, for metrics.
    pub served: usize,
}

impl HttpServer {
    pub fn new(id: u64, host: HostId, port: u16, resources: Vec<Resource>) -> HttpServer {
        HttpServer {
            id,
            host,
            port,
            backlog: 128,
            catalog: Catalog::new(resources),
            out: Vec::new(),
            listener: None,
            conns: SocketMap::default(),
            served: 0,
        }
    }

    fn read_requests(&mut self, net: &mut Net, s: SocketId) {
        let now = net.now();
        let mut wake = None;
        let Some(conn) = self.conns.get_mut(s) else {
            return;
        };
        if conn.inbox.read(net, s).is_err() {
            return;
        }
        while let Some(m) = conn.inbox.next_message() {
            let (path, size, delay) = match self.catalog.find(m.path()) {
                Some(i) => {
                    let r = &self.catalog.resources[i];
                    (self.catalog.paths[i].clone(), r.size, r.delay)
                }
                None => (Rc::from(m.path()), 0, SimDuration::ZERO),
            };
            let ready_at = now + delay;
            conn.queue.push_back(Pending {
                ready_at,
                content_type: content_type(&path),
                path,
                version: m.version,
                body: size,
                close: !m.keep_alive,
            });
            if delay > SimDuration::ZERO {
                wake = Some(ready_at);
            }
        }
        if let Some(at) = wake {
            net.wake_at(at, token(self.id, s.0 as u64));
        }
        self.flush(net, s);
    }

    /// Send every response at the head of the queue that is ready, in order.
    fn flush(&mut self, net: &mut Net, s: SocketId) {
        let now = net.now();
        let host = self.host;
        let Some(conn) = self.conns.get_mut(s) else {
            return;
        };
        while conn.queue.front().is_some_and(|p| p.ready_at <= now) && !conn.closing {
            let Some(p) = conn.queue.pop_front() else {
                break;
            };
            net.note(
                host,
                AppNote::HttpResponse {
                    path: p.path,
                    status: 200,
                    body: p.body,
                },
            );
            self.out.clear();
            http::write_response(&mut self.out, p.version, p.body, !p.close, p.content_type);
            if net.send(s, &self.out).is_err() {
                return;
            }
            self.served += 1;
            if p.close {
                conn.closing = true;
                let _ = net.close(s);
            }
        }
    }
}

fn content_type(path: &str) -> &'static str {
    if path.ends_with(".png") {
        "image/png"
    } else if path.ends_with(".css") {
        "text/css"
    } else if path.ends_with(".js") {
        "text/javascript"
    } else {
        "text/html"
    }
}

impl App for HttpServer {
    fn start(&mut self, net: &mut Net) {
        let l = net.socket(self.host);
        if net.bind(l, self.port).is_ok() && net.listen(l, self.backlog).is_ok() {
            self.listener = Some(l);
        }
    }

    fn on(&mut self, net: &mut Net, n: &Notification) {
        match (n.socket, n.event) {
            (Some(s), SockEvent::Incoming) if Some(s) == self.listener => {
                while let Ok(Some(c)) = net.accept(s) {
                    self.conns.insert(c, Conn::default());
                    // Data may have arrived with the handshake's last ACK.
                    self.read_requests(net, c);
                }
            }
            (Some(s), SockEvent::Tcp(TcpEvent::Data(_))) if self.conns.contains(s) => {
                self.read_requests(net, s);
            }
            (Some(s), SockEvent::Tcp(TcpEvent::PeerClosed)) if self.conns.contains(s) => {
                self.read_requests(net, s);
                let conn = self.conns.get_mut(s);
                if let Some(c) = conn {
                    if c.queue.is_empty() && !c.closing {
                        c.closing = true;
                        let _ = net.close(s);
                    }
                }
            }
            (None, SockEvent::Wake(t)) if token_app(t) == self.id => {
                self.flush(net, SocketId(token_local(t) as usize));
            }
            _ => {}
        }
    }
}
