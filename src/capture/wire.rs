//! Ethernet / IPv4 / TCP frames: building them for export, taking them apart on import.
//!
//! Hand-written rather than etherparse: we need one protocol stack, both ways, in about two
//! hundred lines, and every byte of wasm counts (see the module docs of `capture`).

use super::{CapturedPacket, Skipped};
use crate::tcp::{Flags, Segment, SeqNum};
use std::net::{Ipv4Addr, SocketAddrV4};

/// Link-layer header types of the pcap/pcapng registry that we read.
pub const LINKTYPE_NULL: u32 = 0;
pub const LINKTYPE_ETHERNET: u32 = 1;
pub const LINKTYPE_RAW_BSD: u32 = 12;
pub const LINKTYPE_RAW: u32 = 101;
pub const LINKTYPE_LINUX_SLL: u32 = 113;
pub const LINKTYPE_IPV4: u32 = 228;
pub const LINKTYPE_LINUX_SLL2: u32 = 276;

pub fn link_supported(link: u32) -> bool {
    matches!(
        link,
        LINKTYPE_NULL
            | LINKTYPE_ETHERNET
            | LINKTYPE_RAW_BSD
            | LINKTYPE_RAW
            | LINKTYPE_LINUX_SLL
            | LINKTYPE_IPV4
            | LINKTYPE_LINUX_SLL2
    )
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: u16 = 0x8100;

/// A locally administered MAC that spells the IPv4 address: 02:00:a:b:c:d.
pub fn mac_of(ip: Ipv4Addr) -> [u8; 6] {
    let o = ip.octets();
    [0x02, 0x00, o[0], o[1], o[2], o[3]]
}

/// RFC 1071 one's-complement sum, folded, not yet inverted.
fn sum16(mut acc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        acc += u32::from(*last) << 8;
    }
    acc
}

