//! An append-only list that never moves what it holds, for the trace's records.
//!
//! A `Vec` that grows copies everything it holds into a buffer twice as large: a run that
//! records 70 000 packets copies ≈ 9 MB of records that way, 8 % of its time. `Records` grows
//! by adding blocks instead, each twice the size of the one before, so memory stays within
//! twice the contents (as a `Vec`'s) and indexing stays O(1) (a leading-zero count).

use std::fmt;
use std::ops::{Index, IndexMut};

/// Capacity of the first block (a power of two); block `k` holds `FIRST << k` items and
/// starts at index `FIRST * (2^k - 1)`.
const FIRST: usize = 32;

#[derive(PartialEq, Eq)]
pub struct Records<T> {
    blocks: Vec<Vec<T>>,
    len: usize,
    /// Items the last block may still take (a block's size is fixed by its place, whatever
    /// capacity its `Vec` has).
    room: usize,
}

impl<T> Default for Records<T> {
    fn default() -> Records<T> {
        Records {
            blocks: Vec::new(),
            len: 0,
            room: 0,
        }
    }
}

impl<T: Clone> Clone for Records<T> {
    /// Blocks of the same sizes (a derived clone's would hold only their items, and the next
    /// push would move the last one's).
    fn clone(&self) -> Records<T> {
        let blocks = self
            .blocks
            .iter()
            .enumerate()
            .map(|(k, b)| {
                let mut c = Vec::with_capacity(FIRST << k);
                c.extend_from_slice(b);
                c
            })
            .collect();
        Records {
            blocks,
            len: self.len,
            room: self.room,
        }
    }
}

/// The block and the place in it of item `i`.
#[inline]
fn locate(i: usize) -> (usize, usize) {
    let j = i + FIRST;
    let k = (j.ilog2() - FIRST.ilog2()) as usize;
    (k, j - (FIRST << k))
}

impl<T> Records<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Append `item`; nothing already held moves.
    #[inline]
    pub fn push(&mut self, item: T) {
        match self.blocks.last_mut() {
            Some(b) if self.room > 0 => {
                b.push(item);
                self.room -= 1;
            }
            _ => self.push_block(item),
        }
        self.len += 1;
    }

    /// [`Records::push`] when the last block is full: a new block, twice its size.
    #[cold]
    #[inline(never)]
    fn push_block(&mut self, item: T) {
        let size = FIRST << self.blocks.len();
        let mut b = Vec::with_capacity(size);
        b.push(item);
        self.blocks.push(b);
        self.room = size - 1;
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let (k, at) = locate(i);
        self.blocks[k].get(at)
    }

    pub fn last(&self) -> Option<&T> {
        self.blocks.last().and_then(|b| b.last())
    }

    /// The items in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone {
        self.blocks.iter().flatten()
    }
}

impl<T> Index<usize> for Records<T> {
    type Output = T;
    #[inline]
    fn index(&self, i: usize) -> &T {
        let (k, at) = locate(i);
        &self.blocks[k][at]
    }
}

impl<T> IndexMut<usize> for Records<T> {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        let (k, at) = locate(i);
        &mut self.blocks[k][at]
    }
}

impl<T> IntoIterator for Records<T> {
    type Item = T;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<T>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.blocks.into_iter().flatten()
    }
}

impl<'a, T> IntoIterator for &'a Records<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<T>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.blocks.iter().flatten()
    }
}

impl<T: fmt::Debug> fmt::Debug for Records<T> {
    /// As a list (the same text as a `Vec`'s).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way in and out agrees with a `Vec` holding the same items, across many blocks.
    #[test]
    fn behaves_as_a_vec() {
        let mut r = Records::default();
        let mut v = Vec::new();
        assert!(r.is_empty() && r.last().is_none() && r.get(0).is_none());
        for i in 0..5_000u32 {
            r.push(i * 3);
            v.push(i * 3);
            assert_eq!(r.len(), v.len());
            assert_eq!(r.last(), v.last());
        }
        for (i, x) in v.iter().enumerate() {
            assert_eq!(r[i], *x);
            assert_eq!(r.get(i), Some(x));
        }
        assert_eq!(r.get(v.len()), None);
        assert!(r.iter().eq(v.iter()));
        assert!(r.iter().rev().eq(v.iter().rev()));
        assert!((&r).into_iter().eq(v.iter()));
        assert_eq!(format!("{r:?}"), format!("{v:?}"));
        r[4_000] = 7;
        r[17] = 8;
        v[4_000] = 7;
        v[17] = 8;
        assert_eq!(r.clone().into_iter().collect::<Vec<_>>(), v);
    }

    #[test]
    fn blocks_double_and_never_move() {
        let mut r = Records::default();
        for i in 0..1_000u32 {
            r.push(i);
        }
        let at: *const u32 = &r[3];
        for i in 0..100_000u32 {
            r.push(i);
        }
        assert_eq!(at, &r[3] as *const u32, "an item moved");
        let caps: Vec<usize> = r.blocks.iter().map(|b| b.capacity()).collect();
        assert!(caps.windows(2).all(|w| w[1] == 2 * w[0]), "{caps:?}");
        assert!(caps.iter().sum::<usize>() < 2 * r.len() + 2 * FIRST);
        // A clone has blocks of the same sizes and goes on filling them without moving.
        let mut c = r.clone();
        let at: *const u32 = &c[r.len() - 1];
        for i in 0..100_000u32 {
            c.push(i);
            r.push(i);
        }
        assert_eq!(c, r);
        assert_eq!(
            at,
            &c[r.len() - 100_001] as *const u32,
            "a cloned item moved"
        );
        let lens = |x: &Records<u32>| x.blocks.iter().map(Vec::len).collect::<Vec<_>>();
        assert_eq!(lens(&c), lens(&r));
        assert!(c.iter().eq(r.iter()));
    }
}
