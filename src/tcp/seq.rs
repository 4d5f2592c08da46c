//! RFC 9293 §3.4: sequence numbers live in a 2^32 circle; only wrapping arithmetic is exposed.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Sub};

/// A TCP sequence or acknowledgment number. Ordered by the sign of the wrapping difference,
/// so `SeqNum(u32::MAX) < SeqNum(0)` — 0 comes *after* the wrap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SeqNum(pub u32);

impl SeqNum {
    /// Signed distance `self - other` on the circle.
    pub fn diff(self, other: SeqNum) -> i32 {
        self.0.wrapping_sub(other.0) as i32
    }

    /// `lo <= self < hi` on the circle (the RFC's "window" test).
    pub fn in_window(self, lo: SeqNum, len: u32) -> bool {
        self.0.wrapping_sub(lo.0) < len
    }

    pub fn max(self, other: SeqNum) -> SeqNum {
        if self >= other {
            self
        } else {
            other
        }
    }
}

impl PartialOrd for SeqNum {
    fn partial_cmp(&self, other: &SeqNum) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Not a total order over all of u32 (no circle has one), but consistent for any two numbers
/// less than 2^31 apart, which is all TCP ever compares.
impl Ord for SeqNum {
    fn cmp(&self, other: &SeqNum) -> Ordering {
        self.diff(*other).cmp(&0)
    }
}

impl Add<u32> for SeqNum {
    type Output = SeqNum;
    fn add(self, n: u32) -> SeqNum {
        SeqNum(self.0.wrapping_add(n))
    }
}

impl Add<usize> for SeqNum {
    type Output = SeqNum;
    fn add(self, n: usize) -> SeqNum {
        // Lengths beyond 2^32 cannot be in flight; truncation is the wrap the RFC means.
        SeqNum(self.0.wrapping_add(n as u32))
    }
}

impl Sub<u32> for SeqNum {
    type Output = SeqNum;
    fn sub(self, n: u32) -> SeqNum {
        SeqNum(self.0.wrapping_sub(n))
    }
}

impl Sub for SeqNum {
    type Output = i32;
    fn sub(self, other: SeqNum) -> i32 {
        self.diff(other)
    }
}

impl fmt::Display for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_wraps_past_2_pow_32() {
        assert_eq!(SeqNum(u32::MAX) + 1u32, SeqNum(0));
        assert_eq!(SeqNum(u32::MAX - 1) + 5u32, SeqNum(3));
        assert_eq!(SeqNum(2) - 5u32, SeqNum(u32::MAX - 2));
    }

    #[test]
    fn order_across_the_wrap() {
        let before = SeqNum(u32::MAX - 10);
        let after = SeqNum(5);
        assert!(before < after);
        assert!(after > before);
        assert_eq!(after - before, 16);
        assert_eq!(before - after, -16);
        assert_eq!(before.max(after), after);
    }

    #[test]
    fn order_without_wrap() {
        assert!(SeqNum(100) < SeqNum(101));
        assert_eq!(SeqNum(3626544837) - SeqNum(3626544836), 1);
    }

    #[test]
    fn window_test_wraps() {
        let lo = SeqNum(u32::MAX - 1);
        assert!(lo.in_window(lo, 4));
        assert!(SeqNum(1).in_window(lo, 4));
        assert!(!SeqNum(2).in_window(lo, 4));
        assert!(!SeqNum(u32::MAX - 2).in_window(lo, 4));
        assert!(!lo.in_window(lo, 0));
    }

    #[test]
    fn half_circle_is_the_limit_of_ordering() {
        let a = SeqNum(0);
        assert!(a < SeqNum(0x7fff_ffff));
        // More than 2^31 ahead reads as behind: why the RFC keeps windows below 2^30.
        assert!(SeqNum(0x8000_0001) < a);
    }
}
