//! Per-socket parameters (setsockopt) and the window update after recv(), through the
//! simulator's socket API.

use std::net::{Ipv4Addr, SocketAddrV4};
use synack::sim::{LinkConfig, Net, SockEvent, SocketId};
use synack::tcp::{Config, Flags, KeepAlive, TcpEvent};
use synack::time::{SimDuration, SimTime};

const C: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const S: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

fn ka() -> KeepAlive {
    KeepAlive {
        idle: SimDuration::from_secs(10),
        interval: SimDuration::from_secs(1),
        count: 3,
    }
}

/// A connected pair (client socket, accepted server socket) on a 10 ms link, no keep-alive.
fn pair(server_cfg: Option<Config>) -> (Net, SocketId, SocketId) {
    let link = LinkConfig {
        latency: SimDuration::from_millis(10),
        ..LinkConfig::default()
    };
    let mut net = Net::new(3, link, Config::default());
    let c = net.add_host(C);
    let s = net.add_host(S);
    let l = net.socket(s);
    net.bind(l, 80).unwrap();
    if let Some(cfg) = server_cfg {
        net.set_config(l, cfg).unwrap();
    }
    net.listen(l, 4).unwrap();
    let k = net.socket(c);
    net.connect(k, SocketAddrV4::new(S, 80)).unwrap();
    net.run_until(SimTime::from_millis(100));
    let a = net.accept(l).unwrap().expect("the handshake completed");
    (net, k, a)
}

/// Segments each side sent after `t`: (from the client, from the server).
fn sent_after(net: &Net, t: SimTime) -> (usize, usize) {
    let p = net.trace().packets.iter().filter(|p| p.sent_at > t);
    p.fold((0, 0), |(c, s), p| {
        if *p.src.ip() == C {
            (c + 1, s)
        } else {
            (c, s + 1)
        }
    })
}

#[test]
fn keepalive_on_one_side_only_probes_from_that_side() {
    let (mut net, k, _a) = pair(None);
    net.set_keepalive(k, Some(ka())).unwrap();
    let t0 = net.now();
    // Idle 10 s, a probe, the server's ACK; that answer restarts the idle time, so the next
    // probe follows 10 s (plus the round trip) later.
    net.run_until(t0 + SimDuration::from_millis(25_000));
    let (client, server) = sent_after(&net, t0);
    assert_eq!((client, server), (2, 2));
    for p in net.trace().packets.iter().filter(|p| p.sent_at > t0) {
        assert_eq!(p.segment.flags, Flags::ACK);
        assert!(p.segment.payload.is_empty());
    }
    // Without the option the connection stays silent, whatever the other side does.
    let (mut quiet, _, _) = pair(None);
    let t0 = quiet.now();
    quiet.run_until(t0 + SimDuration::from_secs(30));
    assert_eq!(sent_after(&quiet, t0), (0, 0));
}

#[test]
fn keepalive_can_be_turned_off_again() {
    let (mut net, k, _a) = pair(None);
    net.set_keepalive(k, Some(ka())).unwrap();
    net.set_keepalive(k, None).unwrap();
    let t0 = net.now();
    net.run_until(t0 + SimDuration::from_secs(30));
    assert_eq!(sent_after(&net, t0), (0, 0));
}

#[test]
fn accepted_connections_inherit_the_listeners_keepalive() {
    let cfg = Config {
        keepalive: Some(ka()),
        ..Config::default()
    };
    let (mut net, _k, a) = pair(Some(cfg));
    assert_eq!(net.endpoint(a).unwrap().config().keepalive, Some(ka()));
    let t0 = net.now();
    net.run_until(t0 + SimDuration::from_millis(25_000));
    // Now the server probes and the client answers.
    assert_eq!(sent_after(&net, t0), (2, 2));
}

