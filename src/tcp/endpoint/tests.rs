//! The endpoint against RFC 9293 §3.10, one rule per test, in the manner of smoltcp's
//! `src/socket/tcp.rs`: fixtures that drive the real API into each state, template segments
//! filled with `..SEND_TEMPL` / `..RECV_TEMPL`, and `send!` / `recv!` / `recv_nothing!`.
//!
//! `send!` is "the peer sends this segment" and evaluates to our replies; `recv!` feeds a
//! segment and asserts that we reply with exactly the given segments; `recv_nothing!` asserts
//! silence. Every fixture runs at time zero and forgets the transitions and events it caused,
//! so each test sees only its own.

use super::*;
use crate::tcp::KeepAlive;
use std::ops::Deref;

// ---- constants and templates ----------------------------------------------------------------

const LOCAL_PORT: u16 = 80;
const REMOTE_PORT: u16 = 49500;
/// Our ISS.
const LOCAL_SEQ: SeqNum = SeqNum(10_000);
/// The peer's ISS: -10001 as in smoltcp, so the peer's numbers cross 2^32 after 10 kB.
const REMOTE_SEQ: SeqNum = SeqNum(u32::MAX - 10_000);
/// Our receive buffer (what RECV_TEMPL advertises while it is empty).
const RCV_WND: u16 = 64;
/// What the peer advertises in SEND_TEMPL.
const PEER_WND: u16 = 256;
/// The MSS our SYN announces (Config::default()).
const MSS: u16 = 1460;

/// A segment the peer sends to us.
const SEND_TEMPL: Segment = Segment {
    src_port: REMOTE_PORT,
    dst_port: LOCAL_PORT,
    seq: SeqNum(0),
    ack: SeqNum(0),
    flags: Flags::NONE,
    window: PEER_WND,
    urgent: 0,
    mss: None,
    payload: Payload::EMPTY,
};

/// A segment we send to the peer.
const RECV_TEMPL: Segment = Segment {
    src_port: LOCAL_PORT,
    dst_port: REMOTE_PORT,
    seq: SeqNum(0),
    ack: SeqNum(0),
    flags: Flags::NONE,
    window: RCV_WND,
    urgent: 0,
    mss: None,
    payload: Payload::EMPTY,
};

// Short names for the flag sets tests use most; FIN and PSH include ACK, as on the wire.
const ACK: Flags = Flags::ACK;
const SYN: Flags = Flags::SYN;
const FIN: Flags = Flags(Flags::FIN.0 | Flags::ACK.0);
const RST: Flags = Flags::RST;
const PSH: Flags = Flags(Flags::PSH.0 | Flags::ACK.0);
const SYN_ACK: Flags = Flags(Flags::SYN.0 | Flags::ACK.0);
const RST_ACK: Flags = Flags(Flags::RST.0 | Flags::ACK.0);

fn config() -> Config {
    Config {
        rcv_wnd: RCV_WND,
        ..Config::default()
    }
}

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}

fn at(n: u64) -> SimTime {
    SimTime::from_millis(n)
}

// ---- the harness -----------------------------------------------------------------------------

/// An endpoint and the simulated clock the test moves by hand.
struct TestSocket {
    ep: Endpoint,
    now: SimTime,
}

impl Deref for TestSocket {
    type Target = Endpoint;
    fn deref(&self) -> &Endpoint {
        &self.ep
    }
}

impl TestSocket {
    fn new(ep: Endpoint) -> TestSocket {
        TestSocket {
            ep,
            now: SimTime::ZERO,
        }
    }

    fn feed(&mut self, seg: &Segment) -> Vec<Segment> {
        self.ep.on_segment(self.now, seg)
    }

    fn connect(&mut self, iss: SeqNum) -> Result<Vec<Segment>, UserError> {
        self.ep.connect(self.now, iss)
    }

    fn listen(&mut self, iss: SeqNum) -> Result<(), UserError> {
        self.ep.listen(self.now, iss)
    }

    fn send(&mut self, data: &[u8]) -> Result<Vec<Segment>, UserError> {
        self.ep.send(self.now, data)
    }

    fn send_urgent(&mut self, data: &[u8]) -> Result<Vec<Segment>, UserError> {
        self.ep.send_urgent(self.now, data)
    }

    fn close(&mut self) -> Result<Vec<Segment>, UserError> {
        self.ep.close(self.now)
    }

    fn abort(&mut self) -> Vec<Segment> {
        self.ep.abort(self.now)
    }

    fn recv(&mut self) -> Vec<u8> {
        self.ep.recv()
    }

    fn advance(&mut self, d: SimDuration) {
        self.now += d;
    }

    /// Run the timers due at `t` (which may be early: then nothing is due).
    fn timer_at(&mut self, t: SimTime) -> Vec<Segment> {
        self.now = t;
        self.ep.on_timer(t)
    }

    /// Jump to the next deadline and run the timers due there.
    fn fire(&mut self) -> Vec<Segment> {
        // A test calls this only where it expects a timer; no deadline is a test failure.
        let t = self.ep.next_deadline().expect("a timer should be armed");
        self.timer_at(t)
    }

    fn transitions(&mut self) -> Vec<Transition> {
        self.ep.take_transitions()
    }

    /// Just the (from, to) pairs, for tests that do not look at the cause.
    fn moves(&mut self) -> Vec<(State, State)> {
        self.transitions()
            .into_iter()
            .map(|t| (t.from, t.to))
            .collect()
    }

    fn events(&mut self) -> Vec<TcpEvent> {
        self.ep.take_events()
    }

    fn clear(&mut self) {
        self.ep.take_transitions();
        self.ep.take_events();
    }
}

/// The peer sends `seg`; evaluates to our replies.
macro_rules! send {
    ($s:ident, $seg:expr) => {
        $s.feed(&$seg)
    };
}

/// The peer sends `seg`; we must answer with exactly these segments, in this order.
macro_rules! recv {
    ($s:ident, $seg:expr, [$($reply:expr),* $(,)?]) => {{
        let seg: Segment = $seg;
        let want: Vec<Segment> = vec![$($reply),*];
        let got = $s.feed(&seg);
        assert_eq!(got, want, "replies to {seg}");
    }};
}

/// The peer sends `seg`; we must stay silent.
macro_rules! recv_nothing {
    ($s:ident, $seg:expr) => {
        recv!($s, $seg, [])
    };
}

fn cause(flags: Flags, seq: SeqNum, ack: SeqNum) -> Cause {
    Cause::Segment { flags, seq, ack }
}

// ---- fixtures: an endpoint already in each state, reached through the real API -------------

fn socket() -> TestSocket {
    TestSocket::new(Endpoint::new(config(), LOCAL_PORT, REMOTE_PORT))
}

/// LISTEN with the remote socket unspecified (port 0), as a server's `listen()`.
fn socket_listen() -> TestSocket {
    socket_listen_with(config())
}

fn socket_listen_with(cfg: Config) -> TestSocket {
    let mut s = TestSocket::new(Endpoint::new(cfg, LOCAL_PORT, 0));
    s.listen(LOCAL_SEQ).unwrap(); // CLOSED → LISTEN cannot fail
    s.clear();
    s
}

fn syn_from_peer() -> Segment {
    Segment {
        seq: REMOTE_SEQ,
        flags: SYN,
        ..SEND_TEMPL
    }
}

/// SYN-RECEIVED from a passive open: the peer's SYN (no MSS option) has been answered.
fn socket_syn_received() -> TestSocket {
    socket_syn_received_with(config(), syn_from_peer())
}

fn socket_syn_received_with(cfg: Config, syn: Segment) -> TestSocket {
    let mut s = socket_listen_with(cfg);
    let out = send!(s, syn);
    assert_eq!(out.len(), 1, "SYN+ACK");
    s.clear();
    s
}

/// SYN-SENT from an active open.
fn socket_syn_sent() -> TestSocket {
    socket_syn_sent_with(config(), LOCAL_SEQ)
}

fn socket_syn_sent_with(cfg: Config, iss: SeqNum) -> TestSocket {
    let mut s = TestSocket::new(Endpoint::new(cfg, LOCAL_PORT, REMOTE_PORT));
    s.connect(iss).unwrap(); // CLOSED → SYN-SENT cannot fail
    s.clear();
    s
}

/// ESTABLISHED through LISTEN → SYN-RECEIVED → ESTABLISHED. SND.NXT = LOCAL_SEQ+1,
/// RCV.NXT = REMOTE_SEQ+1, SND.WND = PEER_WND, peer MSS 536 (no option on its SYN).
fn socket_established() -> TestSocket {
    socket_established_with(config(), syn_from_peer())
}

fn socket_established_with(cfg: Config, syn: Segment) -> TestSocket {
    let (window, irs) = (syn.window, syn.seq);
    let mut s = socket_syn_received_with(cfg, syn);
    let out = send!(
        s,
        Segment {
            seq: irs + 1u32,
            ack: LOCAL_SEQ + 1u32,
            flags: ACK,
            window,
            ..SEND_TEMPL
        }
    );
    assert!(out.is_empty());
    assert_eq!(s.state(), State::Established);
    s.clear();
    s
}

/// ESTABLISHED with a peer that announced `mss` and offers `window`.
fn socket_established_mss(mss: u16, window: u16) -> TestSocket {
    socket_established_with(
        config(),
        Segment {
            mss: Some(mss),
            window,
            ..syn_from_peer()
        },
    )
}

/// FIN-WAIT-1: we closed; our FIN (seq LOCAL_SEQ+1) is unacknowledged.
fn socket_fin_wait_1() -> TestSocket {
    let mut s = socket_established();
    let out = s.close().unwrap();
    assert_eq!(out.len(), 1, "FIN");
    s.clear();
    s
}

/// FIN-WAIT-2: our FIN is acknowledged (SND.UNA = SND.NXT = LOCAL_SEQ+2).
fn socket_fin_wait_2() -> TestSocket {
    let mut s = socket_fin_wait_1();
    let out = send!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 2u32,
            flags: ACK,
            ..SEND_TEMPL
        }
    );
    assert!(out.is_empty());
    assert_eq!(s.state(), State::FinWait2);
    s.clear();
    s
}

/// CLOSING: both FINs crossed; ours is unacknowledged, theirs (REMOTE_SEQ+1) is.
fn socket_closing() -> TestSocket {
    let mut s = socket_fin_wait_1();
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 1u32,
            flags: FIN,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closing);
    s.clear();
    s
}

/// TIME-WAIT from FIN-WAIT-2 after the peer's FIN (RCV.NXT = REMOTE_SEQ+2).
fn socket_time_wait() -> TestSocket {
    let mut s = socket_fin_wait_2();
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 2u32,
            flags: FIN,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::TimeWait);
    s.clear();
    s
}

/// CLOSE-WAIT: the peer's FIN (REMOTE_SEQ+1) arrived and was acknowledged.
fn socket_close_wait() -> TestSocket {
    let mut s = socket_established();
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 1u32,
            flags: FIN,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::CloseWait);
    s.clear();
    s
}

/// LAST-ACK: we closed after the peer did; our FIN (LOCAL_SEQ+1) is unacknowledged.
fn socket_last_ack() -> TestSocket {
    let mut s = socket_close_wait();
    let out = s.close().unwrap();
    assert_eq!(out.len(), 1, "FIN");
    s.clear();
    s
}

/// Our pure ACK, `<SEQ=seq><ACK=ack><CTL=ACK>`, advertising the empty buffer.
fn our_ack(seq: SeqNum, ack: SeqNum) -> Segment {
    Segment {
        seq,
        ack,
        flags: ACK,
        ..RECV_TEMPL
    }
}

/// The peer's pure ACK.
fn peer_ack(seq: SeqNum, ack: SeqNum) -> Segment {
    Segment {
        seq,
        ack,
        flags: ACK,
        ..SEND_TEMPL
    }
}

/// The peer's data segment with PSH+ACK, acknowledging our SYN only.
fn peer_data(seq: SeqNum, data: &[u8]) -> Segment {
    Segment {
        seq,
        ack: LOCAL_SEQ + 1u32,
        flags: PSH,
        payload: data.into(),
        ..SEND_TEMPL
    }
}

/// Our data segment with PSH+ACK, advertising the empty buffer.
fn our_data(seq: SeqNum, ack: SeqNum, data: &[u8]) -> Segment {
    Segment {
        seq,
        ack,
        flags: PSH,
        payload: data.into(),
        ..RECV_TEMPL
    }
}

fn keepalive(idle: u64, interval: u64, count: u32) -> Config {
    Config {
        keepalive: Some(KeepAlive {
            idle: ms(idle),
            interval: ms(interval),
            count,
        }),
        ..config()
    }
}

// =============================================================================================
// Tests for the CLOSED state.
// =============================================================================================

