//! Every scenario of DESIGN.md: golden ladders, narration in both languages for every step,
//! determinism, and the relations the issue asks the metrics to show.

use synack::i18n::{narrate, Lang};
use synack::scenario::{build, build_default, MetricKey, MetricValue, Pane, Params, ScenarioId};
use synack::sim::AppNote;
use synack::tcp::{Flags, State};
use synack::time::SimDuration;
use synack::timeline::{Note, Role};

fn metric(p: &Pane, k: MetricKey) -> MetricValue {
    p.metrics
        .iter()
        .find(|m| m.key == k)
        .unwrap_or_else(|| panic!("{} has no {k:?}", p.title))
        .value
}

fn count(p: &Pane, k: MetricKey) -> u64 {
    match metric(p, k) {
        MetricValue::Count(n) => n,
        v => panic!("{k:?} is {v:?}"),
    }
}

fn time(p: &Pane, k: MetricKey) -> SimDuration {
    match metric(p, k) {
        MetricValue::Time(d) => d,
        v => panic!("{k:?} is {v:?}"),
    }
}

fn with(id: ScenarioId, pairs: &[(&str, &str)]) -> Vec<Pane> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    build(id, &Params::parse(id, &pairs).unwrap(), 1).unwrap()
}

#[test]
fn golden_ladders() {
    for id in ScenarioId::ALL {
        let panes = build_default(id, 1).unwrap();
        let text: Vec<String> = panes
            .iter()
            .map(|p| format!("== {}\n{}", p.title, p.timeline.ladder_text()))
            .collect();
        insta::assert_snapshot!(id.id(), text.join("\n"));
    }
}

#[test]
fn every_step_of_every_scenario_is_narrated_in_both_languages() {
    for id in ScenarioId::ALL {
        for pane in build_default(id, 1).unwrap() {
            let tl = &pane.timeline;
            assert!(!tl.steps.is_empty(), "{} has no steps", pane.title);
            for i in 0..tl.steps.len() {
                let en = narrate(tl, i, Lang::En);
                let zh = narrate(tl, i, Lang::ZhCn);
                assert!(en.len() > 10, "{} step {i}: '{en}'", pane.title);
                assert!(
                    zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{} step {i} zh: '{zh}'",
                    pane.title
                );
            }
        }
    }
}

#[test]
fn same_params_same_seed_same_timeline() {
    for id in ScenarioId::ALL {
        assert_eq!(build_default(id, 9).unwrap(), build_default(id, 9).unwrap());
    }
}

#[test]
fn http_round_trips_follow_the_textbook() {
    for n in [1u64, 3, 6] {
        for rtt in [20u64, 100] {
            let (ns, rs) = (n.to_string(), rtt.to_string());
            let panes = with(
                ScenarioId::Http10Vs11,
                &[("n", &ns), ("rtt", &rs), ("size", "200")],
            );
            let rtts = |p: &Pane| match metric(p, MetricKey::RoundTrips) {
                MetricValue::Tenths(t) => t,
                v => panic!("{v:?}"),
            };
            let (h10, h11, pipe) = (&panes[0], &panes[1], &panes[2]);
            // HTTP/1.0: handshake + request per resource = 2·N RTT.
            assert!(
                (20 * n..20 * n + 10).contains(&rtts(h10)),
                "1.0 n={n} rtt={rtt}: {}",
                rtts(h10)
            );
            // Persistent: one handshake, then a round trip per resource = (N+1) RTT.
            assert!(
                (10 * (n + 1)..10 * (n + 1) + 10).contains(&rtts(h11)),
                "1.1 n={n}: {}",
                rtts(h11)
            );
            // Pipelined: handshake + one round trip for all = 2 RTT.
            assert!(
                (20..30).contains(&rtts(pipe)),
                "pipelined n={n}: {}",
                rtts(pipe)
            );
            assert_eq!(count(h10, MetricKey::Connections), n);
            assert_eq!(count(h11, MetricKey::Connections), 1);
            assert_eq!(count(pipe, MetricKey::Connections), 1);
            for p in &panes {
                assert_eq!(count(p, MetricKey::Requests), n);
            }
        }
    }
}

