//! Pure layer `diagram`: RFC 9293's state diagram (§3.3.2, Figure 5) as data — where each
//! of the eleven states sits and which transitions the figure draws, with their event labels.
//!
//! The UI draws it (`ui/state_diagram.rs`); the tests below check every edge against the TCP
//! core itself, by driving real [`Endpoint`](crate::tcp::Endpoint)s through it, so the picture
//! can never show a transition the state machine does not make.

use crate::tcp::State;

/// Size of the drawing (SVG user units).
pub const WIDTH: i16 = 800;
pub const HEIGHT: i16 = 770;
/// Size of one state box.
pub const BOX_W: i16 = 150;
pub const BOX_H: i16 = 42;

/// One box of the figure: a state at a place. CLOSED appears twice, as in the RFC: where a
/// connection starts (top) and where a closing one ends (bottom right).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub state: State,
    /// Centre of the box.
    pub x: i16,
    pub y: i16,
}

const fn place(state: State, x: i16, y: i16) -> Place {
    Place { state, x, y }
}

/// Indices into [`PLACES`], named for the edge table.
const CLOSED: usize = 0;
const LISTEN: usize = 1;
const SYN_RCVD: usize = 2;
const SYN_SENT: usize = 3;
const ESTAB: usize = 4;
const FIN_WAIT_1: usize = 5;
const CLOSE_WAIT: usize = 6;
const FIN_WAIT_2: usize = 7;
const CLOSING: usize = 8;
const LAST_ACK: usize = 9;
const TIME_WAIT: usize = 10;
const CLOSED_END: usize = 11;

/// The boxes, laid out like RFC 9293 Figure 5.
pub const PLACES: [Place; 12] = [
    place(State::Closed, 400, 40),
    place(State::Listen, 400, 160),
    place(State::SynReceived, 140, 290),
    place(State::SynSent, 660, 290),
    place(State::Established, 400, 420),
    place(State::FinWait1, 140, 540),
    place(State::CloseWait, 660, 540),
    place(State::FinWait2, 140, 650),
    place(State::Closing, 400, 650),
    place(State::LastAck, 660, 650),
    place(State::TimeWait, 400, 740),
    place(State::Closed, 660, 740),
];

/// One arrow: between two places, bent by `bend` (perpendicular offset of the curve's
/// middle; 0 = straight), labelled "event / action" in both languages, the label's anchor
/// moved by `label` from the curve's middle (its sign picks the text alignment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub en: &'static str,
    pub zh: &'static str,
    pub bend: i16,
    pub label: (i16, i16),
}

impl Edge {
    pub fn from_state(&self) -> State {
        PLACES[self.from].state
    }
    pub fn to_state(&self) -> State {
        PLACES[self.to].state
    }
}

const fn edge(
    from: usize,
    to: usize,
    en: &'static str,
    zh: &'static str,
    bend: i16,
    label: (i16, i16),
) -> Edge {
    Edge {
        from,
        to,
        en,
        zh,
        bend,
        label,
    }
}

/// The transitions of Figure 5 that this TCP makes ("SEND in LISTEN", which the figure also
/// draws, is not offered by the socket API here), plus FIN-WAIT-1 → TIME-WAIT on a FIN that
/// also acknowledges ours (§3.10.7.4, eighth step), which the figure folds into CLOSING.
pub const EDGES: [Edge; 20] = [
    edge(CLOSED, LISTEN, "passive OPEN", "被动打开", -30, (10, 0)),
    edge(LISTEN, CLOSED, "CLOSE", "关闭", -30, (-10, 0)),
    edge(
        CLOSED,
        SYN_SENT,
        "active OPEN / snd SYN",
        "主动打开 / 发 SYN",
        -60,
        (12, -8),
    ),
    edge(SYN_SENT, CLOSED, "CLOSE", "关闭", 0, (-8, 14)),
    edge(
        LISTEN,
        SYN_RCVD,
        "rcv SYN / snd SYN,ACK",
        "收 SYN / 发 SYN,ACK",
        0,
        (-6, -14),
    ),
    edge(SYN_RCVD, LISTEN, "rcv RST", "收 RST", 34, (-12, 10)),
    edge(
        SYN_SENT,
        SYN_RCVD,
        "rcv SYN / snd SYN,ACK",
        "收 SYN / 发 SYN,ACK",
        0,
        (0, -8),
    ),
    edge(
        SYN_SENT,
        ESTAB,
        "rcv SYN,ACK / snd ACK",
        "收 SYN,ACK / 发 ACK",
        0,
        (8, 10),
    ),
    edge(
        SYN_RCVD,
        ESTAB,
        "rcv ACK of SYN",
        "收 SYN 的 ACK",
        0,
        (-8, 12),
    ),
    edge(
        SYN_RCVD,
        FIN_WAIT_1,
        "CLOSE / snd FIN",
        "关闭 / 发 FIN",
        0,
        (-10, 0),
    ),
    edge(
        ESTAB,
        FIN_WAIT_1,
        "CLOSE / snd FIN",
        "关闭 / 发 FIN",
        0,
        (-6, -10),
    ),
    edge(
        ESTAB,
        CLOSE_WAIT,
        "rcv FIN / snd ACK",
        "收 FIN / 发 ACK",
        0,
        (6, -10),
    ),
    edge(
        FIN_WAIT_1,
        FIN_WAIT_2,
        "rcv ACK of FIN",
        "收 FIN 的 ACK",
        0,
        (-10, 0),
    ),
    edge(
        FIN_WAIT_1,
        CLOSING,
        "rcv FIN / snd ACK",
        "收 FIN / 发 ACK",
        0,
        (8, -12),
    ),
    edge(
        FIN_WAIT_1,
        TIME_WAIT,
        "rcv FIN,ACK / snd ACK",
        "收 FIN,ACK / 发 ACK",
        0,
        (-4, 58),
    ),
    edge(
        CLOSE_WAIT,
        LAST_ACK,
        "CLOSE / snd FIN",
        "关闭 / 发 FIN",
        0,
        (10, 0),
    ),
    edge(
        FIN_WAIT_2,
        TIME_WAIT,
        "rcv FIN / snd ACK",
        "收 FIN / 发 ACK",
        40,
        (-10, 14),
    ),
    edge(
        CLOSING,
        TIME_WAIT,
        "rcv ACK of FIN",
        "收 FIN 的 ACK",
        0,
        (10, 0),
    ),
    edge(
        LAST_ACK,
        CLOSED_END,
        "rcv ACK of FIN",
        "收 FIN 的 ACK",
        0,
        (-10, 0),
    ),
    edge(
        TIME_WAIT,
        CLOSED_END,
        "timeout 2·MSL",
        "超时 2·MSL",
        0,
        (0, 24),
    ),
];

