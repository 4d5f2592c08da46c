//! `frame_at(t)`: the picture at one instant.

use super::Timeline;
use crate::tcp::State;
use crate::time::SimTime;

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
        let visible = self.packets.partition_point(|p| p.sent_at <= t);
        let packets = self.packets[..visible]
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let end = p.end_at();
                let span = end.micros().saturating_sub(p.sent_at.micros());
                let done = t >= end;
                let progress = if done || span == 0 {
                    1.0
                } else {
                    (t.micros() - p.sent_at.micros()) as f32 / span as f32
                };
                PacketView {
                    index,
                    progress,
                    lost: done && p.arrives_at.is_none(),
                }
            })
            .collect();
        Frame {
            t,
            step: self.step_at(t),
            badges,
            packets,
        }
    }
}