#[test]
fn a_slow_response_blocks_the_pipeline_behind_it() {
    let fast = with(ScenarioId::Http10Vs11, &[("n", "4")]);
    let slow = with(
        ScenarioId::Http10Vs11,
        &[("n", "4"), ("slow", "2"), ("slow_ms", "300")],
    );
    let total = |p: &Pane| time(p, MetricKey::TotalTime);
    // Pipelined: responses 3 and 4 were ready at once but wait behind 2 (head-of-line).
    assert!(total(&slow[2]) >= total(&fast[2]) + SimDuration::from_millis(300));
    let tl = &slow[2].timeline;
    let responses: Vec<_> = tl
        .steps
        .iter()
        .flat_map(|s| s.notes.iter().map(move |n| (s.at, n)))
        .filter_map(|(at, n)| match n {
            Note::App(AppNote::HttpResponse { path, .. }) => Some((at, path.clone())),
            _ => None,
        })
        .collect();
    let order: Vec<&str> = responses.iter().map(|r| &*r.1).collect();
    assert_eq!(
        order,
        ["/index.html", "/img1.png", "/img2.png", "/img3.png"]
    );
    assert_eq!(
        responses[2].0, responses[1].0,
        "img2 leaves right behind the slow img1"
    );
}

#[test]
fn parallel_connections_cut_http10_time() {
    let one = with(ScenarioId::Http10Vs11, &[("n", "6")]);
    let three = with(ScenarioId::Http10Vs11, &[("n", "6"), ("parallel", "3")]);
    assert_eq!(count(&three[0], MetricKey::Connections), 6);
    let t3 = time(&three[0], MetricKey::TotalTime).micros();
    let t1 = time(&one[0], MetricKey::TotalTime).micros();
    assert!(t3 * 2 < t1 + 60_000, "{t3} vs {t1}");
    assert_eq!(count(&three[1], MetricKey::Connections), 3);
}

#[test]
fn push_is_one_way_delay_and_short_polling_waits_for_the_poll() {
    let panes = with(
        ScenarioId::PushVsPoll,
        &[("events", "40"), ("span", "200"), ("period", "2000")],
    );
    let (short, long, push) = (&panes[0], &panes[1], &panes[2]);
    for p in &panes {
        assert_eq!(count(p, MetricKey::EventsDelivered), 40, "{}", p.title);
    }
    let one_way = SimDuration::from_millis(25);
    // Push: every event arrives one one-way delay after it happens.
    assert_eq!(time(push, MetricKey::LatencyMax), one_way);
    // Long polling: isolated events need only the held request's answer.
    assert_eq!(time(long, MetricKey::LatencyMin), one_way);
    // Short polling: the event waits ≈ P/2 for the next poll, then a round trip.
    let med = time(short, MetricKey::LatencyMedian);
    assert!(
        med > SimDuration::from_millis(600) && med < SimDuration::from_millis(1600),
        "{med}"
    );
    assert!(time(short, MetricKey::LatencyMax) <= SimDuration::from_millis(2000 + 50 + 5));
    // Short polling asks far more often than there is news.
    assert!(count(short, MetricKey::Requests) > count(long, MetricKey::Requests));
    assert_eq!(count(push, MetricKey::Requests), 0);
}

fn inbox_answered(p: &Pane) -> bool {
    p.timeline.steps.iter().any(|s| {
        s.notes.iter().any(
            |n| matches!(n, Note::App(AppNote::ResponseComplete { path }) if &**path == "/inbox"),
        )
    })
}

#[test]
fn keepalive_without_heartbeat_fails_and_with_heartbeat_works() {
    for fw in ["drop", "reset"] {
        let panes = with(ScenarioId::Keepalive, &[("firewall", fw)]);
        assert!(!inbox_answered(&panes[0]), "no heartbeat, firewall {fw}");
        assert!(inbox_answered(&panes[1]), "heartbeat, firewall {fw}");
        assert!(inbox_answered(&panes[2]), "tcp keep-alive, firewall {fw}");
        let expired = |p: &Pane| {
            p.timeline
                .steps
                .iter()
                .any(|s| s.notes.contains(&Note::MiddleboxExpired))
        };
        assert!(expired(&panes[0]));
        assert!(!expired(&panes[1]) && !expired(&panes[2]));
    }
    // With a reset the client learns at once; dropped, it keeps retransmitting.
    let reset = with(ScenarioId::Keepalive, &[("firewall", "reset")]);
    let rst_to_client = reset[0].timeline.packets.iter().any(|p| {
        p.segment.flags.rst() && p.to_lane == reset[0].timeline.lane_by_role(Role::Client)
    });
    assert!(rst_to_client);
    let dropped = with(ScenarioId::Keepalive, &[]);
    assert!(count(&dropped[0], MetricKey::Retransmissions) >= 2);
}

#[test]
fn a_heartbeat_longer_than_the_timeout_does_not_help() {
    let panes = with(
        ScenarioId::Keepalive,
        &[("heartbeat", "40"), ("request_at", "90")],
    );
    assert!(!inbox_answered(&panes[1]));
}

