//! Two endpoints talking over a deterministic wire (fixed latency, scripted losses), through
//! the public `synack::tcp` API only: RFC 9293's figures and recovery rules end to end.
//!
//! The wire is the smallest event loop that works: segments in flight ordered by (arrival,
//! send order), and each endpoint's `next_deadline`. The applications read eagerly unless a
//! test says otherwise.

use synack::tcp::{Cause, Config, Endpoint, KeepAlive, Segment, SeqNum, State, TcpEvent};
use synack::time::{SimDuration, SimTime};

const A: usize = 0;
const B: usize = 1;
const LATENCY: SimDuration = SimDuration::from_millis(10);

struct Wire {
    now: SimTime,
    ends: [Endpoint; 2],
    /// (arrival, send order, to, segment)
    in_flight: Vec<(SimTime, u64, usize, Segment)>,
    order: u64,
    /// Segments each side has put on the wire so far.
    sent: [u32; 2],
    /// (side, n): the n-th segment that side sends (1-based) is lost.
    drops: Vec<(usize, u32)>,
    /// Every segment sent: (time, from, label), lost ones marked.
    log: Vec<(SimTime, usize, String)>,
    reading: [bool; 2],
    read: [Vec<u8>; 2],
    events: [Vec<TcpEvent>; 2],
}

impl Wire {
    fn new(a: Endpoint, b: Endpoint) -> Wire {
        Wire {
            now: SimTime::ZERO,
            ends: [a, b],
            in_flight: Vec::new(),
            order: 0,
            sent: [0, 0],
            drops: Vec::new(),
            log: Vec::new(),
            reading: [true, true],
            read: [Vec::new(), Vec::new()],
            events: [Vec::new(), Vec::new()],
        }
    }

    /// A client (A, port 49152) and a listening server (B, port 80, remote unspecified).
    fn client_server(cfg: Config, client_iss: SeqNum, server_iss: SeqNum) -> (Wire, Vec<Segment>) {
        let mut server = Endpoint::new(cfg, 80, 0);
        server.listen(SimTime::ZERO, server_iss).unwrap(); // CLOSED → LISTEN cannot fail
        let mut client = Endpoint::new(cfg, 49152, 80);
        let syn = client.connect(SimTime::ZERO, client_iss).unwrap(); // CLOSED: cannot fail
        (Wire::new(client, server), syn)
    }

    fn emit(&mut self, from: usize, segs: Vec<Segment>) {
        for seg in segs {
            self.sent[from] += 1;
            let lost = self.drops.contains(&(from, self.sent[from]));
            let mark = if lost { " (lost)" } else { "" };
            self.log
                .push((self.now, from, format!("{}{mark}", seg.label())));
            if !lost {
                self.order += 1;
                self.in_flight
                    .push((self.now + LATENCY, self.order, 1 - from, seg));
            }
        }
    }

    fn after(&mut self, side: usize) {
        if self.reading[side] {
            let data = self.ends[side].recv();
            self.read[side].extend(data);
        }
        let ev = self.ends[side].take_events();
        self.events[side].extend(ev);
    }

    /// Run a user call on one side at the current time and put its segments on the wire.
    fn user(&mut self, side: usize, call: impl FnOnce(&mut Endpoint, SimTime) -> Vec<Segment>) {
        let out = call(&mut self.ends[side], self.now);
        self.emit(side, out);
        self.after(side);
    }

    /// Run the next event (a delivery, else a timer); false when nothing is left before `until`.
    fn step(&mut self, until: SimTime) -> bool {
        let next_delivery = self
            .in_flight
            .iter()
            .enumerate()
            .min_by_key(|(_, (t, o, _, _))| (*t, *o))
            .map(|(i, (t, _, _, _))| (i, *t));
        let timers = [self.ends[A].next_deadline(), self.ends[B].next_deadline()];
        let next_timer = (0..2)
            .filter_map(|s| timers[s].map(|t| (s, t)))
            .min_by_key(|&(s, t)| (t, s));
        match (next_delivery, next_timer) {
            (Some((i, t)), timer) if timer.is_none_or(|(_, tt)| t <= tt) && t <= until => {
                let (at, _, to, seg) = self.in_flight.remove(i);
                self.now = at;
                let out = self.ends[to].on_segment(at, &seg);
                self.emit(to, out);
                self.after(to);
                true
            }
            (_, Some((side, t))) if t <= until => {
                self.now = t;
                let out = self.ends[side].on_timer(t);
                self.emit(side, out);
                self.after(side);
                true
            }
            _ => false,
        }
    }

