//! Our TCP core against the Linux kernel: the same situation, the same ladder.
//!
//! Every fixture in `tests/fixtures/kernel/` is a real capture made by `scripts/kernel-captures`
//! (two network namespaces, a veth pair, Python sockets; see the README there) plus the tshark
//! text dump this file reads. Each test writes the expected ladder out literally, then checks
//! that the kernel's dump and our simulator both produce it: direction, flags, sequence and
//! acknowledgment numbers relative to each side's ISN, payload length, in capture order.
//! Timing may differ; order and numbers may not.
//!
//! Capture order is what tcpdump saw on the *server's* interface: the client's segments when
//! they arrive there (a segment the nftables rule dropped included: the rule sits behind the
//! tap), the server's when it sends them. The simulator's trace is put in the same order.
//!
//! Where Linux legitimately differs from the RFC-minimal behaviour of our core, both shapes
//! are asserted, each with the reason, instead of being normalised away.

use std::collections::BTreeSet;
use std::fs;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;
use synack::sim::{DropRule, HostId, LinkConfig, Net, SockEvent, SocketId, Trace};
use synack::tcp::{Config, Endpoint, KeepAlive, Segment, SeqNum, State, TcpEvent};
use synack::time::{SimDuration, SimTime};

const CLIENT_IP: Ipv4Addr = Ipv4Addr::new(10, 200, 0, 1);
const SERVER_IP: Ipv4Addr = Ipv4Addr::new(10, 200, 0, 2);
const CLIENT_PORT: u16 = 40000;
const SERVER_PORT: u16 = 7788;

// ---- ladders ------------------------------------------------------------------------------

/// One segment with absolute numbers, as captured or simulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Wire {
    to_server: bool,
    /// The six control bits of RFC 9293 §3.1 (FIN = bit 0).
    flags: u8,
    seq: u32,
    ack: u32,
    len: u32,
}

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;
const URG: u8 = 0x20;

/// tcpdump's letters: `S`, `S.`, `.`, `P.`, `F.`, `R`, `R.`.
fn flag_letters(f: u8) -> String {
    let mut s = String::new();
    for (bit, c) in [(SYN, 'S'), (FIN, 'F'), (RST, 'R'), (PSH, 'P'), (URG, 'U')] {
        if f & bit != 0 {
            s.push(c);
        }
    }
    if f & ACK != 0 {
        s.push('.');
    }
    s
}

/// The ladder as text, one line per segment: `C->S P. seq=1 ack=1 len=14`.
///
/// Numbers are relative to the sender's ISN (seq) and the receiver's ISN (ack), as Wireshark
/// shows them, so the SYN has seq=0. A side that never sent a SYN (a closed port answering
/// with RST) has no ISN; its numbers stay absolute and are marked `abs:`. `ack` is shown only
/// when the ACK bit is set.
fn ladder(segs: &[Wire]) -> Vec<String> {
    let isn = |to_server: bool| {
        segs.iter()
            .find(|w| w.to_server == to_server && w.flags & SYN != 0)
            .map(|w| w.seq)
    };
    let (client_isn, server_isn) = (isn(true), isn(false));
    let rel = |n: u32, base: Option<u32>| match base {
        Some(b) => n.wrapping_sub(b).to_string(),
        None => format!("abs:{n}"),
    };
    segs.iter()
        .map(|w| {
            let (dir, own, peer) = if w.to_server {
                ("C->S", client_isn, server_isn)
            } else {
                ("S->C", server_isn, client_isn)
            };
            let mut line = format!("{dir} {} seq={}", flag_letters(w.flags), rel(w.seq, own));
            if w.flags & ACK != 0 {
                line.push_str(&format!(" ack={}", rel(w.ack, peer)));
            }
            if w.len > 0 {
                line.push_str(&format!(" len={}", w.len));
            }
            line
        })
        .collect()
}

fn show(title: &str, l: &[String]) -> String {
    let mut s = format!("{title}:\n");
    for (i, line) in l.iter().enumerate() {
        s.push_str(&format!("  {:>2}  {line}\n", i + 1));
    }
    s
}

#[track_caller]
fn assert_ladder(who: &str, got: &[String], want: &[&str]) {
    assert!(
        got.iter().map(String::as_str).eq(want.iter().copied()),
        "{who} ladder differs\n{}{}",
        show("got", got),
        show(
            "want",
            &want.iter().map(|s| s.to_string()).collect::<Vec<_>>()
        )
    );
}