#[test]
fn page_fetch_has_the_seeds_ten_steps() {
    let panes = build_default(ScenarioId::PageFetch, 1).unwrap();
    let tl = &panes[0].timeline;
    let c = tl.lane_by_role(Role::Client).unwrap();
    let seq: Vec<(bool, String)> = tl
        .packets
        .iter()
        .map(|p| (p.from_lane == c, p.segment.flags.to_string()))
        .collect();
    let expect = [
        (true, "SYN"),      // 1
        (false, "SYN+ACK"), // 2
        (true, "ACK"),      // 3
        (true, "PSH+ACK"),  // 4 GET
        (false, "ACK"),     // 5 server ACKs the request…
        (false, "PSH+ACK"), // … then sends the page
        (true, "ACK"),      // 6
        (true, "FIN+ACK"),  // 7 the PC ends it
        (false, "ACK"),     // 8
        (false, "FIN+ACK"), // 9
        (true, "ACK"),      // 10
    ];
    let got: Vec<(bool, &str)> = seq.iter().map(|(a, b)| (*a, b.as_str())).collect();
    assert_eq!(got, expect);
    let get = &tl.packets[3].segment;
    assert!(get.payload.starts_with(b"GET /index.html HTTP/1.1\r\n"));
    assert!(tl.packets[5]
        .segment
        .payload
        .starts_with(b"HTTP/1.1 200 OK\r\n"));
}

#[test]
fn close_variants_reach_the_rfc_states() {
    let panes = build_default(ScenarioId::Close, 1).unwrap();
    let states = |p: &Pane, role: Role| -> Vec<State> {
        let lane = p.timeline.lane_by_role(role).unwrap();
        let mut v: Vec<State> = p
            .timeline
            .steps
            .iter()
            .filter(|s| s.lane == lane)
            .flat_map(|s| s.transitions.iter().map(|t| t.1.to))
            .collect();
        v.dedup();
        v
    };
    use State::*;
    assert_eq!(
        states(&panes[0], Role::Client),
        [SynSent, Established, FinWait1, FinWait2, TimeWait, Closed]
    );
    assert_eq!(
        states(&panes[0], Role::Server),
        [Listen, SynReceived, Established, CloseWait, LastAck, Closed]
    );
    assert_eq!(
        states(&panes[1], Role::Server),
        [
            Listen,
            SynReceived,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed
        ]
    );
    for role in [Role::Client, Role::Server] {
        assert_eq!(
            states(&panes[2], role).split_off(states(&panes[2], role).len() - 4),
            [FinWait1, Closing, TimeWait, Closed],
            "simultaneous close, {role:?}"
        );
    }
    // TIME-WAIT lasts 2·MSL (msl=100 ms by default).
    let tw = panes[0].timeline.tracks.iter().find_map(|t| {
        let i = t.history.iter().position(|h| h.1 == TimeWait)?;
        Some(t.history[i + 1].0 - t.history[i].0)
    });
    assert_eq!(tw, Some(SimDuration::from_millis(200)));
}

#[test]
fn rst_refuses_and_aborts() {
    let panes = build_default(ScenarioId::Rst, 1).unwrap();
    let flags: Vec<Flags> = panes[0]
        .timeline
        .packets
        .iter()
        .map(|p| p.segment.flags)
        .collect();
    assert_eq!(flags, [Flags::SYN, Flags::RST | Flags::ACK]);
    let last = panes[1].timeline.packets.last().unwrap();
    assert_eq!(last.segment.flags, Flags::RST);
    // Both sides end CLOSED, neither passes through TIME-WAIT.
    for tr in &panes[1].timeline.tracks {
        assert!(tr.history.iter().all(|h| h.1 != State::TimeWait));
    }
}

#[test]
fn loss_panes_show_rto_syn_retry_and_fast_retransmit() {
    let panes = build_default(ScenarioId::Loss, 1).unwrap();
    for p in &panes {
        assert!(count(p, MetricKey::Retransmissions) >= 1, "{}", p.title);
        assert!(
            p.timeline.packets.iter().any(|k| k.arrives_at.is_none()),
            "{}",
            p.title
        );
    }
    // Fast retransmit: the retransmission follows the third duplicate ACK, well before RTO.
    let tl = &panes[2].timeline;
    let lost = tl.packets.iter().find(|p| p.arrives_at.is_none()).unwrap();
    let rtx = tl
        .packets
        .iter()
        .find(|p| p.retransmission && p.segment.seq == lost.segment.seq)
        .unwrap();
    assert!(rtx.sent_at - lost.sent_at < SimDuration::from_millis(150));
    let s = tl.lane_by_role(Role::Server).unwrap();
    let dup_acks = tl
        .packets
        .iter()
        .filter(|p| {
            p.from_lane == s && p.sent_at < rtx.sent_at && p.segment.ack == lost.segment.seq
        })
        .count();
    assert!(dup_acks >= 3, "{dup_acks}");
}

