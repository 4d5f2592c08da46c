//! Trace → Timeline.

use super::{Few, Lane, Note, Packet, Role, Step, Timeline, Track};
use crate::sim::{
    pair_key, HostId, KeyMap, MiddleboxEvent, Proto, Records, SocketId, StateRecord, Trace,
};
use crate::tcp::{Segment, SeqNum, State, UserCall};
use crate::time::SimTime;
use std::net::Ipv4Addr;

/// Which simulated host a lane shows, and in what role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneSpec {
    pub host: HostId,
    pub role: Role,
    pub ip: Ipv4Addr,
}

impl Timeline {
    /// Build the timeline of a finished run. Hosts without a lane are not drawn.
    pub fn from_trace(trace: &Trace, lanes: &[LaneSpec]) -> Timeline {
        Timeline::from_owned_trace(trace.clone(), lanes)
    }

    /// [`Timeline::from_trace`] of a trace that is not needed afterwards: payloads and notes
    /// move into the timeline instead of being copied.
    pub fn from_owned_trace(trace: Trace, lanes: &[LaneSpec]) -> Timeline {
        let Trace {
            packets: packet_records,
            sockets,
            states,
            calls,
            middlebox,
            notes: app_notes,
        } = trace;
        // A handful of lanes: a scan beats hashing. A host listed twice gets its last lane.
        let lane_of = |host: HostId| lanes.iter().rposition(|l| l.host == host);

        // Socket ids index `sockets`, so a track is found by index, not by hashing.
        let mut track_of_socket = vec![None; sockets.len()];
        let mut transitions = vec![0; sockets.len()];
        for r in &states {
            if let Some(n) = transitions.get_mut(r.socket.0) {
                *n += 1;
            }
        }
        let mut tracks = Vec::new();
        for (sid, rec) in sockets.iter().enumerate() {
            let Some(lane) = lane_of(rec.host) else {
                continue;
            };
            // A connection forked from a listener is born in LISTEN (it *is* the listener's
            // TCB for this peer); a fresh socket is born CLOSED.
            let initial = if rec.parent.is_some() {
                State::Listen
            } else {
                State::Closed
            };
            track_of_socket[sid] = Some(tracks.len());
            let mut history = Vec::with_capacity(1 + transitions[sid]);
            history.push((rec.created_at, initial));
            tracks.push(Track {
                lane,
                local: rec.local,
                remote: rec.remote,
                listener: false,
                created_at: rec.created_at,
                history,
            });
        }
        let track_of = |s: SocketId| track_of_socket.get(s.0).copied().flatten();

        // Every fact with its (time, lane), in the order it occurred; grouped into steps below.
        let mut facts: Vec<Keyed> = Vec::with_capacity(
            calls.len()
                + states.len()
                + 2 * packet_records.len()
                + middlebox.len()
                + app_notes.len(),
        );

        for c in &calls {
            if let Some(ti) = track_of(c.socket) {
                if c.call == UserCall::Listen {
                    tracks[ti].listener = true;
                }
                facts.push((c.at, tracks[ti].lane, Fact::Call(c.call)));
            }
        }
        for (i, r) in states.iter().enumerate() {
            if let Some(ti) = track_of(r.socket) {
                let t = r.transition;
                tracks[ti].history.push((t.at, t.to));
                facts.push((t.at, tracks[ti].lane, Fact::Transition(ti, i)));
            }
        }

        let mut packets = Vec::with_capacity(packet_records.len());
        let mut packet_index = vec![None; packet_records.len()];
        // Each direction's state, found by its (source, destination) pair.
        let mut direction_of = KeyMap::default();
        let mut directions: Vec<Direction> = Vec::new();
        // Arrivals are a run of their own, so that the sends stay one sorted run (see below).
        let mut arrivals = Vec::new();
        for (trace_idx, p) in packet_records.into_iter().enumerate() {
            let Some(from_lane) = lane_of(p.from) else {
                continue;
            };
            let to_lane = p.to.and_then(lane_of);
            let seg = &p.segment;
            let tcp = p.proto == Proto::Tcp;
            let synack = seg.flags.syn() && seg.flags.ack();
            let retransmission = (synack || (tcp && seg.seg_len() > 0)) && {
                let d = direction_of.get_or_insert(pair_key(p.src, p.dst), directions.len() as u64);
                if d as usize == directions.len() {
                    directions.push(Direction::default());
                }
                directions[d as usize].is_retransmission(seg, tcp)
            };
            let idx = packets.len();
            packet_index[trace_idx] = Some(idx);
            facts.push((p.sent_at, from_lane, Fact::Sent(idx)));
            if let (Some(at), Some(tl)) = (p.arrives_at(), to_lane) {
                arrivals.push((at, tl, Fact::Received(idx)));
            }
            packets.push(Packet {
                sent_at: p.sent_at,
                arrives_at: p.arrives_at().filter(|_| to_lane.is_some()),
                lost_at: p.lost_at(),
                from_lane,
                to_lane,
                src: p.src,
                dst: p.dst,
                segment: p.segment,
                retransmission,
                dropped_by: p.dropped_by,
                proto: p.proto,
            });
        }

        facts.append(&mut arrivals);

        // Notes are moved into their step once, in whatever order the steps are built.
        let mut notes = Vec::new();
        for m in &middlebox {
            let Some(lane) = lane_of(m.host) else {
                continue;
            };
            let pk = |i: usize| packet_index.get(i).copied().flatten();
            let note = match m.event {
                MiddleboxEvent::Opened => Some(Note::MiddleboxOpened),
                MiddleboxEvent::Expired => Some(Note::MiddleboxExpired),
                MiddleboxEvent::Dropped { packet } => {
                    pk(packet).map(|packet| Note::MiddleboxDropped { packet })
                }
                MiddleboxEvent::Reset { packet, rst } => match (pk(packet), pk(rst)) {
                    (Some(packet), Some(rst)) => Some(Note::MiddleboxReset { packet, rst }),
                    _ => None,
                },
            };
            if let Some(n) = note {
                facts.push((m.at, lane, Fact::Note(notes.len())));
                notes.push(Some(n));
            }
        }
        for r in app_notes {
            if let Some(lane) = lane_of(r.host) {
                facts.push((r.at, lane, Fact::Note(notes.len())));
                notes.push(Some(Note::App(r.note)));
            }
        }

        // The facts are a few runs, each in time order, which `merge_runs` merges cheaply;
        // being stable, it keeps each step's facts in the order they occurred.
        crate::sim::merge_runs(&mut facts, |&(at, lane, _)| (at, lane));
        let steps: Vec<Step> = facts
            .chunk_by(|a, b| (a.0, a.1) == (b.0, b.1))
            .map(|facts| step(facts, &states, &mut notes))
            .collect();

        let end = steps
            .last()
            .map(|s| s.at)
            .into_iter()
            .chain(packets.iter().map(Packet::end_at))
            .max()
            .unwrap_or(SimTime::ZERO);
        Timeline {
            lanes: lanes
                .iter()
                .map(|l| Lane {
                    host: l.host,
                    role: l.role,
                    ip: l.ip,
                })
                .collect(),
            tracks,
            packets,
            steps,
            end,
        }
    }
}

