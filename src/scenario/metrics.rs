//! Numbers a pane reports (connections, round trips, time, bytes, latencies), computed from
//! what the simulator actually did.

use crate::time::SimDuration;
use crate::timeline::Timeline;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricKey {
    Connections,
    Requests,
    TotalTime,
    /// Total time in round-trip times (tenths).
    RoundTrips,
    Segments,
    BytesOnWire,
    Retransmissions,
    LatencyMin,
    LatencyMedian,
    LatencyMax,
    EventsDelivered,
    MessagesDelivered,
}

impl MetricKey {
    pub fn id(self) -> &'static str {
        match self {
            MetricKey::Connections => "connections",
            MetricKey::Requests => "requests",
            MetricKey::TotalTime => "total_time",
            MetricKey::RoundTrips => "round_trips",
            MetricKey::Segments => "segments",
            MetricKey::BytesOnWire => "bytes_on_wire",
            MetricKey::Retransmissions => "retransmissions",
            MetricKey::LatencyMin => "latency_min",
            MetricKey::LatencyMedian => "latency_median",
            MetricKey::LatencyMax => "latency_max",
            MetricKey::EventsDelivered => "events_delivered",
            MetricKey::MessagesDelivered => "messages_delivered",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricValue {
    Count(u64),
    Time(SimDuration),
    /// A ratio in tenths (e.g. 2.5 RTT = 25).
    Tenths(u64),
}

impl std::fmt::Display for MetricValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MetricValue::Count(n) => write!(f, "{n}"),
            MetricValue::Time(d) => write!(f, "{d}"),
            MetricValue::Tenths(t) => write!(f, "{}.{}", t / 10, t % 10),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metric {
    pub key: MetricKey,
    pub value: MetricValue,
}

impl Metric {
    pub fn count(key: MetricKey, n: usize) -> Metric {
        Metric {
            key,
            value: MetricValue::Count(n as u64),
        }
    }

    pub fn time(key: MetricKey, d: SimDuration) -> Metric {
        Metric {
            key,
            value: MetricValue::Time(d),
        }
    }
}

/// Frame size on an Ethernet wire: 14 + 20 (IPv4) + 20 (TCP) + 4 (MSS option) + payload,
/// or 14 + 20 + 8 (UDP) + payload.
pub fn frame_bytes(p: &crate::timeline::Packet) -> usize {
    let headers = match p.proto {
        crate::sim::Proto::Tcp => 54 + if p.segment.mss.is_some() { 4 } else { 0 },
        crate::sim::Proto::Udp => 42,
    };
    headers + p.segment.payload.len()
}

/// Connections opened: first transmissions of a SYN without ACK.
pub fn connections(tl: &Timeline) -> usize {
    tl.packets
        .iter()
        .filter(|p| p.segment.flags.syn() && !p.segment.flags.ack() && !p.retransmission)
        .count()
}

/// Segments, wire bytes and retransmissions of a timeline.
pub fn wire(tl: &Timeline) -> [Metric; 3] {
    let bytes: usize = tl.packets.iter().map(frame_bytes).sum();
    let rtx = tl.packets.iter().filter(|p| p.retransmission).count();
    [
        Metric::count(MetricKey::Segments, tl.packets.len()),
        Metric::count(MetricKey::BytesOnWire, bytes),
        Metric::count(MetricKey::Retransmissions, rtx),
    ]
}

/// `d` in round trips of `rtt`, in tenths (rounded).
pub fn round_trips(d: SimDuration, rtt: SimDuration) -> Metric {
    let tenths = (d.micros() * 10 + rtt.micros() / 2) / rtt.micros().max(1);
    Metric {
        key: MetricKey::RoundTrips,
        value: MetricValue::Tenths(tenths),
    }
}

/// Min, median, max of latencies (empty input gives none).
pub fn latencies(mut l: Vec<SimDuration>) -> Vec<Metric> {
    if l.is_empty() {
        return Vec::new();
    }
    crate::sim::sort_by_u64(&mut l, |d| d.micros());
    vec![
        Metric::time(MetricKey::LatencyMin, l[0]),
        Metric::time(MetricKey::LatencyMedian, l[l.len() / 2]),
        Metric::time(MetricKey::LatencyMax, l[l.len() - 1]),
    ]
}