/// Where `state` is drawn (the first place; CLOSED's is the top one).
pub fn place_of(state: State) -> Option<&'static Place> {
    PLACES.iter().find(|p| p.state == state)
}

/// The edge a transition `from → to` is drawn as, if the figure has one.
pub fn edge_for(from: State, to: State) -> Option<&'static Edge> {
    EDGES
        .iter()
        .find(|e| e.from_state() == from && e.to_state() == to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp::{Config, Endpoint, Flags, Segment, SeqNum};
    use crate::time::{SimDuration, SimTime};
    use std::collections::BTreeSet;

    /// Two endpoints joined by a perfect wire that the test drives by hand.
    struct Wire {
        now: SimTime,
        seen: BTreeSet<(State, State)>,
    }

    impl Wire {
        fn new() -> Wire {
            Wire {
                now: SimTime::ZERO,
                seen: BTreeSet::new(),
            }
        }

        fn tick(&mut self) -> SimTime {
            self.now += SimDuration::from_millis(1);
            self.now
        }

        fn record(&mut self, e: &mut Endpoint) {
            for t in e.take_transitions() {
                self.seen.insert((t.from, t.to));
            }
        }

        /// Deliver `segs` to `to`, then ping-pong replies until both are quiet.
        fn deliver(&mut self, segs: Vec<Segment>, to: &mut Endpoint, other: &mut Endpoint) {
            let mut in_flight = segs;
            let (mut dst, mut src) = (to, other);
            while !in_flight.is_empty() {
                let now = self.tick();
                let mut replies = Vec::new();
                for s in &in_flight {
                    replies.extend(dst.on_segment(now, s));
                }
                self.record(dst);
                self.record(src);
                in_flight = replies;
                std::mem::swap(&mut dst, &mut src);
            }
        }

        /// `from_a` and `from_b` were sent at the same instant and cross on the wire: each end
        /// takes the other's, then their replies are delivered until both are quiet.
        fn cross(
            &mut self,
            a: &mut Endpoint,
            b: &mut Endpoint,
            from_a: Vec<Segment>,
            from_b: Vec<Segment>,
        ) {
            let now = self.tick();
            let ra: Vec<Segment> = from_b.iter().flat_map(|s| a.on_segment(now, s)).collect();
            let rb: Vec<Segment> = from_a.iter().flat_map(|s| b.on_segment(now, s)).collect();
            self.record(a);
            self.record(b);
            self.deliver(ra, b, a);
            self.deliver(rb, a, b);
        }
    }

    fn pair() -> (Endpoint, Endpoint) {
        let cfg = Config::default();
        (Endpoint::new(cfg, 40000, 80), Endpoint::new(cfg, 80, 40000))
    }

    /// Client `a` connects to listening `b`; both end ESTABLISHED.
    fn established(w: &mut Wire) -> (Endpoint, Endpoint) {
        let (mut a, mut b) = pair();
        let now = w.tick();
        b.listen(now, SeqNum(5000)).unwrap(); // a fresh endpoint is CLOSED: cannot fail
        let syn = a.connect(now, SeqNum(1000)).unwrap(); // likewise
        w.record(&mut a);
        w.record(&mut b);
        w.deliver(syn, &mut b, &mut a);
        assert_eq!(
            (a.state(), b.state()),
            (State::Established, State::Established)
        );
        (a, b)
    }

    /// Every transition the figure draws, made by the real TCP core.
    fn transitions_of_the_core() -> BTreeSet<(State, State)> {
        let mut w = Wire::new();

        // Handshake, client closes first, TIME-WAIT runs out.
        let (mut a, mut b) = established(&mut w);
        let fin = a.close(w.tick()).unwrap();
        w.deliver(fin, &mut b, &mut a);
        let fin = b.close(w.tick()).unwrap();
        w.deliver(fin, &mut a, &mut b);
        let later = w.now + SimDuration::from_secs(3600);
        a.on_timer(later);
        w.record(&mut a);
        assert_eq!((a.state(), b.state()), (State::Closed, State::Closed));

        // Simultaneous close: the FINs cross.
        let (mut a, mut b) = established(&mut w);
        let now = w.tick();
        let fa = a.close(now).unwrap();
        let fb = b.close(now).unwrap();
        w.cross(&mut a, &mut b, fa, fb);
        assert_eq!((a.state(), b.state()), (State::TimeWait, State::TimeWait));

        // FIN-WAIT-1 → TIME-WAIT: the peer's bare ACK is lost, its FIN acknowledges ours.
        let (mut a, mut b) = established(&mut w);
        let fin = a.close(w.tick()).unwrap();
        let now = w.tick();
        let _lost_ack: Vec<Segment> = fin.iter().flat_map(|s| b.on_segment(now, s)).collect();
        let fin_b = b.close(w.tick()).unwrap();
        w.record(&mut b);
        w.deliver(fin_b, &mut a, &mut b);
        assert_eq!(a.state(), State::TimeWait);

        // Simultaneous open: the SYNs cross.
        let (mut a, mut b) = pair();
        let now = w.tick();
        let sa = a.connect(now, SeqNum(1000)).unwrap();
        let sb = b.connect(now, SeqNum(5000)).unwrap();
        w.cross(&mut a, &mut b, sa, sb);
        assert_eq!(
            (a.state(), b.state()),
            (State::Established, State::Established)
        );

        // SYN-RECEIVED → LISTEN on a RST; SYN-RECEIVED → FIN-WAIT-1 on CLOSE.
        for reset in [true, false] {
            let (mut a, mut b) = pair();
            let now = w.tick();
            b.listen(now, SeqNum(5000)).unwrap();
            let syn = a.connect(now, SeqNum(1000)).unwrap();
            let now = w.tick();
            for s in &syn {
                b.on_segment(now, s);
            }
            assert_eq!(b.state(), State::SynReceived);
            if reset {
                let rst = Segment {
                    src_port: 40000,
                    dst_port: 80,
                    seq: SeqNum(1001),
                    flags: Flags::RST,
                    ..Segment::default()
                };
                b.on_segment(w.tick(), &rst);
            } else {
                b.close(w.tick()).unwrap();
            }
            w.record(&mut b);
        }

        // CLOSE in LISTEN and in SYN-SENT.
        let (mut a, mut b) = pair();
        let now = w.tick();
        b.listen(now, SeqNum(5000)).unwrap();
        a.connect(now, SeqNum(1000)).unwrap();
        a.close(w.tick()).unwrap();
        b.close(w.tick()).unwrap();
        w.record(&mut a);
        w.record(&mut b);

        w.seen
    }

    #[test]
    fn every_edge_is_a_transition_the_core_makes() {
        let real = transitions_of_the_core();
        for e in EDGES {
            assert!(
                real.contains(&(e.from_state(), e.to_state())),
                "the diagram draws {} → {} ({}), which the TCP core never does; it did: {real:?}",
                e.from_state(),
                e.to_state(),
                e.en
            );
        }
    }

    #[test]
    fn every_state_is_placed_and_every_edge_labelled() {
        for s in State::ALL {
            assert!(place_of(s).is_some(), "{s} has no place in the diagram");
        }
        for e in EDGES {
            assert!(e.from < PLACES.len() && e.to < PLACES.len() && e.from != e.to);
            assert!(!e.en.trim().is_empty() && !e.zh.trim().is_empty());
            assert_ne!(
                e.en,
                e.zh,
                "{} → {} is not translated",
                e.from_state(),
                e.to_state()
            );
        }
        let mut pairs: Vec<(State, State)> = EDGES
            .iter()
            .map(|e| (e.from_state(), e.to_state()))
            .collect();
        pairs.sort();
        pairs.dedup();
        assert_eq!(pairs.len(), EDGES.len(), "an edge is drawn twice");
    }

    #[test]
    fn boxes_fit_and_do_not_overlap() {
        for (i, p) in PLACES.iter().enumerate() {
            assert!(
                p.x - BOX_W / 2 >= 0 && p.x + BOX_W / 2 <= WIDTH,
                "{} x",
                p.state
            );
            assert!(
                p.y - BOX_H / 2 >= 0 && p.y + BOX_H / 2 <= HEIGHT,
                "{} y",
                p.state
            );
            for q in &PLACES[i + 1..] {
                let apart = (p.x - q.x).abs() >= BOX_W || (p.y - q.y).abs() >= BOX_H;
                assert!(apart, "{} overlaps {}", p.state, q.state);
            }
        }
    }
}
