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

/// The resources a server has, found by path with a binary search over the paths' hashes (a
/// scan per request, comparing paths, was quadratic in the number of resources; sorting by
/// hash uses the simulator's one shared sort instead of a string sort of its own).
struct Catalog {
    resources: Vec<Resource>,
    /// Each resource's path, shared with the notes that name it.
    paths: Vec<Rc<str>>,
    /// (hash of the path, index of the resource), by hash; stable, so among equal hashes the
    /// lower index comes first.
    by_hash: Vec<(u64, usize)>,
}

fn path_hash(path: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::sim::FxHasher::default();
    h.write(path.as_bytes());
    h.finish()
}

impl Catalog {
    fn new(resources: Vec<Resource>) -> Catalog {
        let mut by_hash: Vec<(u64, usize)> = resources
            .iter()
            .map(|r| path_hash(&r.path))
            .zip(0..)
            .collect();
        crate::sim::sort_by_u64(&mut by_hash, |&(h, _)| h);
        let paths = resources
            .iter()
            .map(|r| Rc::from(r.path.as_str()))
            .collect();
        Catalog {
            resources,
            paths,
            by_hash,
        }
    }

    /// Index of the first resource with this path.
    fn find(&self, path: &str) -> Option<usize> {
        let h = path_hash(path);
        let i = self.by_hash.partition_point(|&(k, _)| k < h);
        self.by_hash[i..]
            .iter()
            .take_while(|&&(k, _)| k == h)
            .map(|&(_, r)| r)
            .find(|&r| self.resources[r].path == path)
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

#[cfg(test)]
mod tests {
    use super::{Catalog, Resource};
    use crate::time::SimDuration;

    fn catalog(paths: &[&str]) -> Catalog {
        Catalog::new(
            paths
                .iter()
                .enumerate()
                .map(|(i, p)| Resource {
                    path: (*p).to_string(),
                    size: i,
                    delay: SimDuration::ZERO,
                })
                .collect(),
        )
    }

    /// Every path finds its first resource; a path no resource has finds none.
    #[test]
    fn find_returns_the_first_resource_with_the_path() {
        let paths: Vec<String> = (0..200).map(|i| format!("/r{}", i % 150)).collect();
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        let c = catalog(&refs);
        for (i, p) in refs.iter().enumerate() {
            assert_eq!(c.find(p), Some(i % 150), "{p}");
        }
        for p in ["/", "/r150", "/r1 ", "", "/R1", "/r01"] {
            assert_eq!(c.find(p), None, "{p:?}");
        }
        assert_eq!(catalog(&[]).find("/"), None);
        assert_eq!(catalog(&["/a", "/b", "/a"]).find("/a"), Some(0));
    }
}