/// One thing that happened at a lane, before the things are grouped into steps. Small and
/// `Copy` (records are referred to by index), so sorting moves little.
#[derive(Clone, Copy)]
enum Fact {
    Call(UserCall),
    /// Track, index in `Trace::states`.
    Transition(usize, usize),
    Sent(usize),
    Received(usize),
    /// Index in the notes, each taken by its step.
    Note(usize),
}

/// A fact with the time and lane of its step.
type Keyed = (SimTime, usize, Fact);

/// The step made of `facts`, all at one time and lane.
fn step(facts: &[Keyed], states: &Records<StateRecord>, notes: &mut [Option<Note>]) -> Step {
    let (at, lane, _) = facts[0];
    let mut s = Step {
        at,
        lane,
        calls: Few::Zero,
        received: None,
        transitions: Few::Zero,
        sent: Few::Zero,
        notes: Few::Zero,
    };
    for &(_, _, f) in facts {
        match f {
            Fact::Call(c) => s.calls.push(c),
            Fact::Transition(track, i) => s.transitions.push((track, states[i].transition)),
            Fact::Sent(p) => s.sent.push(p),
            Fact::Received(p) => s.received = Some(p),
            Fact::Note(i) => {
                if let Some(n) = notes[i].take() {
                    s.notes.push(n);
                }
            }
        }
    }
    s
}

/// What the packets of one direction (source → destination) have shown so far, for
/// retransmission marking.
#[derive(Default)]
struct Direction {
    /// Highest sequence end sent.
    high: Option<SeqNum>,
    synack_seen: bool,
}

impl Direction {
    /// Whether `seg` re-sends data or SYN/FIN already sent (Wireshark's
    /// `tcp.analysis.retransmission`), noting what it sends.
    fn is_retransmission(&mut self, seg: &Segment, tcp: bool) -> bool {
        let len = seg.seg_len();
        let end = seg.seq + len;
        // In a simultaneous open the SYN+ACK re-sends the SYN's sequence number, but it is a
        // new segment (it now acknowledges), not a retransmission of the SYN.
        let first_synack =
            seg.flags.syn() && seg.flags.ack() && !std::mem::replace(&mut self.synack_seen, true);
        let counts = tcp && len > 0;
        let again = counts && !first_synack && self.high.is_some_and(|h| end <= h);
        if counts && self.high.is_none_or(|h| end > h) {
            self.high = Some(end);
        }
        again
    }
}
