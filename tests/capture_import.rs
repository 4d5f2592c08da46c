//! Real loopback captures (tests/fixtures/capture/README.md says how each was made), other
//! byte orders and link types, and bad input.

use std::path::PathBuf;
use synack::capture::{self, ImportError, Notice, Position};
use synack::tcp::State::{self, *};

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/capture")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// (client states, server states, segments, retransmissions, keep-alives, HTTP requests)
type Summary = (Vec<State>, Vec<State>, usize, usize, usize, usize);

fn summary(bytes: &[u8]) -> Vec<Summary> {
    let imp = capture::read(bytes);
    assert_eq!(imp.error, None);
    capture::analyze(&imp.capture)
        .connections
        .into_iter()
        .map(|c| {
            (
                c.client_states,
                c.server_states,
                c.segments,
                c.retransmissions,
                c.keepalives,
                c.http_requests,
            )
        })
        .collect()
}

const ACTIVE_CLOSE: [State; 6] = [Closed, SynSent, Established, FinWait1, FinWait2, TimeWait];
const PASSIVE_CLOSE_CLIENT: [State; 6] = [Closed, SynSent, Established, CloseWait, LastAck, Closed];
const PASSIVE_CLOSE: [State; 6] = [Listen, SynReceived, Established, CloseWait, LastAck, Closed];
const SERVER_ACTIVE_CLOSE: [State; 6] = [
    Listen,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    TimeWait,
];

#[test]
fn http10_on_loopback() {
    // tshark: 12 frames, 1 GET, no retransmission or keep-alive; curl closes first.
    assert_eq!(
        summary(&fixture("http10.pcap")),
        vec![(ACTIVE_CLOSE.to_vec(), PASSIVE_CLOSE.to_vec(), 12, 0, 0, 1)]
    );
}

#[test]
fn simultaneous_close_is_closing_on_both_sides() {
    // Frames 10–13: the server's FIN and curl's FIN cross (curl's FIN acks 199, not the
    // server's FIN at 199), so both ends went FIN-WAIT-1 → CLOSING → TIME-WAIT.
    let s = summary(&fixture("http11-keepalive-ns.pcap"));
    let both = vec![Closed, SynSent, Established, FinWait1, Closing, TimeWait];
    let server = vec![
        Listen,
        SynReceived,
        Established,
        FinWait1,
        Closing,
        TimeWait,
    ];
    assert_eq!(s[0], (both, server, 13, 0, 0, 1));
    assert_eq!(
        s[1],
        (ACTIVE_CLOSE.to_vec(), PASSIVE_CLOSE.to_vec(), 12, 0, 0, 1)
    );
}

#[test]
fn refused_connection() {
    assert_eq!(
        summary(&fixture("rst-closed-port.pcap")),
        vec![(vec![Closed, SynSent, Closed], vec![Closed], 2, 0, 0, 0)]
    );
}

#[test]
fn keepalive_probes_counted_like_wireshark() {
    // tshark -e tcp.analysis.keep_alive marks frames 6, 8, 10.
    let imp = capture::read(&fixture("keepalive.pcapng"));
    let a = capture::analyze(&imp.capture);
    let marked: Vec<usize> = a
        .facts
        .iter()
        .enumerate()
        .filter(|(_, f)| f.keepalive)
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(marked, vec![6, 8, 10]);
    assert_eq!(
        summary(&fixture("keepalive.pcapng")),
        vec![(ACTIVE_CLOSE.to_vec(), PASSIVE_CLOSE.to_vec(), 15, 0, 3, 0)]
    );
}

#[test]
fn linux_cooked_v2() {
    // Recorded with -i any: this time the server closed first.
    assert_eq!(
        summary(&fixture("http10-any-sll2.pcap")),
        vec![(
            PASSIVE_CLOSE_CLIENT.to_vec(),
            SERVER_ACTIVE_CLOSE.to_vec(),
            12,
            0,
            0,
            1
        )]
    );
}

