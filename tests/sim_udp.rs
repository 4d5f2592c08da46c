//! UDP in the simulator: datagrams need no handshake and get no acknowledgment; a lost one is
//! gone; one sent to a port with no socket vanishes silently (no ICMP is modelled).

use std::net::{Ipv4Addr, SocketAddrV4};
use synack::sim::{DropRule, LinkConfig, Net, Proto, SockEvent};
use synack::tcp::Config;
use synack::time::SimTime;

const A: Ipv4Addr = Ipv4Addr::new(10, 9, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(10, 9, 0, 2);

#[test]
fn datagrams_arrive_alone_and_lost_ones_stay_lost() {
    let mut net = Net::new(3, LinkConfig::default(), Config::default());
    let a = net.add_host(A);
    let b = net.add_host(B);
    net.set_drops(vec![DropRule { from: a, nth: 2 }]);
    let rx = net.udp_socket(b);
    net.bind_udp(rx, 53).unwrap();
    let tx = net.udp_socket(a);
    for m in [&b"one"[..], b"two", b"three"] {
        net.send_to(tx, SocketAddrV4::new(B, 53), m).unwrap();
    }
    // A datagram to a port nobody bound: no error to the sender, nothing delivered.
    net.send_to(tx, SocketAddrV4::new(B, 54), b"nobody")
        .unwrap();
    let mut got = Vec::new();
    let mut notified = 0;
    while let Some(ns) = net.step() {
        for n in ns {
            if let (Some(s), SockEvent::Datagram { len }) = (n.socket, n.event) {
                assert_eq!(s, rx);
                notified += len;
                while let Some((from, d)) = net.recv_from(rx).unwrap() {
                    assert_eq!(from, SocketAddrV4::new(A, 49152));
                    got.push(d);
                }
            }
        }
    }
    assert_eq!(got, [b"one".to_vec(), b"three".to_vec()]);
    assert_eq!(notified, 8);
    let t = net.trace();
    assert_eq!(
        t.packets.len(),
        4,
        "no handshake, no ACK, no retransmission"
    );
    assert!(t.packets.iter().all(|p| p.proto == Proto::Udp));
    assert!(t.packets[1].arrives_at().is_none());
    assert!(
        t.packets[3].arrives_at().is_some(),
        "it reached the host, just no socket"
    );
    assert_eq!(t.packets[0].sent_at, SimTime::ZERO);
}

#[test]
fn binding_the_same_udp_port_twice_fails() {
    let mut net = Net::new(3, LinkConfig::default(), Config::default());
    let b = net.add_host(B);
    let s1 = net.udp_socket(b);
    let s2 = net.udp_socket(b);
    net.bind_udp(s1, 53).unwrap();
    let e = net.bind_udp(s2, 53).unwrap_err().to_string();
    assert!(e.contains("10.9.0.2:53"), "{e}");
}