// ---- the kernel's side: tshark field dumps ---------------------------------------------------

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kernel")
}

/// Parse `NAME.txt`: tab-separated tshark fields with a header line (see the README).
fn kernel(name: &str) -> Vec<Wire> {
    let path = fixture_dir().join(format!("{name}.txt"));
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/kernel-captures)", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header line").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", path.display()))
    };
    let (src, flags, seq, ack, len) = (
        col("ip.src"),
        col("tcp.flags"),
        col("tcp.seq_raw"),
        col("tcp.ack_raw"),
        col("tcp.len"),
    );
    lines
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            let at = |c: usize| {
                *f.get(c)
                    .unwrap_or_else(|| panic!("{}:{}: short line", path.display(), i + 2))
            };
            let num = |c: usize| -> u32 {
                at(c)
                    .parse()
                    .unwrap_or_else(|e| panic!("{}:{}: {:?}: {e}", path.display(), i + 2, at(c)))
            };
            let bits = u16::from_str_radix(at(flags).trim_start_matches("0x"), 16)
                .unwrap_or_else(|e| panic!("{}:{}: flags: {e}", path.display(), i + 2));
            // ECE, CWR and AE must be clear: the capture ran with net.ipv4.tcp_ecn=0.
            assert_eq!(
                bits & !0x3f,
                0,
                "{}:{}: ECN bits set",
                path.display(),
                i + 2
            );
            let from = at(src);
            assert!(
                from == CLIENT_IP.to_string() || from == SERVER_IP.to_string(),
                "{}:{}: unexpected source {from}",
                path.display(),
                i + 2
            );
            Wire {
                to_server: from == CLIENT_IP.to_string(),
                flags: bits as u8,
                seq: num(seq),
                ack: num(ack),
                len: num(len),
            }
        })
        .collect()
}

fn kernel_ladder(name: &str) -> Vec<String> {
    ladder(&kernel(name))
}

// ---- our side: the simulator ---------------------------------------------------------------

fn wire(to_server: bool, seg: &Segment) -> Wire {
    Wire {
        to_server,
        flags: seg.flags.0,
        seq: seg.seq.0,
        ack: seg.ack.0,
        len: seg.payload.len() as u32,
    }
}

/// Put segments in the order tcpdump on the server's interface would have seen them: a
/// client segment at its arrival (a dropped one when it would have arrived), a server
/// segment when sent. Ties keep the order of sending, so a reply follows its cause.
fn server_view(mut seen: Vec<(SimTime, usize, Wire)>) -> Vec<String> {
    seen.sort_by_key(|(at, order, _)| (*at, *order));
    ladder(&seen.into_iter().map(|(_, _, w)| w).collect::<Vec<_>>())
}

fn sim_ladder(trace: &Trace, client: HostId, latency: SimDuration) -> Vec<String> {
    server_view(
        trace
            .packets
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let to_server = p.from == client;
                let at = if to_server {
                    p.arrives_at().unwrap_or(p.sent_at + latency)
                } else {
                    p.sent_at
                };
                (at, i, wire(to_server, &p.segment))
            })
            .collect(),
    )
}

/// The two hosts of the captures; the client is added first, so it is `HostId(0)` and
/// `DropRule`s can name it before the `Net` exists.
const CLIENT_HOST: HostId = HostId(0);

struct World {
    net: Net,
    client: HostId,
    server: HostId,
    latency: SimDuration,
}

impl World {
    fn new(link: LinkConfig, cfg: Config) -> World {
        let latency = link.latency;
        let mut net = Net::new(7, link, cfg);
        let client = net.add_host(CLIENT_IP);
        let server = net.add_host(SERVER_IP);
        assert_eq!(client, CLIENT_HOST);
        World {
            net,
            client,
            server,
            latency,
        }
    }

    fn listen(&mut self) -> SocketId {
        let l = self.net.socket(self.server);
        self.net.bind(l, SERVER_PORT).unwrap();
        self.net.listen(l, 8).unwrap();
        l
    }

    fn connect(&mut self) -> SocketId {
        let c = self.net.socket(self.client);
        self.net.bind(c, CLIENT_PORT).unwrap();
        self.net
            .connect(c, SocketAddrV4::new(SERVER_IP, SERVER_PORT))
            .unwrap();
        c
    }