    fn run_until(&mut self, until: SimTime) {
        for _ in 0..100_000 {
            if !self.step(until) {
                self.now = self.now.max(until);
                return;
            }
        }
        panic!("the wire never went quiet");
    }

    /// Run until no segment is in flight (timers may still be armed).
    fn settle(&mut self) {
        for _ in 0..100_000 {
            if self.in_flight.is_empty() {
                return;
            }
            self.step(SimTime(u64::MAX));
        }
        panic!("the wire never went quiet");
    }

    fn labels(&self, from: usize) -> Vec<String> {
        self.log
            .iter()
            .filter(|(_, f, _)| *f == from)
            .map(|(_, _, l)| l.clone())
            .collect()
    }

    fn state(&self, side: usize) -> State {
        self.ends[side].state()
    }
}

fn ms(n: u64) -> SimTime {
    SimTime::from_millis(n)
}

fn cfg() -> Config {
    Config {
        rcv_wnd: 4096,
        ..Config::default()
    }
}

fn established(cfg: Config) -> Wire {
    let (mut w, syn) = Wire::client_server(cfg, SeqNum(100), SeqNum(300));
    w.emit(A, syn);
    w.settle();
    assert_eq!(
        (w.state(A), w.state(B)),
        (State::Established, State::Established)
    );
    w
}

#[test]
fn full_lifecycle_reads_like_the_rfc() {
    // §3.5 Figure 6 (handshake), data both ways, §3.6 Figure 12 (normal close), §3.4 2·MSL.
    let mut w = established(cfg());
    w.user(A, |e, t| e.send(t, b"GET /").unwrap());
    w.settle();
    w.user(B, |e, t| e.send(t, b"200 OK").unwrap());
    w.settle();
    w.user(A, |e, t| e.close(t).unwrap());
    w.settle();
    w.user(B, |e, t| e.close(t).unwrap());
    w.settle();
    assert_eq!(
        w.labels(A),
        [
            "SYN seq=100",
            "ACK seq=101 ack=301",
            "PSH+ACK seq=101 ack=301 len=5",
            "ACK seq=106 ack=307",
            "FIN+ACK seq=106 ack=307",
            "ACK seq=107 ack=308",
        ]
    );
    assert_eq!(
        w.labels(B),
        [
            "SYN+ACK seq=300 ack=101",
            "ACK seq=301 ack=106",
            "PSH+ACK seq=301 ack=106 len=6",
            "ACK seq=307 ack=107",
            "FIN+ACK seq=307 ack=107",
        ]
    );
    assert_eq!(w.read[B], b"GET /");
    assert_eq!(w.read[A], b"200 OK");
    assert_eq!((w.state(A), w.state(B)), (State::TimeWait, State::Closed));
    let entered = |w: &mut Wire, to: State| {
        let t = w.ends[A].take_transitions();
        t.iter().find(|t| t.to == to).map(|t| t.at)
    };
    let time_wait = entered(&mut w, State::TimeWait).expect("A entered TIME-WAIT");
    w.run_until(time_wait + SimDuration::from_secs(61));
    assert_eq!(w.state(A), State::Closed);
    assert_eq!(
        entered(&mut w, State::Closed),
        Some(time_wait + SimDuration::from_secs(60))
    );
}

#[test]
fn lost_syn_is_retransmitted_after_initial_rto() {
    // RFC 6298 §2.1: RTO = 1 s before any sample; the SYN goes again and the open completes.
    let (mut w, syn) = Wire::client_server(cfg(), SeqNum(100), SeqNum(300));
    w.drops.push((A, 1));
    w.emit(A, syn);
    w.run_until(ms(1_100));
    assert_eq!(w.labels(A)[..2], ["SYN seq=100 (lost)", "SYN seq=100"]);
    assert_eq!(w.log[1].0, ms(1_000));
    assert_eq!(
        (w.state(A), w.state(B)),
        (State::Established, State::Established)
    );
}