#[test]
fn test_closed_syn_gets_rst_ack() {
    // §3.10.7.1: "If the ACK bit is off, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>".
    let mut s = socket();
    recv!(
        s,
        syn_from_peer(),
        [Segment {
            seq: SeqNum(0),
            ack: REMOTE_SEQ + 1u32,
            flags: RST_ACK,
            window: 0,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::Closed);
    assert!(s.moves().is_empty());
}

#[test]
fn test_closed_ack_gets_rst_at_seg_ack() {
    // §3.10.7.1: "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>".
    let mut s = socket();
    recv!(
        s,
        peer_ack(REMOTE_SEQ, SeqNum(1234)),
        [Segment {
            seq: SeqNum(1234),
            flags: RST,
            window: 0,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_closed_rst_is_discarded() {
    // §3.10.7.1: "An incoming segment containing a RST is discarded."
    let mut s = socket();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            ack: LOCAL_SEQ,
            flags: RST_ACK,
            ..SEND_TEMPL
        }
    );
}

#[test]
fn test_closed_rst_ack_counts_data_and_fin() {
    // §3.10.7.1: the RST acknowledges SEG.SEQ+SEG.LEN, and SEG.LEN counts text and FIN.
    let mut s = socket();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            flags: Flags::FIN | Flags::PSH,
            payload: b"abc".into(),
            ..SEND_TEMPL
        },
        [Segment {
            seq: SeqNum(0),
            ack: REMOTE_SEQ + 4u32,
            flags: RST_ACK,
            window: 0,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_closed_send_is_error() {
    // §3.10.2 CLOSED: "return 'error: connection does not exist'".
    let mut s = socket();
    assert_eq!(s.send(b"x"), Err(UserError::ConnectionDoesNotExist));
    assert_eq!(s.send_urgent(b"x"), Err(UserError::ConnectionDoesNotExist));
}

#[test]
fn test_closed_close_is_error() {
    // §3.10.4 CLOSED: "return 'error: connection does not exist'".
    let mut s = socket();
    assert_eq!(s.close(), Err(UserError::ConnectionDoesNotExist));
}

#[test]
fn test_closed_abort_sends_nothing() {
    // §3.10.5 CLOSED: there is no connection to reset; no segment, no state change.
    let mut s = socket();
    assert!(s.abort().is_empty());
    assert!(s.moves().is_empty());
}

#[test]
fn test_closed_connect_sends_syn() {
    // §3.10.1 CLOSED, active: "<SEQ=ISS><CTL=SYN> is sent. Set SND.UNA to ISS, SND.NXT to
    // ISS+1, enter SYN-SENT state".
    let mut s = socket();
    let out = s.connect(LOCAL_SEQ).unwrap();
    assert_eq!(
        out,
        vec![Segment {
            seq: LOCAL_SEQ,
            flags: SYN,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::SynSent);
    assert_eq!(s.snd_una(), LOCAL_SEQ);
    assert_eq!(s.snd_nxt(), LOCAL_SEQ + 1u32);
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::Closed,
            to: State::SynSent,
            cause: Cause::User(UserCall::Connect),
        }]
    );
}

#[test]
fn test_closed_listen_enters_listen() {
    // §3.10.1 CLOSED: "If passive, enter the LISTEN state and return."
    let mut s = socket();
    s.listen(LOCAL_SEQ).unwrap();
    assert_eq!(s.state(), State::Listen);
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::Closed,
            to: State::Listen,
            cause: Cause::User(UserCall::Listen),
        }]
    );
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_closed_has_no_deadline() {
    // §3.10.8: a connection that does not exist has no timers.
    assert_eq!(socket().next_deadline(), None);
}

#[test]
fn test_closed_reopen_creates_a_new_tcb() {
    // §3.10.1 CLOSED: "Create a new transmission control block" — nothing of the old
    // connection (its FIN, its buffers) survives into the next one.
    let mut s = socket_time_wait();
    s.fire();
    assert_eq!(s.state(), State::Closed);
    let iss = SeqNum(500);
    s.connect(iss).unwrap();
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            ack: iss + 1u32,
            flags: SYN_ACK,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Established);
    assert_eq!(
        s.send(b"again").unwrap(),
        vec![our_data(iss + 1u32, REMOTE_SEQ + 1u32, b"again")]
    );
}

// =============================================================================================
// Tests for the LISTEN state.
// =============================================================================================

#[test]
fn test_listen_rst_is_ignored() {
    // §3.10.7.2: "An incoming RST should be ignored. Return."
    let mut s = socket_listen();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            ack: LOCAL_SEQ,
            flags: RST_ACK,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Listen);
}

#[test]
fn test_listen_ack_gets_rst() {
    // §3.10.7.2: "Any acknowledgment is bad ... <SEQ=SEG.ACK><CTL=RST>".
    let mut s = socket_listen();
    recv!(
        s,
        peer_ack(REMOTE_SEQ, LOCAL_SEQ + 7u32),
        [Segment {
            seq: LOCAL_SEQ + 7u32,
            flags: RST,
            window: 0,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::Listen);
}

#[test]
fn test_listen_syn_ack_gets_rst() {
    // §3.10.7.2: the ACK check comes before the SYN check: a SYN+ACK is "ACK-bearing".
    let mut s = socket_listen();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            ack: LOCAL_SEQ,
            flags: SYN_ACK,
            ..SEND_TEMPL
        },
        [Segment {
            seq: LOCAL_SEQ,
            flags: RST,
            window: 0,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::Listen);
}

#[test]
fn test_listen_syn_sends_syn_ack() {
    // §3.10.7.2: "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>" with RCV.NXT = SEG.SEQ+1; our MSS
    // option rides on it (§3.7.1).
    let mut s = socket_listen();
    recv!(
        s,
        syn_from_peer(),
        [Segment {
            seq: LOCAL_SEQ,
            ack: REMOTE_SEQ + 1u32,
            flags: SYN_ACK,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_listen_syn_sets_variables() {
    // §3.10.7.2: "IRS is set to SEG.SEQ ... SND.NXT is set to ISS+1 and SND.UNA to ISS. The
    // connection state should be changed to SYN-RECEIVED."
    let mut s = socket_listen();
    send!(s, syn_from_peer());
    assert_eq!(s.irs(), REMOTE_SEQ);
    assert_eq!(s.rcv_nxt(), REMOTE_SEQ + 1u32);
    assert_eq!(s.iss(), LOCAL_SEQ);
    assert_eq!(s.snd_una(), LOCAL_SEQ);
    assert_eq!(s.snd_nxt(), LOCAL_SEQ + 1u32);
    assert_eq!(s.state(), State::SynReceived);
}

#[test]
fn test_listen_syn_transition_cause() {
    // The LISTEN → SYN-RECEIVED move records the SYN that caused it.
    let mut s = socket_listen();
    send!(s, syn_from_peer());
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::Listen,
            to: State::SynReceived,
            cause: cause(SYN, REMOTE_SEQ, SeqNum(0)),
        }]
    );
}

#[test]
fn test_listen_syn_fills_in_remote_port() {
    // §3.10.7.2: "If the listen was not fully specified ... the unspecified fields should be
    // filled in now."
    let mut s = socket_listen();
    assert_eq!(s.remote_port(), 0);
    let out = send!(s, syn_from_peer());
    assert_eq!(s.remote_port(), REMOTE_PORT);
    assert_eq!(out[0].dst_port, REMOTE_PORT);
}

#[test]
fn test_listen_other_segment_dropped() {
    // §3.10.7.2 fourth: "Drop the segment and return" (no SYN, no ACK, no RST).
    let mut s = socket_listen();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            flags: Flags::FIN,
            ..SEND_TEMPL
        }
    );
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            flags: Flags::PSH,
            payload: b"x".into(),
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Listen);
}

#[test]
fn test_listen_send_without_remote_is_error() {
    // §3.10.2 LISTEN: "If the remote socket was not specified, then return 'error: remote
    // socket unspecified'".
    let mut s = socket_listen();
    assert_eq!(s.send(b"x"), Err(UserError::RemoteSocketUnspecified));
    assert_eq!(s.state(), State::Listen);
}

#[test]
fn test_listen_connect_without_remote_is_error() {
    // §3.10.1 LISTEN: "If the remote socket was not specified, then return 'error: remote
    // socket unspecified'".
    let mut s = socket_listen();
    assert_eq!(
        s.connect(LOCAL_SEQ),
        Err(UserError::RemoteSocketUnspecified)
    );
}

#[test]
fn test_listen_connect_goes_active() {
    // §3.10.1 LISTEN: "If the OPEN call is active and the remote socket is specified, then
    // change the connection from passive to active ... Send a SYN ... Enter SYN-SENT."
    let mut s = socket();
    s.listen(LOCAL_SEQ).unwrap();
    let out = s.connect(SeqNum(77)).unwrap();
    assert_eq!(
        out,
        vec![Segment {
            seq: SeqNum(77),
            flags: SYN,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(
        s.moves(),
        vec![
            (State::Closed, State::Listen),
            (State::Listen, State::SynSent)
        ]
    );
    // Active now: a RST in SYN-RECEIVED (simultaneous open) would be "refused", not LISTEN.
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            flags: SYN,
            ..SEND_TEMPL
        }
    );
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_listen_send_goes_active() {
    // §3.10.2 LISTEN: "If the remote socket is specified, then change the connection from
    // passive to active ... Send a SYN segment ... Data ... queued for transmission after
    // entering ESTABLISHED state."
    let mut s = socket();
    s.listen(LOCAL_SEQ).unwrap();
    let out = s.send(b"hello").unwrap();
    assert_eq!(
        out,
        vec![Segment {
            seq: LOCAL_SEQ,
            flags: SYN,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::SynSent);
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            ack: LOCAL_SEQ + 1u32,
            flags: SYN_ACK,
            ..SEND_TEMPL
        },
        [
            our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32),
            our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32, b"hello")
        ]
    );
}

#[test]
fn test_listen_close_enters_closed() {
    // §3.10.4 LISTEN: "Delete TCB, enter CLOSED state, and return."
    let mut s = socket_listen();
    assert_eq!(s.close(), Ok(vec![]));
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::Listen,
            to: State::Closed,
            cause: Cause::User(UserCall::Close),
        }]
    );
}

#[test]
fn test_listen_abort_enters_closed_silently() {
    // §3.10.5 LISTEN: "Delete TCB, enter CLOSED state, and return" — nobody to send a RST to.
    let mut s = socket_listen();
    assert!(s.abort().is_empty());
    assert_eq!(
        s.transitions()[0].cause,
        Cause::User(UserCall::Abort),
        "LISTEN → CLOSED by ABORT"
    );
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_listen_connect_twice_is_error() {
    // §3.10.1: a second passive OPEN on the same TCB: "error: connection already exists".
    let mut s = socket_listen();
    assert_eq!(s.listen(LOCAL_SEQ), Err(UserError::ConnectionAlreadyExists));
}

#[test]
fn test_listen_has_no_deadline() {
    // LISTEN runs no timer: it only waits.
    assert_eq!(socket_listen().next_deadline(), None);
}

#[test]
fn test_listen_syn_without_mss_assumes_536() {
    // §3.7.1: "If an MSS Option is not received at connection setup, TCP implementations MUST
    // assume a default send MSS of 536".
    let mut s = socket_established_mss(536, 4096);
    let data = vec![b'x'; 600];
    let out = s.send(&data).unwrap();
    assert_eq!(
        out.iter().map(|s| s.payload.len()).collect::<Vec<_>>(),
        [536, 64]
    );
    let mut s = socket_established_with(
        config(),
        Segment {
            window: 4096,
            ..syn_from_peer()
        },
    );
    let out = s.send(&data).unwrap();
    assert_eq!(out[0].payload.len(), 536);
}

#[test]
fn test_fork_for_answers_with_its_own_iss() {
    // The socket layer gives each SYN its own TCB in LISTEN (RFC 9293 §3.9.1.1, MUST-42: keep
    // listening while connections are half open); the child answers with its ISS.
    let listener = socket_listen();
    let mut child = TestSocket::new(listener.fork_for(REMOTE_PORT, SeqNum(42)));
    assert_eq!(child.state(), State::Listen);
    recv!(
        child,
        syn_from_peer(),
        [Segment {
            seq: SeqNum(42),
            ack: REMOTE_SEQ + 1u32,
            flags: SYN_ACK,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(listener.state(), State::Listen);
}

// =============================================================================================
// Tests for the SYN-SENT state.
// =============================================================================================

fn syn_ack_from_peer() -> Segment {
    Segment {
        seq: REMOTE_SEQ,
        ack: LOCAL_SEQ + 1u32,
        flags: SYN_ACK,
        ..SEND_TEMPL
    }
}

#[test]
fn test_syn_sent_syn_ack_establishes() {
    // §3.10.7.3: "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to
    // ESTABLISHED, form an ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it."
    let mut s = socket_syn_sent();
    recv!(
        s,
        syn_ack_from_peer(),
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
    assert_eq!(s.state(), State::Established);
    assert_eq!(s.irs(), REMOTE_SEQ);
    assert_eq!(s.snd_una(), LOCAL_SEQ + 1u32);
    assert_eq!(s.events(), vec![TcpEvent::Connected]);
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::SynSent,
            to: State::Established,
            cause: cause(SYN_ACK, REMOTE_SEQ, LOCAL_SEQ + 1u32),
        }]
    );
}

#[test]
fn test_syn_sent_ack_at_or_below_iss_gets_rst() {
    // §3.10.7.3: "If SEG.ACK =< ISS ... send a reset <SEQ=SEG.ACK><CTL=RST> and discard".
    let mut s = socket_syn_sent();
    recv!(
        s,
        Segment {
            ack: LOCAL_SEQ,
            ..syn_ack_from_peer()
        },
        [Segment {
            seq: LOCAL_SEQ,
            flags: RST,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::SynSent);
}

#[test]
fn test_syn_sent_ack_beyond_snd_nxt_gets_rst() {
    // §3.10.7.3: "... or SEG.ACK > SND.NXT, send a reset <SEQ=SEG.ACK><CTL=RST>".
    let mut s = socket_syn_sent();
    recv!(
        s,
        Segment {
            ack: LOCAL_SEQ + 2u32,
            ..syn_ack_from_peer()
        },
        [Segment {
            seq: LOCAL_SEQ + 2u32,
            flags: RST,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::SynSent);
}

#[test]
fn test_syn_sent_bad_ack_with_rst_dropped() {
    // §3.10.7.3: "send a reset (unless the RST bit is set, if so drop the segment and return)".
    let mut s = socket_syn_sent();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            ack: LOCAL_SEQ + 5u32,
            flags: RST_ACK,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::SynSent);
}

#[test]
fn test_syn_sent_rst_with_acceptable_ack_is_refused() {
    // §3.10.7.3: "If the ACK was acceptable, then signal to the user 'error: connection reset',
    // drop the segment, enter CLOSED state".
    let mut s = socket_syn_sent();
    recv_nothing!(
        s,
        Segment {
            seq: SeqNum(0),
            ack: LOCAL_SEQ + 1u32,
            flags: RST_ACK,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), vec![TcpEvent::Refused]);
    assert_eq!(
        s.transitions()[0].cause,
        cause(RST_ACK, SeqNum(0), LOCAL_SEQ + 1u32)
    );
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_syn_sent_rst_without_ack_dropped() {
    // §3.10.7.3: "Otherwise (no ACK), drop the segment and return."
    let mut s = socket_syn_sent();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::SynSent);
}

#[test]
fn test_syn_sent_plain_ack_dropped() {
    // §3.10.7.3 fifth: "If neither of the SYN or RST bits is set, then drop the segment".
    let mut s = socket_syn_sent();
    recv_nothing!(s, peer_ack(REMOTE_SEQ, LOCAL_SEQ + 1u32));
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            ack: LOCAL_SEQ + 1u32,
            flags: FIN,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::SynSent);
}

#[test]
fn test_syn_sent_syn_enters_syn_received() {
    // §3.10.7.3: "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment
    // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it."
    let mut s = socket_syn_sent();
    recv!(
        s,
        syn_from_peer(),
        [Segment {
            seq: LOCAL_SEQ,
            ack: REMOTE_SEQ + 1u32,
            flags: SYN_ACK,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::SynReceived);
    assert_eq!(s.snd_wnd(), u32::from(PEER_WND));
}

/// Simultaneous open up to SYN-RECEIVED (RFC 9293 Figure 8, line 3).
fn socket_simultaneous_open() -> TestSocket {
    let mut s = socket_syn_sent();
    send!(s, syn_from_peer());
    assert_eq!(s.state(), State::SynReceived);
    s.clear();
    s
}

#[test]
fn test_simultaneous_open_syn_ack_establishes() {
    // RFC 9293 Figure 8 line 6: "ESTABLISHED <-- <SEQ=300><ACK=101><CTL=SYN,ACK>": the peer's
    // SYN+ACK in SYN-RECEIVED completes the open (its SYN is old; its ACK is new).
    let mut s = socket_simultaneous_open();
    recv_nothing!(s, syn_ack_from_peer());
    assert_eq!(s.state(), State::Established);
    assert_eq!(s.events(), vec![TcpEvent::Connected]);
    assert_eq!(s.next_deadline(), None, "our SYN is acknowledged");
}

#[test]
fn test_simultaneous_open_ack_establishes() {
    // §3.10.7.4 fifth, SYN-RECEIVED: "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED".
    let mut s = socket_simultaneous_open();
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 1u32));
    assert_eq!(s.moves(), vec![(State::SynReceived, State::Established)]);
}

#[test]
fn test_simultaneous_open_rst_is_refused() {
    // §3.10.7.4 second, SYN-RECEIVED: "If this connection was initiated with an active OPEN
    // ... the connection was refused ... enter the CLOSED state".
    let mut s = socket_simultaneous_open();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), vec![TcpEvent::Refused]);
}

#[test]
fn test_simultaneous_open_syn_retransmission_answered() {
    // In SYN-RECEIVED after an active open a repeated SYN is not a new connection; answer with
    // our SYN+ACK again (it may have been lost).
    let mut s = socket_simultaneous_open();
    recv!(
        s,
        syn_from_peer(),
        [Segment {
            seq: LOCAL_SEQ,
            ack: REMOTE_SEQ + 1u32,
            flags: SYN_ACK,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::SynReceived);
}

#[test]
fn test_syn_sent_syn_ack_with_data_delivers_it() {
    // §3.10.7.3: "If there are other controls or text in the segment, then continue processing
    // at the sixth step under Section 3.10.7.4" — the data after the SYN is delivered and ACKed.
    let mut s = socket_syn_sent();
    recv!(
        s,
        Segment {
            flags: Flags::SYN | Flags::ACK | Flags::PSH,
            payload: b"hello".into(),
            ..syn_ack_from_peer()
        },
        [Segment {
            window: RCV_WND - 5,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 6u32)
        }]
    );
    assert_eq!(s.events(), vec![TcpEvent::Connected, TcpEvent::Data(5)]);
    assert_eq!(s.recv(), b"hello");
}

#[test]
fn test_syn_sent_syn_ack_with_fin_enters_close_wait() {
    // §3.10.7.3 → §3.10.7.4 eighth: a FIN on the SYN+ACK is processed after ESTABLISHED:
    // "Enter the CLOSE-WAIT state", and the ACK covers the FIN.
    let mut s = socket_syn_sent();
    recv!(
        s,
        Segment {
            flags: Flags::SYN | Flags::ACK | Flags::FIN,
            ..syn_ack_from_peer()
        },
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(
        s.moves(),
        vec![
            (State::SynSent, State::Established),
            (State::Established, State::CloseWait)
        ]
    );
    assert_eq!(s.events(), vec![TcpEvent::Connected, TcpEvent::PeerClosed]);
}

#[test]
fn test_syn_sent_takes_window_and_mss_from_syn_ack() {
    // §3.10.7.3 sets SND.WND from SEG.WND; §3.7.1: the MSS option bounds our segments.
    let mut s = socket_syn_sent();
    send!(
        s,
        Segment {
            window: 1000,
            mss: Some(4),
            ..syn_ack_from_peer()
        }
    );
    assert_eq!(s.snd_wnd(), 1000);
    let out = s.send(b"abcdefghij").unwrap();
    assert_eq!(
        out.iter().map(|s| s.payload.len()).collect::<Vec<_>>(),
        [4, 4, 2]
    );
}

#[test]
fn test_syn_sent_send_is_queued_until_established() {
    // §3.10.2 SYN-SENT: "Queue the data for transmission after entering ESTABLISHED state."
    let mut s = socket_syn_sent();
    assert_eq!(s.send(b"abc"), Ok(vec![]));
    assert_eq!(s.send_queue_len(), 3);
    recv!(
        s,
        syn_ack_from_peer(),
        [
            our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32),
            our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32, b"abc")
        ]
    );
}

#[test]
fn test_syn_sent_close_enters_closed() {
    // §3.10.4 SYN-SENT: "Delete the TCB" — no FIN, since nothing was synchronized.
    let mut s = socket_syn_sent();
    assert_eq!(s.close(), Ok(vec![]));
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.transitions()[0].cause, Cause::User(UserCall::Close));
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_syn_sent_abort_sends_no_rst() {
    // §3.10.5 SYN-SENT: "Delete the TCB, enter CLOSED state, and return" — no RST.
    let mut s = socket_syn_sent();
    assert!(s.abort().is_empty());
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_syn_sent_connect_again_is_error() {
    // §3.10.1 SYN-SENT: "Return 'error: connection already exists'."
    let mut s = socket_syn_sent();
    assert_eq!(
        s.connect(LOCAL_SEQ),
        Err(UserError::ConnectionAlreadyExists)
    );
    assert_eq!(s.listen(LOCAL_SEQ), Err(UserError::ConnectionAlreadyExists));
}

#[test]
fn test_syn_sent_retransmits_syn_with_backoff() {
    // RFC 6298 §2.1: RTO starts at 1 s; §5.4: retransmit the earliest unacknowledged segment;
    // §5.5: "The host MUST set RTO <- RTO * 2 ('back off the timer')".
    let mut s = socket_syn_sent();
    let syn = Segment {
        seq: LOCAL_SEQ,
        flags: SYN,
        mss: Some(MSS),
        ..RECV_TEMPL
    };
    assert_eq!(s.next_deadline(), Some(at(1_000)));
    assert_eq!(s.fire(), vec![syn.clone()]);
    assert_eq!(s.now, at(1_000));
    assert_eq!(s.next_deadline(), Some(at(3_000)));
    assert_eq!(s.fire(), vec![syn]);
    assert_eq!(s.next_deadline(), Some(at(7_000)));
}

#[test]
fn test_syn_sent_gives_up_after_syn_retries() {
    // Linux tcp_syn_retries: after `syn_retries` retransmissions the next timeout closes the
    // connection with "connection timed out"; the cause is GaveUp.
    let mut s = socket_syn_sent_with(
        Config {
            syn_retries: 2,
            ..config()
        },
        LOCAL_SEQ,
    );
    assert_eq!(s.fire().len(), 1);
    assert_eq!(s.fire().len(), 1);
    assert_eq!(s.fire(), vec![]);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), vec![TcpEvent::TimedOut]);
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: at(7_000),
            from: State::SynSent,
            to: State::Closed,
            cause: Cause::GaveUp,
        }]
    );
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_syn_sent_rtt_sample_from_syn_ack() {
    // RFC 6298 §2.2: the first measurement R sets SRTT <- R, RTTVAR <- R/2,
    // RTO <- SRTT + max(G, 4·RTTVAR).
    let mut s = socket_syn_sent();
    s.advance(ms(100));
    send!(s, syn_ack_from_peer());
    assert_eq!(s.rto().srtt(), Some(ms(100)));
    assert_eq!(s.rto().rttvar(), ms(50));
    assert_eq!(s.rto().rto(), ms(300));
}