/// The server's buffer fills while its application does not read; when it reads, an ACK
/// reopens the window at once instead of waiting for the client's zero-window probe.
#[test]
fn recv_sends_a_window_update_when_the_window_reopens() {
    let small = Config {
        rcv_wnd: 4000,
        ..Config::default()
    };
    let (mut net, k, a) = pair(Some(small));
    let data = vec![b'x'; 10_000];
    net.send(k, &data).unwrap();
    let read_at = net.now() + SimDuration::from_millis(50);
    net.wake_at(read_at, 1);
    let mut got = Vec::new();
    while let Some(ns) = net.step() {
        for n in ns {
            let ready = matches!(n.event, SockEvent::Wake(_))
                || (n.socket == Some(a) && net.now() > read_at);
            if ready
                && matches!(
                    n.event,
                    SockEvent::Wake(_) | SockEvent::Tcp(TcpEvent::Data(_))
                )
            {
                got.extend(net.recv(a).unwrap());
            }
        }
        if got.len() == data.len() || net.now() > SimTime::from_millis(5_000) {
            break;
        }
    }
    assert_eq!(got, data);
    let packets = &net.trace().packets;
    // The zero window was announced...
    assert!(packets
        .iter()
        .any(|p| *p.src.ip() == S && p.segment.window == 0));
    // ...and reopened by a bare ACK sent the moment the application read.
    let update = packets
        .iter()
        .find(|p| *p.src.ip() == S && p.sent_at == read_at)
        .expect("a window update at the read");
    assert_eq!(update.segment.flags, Flags::ACK);
    assert!(update.segment.payload.is_empty());
    assert_eq!(update.segment.window, 4000);
    // The client sends on as soon as it hears it: no zero-window probe was needed.
    let arrived = update.arrives_at().unwrap();
    assert!(packets
        .iter()
        .any(|p| *p.src.ip() == C && p.sent_at == arrived && !p.segment.payload.is_empty()));
    assert!(packets
        .iter()
        .all(|p| !(*p.src.ip() == C && p.segment.payload.len() == 1)));
}

/// recv_into() reads what recv() reads and keeps the window books the same way: the same
/// bytes arrive, and the same segments cross the link, whichever the application calls.
#[test]
fn recv_into_reads_and_reopens_the_window_like_recv() {
    let small = Config {
        rcv_wnd: 4000,
        ..Config::default()
    };
    let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let run = |into: bool| {
        let (mut net, k, a) = pair(Some(small));
        net.send(k, &data).unwrap();
        let mut got = Vec::new();
        while let Some(ns) = net.step() {
            for n in ns {
                if n.socket == Some(a) && matches!(n.event, SockEvent::Tcp(TcpEvent::Data(_))) {
                    if into {
                        let before = got.len();
                        let read = net.recv_into(a, &mut got).unwrap();
                        assert_eq!(read, got.len() - before);
                    } else {
                        got.extend(net.recv(a).unwrap());
                    }
                }
            }
            if net.now() > SimTime::from_millis(5_000) {
                break;
            }
        }
        let ladder: Vec<_> = net
            .trace()
            .packets
            .iter()
            .map(|p| (p.sent_at, p.segment.seq, p.segment.ack, p.segment.window))
            .collect();
        (got, ladder)
    };
    let (by_recv, ladder_recv) = run(false);
    let (by_into, ladder_into) = run(true);
    assert_eq!(by_recv, data);
    assert_eq!(by_into, data);
    assert_eq!(ladder_into, ladder_recv);
}

/// bind() on a socket that is listening is refused and leaves it listening on its port.
#[test]
fn bind_refuses_a_socket_in_use() {
    let mut net = Net::new(1, LinkConfig::default(), Config::default());
    let s = net.add_host(S);
    let l = net.socket(s);
    net.bind(l, 80).unwrap();
    net.listen(l, 4).unwrap();
    assert!(net.bind(l, 81).is_err());
    assert_eq!(net.local_addr(l), Some(SocketAddrV4::new(S, 80)));
    assert_eq!(net.state(l), Some(synack::tcp::State::Listen));
}