#[test]
fn tcpdump_text_with_relative_numbers_reads_like_the_pcap() {
    let from_text = capture::read(&fixture("http10.txt")).capture;
    let from_pcap = capture::read(&fixture("http10.pcap")).capture;
    let key = |c: &capture::Capture| -> Vec<_> {
        c.packets
            .iter()
            .map(|p| {
                (
                    p.ts_ns % 86_400_000_000_000,
                    p.src,
                    p.dst,
                    p.segment.flags,
                    p.segment.seq,
                    p.segment.ack,
                    p.len,
                )
            })
            .collect()
    };
    assert_eq!(key(&from_text), key(&from_pcap));
}

#[test]
fn seed_lines_of_old_tcpdump() {
    let imp = capture::read(&fixture("seed-handshake.txt"));
    assert_eq!(imp.error, None);
    let p = &imp.capture.packets;
    assert_eq!(p.len(), 3);
    assert_eq!(
        (p[0].segment.seq.0, p[0].segment.flags.to_string()),
        (3626544836, "SYN".into())
    );
    assert_eq!(
        (p[1].segment.seq.0, p[1].segment.ack.0),
        (1739326486, 3626544837)
    );
    assert_eq!(
        (
            p[2].segment.seq.0,
            p[2].segment.ack.0,
            p[2].segment.flags.to_string()
        ),
        (3626544837, 1739326487, "ACK".into())
    );
    assert_eq!(
        summary(&fixture("seed-handshake.txt")),
        vec![(
            vec![Closed, SynSent, Established],
            vec![Listen, SynReceived, Established],
            3,
            0,
            0,
            0
        )]
    );
}

/// The same pcap with every header field byte-swapped, and with the nanosecond magic.
fn big_endian(le: &[u8], nanos: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
    out.extend_from_slice(&magic.to_be_bytes());
    for (i, w) in [(4, 2), (6, 2), (8, 4), (12, 4), (16, 4), (20, 4)] {
        let mut f = le[i..i + w].to_vec();
        f.reverse();
        out.extend_from_slice(&f);
    }
    let mut off = 24;
    while off < le.len() {
        let u = |i: usize| u32::from_le_bytes(le[i..i + 4].try_into().unwrap());
        let frac = if nanos { u(off + 4) * 1000 } else { u(off + 4) };
        for v in [u(off), frac, u(off + 8), u(off + 12)] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        let n = u(off + 8) as usize;
        out.extend_from_slice(&le[off + 16..off + 16 + n]);
        off += 16 + n;
    }
    out
}

#[test]
fn both_byte_orders_and_nanosecond_magic() {
    let le = fixture("http10.pcap");
    let want = capture::read(&le).capture.packets;
    for nanos in [false, true] {
        let got = capture::read(&big_endian(&le, nanos));
        assert_eq!(got.error, None);
        assert_eq!(got.capture.packets, want, "big endian, ns={nanos}");
    }
}

/// Raw-IP link types: the Ethernet frames of a pcap without their 14-byte header.
#[test]
fn raw_ip_link_types() {
    let le = fixture("http10.pcap");
    let want = capture::read(&le).capture.packets;
    for link in [101u32, 228] {
        let mut out = le[..20].to_vec();
        out.extend_from_slice(&link.to_le_bytes());
        let mut off = 24;
        while off < le.len() {
            let n = u32::from_le_bytes(le[off + 8..off + 12].try_into().unwrap()) as usize;
            out.extend_from_slice(&le[off..off + 8]);
            out.extend_from_slice(&((n - 14) as u32).to_le_bytes());
            out.extend_from_slice(&((n - 14) as u32).to_le_bytes());
            out.extend_from_slice(&le[off + 30..off + 16 + n]);
            off += 16 + n;
        }
        let got = capture::read(&out);
        assert_eq!(got.error, None);
        assert_eq!(got.capture.packets, want, "link type {link}");
    }
}

