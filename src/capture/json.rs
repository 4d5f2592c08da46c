//! JSON out, written by hand (no serde in the core): the import summary of DESIGN.md's
//! "Native CLI" and a whole timeline.

use super::Analysis;
use crate::timeline::Timeline;
use std::fmt::Write;

/// A JSON string literal.
pub fn quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn states(v: &[crate::tcp::State]) -> String {
    let s: Vec<String> = v.iter().map(|s| quote(s.rfc_name())).collect();
    format!("[{}]", s.join(", "))
}

/// `{"connections": [{"client": …, "server": …, "client_states": […], …}]}`
pub fn summary_json(a: &Analysis) -> String {
    let conns: Vec<String> = a
        .connections
        .iter()
        .map(|c| {
            format!(
                "  {{\"client\": {}, \"server\": {},\n   \"client_states\": {},\n   \"server_states\": {},\n   \"segments\": {}, \"retransmissions\": {}, \"keepalives\": {}, \"http_requests\": {}}}",
                quote(&c.client.to_string()),
                quote(&c.server.to_string()),
                states(&c.client_states),
                states(&c.server_states),
                c.segments,
                c.retransmissions,
                c.keepalives,
                c.http_requests
            )
        })
        .collect();
    if conns.is_empty() {
        "{\"connections\": []}\n".to_string()
    } else {
        format!("{{\"connections\": [\n{}\n]}}\n", conns.join(",\n"))
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "null".to_string(), |x| x.to_string())
}

/// The timeline's lanes, tracks (state histories) and packets; times in µs.
pub fn timeline_json(tl: &Timeline) -> String {
    let mut o = String::from("{\"lanes\": [");
    for (i, l) in tl.lanes.iter().enumerate() {
        let sep = if i > 0 { ", " } else { "" };
        let _ = write!(
            o,
            "{sep}{{\"role\": {}, \"ip\": {}}}",
            quote(l.role.key()),
            quote(&l.ip.to_string())
        );
    }
    o.push_str("],\n \"tracks\": [");
    for (i, t) in tl.tracks.iter().enumerate() {
        let sep = if i > 0 { ",\n  " } else { "\n  " };
        let hist: Vec<String> = t
            .history
            .iter()
            .map(|(at, s)| {
                format!(
                    "{{\"at_us\": {}, \"state\": {}}}",
                    at.micros(),
                    quote(s.rfc_name())
                )
            })
            .collect();
        let _ = write!(
            o,
            "{sep}{{\"lane\": {}, \"local\": {}, \"remote\": {}, \"listener\": {}, \"history\": [{}]}}",
            t.lane,
            opt(t.local.map(|a| quote(&a.to_string()))),
            opt(t.remote.map(|a| quote(&a.to_string()))),
            t.listener,
            hist.join(", ")
        );
    }
    o.push_str("],\n \"packets\": [");
    for (i, p) in tl.packets.iter().enumerate() {
        let sep = if i > 0 { ",\n  " } else { "\n  " };
        let s = &p.segment;
        let _ = write!(
            o,
            "{sep}{{\"sent_us\": {}, \"arrives_us\": {}, \"lost_us\": {}, \"from_lane\": {}, \"to_lane\": {}, \"src\": {}, \"dst\": {}, \"flags\": {}, \"seq\": {}, \"ack\": {}, \"win\": {}, \"len\": {}, \"mss\": {}, \"retransmission\": {}}}",
            p.sent_at.micros(),
            opt(p.arrives_at.map(|t| t.micros())),
            opt(p.lost_at.map(|t| t.micros())),
            p.from_lane,
            opt(p.to_lane),
            quote(&p.src.to_string()),
            quote(&p.dst.to_string()),
            quote(&s.flags.to_string()),
            s.seq.0,
            s.ack.0,
            s.window,
            s.payload.len(),
            opt(s.mss),
            p.retransmission
        );
    }
    let _ = write!(o, "],\n \"end_us\": {}}}", tl.end.micros());
    o
}
