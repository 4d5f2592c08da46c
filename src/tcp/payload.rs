//! The data a segment carries, and the send queue segments are cut from.
//!
//! A sender's queue keeps the bytes the user wrote in shared chunks, one per write, and a
//! segment's payload is a range of one of them: cutting a segment (or a retransmission of it)
//! neither copies its bytes nor allocates. Only a segment spanning two writes gets a buffer of
//! its own. The trace keeps every segment, so a bulk transfer's trace holds its data once.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

/// A segment's data: a range of a shared, immutable buffer. Reads as a `&[u8]` (`Deref`);
/// equal when the bytes are.
#[derive(Clone, Default)]
pub struct Payload {
    /// `None`: empty (no allocation).
    buf: Option<Rc<[u8]>>,
    start: u32,
    len: u32,
}

impl Payload {
    /// No data.
    pub const EMPTY: Payload = Payload {
        buf: None,
        start: 0,
        len: 0,
    };

    /// Number of bytes (without building the slice).
    #[inline]
    pub fn len(&self) -> usize {
        self.len as usize
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes `start..start + len` of this payload, sharing its buffer.
    ///
    /// # Panics
    /// If the range is not within the payload.
    pub fn slice(&self, start: usize, len: usize) -> Payload {
        assert!(start + len <= self.len(), "payload range out of bounds");
        if len == 0 {
            return Payload::EMPTY;
        }
        Payload {
            buf: self.buf.clone(),
            start: self.start + start as u32,
            len: len as u32,
        }
    }
}

impl Deref for Payload {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        match &self.buf {
            Some(b) => &b[self.start as usize..(self.start + self.len) as usize],
            None => &[],
        }
    }
}

impl From<&[u8]> for Payload {
    /// A copy of `data` in a buffer of its own.
    ///
    /// # Panics
    /// If `data` is 4 GiB or longer (a segment carries at most 64 KiB; the send queue cuts
    /// longer writes into chunks below this).
    fn from(data: &[u8]) -> Payload {
        if data.is_empty() {
            return Payload::EMPTY;
        }
        let len = u32::try_from(data.len()).expect("a payload is shorter than 4 GiB");
        Payload {
            buf: Some(Rc::from(data)),
            start: 0,
            len,
        }
    }
}

impl<const N: usize> From<&[u8; N]> for Payload {
    fn from(data: &[u8; N]) -> Payload {
        Payload::from(&data[..])
    }
}

impl From<Vec<u8>> for Payload {
    fn from(data: Vec<u8>) -> Payload {
        Payload::from(&data[..])
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        **self == **other
    }
}

impl Eq for Payload {}

impl fmt::Debug for Payload {
    /// As the bytes (the same text as a `Vec<u8>`'s).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Writes longer than this go into the queue as several chunks (a [`Payload`] indexes its
/// buffer with `u32`).
const MAX_CHUNK: usize = 1 << 30;

/// A sender's queue of bytes not yet acknowledged: the user's writes as shared chunks, oldest
/// first, the front one possibly partly acknowledged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct SendQueue {
    chunks: VecDeque<Payload>,
    len: usize,
}

impl SendQueue {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
    }

    /// Append a copy of `data` (the one copy a send makes).
    pub fn push(&mut self, data: &[u8]) {
        for piece in data.chunks(MAX_CHUNK) {
            self.chunks.push_back(Payload::from(piece));
        }
        self.len += data.len();
    }

    /// Forget the first `n` bytes (at most [`SendQueue::len`]): they were acknowledged.
    pub fn drop_front(&mut self, n: usize) {
        let mut n = n.min(self.len);
        self.len -= n;
        while n > 0 {
            let Some(front) = self.chunks.front_mut() else {
                break;
            };
            if n < front.len() {
                *front = front.slice(n, front.len() - n);
                break;
            }
            n -= front.len();
            self.chunks.pop_front();
        }
    }

    /// The `len` bytes from `offset` (within the queue): shared with their chunk when they lie
    /// in one, else copied into a buffer of their own.
    pub fn range(&self, offset: usize, len: usize) -> Payload {
        debug_assert!(offset + len <= self.len);
        let mut skip = offset;
        let mut chunks = self.chunks.iter();
        for c in chunks.by_ref() {
            if skip < c.len() {
                if skip + len <= c.len() {
                    return c.slice(skip, len);
                }
                let mut out = Vec::with_capacity(len);
                out.extend_from_slice(&c[skip..]);
                for c in chunks {
                    let want = len - out.len();
                    if want == 0 {
                        break;
                    }
                    out.extend_from_slice(&c[..want.min(c.len())]);
                }
                return Payload::from(out);
            }
            skip -= c.len();
        }
        Payload::EMPTY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The queue as plain bytes, for comparison.
    fn bytes(q: &SendQueue) -> Vec<u8> {
        q.range(0, q.len()).to_vec()
    }

    #[test]
    fn a_payload_reads_as_its_bytes_and_compares_by_them() {
        let p = Payload::from(b"hello world");
        assert_eq!(&*p, b"hello world");
        assert_eq!(p.slice(6, 5), Payload::from(b"world"));
        assert_eq!(
            format!("{:?}", p.slice(0, 2)),
            format!("{:?}", b"he".to_vec())
        );
        assert!(Payload::default().is_empty());
        assert!(p.slice(3, 0).buf.is_none());
        assert_eq!(Payload::from(Vec::new()), Payload::default());
    }

    #[test]
    fn a_range_inside_one_write_shares_its_buffer() {
        let mut q = SendQueue::default();
        q.push(b"abcdef");
        let r = q.range(1, 3);
        assert_eq!(&*r, b"bcd");
        let (Some(a), Some(b)) = (&r.buf, &q.chunks[0].buf) else {
            panic!("both have buffers");
        };
        assert!(Rc::ptr_eq(a, b));
    }

    /// Writes, acknowledgments and ranges agree with a plain byte queue, whatever the cut.
    #[test]
    fn the_queue_behaves_as_a_byte_queue() {
        let mut q = SendQueue::default();
        let mut model: VecDeque<u8> = VecDeque::new();
        let mut next = 0u8;
        for round in 0..200usize {
            let n = (round * 7) % 13;
            let data: Vec<u8> = (0..n)
                .map(|_| {
                    next = next.wrapping_add(1);
                    next
                })
                .collect();
            q.push(&data);
            model.extend(&data);
            assert_eq!(q.len(), model.len());
            for offset in 0..model.len() {
                for len in 0..=(model.len() - offset).min(20) {
                    let want: Vec<u8> = model.range(offset..offset + len).copied().collect();
                    assert_eq!(&*q.range(offset, len), &want[..], "{offset}+{len}");
                }
            }
            let acked = (round * 5) % 11;
            q.drop_front(acked);
            model.drain(..acked.min(model.len()));
            assert_eq!(bytes(&q), model.iter().copied().collect::<Vec<_>>());
            assert_eq!(q.is_empty(), model.is_empty());
        }
        q.clear();
        assert!(q.is_empty() && q.range(0, 0).is_empty());
    }
}
