//! Core layer `capture`: real captures in, real captures out.
//!
//! Import: pcap / pcapng / `tcpdump -nn` text (auto-detected) → [`Capture`] (the TCP segments)
//! → [`analyze`] (connections, each end's RFC 9293 states inferred passively, Wireshark's
//! retransmission / keep-alive analysis, HTTP requests) → [`to_timeline`], so the ladder view
//! animates a capture like a scenario. Export: any [`Timeline`] as pcap, pcapng (Ethernet/IPv4/
//! TCP with correct checksums), tcpdump text, Mermaid or JSON.
//!
//! Bad input is never a panic: readers stop at the first problem and return what they read
//! before it together with an [`ImportError`] naming the byte or line.
//!
//! The frame code is hand-written (`wire.rs`, ~250 lines): etherparse and pcap-file both build
//! for wasm32, but we need only IPv4+TCP over four link types, and this keeps the wasm small.

mod animate;
mod error;
mod infer;
mod json;
mod mermaid;
mod pcap;
mod pcapng;
mod tcpdump;
mod wire;

pub use animate::{to_timeline, Spacing};
pub use error::{ImportError, Position};
pub use infer::{analyze, Analysis, Connection, Moment, MomentKind, PacketFacts};
pub use json::{summary_json, timeline_json};
pub use pcap::EPOCH_SECS;
pub use wire::{ethernet_frame, mac_of, tcp_bytes, udp_frame};

use crate::tcp::Segment;
use crate::time::SimDuration;
use crate::timeline::Timeline;
use std::fmt;
use std::net::SocketAddrV4;

/// Where `needle` first occurs in `hay`: `str::find` with a `&str` pattern, without the
/// standard library's two-way string searcher (≈ 2 KB of wasm; the needles here are a few
/// bytes). A match of a whole UTF-8 needle always starts and ends on character boundaries.
pub fn find_str(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// `str::split_once` with a `&str` pattern, through [`find_str`].
pub fn split_once_str<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let i = find_str(hay, needle)?;
    Some((&hay[..i], &hay[i + needle.len()..]))
}

/// Most packets read from one file; the rest is reported, not read (a 100 MB capture is fine).
pub const MAX_PACKETS: usize = 200_000;
/// Most packets drawn in the ladder of an import.
pub const MAX_ANIMATED: usize = 2_000;

/// One TCP segment as captured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapturedPacket {
    /// Nanoseconds since 1970.
    pub ts_ns: u64,
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    /// The payload holds what was captured, which may be less than was sent (snap length).
    pub segment: Segment,
    /// Payload length on the wire.
    pub len: u32,
}

/// Frames read but not kept, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Skipped {
    pub ipv6: usize,
    pub non_tcp: usize,
    pub fragments: usize,
    pub malformed: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pcap,
    Pcapng,
    Tcpdump,
}

/// Something a reader of the result should be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Reading stopped after `kept` packets at `at`.
    PacketCap { kept: usize, at: Position },
    /// Only the first `shown` of `total` packets are animated.
    AnimationCap { shown: usize, total: usize },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::PacketCap { kept, at } => {
                write!(f, "{at}: stopped reading after {kept} TCP packets")
            }
            Notice::AnimationCap { shown, total } => {
                write!(f, "animating the first {shown} of {total} packets")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    pub format: Option<Format>,
    pub packets: Vec<CapturedPacket>,
    pub skipped: Skipped,
    pub notices: Vec<Notice>,
}

/// What reading a file gave: everything up to the first problem, and the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub capture: Capture,
    pub error: Option<ImportError>,
}

/// Where readers put packets; it enforces the packet cap.
pub(crate) struct Sink<'a> {
    capture: &'a mut Capture,
    cap: usize,
}

impl Sink<'_> {
    /// Keep `p` (read at `at`, a byte offset or line); `false` once the cap is reached.
    fn push(&mut self, p: CapturedPacket, at: u64) -> bool {
        if self.capture.packets.len() >= self.cap {
            let at = match self.capture.format {
                Some(Format::Tcpdump) => Position::Line(at as usize),
                _ => Position::Byte(at),
            };
            self.capture
                .notices
                .push(Notice::PacketCap { kept: self.cap, at });
            return false;
        }
        self.capture.packets.push(p);
        true
    }

    fn last_ts_ns(&self) -> u64 {
        self.capture.packets.last().map_or(0, |p| p.ts_ns)
    }
}

/// Read a capture of any supported format, keeping at most [`MAX_PACKETS`] TCP packets.
pub fn read(bytes: &[u8]) -> Import {
    read_capped(bytes, MAX_PACKETS)
}

pub fn read_capped(bytes: &[u8], cap: usize) -> Import {
    let mut capture = Capture {
        format: None,
        packets: Vec::new(),
        skipped: Skipped::default(),
        notices: Vec::new(),
    };
    let format = if bytes.is_empty() {
        None
    } else if pcapng::looks_like(bytes) {
        Some(Format::Pcapng)
    } else if pcap::looks_like(bytes) {
        Some(Format::Pcap)
    } else if tcpdump::looks_like(bytes) {
        Some(Format::Tcpdump)
    } else {
        None
    };
    capture.format = format;
    let mut sink = Sink {
        capture: &mut capture,
        cap,
    };
    let result = match format {
        None if bytes.is_empty() => Err(ImportError::Empty),
        None => Err(ImportError::UnknownFormat),
        Some(Format::Pcap) => pcap::read(bytes, &mut sink),
        Some(Format::Pcapng) => pcapng::read(bytes, &mut sink),
        Some(Format::Tcpdump) => tcpdump::read(bytes, &mut sink),
    };
    Import {
        capture,
        error: result.err(),
    }
}