#[test]
fn test_syn_sent_karn_no_sample_from_retransmitted_syn() {
    // RFC 6298 §3 (Karn): "RTT samples MUST NOT be made using segments that were
    // retransmitted"; the backed-off RTO is kept for the next segment.
    let mut s = socket_syn_sent();
    s.fire();
    s.advance(ms(100));
    send!(s, syn_ack_from_peer());
    assert_eq!(s.rto().srtt(), None);
    assert_eq!(s.rto().rto(), ms(2_000));
}

// =============================================================================================
// Tests for the SYN-RECEIVED state.
// =============================================================================================

fn ack_of_syn_ack() -> Segment {
    peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 1u32)
}

#[test]
fn test_syn_received_ack_establishes() {
    // §3.10.7.4 fifth, SYN-RECEIVED: "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED
    // state ... SND.WND <- SEG.WND".
    let mut s = socket_syn_received();
    recv_nothing!(
        s,
        Segment {
            window: 1234,
            ..ack_of_syn_ack()
        }
    );
    assert_eq!(s.state(), State::Established);
    assert_eq!(s.snd_una(), LOCAL_SEQ + 1u32);
    assert_eq!(s.snd_wnd(), 1234);
    assert_eq!(s.events(), vec![TcpEvent::Connected]);
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::SynReceived,
            to: State::Established,
            cause: cause(ACK, REMOTE_SEQ + 1u32, LOCAL_SEQ + 1u32),
        }]
    );
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_syn_received_bad_ack_gets_rst() {
    // §3.10.7.4 fifth, SYN-RECEIVED: "If the segment acknowledgment is not acceptable, form a
    // reset segment <SEQ=SEG.ACK><CTL=RST> and send it."
    let mut s = socket_syn_received();
    recv!(
        s,
        peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 9u32),
        [Segment {
            seq: LOCAL_SEQ + 9u32,
            flags: RST,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::SynReceived);
}

#[test]
fn test_syn_received_ack_of_iss_gets_rst() {
    // §3.10.7.4 fifth: SEG.ACK = SND.UNA (= ISS) fails "SND.UNA < SEG.ACK": not acceptable.
    let mut s = socket_syn_received();
    recv!(
        s,
        peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ),
        [Segment {
            seq: LOCAL_SEQ,
            flags: RST,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_syn_received_rst_returns_to_listen() {
    // §3.10.7.4 second, SYN-RECEIVED: "If this connection was initiated with a passive OPEN
    // ... return this connection to LISTEN state and return. The user need not be informed."
    let mut s = socket_syn_received();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Listen);
    assert!(s.events().is_empty());
    assert_eq!(
        s.transitions()[0].cause,
        cause(RST, REMOTE_SEQ + 1u32, SeqNum(0))
    );
    // "the retransmission queue should be flushed"
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_syn_received_listen_again_after_rst() {
    // Back in LISTEN, the TCB takes the next SYN as a fresh one (new IRS, fresh retries).
    let mut s = socket_syn_received();
    s.fire();
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    recv!(
        s,
        Segment {
            seq: SeqNum(5),
            flags: SYN,
            ..SEND_TEMPL
        },
        [Segment {
            seq: LOCAL_SEQ,
            ack: SeqNum(6),
            flags: SYN_ACK,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::SynReceived);
    assert_eq!(s.irs(), SeqNum(5));
}

#[test]
fn test_syn_received_rst_not_exact_gets_challenge_ack() {
    // §3.10.7.4 second (RFC 5961 §3.2): "If the RST bit is set and the sequence number does
    // not exactly match the next expected sequence value, yet is within the current receive
    // window, TCP endpoints MUST send an acknowledgment (challenge ACK)".
    let mut s = socket_syn_received();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 2u32,
            flags: RST,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
    assert_eq!(s.state(), State::SynReceived);
}

#[test]
fn test_syn_received_rst_outside_window_dropped() {
    // §3.10.7.4 second: "If the RST bit is set and the sequence number is outside the current
    // receive window, silently drop the segment."
    let mut s = socket_syn_received();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32 + u32::from(RCV_WND),
            flags: RST,
            ..SEND_TEMPL
        }
    );
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::SynReceived);
}

#[test]
fn test_syn_received_duplicate_syn_resends_syn_ack() {
    // NOTE: RFC 9293 would answer a retransmitted SYN (old, so unacceptable) with a bare ACK;
    // like Linux we resend the SYN+ACK, which is what the peer in SYN-SENT is missing.
    let mut s = socket_syn_received();
    recv!(
        s,
        syn_from_peer(),
        [Segment {
            seq: LOCAL_SEQ,
            ack: REMOTE_SEQ + 1u32,
            flags: SYN_ACK,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::SynReceived);
}

#[test]
fn test_syn_received_new_syn_in_window_returns_to_listen() {
    // §3.10.7.4 fourth, SYN-RECEIVED: "If the connection was initiated with a passive OPEN,
    // then return this connection to the LISTEN state and return."
    let mut s = socket_syn_received();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 3u32,
            flags: SYN,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Listen);
    assert_eq!(
        s.transitions()[0].cause,
        cause(SYN, REMOTE_SEQ + 3u32, SeqNum(0))
    );
}

#[test]
fn test_syn_received_retransmits_syn_ack() {
    // §3.10.8 RETRANSMISSION TIMEOUT: "send the segment at the front of the retransmission
    // queue again" — here our SYN+ACK, after the initial RTO of 1 s (RFC 6298 §2.1).
    let mut s = socket_syn_received();
    assert_eq!(s.next_deadline(), Some(at(1_000)));
    assert_eq!(
        s.fire(),
        vec![Segment {
            seq: LOCAL_SEQ,
            ack: REMOTE_SEQ + 1u32,
            flags: SYN_ACK,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_syn_received_gives_up_after_syn_retries() {
    // The SYN+ACK is retried `syn_retries` times like a SYN, then the half-open TCB is dropped.
    let mut s = socket_syn_received_with(
        Config {
            syn_retries: 1,
            ..config()
        },
        syn_from_peer(),
    );
    assert_eq!(s.fire().len(), 1);
    assert_eq!(s.fire(), vec![]);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), vec![TcpEvent::TimedOut]);
    assert_eq!(s.transitions()[0].cause, Cause::GaveUp);
}

#[test]
fn test_syn_received_ack_with_data_delivers_it() {
    // §3.10.7.4: after the ACK moves us to ESTABLISHED, "continue processing": the text is
    // delivered and acknowledged.
    let mut s = socket_syn_received();
    recv!(
        s,
        peer_data(REMOTE_SEQ + 1u32, b"GET /"),
        [Segment {
            window: RCV_WND - 5,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 6u32)
        }]
    );
    assert_eq!(s.events(), vec![TcpEvent::Connected, TcpEvent::Data(5)]);
}

#[test]
fn test_syn_received_fin_enters_close_wait() {
    // §3.10.7.4 eighth: "SYN-RECEIVED STATE, ESTABLISHED STATE: Enter the CLOSE-WAIT state."
    let mut s = socket_syn_received();
    recv!(
        s,
        Segment {
            flags: FIN,
            ..ack_of_syn_ack()
        },
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(
        s.moves(),
        vec![
            (State::SynReceived, State::Established),
            (State::Established, State::CloseWait)
        ]
    );
}

#[test]
fn test_syn_received_segment_without_ack_dropped() {
    // §3.10.7.4 fifth: "if the ACK bit is off, drop the segment and return".
    let mut s = socket_syn_received();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: Flags::PSH,
            payload: b"x".into(),
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::SynReceived);
    assert_eq!(s.rcv_nxt(), REMOTE_SEQ + 1u32);
}

#[test]
fn test_syn_received_close_sends_fin() {
    // §3.10.4 SYN-RECEIVED: "If no SENDs have been issued and there is no pending data to
    // send, then form a FIN segment and send it, and enter FIN-WAIT-1 state".
    let mut s = socket_syn_received();
    assert_eq!(
        s.close(),
        Ok(vec![Segment {
            flags: FIN,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)
        }])
    );
    assert_eq!(s.moves(), vec![(State::SynReceived, State::FinWait1)]);
}

#[test]
fn test_syn_received_close_retransmits_syn_ack_first() {
    // §3.10.8 / RFC 6298 §5.4: the earliest unacknowledged segment is still our SYN+ACK, so a
    // timeout resends it (the FIN alone could not synchronize the peer).
    let mut s = socket_syn_received();
    s.close().unwrap();
    assert_eq!(
        s.fire(),
        vec![Segment {
            seq: LOCAL_SEQ,
            ack: REMOTE_SEQ + 1u32,
            flags: SYN_ACK,
            mss: Some(MSS),
            ..RECV_TEMPL
        }]
    );
    // The ACK of the SYN leaves the FIN outstanding; FIN-WAIT-1 goes on.
    recv_nothing!(s, ack_of_syn_ack());
    assert_eq!(s.state(), State::FinWait1);
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 2u32));
    assert_eq!(s.state(), State::FinWait2);
}

#[test]
fn test_syn_received_close_with_queued_data_waits() {
    // §3.10.4 SYN-RECEIVED: "otherwise, queue for processing after entering ESTABLISHED
    // state" — data first, then the FIN, and FIN-WAIT-1 only once ESTABLISHED.
    let mut s = socket_syn_received();
    assert_eq!(s.send(b"abc"), Ok(vec![]));
    assert_eq!(s.close(), Ok(vec![]));
    assert_eq!(s.state(), State::SynReceived);
    assert_eq!(s.send(b"more"), Err(UserError::ConnectionClosing));
    recv!(
        s,
        ack_of_syn_ack(),
        [
            our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32, b"abc"),
            Segment {
                flags: FIN,
                ..our_ack(LOCAL_SEQ + 4u32, REMOTE_SEQ + 1u32)
            }
        ]
    );
    let t = s.transitions();
    assert_eq!(
        t.iter().map(|t| (t.from, t.to)).collect::<Vec<_>>(),
        vec![
            (State::SynReceived, State::Established),
            (State::Established, State::FinWait1)
        ]
    );
    assert_eq!(t[1].cause, Cause::User(UserCall::Close));
}

#[test]
fn test_syn_received_abort_sends_rst() {
    // §3.10.5 SYN-RECEIVED: "Send a reset segment: <SEQ=SND.NXT><CTL=RST>".
    let mut s = socket_syn_received();
    assert_eq!(
        s.abort(),
        vec![Segment {
            seq: LOCAL_SEQ + 1u32,
            flags: RST,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_syn_received_send_is_queued() {
    // §3.10.2 SYN-RECEIVED: "Queue the data for transmission after entering ESTABLISHED".
    let mut s = socket_syn_received();
    assert_eq!(s.send(b"hi"), Ok(vec![]));
    recv!(
        s,
        ack_of_syn_ack(),
        [our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32, b"hi")]
    );
}

#[test]
fn test_syn_received_rtt_sample_from_ack() {
    // RFC 6298 §2.2: the ACK of the SYN+ACK times the first round trip of a passive open.
    let mut s = socket_syn_received();
    s.advance(ms(40));
    send!(s, ack_of_syn_ack());
    assert_eq!(s.rto().srtt(), Some(ms(40)));
}

// =============================================================================================
// Tests for the ESTABLISHED state: sending.
// =============================================================================================

#[test]
fn test_established_send_carries_ack_and_psh() {
    // §3.10.2 ESTABLISHED: "Segmentize the buffer and send it with a piggybacked
    // acknowledgment (acknowledgment value = RCV.NXT)"; the last piece carries PSH.
    let mut s = socket_established();
    assert_eq!(
        s.send(b"abcdef").unwrap(),
        vec![our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32, b"abcdef")]
    );
    assert_eq!(s.snd_nxt(), LOCAL_SEQ + 7u32);
    assert_eq!(s.snd_una(), LOCAL_SEQ + 1u32);
}

#[test]
fn test_established_send_splits_at_mss_psh_on_last() {
    // §3.7.1: no segment exceeds the effective send MSS; PSH marks the end of what the user
    // sent, so only the last piece carries it.
    let mut s = socket_established_mss(4, 1000);
    let out = s.send(b"abcdefghij").unwrap();
    assert_eq!(
        out,
        vec![
            Segment {
                flags: ACK,
                ..our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32, b"abcd")
            },
            Segment {
                flags: ACK,
                ..our_data(LOCAL_SEQ + 5u32, REMOTE_SEQ + 1u32, b"efgh")
            },
            our_data(LOCAL_SEQ + 9u32, REMOTE_SEQ + 1u32, b"ij"),
        ]
    );
}

#[test]
fn test_established_our_mss_bounds_segments_too() {
    // §3.7.1: Eff.snd.MSS = min(peer's MSS, what we can send): our own `mss` caps it as well.
    let mut s = socket_established_with(
        Config { mss: 3, ..config() },
        Segment {
            mss: Some(1000),
            window: 1000,
            ..syn_from_peer()
        },
    );
    let out = s.send(b"abcdefg").unwrap();
    assert_eq!(
        out.iter().map(|s| s.payload.len()).collect::<Vec<_>>(),
        [3, 3, 1]
    );
}

#[test]
fn test_established_send_respects_peer_window() {
    // §3.8.6.2.1: the usable window U = SND.UNA + SND.WND - SND.NXT bounds what is sent.
    let mut s = socket_established_mss(1000, 4);
    assert_eq!(
        s.send(b"abcdefgh").unwrap(),
        vec![Segment {
            flags: ACK,
            ..our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32, b"abcd")
        }]
    );
    assert_eq!(s.send(b"ij").unwrap(), vec![]);
    assert_eq!(s.send_queue_len(), 10);
}

#[test]
fn test_established_ack_opens_window_and_releases_data() {
    // §3.10.7.4 fifth: the ACK moves SND.UNA and sets SND.WND; the queued data then leaves.
    let mut s = socket_established_mss(1000, 4);
    s.send(b"abcdefgh").unwrap();
    recv!(
        s,
        Segment {
            window: 4,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32)
        },
        [our_data(LOCAL_SEQ + 5u32, REMOTE_SEQ + 1u32, b"efgh")]
    );
    assert_eq!(s.snd_una(), LOCAL_SEQ + 5u32);
    assert_eq!(s.send_queue_len(), 4);
}

