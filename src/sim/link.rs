//! The path between two hosts: delay, jitter, loss, bandwidth, scripted drops, cuts.

use crate::sim::HostId;
use crate::time::{SimDuration, SimTime};

/// Drop the `nth` (1-based) segment that `from` sends, e.g. "drop the 2nd segment from A".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DropRule {
    pub from: HostId,
    pub nth: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkConfig {
    /// One-way propagation delay.
    pub latency: SimDuration,
    /// Extra delay drawn uniformly from `0..=jitter` per packet (may reorder packets).
    pub jitter: SimDuration,
    /// Random loss, in parts per million.
    pub loss_ppm: u32,
    /// Bits per second; `None` = no serialization delay.
    pub bandwidth_bps: Option<u64>,
    pub drops: Vec<DropRule>,
    /// Intervals during which the link carries nothing (cable pulled).
    pub cuts: Vec<(SimTime, SimTime)>,
}

impl Default for LinkConfig {
    fn default() -> LinkConfig {
        LinkConfig {
            latency: SimDuration::from_millis(25),
            jitter: SimDuration::ZERO,
            loss_ppm: 0,
            bandwidth_bps: None,
            drops: Vec::new(),
            cuts: Vec::new(),
        }
    }
}

impl LinkConfig {
    pub fn is_cut(&self, at: SimTime) -> bool {
        self.cuts.iter().any(|&(a, b)| a <= at && at < b)
    }

    /// Time to put `bytes` on the wire.
    pub fn serialization(&self, bytes: usize) -> SimDuration {
        match self.bandwidth_bps {
            Some(bps) if bps > 0 => SimDuration((bytes as u64 * 8 * 1_000_000).div_ceil(bps)),
            _ => SimDuration::ZERO,
        }
    }
}