/// The HTTP method a payload starts with (`GET /…`), if any.
pub fn http_method(payload: &[u8]) -> Option<&'static str> {
    const METHODS: [&str; 9] = [
        "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE",
    ];
    METHODS.into_iter().find(|m| {
        payload.len() > m.len() && payload.starts_with(m.as_bytes()) && payload[m.len()] == b' '
    })
}

/// What `export` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Pcap,
    Pcapng,
    Tcpdump,
    Mermaid,
    Json,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Pcap,
        ExportFormat::Pcapng,
        ExportFormat::Tcpdump,
        ExportFormat::Mermaid,
        ExportFormat::Json,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ExportFormat::Pcap => "pcap",
            ExportFormat::Pcapng => "pcapng",
            ExportFormat::Tcpdump => "tcpdump",
            ExportFormat::Mermaid => "mermaid",
            ExportFormat::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|f| f.id() == s)
    }

    /// File name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Pcap => "pcap",
            ExportFormat::Pcapng => "pcapng",
            ExportFormat::Tcpdump => "txt",
            ExportFormat::Mermaid => "mmd",
            ExportFormat::Json => "json",
        }
    }
}

/// Capture time of a simulated instant: 2026-01-01T00:00:00Z plus simulation time.
fn wall_ns(t: crate::time::SimTime) -> u64 {
    EPOCH_SECS * 1_000_000_000 + t.micros() * 1_000
}

/// Where each timeline starts in an export of several: one after another, each on a whole
/// second at least one second after the previous ends. Panes of one scenario often reuse the
/// same addresses and ports; overlapping them in one file would read as one confused connection.
fn offsets(timelines: &[&Timeline]) -> Vec<SimDuration> {
    let mut at = 0u64;
    timelines
        .iter()
        .map(|tl| {
            let o = at;
            at = (o + tl.end.micros()) / 1_000_000 * 1_000_000 + 1_000_000;
            SimDuration::from_micros(o)
        })
        .collect()
}

/// Every packet of every timeline as (timeline, ns since 1970, Ethernet frame), in time order.
/// A packet is captured where it was sent; lost packets are in it (they left the sender).
fn frames(timelines: &[&Timeline]) -> Vec<(u32, u64, Vec<u8>)> {
    let mut all: Vec<(u32, u64, Vec<u8>)> = Vec::new();
    let mut id: u16 = 0;
    for (ti, (tl, off)) in timelines.iter().zip(offsets(timelines)).enumerate() {
        for p in &tl.packets {
            id = id.wrapping_add(1);
            all.push((
                ti as u32,
                wall_ns(p.sent_at + off),
                match p.proto {
                    crate::sim::Proto::Tcp => ethernet_frame(p.src, p.dst, &p.segment, id),
                    crate::sim::Proto::Udp => udp_frame(p.src, p.dst, &p.segment.payload, id),
                },
            ));
        }
    }
    crate::sim::sort_by_u64_pair(&mut all, |&(_, ts, _)| ts, |&(ti, _, _)| ti as u64);
    all
}

/// One or more timelines (a scenario's panes) in `format`, one pane after another (see
/// `offsets`); pcapng also gives each pane its own interface.
pub fn export(timelines: &[&Timeline], format: ExportFormat) -> Vec<u8> {
    match format {
        ExportFormat::Pcap => {
            let f: Vec<(u64, Vec<u8>)> = frames(timelines)
                .into_iter()
                .map(|(_, ts, f)| (ts, f))
                .collect();
            pcap::write(&f)
        }
        ExportFormat::Pcapng => {
            let names: Vec<String> = (0..timelines.len()).map(|i| format!("pane{i}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            pcapng::write(&names, &frames(timelines))
        }
        ExportFormat::Tcpdump => timelines
            .iter()
            .zip(offsets(timelines))
            .map(|(t, off)| tcpdump::write(t, off))
            .collect::<String>()
            .into_bytes(),
        ExportFormat::Mermaid => timelines
            .iter()
            .map(|t| mermaid::write(t))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
        ExportFormat::Json => {
            let parts: Vec<String> = timelines.iter().map(|t| timeline_json(t)).collect();
            format!("[{}]\n", parts.join(",")).into_bytes()
        }
    }
}

#[cfg(test)]
mod find_tests {
    use super::{find_str, split_once_str};

    #[test]
    fn find_str_is_std_find() {
        let hays = [
            "",
            "a",
            "length 5",
            "x options [mss 1460]",
            "ab: c > d: e",
            "é > ü",
            "]]]>]]>",
        ];
        for hay in hays {
            for needle in ["", "a", ": ", " > ", "length ", "options [", "]]>", "ü"] {
                assert_eq!(
                    find_str(hay, needle),
                    hay.find(needle),
                    "{hay:?} {needle:?}"
                );
                assert_eq!(split_once_str(hay, needle), hay.split_once(needle));
            }
        }
    }
}