#[test]
fn test_established_window_update_without_new_ack() {
    // §3.10.7.4 fifth: "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated"
    // — a pure window update (same ACK, newer SEG.SEQ) reopens a closed window.
    let mut s = socket_established_mss(1000, 4);
    s.send(b"abcdefgh").unwrap();
    send!(
        s,
        Segment {
            window: 0,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32)
        }
    );
    assert_eq!(s.snd_wnd(), 0);
    recv!(
        s,
        Segment {
            window: 100,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32)
        },
        [our_data(LOCAL_SEQ + 5u32, REMOTE_SEQ + 1u32, b"efgh")]
    );
}

#[test]
fn test_established_old_segment_does_not_update_window() {
    // §3.10.7.4 fifth: update only "If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and
    // SND.WL2 =< SEG.ACK))" — "The check here prevents using old segments to update the
    // window."
    let mut s = socket_established();
    s.send(b"abcdef").unwrap();
    send!(
        s,
        Segment {
            window: 100,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 7u32)
        }
    );
    // An older ACK (lower SEG.ACK, same SEG.SEQ) arriving late must not shrink the window.
    recv_nothing!(
        s,
        Segment {
            window: 1,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 3u32)
        }
    );
    assert_eq!(s.snd_wnd(), 100);
}

#[test]
fn test_established_old_ack_with_newer_seq_does_not_update_window() {
    // §3.10.7.4 fifth: the window is updated only "If SND.UNA =< SEG.ACK =< SND.NXT"; an
    // ACK below SND.UNA "can be ignored".
    let mut s = socket_established();
    s.send(b"abcdef").unwrap();
    send!(
        s,
        Segment {
            window: 100,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 7u32)
        }
    );
    send!(s, peer_data(REMOTE_SEQ + 1u32, b"x"));
    send!(
        s,
        Segment {
            window: 2,
            ack: LOCAL_SEQ + 2u32,
            ..peer_data(REMOTE_SEQ + 2u32, b"y")
        }
    );
    assert_eq!(s.snd_una(), LOCAL_SEQ + 7u32);
    assert_eq!(s.snd_wnd(), 100);
}

#[test]
fn test_established_ack_of_unsent_data_gets_ack() {
    // §3.10.7.4 fifth: "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send
    // an ACK, drop the segment, and return."
    let mut s = socket_established();
    recv!(
        s,
        Segment {
            ack: LOCAL_SEQ + 100u32,
            ..peer_data(REMOTE_SEQ + 1u32, b"abc")
        },
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
    assert_eq!(s.rcv_nxt(), REMOTE_SEQ + 1u32, "the text was dropped too");
    assert_eq!(s.snd_una(), LOCAL_SEQ + 1u32);
}

#[test]
fn test_established_duplicate_ack_ignored() {
    // §3.10.7.4 fifth: "If the ACK is a duplicate (SEG.ACK =< SND.UNA), it can be ignored."
    let mut s = socket_established();
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 1u32));
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ));
    assert_eq!(s.state(), State::Established);
    assert_eq!(s.snd_una(), LOCAL_SEQ + 1u32);
}

#[test]
fn test_established_ack_drains_send_queue() {
    // §3.10.7.4 fifth: "Any segments on the retransmission queue that are thereby entirely
    // acknowledged are removed."
    let mut s = socket_established();
    s.send(b"abcdef").unwrap();
    send!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 3u32));
    assert_eq!(s.send_queue_len(), 4);
    send!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 7u32));
    assert_eq!(s.send_queue_len(), 0);
}

#[test]
fn test_established_segment_without_ack_dropped() {
    // §3.10.7.4 fifth: "if the ACK bit is off, drop the segment and return".
    let mut s = socket_established();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: Flags::PSH,
            payload: b"abc".into(),
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.rcv_nxt(), REMOTE_SEQ + 1u32);
}

#[test]
fn test_established_send_urgent_sets_pointer() {
    // §3.10.2: "If the URGENT flag is set, then SND.UP <- SND.NXT and set the urgent pointer in
    // the outgoing segments"; §3.8.5 (MUST-62): it points to "the octet following the urgent
    // data".
    let mut s = socket_established();
    assert_eq!(
        s.send_urgent(b"abc").unwrap(),
        vec![Segment {
            flags: Flags::URG | PSH,
            urgent: 3,
            ..our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32, b"abc")
        }]
    );
}

#[test]
fn test_established_urgent_pointer_spans_segments() {
    // §3.8.5: "The URG control flag indicates that the urgent field is meaningful and must be
    // added to the segment sequence number to yield the urgent pointer"; segments past the
    // urgent data carry no URG.
    let mut s = socket_established_mss(2, 1000);
    let out = s.send_urgent(b"abcde").unwrap();
    assert_eq!(
        out.iter()
            .map(|s| (s.flags.urg(), s.urgent))
            .collect::<Vec<_>>(),
        [(true, 5), (true, 3), (true, 1)]
    );
    let out = s.send(b"fg").unwrap();
    assert_eq!(out[0].flags, PSH);
    assert_eq!(out[0].urgent, 0);
}

// =============================================================================================
// Tests for the ESTABLISHED state: receiving (acceptability, text, reassembly).
// =============================================================================================

#[test]
fn test_established_data_is_acked() {
    // §3.10.7.4 seventh: "Send an acknowledgment of the form <SEQ=SND.NXT><ACK=RCV.NXT>
    // <CTL=ACK>"; RCV.WND shrinks by what the user has not read yet.
    let mut s = socket_established();
    recv!(
        s,
        peer_data(REMOTE_SEQ + 1u32, b"abcdef"),
        [Segment {
            window: RCV_WND - 6,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 7u32)
        }]
    );
    assert_eq!(s.events(), vec![TcpEvent::Data(6)]);
    assert_eq!(s.recv(), b"abcdef");
    assert_eq!(
        s.rcv_wnd(),
        u32::from(RCV_WND),
        "reading reopens the window"
    );
}

#[test]
fn test_established_zero_length_in_window_acceptable() {
    // §3.10.7.4 first, Table 6: length 0, window >0: "RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND".
    let mut s = socket_established();
    s.send(b"ab").unwrap();
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 5u32, LOCAL_SEQ + 3u32));
    assert_eq!(s.snd_una(), LOCAL_SEQ + 3u32, "ACK processed");
}

#[test]
fn test_established_zero_length_beyond_window_gets_ack() {
    // Table 6: SEG.SEQ = RCV.NXT+RCV.WND fails the test; "If an incoming segment is not
    // acceptable, an acknowledgment should be sent in reply ... drop the unacceptable segment".
    let mut s = socket_established();
    s.send(b"ab").unwrap();
    recv!(
        s,
        peer_ack(REMOTE_SEQ + 1u32 + u32::from(RCV_WND), LOCAL_SEQ + 3u32),
        [our_ack(LOCAL_SEQ + 3u32, REMOTE_SEQ + 1u32)]
    );
    assert_eq!(
        s.snd_una(),
        LOCAL_SEQ + 1u32,
        "ACK of a dropped segment ignored"
    );
}

#[test]
fn test_established_zero_length_before_window_gets_ack() {
    // Table 6: SEG.SEQ < RCV.NXT is not acceptable either (an old duplicate).
    let mut s = socket_established();
    recv!(
        s,
        peer_ack(REMOTE_SEQ, LOCAL_SEQ + 1u32),
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
}

#[test]
fn test_established_old_data_gets_ack_not_delivered() {
    // Table 6: length >0 with neither end in the window (a retransmission of data already
    // received) is not acceptable: ACK it, deliver nothing.
    let mut s = socket_established();
    send!(s, peer_data(REMOTE_SEQ + 1u32, b"abc"));
    s.events();
    recv!(
        s,
        peer_data(REMOTE_SEQ + 1u32, b"abc"),
        [Segment {
            window: RCV_WND - 3,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 4u32)
        }]
    );
    assert!(s.events().is_empty());
    assert_eq!(s.recv(), b"abc");
}

#[test]
fn test_established_data_straddling_left_edge_keeps_new_part() {
    // §3.10.7.4 first: "If a segment's contents straddle the boundary between old and new,
    // only the new parts are processed."
    let mut s = socket_established();
    send!(s, peer_data(REMOTE_SEQ + 1u32, b"abc"));
    s.events();
    recv!(
        s,
        peer_data(REMOTE_SEQ + 2u32, b"bcdef"),
        [Segment {
            window: RCV_WND - 6,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 7u32)
        }]
    );
    assert_eq!(s.events(), vec![TcpEvent::Data(3)]);
    assert_eq!(s.recv(), b"abcdef");
}

#[test]
fn test_established_data_beyond_window_is_trimmed() {
    // §3.10.7.4 first: trim "any portions that lie outside the window"; the ACK tells the
    // sender where the window ends (RCV.WND = 0 now).
    let mut s = socket_established();
    let data = vec![b'x'; usize::from(RCV_WND) + 10];
    recv!(
        s,
        peer_data(REMOTE_SEQ + 1u32, &data),
        [Segment {
            window: 0,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32 + u32::from(RCV_WND))
        }]
    );
    assert_eq!(s.recv().len(), usize::from(RCV_WND));
}

#[test]
fn test_established_fin_beyond_window_is_trimmed() {
    // §3.10.7.4 first: the trim includes a FIN that falls outside the window; it is not
    // processed (the peer will send it again).
    let mut s = socket_established();
    let data = vec![b'x'; usize::from(RCV_WND)];
    recv!(
        s,
        Segment {
            flags: FIN | Flags::PSH,
            ..peer_data(REMOTE_SEQ + 1u32, &data)
        },
        [Segment {
            window: 0,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32 + u32::from(RCV_WND))
        }]
    );
    assert_eq!(s.state(), State::Established);
}

#[test]
fn test_established_zero_window_zero_length_exact_acceptable() {
    // Table 6: length 0, window 0: acceptable only if "SEG.SEQ = RCV.NXT".
    let mut s = socket_established();
    send!(s, peer_data(REMOTE_SEQ + 1u32, &[b'x'; RCV_WND as usize]));
    s.send(b"ab").unwrap();
    let next = REMOTE_SEQ + 1u32 + u32::from(RCV_WND);
    recv_nothing!(s, peer_ack(next, LOCAL_SEQ + 3u32));
    assert_eq!(s.snd_una(), LOCAL_SEQ + 3u32);
    recv!(
        s,
        peer_ack(next + 1u32, LOCAL_SEQ + 3u32),
        [Segment {
            window: 0,
            ..our_ack(LOCAL_SEQ + 3u32, next)
        }]
    );
}

#[test]
fn test_established_zero_window_data_gets_ack_but_ack_processed() {
    // Table 6: length >0, window 0: "not acceptable", yet "special allowance should be made to
    // accept valid ACKs, URGs, and RSTs"; §3.8.6.1: the receiver "must still send an
    // acknowledgment showing its next expected sequence number and current window (zero)".
    let mut s = socket_established();
    send!(s, peer_data(REMOTE_SEQ + 1u32, &[b'x'; RCV_WND as usize]));
    s.send(b"ab").unwrap();
    s.events();
    let next = REMOTE_SEQ + 1u32 + u32::from(RCV_WND);
    recv!(
        s,
        Segment {
            ack: LOCAL_SEQ + 3u32,
            ..peer_data(next, b"y")
        },
        [Segment {
            window: 0,
            ..our_ack(LOCAL_SEQ + 3u32, next)
        }]
    );
    assert_eq!(s.snd_una(), LOCAL_SEQ + 3u32, "the ACK field was honoured");
    assert!(s.events().is_empty(), "the text was not");
}

#[test]
fn test_established_zero_window_rst_exact_resets() {
    // Table 6 + "special allowance ... RSTs": with RCV.WND = 0 a RST at RCV.NXT still resets.
    let mut s = socket_established();
    send!(s, peer_data(REMOTE_SEQ + 1u32, &[b'x'; RCV_WND as usize]));
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32 + u32::from(RCV_WND),
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_established_out_of_order_gets_duplicate_ack() {
    // RFC 5681 §4.2: "A TCP receiver SHOULD send an immediate duplicate ACK when an out-of-
    // order segment arrives"; RFC 9293 SHLD-31: "Segments with higher beginning sequence
    // numbers SHOULD be held for later processing".
    let mut s = socket_established();
    recv!(
        s,
        peer_data(REMOTE_SEQ + 4u32, b"def"),
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
    assert!(s.events().is_empty());
    assert_eq!(s.rcv_nxt(), REMOTE_SEQ + 1u32);
}

#[test]
fn test_established_gap_fill_reassembles() {
    // §3.10.7.4 first: "further processing is done in SEG.SEQ order": once the gap fills, the
    // held segment is delivered too and the ACK covers both.
    let mut s = socket_established();
    send!(s, peer_data(REMOTE_SEQ + 4u32, b"def"));
    recv!(
        s,
        peer_data(REMOTE_SEQ + 1u32, b"abc"),
        [Segment {
            window: RCV_WND - 6,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 7u32)
        }]
    );
    assert_eq!(s.events(), vec![TcpEvent::Data(6)]);
    assert_eq!(s.recv(), b"abcdef");
}

#[test]
fn test_established_gap_fill_with_overlap() {
    // "When a segment overlaps other already received segments, we reconstruct the segment to
    // contain just the new data" (§3.10): overlapping pieces assemble without duplication.
    let mut s = socket_established();
    send!(s, peer_data(REMOTE_SEQ + 3u32, b"cde"));
    send!(s, peer_data(REMOTE_SEQ + 6u32, b"fg"));
    send!(s, peer_data(REMOTE_SEQ + 1u32, b"abcd"));
    assert_eq!(s.recv(), b"abcdefg");
    assert_eq!(s.rcv_nxt(), REMOTE_SEQ + 8u32);
}

#[test]
fn test_established_out_of_order_beyond_window_is_trimmed() {
    // §3.10.7.4 first: trim what lies beyond RCV.NXT+RCV.WND, for held segments as well.
    let mut s = socket_established();
    let far = REMOTE_SEQ + 1u32 + u32::from(RCV_WND) - 2u32;
    send!(s, peer_data(far, b"wxyz"));
    let head = vec![b'a'; usize::from(RCV_WND) - 2];
    send!(s, peer_data(REMOTE_SEQ + 1u32, &head));
    let got = s.recv();
    assert_eq!(got.len(), usize::from(RCV_WND));
    assert_eq!(&got[got.len() - 2..], b"wx");
    assert_eq!(s.rcv_nxt(), REMOTE_SEQ + 1u32 + u32::from(RCV_WND));
}

#[test]
fn test_established_out_of_order_fin_waits_for_gap() {
    // §3.10.7.4 eighth: the FIN is processed only when everything before it has arrived.
    let mut s = socket_established();
    send!(
        s,
        Segment {
            flags: FIN,
            ..peer_data(REMOTE_SEQ + 4u32, b"def")
        }
    );
    assert_eq!(s.state(), State::Established);
    recv!(
        s,
        peer_data(REMOTE_SEQ + 1u32, b"abc"),
        [Segment {
            window: RCV_WND - 6,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 8u32)
        }]
    );
    assert_eq!(s.state(), State::CloseWait);
    assert_eq!(s.events(), vec![TcpEvent::Data(6), TcpEvent::PeerClosed]);
}

