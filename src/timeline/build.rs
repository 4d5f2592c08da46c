//! Trace → Timeline.

use super::{Lane, Note, Packet, Role, Step, Timeline, Track};
use crate::sim::{HostId, MiddleboxEvent, Trace};
use crate::tcp::{State, UserCall};
use crate::time::SimTime;
use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddrV4};

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
        let lane_of: HashMap<HostId, usize> =
            lanes.iter().enumerate().map(|(i, l)| (l.host, i)).collect();

        let mut tracks = Vec::new();
        let mut track_of_socket = HashMap::new();
        for (sid, rec) in trace.sockets.iter().enumerate() {
            let Some(&lane) = lane_of.get(&rec.host) else {
                continue;
            };
            // A connection forked from a listener is born in LISTEN (it *is* the listener's
            // TCB for this peer); a fresh socket is born CLOSED.
            let initial = if rec.parent.is_some() {
                State::Listen
            } else {
                State::Closed
            };
            track_of_socket.insert(sid, tracks.len());
            tracks.push(Track {
                lane,
                local: rec.local,
                remote: rec.remote,
                listener: false,
                created_at: rec.created_at,
                history: vec![(rec.created_at, initial)],
            });
        }

        // Happenings grouped by (time, lane), in the order they first occurred.
        let mut steps: BTreeMap<(SimTime, usize), Step> = BTreeMap::new();

        for c in &trace.calls {
            if let Some(&ti) = track_of_socket.get(&c.socket.0) {
                if c.call == UserCall::Listen {
                    tracks[ti].listener = true;
                }
                let lane = tracks[ti].lane;
                step(&mut steps, c.at, lane).calls.push(c.call);
            }
        }
        for r in &trace.states {
            if let Some(&ti) = track_of_socket.get(&r.socket.0) {
                let t = r.transition;
                tracks[ti].history.push((t.at, t.to));
                let lane = tracks[ti].lane;
                step(&mut steps, t.at, lane).transitions.push((ti, t));
            }
        }

        let mut packets = Vec::new();
        let mut packet_index: HashMap<usize, usize> = HashMap::new();
        // Highest sequence end seen per direction, for retransmission marking.
        let mut high: HashMap<(SocketAddrV4, SocketAddrV4), crate::tcp::SeqNum> = HashMap::new();
        let mut synacks: std::collections::HashSet<(SocketAddrV4, SocketAddrV4)> =
            std::collections::HashSet::new();
        for (trace_idx, p) in trace.packets.iter().enumerate() {
            let Some(&from_lane) = lane_of.get(&p.from) else {
                continue;
            };
            let to_lane = p.to.and_then(|h| lane_of.get(&h).copied());
            let seg = &p.segment;
            let len = seg.seg_len();
            let end = seg.seq + len;
            let key = (p.src, p.dst);
            let tcp = p.proto == crate::sim::Proto::Tcp;
            // In a simultaneous open the SYN+ACK re-sends the SYN's sequence number, but it is a
            // new segment (it now acknowledges), not a retransmission of the SYN.
            let first_synack = seg.flags.syn() && seg.flags.ack() && synacks.insert(key);
            let retransmission =
                tcp && len > 0 && !first_synack && high.get(&key).is_some_and(|&h| end <= h);
            if tcp && len > 0 && high.get(&key).is_none_or(|&h| end > h) {
                high.insert(key, end);
            }
            let idx = packets.len();
            packet_index.insert(trace_idx, idx);
            packets.push(Packet {
                sent_at: p.sent_at,
                arrives_at: p.arrives_at.filter(|_| to_lane.is_some()),
                lost_at: p.lost_at,
                from_lane,
                to_lane,
                src: p.src,
                dst: p.dst,
                segment: seg.clone(),
                retransmission,
                dropped_by: p.dropped_by,
                proto: p.proto,
            });
            step(&mut steps, p.sent_at, from_lane).sent.push(idx);
            if let (Some(at), Some(tl)) = (p.arrives_at, to_lane) {
                step(&mut steps, at, tl).received = Some(idx);
            }
        }

        for m in &trace.middlebox {
            let Some(&lane) = lane_of.get(&m.host) else {
                continue;
            };
            let pk = |i: usize| packet_index.get(&i).copied();
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
                step(&mut steps, m.at, lane).notes.push(n);
            }
        }

        for r in &trace.notes {
            if let Some(&lane) = lane_of.get(&r.host) {
                step(&mut steps, r.at, lane)
                    .notes
                    .push(Note::App(r.note.clone()));
            }
        }

        let steps: Vec<Step> = steps.into_values().collect();
        let end = steps
            .iter()
            .map(|s| s.at)
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

fn step(steps: &mut BTreeMap<(SimTime, usize), Step>, at: SimTime, lane: usize) -> &mut Step {
    steps.entry((at, lane)).or_insert_with(|| Step {
        at,
        lane,
        calls: Vec::new(),
        received: None,
        transitions: Vec::new(),
        sent: Vec::new(),
        notes: Vec::new(),
    })
}
