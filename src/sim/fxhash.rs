//! A fixed, seedless hasher for the simulator's lookup tables (the demultiplexing tables are
//! probed once per packet). Fixed so a run never depends on a random hash seed; the tables are
//! only probed, never iterated, so their order cannot leak into a trace.
//! The multiply-rotate step is rustc's FxHash.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::SocketAddrV4;

#[derive(Clone, Copy, Debug, Default)]
pub struct FxHasher(u64);

const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(w));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn write_u128(&mut self, n: u128) {
        self.add(n as u64);
        self.add((n >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The one hash table of the program: `u128` keys, `u64` values. Each instantiation of a hash
/// map is ≈ 2 KB of wasm, so every table (the simulator's demultiplexing, the middlebox's
/// connections, the timeline's directions, the capture importers' 4-tuples) is this one:
/// callers pack their keys ([`addr_key`], [`pair_key`]) and keep bigger values in a `Vec`
/// indexed by the value.
#[derive(Clone, Debug, Default)]
pub struct KeyMap(FxHashMap<u128, u64>);

// Not `#[inline]`: each crate that inlined these would instantiate the table's code again (the
// capture importers are in the other crate); fat LTO still inlines them where it pays.
impl KeyMap {
    pub fn get(&self, key: u128) -> Option<u64> {
        self.0.get(&key).copied()
    }

    pub fn contains(&self, key: u128) -> bool {
        self.0.contains_key(&key)
    }

    /// The value before, if any.
    pub fn insert(&mut self, key: u128, value: u64) -> Option<u64> {
        self.0.insert(key, value)
    }

    pub fn remove(&mut self, key: u128) -> Option<u64> {
        self.0.remove(&key)
    }

    /// The key's value, inserting `value` first when there is none.
    pub fn get_or_insert(&mut self, key: u128, value: u64) -> u64 {
        *self.0.entry(key).or_insert(value)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An address as one word: the IPv4 address above the port.
#[inline]
pub fn addr_key(a: SocketAddrV4) -> u64 {
    (u64::from(a.ip().to_bits()) << 16) | u64::from(a.port())
}

/// An ordered pair of addresses as one key.
#[inline]
pub fn pair_key(a: SocketAddrV4, b: SocketAddrV4) -> u128 {
    (u128::from(addr_key(a)) << 64) | u128::from(addr_key(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, BuildHasherDefault};

    #[test]
    fn same_key_same_hash_and_neighbours_differ() {
        let b = BuildHasherDefault::<FxHasher>::default();
        assert_eq!(b.hash_one((1u64, 2u64)), b.hash_one((1u64, 2u64)));
        assert_ne!(b.hash_one((1u64, 2u64)), b.hash_one((2u64, 1u64)));
        assert_ne!(b.hash_one(80u64), b.hash_one(81u64));
        assert_eq!(b.hash_one(7u128 << 64 | 9), b.hash_one(7u128 << 64 | 9));
        assert_ne!(b.hash_one(7u128 << 64 | 9), b.hash_one(9u128 << 64 | 7));
    }

    #[test]
    fn keymap_against_std() {
        let mut m = KeyMap::default();
        let mut want = std::collections::HashMap::new();
        let mut rng = crate::sim::Rng::new(3);
        for i in 0..2000u64 {
            let k = u128::from(rng.below(64)) << (rng.below(2) * 64) | u128::from(rng.below(4));
            match rng.below(4) {
                0 => assert_eq!(m.remove(k), want.remove(&k)),
                1 => assert_eq!(m.get_or_insert(k, i), *want.entry(k).or_insert(i)),
                _ => assert_eq!(m.insert(k, i), want.insert(k, i)),
            }
            assert_eq!(
                (m.get(k), m.contains(k)),
                (want.get(&k).copied(), want.contains_key(&k))
            );
            assert_eq!(m.len(), want.len());
        }
    }

    #[test]
    fn address_keys_are_distinct() {
        use std::net::Ipv4Addr;
        let a = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 1), 80);
        let b = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), 80);
        assert_eq!(addr_key(a), 0x0a00_0001_0050);
        assert_ne!(pair_key(a, b), pair_key(b, a));
        assert_eq!(
            pair_key(a, b),
            0x0a00_0001_0050u128 << 64 | 0x0a00_0002_0050
        );
    }
}
