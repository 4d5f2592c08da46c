//! [`sort_by_u64`]: one sort for every element type.

/// Sort `v` by `key`, stably (equal keys keep their order). Every caller shares one sort of
/// (key, index) pairs, so the wasm carries one sorting routine rather than one per element
/// type and comparator (each is kilobytes: ARCHITECTURE.md, "Known limits").
pub fn sort_by_u64<T>(v: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    let mut keyed: Vec<(u64, usize)> = v.iter().map(&key).zip(0..).collect();
    sort_pairs(&mut keyed);
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(keyed.iter().filter_map(|&(_, i)| slots[i].take()));
}

/// [`sort_by_u64`] by `major`, equal `major` keys by `minor`: two stable passes, minor first.
pub fn sort_by_u64_pair<T>(v: &mut Vec<T>, major: impl Fn(&T) -> u64, minor: impl Fn(&T) -> u64) {
    sort_by_u64(v, minor);
    sort_by_u64(v, major);
}

/// The one instantiation: index breaks ties, which makes the unstable sort stable.
#[inline(never)]
fn sort_pairs(pairs: &mut [(u64, usize)]) {
    pairs.sort_unstable();
}

#[cfg(test)]
mod tests {
    use super::sort_by_u64;
    use crate::sim::Rng;

    /// Same result as std's stable sort, for keys with many ties.
    #[test]
    fn sorts_like_the_std_stable_sort() {
        let mut rng = Rng::new(5);
        for n in [0, 1, 2, 7, 100, 1000] {
            let v: Vec<(u64, u32)> = (0..n).map(|i| (rng.below(10), i)).collect();
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            let mut got = v;
            sort_by_u64(&mut got, |x| x.0);
            assert_eq!(got, want);
            let mut pairs: Vec<(u64, u64)> = (0..n).map(|_| (rng.below(5), rng.below(5))).collect();
            let mut want = pairs.clone();
            want.sort();
            super::sort_by_u64_pair(&mut pairs, |x| x.0, |x| x.1);
            assert_eq!(pairs, want);
        }
    }
}
