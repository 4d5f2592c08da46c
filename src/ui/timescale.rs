//! The drawing's time axis: [`Axis`] (linear while things happen, long quiet stretches such
//! as TIME-WAIT's 2·MSL or a heartbeat interval squeezed to a short marked break), with the
//! floating-point positions the SVG and the scrubber need. One scale serves all panes, so the
//! same instant is at the same height in every pane. The times themselves are the timeline's.

use crate::time::SimTime;
use crate::timeline::{Axis, Timeline};

#[derive(Clone, Debug, PartialEq)]
pub struct TimeScale(Axis);

impl TimeScale {
    pub fn new<'a>(timelines: impl Iterator<Item = &'a Timeline>) -> TimeScale {
        let tls: Vec<&Timeline> = timelines.collect();
        TimeScale(Axis::for_timelines(&tls))
    }

    /// How many distinct instants something happens at.
    pub fn events(&self) -> usize {
        self.0.instants()
    }

    /// Length of the drawn axis.
    pub fn total(&self) -> u64 {
        self.0.display_end()
    }

    /// The squeezed gaps: (from, to) in simulated time.
    pub fn breaks(&self) -> Vec<(SimTime, SimTime)> {
        self.0.shortened()
    }

    /// Where `t` is drawn, 0..=total.
    pub fn pos(&self, t: SimTime) -> f64 {
        self.0.display(t) as f64
    }

    /// The time drawn at position `pos` (the inverse of [`TimeScale::pos`]).
    pub fn time_at(&self, pos: f64) -> SimTime {
        self.0.sim(pos.max(0.0).round() as u64)
    }
}
