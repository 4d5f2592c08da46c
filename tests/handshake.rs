//! The seed's worked example, produced by the TCP core and the simulator (not by a table).

use synack::i18n::{narrate, Lang};
use synack::scenario::{build, build_default, Params, ScenarioId};
use synack::tcp::{Flags, SeqNum, State};
use synack::time::{SimDuration, SimTime};
use synack::timeline::Role;

fn seed_timeline() -> synack::timeline::Timeline {
    build_default(ScenarioId::Handshake, 1)
        .unwrap()
        .remove(0)
        .timeline
}

#[test]
fn seed_example_numbers_match_the_article() {
    let tl = seed_timeline();
    let labels: Vec<String> = tl.packets.iter().map(|p| p.segment.label()).collect();
    assert_eq!(
        labels,
        [
            "SYN seq=3626544836",
            "SYN+ACK seq=1739326486 ack=3626544837",
            "ACK seq=3626544837 ack=1739326487",
        ]
    );
    let p = &tl.packets;
    assert_eq!(p[0].src.to_string(), "192.168.1.116:3337");
    assert_eq!(p[0].dst.to_string(), "192.168.1.123:7788");
    // RFC 9293 §3.5: ack = the peer's ISN + 1, each way.
    assert_eq!(p[1].segment.ack, p[0].segment.seq + 1u32);
    assert_eq!(p[2].segment.ack, p[1].segment.seq + 1u32);
    assert_eq!(p[2].segment.seq, SeqNum(3_626_544_837));
    assert_eq!(p[0].segment.flags, Flags::SYN);
    assert_eq!(p[1].segment.flags, Flags::SYN | Flags::ACK);
    assert_eq!(p[2].segment.flags, Flags::ACK);
    // Handshake segments carry no data (the seed says so too).
    assert!(p.iter().all(|p| p.segment.payload.is_empty()));
}

#[test]
fn badges_follow_the_rfc_state_sequence() {
    let tl = seed_timeline();
    let c = tl.lane_by_role(Role::Client).unwrap();
    let s = tl.lane_by_role(Role::Server).unwrap();
    let at = |ms| tl.frame_at(SimTime::from_millis(ms));
    let badge = |f: &synack::timeline::Frame, lane: usize| f.badges[lane].map(|(_, st)| st);
    let seq = [
        (0, State::Closed, State::Listen),
        (10, State::SynSent, State::Listen),
        (35, State::SynSent, State::SynReceived),
        (60, State::Established, State::SynReceived),
        (85, State::Established, State::Established),
    ];
    for (ms, cs, ss) in seq {
        let f = at(ms);
        assert_eq!(badge(&f, c), Some(cs), "client at {ms} ms");
        assert_eq!(badge(&f, s), Some(ss), "server at {ms} ms");
    }
    assert_eq!(tl.end, SimTime::from_millis(85));
}

#[test]
fn packets_fly_for_one_way_delay() {
    let tl = seed_timeline();
    let f = tl.frame_at(SimTime(22_500));
    assert_eq!(f.packets.len(), 1);
    assert!((f.packets[0].progress - 0.5).abs() < 1e-6);
    assert!(tl
        .packets
        .iter()
        .all(|p| p.arrives_at.unwrap() - p.sent_at == SimDuration::from_millis(25)));
}

#[test]
fn stepping_moves_between_step_times() {
    let tl = seed_timeline();
    let end = tl.end;
    assert_eq!(tl.prev_step_time(end), Some(SimTime::from_millis(60)));
    assert_eq!(
        tl.next_step_time(SimTime::from_millis(35)),
        Some(SimTime::from_millis(60))
    );
    assert_eq!(tl.next_step_time(end), None);
    assert_eq!(tl.step_at(SimTime::ZERO), Some(0));
}

#[test]
fn every_step_is_narrated_in_both_languages() {
    let tl = seed_timeline();
    for i in 0..tl.steps.len() {
        let en = narrate(&tl, i, Lang::En);
        let zh = narrate(&tl, i, Lang::ZhCn);
        assert!(!en.is_empty() && !zh.is_empty(), "step {i}");
        assert!(en.is_ascii() || en.contains('→'), "step {i} en: {en}");
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "step {i}: {zh}"
        );
    }
    assert!(narrate(&tl, 1, Lang::En).contains("first handshake"));
    assert!(narrate(&tl, 2, Lang::ZhCn).contains("第二次握手"));
    assert!(narrate(&tl, 3, Lang::En).contains("k+1 = 1739326487"));
}

#[test]
fn random_example_is_deterministic_per_seed() {
    let p = Params::parse(
        ScenarioId::Handshake,
        &[("example".to_string(), "random".to_string())],
    )
    .unwrap();
    let run = |seed| {
        build(ScenarioId::Handshake, &p, seed)
            .unwrap()
            .remove(0)
            .timeline
    };
    let (a, b, c) = (run(42), run(42), run(43));
    assert_eq!(a, b);
    assert_ne!(a.packets[0].segment.seq, c.packets[0].segment.seq);
    assert_eq!(a.ladder_text(), b.ladder_text());
}

#[test]
fn zero_latency_is_a_parameter_error() {
    let e = Params::parse(
        ScenarioId::Handshake,
        &[("latency".to_string(), "0".to_string())],
    )
    .unwrap_err();
    assert!(e.to_string().contains("latency=0"), "{e}");
}

#[test]
fn golden_ladder() {
    insta::assert_snapshot!("handshake_seed", seed_timeline().ladder_text());
}