#[test]
fn test_established_fin_enters_close_wait() {
    // §3.10.7.4 eighth: "signal the user 'connection closing' ... advance RCV.NXT over the
    // FIN, and send an acknowledgment for the FIN ... ESTABLISHED STATE: Enter the CLOSE-WAIT
    // state."
    let mut s = socket_established();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 1u32,
            flags: FIN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(s.events(), vec![TcpEvent::PeerClosed]);
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::Established,
            to: State::CloseWait,
            cause: cause(FIN, REMOTE_SEQ + 1u32, LOCAL_SEQ + 1u32),
        }]
    );
}

#[test]
fn test_established_fin_with_data() {
    // §3.10.7.4 seventh then eighth: "FIN implies PUSH for any segment text not yet
    // delivered"; one ACK covers the text and the FIN.
    let mut s = socket_established();
    recv!(
        s,
        Segment {
            flags: FIN | Flags::PSH,
            ..peer_data(REMOTE_SEQ + 1u32, b"bye")
        },
        [Segment {
            window: RCV_WND - 3,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 5u32)
        }]
    );
    assert_eq!(s.events(), vec![TcpEvent::Data(3), TcpEvent::PeerClosed]);
    assert_eq!(s.state(), State::CloseWait);
}

#[test]
fn test_established_fin_without_ack_dropped() {
    // §3.10.7.4 fifth comes before eighth: no ACK bit, no FIN processing.
    let mut s = socket_established();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: Flags::FIN,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Established);
}

#[test]
fn test_established_urg_signals_user() {
    // §3.10.7.4 sixth: "If the URG bit is set, RCV.UP <- max(RCV.UP,SEG.UP), and signal the
    // user that the remote side has urgent data if the urgent pointer (RCV.UP) is in advance of
    // the data consumed."
    let mut s = socket_established();
    send!(
        s,
        Segment {
            flags: Flags::URG | PSH,
            urgent: 2,
            ..peer_data(REMOTE_SEQ + 1u32, b"ab")
        }
    );
    assert_eq!(s.events(), vec![TcpEvent::Urgent, TcpEvent::Data(2)]);
}

#[test]
fn test_established_urg_not_signalled_twice() {
    // §3.10.7.4 sixth: "If the user has already been signaled ... for this continuous sequence
    // of urgent data, do not signal the user again."
    let mut s = socket_established();
    send!(
        s,
        Segment {
            flags: Flags::URG | Flags::ACK,
            urgent: 4,
            ..peer_data(REMOTE_SEQ + 1u32, b"ab")
        }
    );
    send!(
        s,
        Segment {
            flags: Flags::URG | PSH,
            urgent: 2,
            ..peer_data(REMOTE_SEQ + 3u32, b"cd")
        }
    );
    assert_eq!(
        s.events(),
        vec![TcpEvent::Urgent, TcpEvent::Data(2), TcpEvent::Data(2)]
    );
}

#[test]
fn test_established_connect_is_error() {
    // §3.10.1 ESTABLISHED: "Return 'error: connection already exists'."
    let mut s = socket_established();
    assert_eq!(
        s.connect(LOCAL_SEQ),
        Err(UserError::ConnectionAlreadyExists)
    );
}

// =============================================================================================
// Tests for the ESTABLISHED state: RST and SYN (RFC 5961 as adopted by RFC 9293).
// =============================================================================================

#[test]
fn test_established_rst_exact_resets() {
    // §3.10.7.4 second: "If the RST bit is set and the sequence number exactly matches ...
    // RCV.NXT ... any outstanding RECEIVEs and SEND should receive 'reset' responses ... Enter
    // the CLOSED state".
    let mut s = socket_established();
    s.send(b"pending").unwrap();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), vec![TcpEvent::Reset]);
    assert_eq!(
        s.send_queue_len(),
        0,
        "All segment queues should be flushed"
    );
    assert_eq!(s.next_deadline(), None);
    assert_eq!(
        s.transitions()[0].cause,
        cause(RST, REMOTE_SEQ + 1u32, SeqNum(0))
    );
}

#[test]
fn test_established_rst_in_window_gets_challenge_ack() {
    // §3.10.7.4 second, 3): in the window but not RCV.NXT: "send an acknowledgment (challenge
    // ACK): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>".
    let mut s = socket_established();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 10u32,
            flags: RST,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
    assert_eq!(s.state(), State::Established);
}

#[test]
fn test_established_rst_outside_window_dropped() {
    // §3.10.7.4 second, 1): "outside the current receive window, silently drop the segment".
    let mut s = socket_established();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32 + u32::from(RCV_WND),
            flags: RST,
            ..SEND_TEMPL
        }
    );
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ,
            flags: RST_ACK,
            ack: LOCAL_SEQ + 1u32,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Established);
}

#[test]
fn test_established_syn_gets_challenge_ack() {
    // §3.10.7.4 fourth (RFC 5961 §4): "if the SYN bit is set, irrespective of the sequence
    // number, TCP endpoints MUST send a 'challenge ACK'".
    let mut s = socket_established();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 5u32,
            flags: SYN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
    recv!(
        s,
        Segment {
            seq: SeqNum(12345),
            flags: SYN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
    assert_eq!(s.state(), State::Established);
}

#[test]
fn test_established_retransmitted_syn_ack_gets_ack() {
    // The peer's SYN+ACK again (our ACK was lost) is old: §3.10.7.4 first answers it with
    // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, which is what the peer needs.
    let mut s = socket_syn_sent();
    send!(s, syn_ack_from_peer());
    recv!(
        s,
        syn_ack_from_peer(),
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
    assert_eq!(s.state(), State::Established);
}

#[test]
fn test_established_abort_sends_rst() {
    // §3.10.5 ESTABLISHED: "Send a reset segment: <SEQ=SND.NXT><CTL=RST>" and flush queues.
    let mut s = socket_established();
    s.send(b"abc").unwrap();
    assert_eq!(
        s.abort(),
        vec![Segment {
            seq: LOCAL_SEQ + 4u32,
            flags: RST,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.send_queue_len(), 0);
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::Established,
            to: State::Closed,
            cause: Cause::User(UserCall::Abort),
        }]
    );
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_established_close_sends_fin() {
    // §3.10.4 ESTABLISHED: "form a FIN segment and send it. In any case, enter FIN-WAIT-1".
    let mut s = socket_established();
    assert_eq!(
        s.close(),
        Ok(vec![Segment {
            flags: FIN,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)
        }])
    );
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::Established,
            to: State::FinWait1,
            cause: Cause::User(UserCall::Close),
        }]
    );
    assert_eq!(
        s.snd_nxt(),
        LOCAL_SEQ + 2u32,
        "the FIN occupies one sequence number"
    );
}

#[test]
fn test_established_close_fin_follows_queued_data() {
    // §3.10.4 ESTABLISHED: "Queue this until all preceding SENDs have been segmentized, then
    // form a FIN segment".
    let mut s = socket_established_mss(1000, 4);
    s.send(b"abcdef").unwrap();
    assert_eq!(s.close(), Ok(vec![]));
    assert_eq!(s.state(), State::FinWait1);
    recv!(
        s,
        Segment {
            window: 100,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32)
        },
        [
            our_data(LOCAL_SEQ + 5u32, REMOTE_SEQ + 1u32, b"ef"),
            Segment {
                flags: FIN,
                ..our_ack(LOCAL_SEQ + 7u32, REMOTE_SEQ + 1u32)
            }
        ]
    );
}

// =============================================================================================
// Delayed acknowledgments (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2, RFC 5681 §4.2).
// =============================================================================================

fn socket_established_delayed_ack() -> TestSocket {
    socket_established_with(
        Config {
            delayed_ack: Some(ms(40)),
            ..config()
        },
        syn_from_peer(),
    )
}

#[test]
fn test_delayed_ack_waits_for_second_segment() {
    // §3.8.6.3: "An ACK SHOULD be generated for at least every second full-sized segment".
    let mut s = socket_established_delayed_ack();
    recv_nothing!(s, peer_data(REMOTE_SEQ + 1u32, b"ab"));
    assert_eq!(s.next_deadline(), Some(at(40)));
    recv!(
        s,
        peer_data(REMOTE_SEQ + 3u32, b"cd"),
        [Segment {
            window: RCV_WND - 4,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 5u32)
        }]
    );
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_delayed_ack_sent_on_timeout() {
    // §3.8.6.3: "the delay MUST be less than 0.5 seconds"; the timer sends the owed ACK.
    let mut s = socket_established_delayed_ack();
    send!(s, peer_data(REMOTE_SEQ + 1u32, b"ab"));
    assert_eq!(
        s.fire(),
        vec![Segment {
            window: RCV_WND - 2,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 3u32)
        }]
    );
    assert_eq!(s.now, at(40));
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_delayed_ack_piggybacks_on_data() {
    // §3.10.7.4 seventh: "This acknowledgment should be piggybacked on a segment being
    // transmitted if possible": data sent while an ACK is owed carries it and cancels the timer.
    let mut s = socket_established_delayed_ack();
    send!(s, peer_data(REMOTE_SEQ + 1u32, b"ab"));
    let out = s.send(b"reply").unwrap();
    assert_eq!(out[0].ack, REMOTE_SEQ + 3u32);
    assert_eq!(s.timer(TimerKind::DelayedAck), None);
}

#[test]
fn test_delayed_ack_out_of_order_is_immediate() {
    // RFC 5681 §4.2: "A TCP receiver SHOULD send an immediate duplicate ACK when an out-of-
    // order segment arrives."
    let mut s = socket_established_delayed_ack();
    recv!(
        s,
        peer_data(REMOTE_SEQ + 3u32, b"cd"),
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
}

#[test]
fn test_delayed_ack_gap_fill_is_immediate() {
    // RFC 5681 §4.2: "A TCP receiver SHOULD send an immediate ACK when the incoming segment
    // fills in all or part of a gap in the sequence space."
    let mut s = socket_established_delayed_ack();
    send!(s, peer_data(REMOTE_SEQ + 3u32, b"cd"));
    recv!(
        s,
        peer_data(REMOTE_SEQ + 1u32, b"ab"),
        [Segment {
            window: RCV_WND - 4,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 5u32)
        }]
    );
}

#[test]
fn test_delayed_ack_fin_is_immediate() {
    // §3.10.7.4 eighth: "send an acknowledgment for the FIN" — not delayed.
    let mut s = socket_established_delayed_ack();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 1u32,
            flags: FIN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 2u32)]
    );
}

#[test]
fn test_immediate_ack_without_delayed_ack() {
    // With `delayed_ack: None` every data segment is acknowledged at once (SHLD-18 is a SHOULD;
    // the classroom default shows one ACK per segment).
    let mut s = socket_established();
    assert_eq!(send!(s, peer_data(REMOTE_SEQ + 1u32, b"a")).len(), 1);
    assert_eq!(send!(s, peer_data(REMOTE_SEQ + 2u32, b"b")).len(), 1);
}

// =============================================================================================
// Retransmission: RFC 6298 (RTO, Karn, backoff) and RFC 5681 §3.2 (fast retransmit).
// =============================================================================================

#[test]
fn test_rto_retransmits_earliest_segment_only() {
    // RFC 6298 §5.4: "Retransmit the earliest segment that has not been acknowledged".
    let mut s = socket_established_mss(2, 1000);
    s.send(b"abcdef").unwrap();
    // The handshake measured a zero RTT: RTO sits on the 200 ms floor (RFC 6298 §2.4).
    assert_eq!(s.next_deadline(), Some(at(200)));
    assert_eq!(
        s.fire(),
        vec![Segment {
            flags: ACK,
            ..our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32, b"ab")
        }]
    );
}

#[test]
fn test_rto_backs_off() {
    // RFC 6298 §5.5: "RTO <- RTO * 2"; §5.6: "Start the retransmission timer, such that it
    // expires after RTO seconds (for the value of RTO after the doubling operation)".
    let mut s = socket_established();
    s.send(b"abc").unwrap();
    s.fire();
    assert_eq!(s.next_deadline(), Some(at(200 + 400)));
    s.fire();
    assert_eq!(s.next_deadline(), Some(at(600 + 800)));
    assert_eq!(s.rto().backoff(), 2);
}

#[test]
fn test_rto_capped_at_max() {
    // RFC 6298 §2.5: "A maximum value MAY be placed on RTO provided it is at least 60 seconds."
    let mut s = socket_established_with(
        Config {
            max_retries: 20,
            ..config()
        },
        syn_from_peer(),
    );
    s.send(b"abc").unwrap();
    for _ in 0..12 {
        s.fire();
    }
    let before = s.now;
    s.fire();
    assert_eq!(s.now - before, SimDuration::from_secs(60));
}

#[test]
fn test_rto_restarts_on_partial_ack() {
    // RFC 6298 §5.3: "When an ACK is received that acknowledges new data, restart the
    // retransmission timer so that it will expire after RTO seconds".
    let mut s = socket_established_mss(2, 1000);
    s.send(b"abcd").unwrap();
    s.advance(ms(150));
    send!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 3u32));
    assert_eq!(s.next_deadline(), Some(at(150) + s.rto().rto()));
}

#[test]
fn test_rto_stops_when_all_acked() {
    // RFC 6298 §5.2: "When all outstanding data has been acknowledged, turn off the
    // retransmission timer."
    let mut s = socket_established();
    s.send(b"abcd").unwrap();
    send!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32));
    assert_eq!(s.timer(TimerKind::Retransmit), None);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_rto_sample_updates_estimate() {
    // RFC 6298 §2.3: "RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|, SRTT <- (1 - alpha)
    // * SRTT + alpha * R'" with alpha = 1/8, beta = 1/4.
    let mut s = socket_established();
    assert_eq!(s.rto().srtt(), Some(SimDuration::ZERO));
    s.send(b"abcd").unwrap();
    s.advance(ms(80));
    send!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32));
    assert_eq!(s.rto().srtt(), Some(ms(10)));
    assert_eq!(s.rto().rttvar(), ms(20));
    assert_eq!(s.rto().rto(), ms(200), "10 + 4·20 = 90 ms, under the floor");
}

#[test]
fn test_rto_karn_ignores_ack_of_retransmission() {
    // RFC 6298 §3 (Karn): no sample from a retransmitted segment; the backed-off RTO "is
    // kept" until an ACK of a segment that was not retransmitted arrives (§5.7 note).
    let mut s = socket_established();
    s.send(b"abc").unwrap();
    s.fire();
    s.advance(ms(50));
    send!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 4u32));
    assert_eq!(s.rto().srtt(), Some(SimDuration::ZERO), "no new sample");
    assert_eq!(s.rto().backoff(), 1);
    s.send(b"def").unwrap();
    assert_eq!(s.next_deadline(), Some(s.now + ms(400)));
    s.advance(ms(30));
    send!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 7u32));
    assert_eq!(s.rto().backoff(), 0, "a fresh sample ends the backoff");
}

#[test]
fn test_rto_gives_up_after_max_retries() {
    // RFC 9293 §3.8.3 (R2): after too many retransmissions "close the connection"; the user
    // hears "timed out" and the cause is GaveUp.
    let mut s = socket_established_with(
        Config {
            max_retries: 2,
            ..config()
        },
        syn_from_peer(),
    );
    s.send(b"abc").unwrap();
    assert_eq!(s.fire().len(), 1);
    assert_eq!(s.fire().len(), 1);
    assert_eq!(s.fire(), vec![]);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), vec![TcpEvent::TimedOut]);
    let t = s.transitions();
    assert_eq!(t[0].cause, Cause::GaveUp);
    assert_eq!(t[0].at, at(200 + 400 + 800));
}

