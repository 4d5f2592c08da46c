//! Classic libpcap files: both byte orders, µs and ns timestamps.

use super::error::{ImportError, Position};
use super::wire::{self, Decoded};
use super::Sink;

pub const MAGIC_US: u32 = 0xa1b2_c3d4;
pub const MAGIC_NS: u32 = 0xa1b2_3c4d;

/// Seconds from 1970 to 2026-01-01T00:00:00Z: simulation time 0 in exported files.
pub const EPOCH_SECS: u64 = 1_767_225_600;

/// A pcap file (µs, little endian, Ethernet) holding `frames` (ns since 1970, bytes).
pub fn write(frames: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&MAGIC_US.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&wire::LINKTYPE_ETHERNET.to_le_bytes());
    for (ts_ns, f) in frames {
        let us = ts_ns / 1_000;
        out.extend_from_slice(&((us / 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&((us % 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
    out
}

pub fn looks_like(b: &[u8]) -> bool {
    b.len() >= 4 && {
        let m = [b[0], b[1], b[2], b[3]];
        [u32::from_le_bytes(m), u32::from_be_bytes(m)]
            .iter()
            .any(|&x| x == MAGIC_US || x == MAGIC_NS)
    }
}

pub fn read(b: &[u8], sink: &mut Sink) -> Result<(), ImportError> {
    let Some(m) = b.get(..4) else {
        return Err(ImportError::Truncated {
            at: Position::Byte(0),
            expected: "a 4-byte pcap magic number",
        });
    };
    let m = [m[0], m[1], m[2], m[3]];
    let (le, ns) = match (u32::from_le_bytes(m), u32::from_be_bytes(m)) {
        (MAGIC_US, _) => (true, false),
        (MAGIC_NS, _) => (true, true),
        (_, MAGIC_US) => (false, false),
        (_, MAGIC_NS) => (false, true),
        _ => return Err(ImportError::UnknownFormat),
    };
    let u32_at = |i: usize| -> Option<u32> {
        let s: [u8; 4] = b.get(i..i + 4)?.try_into().ok()?;
        Some(if le {
            u32::from_le_bytes(s)
        } else {
            u32::from_be_bytes(s)
        })
    };
    let Some(link) = u32_at(20) else {
        return Err(ImportError::Truncated {
            at: Position::Byte(b.len() as u64),
            expected: "the rest of the 24-byte pcap file header",
        });
    };
    // The upper bits may carry FCS information (pcap spec, "LinkType and additional information").
    let link = link & 0x0fff_ffff;
    if !wire::link_supported(link) {
        return Err(ImportError::UnsupportedLink {
            at: Position::Byte(20),
            link,
        });
    }
    let mut off = 24usize;
    while off < b.len() {
        let (Some(sec), Some(frac), Some(incl), Some(_orig)) = (
            u32_at(off),
            u32_at(off + 4),
            u32_at(off + 8),
            u32_at(off + 12),
        ) else {
            return Err(ImportError::Truncated {
                at: Position::Byte(off as u64),
                expected: "a 16-byte packet record header",
            });
        };
        let data_at = off + 16;
        let incl = incl as usize;
        if incl > 0x0400_0000 {
            return Err(ImportError::Malformed {
                at: Position::Byte(off as u64 + 8),
                expected: "a captured length below 64 MiB",
            });
        }
        let Some(frame) = b.get(data_at..data_at + incl) else {
            return Err(ImportError::Truncated {
                at: Position::Byte(data_at as u64),
                expected: "the packet data the record header announced",
            });
        };
        let ts_ns = u64::from(sec) * 1_000_000_000
            + if ns {
                u64::from(frac)
            } else {
                u64::from(frac) * 1_000
            };
        if !sink.frame(wire::decode(link, frame, ts_ns), off as u64) {
            return Ok(());
        }
        off = data_at + incl;
    }
    Ok(())
}

impl Sink<'_> {
    /// Take one decoded frame; `false` when the packet cap is reached.
    pub fn frame(&mut self, d: Decoded, at: u64) -> bool {
        match d {
            Decoded::Tcp(p) => self.push(p, at),
            Decoded::Skip(f) => {
                f(&mut self.capture.skipped);
                true
            }
        }
    }
}