#[test]
fn truncated_file_keeps_what_came_before() {
    let le = fixture("http10.pcap");
    let cut = &le[..le.len() - 10];
    let imp = capture::read(cut);
    assert_eq!(imp.capture.packets.len(), 11);
    match imp.error {
        Some(ImportError::Truncated {
            at: Position::Byte(b),
            ..
        }) => assert!(b > 24 && (b as usize) < cut.len()),
        e => panic!("expected Truncated, got {e:?}"),
    }
    let msg = capture::read(&le[..30]).error.unwrap().to_string();
    assert!(msg.starts_with("byte 24: "), "{msg}");
}

#[test]
fn wrong_magic_garbage_text_and_empty_input() {
    assert_eq!(capture::read(b"").error, Some(ImportError::Empty));
    assert_eq!(
        capture::read(&[0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0]).error,
        Some(ImportError::UnknownFormat)
    );
    assert_eq!(
        capture::read(b"hello\nworld\n").error,
        Some(ImportError::UnknownFormat)
    );
    // Text that starts like tcpdump and then is not.
    let mut t = fixture("seed-handshake.txt");
    t.extend_from_slice(b"this is not tcpdump\n");
    let imp = capture::read(&t);
    assert_eq!(imp.capture.packets.len(), 3);
    let e = imp.error.unwrap();
    assert_eq!(e.position(), Position::Line(4));
    assert!(e.to_string().starts_with("line 4: expected"), "{e}");
}

#[test]
fn ipv6_and_non_tcp_are_skipped_and_counted() {
    let text = b"00:00:00.000001 IP6 ::1.5 > ::1.6: Flags [S], seq 1, win 5, length 0\n\
00:00:00.000002 IP 10.0.0.1.53 > 10.0.0.2.5353: 1234+ A? example.com. (29)\n\
00:00:00.000003 ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28\n\
00:00:00.000004 IP 10.0.0.1.1000 > 10.0.0.2.80: Flags [S], seq 7, win 100, options [mss 1460], length 0\n";
    let imp = capture::read(text);
    assert_eq!(imp.error, None);
    assert_eq!(imp.capture.packets.len(), 1);
    assert_eq!(imp.capture.packets[0].segment.mss, Some(1460));
    assert_eq!(imp.capture.skipped.ipv6, 1);
    assert_eq!(imp.capture.skipped.non_tcp, 2);
}

#[test]
fn packet_cap_reports_a_notice() {
    let imp = capture::read_capped(&fixture("http10.pcap"), 5);
    assert_eq!(imp.capture.packets.len(), 5);
    assert!(matches!(
        imp.capture.notices[..],
        [Notice::PacketCap { kept: 5, .. }]
    ));
}

#[test]
fn a_capture_animates_as_a_timeline() {
    let imp = capture::read(&fixture("http10.pcap"));
    let a = capture::analyze(&imp.capture);
    for spacing in [
        capture::Spacing::Real,
        capture::Spacing::Even(synack::time::SimDuration::from_millis(100)),
    ] {
        let (tl, notices) = capture::to_timeline(&imp.capture, &a, spacing);
        assert!(notices.is_empty());
        assert_eq!(
            tl.lanes.len(),
            2,
            "loopback: a client lane and a server lane"
        );
        assert_eq!(tl.packets.len(), 12);
        assert!(tl
            .packets
            .iter()
            .all(|p| p.arrives_at.is_some_and(|t| t > p.sent_at)));
        assert!(tl.steps.windows(2).all(|w| w[0].at < w[1].at));
        let states: Vec<State> = tl.tracks[0].history.iter().map(|h| h.1).collect();
        assert_eq!(states, ACTIVE_CLOSE.to_vec());
        // frame_at works across the whole capture.
        let f = tl.frame_at(tl.end);
        assert_eq!(f.badges.len(), 2);
    }
}

