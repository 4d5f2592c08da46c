//! A display clock for drawing and playback: time runs as simulated, except that a quiet spell
//! much longer than a packet's flight is shortened, so a 45 s idle gap before a heartbeat does
//! not squash 25 ms flights into flat lines, nor take minutes to play.
//!
//! The mapping is piecewise linear and strictly increasing between the instants where something
//! happens, so a packet in flight still moves at a steady speed.

use super::Timeline;
use crate::time::{SimDuration, SimTime};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Axis {
    /// (simulated µs, display µs), both strictly increasing.
    knots: Vec<(u64, u64)>,
    /// Gaps longer than this are drawn this long.
    cap: u64,
}

impl Axis {
    /// One axis shared by several panes (they play on one clock).
    pub fn for_timelines(tls: &[&Timeline]) -> Axis {
        let mut instants: Vec<u64> = vec![0];
        let mut flights: Vec<u64> = Vec::new();
        for tl in tls {
            instants.extend(tl.steps.iter().map(|s| s.at.micros()));
            for p in &tl.packets {
                instants.push(p.sent_at.micros());
                instants.push(p.end_at().micros());
                if let Some(a) = p.arrives_at {
                    flights.push((a - p.sent_at).micros());
                }
            }
            instants.push(tl.end.micros());
        }
        crate::sim::sort_by_u64(&mut instants, |&t| t);
        instants.dedup();
        crate::sim::sort_by_u64(&mut flights, |&f| f);
        // A gap longer than four typical flights is quiet. Quiet gaps are drawn as a twelfth
        // of the busy part of the axis (but never longer than they were), so the exchange
        // keeps most of the height whatever the idle times.
        let Some(&typical) = flights.get(flights.len() / 2).filter(|&&f| f > 0) else {
            return Axis::from_instants(&instants, u64::MAX); // nothing travels: linear
        };
        let quiet = typical * 4;
        let busy: u64 = instants
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|&g| g <= quiet)
            .sum();
        let cap = (busy / 12).clamp(1, quiet);
        Axis::from_instants_quiet(&instants, quiet, cap)
    }

    fn from_instants(instants: &[u64], cap: u64) -> Axis {
        Axis::from_instants_quiet(instants, cap, cap)
    }

    /// Gaps longer than `quiet` are drawn `cap` long.
    fn from_instants_quiet(instants: &[u64], quiet: u64, cap: u64) -> Axis {
        let mut knots = Vec::with_capacity(instants.len());
        let mut disp = 0u64;
        let mut prev: Option<u64> = None;
        for &t in instants {
            if let Some(p) = prev {
                let gap = t - p;
                disp += if gap > quiet { cap } else { gap };
            }
            knots.push((t, disp));
            prev = Some(t);
        }
        if knots.is_empty() {
            knots.push((0, 0));
        }
        Axis { knots, cap }
    }

    /// Display time (µs) of simulated time `t`.
    pub fn display(&self, t: SimTime) -> u64 {
        let t = t.micros();
        let i = self.knots.partition_point(|k| k.0 <= t);
        if i == 0 {
            return self.knots[0].1;
        }
        let (s0, d0) = self.knots[i - 1];
        match self.knots.get(i) {
            None => d0 + (t - s0).min(self.cap),
            Some(&(s1, d1)) => {
                d0 + ((t - s0) as u128 * (d1 - d0) as u128 / (s1 - s0) as u128) as u64
            }
        }
    }

    /// Simulated time shown at display time `d` (inverse of [`Axis::display`]).
    pub fn sim(&self, d: u64) -> SimTime {
        let i = self.knots.partition_point(|k| k.1 <= d);
        if i == 0 {
            return SimTime(self.knots[0].0);
        }
        let (s0, d0) = self.knots[i - 1];
        match self.knots.get(i) {
            None => SimTime(s0 + (d - d0)),
            Some(&(s1, d1)) => {
                SimTime(s0 + ((d - d0) as u128 * (s1 - s0) as u128 / (d1 - d0) as u128) as u64)
            }
        }
    }

    /// Display length of the whole run.
    pub fn display_end(&self) -> u64 {
        self.knots.last().map_or(0, |k| k.1)
    }

    /// The quiet spells that are drawn shorter than they were: (from, to) in simulated time.
    pub fn shortened(&self) -> Vec<(SimTime, SimTime)> {
        self.knots
            .windows(2)
            .filter(|w| w[1].0 - w[0].0 > w[1].1 - w[0].1)
            .map(|w| (SimTime(w[0].0), SimTime(w[1].0)))
            .collect()
    }

    pub fn cap(&self) -> SimDuration {
        SimDuration(self.cap)
    }

    /// How many distinct instants something happens at (the ladder grows with it).
    pub fn instants(&self) -> usize {
        self.knots.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_gaps_are_kept_long_ones_capped() {
        let a = Axis::from_instants(&[0, 10_000, 35_000, 45_035_000, 45_060_000], 100_000);
        assert_eq!(a.display(SimTime(35_000)), 35_000);
        // The 45 s quiet spell is shown as 100 ms.
        assert_eq!(a.display(SimTime(45_035_000)), 135_000);
        assert_eq!(a.display(SimTime(45_060_000)), 160_000);
        assert_eq!(a.display_end(), 160_000);
        assert_eq!(a.shortened(), vec![(SimTime(35_000), SimTime(45_035_000))]);
    }

    #[test]
    fn display_and_sim_are_inverse_at_knots_and_monotone() {
        let a = Axis::from_instants(&[0, 7, 500_000, 9_000_000, 9_000_001], 1_000);
        let mut last = 0;
        for t in (0..9_000_010).step_by(997) {
            let d = a.display(SimTime(t));
            assert!(d >= last);
            last = d;
        }
        for &(s, d) in &a.knots {
            assert_eq!(a.display(SimTime(s)), d);
            assert_eq!(a.sim(d), SimTime(s));
        }
    }

    #[test]
    fn within_a_kept_gap_time_is_unchanged() {
        let a = Axis::from_instants(&[0, 50_000], 100_000);
        assert_eq!(a.display(SimTime(12_345)), 12_345);
        assert_eq!(a.sim(12_345), SimTime(12_345));
    }
}
