//! Passive inference: which segments form a connection, what each end's RFC 9293 state must
//! have been, and Wireshark's TCP analysis (retransmission, keep-alive).
//!
//! A capture shows when a segment crossed the wire, not when its receiver processed it. The
//! acknowledgment number is the evidence: a segment an end acknowledges had reached it before
//! that end sent the ACK. So a segment is *pending* at its receiver until the receiver sends an
//! ACK covering it (or the connection's last packet passes). That is what makes a simultaneous
//! close come out as FIN-WAIT-1 → CLOSING → TIME-WAIT on both sides, as the kernel did it.

use super::{http_method, Capture};
use crate::sim::{conn_key, pair_key, KeyMap};
use crate::tcp::{Cause, Flags, Segment, SeqNum, State, UserCall};
use std::collections::VecDeque;
use std::net::SocketAddrV4;

/// One connection as seen on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// The sender of the first SYN.
    pub client: SocketAddrV4,
    pub server: SocketAddrV4,
    pub client_states: Vec<State>,
    pub server_states: Vec<State>,
    pub segments: usize,
    /// Wireshark's `tcp.analysis.retransmission`.
    pub retransmissions: usize,
    /// Wireshark's `tcp.analysis.keep_alive`.
    pub keepalives: usize,
    /// Segments whose payload starts with an HTTP method (retransmissions not counted).
    pub http_requests: usize,
    /// Indices into `Capture::packets`.
    pub packets: Vec<usize>,
}

/// What the analysis says about one captured packet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PacketFacts {
    pub conn: usize,
    pub from_client: bool,
    pub retransmission: bool,
    pub keepalive: bool,
}

/// A moment of the inferred story: an end sent a packet, or an end processed one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    pub kind: MomentKind,
    /// Capture time (ns since 1970) this moment happens at, at the earliest.
    pub base_ns: u64,
    pub conn: usize,
    /// The end acting: client (`true`) or server.
    pub client: bool,
    pub calls: Vec<UserCall>,
    pub transitions: Vec<(State, State, Cause)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MomentKind {
    Send(usize),
    Deliver(usize),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    pub connections: Vec<Connection>,
    /// Parallel to `Capture::packets`.
    pub facts: Vec<PacketFacts>,
    /// In the order they happened.
    pub moments: Vec<Moment>,
}

struct End {
    state: State,
    history: Vec<State>,
    iss: Option<SeqNum>,
    fin: Option<SeqNum>,
    passive: bool,
    /// Packets sent to this end, not yet known to have been processed.
    pending: VecDeque<usize>,
}

impl End {
    fn new(state: State) -> End {
        End {
            state,
            history: vec![state],
            iss: None,
            fin: None,
            passive: state == State::Listen,
            pending: VecDeque::new(),
        }
    }

    fn set(&mut self, to: State, cause: Cause, out: &mut Vec<(State, State, Cause)>) {
        if to != self.state {
            out.push((self.state, to, cause));
            self.state = to;
            self.history.push(to);
        }
    }
}

/// Wireshark's per-direction sequence analysis state.
#[derive(Default)]
struct DirSeq {
    nextseq: Option<SeqNum>,
    nextseq_ns: u64,
    /// The last ACK number this direction sent, when, and with which window.
    lastack: Option<SeqNum>,
    lastack_ns: u64,
    window: Option<u16>,
    /// Duplicate ACKs since the last ACK that was not one.
    dupacks: u32,
}

struct Conn {
    /// [client, server]
    addr: [SocketAddrV4; 2],
    end: [End; 2],
    dir: [DirSeq; 2],
    syn_ns: Option<u64>,
    first_rtt_ns: Option<u64>,
    last_packet: usize,
    info: Connection,
}

/// `a` and `b` in a fixed order (the middlebox's [`conn_key`]), so both directions find the
/// same connection.
fn key(a: SocketAddrV4, b: SocketAddrV4) -> u128 {
    let (x, y) = conn_key(a, b);
    pair_key(x, y)
}

