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

/// Number of lanes (a power of two, for [`EventQueue::min_lane`]). A network's busy streams
/// are few (deliveries, RTOs, TIME-WAIT, an application's clock); more streams go to the heap.
/// Four lanes run 10 000 short connections 3 % faster than eight (a shallower knock-out) and
/// every scenario in fewer instructions.
const LANES: usize = 4;
const _: () = assert!(LANES.is_power_of_two());

/// `EventQueue::delays` of a lane no stream has used.
const NO_DELAY: u64 = u64::MAX;

/// A key above every entry's.
const EMPTY: u128 = u128::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Entry {
    pub at: SimTime,
    /// Insertion number: strictly increasing over a run, so (at, order) is a total order.
    pub order: u64,
    /// The event, packed into one word by its owner.
    pub ev: u64,
}

#[derive(Clone, Debug)]
pub(super) struct EventQueue {
    lanes: [VecDeque<Entry>; LANES],
    /// Per lane: [`key`] of its head, [`EMPTY`] when it is empty, so lanes compare as plain
    /// numbers and the smallest head is found by one branch-free knock-out of all (cheaper
    /// than keeping a tournament tree up to date on every push and pop).
    heads: [u128; LANES],
    /// Per lane: time of its last entry (meaningful only while the lane is not empty).
    backs: [SimTime; LANES],
    heap: BinaryHeap<Reverse<Entry>>,
    /// Time of the last entry popped: events scheduled a fixed delay after it (a link's
    /// latency, an RTO, 2·MSL) form one sorted stream.
    now: SimTime,
    /// Per lane: the delay of the stream that last appended to it, so a push finds its
    /// stream's lane by comparing a few numbers. (A hash of the delay into eight slots made
    /// common delays collide — 100 µs and 200 ms did — and a third of the pushes scan.) Only
    /// a hint: which lane an entry joins never changes the order entries leave in.
    delays: [u64; LANES],
}

impl Default for EventQueue {
    fn default() -> EventQueue {
        EventQueue {
            lanes: Default::default(),
            heads: [EMPTY; LANES],
            backs: [SimTime::ZERO; LANES],
            heap: BinaryHeap::new(),
            now: SimTime::ZERO,
            delays: [NO_DELAY; LANES],
        }
    }
}

/// (time, insertion number) as one number with the same order.
#[inline]
fn key(e: &Entry) -> u128 {
    (u128::from(e.at.0) << 64) | u128::from(e.order)
}

impl EventQueue {
    /// Add `e`; its `order` must exceed that of every entry pushed before.
    pub fn push(&mut self, e: Entry) {
        let delay = e.at.0.wrapping_sub(self.now.0);
        // Lanes of this stream, as bits (branch-free; usually one).
        let mut mine = 0u32;
        for (i, &d) in self.delays.iter().enumerate() {
            mine |= u32::from(d == delay) << i;
        }
        if mine != 0 {
            let lane = mine.trailing_zeros() as usize;
            if self.fits(lane, e.at) {
                self.append(lane, e);
                return;
            }
        }
        match self.best_fit(e.at) {
            Some(i) => {
                self.delays[i] = delay;
                self.append(i, e);
            }
            None => self.heap.push(Reverse(e)),
        }
    }

    /// Whether `lane` may take an entry at `at` and stay sorted.
    #[inline]
    fn fits(&self, lane: usize, at: SimTime) -> bool {
        self.heads[lane] == EMPTY || self.backs[lane] <= at
    }

    /// The lane whose last event is latest among those not after `at`, so a stream keeps its
    /// own lane; an empty lane only when none fits; `None` when none is left.
    fn best_fit(&self, at: SimTime) -> Option<usize> {
        let mut best: Option<(usize, SimTime)> = None;
        let mut empty = None;
        for i in 0..LANES {
            if self.heads[i] == EMPTY {
                empty.get_or_insert(i);
                continue;
            }
            let b = self.backs[i];
            if b <= at && best.is_none_or(|(_, t)| b > t) {
                best = Some((i, b));
            }
        }
        best.map(|(i, _)| i).or(empty)
    }