#[test]
fn test_rto_retries_reset_by_progress() {
    // The retry count is per segment: an ACK of new data starts counting afresh.
    let mut s = socket_established_with(
        Config {
            max_retries: 1,
            ..config()
        },
        syn_from_peer(),
    );
    s.send(b"ab").unwrap();
    s.fire();
    send!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 3u32));
    s.send(b"cd").unwrap();
    assert_eq!(
        s.fire().len(),
        1,
        "a first retransmission again, not a give-up"
    );
    assert_eq!(s.state(), State::Established);
}

fn socket_with_three_segments_out() -> TestSocket {
    let mut s = socket_established_mss(2, 1000);
    let out = s.send(b"abcdef").unwrap();
    assert_eq!(out.len(), 3);
    s
}

fn dup_ack() -> Segment {
    Segment {
        window: 1000,
        ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 1u32)
    }
}

#[test]
fn test_fast_retransmit_on_third_dup_ack() {
    // RFC 5681 §3.2: "The fast retransmit algorithm uses the arrival of 3 duplicate ACKs ...
    // as an indication that a segment has been lost ... performs a retransmission of what
    // appears to be the missing segment".
    let mut s = socket_with_three_segments_out();
    recv_nothing!(s, dup_ack());
    recv_nothing!(s, dup_ack());
    recv!(
        s,
        dup_ack(),
        [Segment {
            flags: ACK,
            ..our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32, b"ab")
        }]
    );
    recv_nothing!(s, dup_ack());
}

#[test]
fn test_dup_ack_definition_excludes_data_and_window_change() {
    // RFC 5681 §2: a duplicate ACK carries no data, and "the advertised window in the incoming
    // acknowledgment equals the advertised window in the last incoming acknowledgment".
    let mut s = socket_with_three_segments_out();
    send!(s, dup_ack());
    send!(
        s,
        Segment {
            window: 999,
            ..dup_ack()
        }
    );
    send!(
        s,
        Segment {
            payload: b"x".into(),
            ..dup_ack()
        }
    );
    let out = send!(
        s,
        Segment {
            window: 999,
            seq: REMOTE_SEQ + 2u32,
            ..dup_ack()
        }
    );
    assert!(out.is_empty(), "only one real duplicate so far: {out:?}");
}

#[test]
fn test_dup_ack_count_reset_by_new_ack() {
    // RFC 5681 §2: duplicates are counted against the current SND.UNA; a new ACK starts over.
    let mut s = socket_with_three_segments_out();
    send!(s, dup_ack());
    send!(s, dup_ack());
    send!(
        s,
        Segment {
            window: 1000,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 3u32)
        }
    );
    let dup = Segment {
        window: 1000,
        ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 3u32)
    };
    recv_nothing!(s, dup.clone());
    recv_nothing!(s, dup.clone());
    recv!(
        s,
        dup,
        [Segment {
            flags: ACK,
            ..our_data(LOCAL_SEQ + 3u32, REMOTE_SEQ + 1u32, b"cd")
        }]
    );
}

#[test]
fn test_fast_retransmit_is_not_timed() {
    // RFC 6298 §3 (Karn): the fast-retransmitted segment must not yield an RTT sample either.
    let mut s = socket_with_three_segments_out();
    for _ in 0..3 {
        send!(s, dup_ack());
    }
    s.advance(ms(90));
    send!(
        s,
        Segment {
            window: 1000,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 7u32)
        }
    );
    assert_eq!(s.rto().srtt(), Some(SimDuration::ZERO));
}

// =============================================================================================
// Zero-window probing (RFC 9293 §3.8.6.1).
// =============================================================================================

/// ESTABLISHED, the peer has closed its window after taking "abcd"; "efgh" waits.
fn socket_zero_window() -> TestSocket {
    let mut s = socket_established_mss(1000, 4);
    s.send(b"abcdefgh").unwrap();
    let out = send!(
        s,
        Segment {
            window: 0,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32)
        }
    );
    assert!(out.is_empty());
    s
}

#[test]
fn test_zero_window_arms_persist_timer() {
    // §3.8.6.1: "The transmitting host SHOULD send the first zero-window probe when a zero
    // window has existed for the retransmission timeout period".
    let s = socket_zero_window();
    assert_eq!(s.timer(TimerKind::Retransmit), None);
    assert_eq!(s.timer(TimerKind::Persist), Some(at(200)));
    assert_eq!(s.next_deadline(), Some(at(200)));
}

#[test]
fn test_zero_window_probe_carries_one_octet() {
    // §3.8.6.1: "The sending TCP peer must regularly transmit at least one octet of new data
    // (if available) ... even if the send window is zero".
    let mut s = socket_zero_window();
    assert_eq!(
        s.fire(),
        vec![Segment {
            flags: ACK,
            ..our_data(LOCAL_SEQ + 5u32, REMOTE_SEQ + 1u32, b"e")
        }]
    );
}

#[test]
fn test_zero_window_probes_back_off_and_never_give_up() {
    // §3.8.6.1: "SHOULD increase exponentially the interval between successive probes"; "As
    // long as the receiving TCP peer continues to send acknowledgments in response to the probe
    // segments, the sending TCP peer MUST allow the connection to stay open" (MUST-37).
    let mut s = socket_zero_window();
    let mut gaps = Vec::new();
    for _ in 0..12 {
        let before = s.now;
        let probe = s.fire();
        assert_eq!(probe.len(), 1);
        assert_eq!(probe[0].seq, LOCAL_SEQ + 5u32);
        gaps.push((s.now - before).micros() / 1_000);
        // The receiver rejects the octet and says "window 0" again.
        let reply = send!(
            s,
            Segment {
                window: 0,
                ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32)
            }
        );
        assert!(reply.is_empty(), "not a duplicate ACK: {reply:?}");
    }
    assert_eq!(&gaps[..4], [200, 400, 800, 1_600]);
    assert_eq!(s.state(), State::Established);
}

#[test]
fn test_zero_window_with_data_in_flight_stays_open() {
    // §3.8.6.1 MUST-37: retransmissions into a shut window probe it; while the receiver answers
    // them (window 0), the connection stays open past `max_retries`.
    let mut s = socket_established_with(
        Config {
            max_retries: 2,
            ..config()
        },
        Segment {
            window: 8,
            ..syn_from_peer()
        },
    );
    s.send(b"abcdefgh").unwrap();
    send!(
        s,
        Segment {
            window: 0,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32)
        }
    );
    for _ in 0..5 {
        let out = s.fire();
        assert_eq!(out.len(), 1, "the head segment again");
        send!(
            s,
            Segment {
                window: 0,
                ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32)
            }
        );
    }
    assert_eq!(s.state(), State::Established);
}

#[test]
fn test_zero_window_reopened_sends_the_rest() {
    // §3.8.6.1: the probe's ACK reports the reopened window; sending resumes and the persist
    // timer stops.
    let mut s = socket_zero_window();
    s.fire();
    recv!(
        s,
        Segment {
            window: 100,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 6u32)
        },
        [our_data(LOCAL_SEQ + 6u32, REMOTE_SEQ + 1u32, b"fgh")]
    );
    assert_eq!(s.timer(TimerKind::Persist), None);
    assert!(s.timer(TimerKind::Retransmit).is_some());
}

#[test]
fn test_zero_window_update_before_probe_acked() {
    // A window update that does not cover the probe octet: the octet is now inside the window
    // and must be retransmitted like any sent data (so the retransmission timer runs).
    let mut s = socket_zero_window();
    s.fire();
    recv!(
        s,
        Segment {
            window: 100,
            ..peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 5u32)
        },
        [our_data(LOCAL_SEQ + 6u32, REMOTE_SEQ + 1u32, b"fgh")]
    );
    assert_eq!(s.timer(TimerKind::Persist), None);
    assert_eq!(
        s.fire(),
        vec![our_data(LOCAL_SEQ + 5u32, REMOTE_SEQ + 1u32, b"efgh")]
    );
}

// =============================================================================================
// Keep-alive (RFC 9293 §3.8.4).
// =============================================================================================

fn socket_keepalive(count: u32) -> TestSocket {
    socket_established_with(keepalive(1_000, 100, count), syn_from_peer())
}

#[test]
fn test_keepalive_probe_after_idle() {
    // §3.8.4: "Keep-alive packets MUST only be sent when no sent data is outstanding, and no
    // data or acknowledgment packets have been received for the connection within an
    // interval"; the probe has "SEG.SEQ = SND.NXT-1".
    let mut s = socket_keepalive(3);
    assert_eq!(s.next_deadline(), Some(at(1_000)));
    assert_eq!(s.fire(), vec![our_ack(LOCAL_SEQ, REMOTE_SEQ + 1u32)]);
    assert_eq!(s.keepalive_probes(), 1);
    assert_eq!(s.next_deadline(), Some(at(1_100)));
}

#[test]
fn test_keepalive_answer_rearms_idle_timer() {
    // §3.8.4: the probe "elicits an ACK"; any acceptable segment proves the peer alive and
    // restarts the idle interval.
    let mut s = socket_keepalive(3);
    s.fire();
    s.advance(ms(10));
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 1u32));
    assert_eq!(s.keepalive_probes(), 0);
    assert_eq!(s.next_deadline(), Some(at(2_010)));
}

#[test]
fn test_keepalive_gives_up_after_count() {
    // §3.8.4 / RFC 1122 §4.2.3.6: after `count` unanswered probes the connection is dead:
    // "timed out", cause GaveUp.
    let mut s = socket_keepalive(2);
    assert_eq!(s.fire().len(), 1);
    assert_eq!(s.fire().len(), 1);
    assert_eq!(s.fire(), vec![]);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), vec![TcpEvent::TimedOut]);
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: at(1_200),
            from: State::Established,
            to: State::Closed,
            cause: Cause::GaveUp,
        }]
    );
}

#[test]
fn test_keepalive_not_sent_with_data_outstanding() {
    // §3.8.4: "MUST only be sent when no sent data is outstanding".
    let mut s = socket_established_with(
        Config {
            max_retries: 20,
            ..keepalive(100, 100, 3)
        },
        syn_from_peer(),
    );
    s.send(b"x").unwrap();
    let out = s.timer_at(at(100));
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(s.keepalive_probes(), 0);
}

#[test]
fn test_keepalive_off_by_default() {
    // §3.8.4: "Implementers MAY include 'keep-alives' ... they MUST default to off".
    let s = socket_established();
    assert_eq!(s.timer(TimerKind::KeepAlive), None);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_keepalive_probe_is_answered() {
    // §3.10.7.4 first: a probe (SEG.SEQ = RCV.NXT-1, old) is not acceptable, so the receiver
    // answers "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>" — which is how a keep-alive works.
    let mut s = socket_established();
    recv!(
        s,
        peer_ack(REMOTE_SEQ, LOCAL_SEQ + 1u32),
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)]
    );
}

#[test]
fn test_keepalive_stops_outside_established() {
    // Keep-alives probe an idle ESTABLISHED connection; once closing, no probe timer remains.
    let mut s = socket_keepalive(3);
    s.close().unwrap();
    assert_eq!(s.timer(TimerKind::KeepAlive), None);
}

// =============================================================================================
// Tests for the FIN-WAIT-1 state.
// =============================================================================================

#[test]
fn test_fin_wait_1_ack_of_fin_enters_fin_wait_2() {
    // §3.10.7.4 fifth, FIN-WAIT-1: "if the FIN segment is now acknowledged, then enter
    // FIN-WAIT-2".
    let mut s = socket_fin_wait_1();
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 2u32));
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::FinWait1,
            to: State::FinWait2,
            cause: cause(ACK, REMOTE_SEQ + 1u32, LOCAL_SEQ + 2u32),
        }]
    );
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_fin_wait_1_ack_short_of_fin_stays() {
    // §3.10.7.4 fifth: an ACK that does not cover our FIN leaves FIN-WAIT-1.
    let mut s = socket_established();
    s.send(b"ab").unwrap();
    s.close().unwrap();
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 1u32, LOCAL_SEQ + 3u32));
    assert_eq!(s.state(), State::FinWait1);
}

#[test]
fn test_fin_wait_1_fin_enters_closing() {
    // §3.10.7.4 eighth, FIN-WAIT-1: "If our FIN has been ACKed ... enter TIME-WAIT ...;
    // otherwise, enter the CLOSING state" (simultaneous close).
    let mut s = socket_fin_wait_1();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 1u32,
            flags: FIN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 2u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(s.moves(), vec![(State::FinWait1, State::Closing)]);
    assert_eq!(s.events(), vec![TcpEvent::PeerClosed]);
}

#[test]
fn test_fin_wait_1_fin_ack_enters_time_wait_in_one_step() {
    // §3.10.7.4 eighth, FIN-WAIT-1: "If our FIN has been ACKed (perhaps in this segment), then
    // enter TIME-WAIT, start the time-wait timer, turn off the other timers" — one transition,
    // not FIN-WAIT-2 on the way.
    let mut s = socket_fin_wait_1();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 2u32,
            flags: FIN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 2u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::FinWait1,
            to: State::TimeWait,
            cause: cause(FIN, REMOTE_SEQ + 1u32, LOCAL_SEQ + 2u32),
        }]
    );
    assert_eq!(s.timer(TimerKind::Retransmit), None);
    assert_eq!(s.next_deadline(), Some(at(60_000)));
}

#[test]
fn test_fin_wait_1_data_still_delivered() {
    // §3.10.7.4 seventh: text is processed in "ESTABLISHED STATE, FIN-WAIT-1 STATE,
    // FIN-WAIT-2 STATE" — closing our side does not stop us receiving.
    let mut s = socket_fin_wait_1();
    recv!(
        s,
        peer_data(REMOTE_SEQ + 1u32, b"late"),
        [Segment {
            window: RCV_WND - 4,
            ..our_ack(LOCAL_SEQ + 2u32, REMOTE_SEQ + 5u32)
        }]
    );
    assert_eq!(s.events(), vec![TcpEvent::Data(4)]);
}

#[test]
fn test_fin_wait_1_rst_resets() {
    // §3.10.7.4 second, FIN-WAIT-1: "Users should also receive an unsolicited general
    // 'connection reset' signal. Enter the CLOSED state".
    let mut s = socket_fin_wait_1();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), vec![TcpEvent::Reset]);
}

#[test]
fn test_fin_wait_1_send_is_error() {
    // §3.10.2 FIN-WAIT-1: "Return 'error: connection closing' and do not service request."
    let mut s = socket_fin_wait_1();
    assert_eq!(s.send(b"x"), Err(UserError::ConnectionClosing));
}

#[test]
fn test_fin_wait_1_close_is_error() {
    // §3.10.4 FIN-WAIT-1: "Strictly speaking, this is an error and should receive an 'error:
    // connection closing' response" — and no second FIN.
    let mut s = socket_fin_wait_1();
    assert_eq!(s.close(), Err(UserError::ConnectionClosing));
}

#[test]
fn test_fin_wait_1_abort_sends_rst() {
    // §3.10.5 FIN-WAIT-1: "Send a reset segment: <SEQ=SND.NXT><CTL=RST>".
    let mut s = socket_fin_wait_1();
    assert_eq!(
        s.abort(),
        vec![Segment {
            seq: LOCAL_SEQ + 2u32,
            flags: RST,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_fin_wait_1_retransmits_fin() {
    // §3.10.8: "send the segment at the front of the retransmission queue again" — our FIN.
    let mut s = socket_fin_wait_1();
    assert_eq!(s.next_deadline(), Some(at(200)));
    assert_eq!(
        s.fire(),
        vec![Segment {
            flags: FIN,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32)
        }]
    );
}

#[test]
fn test_fin_wait_1_syn_gets_challenge_ack() {
    // §3.10.7.4 fourth: the challenge ACK applies in every synchronized state.
    let mut s = socket_fin_wait_1();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: SYN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 2u32, REMOTE_SEQ + 1u32)]
    );
}

// =============================================================================================
// Tests for the FIN-WAIT-2 state.
// =============================================================================================

