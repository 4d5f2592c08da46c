//! The simulator's event queue: every scheduled event leaves in (time, insertion number)
//! order — exactly the order of one `BinaryHeap` — but cheaply for the streams a network makes.
//!
//! Events mostly arrive in a few sorted streams (deliveries at now + latency, retransmission
//! timers at now + RTO, TIME-WAIT at now + 2·MSL, wake-ups the application queued in order).
//! Each stream is appended to a FIFO "lane" whose last event is not later; popping takes the
//! smallest of the lanes' heads. Whatever fits no lane goes to a heap. Since insertion numbers
//! only grow, an event may follow a lane's last one whenever its time is not earlier, and the
//! overall order stays the total order on (time, insertion number): same seed, same run.

use crate::time::SimTime;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// At most this many lanes; a pop compares their heads (and the heap's top).
const LANES: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Entry {
    pub at: SimTime,
    /// Insertion number: strictly increasing over a run, so (at, order) is a total order.
    pub order: u64,
    /// The event, packed into one word by its owner.
    pub ev: u64,
}

#[derive(Clone, Debug, Default)]
pub(super) struct EventQueue {
    lanes: Vec<VecDeque<Entry>>,
    /// Per lane: [`key`] of its head (`u128::MAX` when empty), so a pop compares plain words.
    heads: [u128; LANES],
    /// Per lane: time of its last entry (meaningful only while the lane is not empty).
    backs: [SimTime; LANES],
    heap: BinaryHeap<Reverse<Entry>>,
}

/// (time, insertion number) as one number with the same order.
#[inline]
fn key(e: &Entry) -> u128 {
    (u128::from(e.at.0) << 64) | u128::from(e.order)
}

impl EventQueue {
    /// Add `e`; its `order` must exceed that of every entry pushed before.
    pub fn push(&mut self, e: Entry) {
        // Best fit: the lane whose last event is latest among those not after `e`, so a
        // stream keeps its own lane; an empty lane only when none fits.
        let mut best: Option<(usize, SimTime)> = None;
        let mut empty = None;
        let n = self.lanes.len();
        for i in 0..n {
            if self.heads[i] == u128::MAX {
                empty.get_or_insert(i);
                continue;
            }
            let b = self.backs[i];
            if b <= e.at && best.is_none_or(|(_, at)| b > at) {
                best = Some((i, b));
            }
        }
        let i = match best.map(|(i, _)| i).or(empty) {
            Some(i) => i,
            None if n < LANES => {
                self.lanes.push(VecDeque::new());
                self.heads[n] = u128::MAX;
                n
            }
            None => {
                self.heap.push(Reverse(e));
                return;
            }
        };
        if self.heads[i] == u128::MAX {
            self.heads[i] = key(&e);
        }
        self.backs[i] = e.at;
        self.lanes[i].push_back(e);
    }

    /// Where the smallest entry is: a lane (`Some(i)`) or the heap's top (`None`).
    #[inline]
    fn min(&self) -> Option<Option<usize>> {
        let mut best = u128::MAX;
        let mut at = None;
        for (i, &h) in self.heads[..self.lanes.len()].iter().enumerate() {
            if h < best {
                best = h;
                at = Some(i);
            }
        }
        match self.heap.peek() {
            Some(Reverse(e)) if key(e) < best => Some(None),
            _ => at.map(Some),
        }
    }

    pub fn pop(&mut self) -> Option<Entry> {
        match self.min()? {
            Some(i) => {
                let lane = &mut self.lanes[i];
                let e = lane.pop_front();
                self.heads[i] = lane.front().map_or(u128::MAX, key);
                e
            }
            None => self.heap.pop().map(|Reverse(e)| e),
        }
    }

    pub fn peek_at(&self) -> Option<SimTime> {
        match self.min()? {
            Some(i) => self.lanes[i].front().map(|e| e.at),
            None => self.heap.peek().map(|Reverse(e)| e.at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Rng;

    /// Whatever the pattern of times, entries leave exactly as from one binary heap.
    #[test]
    fn pops_in_time_then_insertion_order_like_a_heap() {
        let mut rng = Rng::new(7);
        let mut q = EventQueue::default();
        let mut reference = BinaryHeap::new();
        let mut order = 0;
        let mut now = 0;
        for round in 0..5_000u64 {
            for _ in 0..rng.below(4) {
                order += 1;
                let delay = match rng.below(5) {
                    0 => 100,
                    1 => 1_000_000,
                    2 => 2_000,
                    3 => rng.below(50),
                    _ => rng.below(3_000_000),
                };
                let e = Entry {
                    at: SimTime(now + delay),
                    order,
                    ev: round,
                };
                q.push(e);
                reference.push(Reverse(e));
            }
            if rng.below(3) > 0 {
                let got = q.pop();
                assert_eq!(got, reference.pop().map(|Reverse(e)| e));
                if let Some(e) = got {
                    now = e.at.0;
                }
            }
            assert_eq!(q.peek_at(), reference.peek().map(|Reverse(e)| e.at));
        }
        while let Some(Reverse(e)) = reference.pop() {
            assert_eq!(q.pop(), Some(e));
        }
        assert_eq!(q.pop(), None);
    }
}