    #[inline]
    fn append(&mut self, i: usize, e: Entry) {
        self.backs[i] = e.at;
        self.lanes[i].push_back(e);
        if self.heads[i] == EMPTY {
            self.heads[i] = key(&e);
        }
    }

    /// The lane with the smallest head, if any lane is not empty: a knock-out of depth
    /// log2(LANES) over keys held in registers. (A left-to-right scan re-reads the best head
    /// through its index at every step, a chain of dependent loads: the pop's main cost.)
    #[inline]
    fn min_lane(&self) -> Option<usize> {
        let mut round: [(u128, usize); LANES] = std::array::from_fn(|i| (self.heads[i], i));
        let mut n = LANES;
        while n > 1 {
            n /= 2;
            for i in 0..n {
                let (a, b) = (round[i], round[i + n]);
                round[i] = if b.0 < a.0 { b } else { a };
            }
        }
        let (head, lane) = round[0];
        (head != EMPTY).then_some(lane)
    }

    /// Where the smallest entry is: a lane (`Some(i)`) or the heap's top (`None`).
    #[inline]
    fn min(&self) -> Option<Option<usize>> {
        let lane = self.min_lane();
        let best = lane.map_or(EMPTY, |i| self.heads[i]);
        match self.heap.peek() {
            Some(Reverse(e)) if key(e) < best => Some(None),
            _ => lane.map(Some),
        }
    }

    pub fn pop(&mut self) -> Option<Entry> {
        self.pop_if(|_| true)
    }

    /// [`EventQueue::pop`] if the next entry is due before `until`: the smallest head is
    /// found once, not once to peek and again to pop.
    pub fn pop_before(&mut self, until: SimTime) -> Option<Entry> {
        self.pop_if(|at| at < until)
    }

    #[inline]
    fn pop_if(&mut self, due: impl Fn(SimTime) -> bool) -> Option<Entry> {
        let e = match self.min()? {
            Some(i) => {
                let lane = &mut self.lanes[i];
                if !lane.front().is_some_and(|e| due(e.at)) {
                    return None;
                }
                let e = lane.pop_front();
                self.heads[i] = lane.front().map_or(EMPTY, key);
                e
            }
            None => {
                if !self.heap.peek().is_some_and(|Reverse(e)| due(e.at)) {
                    return None;
                }
                self.heap.pop().map(|Reverse(e)| e)
            }
        };
        if let Some(e) = &e {
            self.now = e.at;
        }
        e
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

    /// Push and pop like a simulation at `now` (each push `pick` picks a delay), checking
    /// every pop and peek against one binary heap.
    fn check_against_heap(seed: u64, rounds: u64, mut pick: impl FnMut(&mut Rng) -> u64) {
        let mut rng = Rng::new(seed);
        let mut q = EventQueue::default();
        let mut reference = BinaryHeap::new();
        let mut order = 0;
        let mut now = 0;
        for round in 0..rounds {
            for _ in 0..rng.below(4) {
                order += 1;
                let e = Entry {
                    at: SimTime(now + pick(&mut rng)),
                    order,
                    ev: round,
                };
                q.push(e);
                reference.push(Reverse(e));
            }
            for _ in 0..rng.below(4) {
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

    /// Whatever the pattern of times, entries leave exactly as from one binary heap: many
    /// streams (lanes overflow into the heap) ...
    #[test]
    fn pops_in_time_then_insertion_order_like_a_heap() {
        check_against_heap(7, 5_000, |rng| match rng.below(5) {
            0 => 100,
            1 => 1_000_000,
            2 => 2_000,
            3 => rng.below(50),
            _ => rng.below(3_000_000),
        });
    }

    /// ... and a few streams in a queue that often runs empty, so lanes empty and refill in
    /// every order (each lane's head change must be seen by the next pop).
    #[test]
    fn few_streams_in_a_draining_queue_leave_like_a_heap() {
        for seed in 0..20 {
            let delays = [100, 2_000, 200_000, 1_000_000, 0];
            check_against_heap(seed, 2_000, |rng| delays[rng.below(2 + seed % 4) as usize]);
        }
    }
}