#[test]
fn test_fin_wait_2_fin_enters_time_wait() {
    // §3.10.7.4 eighth, FIN-WAIT-2: "Enter the TIME-WAIT state. Start the time-wait timer".
    let mut s = socket_fin_wait_2();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 2u32,
            flags: FIN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 2u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::FinWait2,
            to: State::TimeWait,
            cause: cause(FIN, REMOTE_SEQ + 1u32, LOCAL_SEQ + 2u32),
        }]
    );
    assert_eq!(s.events(), vec![TcpEvent::PeerClosed]);
    assert_eq!(s.next_deadline(), Some(at(60_000)));
}

#[test]
fn test_fin_wait_2_data_delivered() {
    // §3.10.7.4 seventh: FIN-WAIT-2 still takes text.
    let mut s = socket_fin_wait_2();
    recv!(
        s,
        peer_data(REMOTE_SEQ + 1u32, b"tail"),
        [Segment {
            window: RCV_WND - 4,
            ..our_ack(LOCAL_SEQ + 2u32, REMOTE_SEQ + 5u32)
        }]
    );
    assert_eq!(s.recv(), b"tail");
}

#[test]
fn test_fin_wait_2_out_of_order_fin_waits() {
    // §3.10.7.4 eighth: a FIN beyond a gap is held; TIME-WAIT comes when the gap fills.
    let mut s = socket_fin_wait_2();
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ + 3u32,
            ack: LOCAL_SEQ + 2u32,
            flags: FIN,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::FinWait2);
    send!(
        s,
        Segment {
            ack: LOCAL_SEQ + 2u32,
            ..peer_data(REMOTE_SEQ + 1u32, b"ab")
        }
    );
    assert_eq!(s.state(), State::TimeWait);
}

#[test]
fn test_fin_wait_2_rst_resets() {
    // §3.10.7.4 second, FIN-WAIT-2: "'connection reset' signal. Enter the CLOSED state".
    let mut s = socket_fin_wait_2();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), vec![TcpEvent::Reset]);
}

#[test]
fn test_fin_wait_2_abort_sends_rst() {
    // §3.10.5 FIN-WAIT-2: "Send a reset segment: <SEQ=SND.NXT><CTL=RST>".
    let mut s = socket_fin_wait_2();
    assert_eq!(
        s.abort(),
        vec![Segment {
            seq: LOCAL_SEQ + 2u32,
            flags: RST,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_fin_wait_2_close_and_send_are_errors() {
    // §3.10.4 / §3.10.2 FIN-WAIT-2: "error: connection closing".
    let mut s = socket_fin_wait_2();
    assert_eq!(s.close(), Err(UserError::ConnectionClosing));
    assert_eq!(s.send(b"x"), Err(UserError::ConnectionClosing));
}

#[test]
fn test_fin_wait_2_has_no_timer() {
    // Nothing is outstanding in FIN-WAIT-2: RFC 9293 runs no timer there (the peer decides).
    assert_eq!(socket_fin_wait_2().next_deadline(), None);
}

// =============================================================================================
// Tests for the CLOSE-WAIT state.
// =============================================================================================

#[test]
fn test_close_wait_close_enters_last_ack() {
    // §3.10.4 CLOSE-WAIT: "send a FIN segment, enter LAST-ACK state".
    let mut s = socket_close_wait();
    assert_eq!(
        s.close(),
        Ok(vec![Segment {
            flags: FIN,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 2u32)
        }])
    );
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::CloseWait,
            to: State::LastAck,
            cause: Cause::User(UserCall::Close),
        }]
    );
}

#[test]
fn test_close_wait_send_allowed() {
    // §3.10.2 CLOSE-WAIT: "Segmentize the buffer and send it" — the peer closed only its half.
    let mut s = socket_close_wait();
    assert_eq!(
        s.send(b"still here").unwrap(),
        vec![our_data(LOCAL_SEQ + 1u32, REMOTE_SEQ + 2u32, b"still here")]
    );
}

#[test]
fn test_close_wait_retransmitted_fin_acked() {
    // §3.10.7.4 first: the peer's FIN again is old: ACK it (<SEQ=SND.NXT><ACK=RCV.NXT>) and
    // "Remain in the CLOSE-WAIT state".
    let mut s = socket_close_wait();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 1u32,
            flags: FIN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(s.state(), State::CloseWait);
    assert!(s.moves().is_empty());
}

#[test]
fn test_close_wait_rst_resets() {
    // §3.10.7.4 second, CLOSE-WAIT: "'connection reset' signal. Enter the CLOSED state".
    let mut s = socket_close_wait();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 2u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), vec![TcpEvent::Reset]);
}

#[test]
fn test_close_wait_abort_sends_rst() {
    // §3.10.5 CLOSE-WAIT: "Send a reset segment: <SEQ=SND.NXT><CTL=RST>".
    let mut s = socket_close_wait();
    assert_eq!(
        s.abort(),
        vec![Segment {
            seq: LOCAL_SEQ + 1u32,
            flags: RST,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_close_wait_ignores_urg() {
    // §3.10.7.4 sixth, CLOSE-WAIT: "This should not occur since a FIN has been received from
    // the remote side. Ignore the URG."
    let mut s = socket_close_wait();
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ + 2u32,
            ack: LOCAL_SEQ + 1u32,
            flags: Flags::URG | Flags::ACK,
            urgent: 5,
            ..SEND_TEMPL
        }
    );
    assert!(s.events().is_empty());
}

#[test]
fn test_close_wait_ignores_text() {
    // §3.10.7.4 seventh, CLOSE-WAIT: "Ignore the segment text."
    let mut s = socket_close_wait();
    send!(
        s,
        Segment {
            ack: LOCAL_SEQ + 1u32,
            ..peer_data(REMOTE_SEQ + 2u32, b"zombie")
        }
    );
    assert!(s.events().is_empty());
    assert_eq!(s.rcv_nxt(), REMOTE_SEQ + 2u32);
}

#[test]
fn test_close_wait_acks_our_data() {
    // §3.10.7.4 fifth, CLOSE-WAIT: "Do the same processing as for the ESTABLISHED state."
    let mut s = socket_close_wait();
    s.send(b"abc").unwrap();
    send!(s, peer_ack(REMOTE_SEQ + 2u32, LOCAL_SEQ + 4u32));
    assert_eq!(s.snd_una(), LOCAL_SEQ + 4u32);
    assert_eq!(s.next_deadline(), None);
}

// =============================================================================================
// Tests for the CLOSING state.
// =============================================================================================

#[test]
fn test_closing_ack_of_fin_enters_time_wait() {
    // §3.10.7.4 fifth, CLOSING: "if the ACK acknowledges our FIN, then enter the TIME-WAIT
    // state".
    let mut s = socket_closing();
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 2u32, LOCAL_SEQ + 2u32));
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::Closing,
            to: State::TimeWait,
            cause: cause(ACK, REMOTE_SEQ + 2u32, LOCAL_SEQ + 2u32),
        }]
    );
    assert_eq!(s.next_deadline(), Some(at(60_000)));
}

#[test]
fn test_closing_other_ack_ignored() {
    // §3.10.7.4 fifth, CLOSING: "otherwise, ignore the segment".
    let mut s = socket_closing();
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 2u32, LOCAL_SEQ + 1u32));
    assert_eq!(s.state(), State::Closing);
}

#[test]
fn test_closing_retransmitted_fin_acked() {
    // §3.10.7.4 eighth, CLOSING: "Remain in the CLOSING state" — and the old FIN is ACKed.
    let mut s = socket_closing();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 1u32,
            flags: FIN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 2u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(s.state(), State::Closing);
}

#[test]
fn test_closing_retransmits_fin() {
    // §3.10.8: our FIN is still unacknowledged, so the timer resends it.
    let mut s = socket_closing();
    assert_eq!(
        s.fire(),
        vec![Segment {
            flags: FIN,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 2u32)
        }]
    );
}

#[test]
fn test_closing_rst_closes() {
    // §3.10.7.4 second, CLOSING: "If the RST bit is set, then enter the CLOSED state".
    let mut s = socket_closing();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 2u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_closing_abort_sends_nothing() {
    // §3.10.5 CLOSING: "Respond with 'ok' and delete the TCB, enter CLOSED state" — no RST.
    let mut s = socket_closing();
    assert!(s.abort().is_empty());
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_closing_user_calls_are_errors() {
    // §3.10.2 / §3.10.4 CLOSING: "error: connection closing".
    let mut s = socket_closing();
    assert_eq!(s.send(b"x"), Err(UserError::ConnectionClosing));
    assert_eq!(s.close(), Err(UserError::ConnectionClosing));
}

// =============================================================================================
// Tests for the LAST-ACK state.
// =============================================================================================

#[test]
fn test_last_ack_ack_of_fin_closes() {
    // §3.10.7.4 fifth, LAST-ACK: "If our FIN is now acknowledged, delete the TCB, enter the
    // CLOSED state, and return."
    let mut s = socket_last_ack();
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 2u32, LOCAL_SEQ + 2u32));
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: SimTime::ZERO,
            from: State::LastAck,
            to: State::Closed,
            cause: cause(ACK, REMOTE_SEQ + 2u32, LOCAL_SEQ + 2u32),
        }]
    );
    assert_eq!(s.events(), vec![TcpEvent::Closed]);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_last_ack_other_ack_stays() {
    // §3.10.7.4 fifth, LAST-ACK: only the acknowledgment of our FIN closes the connection.
    let mut s = socket_last_ack();
    recv_nothing!(s, peer_ack(REMOTE_SEQ + 2u32, LOCAL_SEQ + 1u32));
    assert_eq!(s.state(), State::LastAck);
}

#[test]
fn test_last_ack_retransmits_fin() {
    // §3.10.8: the unacknowledged FIN is retransmitted after RTO.
    let mut s = socket_last_ack();
    assert_eq!(
        s.fire(),
        vec![Segment {
            flags: FIN,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 2u32)
        }]
    );
}

#[test]
fn test_last_ack_retransmitted_peer_fin_acked() {
    // §3.10.7.4 eighth, LAST-ACK: "Remain in the LAST-ACK state"; the old FIN gets an ACK.
    let mut s = socket_last_ack();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 1u32,
            flags: FIN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 2u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(s.state(), State::LastAck);
}

#[test]
fn test_last_ack_rst_closes() {
    // §3.10.7.4 second, LAST-ACK: "If the RST bit is set, then enter the CLOSED state".
    let mut s = socket_last_ack();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 2u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_last_ack_abort_sends_nothing() {
    // §3.10.5 LAST-ACK: "Respond with 'ok' and delete the TCB" — no RST.
    let mut s = socket_last_ack();
    assert!(s.abort().is_empty());
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_last_ack_user_calls_are_errors() {
    // §3.10.2 / §3.10.4 LAST-ACK: "error: connection closing".
    let mut s = socket_last_ack();
    assert_eq!(s.send(b"x"), Err(UserError::ConnectionClosing));
    assert_eq!(s.close(), Err(UserError::ConnectionClosing));
}

#[test]
fn test_last_ack_gives_up_on_fin() {
    // The FIN is retransmitted like data: after `max_retries` the connection is dropped.
    let mut s = socket_established_with(
        Config {
            max_retries: 1,
            ..config()
        },
        syn_from_peer(),
    );
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 1u32,
            flags: FIN,
            ..SEND_TEMPL
        }
    );
    s.close().unwrap();
    s.clear();
    assert_eq!(s.fire().len(), 1);
    assert_eq!(s.fire(), vec![]);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.transitions()[0].cause, Cause::GaveUp);
}

// =============================================================================================
// Tests for the TIME-WAIT state.
// =============================================================================================

