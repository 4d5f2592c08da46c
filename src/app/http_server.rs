//! An HTTP server: answers GETs from a table of resources, in request order per connection
//! (so a slow response holds back the ones pipelined behind it: head-of-line blocking), closes
//! after the response when the request asked for it (HTTP/1.0 default, `Connection: close`).

use super::http;
use super::{token, token_app, token_local, App};
use crate::sim::{AppNote, HostId, Net, Notification, SockEvent, SocketId};
use crate::tcp::TcpEvent;
use crate::time::{SimDuration, SimTime};
use std::collections::{BTreeMap, VecDeque};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub path: String,
    pub size: usize,
    /// Time the server "works" before the response can leave.
    pub delay: SimDuration,
}

#[derive(Clone, Debug)]
struct Pending {
    ready_at: SimTime,
    path: String,
    bytes: Vec<u8>,
    close: bool,
}

#[derive(Clone, Debug, Default)]
struct Conn {
    buf: Vec<u8>,
    queue: VecDeque<Pending>,
    closing: bool,
}

pub struct HttpServer {
    id: u64,
    host: HostId,
    port: u16,
    backlog: usize,
    resources: Vec<Resource>,
    listener: Option<SocketId>,
    conns: BTreeMap<SocketId, Conn>,
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
            resources,
            listener: None,
            conns: BTreeMap::new(),
            served: 0,
        }
    }

    fn read_requests(&mut self, net: &mut Net, s: SocketId) {
        let Ok(bytes) = net.recv(s) else { return };
        let now = net.now();
        let mut wake = None;
        let Some(conn) = self.conns.get_mut(&s) else {
            return;
        };
        conn.buf.extend(bytes);
        while let Some(m) = http::parse(&conn.buf) {
            conn.buf.drain(..m.total);
            let path = m.path().to_string();
            let (size, delay) = self
                .resources
                .iter()
                .find(|r| r.path == path)
                .map_or((0, SimDuration::ZERO), |r| (r.size, r.delay));
            let ready_at = now + delay;
            let ctype = content_type(&path);
            conn.queue.push_back(Pending {
                ready_at,
                path,
                bytes: http::response(m.version, size, m.keep_alive, ctype),
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
        let Some(conn) = self.conns.get_mut(&s) else {
            return;
        };
        while conn.queue.front().is_some_and(|p| p.ready_at <= now) && !conn.closing {
            let Some(p) = conn.queue.pop_front() else {
                break;
            };
            let body = http::parse(&p.bytes).map_or(0, |m| m.body);
            net.note(
                host,
                AppNote::HttpResponse {
                    path: p.path.clone(),
                    status: 200,
                    body,
                },
            );
            if net.send(s, &p.bytes).is_err() {
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
            (Some(s), SockEvent::Tcp(TcpEvent::Data(_))) if self.conns.contains_key(&s) => {
                self.read_requests(net, s);
            }
            (Some(s), SockEvent::Tcp(TcpEvent::PeerClosed)) if self.conns.contains_key(&s) => {
                self.read_requests(net, s);
                let conn = self.conns.get_mut(&s);
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
