//! `frame_at(t)`: the picture at one instant, and what a drawing needs to redraw only the
//! packets that move.

use super::Timeline;
use crate::tcp::State;
use crate::time::{SimDuration, SimTime};

/// A packet on screen: how far along its arrow it is (0 = just sent, 1 = arrived or lost).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PacketView {
    pub index: usize,
    pub progress: f32,
    /// Lost and already at the point where it vanished.
    pub lost: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub t: SimTime,
    /// Index of the step in force (`None` before the first).
    pub step: Option<usize>,
    /// Per lane: the badge's socket and its state.
    pub badges: Vec<Option<(usize, State)>>,
    /// Packets sent at or before `t`, in sending order.
    pub packets: Vec<PacketView>,
}

impl Timeline {
    pub fn frame_at(&self, t: SimTime) -> Frame {
        let badges = (0..self.lanes.len())
            .map(|lane| {
                let ti = self.focus_track(lane, t)?;
                Some((ti, self.tracks[ti].state_at(t)?))
            })
            .collect();
        let packets = (0..self.sent_by(t))
            .map(|index| self.packet_view(index, t))
            .collect();
        Frame {
            t,
            step: self.step_at(t),
            badges,
            packets,
        }
    }

    /// How many packets are sent at or before `t`: the first ones, as packets are in sending
    /// order.
    pub fn sent_by(&self, t: SimTime) -> usize {
        self.packets.partition_point(|p| p.sent_at <= t)
    }

    /// Packet `index` as drawn at `t` (sent by then).
    pub fn packet_view(&self, index: usize, t: SimTime) -> PacketView {
        let p = &self.packets[index];
        let end = p.end_at();
        let span = end.micros().saturating_sub(p.sent_at.micros());
        let done = t >= end;
        let progress = if done || span == 0 {
            1.0
        } else {
            t.micros().saturating_sub(p.sent_at.micros()) as f32 / span as f32
        };
        PacketView {
            index,
            progress,
            lost: done && p.arrives_at.is_none(),
        }
    }

    /// Packets still moving at `t` (sent, not yet arrived or lost), in sending order. Looks only
    /// at packets sent within `longest` (see [`Timeline::longest_flight`]) before `t`.
    pub fn in_flight(
        &self,
        t: SimTime,
        longest: SimDuration,
    ) -> impl Iterator<Item = PacketView> + '_ {
        let from = self
            .packets
            .partition_point(|p| p.sent_at.micros().saturating_add(longest.micros()) < t.micros());
        (from..self.sent_by(t))
            .map(move |i| self.packet_view(i, t))
            .filter(|v| v.progress < 1.0)
    }

    /// The longest time any packet's arrow moves.
    pub fn longest_flight(&self) -> SimDuration {
        self.packets
            .iter()
            .map(|p| p.end_at().saturating_since(p.sent_at))
            .max()
            .unwrap_or(SimDuration::ZERO)
    }

    /// Packet indices in the order their arrows stop (arrival, or the point of loss); packets
    /// that stop at the same instant in sending order.
    pub fn settle_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.packets.len()).collect();
        // Stable, and `order` starts in sending order: ties stay in sending order.
        crate::sim::sort_by_u64(&mut order, |&i| self.packets[i].end_at().micros());
        order
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Lane, Packet, Role};
    use super::*;
    use crate::sim::{HostId, Proto};
    use crate::tcp::Segment;
    use std::net::{Ipv4Addr, SocketAddrV4};

    fn packet(sent: u64, arrives: Option<u64>, lost: Option<u64>) -> Packet {
        let a = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1);
        Packet {
            sent_at: SimTime(sent),
            arrives_at: arrives.map(SimTime),
            lost_at: lost.map(SimTime),
            from_lane: 0,
            to_lane: Some(1),
            src: a,
            dst: a,
            segment: Segment::default(),
            retransmission: false,
            dropped_by: None,
            proto: Proto::Tcp,
        }
    }

    fn timeline(packets: Vec<Packet>) -> Timeline {
        let lane = |role| Lane {
            host: HostId(0),
            role,
            ip: Ipv4Addr::LOCALHOST,
        };
        Timeline {
            lanes: vec![lane(Role::Client), lane(Role::Server)],
            tracks: Vec::new(),
            packets,
            steps: Vec::new(),
            end: SimTime(1_000),
        }
    }

    /// A long flight sent first, short ones after it, one lost at `lost_at`.
    fn sample(lost_at: u64) -> Timeline {
        timeline(vec![
            packet(0, Some(500), None),
            packet(100, Some(150), None),
            packet(200, None, Some(lost_at)),
            packet(300, Some(350), None),
        ])
    }

    #[test]
    fn in_flight_lists_exactly_the_moving_packets() {
        let tl = sample(260);
        let longest = tl.longest_flight();
        assert_eq!(longest, SimDuration(500));
        for t in (0..=600).step_by(10).map(SimTime) {
            let frame = tl.frame_at(t);
            let want: Vec<PacketView> = frame
                .packets
                .iter()
                .copied()
                .filter(|v| v.progress < 1.0)
                .collect();
            let got: Vec<PacketView> = tl.in_flight(t, longest).collect();
            assert_eq!(got, want, "at {t}");
            assert_eq!(frame.packets.len(), tl.sent_by(t));
        }
        assert!(tl.packet_view(2, SimTime(260)).lost);
        assert_eq!(tl.packet_view(1, SimTime(125)).progress, 0.5);
    }

    #[test]
    fn settle_order_is_by_arrival_then_sending() {
        assert_eq!(sample(150).settle_order(), vec![1, 2, 3, 0]);
    }
}
