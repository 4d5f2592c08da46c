//! pcapng files: Section Header, Interface Description, Enhanced and Simple Packet Blocks;
//! several interfaces and sections, either byte order. Other blocks are skipped.

use super::error::{ImportError, Position};
use super::wire;
use super::Sink;

const SHB: u32 = 0x0a0d_0d0a;
const IDB: u32 = 0x0000_0001;
const SPB: u32 = 0x0000_0003;
const EPB: u32 = 0x0000_0006;
const BOM: u32 = 0x1a2b_3c4d;

fn block(out: &mut Vec<u8>, kind: u32, body: &[u8]) {
    let pad = (4 - body.len() % 4) % 4;
    let total = (12 + body.len() + pad) as u32;
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&[0u8; 3][..pad]);
    out.extend_from_slice(&total.to_le_bytes());
}

/// A pcapng file with one Ethernet interface per entry of `interfaces` (its name), and the
/// frames `(interface, ns since 1970, bytes)` in the order given. Timestamps in µs.
pub fn write(interfaces: &[&str], frames: &[(u32, u64, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut shb = Vec::new();
    shb.extend_from_slice(&BOM.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    push_option(&mut shb, 4, b"synack");
    shb.extend_from_slice(&[0, 0, 0, 0]);
    block(&mut out, SHB, &shb);
    for name in interfaces {
        let mut idb = Vec::new();
        idb.extend_from_slice(&(wire::LINKTYPE_ETHERNET as u16).to_le_bytes());
        idb.extend_from_slice(&0u16.to_le_bytes());
        idb.extend_from_slice(&65535u32.to_le_bytes());
        push_option(&mut idb, 2, name.as_bytes());
        idb.extend_from_slice(&[0, 0, 0, 0]);
        block(&mut out, IDB, &idb);
    }
    for (iface, ts_ns, f) in frames {
        let us = ts_ns / 1_000;
        let mut epb = Vec::with_capacity(20 + f.len());
        epb.extend_from_slice(&iface.to_le_bytes());
        epb.extend_from_slice(&((us >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(us as u32).to_le_bytes());
        epb.extend_from_slice(&(f.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(f.len() as u32).to_le_bytes());
        epb.extend_from_slice(f);
        epb.extend_from_slice(&[0u8; 3][..(4 - f.len() % 4) % 4]);
        block(&mut out, EPB, &epb);
    }
    out
}

fn push_option(out: &mut Vec<u8>, code: u16, val: &[u8]) {
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&(val.len() as u16).to_le_bytes());
    out.extend_from_slice(val);
    out.extend_from_slice(&[0u8; 3][..(4 - val.len() % 4) % 4]);
}

pub fn looks_like(b: &[u8]) -> bool {
    b.get(..4) == Some(&SHB.to_le_bytes()[..])
}

struct Iface {
    link: u32,
    /// Nanoseconds per timestamp unit numerator/denominator: ts_ns = ts * mul / div.
    mul: u64,
    div: u64,
    snaplen: u32,
}

pub fn read(b: &[u8], sink: &mut Sink) -> Result<(), ImportError> {
    let mut off = 0usize;
    let mut le = true;
    let mut ifaces: Vec<Iface> = Vec::new();
    while off < b.len() {
        let at = Position::Byte(off as u64);
        let Some(head) = b.get(off..off + 12) else {
            return Err(ImportError::Truncated {
                at,
                expected: "a pcapng block header (type, length)",
            });
        };
        let kind = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        if kind == SHB {
            // The byte-order magic decides how this section (and this block's length) reads.
            let bom = [head[8], head[9], head[10], head[11]];
            le = match (u32::from_le_bytes(bom), u32::from_be_bytes(bom)) {
                (BOM, _) => true,
                (_, BOM) => false,
                _ => {
                    return Err(ImportError::Malformed {
                        at: Position::Byte(off as u64 + 8),
                        expected: "the byte-order magic 1a2b3c4d of a Section Header Block",
                    })
                }
            };
            ifaces.clear();
        } else if off == 0 {
            return Err(ImportError::UnknownFormat);
        }
        let rd32 = |s: &[u8], i: usize| -> Option<u32> {
            let a: [u8; 4] = s.get(i..i + 4)?.try_into().ok()?;
            Some(if le {
                u32::from_le_bytes(a)
            } else {
                u32::from_be_bytes(a)
            })
        };
        let rd16 = |s: &[u8], i: usize| -> Option<u16> {
            let a: [u8; 2] = s.get(i..i + 2)?.try_into().ok()?;
            Some(if le {
                u16::from_le_bytes(a)
            } else {
                u16::from_be_bytes(a)
            })
        };
        let kind = rd32(head, 0).unwrap_or(0);
        let len = rd32(head, 4).unwrap_or(0) as usize;
        if len < 12 || len % 4 != 0 {
            return Err(ImportError::Malformed {
                at: Position::Byte(off as u64 + 4),
                expected: "a block length that is a multiple of 4 and at least 12",
            });
        }
        let Some(blk) = b.get(off..off + len) else {
            return Err(ImportError::Truncated {
                at,
                expected: "the rest of a pcapng block",
            });
        };
        let body = &blk[8..len - 4];
        match kind {
            IDB => {
                let (Some(link), Some(snap)) = (rd16(body, 0), rd32(body, 4)) else {
                    return Err(ImportError::Malformed {
                        at,
                        expected: "an Interface Description Block of at least 20 bytes",
                    });
                };
                let (mul, div) = tsresol(body.get(8..).unwrap_or(&[]), rd16);
                ifaces.push(Iface {
                    link: u32::from(link),
                    mul,
                    div,
                    snaplen: snap,
                });
            }
            EPB => {
                let (Some(id), Some(hi), Some(lo), Some(cap)) =
                    (rd32(body, 0), rd32(body, 4), rd32(body, 8), rd32(body, 12))
                else {
                    return Err(ImportError::Malformed {
                        at,
                        expected: "an Enhanced Packet Block of at least 32 bytes",
                    });
                };
                let Some(ifc) = ifaces.get(id as usize) else {
                    return Err(ImportError::Malformed {
                        at: Position::Byte(off as u64 + 8),
                        expected:
                            "an interface id declared by an earlier Interface Description Block",
                    });
                };
                let Some(frame) = body.get(20..20 + cap as usize) else {
                    return Err(ImportError::Malformed {
                        at: Position::Byte(off as u64 + 20),
                        expected: "a captured length that fits in its block",
                    });
                };
                if !wire::link_supported(ifc.link) {
                    return Err(ImportError::UnsupportedLink { at, link: ifc.link });
                }
                let ts = (u64::from(hi) << 32) | u64::from(lo);
                let ts_ns = (u128::from(ts) * u128::from(ifc.mul) / u128::from(ifc.div)) as u64;
                if !sink.frame(wire::decode(ifc.link, frame, ts_ns), off as u64) {
                    return Ok(());
                }
            }
            SPB => {
                let Some(ifc) = ifaces.first() else {
                    return Err(ImportError::Malformed {
                        at,
                        expected: "an Interface Description Block before a Simple Packet Block",
                    });
                };
                let orig = rd32(body, 0).unwrap_or(0) as usize;
                let cap = orig
                    .min(ifc.snaplen.max(1) as usize)
                    .min(body.len().saturating_sub(4));
                let frame = body.get(4..4 + cap).unwrap_or(&[]);
                if !wire::link_supported(ifc.link) {
                    return Err(ImportError::UnsupportedLink { at, link: ifc.link });
                }
                // A Simple Packet Block has no timestamp: keep packets in file order at the
                // time of the last one seen.
                let ts_ns = sink.last_ts_ns();
                if !sink.frame(wire::decode(ifc.link, frame, ts_ns), off as u64) {
                    return Ok(());
                }
            }
            _ => {}
        }
        off += len;
    }
    Ok(())
}

/// The `if_tsresol` option (code 9): 10^-n or 2^-n seconds per unit; µs when absent.
fn tsresol(mut opts: &[u8], rd16: impl Fn(&[u8], usize) -> Option<u16>) -> (u64, u64) {
    let mut res = (1_000, 1);
    while let (Some(code), Some(len)) = (rd16(opts, 0), rd16(opts, 2)) {
        let len = usize::from(len);
        if code == 0 {
            break;
        }
        if code == 9 && len >= 1 {
            if let Some(&v) = opts.get(4) {
                let n = u32::from(v & 0x7f);
                res = if v & 0x80 == 0 {
                    match n {
                        0..=9 => (10u64.pow(9 - n), 1),
                        _ => (1, 10u64.pow(n.min(18) - 9)),
                    }
                } else {
                    (1_000_000_000, 1u64 << n.min(62))
                };
            }
        }
        let step = 4 + len + (4 - len % 4) % 4;
        if step > opts.len() {
            break;
        }
        opts = &opts[step..];
    }
    res
}