/// ~100 MB: a valid pcap header, then `records` repeated until the file reaches `size`.
fn repeated_records(records: &[u8], size: usize) -> Vec<u8> {
    let header = &fixture("http10.pcap")[..24];
    let mut out = Vec::with_capacity(size + records.len());
    out.extend_from_slice(header);
    while out.len() < size {
        out.extend_from_slice(records);
    }
    out
}

#[test]
fn a_100_mb_capture_of_valid_frames_is_capped_with_a_notice() {
    const SIZE: usize = 100 << 20;
    let http10 = fixture("http10.pcap");
    let big = repeated_records(&http10[24..], SIZE);
    let copies = (big.len() - 24) / (http10.len() - 24);
    assert!(
        copies * 12 > capture::MAX_PACKETS,
        "the file holds more than the cap"
    );
    let imp = capture::read(&big);
    // Not an error: the cap is a notice, and what was read before it is kept.
    assert_eq!(imp.error, None);
    assert_eq!(imp.capture.packets.len(), capture::MAX_PACKETS);
    match imp.capture.notices[..] {
        [Notice::PacketCap {
            kept,
            at: Position::Byte(b),
        }] => {
            assert_eq!(kept, capture::MAX_PACKETS);
            assert!(b > 24 && (b as usize) < big.len(), "cap at byte {b}");
        }
        ref n => panic!("expected one PacketCap notice, got {n:?}"),
    }
    assert!(imp.capture.notices[0]
        .to_string()
        .contains(&format!("stopped reading after {}", capture::MAX_PACKETS)));
    // The packets kept are the fixture's, in order.
    let one = capture::read(&http10).capture.packets;
    assert_eq!(imp.capture.packets[..12], one[..]);
    assert_eq!(imp.capture.packets[12].segment, one[0].segment);
    // Analysis and animation of what was kept; the animation is capped with a notice.
    let a = capture::analyze(&imp.capture);
    assert_eq!(a.facts.len(), capture::MAX_PACKETS);
    let (tl, notices) = capture::to_timeline(&imp.capture, &a, capture::Spacing::Real);
    assert_eq!(tl.packets.len(), capture::MAX_ANIMATED);
    assert_eq!(
        notices,
        vec![Notice::AnimationCap {
            shown: capture::MAX_ANIMATED,
            total: capture::MAX_PACKETS
        }]
    );
}

#[test]
fn a_100_mb_file_of_garbage_after_valid_frames_keeps_them_and_names_the_byte() {
    const SIZE: usize = 100 << 20;
    let http10 = fixture("http10.pcap");
    let mut big = http10.clone();
    let garbage_at = big.len();
    // Deterministic garbage (xorshift), so the result is the same on every run.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    big.reserve(SIZE);
    while big.len() < SIZE {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        big.extend_from_slice(&x.to_le_bytes());
    }
    let imp = capture::read(&big);
    let e = imp.error.expect("garbage is an error");
    match e.position() {
        Position::Byte(b) => assert!(
            b as usize >= garbage_at && (b as usize) < big.len(),
            "the error names a byte in the garbage: {e}"
        ),
        p => panic!("a byte position, not {p:?}"),
    }
    assert!(e.to_string().starts_with("byte "), "{e}");
    // Everything before the garbage is kept (a garbage record may decode as a skipped frame,
    // never as a TCP packet of the fixture's connection).
    let one = capture::read(&http10).capture.packets;
    assert_eq!(imp.capture.packets[..12], one[..]);
    assert!(imp.capture.packets.len() <= capture::MAX_PACKETS);
    assert!(imp.capture.notices.len() <= 1);

    // The same garbage straight after the file header: an error and nothing kept, no panic.
    let mut bare = http10[..24].to_vec();
    bare.extend_from_slice(&big[garbage_at..]);
    let imp = capture::read(&bare);
    assert!(imp.error.is_some());
    assert!(imp.capture.packets.len() <= capture::MAX_PACKETS);
}