    /// Run until `sock` hears `event` (a blocking socket call returning).
    fn wait_for(&mut self, sock: SocketId, event: SockEvent) {
        loop {
            let heard = self
                .net
                .step()
                .unwrap_or_else(|| panic!("simulation went idle waiting for {event:?}"));
            if heard
                .iter()
                .any(|n| n.socket == Some(sock) && n.event == event)
            {
                return;
            }
        }
    }

    /// `connect_pair()` of the capture programs: listen, connect, accept.
    fn connect_pair(&mut self) -> (SocketId, SocketId) {
        let l = self.listen();
        let c = self.connect();
        self.wait_for(c, SockEvent::Tcp(TcpEvent::Connected));
        self.wait_for(l, SockEvent::Incoming);
        let s = self.net.accept(l).unwrap().expect("a connection to accept");
        (c, s)
    }

    fn sleep(&mut self, d: SimDuration) {
        let until = self.net.now() + d;
        self.net.run_until(until);
    }

    fn ladder(&mut self) -> Vec<String> {
        // Let everything in flight land (the programs settle before tcpdump stops).
        self.sleep(SimDuration::from_secs(2));
        sim_ladder(self.net.trace(), self.client, self.latency)
    }
}

fn link(latency_ms: u64) -> LinkConfig {
    LinkConfig {
        latency: SimDuration::from_millis(latency_ms),
        ..LinkConfig::default()
    }
}

fn drop_client_nth(mut l: LinkConfig, nth: u32) -> LinkConfig {
    l.drops.push(DropRule {
        from: CLIENT_HOST,
        nth,
    });
    l
}

/// Our core's configuration for the captures: ACK at once (the kernel ran with the route's
/// `quickack` metric), no keep-alive unless a test asks.
fn config() -> Config {
    Config {
        delayed_ack: None,
        keepalive: None,
        ..Config::default()
    }
}

const HANDSHAKE: [&str; 3] = ["C->S S seq=0", "S->C S. seq=0 ack=1", "C->S . seq=1 ack=1"];

