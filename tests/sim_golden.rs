//! Golden ladders the scenario snapshots do not already cover: simultaneous open, and a
//! half-close (shutdown) where data keeps flowing the other way.

use std::net::{Ipv4Addr, SocketAddrV4};
use synack::sim::{HostId, LinkConfig, Net, SockEvent};
use synack::tcp::{Config, State, TcpEvent};
use synack::time::SimTime;
use synack::timeline::{LaneSpec, Role, Timeline};

const A: Ipv4Addr = Ipv4Addr::new(10, 7, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(10, 7, 0, 2);

fn timeline(net: &Net, a: HostId, b: HostId) -> Timeline {
    Timeline::from_trace(
        net.trace(),
        &[
            LaneSpec {
                host: a,
                role: Role::Client,
                ip: A,
            },
            LaneSpec {
                host: b,
                role: Role::Server,
                ip: B,
            },
        ],
    )
}

#[test]
fn simultaneous_open() {
    let mut net = Net::new(1, LinkConfig::default(), Config::default());
    let a = net.add_host(A);
    let b = net.add_host(B);
    net.push_isn(a, 1000);
    net.push_isn(b, 5000);
    let sa = net.socket(a);
    let sb = net.socket(b);
    net.bind(sa, 7000).unwrap();
    net.bind(sb, 8000).unwrap();
    // Both call connect() at the same instant: the SYNs cross (RFC 9293 Figure 8).
    net.connect(sa, SocketAddrV4::new(B, 8000)).unwrap();
    net.connect(sb, SocketAddrV4::new(A, 7000)).unwrap();
    while net.step().is_some() {}
    assert_eq!(net.state(sa), Some(State::Established));
    assert_eq!(net.state(sb), Some(State::Established));
    let states: Vec<State> = net
        .trace()
        .states
        .iter()
        .filter(|r| r.socket == sa)
        .map(|r| r.transition.to)
        .collect();
    assert_eq!(
        states,
        [State::SynSent, State::SynReceived, State::Established]
    );
    insta::assert_snapshot!("simultaneous_open", timeline(&net, a, b).ladder_text());
}

#[test]
fn half_close_keeps_the_other_direction_open() {
    let mut net = Net::new(1, LinkConfig::default(), Config::default());
    let a = net.add_host(A);
    let b = net.add_host(B);
    let l = net.socket(b);
    net.bind(l, 80).unwrap();
    net.listen(l, 4).unwrap();
    let c = net.socket(a);
    net.connect(c, SocketAddrV4::new(B, 80)).unwrap();
    let mut server = None;
    let mut client_got = Vec::new();
    while let Some(ns) = net.step() {
        for n in ns {
            match (n.socket, n.event) {
                (Some(x), SockEvent::Tcp(TcpEvent::Connected)) if x == c => {
                    net.send(c, b"request").unwrap();
                    net.shutdown(c).unwrap(); // "I have said everything"
                }
                (Some(x), SockEvent::Incoming) if x == l => server = net.accept(l).unwrap(),
                (Some(x), SockEvent::Tcp(TcpEvent::PeerClosed)) if Some(x) == server => {
                    // The client's FIN arrived; the server still answers, then closes.
                    net.recv(x).unwrap();
                    net.run_until(n.at + synack::time::SimDuration::from_millis(5));
                    net.send(x, b"answer after your FIN").unwrap();
                    net.close(x).unwrap();
                }
                (Some(x), SockEvent::Tcp(TcpEvent::Data(_))) if x == c => {
                    client_got.extend(net.recv(c).unwrap());
                }
                _ => {}
            }
        }
        if net.now() > SimTime::from_millis(120_000) {
            break;
        }
    }
    assert_eq!(client_got, b"answer after your FIN");
    insta::assert_snapshot!("half_close", timeline(&net, a, b).ladder_text());
}