#[test]
fn test_time_wait_lasts_two_msl() {
    // §3.4.2 / §3.10.8 TIME-WAIT TIMEOUT: after 2·MSL "delete the TCB, enter the CLOSED
    // state"; the cause is the timer.
    let mut s = socket_time_wait();
    assert_eq!(
        s.next_deadline(),
        Some(SimTime::ZERO + s.time_wait_length())
    );
    assert_eq!(s.time_wait_length(), SimDuration::from_secs(60));
    assert!(s.timer_at(at(59_999)).is_empty());
    assert_eq!(s.state(), State::TimeWait);
    assert!(s.fire().is_empty());
    assert_eq!(
        s.transitions(),
        vec![Transition {
            at: at(60_000),
            from: State::TimeWait,
            to: State::Closed,
            cause: Cause::Timer(TimerKind::TimeWait),
        }]
    );
    assert_eq!(s.events(), vec![TcpEvent::Closed]);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_time_wait_retransmitted_fin_restarts_timer() {
    // §3.10.7.4 fifth, TIME-WAIT: "The only thing that can arrive in this state is a
    // retransmission of the remote FIN. Acknowledge it, and restart the 2 MSL timeout."
    let mut s = socket_time_wait();
    s.advance(SimDuration::from_secs(10));
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1u32,
            ack: LOCAL_SEQ + 2u32,
            flags: FIN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 2u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(s.next_deadline(), Some(at(70_000)));
    assert_eq!(s.state(), State::TimeWait);
}

#[test]
fn test_time_wait_rst_closes() {
    // §3.10.7.4 second, TIME-WAIT: "If the RST bit is set, then enter the CLOSED state".
    let mut s = socket_time_wait();
    recv_nothing!(
        s,
        Segment {
            seq: REMOTE_SEQ + 2u32,
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_time_wait_syn_gets_challenge_ack() {
    // §3.10.7.4 fourth, TIME-WAIT: RFC 5961 "challenge ACK" (no timestamps here to accept a
    // new incarnation).
    let mut s = socket_time_wait();
    recv!(
        s,
        Segment {
            seq: REMOTE_SEQ + 1000u32,
            flags: SYN,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 2u32, REMOTE_SEQ + 2u32)]
    );
    assert_eq!(s.state(), State::TimeWait);
}

#[test]
fn test_time_wait_abort_sends_nothing() {
    // §3.10.5 TIME-WAIT: "Respond with 'ok' and delete the TCB, enter CLOSED state".
    let mut s = socket_time_wait();
    assert!(s.abort().is_empty());
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_time_wait_user_calls_are_errors() {
    // §3.10.1/2/4 TIME-WAIT: "connection already exists" / "connection closing".
    let mut s = socket_time_wait();
    assert_eq!(s.send(b"x"), Err(UserError::ConnectionClosing));
    assert_eq!(s.close(), Err(UserError::ConnectionClosing));
    assert_eq!(
        s.connect(LOCAL_SEQ),
        Err(UserError::ConnectionAlreadyExists)
    );
}

#[test]
fn test_time_wait_from_closing() {
    // Simultaneous close end to end: FIN-WAIT-1 → CLOSING (their FIN) → TIME-WAIT (their ACK).
    let mut s = socket_closing();
    send!(s, peer_ack(REMOTE_SEQ + 2u32, LOCAL_SEQ + 2u32));
    assert_eq!(s.state(), State::TimeWait);
    s.fire();
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_time_wait_turns_off_other_timers() {
    // §3.10.7.4 eighth: "start the time-wait timer, turn off the other timers".
    let mut s = socket_established_with(
        Config {
            delayed_ack: Some(ms(40)),
            ..keepalive(1_000, 100, 3)
        },
        syn_from_peer(),
    );
    s.close().unwrap();
    send!(s, peer_data(REMOTE_SEQ + 1u32, b"x"));
    send!(
        s,
        Segment {
            seq: REMOTE_SEQ + 2u32,
            ack: LOCAL_SEQ + 2u32,
            flags: FIN,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::TimeWait);
    for kind in [
        TimerKind::Retransmit,
        TimerKind::DelayedAck,
        TimerKind::KeepAlive,
        TimerKind::Persist,
    ] {
        assert_eq!(s.timer(kind), None, "{kind:?}");
    }
}

// =============================================================================================
// Sequence numbers across 2^32 (RFC 9293 §3.4: "all arithmetic ... is modulo 2^32").
// =============================================================================================

#[test]
fn test_wrap_our_data_crosses_zero() {
    // Our ISS just below 2^32: the SYN takes u32::MAX-2, the data u32::MAX-1 .. 2.
    let iss = SeqNum(u32::MAX - 2);
    let mut s = socket_syn_sent_with(config(), iss);
    send!(
        s,
        Segment {
            ack: SeqNum(u32::MAX - 1),
            ..syn_ack_from_peer()
        }
    );
    assert_eq!(s.state(), State::Established);
    assert_eq!(
        s.send(b"wrap!").unwrap(),
        vec![our_data(SeqNum(u32::MAX - 1), REMOTE_SEQ + 1u32, b"wrap!")]
    );
    assert_eq!(s.snd_nxt(), SeqNum(3));
    send!(s, peer_ack(REMOTE_SEQ + 1u32, SeqNum(1)));
    assert_eq!(s.send_queue_len(), 2);
    send!(s, peer_ack(REMOTE_SEQ + 1u32, SeqNum(3)));
    assert_eq!(s.send_queue_len(), 0);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_wrap_ack_check_in_syn_sent() {
    // §3.10.7.3 "SEG.ACK =< ISS or SEG.ACK > SND.NXT", modulo 2^32: ISS = u32::MAX makes
    // SND.NXT = 0; an ACK of 0 is acceptable, an ACK of 1 is not.
    let mut s = socket_syn_sent_with(config(), SeqNum(u32::MAX));
    recv!(
        s,
        Segment {
            ack: SeqNum(1),
            ..syn_ack_from_peer()
        },
        [Segment {
            seq: SeqNum(1),
            flags: RST,
            ..RECV_TEMPL
        }]
    );
    recv!(
        s,
        Segment {
            ack: SeqNum(0),
            ..syn_ack_from_peer()
        },
        [our_ack(SeqNum(0), REMOTE_SEQ + 1u32)]
    );
    assert_eq!(s.state(), State::Established);
}

/// ESTABLISHED with the peer's ISS `irs` (RCV.NXT = irs+1).
fn socket_established_peer_isn(irs: SeqNum) -> TestSocket {
    let s = socket_established_with(
        config(),
        Segment {
            seq: irs,
            ..syn_from_peer()
        },
    );
    assert_eq!(s.rcv_nxt(), irs + 1u32);
    s
}

#[test]
fn test_wrap_peer_data_crosses_zero() {
    // The peer's ISS = u32::MAX-1: its data starts at u32::MAX and RCV.NXT wraps to 3.
    let irs = SeqNum(u32::MAX - 1);
    let mut s = TestSocket::new(Endpoint::new(config(), LOCAL_PORT, 0));
    s.listen(LOCAL_SEQ).unwrap();
    send!(
        s,
        Segment {
            seq: irs,
            flags: SYN,
            ..SEND_TEMPL
        }
    );
    send!(s, peer_ack(irs + 1u32, LOCAL_SEQ + 1u32));
    recv!(
        s,
        peer_data(SeqNum(u32::MAX), b"wxyz"),
        [Segment {
            window: RCV_WND - 4,
            ..our_ack(LOCAL_SEQ + 1u32, SeqNum(3))
        }]
    );
    assert_eq!(s.recv(), b"wxyz");
}

#[test]
fn test_wrap_out_of_order_across_zero() {
    // Reassembly orders pieces by SEG.SEQ modulo 2^32, not by the raw u32.
    let mut s = socket_established_peer_isn(SeqNum(u32::MAX - 2));
    // RCV.NXT = u32::MAX-1; "a" belongs there, "cd" at u32::MAX, "ef" after the wrap at 1.
    send!(s, peer_data(SeqNum(1), b"ef"));
    send!(s, peer_data(SeqNum(u32::MAX), b"cd"));
    assert_eq!(s.rcv_nxt(), SeqNum(u32::MAX - 1));
    send!(s, peer_data(SeqNum(u32::MAX - 1), b"a"));
    assert_eq!(s.recv(), b"acdef");
    assert_eq!(s.rcv_nxt(), SeqNum(3));
}

#[test]
fn test_wrap_rst_exact_match() {
    // §3.10.7.4 second: "exactly matches the next expected sequence number", modulo 2^32.
    let mut s = socket_established_peer_isn(SeqNum(u32::MAX));
    assert_eq!(s.rcv_nxt(), SeqNum(0));
    recv!(
        s,
        Segment {
            seq: SeqNum(1),
            flags: RST,
            ..SEND_TEMPL
        },
        [our_ack(LOCAL_SEQ + 1u32, SeqNum(0))]
    );
    recv_nothing!(
        s,
        Segment {
            seq: SeqNum(0),
            flags: RST,
            ..SEND_TEMPL
        }
    );
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn test_wrap_old_segment_before_zero_is_old() {
    // Table 6 modulo 2^32: with RCV.NXT = 2, a segment at u32::MAX is before the window.
    let mut s = socket_established_peer_isn(SeqNum(1));
    recv!(
        s,
        peer_data(SeqNum(u32::MAX), b"zz"),
        [our_ack(LOCAL_SEQ + 1u32, SeqNum(2))]
    );
    assert_eq!(s.recv(), b"");
}

// =============================================================================================
// next_deadline (smoltcp's poll_at): the one time the caller must call on_timer.
// =============================================================================================

#[test]
fn test_deadline_idle_established_is_none() {
    // No data outstanding, no keep-alive, no owed ACK: no timer runs.
    assert_eq!(socket_established().next_deadline(), None);
}

#[test]
fn test_deadline_is_earliest_timer() {
    // With a delayed ACK owed (40 ms) and data outstanding (RTO 200 ms), the earliest wins.
    let mut s = socket_established_delayed_ack();
    send!(s, peer_data(REMOTE_SEQ + 1u32, b"x"));
    s.advance(ms(10));
    // Sending piggybacks the ACK, leaving only the retransmission timer.
    s.send(b"y").unwrap();
    assert_eq!(s.next_deadline(), Some(at(210)));
    send!(s, peer_data(REMOTE_SEQ + 2u32, b"z"));
    assert_eq!(s.next_deadline(), Some(at(50)));
}

#[test]
fn test_deadline_early_call_does_nothing() {
    // on_timer before the deadline has no effect: timers fire only when due.
    let mut s = socket_syn_sent();
    assert!(s.timer_at(at(999)).is_empty());
    assert_eq!(s.state(), State::SynSent);
    assert_eq!(s.next_deadline(), Some(at(1_000)));
}

#[test]
fn test_deadline_timer_accessor_matches() {
    // `timer(kind)` reports each armed timer; `next_deadline` is their minimum.
    let s = socket_syn_sent();
    assert_eq!(s.timer(TimerKind::Retransmit), Some(at(1_000)));
    assert_eq!(s.timer(TimerKind::TimeWait), None);
    assert_eq!(s.next_deadline(), s.timer(TimerKind::Retransmit));
}

// =============================================================================================
// Whole conversations between two endpoints (both sides are the code under test).
// =============================================================================================

/// Carry every segment from one side to the other until both are quiet.
fn exchange(a: &mut TestSocket, b: &mut TestSocket, first: Vec<Segment>) {
    let mut to_b = first;
    let mut to_a = Vec::new();
    for _ in 0..100 {
        if to_a.is_empty() && to_b.is_empty() {
            return;
        }
        for seg in std::mem::take(&mut to_b) {
            to_a.extend(b.feed(&seg));
        }
        for seg in std::mem::take(&mut to_a) {
            to_b.extend(a.feed(&seg));
        }
    }
    panic!("the endpoints never went quiet");
}

fn pair() -> (TestSocket, TestSocket) {
    let mut client = TestSocket::new(Endpoint::new(config(), REMOTE_PORT, LOCAL_PORT));
    let mut server = TestSocket::new(Endpoint::new(config(), LOCAL_PORT, 0));
    server.listen(LOCAL_SEQ).unwrap();
    let syn = client.connect(REMOTE_SEQ).unwrap();
    exchange(&mut client, &mut server, syn);
    (client, server)
}

#[test]
fn test_pair_three_way_handshake() {
    // §3.5 Figure 6: SYN, SYN+ACK, ACK — both ends ESTABLISHED.
    let (mut c, mut s) = pair();
    assert_eq!(c.state(), State::Established);
    assert_eq!(s.state(), State::Established);
    assert_eq!(c.irs(), LOCAL_SEQ);
    assert_eq!(s.irs(), REMOTE_SEQ);
    assert_eq!(
        c.moves(),
        vec![
            (State::Closed, State::SynSent),
            (State::SynSent, State::Established)
        ]
    );
    assert_eq!(
        s.moves(),
        vec![
            (State::Closed, State::Listen),
            (State::Listen, State::SynReceived),
            (State::SynReceived, State::Established)
        ]
    );
}

#[test]
fn test_pair_normal_close() {
    // §3.6 Figure 12: FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT on the closer; CLOSE-WAIT → LAST-ACK
    // → CLOSED on the other.
    let (mut c, mut s) = pair();
    c.clear();
    s.clear();
    let fin = c.close().unwrap();
    exchange(&mut c, &mut s, fin);
    let fin = s.close().unwrap();
    exchange(&mut s, &mut c, fin);
    assert_eq!(
        c.moves(),
        vec![
            (State::Established, State::FinWait1),
            (State::FinWait1, State::FinWait2),
            (State::FinWait2, State::TimeWait)
        ]
    );
    assert_eq!(
        s.moves(),
        vec![
            (State::Established, State::CloseWait),
            (State::CloseWait, State::LastAck),
            (State::LastAck, State::Closed)
        ]
    );
    c.fire();
    assert_eq!(c.state(), State::Closed);
}

#[test]
fn test_pair_simultaneous_close() {
    // §3.6 Figure 13: both send FIN; both pass CLOSING to TIME-WAIT.
    let (mut c, mut s) = pair();
    c.clear();
    s.clear();
    let fin_c = c.close().unwrap();
    let fin_s = s.close().unwrap();
    let mut to_c = Vec::new();
    for seg in &fin_c {
        to_c.extend(s.feed(seg));
    }
    let mut to_s = Vec::new();
    for seg in &fin_s {
        to_s.extend(c.feed(seg));
    }
    exchange(&mut s, &mut c, to_c);
    exchange(&mut c, &mut s, to_s);
    for side in [&mut c, &mut s] {
        assert_eq!(
            side.moves(),
            vec![
                (State::Established, State::FinWait1),
                (State::FinWait1, State::Closing),
                (State::Closing, State::TimeWait)
            ]
        );
    }
}

#[test]
fn test_pair_simultaneous_open() {
    // §3.5 Figure 8: both send SYN; both pass SYN-RECEIVED to ESTABLISHED.
    let mut a = TestSocket::new(Endpoint::new(config(), LOCAL_PORT, REMOTE_PORT));
    let mut b = TestSocket::new(Endpoint::new(config(), REMOTE_PORT, LOCAL_PORT));
    let syn_a = a.connect(LOCAL_SEQ).unwrap();
    let syn_b = b.connect(REMOTE_SEQ).unwrap();
    let syn_ack_b: Vec<Segment> = syn_a.iter().flat_map(|s| b.feed(s)).collect();
    let syn_ack_a: Vec<Segment> = syn_b.iter().flat_map(|s| a.feed(s)).collect();
    exchange(&mut b, &mut a, syn_ack_b);
    exchange(&mut a, &mut b, syn_ack_a);
    for side in [&mut a, &mut b] {
        assert_eq!(
            side.moves(),
            vec![
                (State::Closed, State::SynSent),
                (State::SynSent, State::SynReceived),
                (State::SynReceived, State::Established)
            ]
        );
        assert_eq!(side.next_deadline(), None, "both SYNs acknowledged");
    }
}

#[test]
fn test_pair_bulk_transfer_through_small_window() {
    // Data larger than window and MSS arrives whole and in order (§3.8.6 flow control), with
    // the receiver reading as it goes.
    let (mut c, mut s) = pair();
    let data: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    let first = c.send(&data).unwrap();
    let mut got = Vec::new();
    let mut to_s = first;
    for _ in 0..200 {
        let mut to_c = Vec::new();
        for seg in std::mem::take(&mut to_s) {
            to_c.extend(s.feed(&seg));
        }
        got.extend(s.recv());
        for seg in to_c {
            to_s.extend(c.feed(&seg));
        }
        if to_s.is_empty() {
            // The receiver read everything but a closed window was advertised last: the sender
            // probes (§3.8.6.1).
            if c.send_queue_len() == 0 {
                break;
            }
            to_s = c.fire();
        }
    }
    assert_eq!(got, data);
}

// =============================================================================================
// Tests for the window update after RECEIVE (§3.10.3, receiver SWS avoidance §3.8.6.2.2).
// =============================================================================================

#[test]
fn test_window_update_after_reading_a_full_window() {
    let mut s = socket_established();
    let data = [7u8; RCV_WND as usize];
    recv!(
        s,
        peer_data(REMOTE_SEQ + 1u32, &data),
        [Segment {
            window: 0,
            ..our_ack(LOCAL_SEQ + 1u32, REMOTE_SEQ + 1u32 + u32::from(RCV_WND))
        }]
    );
    assert_eq!(s.recv().len(), usize::from(RCV_WND));
    let now = s.now;
    assert_eq!(
        s.ep.window_update(now),
        vec![our_ack(
            LOCAL_SEQ + 1u32,
            REMOTE_SEQ + 1u32 + u32::from(RCV_WND)
        )]
    );
    // Announced once: reading again changes nothing.
    assert!(s.ep.window_update(now).is_empty());
}

#[test]
fn test_no_window_update_while_the_peer_knows_more_than_half_the_buffer() {
    let mut s = socket_established();
    let out = send!(s, peer_data(REMOTE_SEQ + 1u32, b"0123456789"));
    assert_eq!(out[0].window, RCV_WND - 10);
    assert_eq!(s.recv(), b"0123456789");
    let now = s.now;
    assert!(s.ep.window_update(now).is_empty());
}

#[test]
fn test_window_update_at_half_the_buffer() {
    let mut s = socket_established();
    let half = [1u8; RCV_WND as usize / 2];
    let out = send!(s, peer_data(REMOTE_SEQ + 1u32, &half));
    assert_eq!(out[0].window, RCV_WND / 2);
    s.recv();
    let now = s.now;
    let upd = s.ep.window_update(now);
    assert_eq!(upd.len(), 1);
    assert_eq!(upd[0].window, RCV_WND);
    assert_eq!(upd[0].flags, ACK);
}

#[test]
fn test_window_update_cancels_a_pending_delayed_ack() {
    let mut s = socket_established_with(
        Config {
            delayed_ack: Some(ms(200)),
            ..config()
        },
        syn_from_peer(),
    );
    let data = [7u8; RCV_WND as usize];
    recv_nothing!(s, peer_data(REMOTE_SEQ + 1u32, &data));
    assert!(s.timer(TimerKind::DelayedAck).is_some());
    s.recv();
    let now = s.now;
    // The delayed ACK would still announce a zero window (it was built after the data), so
    // the update is due; it carries RCV.NXT too, so no delayed ACK is owed after it.
    let upd = s.ep.window_update(now);
    assert_eq!(upd.len(), 1);
    assert_eq!(upd[0].ack, REMOTE_SEQ + 1u32 + u32::from(RCV_WND));
    assert_eq!(s.timer(TimerKind::DelayedAck), None);
}

#[test]
fn test_no_window_update_after_the_peer_closed() {
    let mut s = socket_close_wait();
    let now = s.now;
    s.recv();
    assert!(s.ep.window_update(now).is_empty());
}

// =============================================================================================
// Tests for changing parameters on a live endpoint (SO_KEEPALIVE).
// =============================================================================================

#[test]
fn test_set_config_arms_keepalive_on_an_established_connection() {
    let mut s = socket_established();
    assert_eq!(s.timer(TimerKind::KeepAlive), None);
    s.advance(ms(5));
    let now = s.now;
    s.ep.set_config(now, keepalive(100, 10, 2));
    assert_eq!(s.timer(TimerKind::KeepAlive), Some(at(105)));
    let probe = s.fire();
    assert_eq!(probe, vec![our_ack(LOCAL_SEQ, REMOTE_SEQ + 1u32)]);
}

#[test]
fn test_set_config_without_keepalive_stops_the_probes() {
    let mut s = socket_established_with(keepalive(100, 10, 2), syn_from_peer());
    assert!(s.timer(TimerKind::KeepAlive).is_some());
    let now = s.now;
    s.ep.set_config(now, config());
    assert_eq!(s.timer(TimerKind::KeepAlive), None);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn test_listener_config_is_inherited_by_its_connections() {
    let mut l = socket_listen_with(keepalive(100, 10, 2));
    let child = l.ep.fork_for(REMOTE_PORT, LOCAL_SEQ);
    assert_eq!(child.config().keepalive, keepalive(100, 10, 2).keepalive);
    l.clear();
}