fn with_handshake(rest: &[&'static str]) -> Vec<&'static str> {
    HANDSHAKE.iter().chain(rest).copied().collect()
}

// ---- (1) handshake ------------------------------------------------------------------------

#[test]
fn handshake() {
    assert_ladder("kernel", &kernel_ladder("handshake"), &HANDSHAKE);

    let mut w = World::new(link(1), config());
    w.connect_pair();
    assert_ladder("ours", &w.ladder(), &HANDSHAKE);
}

// ---- (2) (3) (4) orderly close ------------------------------------------------------------

#[test]
fn close_client_first() {
    // RFC 9293 §3.6, Figure 12: FIN, ACK, FIN, ACK.
    let want = with_handshake(&[
        "C->S F. seq=1 ack=1",
        "S->C . seq=1 ack=2",
        "S->C F. seq=1 ack=2",
        "C->S . seq=2 ack=2",
    ]);
    assert_ladder("kernel", &kernel_ladder("close-client-first"), &want);

    let mut w = World::new(link(1), config());
    let (c, s) = w.connect_pair();
    w.net.close(c).unwrap();
    w.wait_for(s, SockEvent::Tcp(TcpEvent::PeerClosed));
    w.net.close(s).unwrap();
    assert_ladder("ours", &w.ladder(), &want);
    assert_eq!(w.net.state(c), Some(State::TimeWait));
    assert_eq!(w.net.state(s), Some(State::Closed));
}

#[test]
fn close_server_first() {
    let want = with_handshake(&[
        "S->C F. seq=1 ack=1",
        "C->S . seq=1 ack=2",
        "C->S F. seq=1 ack=2",
        "S->C . seq=2 ack=2",
    ]);
    assert_ladder("kernel", &kernel_ladder("close-server-first"), &want);

    let mut w = World::new(link(1), config());
    let (c, s) = w.connect_pair();
    w.net.close(s).unwrap();
    w.wait_for(c, SockEvent::Tcp(TcpEvent::PeerClosed));
    w.net.close(c).unwrap();
    assert_ladder("ours", &w.ladder(), &want);
    assert_eq!(w.net.state(s), Some(State::TimeWait));
    assert_eq!(w.net.state(c), Some(State::Closed));
}

#[test]
fn close_simultaneous() {
    // RFC 9293 §3.6, Figure 13: both FINs leave before either end has seen the other's, so
    // neither acknowledges the other's FIN (ack=1); both pass through CLOSING.
    //
    // Kernel: the client shut down first, but a token bucket held its FIN ~50 ms on its veth
    // (see progs/close-simultaneous.py), so the server's FIN shows first on the server's
    // interface. Ours: the same two calls 1 ms apart over a 50 ms path.
    let want = with_handshake(&[
        "S->C F. seq=1 ack=1",
        "C->S F. seq=1 ack=1",
        "S->C . seq=2 ack=2",
        "C->S . seq=2 ack=2",
    ]);
    assert_ladder("kernel", &kernel_ladder("close-simultaneous"), &want);

    let mut w = World::new(link(50), config());
    let (c, s) = w.connect_pair();
    w.net.close(c).unwrap();
    w.sleep(SimDuration::from_millis(1));
    w.net.close(s).unwrap();
    assert_ladder("ours", &w.ladder(), &want);
    for sock in [c, s] {
        let through: Vec<State> = w
            .net
            .trace()
            .states
            .iter()
            .filter(|r| r.socket == sock)
            .map(|r| r.transition.to)
            .collect();
        assert!(
            through.ends_with(&[State::FinWait1, State::Closing, State::TimeWait]),
            "{sock:?} went {through:?}"
        );
    }
}

// ---- (5) (6) resets ------------------------------------------------------------------------

#[test]
fn rst_on_closed_port() {
    // RFC 9293 §3.10.7.1: no TCB, a SYN: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    // The server never picks an ISN, so its seq is the absolute 0 on both sides.
    let want = ["C->S S seq=0", "S->C R. seq=abs:0 ack=1"];
    assert_ladder("kernel", &kernel_ladder("rst-closed-port"), &want);

    let mut w = World::new(link(1), config());
    let c = w.connect();
    w.wait_for(c, SockEvent::Tcp(TcpEvent::Refused));
    assert_ladder("ours", &w.ladder(), &want);
}

#[test]
fn abort_with_linger_zero() {
    // Known difference, both shapes asserted. RFC 9293 §3.10.5 ABORT: "send a reset segment:
    // <SEQ=SND.NXT><CTL=RST>" - our core does exactly that. Linux (tcp_send_active_reset)
    // also sets ACK with ack=RCV.NXT. Both are acceptable to the peer: §3.10.7.4 checks an
    // RST by its sequence number alone.
    let kernel = kernel_ladder("abort");
    assert_ladder("kernel", &kernel, &with_handshake(&["C->S R. seq=1 ack=1"]));

    let mut w = World::new(link(1), config());
    let (c, s) = w.connect_pair();
    w.net.abort(c).unwrap();
    let ours = w.ladder();
    assert_ladder("ours", &ours, &with_handshake(&["C->S R seq=1"]));
    assert_eq!(
        w.net.state(s),
        Some(State::Closed),
        "the RST reset the server"
    );
}

// ---- (7) (8) (9) loss -----------------------------------------------------------------------

#[test]
fn loss_recovered_by_rto() {
    // RFC 6298 §5.4: on expiry retransmit the earliest unacknowledged segment, unchanged.
    let want = with_handshake(&[
        "C->S P. seq=1 ack=1 len=14", // dropped by nftables (client segment 3)
        "C->S P. seq=1 ack=1 len=14", // retransmitted after the RTO
        "S->C . seq=1 ack=15",
    ]);
    assert_ladder("kernel", &kernel_ladder("loss-rto"), &want);

    let mut w = World::new(drop_client_nth(link(1), 3), config());
    let (c, s) = w.connect_pair();
    w.sleep(SimDuration::from_millis(50));
    w.net.send(c, b"hello, server\n").unwrap();
    w.wait_for(s, SockEvent::Tcp(TcpEvent::Data(14)));
    assert_ladder("ours", &w.ladder(), &want);
}

#[test]
fn syn_retry() {
    // RFC 9293 §3.8.1 / RFC 6298 §2.1: the SYN is retransmitted after the initial 1 s RTO,
    // with the same ISN.
    let want = [
        "C->S S seq=0", // dropped by nftables
        "C->S S seq=0",
        "S->C S. seq=0 ack=1",
        "C->S . seq=1 ack=1",
    ];
    assert_ladder("kernel", &kernel_ladder("syn-retry"), &want);

    let mut w = World::new(drop_client_nth(link(1), 1), config());
    w.connect_pair();
    assert_ladder("ours", &w.ladder(), &want);
}

#[test]
fn fast_retransmit_on_three_duplicate_acks() {
    // RFC 5681 §3.2: the third duplicate ACK retransmits the missing segment without waiting
    // for the RTO; the receiver then acknowledges everything it had buffered (§4.2: it sends
    // an immediate duplicate ACK for each out-of-order segment).
    //
    // One segment is sent and acknowledged first, then four in one send() (why, for Linux:
    // progs/fast-retransmit.py). The simulated path gets a bandwidth so that, as on the veth,
    // each segment reaches the server before the next and its duplicate ACK interleaves.
    let want = with_handshake(&[
        "C->S P. seq=1 ack=1 len=1460",
        "S->C . seq=1 ack=1461",
        "C->S . seq=1461 ack=1 len=1460", // dropped by nftables (client segment 4)
        "C->S . seq=2921 ack=1 len=1460",
        "S->C . seq=1 ack=1461", // duplicate 1
        "C->S . seq=4381 ack=1 len=1460",
        "S->C . seq=1 ack=1461", // duplicate 2
        "C->S P. seq=5841 ack=1 len=1460",
        "S->C . seq=1 ack=1461",          // duplicate 3
        "C->S . seq=1461 ack=1 len=1460", // fast retransmit
        "S->C . seq=1 ack=7301",
    ]);
    assert_ladder("kernel", &kernel_ladder("fast-retransmit"), &want);

    let mut l = drop_client_nth(link(1), 4);
    l.bandwidth_bps = Some(100_000_000);
    let mut w = World::new(l, config());
    // Start the client just below 2^32 so its data crosses the wrap: relative numbers must
    // not care.
    w.net.push_isn(w.client, u32::MAX - 3000);
    let (c, _s) = w.connect_pair();
    w.sleep(SimDuration::from_millis(50));
    w.net.send(c, &[b'a'; 1460]).unwrap();
    w.sleep(SimDuration::from_millis(50));
    w.net.send(c, &[b'b'; 1460 * 4]).unwrap();
    assert_ladder("ours", &w.ladder(), &want);
}

// ---- (10) (11) keep-alive ---------------------------------------------------------------------

/// Two endpoints joined by a fixed-delay path, driven directly: `Net` applies one
/// `tcp::Config` to every socket, and the captures set SO_KEEPALIVE on the client only.
/// `lost(from, nth)` drops the nth segment (1-based) sent by endpoint `from` (0 = client).
fn run_pair(
    client_cfg: Config,
    server_cfg: Config,
    latency: SimDuration,
    run_for: SimDuration,
    lost: impl Fn(usize, u32) -> bool,
) -> (Vec<String>, [Endpoint; 2]) {
    let mut eps = [
        Endpoint::new(client_cfg, CLIENT_PORT, SERVER_PORT),
        Endpoint::new(server_cfg, SERVER_PORT, CLIENT_PORT),
    ];
    let start = SimTime::from_millis(10);
    let until = start + run_for;
    eps[1].listen(SimTime::ZERO, SeqNum(2_000_000_000)).unwrap();
    let syn = eps[0].connect(start, SeqNum(1_000_000_000)).unwrap();

    // (arrival, order, to, segment) in flight; (server-view time, order, wire) seen.
    let mut flight: Vec<(SimTime, usize, usize, Segment)> = Vec::new();
    let mut seen: Vec<(SimTime, usize, Wire)> = Vec::new();
    let mut sent = [0u32; 2];
    let mut send = |from: usize, segs: Vec<Segment>, now: SimTime, flight: &mut Vec<_>| {
        for seg in segs {
            sent[from] += 1;
            let order = seen.len();
            let at = if from == 0 { now + latency } else { now };
            seen.push((at, order, wire(from == 0, &seg)));
            if !lost(from, sent[from]) {
                flight.push((now + latency, order, 1 - from, seg));
            }
        }
    };
    send(0, syn, start, &mut flight);
    for _ in 0..10_000 {
        let next_delivery = flight.iter().map(|(at, o, ..)| (*at, *o)).min();
        let next_timer = (0..2)
            .filter_map(|i| eps[i].next_deadline().map(|t| (t, i)))
            .min();
        match (next_delivery, next_timer) {
            (Some((at, o)), timer) if timer.is_none_or(|(t, _)| at <= t) => {
                if at >= until {
                    break;
                }
                let k = flight.iter().position(|f| f.1 == o).unwrap(); // just found
                let (_, _, to, seg) = flight.swap_remove(k);
                let out = eps[to].on_segment(at, &seg);
                send(to, out, at, &mut flight);
            }
            (_, Some((t, i))) => {
                if t >= until {
                    break;
                }
                let out = eps[i].on_timer(t);
                send(i, out, t, &mut flight);
            }
            (None, None) => break,
            (Some(_), None) => unreachable!("the first arm takes a delivery with no timer"),
        }
    }
    (server_view(seen), eps)
}

fn keepalive_client() -> Config {
    Config {
        keepalive: Some(KeepAlive {
            idle: SimDuration::from_secs(1),
            interval: SimDuration::from_secs(1),
            count: 2,
        }),
        ..config()
    }
}

#[test]
fn keepalive_probes_are_answered() {
    // RFC 9293 §3.8.4 (RFC 1122 §4.2.3.6): after the idle time, a probe with
    // SEG.SEQ = SND.NXT-1 and no data - a sequence number the peer has already seen, so it
    // must answer with an ACK (§3.10.7.4 "If an incoming segment is not acceptable, an
    // acknowledgment should be sent"). An answered probe restarts the idle time.
    let probe_and_answer = ["C->S . seq=0 ack=1", "S->C . seq=1 ack=1"];
    let want = with_handshake(&[probe_and_answer, probe_and_answer].concat());
    assert_ladder("kernel", &kernel_ladder("keepalive"), &want);

    let (ours, eps) = run_pair(
        keepalive_client(),
        config(),
        SimDuration::from_millis(1),
        SimDuration::from_millis(2500),
        |_, _| false,
    );
    assert_ladder("ours", &ours, &want);
    assert_eq!(eps[0].state(), State::Established);
    assert_eq!(eps[0].keepalive_probes(), 0, "the last probe was answered");
}

#[test]
fn keepalive_gives_up_on_a_silent_peer() {
    // The server's answers are dropped (nftables on the client's input; here: every server
    // segment after its SYN+ACK). TCP_KEEPCNT=2: after two unanswered probes, one interval
    // later, the connection is dropped.
    //
    // Known difference, both shapes asserted: Linux then sends RST+ACK (tcp_keepalive_timer
    // calls tcp_send_active_reset) in case the peer is alive but its answers are lost. RFC
    // 9293 §3.8.4 and RFC 1122 §4.2.3.6 only say the connection is dropped; our core drops it
    // silently and tells the application (TimedOut).
    let probe_and_lost_answer = ["C->S . seq=0 ack=1", "S->C . seq=1 ack=1"];
    let common = with_handshake(&[probe_and_lost_answer, probe_and_lost_answer].concat());
    let linux_only = ["C->S R. seq=1 ack=1"];
    let kernel = kernel_ladder("keepalive-dead");
    assert_ladder(
        "kernel",
        &kernel,
        &[common.as_slice(), &linux_only].concat(),
    );

    let (ours, mut eps) = run_pair(
        keepalive_client(),
        config(),
        SimDuration::from_millis(1),
        SimDuration::from_millis(3500),
        |from, nth| from == 1 && nth > 1,
    );
    assert_ladder("ours", &ours, &common);
    assert_eq!(eps[0].state(), State::Closed);
    assert!(eps[0].take_events().contains(&TcpEvent::TimedOut));
    assert_eq!(eps[1].state(), State::Established, "the server never heard");
}

// ---- (12) Linux's stock delayed ACK ----------------------------------------------------------

#[test]
fn close_with_linux_delayed_ack() {
    // The same calls as close_client_first, but the kernel ran without the quickack route:
    // Linux enters "pingpong" mode on a FIN and delays its ACK (≥ 40 ms); the server
    // application closes within microseconds, so the ACK rides on the server's FIN - a
    // three-segment close. Our core, even with a delayed-ACK timer configured, acknowledges
    // a FIN at once (RFC 9293 §3.10.7.4, eighth: "send an acknowledgment for the FIN").
    // Known difference, both shapes asserted; removing our separate ACK gives Linux's ladder.
    let linux = with_handshake(&[
        "C->S F. seq=1 ack=1",
        "S->C F. seq=1 ack=2",
        "C->S . seq=2 ack=2",
    ]);
    let ours_want = with_handshake(&[
        "C->S F. seq=1 ack=1",
        "S->C . seq=1 ack=2",
        "S->C F. seq=1 ack=2",
        "C->S . seq=2 ack=2",
    ]);
    assert_ladder("kernel", &kernel_ladder("close-delayed-ack"), &linux);

    let cfg = Config {
        delayed_ack: Some(SimDuration::from_millis(40)),
        ..config()
    };
    let mut w = World::new(link(1), cfg);
    let (c, s) = w.connect_pair();
    w.net.close(c).unwrap();
    w.wait_for(s, SockEvent::Tcp(TcpEvent::PeerClosed));
    w.net.close(s).unwrap();
    let ours = w.ladder();
    assert_ladder("ours", &ours, &ours_want);
    let mut merged = ours.clone();
    merged.remove(HANDSHAKE.len() + 1);
    assert_eq!(merged, linux);
}

// ---- the fixtures themselves -----------------------------------------------------------------

/// Every situation `scripts/kernel-captures` records, each with its program, pcap, dump, a
/// README entry and a test above.
const FIXTURES: [&str; 12] = [
    "handshake",
    "close-client-first",
    "close-server-first",
    "close-simultaneous",
    "rst-closed-port",
    "abort",
    "loss-rto",
    "syn-retry",
    "fast-retransmit",
    "keepalive",
    "keepalive-dead",
    "close-delayed-ack",
];

#[test]
fn fixtures_are_complete_and_small() {
    let dir = fixture_dir();
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    let script = fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/kernel-captures"),
    )
    .unwrap();
    for name in FIXTURES {
        for file in [
            format!("{name}.pcap"),
            format!("{name}.txt"),
            format!("progs/{name}.py"),
        ] {
            let p = dir.join(&file);
            let size = fs::metadata(&p)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
                .len();
            assert!(size < 4096, "{file} is {size} bytes: captures stay tiny");
        }
        assert!(
            readme.contains(&format!("`{name}`")),
            "README misses {name}"
        );
        assert!(
            script.contains(name),
            "scripts/kernel-captures misses {name}"
        );
        // The dump is the pcap's: one line per captured frame (pcap: 24-byte header, then a
        // 16-byte record header per frame).
        let pcap = fs::read(dir.join(format!("{name}.pcap"))).unwrap();
        assert_eq!(
            &pcap[..4],
            &[0xd4, 0xc3, 0xb2, 0xa1],
            "{name}: little-endian pcap"
        );
        let mut frames = 0;
        let mut at = 24;
        while at + 16 <= pcap.len() {
            let incl = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
            assert!(incl <= 128, "{name}: snaplen above 128");
            at += 16 + incl;
            frames += 1;
        }
        assert_eq!(at, pcap.len(), "{name}: truncated pcap");
        assert_eq!(frames, kernel(name).len(), "{name}: dump and pcap disagree");
    }
    let on_disk: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().into_string().ok()?;
            n.strip_suffix(".pcap").map(str::to_string)
        })
        .collect();
    let listed: BTreeSet<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        on_disk, listed,
        "a pcap without a test, or a test without a pcap"
    );
}

#[test]
fn ladder_text_relative_numbers_wrap() {
    // The normaliser itself: an ISN just below 2^32, and a side without an ISN.
    let segs = [
        Wire {
            to_server: true,
            flags: SYN,
            seq: u32::MAX,
            ack: 0,
            len: 0,
        },
        Wire {
            to_server: true,
            flags: PSH | ACK,
            seq: 0,
            ack: 77,
            len: 5,
        },
        Wire {
            to_server: false,
            flags: RST,
            seq: 77,
            ack: 0,
            len: 0,
        },
    ];
    assert_eq!(
        ladder(&segs),
        [
            "C->S S seq=0",
            "C->S P. seq=1 ack=abs:77 len=5",
            "S->C R seq=abs:77"
        ]
    );
}
