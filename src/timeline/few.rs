//! [`Few`]: the short lists of a [`Step`](super::Step), kept inline.

use std::fmt;
use std::ops::Deref;

/// A list that is almost always empty or holds one or two items (a step's user calls, state
/// changes, segments sent, notes), kept inline up to two: a rebuild makes thousands of steps, and a
/// `Vec` per list was an allocation each. Reads as a slice (`Deref<Target = [T]>`).
#[derive(Clone, Default)]
pub enum Few<T> {
    #[default]
    Zero,
    One([T; 1]),
    Two([T; 2]),
    Many(Vec<T>),
}

impl<T> Few<T> {
    pub fn push(&mut self, x: T) {
        *self = match std::mem::take(self) {
            Few::Zero => Few::One([x]),
            Few::One([a]) => Few::Two([a, x]),
            Few::Two([a, b]) => Few::Many(vec![a, b, x]),
            Few::Many(mut v) => {
                v.push(x);
                Few::Many(v)
            }
        }
    }
}

impl<T> Deref for Few<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Few::Zero => &[],
            Few::One(a) => a,
            Few::Two(a) => a,
            Few::Many(v) => v,
        }
    }
}

impl<'a, T> IntoIterator for &'a Few<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> FromIterator<T> for Few<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Few<T> {
        let mut few = Few::Zero;
        for x in iter {
            few.push(x);
        }
        few
    }
}

/// Equal when the items are, however they are stored.
impl<T: PartialEq> PartialEq for Few<T> {
    fn eq(&self, other: &Few<T>) -> bool {
        **self == **other
    }
}

impl<T: Eq> Eq for Few<T> {}

impl<T: fmt::Debug> fmt::Debug for Few<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Few;

    #[test]
    fn keeps_every_item_in_order_across_the_inline_sizes() {
        let mut few = Few::default();
        let mut want = Vec::new();
        for i in 0..6u32 {
            assert_eq!(&*few, want.as_slice());
            few.push(i);
            want.push(i);
        }
        assert_eq!(&*few, [0, 1, 2, 3, 4, 5]);
        assert_eq!((&few).into_iter().copied().sum::<u32>(), 15);
        assert_eq!(few, (0..6).collect::<Few<u32>>());
        assert_ne!(few, (0..5).collect::<Few<u32>>());
        assert_eq!(format!("{:?}", (0..2).collect::<Few<u32>>()), "[0, 1]");
        assert!(matches!((0..2).collect::<Few<u32>>(), Few::Two(_)));
    }
}