/// Which connection each packet belongs to: by 4-tuple, a new connection when a fresh SYN
/// reuses a 4-tuple that already saw FIN or RST.
fn assign(cap: &Capture) -> (Vec<usize>, Vec<usize>) {
    // The 4-tuple's latest connection; per connection its ISN and whether it saw FIN or RST.
    let mut current = KeyMap::default();
    let mut seen: Vec<(SeqNum, bool)> = Vec::new();
    let mut conn_of = Vec::with_capacity(cap.packets.len());
    let mut first_packet = Vec::new();
    for (i, p) in cap.packets.iter().enumerate() {
        let f = p.segment.flags;
        let k = key(p.src, p.dst);
        let fresh_syn = f.syn() && !f.ack();
        let c = match current.get(k).map(|c| c as usize) {
            Some(c) if !(fresh_syn && seen[c].1 && seen[c].0 != p.segment.seq) => {
                let (isn, ended) = &mut seen[c];
                *ended |= f.fin() || f.rst();
                if fresh_syn {
                    *isn = p.segment.seq;
                }
                c
            }
            _ => {
                let c = first_packet.len();
                first_packet.push(i);
                seen.push((p.segment.seq, f.fin() || f.rst()));
                current.insert(k, c as u64);
                c
            }
        };
        conn_of.push(c);
    }
    (conn_of, first_packet)
}

pub fn analyze(cap: &Capture) -> Analysis {
    let (conn_of, first_packet) = assign(cap);
    let n = first_packet.len();
    let mut last = vec![0usize; n];
    let mut server_answers_syn = vec![false; n];
    for (i, &c) in conn_of.iter().enumerate() {
        last[c] = i;
    }
    let mut conns: Vec<Conn> = first_packet
        .iter()
        .enumerate()
        .map(|(c, &i)| {
            let p = &cap.packets[i];
            let f = p.segment.flags;
            let (client, server, cs, ss) = if f.syn() && !f.ack() {
                (p.src, p.dst, State::Closed, State::Closed)
            } else if f.syn() {
                (p.dst, p.src, State::SynSent, State::Listen)
            } else if p.src.port() >= p.dst.port() {
                (p.src, p.dst, State::Established, State::Established)
            } else {
                (p.dst, p.src, State::Established, State::Established)
            };
            let _ = c;
            Conn {
                addr: [client, server],
                end: [End::new(cs), End::new(ss)],
                dir: [DirSeq::default(), DirSeq::default()],
                syn_ns: None,
                first_rtt_ns: None,
                last_packet: last[c],
                info: Connection {
                    client,
                    server,
                    client_states: vec![],
                    server_states: vec![],
                    segments: 0,
                    retransmissions: 0,
                    keepalives: 0,
                    http_requests: 0,
                    packets: vec![],
                },
            }
        })
        .collect();
    // A server that answers a SYN with SYN+ACK was listening; one that answers with RST was not.
    for (i, p) in cap.packets.iter().enumerate() {
        let c = &conns[conn_of[i]];
        if p.src == c.addr[1] && p.segment.flags.syn() && p.segment.flags.ack() {
            server_answers_syn[conn_of[i]] = true;
        }
    }
    for (c, conn) in conns.iter_mut().enumerate() {
        if conn.end[1].state == State::Closed && server_answers_syn[c] {
            conn.end[1] = End::new(State::Listen);
        }
        if conn.end[0].state == State::SynSent {
            // The SYN itself was not captured; its ISS is what the SYN+ACK acknowledges - 1.
            let p = &cap.packets[first_packet[c]].segment;
            conn.end[0].iss = Some(p.ack - 1u32);
        }
    }

    let mut facts = vec![PacketFacts::default(); cap.packets.len()];
    let mut moments = Vec::new();
    for (i, p) in cap.packets.iter().enumerate() {
        let ci = conn_of[i];
        let conn = &mut conns[ci];
        let s = usize::from(p.src != conn.addr[0]);
        let seg = &p.segment;
        let (rtx, ka) = wireshark_analysis(conn, s, p.ts_ns, seg, p.len);
        facts[i] = PacketFacts {
            conn: ci,
            from_client: s == 0,
            retransmission: rtx,
            keepalive: ka,
        };
        conn.info.segments += 1;
        conn.info.retransmissions += usize::from(rtx);
        conn.info.keepalives += usize::from(ka);
        if !rtx && http_method(&seg.payload).is_some() {
            conn.info.http_requests += 1;
        }
        conn.info.packets.push(i);

        // What the sender's ACK proves it had already processed.
        if seg.flags.ack() {
            let covered = conn.end[s].pending.iter().rposition(|&q| {
                let qs = &cap.packets[q];
                (qs.segment.seq + seg_len(&qs.segment, qs.len)).diff(seg.ack) <= 0
            });
            if let Some(upto) = covered {
                let due: Vec<usize> = conn.end[s].pending.drain(..=upto).collect();
                for q in due {
                    moments.push(deliver(conn, ci, s, q, &cap.packets[q].segment, p.ts_ns));
                }
            }
        }
        moments.push(send(conn, ci, s, i, seg, p.len, p.ts_ns));
        conn.end[1 - s].pending.push_back(i);

        if conn.last_packet == i {
            // Nothing more will prove or disprove arrival: everything sent arrived.
            let mut rest: Vec<(usize, usize)> = (0..2)
                .flat_map(|e| {
                    conn.end[e]
                        .pending
                        .drain(..)
                        .map(move |q| (q, e))
                        .collect::<Vec<_>>()
                })
                .collect();
            crate::sim::sort_by_u64_pair(&mut rest, |&(q, _)| q as u64, |&(_, e)| e as u64);
            for (q, e) in rest {
                let ts = cap.packets[q].ts_ns.max(p.ts_ns);
                moments.push(deliver(conn, ci, e, q, &cap.packets[q].segment, ts));
            }
        }
    }

    let connections = conns
        .into_iter()
        .map(|c| {
            let mut info = c.info;
            info.client_states = c.end[0].history.clone();
            info.server_states = c.end[1].history.clone();
            info
        })
        .collect();
    Analysis {
        connections,
        facts,
        moments,
    }
}