#[test]
fn sockets_fill_the_backlog_when_accept_is_slow() {
    let fast = build_default(ScenarioId::Sockets, 1).unwrap();
    let tl = &fast[0].timeline;
    // Each client gets its own server-side socket: distinct 4-tuples on the server lane.
    let s = tl.lane_by_role(Role::Server).unwrap();
    let mut tuples: Vec<_> = tl
        .tracks
        .iter()
        .filter(|t| t.lane == s && t.remote.is_some())
        .map(|t| (t.local, t.remote))
        .collect();
    tuples.sort();
    tuples.dedup();
    assert_eq!(tuples.len(), 3);
    let slow = with(
        ScenarioId::Sockets,
        &[("clients", "4"), ("backlog", "1"), ("accept_delay", "400")],
    );
    assert!(
        count(&slow[0], MetricKey::Retransmissions) >= 1,
        "a SYN had to be retried"
    );
}

fn all_narration(p: &Pane, lang: Lang) -> String {
    (0..p.timeline.steps.len())
        .map(|i| narrate(&p.timeline, i, lang))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn narration_explains_retransmissions_probes_and_http() {
    let loss = build_default(ScenarioId::Loss, 1).unwrap();
    assert!(all_narration(&loss[0], Lang::En).contains("retransmission timeout (RTO)"));
    assert!(all_narration(&loss[2], Lang::En).contains("fast retransmission"));
    assert!(all_narration(&loss[2], Lang::ZhCn).contains("快速重传"));
    let ka = build_default(ScenarioId::Keepalive, 1).unwrap();
    assert!(all_narration(&ka[2], Lang::En).contains("keep-alive probe"));
    assert!(all_narration(&ka[0], Lang::En).contains("forgets it"));
    let page = build_default(ScenarioId::PageFetch, 1).unwrap();
    let en = all_narration(&page[0], Lang::En);
    assert!(en.contains("\"GET /index.html HTTP/1.1\""), "{en}");
    assert!(en.contains("2·MSL has passed"));
}

#[test]
fn udp_loses_a_message_for_good_and_tcp_repairs_it() {
    let panes = build_default(ScenarioId::TcpVsUdp, 1).unwrap();
    let (udp, tcp) = (&panes[0], &panes[1]);
    assert_eq!(
        count(udp, MetricKey::MessagesDelivered),
        4,
        "message 2 is gone"
    );
    assert_eq!(
        count(tcp, MetricKey::MessagesDelivered),
        5,
        "TCP retransmits it"
    );
    // UDP: no handshake, no ACKs, nothing retransmitted; 5 datagrams, one lost.
    let u = &udp.timeline.packets;
    assert_eq!(u.len(), 5);
    assert!(u.iter().all(|p| p.proto == synack::sim::Proto::Udp));
    assert_eq!(u.iter().filter(|p| p.arrives_at.is_none()).count(), 1);
    assert_eq!(count(udp, MetricKey::Retransmissions), 0);
    assert_eq!(count(udp, MetricKey::Connections), 0);
    assert_eq!(u[0].label(), "UDP len=120");
    // TCP: handshake first, the lost segment retransmitted.
    assert_eq!(tcp.timeline.packets[0].segment.flags, Flags::SYN);
    assert!(count(tcp, MetricKey::Retransmissions) >= 1);
    let en = all_narration(udp, Lang::En);
    assert!(en.contains("nobody will ever send it again"), "{en}");
    // Wire bytes: 42 bytes of headers per datagram.
    assert_eq!(count(udp, MetricKey::BytesOnWire), 5 * (42 + 120));
}

#[test]
fn http_with_loss_still_fetches_everything() {
    let panes = with(ScenarioId::Http10Vs11, &[("n", "100"), ("loss", "5")]);
    for p in &panes {
        assert_eq!(count(p, MetricKey::Requests), 100, "{}", p.title);
        assert!(count(p, MetricKey::Retransmissions) > 0, "{}", p.title);
        assert!(matches!(
            metric(p, MetricKey::TotalTime),
            MetricValue::Time(_)
        ));
    }
}