#[test]
fn lost_syn_ack_is_recovered() {
    // The client's repeated SYN makes the server send its SYN+ACK again (or its own RTO does).
    let (mut w, syn) = Wire::client_server(cfg(), SeqNum(100), SeqNum(300));
    w.drops.push((B, 1));
    w.emit(A, syn);
    w.run_until(ms(1_500));
    assert_eq!(
        (w.state(A), w.state(B)),
        (State::Established, State::Established)
    );
}

#[test]
fn lost_handshake_ack_is_covered_by_data() {
    // SYN-RECEIVED accepts the client's first data segment: its ACK field completes the open.
    let (mut w, syn) = Wire::client_server(cfg(), SeqNum(100), SeqNum(300));
    w.drops.push((A, 2));
    w.emit(A, syn);
    w.settle();
    assert_eq!(w.state(B), State::SynReceived);
    w.user(A, |e, t| e.send(t, b"hello").unwrap());
    w.settle();
    assert_eq!(w.state(B), State::Established);
    assert_eq!(w.read[B], b"hello");
}

#[test]
fn fast_retransmit_beats_the_timer() {
    // RFC 5681 §3.2: the lost first segment is resent on the third duplicate ACK, long before
    // the 200 ms RTO.
    let small = Config { mss: 100, ..cfg() };
    let mut w = established(small);
    let start = w.now;
    w.drops.push((A, w.sent[A] + 1));
    let data: Vec<u8> = (0..500u32).map(|i| i as u8).collect();
    w.user(A, |e, t| e.send(t, &data).unwrap());
    w.settle();
    assert_eq!(w.read[B], data);
    let resend = w
        .log
        .iter()
        .filter(|(_, f, l)| *f == A && l.contains("seq=101 ") && !l.contains("lost"))
        .map(|(t, _, _)| *t)
        .next()
        .expect("the first segment is sent again");
    assert!(
        resend - start < SimDuration::from_millis(200),
        "{:?}",
        resend - start
    );
}

#[test]
fn lost_fin_is_retransmitted() {
    // §3.10.8: the FIN is on the retransmission queue like data.
    let mut w = established(cfg());
    w.drops.push((A, w.sent[A] + 1));
    w.user(A, |e, t| e.close(t).unwrap());
    w.run_until(w.now + SimDuration::from_secs(1));
    assert_eq!(
        (w.state(A), w.state(B)),
        (State::FinWait2, State::CloseWait)
    );
}

#[test]
fn simultaneous_open_needs_no_timeout() {
    // §3.5 Figure 8: both send SYN; each answers with SYN+ACK; both are ESTABLISHED one round
    // trip later, without any retransmission.
    let mut a = Endpoint::new(cfg(), 5000, 6000);
    let mut b = Endpoint::new(cfg(), 6000, 5000);
    let syn_a = a.connect(SimTime::ZERO, SeqNum(100)).unwrap();
    let syn_b = b.connect(SimTime::ZERO, SeqNum(300)).unwrap();
    let mut w = Wire::new(a, b);
    w.emit(A, syn_a);
    w.emit(B, syn_b);
    w.settle();
    assert_eq!(
        (w.state(A), w.state(B)),
        (State::Established, State::Established)
    );
    assert_eq!(w.now, ms(20));
    for side in [A, B] {
        let moves: Vec<(State, State)> = w.ends[side]
            .take_transitions()
            .iter()
            .map(|t| (t.from, t.to))
            .collect();
        assert_eq!(
            moves,
            [
                (State::Closed, State::SynSent),
                (State::SynSent, State::SynReceived),
                (State::SynReceived, State::Established)
            ]
        );
        assert_eq!(w.ends[side].next_deadline(), None);
    }
}

#[test]
fn simultaneous_close_passes_closing() {
    // §3.6 Figure 13: both FINs cross; both sides go FIN-WAIT-1 → CLOSING → TIME-WAIT.
    let mut w = established(cfg());
    w.ends[A].take_transitions();
    w.ends[B].take_transitions();
    w.user(A, |e, t| e.close(t).unwrap());
    w.user(B, |e, t| e.close(t).unwrap());
    w.settle();
    for side in [A, B] {
        let moves: Vec<State> = w.ends[side]
            .take_transitions()
            .iter()
            .map(|t| t.to)
            .collect();
        assert_eq!(moves, [State::FinWait1, State::Closing, State::TimeWait]);
    }
}

