//! Mermaid `sequenceDiagram` text of a timeline: one participant per lane, one arrow per
//! packet, a note per state change.

use crate::timeline::Timeline;
use std::fmt::Write;

pub fn write(tl: &Timeline) -> String {
    let mut s = String::from("sequenceDiagram\n");
    for (i, l) in tl.lanes.iter().enumerate() {
        let _ = writeln!(s, "    participant L{i} as {} {}", l.role.key(), l.ip);
    }
    for step in &tl.steps {
        for (ti, t) in &step.transitions {
            let _ = writeln!(
                s,
                "    Note over L{}: {} → {}",
                tl.tracks[*ti].lane, t.from, t.to
            );
        }
        for &p in &step.sent {
            let pk = &tl.packets[p];
            let mut label = pk.label();
            if pk.retransmission {
                label.push_str(" (retransmission)");
            }
            // ';' and '#' end a Mermaid message; labels contain neither, but be sure.
            let label = label.replace([';', '#'], " ");
            match pk.to_lane {
                Some(to) if pk.arrives_at.is_some() => {
                    let _ = writeln!(s, "    L{}->>L{to}: {label}", pk.from_lane);
                }
                Some(to) => {
                    let _ = writeln!(s, "    L{}-xL{to}: {label} (lost)", pk.from_lane);
                }
                None => {
                    let _ = writeln!(
                        s,
                        "    Note over L{}: sent {label}, nobody there",
                        pk.from_lane
                    );
                }
            }
        }
    }
    s
}
