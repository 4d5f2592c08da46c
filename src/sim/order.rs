//! [`sort_by_u64`]: one sort for every element type; [`merge_runs`] for data that comes as a
//! few sorted runs.

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

/// Stable sort for data made of a few runs already in order (the timeline's facts: sends,
/// arrivals, transitions, notes): finds the runs and merges them pairwise until one is left,
/// O(n log runs). A few hundred bytes of wasm where std's stable sort is kilobytes per type.
pub fn merge_runs<T: Copy, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    // Where each run starts, and the end.
    let mut bounds = vec![0];
    if let Some(first) = v.first() {
        let mut prev = key(first);
        for (i, x) in v.iter().enumerate().skip(1) {
            let k = key(x);
            if k < prev {
                bounds.push(i);
            }
            prev = k;
        }
    }
    bounds.push(v.len());
    if bounds.len() <= 2 {
        return;
    }
    let mut src = std::mem::take(v);
    let mut dst: Vec<T> = Vec::with_capacity(src.len());
    while bounds.len() > 2 {
        dst.clear();
        let mut merged = Vec::with_capacity(bounds.len() / 2 + 2);
        merged.push(0);
        for pair in bounds.windows(3).step_by(2) {
            merge(
                &src[pair[0]..pair[1]],
                &src[pair[1]..pair[2]],
                &mut dst,
                &key,
            );
            merged.push(pair[2]);
        }
        // An odd run out stays as it is.
        if bounds.len() % 2 == 0 {
            let last = bounds[bounds.len() - 2];
            dst.extend_from_slice(&src[last..]);
            merged.push(src.len());
        }
        std::mem::swap(&mut src, &mut dst);
        bounds = merged;
    }
    *v = src;
}

/// Append `a` and `b` merged to `out`; on equal keys `a`'s element goes first.
fn merge<T: Copy, K: Ord>(a: &[T], b: &[T], out: &mut Vec<T>, key: &impl Fn(&T) -> K) {
    let (mut i, mut j) = (0, 0);
    if let (Some(x), Some(y)) = (a.first(), b.first()) {
        // Each element's key is computed once.
        let (mut ka, mut kb) = (key(x), key(y));
        loop {
            if kb < ka {
                out.push(b[j]);
                j += 1;
                match b.get(j) {
                    Some(y) => kb = key(y),
                    None => break,
                }
            } else {
                out.push(a[i]);
                i += 1;
                match a.get(i) {
                    Some(x) => ka = key(x),
                    None => break,
                }
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// The one instantiation. The pairs start in index order and the merge is stable, so equal
/// keys keep it. A merge of natural runs rather than std's `sort_unstable`: callers' data is
/// mostly in order already, and the quicksort, heapsort and small-sort code std brings is
/// 5 KB of wasm (1.2 KB gzip).
#[inline(never)]
fn sort_pairs(pairs: &mut Vec<(u64, usize)>) {
    merge_runs(pairs, |&(k, _)| k);
}

#[cfg(test)]
mod tests {
    use super::{merge_runs, sort_by_u64};
    use crate::sim::Rng;

    /// Same result as std's stable sort, for inputs made of 0 to 9 sorted runs with ties
    /// across and within runs, and for unsorted input (every element its own run).
    #[test]
    fn merge_runs_sorts_like_the_std_stable_sort() {
        let mut rng = Rng::new(9);
        for runs in 0..10u64 {
            for len in [0u64, 1, 5, 40] {
                let mut v: Vec<(u64, u64)> = Vec::new();
                for r in 0..runs {
                    let mut t = rng.below(20);
                    for _ in 0..len {
                        t += rng.below(3);
                        v.push((t, r));
                    }
                }
                let mut want = v.clone();
                want.sort_by_key(|x| x.0);
                merge_runs(&mut v, |x| x.0);
                assert_eq!(v, want, "{runs} runs of {len}");
            }
        }
        let mut v: Vec<(u64, u64)> = (0..300).map(|i| (rng.below(7), i)).collect();
        let mut want = v.clone();
        want.sort_by_key(|x| x.0);
        merge_runs(&mut v, |x| x.0);
        assert_eq!(v, want);
    }

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
