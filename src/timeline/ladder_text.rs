//! A plain-text ladder: one line per thing that happened, for golden files and the CLI.

use super::Timeline;
use crate::tcp::UserCall;
use std::fmt::Write;

fn call_name(c: UserCall) -> &'static str {
    match c {
        UserCall::Connect => "connect()",
        UserCall::Listen => "listen()",
        UserCall::Close => "close()",
        UserCall::Abort => "abort()",
    }
}

pub(super) fn render(tl: &Timeline) -> String {
    let mut s = String::new();
    for (i, lane) in tl.lanes.iter().enumerate() {
        let _ = writeln!(s, "lane {i}: {} {}", lane.role.key(), lane.ip);
    }
    for step in &tl.steps {
        let who = tl.lanes[step.lane].role.key();
        let _ = writeln!(s, "@{} {who}", step.at);
        for c in &step.calls {
            let _ = writeln!(s, "    call {}", call_name(*c));
        }
        if let Some(p) = step.received {
            let pk = &tl.packets[p];
            let _ = writeln!(s, "    recv #{p} {}", describe(pk));
        }
        for (ti, t) in &step.transitions {
            let tr = &tl.tracks[*ti];
            let local = tr.local.map(|a| a.to_string()).unwrap_or_default();
            let _ = writeln!(s, "    state [{local}] {} -> {}", t.from, t.to);
        }
        for n in &step.notes {
            let _ = writeln!(s, "    note {n:?}");
        }
        for &p in &step.sent {
            let pk = &tl.packets[p];
            let fate = match (pk.arrives_at, pk.lost_at) {
                (Some(a), _) => format!("arrives @{a}"),
                (None, Some(l)) => format!("LOST @{l}"),
                _ => "not delivered".to_string(),
            };
            let rtx = if pk.retransmission {
                " (retransmission)"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "    send #{p} {} > {} {}{rtx}, {fate}",
                pk.src,
                pk.dst,
                describe(pk)
            );
        }
    }
    s
}

fn describe(p: &super::Packet) -> String {
    match p.proto {
        crate::sim::Proto::Tcp => p.segment.to_string(),
        crate::sim::Proto::Udp => p.label(),
    }
}