/// SEG.LEN with the payload length on the wire (captures may hold less).
fn seg_len(seg: &Segment, len: u32) -> u32 {
    len + u32::from(seg.flags.syn()) + u32::from(seg.flags.fin())
}

/// Wireshark's `tcp_analyze_sequence_number`, the parts that decide retransmission and
/// keep-alive: a keep-alive has 0 or 1 byte at NEXTSEQ-1 and no SYN/FIN/RST; a retransmission
/// carries data, SYN or FIN and does not advance NEXTSEQ, unless it came so soon after the
/// highest segment (under the first RTT, or 3 ms) that it is merely out of order.
fn wireshark_analysis(conn: &mut Conn, s: usize, ts: u64, seg: &Segment, len: u32) -> (bool, bool) {
    let f = seg.flags;
    if f.syn() && !f.ack() && conn.syn_ns.is_none() {
        conn.syn_ns = Some(ts);
    }
    if s == 0 && !f.syn() && f.ack() && conn.first_rtt_ns.is_none() {
        if let (Some(syn), Some(iss)) = (conn.syn_ns, conn.end[1].iss) {
            if seg.ack.diff(iss) >= 1 {
                conn.first_rtt_ns = Some(ts.saturating_sub(syn));
            }
        }
    }
    let [c_dir, s_dir] = &mut conn.dir;
    let (d, rev) = if s == 0 {
        (c_dir, &*s_dir)
    } else {
        (s_dir, &*c_dir)
    };
    let ctl = f.syn() || f.fin();
    let keepalive = len <= 1
        && !f.syn()
        && !f.fin()
        && !f.rst()
        && d.nextseq.is_some_and(|n| seg.seq == n - 1u32);
    // A duplicate ACK: no data, same window, seq and ack as this direction's last segment.
    let dupack = len == 0
        && seg.window != 0
        && d.window == Some(seg.window)
        && d.nextseq == Some(seg.seq)
        && d.lastack == Some(seg.ack)
        && !f.syn()
        && !f.fin()
        && !f.rst();
    let mut rtx = false;
    if !keepalive && (len > 0 || ctl) {
        if let Some(n) = d.nextseq {
            // A fast retransmission (two or more duplicate ACKs for this very seq, the last
            // under 20 ms ago) is a retransmission whatever the out-of-order rule says.
            let fast = seg.seq < n
                && rev.dupacks >= 2
                && rev.lastack == Some(seg.seq)
                && ts.saturating_sub(rev.lastack_ns) < 20_000_000;
            if fast {
                rtx = true;
            } else if seg.seq < n {
                let thres = conn.first_rtt_ns.filter(|&r| r > 0).unwrap_or(3_000_000);
                let soon = ts.saturating_sub(d.nextseq_ns) < thres;
                let ooo = soon && n != seg.seq + seg_len(seg, len);
                rtx = !ooo;
            }
        }
    }
    let end = seg.seq + seg_len(seg, len);
    if !keepalive
        && !f.rst()
        && (len > 0 || ctl || d.nextseq.is_none())
        && d.nextseq.is_none_or(|n| end > n)
    {
        d.nextseq = Some(end);
        d.nextseq_ns = ts;
    }
    d.dupacks = if dupack { d.dupacks + 1 } else { 0 };
    d.window = Some(seg.window);
    if f.ack() {
        d.lastack = Some(seg.ack);
        d.lastack_ns = ts;
    }
    (rtx, keepalive)
}