fn fold(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// The TCP header (with options) and payload of `seg`, checksum filled in (RFC 9293 §3.1,
/// pseudo-header of RFC 9293 §3.1 "Checksum").
pub fn tcp_bytes(src: Ipv4Addr, dst: Ipv4Addr, seg: &Segment) -> Vec<u8> {
    let opts: Vec<u8> = match seg.mss {
        Some(mss) if seg.flags.syn() => {
            let m = mss.to_be_bytes();
            vec![2, 4, m[0], m[1]]
        }
        _ => Vec::new(),
    };
    let hlen = 20 + opts.len();
    let mut t = Vec::with_capacity(hlen + seg.payload.len());
    t.extend_from_slice(&seg.src_port.to_be_bytes());
    t.extend_from_slice(&seg.dst_port.to_be_bytes());
    t.extend_from_slice(&seg.seq.0.to_be_bytes());
    let ack = if seg.flags.ack() { seg.ack.0 } else { 0 };
    t.extend_from_slice(&ack.to_be_bytes());
    t.push(((hlen / 4) as u8) << 4);
    t.push(seg.flags.0);
    t.extend_from_slice(&seg.window.to_be_bytes());
    t.extend_from_slice(&[0, 0]);
    let urg = if seg.flags.urg() { seg.urgent } else { 0 };
    t.extend_from_slice(&urg.to_be_bytes());
    t.extend_from_slice(&opts);
    t.extend_from_slice(&seg.payload);
    let mut acc = sum16(0, &src.octets());
    acc = sum16(acc, &dst.octets());
    acc += 6 + t.len() as u32;
    let ck = fold(sum16(acc, &t));
    t[16..18].copy_from_slice(&ck.to_be_bytes());
    t
}

/// The UDP header and payload, checksum filled in (RFC 768, IPv4 pseudo-header).
pub fn udp_bytes(src: SocketAddrV4, dst: SocketAddrV4, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(8 + payload.len()).unwrap_or(u16::MAX);
    let mut u = Vec::with_capacity(8 + payload.len());
    u.extend_from_slice(&src.port().to_be_bytes());
    u.extend_from_slice(&dst.port().to_be_bytes());
    u.extend_from_slice(&len.to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(payload);
    let mut acc = sum16(0, &src.ip().octets());
    acc = sum16(acc, &dst.ip().octets());
    acc += 17 + u32::from(len);
    // RFC 768: a computed checksum of zero is sent as all ones.
    let ck = match fold(sum16(acc, &u)) {
        0 => 0xffff,
        c => c,
    };
    u[6..8].copy_from_slice(&ck.to_be_bytes());
    u
}

/// A whole Ethernet II frame carrying `seg` from `src` to `dst`; `ip_id` is the IPv4
/// identification (any value is valid with DF set; a counter keeps frames distinct).
pub fn ethernet_frame(src: SocketAddrV4, dst: SocketAddrV4, seg: &Segment, ip_id: u16) -> Vec<u8> {
    ipv4_frame(src, dst, 6, &tcp_bytes(*src.ip(), *dst.ip(), seg), ip_id)
}

/// The same for a UDP datagram.
pub fn udp_frame(src: SocketAddrV4, dst: SocketAddrV4, payload: &[u8], ip_id: u16) -> Vec<u8> {
    ipv4_frame(src, dst, 17, &udp_bytes(src, dst, payload), ip_id)
}

fn ipv4_frame(src: SocketAddrV4, dst: SocketAddrV4, proto: u8, l4: &[u8], ip_id: u16) -> Vec<u8> {
    let total = 20 + l4.len();
    let mut f = Vec::with_capacity(14 + total);
    f.extend_from_slice(&mac_of(*dst.ip()));
    f.extend_from_slice(&mac_of(*src.ip()));
    f.extend_from_slice(&ETHERTYPE_IPV4.to_be_bytes());
    let ip_start = f.len();
    f.push(0x45);
    f.push(0);
    // Segments never exceed 64 KiB in the simulator; saturate rather than wrap if one did.
    f.extend_from_slice(&u16::try_from(total).unwrap_or(u16::MAX).to_be_bytes());
    f.extend_from_slice(&ip_id.to_be_bytes());
    f.extend_from_slice(&0x4000u16.to_be_bytes()); // DF, offset 0
    f.push(64);
    f.push(proto);
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(&src.ip().octets());
    f.extend_from_slice(&dst.ip().octets());
    let ck = fold(sum16(0, &f[ip_start..ip_start + 20]));
    f[ip_start + 10..ip_start + 12].copy_from_slice(&ck.to_be_bytes());
    f.extend_from_slice(l4);
    f
}

/// What one frame turned out to hold.
pub enum Decoded {
    Tcp(CapturedPacket),
    Skip(fn(&mut Skipped)),
}

fn be16(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

fn be32(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(i)?,
        *b.get(i + 1)?,
        *b.get(i + 2)?,
        *b.get(i + 3)?,
    ]))
}

/// Take apart one captured frame of link type `link`, captured at `ts_ns` (ns since 1970).
pub fn decode(link: u32, frame: &[u8], ts_ns: u64) -> Decoded {
    let (ethertype, ip) = match link {
        LINKTYPE_ETHERNET => {
            let Some(mut et) = be16(frame, 12) else {
                return Decoded::Skip(|s| s.malformed += 1);
            };
            let mut off = 14;
            // 802.1Q / QinQ tags.
            while et == ETHERTYPE_VLAN || et == 0x88a8 {
                let Some(e) = be16(frame, off + 2) else {
                    return Decoded::Skip(|s| s.malformed += 1);
                };
                et = e;
                off += 4;
            }
            (et, &frame[off.min(frame.len())..])
        }
        LINKTYPE_LINUX_SLL => match be16(frame, 14) {
            Some(et) => (et, &frame[16.min(frame.len())..]),
            None => return Decoded::Skip(|s| s.malformed += 1),
        },
        LINKTYPE_LINUX_SLL2 => match be16(frame, 0) {
            Some(et) => (et, &frame[20.min(frame.len())..]),
            None => return Decoded::Skip(|s| s.malformed += 1),
        },
        LINKTYPE_NULL => {
            // Address family in host byte order of the capturing machine: 2 is AF_INET.
            let Some(fam) = frame.get(..4) else {
                return Decoded::Skip(|s| s.malformed += 1);
            };
            let v4 = fam == [2, 0, 0, 0] || fam == [0, 0, 0, 2];
            (
                if v4 { ETHERTYPE_IPV4 } else { ETHERTYPE_IPV6 },
                &frame[4..],
            )
        }
        _ => {
            // Raw IP: the version nibble says which.
            let et = match frame.first().map(|b| b >> 4) {
                Some(4) => ETHERTYPE_IPV4,
                Some(6) => ETHERTYPE_IPV6,
                _ => return Decoded::Skip(|s| s.malformed += 1),
            };
            (et, frame)
        }
    };
    match ethertype {
        ETHERTYPE_IPV4 => decode_ipv4(ip, ts_ns),
        ETHERTYPE_IPV6 => Decoded::Skip(|s| s.ipv6 += 1),
        _ => Decoded::Skip(|s| s.non_tcp += 1),
    }
}

