//! An analysed capture as a [`Timeline`], so the ladder view animates it like a scenario.

use super::infer::{Analysis, MomentKind};
use super::{Capture, Notice, MAX_ANIMATED};
use crate::sim::HostId;
use crate::tcp::Transition;
use crate::time::{SimDuration, SimTime};
use crate::timeline::{Few, Lane, Packet, Role, Step, Timeline, Track};
use std::net::Ipv4Addr;

/// How capture time maps to animation time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spacing {
    /// Real timing from the first packet (moments at the same µs are pulled 1 µs apart).
    Real,
    /// Every send and every arrival one `step` after the last: readable when the capture's
    /// gaps span microseconds to minutes.
    Even(SimDuration),
}

/// Lanes per host and role (one loopback host is both client and server: two lanes), two
/// tracks per connection, packets up to [`MAX_ANIMATED`].
pub fn to_timeline(cap: &Capture, a: &Analysis, spacing: Spacing) -> (Timeline, Vec<Notice>) {
    let mut notices = Vec::new();
    let total = cap.packets.len();
    let shown = total.min(MAX_ANIMATED);
    if shown < total {
        notices.push(Notice::AnimationCap { shown, total });
    }
    let t0 = cap.packets.first().map_or(0, |p| p.ts_ns);

    let mut lanes: Vec<Lane> = Vec::new();

    // Times of moments, strictly increasing so each is its own step.
    let mut times = Vec::with_capacity(a.moments.len());
    let mut prev: Option<u64> = None;
    for (k, m) in a.moments.iter().enumerate() {
        let t = match spacing {
            Spacing::Real => {
                let t = m.base_ns.saturating_sub(t0) / 1_000;
                prev.map_or(t, |p| t.max(p + 1))
            }
            Spacing::Even(step) => step.micros().max(1).saturating_mul(k as u64),
        };
        prev = Some(t);
        times.push(SimTime(t));
    }

    // Tracks: [client, server] per connection that has a shown packet.
    let mut track_of: Vec<Option<[usize; 2]>> = vec![None; a.connections.len()];
    let mut tracks: Vec<Track> = Vec::new();
    let mut packets: Vec<Option<Packet>> = vec![None; shown];
    let mut steps: Vec<Step> = Vec::new();
    for (m, &at) in a.moments.iter().zip(&times) {
        let (MomentKind::Send(i) | MomentKind::Deliver(i)) = m.kind;
        if i >= shown {
            continue;
        }
        let c = &a.connections[m.conn];
        let tr = *track_of[m.conn].get_or_insert_with(|| {
            let cl = lane_of(*c.client.ip(), Role::Client, &mut lanes);
            let sv = lane_of(*c.server.ip(), Role::Server, &mut lanes);
            let base = tracks.len();
            for (lane, local, remote, first) in [
                (cl, c.client, c.server, c.client_states[0]),
                (sv, c.server, c.client, c.server_states[0]),
            ] {
                tracks.push(Track {
                    lane,
                    local: Some(local),
                    remote: Some(remote),
                    listener: false,
                    created_at: at,
                    history: vec![(at, first)],
                });
            }
            [base, base + 1]
        });
        let ti = tr[usize::from(!m.client)];
        let lane = tracks[ti].lane;
        let mut step = Step {
            at,
            lane,
            calls: m.calls.iter().copied().collect(),
            received: None,
            transitions: Few::Zero,
            sent: Few::Zero,
            notes: Few::Zero,
        };
        for &(from, to, cause) in &m.transitions {
            tracks[ti].history.push((at, to));
            step.transitions.push((
                ti,
                Transition {
                    at,
                    from,
                    to,
                    cause,
                },
            ));
        }
        let p = &cap.packets[i];
        match m.kind {
            MomentKind::Send(_) => {
                let peer = tr[usize::from(m.client)];
                let mut segment = p.segment.clone();
                // The ladder shows the length on the wire, whatever the snap length kept.
                if segment.payload.len() != p.len as usize {
                    let mut bytes = segment.payload.to_vec();
                    bytes.resize(p.len as usize, 0);
                    segment.payload = bytes.into();
                }
                packets[i] = Some(Packet {
                    sent_at: at,
                    arrives_at: None,
                    lost_at: None,
                    from_lane: lane,
                    to_lane: Some(tracks[peer].lane),
                    src: p.src,
                    dst: p.dst,
                    segment,
                    retransmission: a.facts[i].retransmission,
                    dropped_by: None,
                    proto: crate::sim::Proto::Tcp,
                });
                step.sent.push(i);
            }
            MomentKind::Deliver(_) => {
                if let Some(pk) = packets[i].as_mut() {
                    pk.arrives_at = Some(at);
                }
                step.received = Some(i);
            }
        }
        steps.push(step);
    }
    // Every shown packet has a Send moment (moments cover all packets), so none is None.
    let packets: Vec<Packet> = packets.into_iter().flatten().collect();
    let end = steps.last().map_or(SimTime::ZERO, |s| s.at);
    (
        Timeline {
            lanes,
            tracks,
            packets,
            steps,
            end,
        },
        notices,
    )
}

fn lane_of(ip: Ipv4Addr, role: Role, lanes: &mut Vec<Lane>) -> usize {
    if let Some(i) = lanes.iter().position(|l| l.ip == ip && l.role == role) {
        return i;
    }
    lanes.push(Lane {
        host: HostId(lanes.len() as u32),
        role,
        ip,
    });
    lanes.len() - 1
}