#[test]
fn zero_window_is_probed_until_the_reader_returns() {
    // §3.8.6.1: the receiver stops reading; its window closes; the sender probes (backing off)
    // until the reader returns, and every byte arrives once, in order.
    let small = Config {
        rcv_wnd: 100,
        ..cfg()
    };
    let mut w = established(small);
    w.reading[B] = false;
    let data: Vec<u8> = (0..300u32).map(|i| (i % 256) as u8).collect();
    w.user(A, |e, t| e.send(t, &data).unwrap());
    w.run_until(ms(5_000));
    assert_eq!(w.ends[B].rcv_wnd(), 0);
    assert_eq!(w.state(A), State::Established);
    w.reading[B] = true;
    w.after(B);
    w.run_until(ms(60_000));
    assert_eq!(w.read[B], data);
    assert_eq!(w.ends[A].send_queue_len(), 0);
}

#[test]
fn keepalive_keeps_a_live_idle_connection_and_drops_a_dead_one() {
    // §3.8.4: probes after `idle`; a live peer answers and the connection stays; when the peer
    // vanishes, `count` unanswered probes end it ("timed out", cause GaveUp).
    let ka = Config {
        keepalive: Some(KeepAlive {
            idle: SimDuration::from_secs(10),
            interval: SimDuration::from_secs(1),
            count: 3,
        }),
        ..cfg()
    };
    let mut w = established(ka);
    w.run_until(ms(35_000));
    assert_eq!(w.state(A), State::Established);
    let probes = w
        .labels(A)
        .iter()
        .filter(|l| *l == "ACK seq=100 ack=301")
        .count();
    assert_eq!(probes, 3, "one probe per idle period: {:?}", w.labels(A));
    // B goes away: nothing it sends arrives any more.
    let n = w.sent[B];
    w.drops.extend((n + 1..n + 100).map(|k| (B, k)));
    w.run_until(ms(100_000));
    assert_eq!(w.state(A), State::Closed);
    assert!(w.events[A].contains(&TcpEvent::TimedOut));
    let last = w.ends[A].take_transitions().pop().unwrap(); // A closed, so there is one
    assert_eq!(last.cause, Cause::GaveUp);
}

#[test]
fn transfer_across_the_sequence_wrap() {
    // §3.4: "all arithmetic ... is modulo 2^32": both ISNs just below 2^32, 3 kB each way.
    let (mut w, syn) = Wire::client_server(cfg(), SeqNum(u32::MAX - 5), SeqNum(u32::MAX - 1000));
    w.emit(A, syn);
    w.settle();
    let up: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 256) as u8).collect();
    let down: Vec<u8> = (0..3000u32).map(|i| (i * 13 % 256) as u8).collect();
    w.user(A, |e, t| e.send(t, &up).unwrap());
    w.user(B, |e, t| e.send(t, &down).unwrap());
    w.settle();
    assert_eq!(w.read[B], up);
    assert_eq!(w.read[A], down);
    assert!(
        w.ends[A].snd_nxt().0 < 3000,
        "SND.NXT wrapped: {}",
        w.ends[A].snd_nxt()
    );
}

#[test]
fn connecting_to_a_closed_port_is_refused() {
    // §3.10.7.1: the CLOSED port answers the SYN with <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>;
    // §3.10.7.3: SYN-SENT takes it ("connection reset"/refused) and enters CLOSED.
    let mut client = Endpoint::new(cfg(), 49152, 80);
    let syn = client.connect(SimTime::ZERO, SeqNum(100)).unwrap();
    let mut w = Wire::new(client, Endpoint::new(cfg(), 80, 49152));
    w.emit(A, syn);
    w.settle();
    assert_eq!(w.labels(B), ["RST+ACK seq=0 ack=101"]);
    assert_eq!(w.state(A), State::Closed);
    assert_eq!(w.events[A], [TcpEvent::Refused]);
}

#[test]
fn abort_resets_the_peer() {
    // §3.10.5: ABORT sends <SEQ=SND.NXT><CTL=RST>; the peer, finding SEG.SEQ = RCV.NXT, signals
    // "connection reset" and enters CLOSED (§3.10.7.4).
    let mut w = established(cfg());
    w.user(A, |e, t| e.abort(t));
    w.settle();
    assert_eq!((w.state(A), w.state(B)), (State::Closed, State::Closed));
    assert!(w.events[B].contains(&TcpEvent::Reset));
}