fn send(
    conn: &mut Conn,
    ci: usize,
    s: usize,
    i: usize,
    seg: &Segment,
    len: u32,
    ts: u64,
) -> Moment {
    let e = &mut conn.end[s];
    let f = seg.flags;
    let mut tr = Vec::new();
    let mut calls = Vec::new();
    let st = e.state;
    if f.rst() {
        if !matches!(st, State::Listen | State::Closed) {
            if st.is_synchronized() || st == State::SynSent {
                calls.push(UserCall::Abort);
            }
            e.set(State::Closed, Cause::User(UserCall::Abort), &mut tr);
        }
    } else if f.syn() && !f.ack() {
        e.iss = Some(seg.seq);
        if st == State::Closed {
            calls.push(UserCall::Connect);
            e.set(State::SynSent, Cause::User(UserCall::Connect), &mut tr);
        }
    } else if f.syn() {
        e.iss = Some(seg.seq);
        if matches!(st, State::Listen | State::SynSent | State::Closed) {
            // The SYN it answers was not seen arriving (or not captured).
            let cause = Cause::Segment {
                flags: Flags::SYN,
                seq: seg.ack - 1u32,
                ack: SeqNum(0),
            };
            e.set(State::SynReceived, cause, &mut tr);
        }
    }
    if f.fin() && !f.rst() {
        e.fin = Some(seg.seq + len + u32::from(f.syn()));
        let close = Cause::User(UserCall::Close);
        match e.state {
            State::Established | State::SynReceived => {
                calls.push(UserCall::Close);
                e.set(State::FinWait1, close, &mut tr);
            }
            State::CloseWait => {
                calls.push(UserCall::Close);
                e.set(State::LastAck, close, &mut tr);
            }
            _ => {}
        }
    }
    Moment {
        kind: MomentKind::Send(i),
        base_ns: ts,
        conn: ci,
        client: s == 0,
        calls,
        transitions: tr,
    }
}

fn deliver(conn: &mut Conn, ci: usize, r: usize, i: usize, seg: &Segment, ts: u64) -> Moment {
    let e = &mut conn.end[r];
    let f = seg.flags;
    let cause = Cause::Segment {
        flags: f,
        seq: seg.seq,
        ack: seg.ack,
    };
    let mut tr = Vec::new();
    let acks = |x: Option<SeqNum>| f.ack() && x.is_some_and(|x| seg.ack.diff(x) >= 1);
    if f.rst() {
        // RFC 9293 §3.10.7.3–4: a reset closes the connection; a passive one returns to LISTEN.
        match e.state {
            State::Listen | State::Closed => {}
            State::SynReceived if e.passive => e.set(State::Listen, cause, &mut tr),
            _ => e.set(State::Closed, cause, &mut tr),
        }
    } else {
        match e.state {
            State::Listen if f.syn() && !f.ack() => e.set(State::SynReceived, cause, &mut tr),
            State::SynSent if f.syn() && f.ack() && acks(e.iss) => {
                e.set(State::Established, cause, &mut tr)
            }
            State::SynSent if f.syn() && !f.ack() => e.set(State::SynReceived, cause, &mut tr),
            State::SynReceived if !f.syn() && acks(e.iss) => {
                e.set(State::Established, cause, &mut tr)
            }
            _ => {}
        }
        let fin_acked = acks(e.fin);
        match e.state {
            State::Established if f.fin() => e.set(State::CloseWait, cause, &mut tr),
            State::FinWait1 if fin_acked => {
                e.set(State::FinWait2, cause, &mut tr);
                if f.fin() {
                    e.set(State::TimeWait, cause, &mut tr);
                }
            }
            State::FinWait1 if f.fin() => e.set(State::Closing, cause, &mut tr),
            State::FinWait2 if f.fin() => e.set(State::TimeWait, cause, &mut tr),
            State::Closing if fin_acked => e.set(State::TimeWait, cause, &mut tr),
            State::LastAck if fin_acked => e.set(State::Closed, cause, &mut tr),
            _ => {}
        }
    }
    Moment {
        kind: MomentKind::Deliver(i),
        base_ns: ts,
        conn: ci,
        client: r == 0,
        calls: Vec::new(),
        transitions: tr,
    }
}