fn decode_ipv4(ip: &[u8], ts_ns: u64) -> Decoded {
    let malformed = Decoded::Skip(|s| s.malformed += 1);
    let Some(&vihl) = ip.first() else {
        return malformed;
    };
    if vihl >> 4 != 4 {
        return Decoded::Skip(|s| s.ipv6 += 1);
    }
    let ihl = usize::from(vihl & 0x0f) * 4;
    let (Some(total), Some(frag), Some(&proto)) = (be16(ip, 2), be16(ip, 6), ip.get(9)) else {
        return malformed;
    };
    if ihl < 20 || ip.len() < ihl {
        return malformed;
    }
    if proto != 6 {
        return Decoded::Skip(|s| s.non_tcp += 1);
    }
    if frag & 0x3fff != 0 {
        return Decoded::Skip(|s| s.fragments += 1);
    }
    let src = Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]);
    let dst = Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]);
    // Total length 0 happens with TCP segmentation offload: trust what was captured.
    let total = if total == 0 {
        ip.len()
    } else {
        usize::from(total)
    };
    let tcp = &ip[ihl..];
    let (Some(sp), Some(dp), Some(seq), Some(ack), Some(off), Some(fl), Some(win), Some(urg)) = (
        be16(tcp, 0),
        be16(tcp, 2),
        be32(tcp, 4),
        be32(tcp, 8),
        tcp.get(12),
        tcp.get(13),
        be16(tcp, 14),
        be16(tcp, 18),
    ) else {
        return malformed;
    };
    let doff = usize::from(off >> 4) * 4;
    if doff < 20 || total < ihl + doff {
        return malformed;
    }
    let opts = tcp.get(20..doff.min(tcp.len())).unwrap_or(&[]);
    let wire_len = (total - ihl - doff) as u32;
    let payload = tcp.get(doff..).unwrap_or(&[]);
    let payload = &payload[..payload.len().min(wire_len as usize)];
    let flags = Flags(fl & 0x3f);
    Decoded::Tcp(CapturedPacket {
        ts_ns,
        src: SocketAddrV4::new(src, sp),
        dst: SocketAddrV4::new(dst, dp),
        segment: Segment {
            src_port: sp,
            dst_port: dp,
            seq: SeqNum(seq),
            ack: SeqNum(if flags.ack() { ack } else { 0 }),
            flags,
            window: win,
            urgent: urg,
            mss: mss_option(opts),
            payload: payload.into(),
        },
        len: wire_len,
    })
}

/// The MSS option (kind 2), walking the option list as RFC 9293 §3.2 lays it out.
fn mss_option(mut o: &[u8]) -> Option<u16> {
    while let Some(&kind) = o.first() {
        match kind {
            0 => return None,
            1 => o = &o[1..],
            _ => {
                let len = usize::from(*o.get(1)?);
                if len < 2 || len > o.len() {
                    return None;
                }
                if kind == 2 && len == 4 {
                    return be16(o, 2);
                }
                o = &o[len..];
            }
        }
    }
    None
}
