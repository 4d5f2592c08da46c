//! Every real Linux capture in tests/fixtures/kernel/ (README.md there says how each was made),
//! imported with the capture layer: it reads without error, its per-frame retransmission and
//! keep-alive marks are tshark's, and the inferred state sequences are the ones the kernel must
//! have gone through.

use std::path::{Path, PathBuf};
use synack::capture;
use synack::tcp::State::{self, *};

const TSHARK: &str = "/usr/bin/tshark";

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kernel")
}

const OPEN_CLIENT: [State; 3] = [Closed, SynSent, Established];
const OPEN_SERVER: [State; 3] = [Listen, SynReceived, Established];

/// (client states, server states) the kernel went through, per fixture.
fn expected(name: &str) -> (Vec<State>, Vec<State>) {
    let open = |extra_c: &[State], extra_s: &[State]| {
        let mut c = OPEN_CLIENT.to_vec();
        c.extend_from_slice(extra_c);
        let mut s = OPEN_SERVER.to_vec();
        s.extend_from_slice(extra_s);
        (c, s)
    };
    let active = [FinWait1, FinWait2, TimeWait];
    let passive = [CloseWait, LastAck, Closed];
    match name {
        // Only the handshake happens; the connection stays open (the program keeps its sockets).
        "handshake" | "loss-rto" | "syn-retry" | "fast-retransmit" | "keepalive" => open(&[], &[]),
        "close-client-first" => open(&active, &passive),
        // The server's ACK of the client's FIN rides on its own FIN: the client processes the
        // ACK first (FIN-WAIT-2), then the FIN (TIME-WAIT), in one segment.
        "close-delayed-ack" => open(&active, &passive),
        "close-server-first" => open(&passive, &active),
        // Both FINs carry ack=1: each end received the other's FIN in FIN-WAIT-1.
        "close-simultaneous" => open(
            &[FinWait1, Closing, TimeWait],
            &[FinWait1, Closing, TimeWait],
        ),
        // SO_LINGER {1,0}: the client's close() sends RST; the server gets it in ESTABLISHED.
        "abort" => open(&[Closed], &[Closed]),
        // Two unanswered probes, then the client gives up with RST+ACK, which the server gets.
        "keepalive-dead" => open(&[Closed], &[Closed]),
        // Nobody listens: SYN, RST+ACK.
        "rst-closed-port" => (vec![Closed, SynSent, Closed], vec![Closed]),
        other => panic!("no expected states for fixture {other}: add them here"),
    }
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/fixtures/kernel")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
        .collect();
    v.sort();
    assert_eq!(v.len(), 12, "the README lists 12 kernel captures");
    v
}

fn name(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// tshark's (retransmission, keep-alive) per frame, or `None` without tshark.
fn tshark_marks(f: &Path) -> Option<Vec<(bool, bool)>> {
    if !Path::new(TSHARK).exists() {
        return None;
    }
    let out = std::process::Command::new(TSHARK)
        .args(["-n", "-r"])
        .arg(f)
        .args([
            "-T",
            "fields",
            "-e",
            "tcp.analysis.retransmission",
            "-e",
            "tcp.analysis.keep_alive",
        ])
        .output()
        .expect("tshark runs");
    assert!(
        out.status.success(),
        "tshark failed on {}: {}",
        f.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    Some(
        text.lines()
            .map(|l| {
                let (r, k) = l.split_once('\t').unwrap_or((l, ""));
                (!r.is_empty(), !k.is_empty())
            })
            .collect(),
    )
}

#[test]
fn every_kernel_capture_imports_without_error() {
    for f in fixtures() {
        let imp = capture::read(&std::fs::read(&f).unwrap());
        assert_eq!(imp.error, None, "{}", name(&f));
        assert_eq!(
            imp.capture.format,
            Some(capture::Format::Pcap),
            "{}",
            name(&f)
        );
        assert!(!imp.capture.packets.is_empty(), "{}", name(&f));
        assert_eq!(
            imp.capture.skipped,
            capture::Skipped::default(),
            "{}",
            name(&f)
        );
    }
}

#[test]
fn retransmission_and_keepalive_marks_are_tsharks() {
    if !Path::new(TSHARK).exists() {
        eprintln!("NOTICE: {TSHARK} not found; skipping the comparison with tshark");
        return;
    }
    let mut marked = 0;
    for f in fixtures() {
        let imp = capture::read(&std::fs::read(&f).unwrap());
        let a = capture::analyze(&imp.capture);
        let ours: Vec<(bool, bool)> = a
            .facts
            .iter()
            .map(|x| (x.retransmission, x.keepalive))
            .collect();
        let theirs = tshark_marks(&f).unwrap();
        marked += theirs.iter().filter(|m| m.0 || m.1).count();
        assert_eq!(
            ours,
            theirs,
            "{}: (retransmission, keep-alive) per frame",
            name(&f)
        );
    }
    // The set is meant to exercise the analysis: loss-rto, syn-retry, fast-retransmit and the
    // keep-alive captures have marked frames.
    assert!(marked >= 7, "only {marked} marked frames in all fixtures");
}

#[test]
fn marks_per_fixture() {
    // Independent of tshark: the frames (1-based) the analysis marks.
    let want: &[(&str, &[usize], &[usize])] = &[
        ("loss-rto", &[5], &[]),
        ("syn-retry", &[2], &[]),
        ("fast-retransmit", &[13], &[]),
        ("keepalive", &[], &[4, 6]),
        ("keepalive-dead", &[], &[4, 6]),
    ];
    for f in fixtures() {
        let n = name(&f);
        let imp = capture::read(&std::fs::read(&f).unwrap());
        let a = capture::analyze(&imp.capture);
        let frames = |pick: fn(&capture::PacketFacts) -> bool| -> Vec<usize> {
            a.facts
                .iter()
                .enumerate()
                .filter(|(_, x)| pick(x))
                .map(|(i, _)| i + 1)
                .collect()
        };
        let (rtx, ka) = want
            .iter()
            .find(|w| w.0 == n)
            .map_or((&[][..], &[][..]), |w| (w.1, w.2));
        assert_eq!(frames(|x| x.retransmission), rtx, "{n}: retransmissions");
        assert_eq!(frames(|x| x.keepalive), ka, "{n}: keep-alives");
    }
}

#[test]
fn inferred_states_are_what_the_kernel_went_through() {
    let mut wrong = Vec::new();
    for f in fixtures() {
        let n = name(&f);
        let imp = capture::read(&std::fs::read(&f).unwrap());
        let a = capture::analyze(&imp.capture);
        assert_eq!(a.connections.len(), 1, "{n}: one connection");
        let c = &a.connections[0];
        assert_eq!(c.client.port(), 40000, "{n}: the client bound port 40000");
        assert_eq!(c.server.port(), 7788, "{n}");
        assert_eq!(c.segments, imp.capture.packets.len(), "{n}");
        let got = (c.client_states.clone(), c.server_states.clone());
        if got != expected(&n) {
            wrong.push(format!("{n}: got {got:?}, want {:?}", expected(&n)));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_kernel_capture_animates() {
    for f in fixtures() {
        let n = name(&f);
        let imp = capture::read(&std::fs::read(&f).unwrap());
        let a = capture::analyze(&imp.capture);
        for spacing in [
            capture::Spacing::Real,
            capture::Spacing::Even(synack::time::SimDuration::from_millis(100)),
        ] {
            let (tl, notices) = capture::to_timeline(&imp.capture, &a, spacing);
            assert!(notices.is_empty(), "{n}");
            assert_eq!(tl.packets.len(), imp.capture.packets.len(), "{n}");
            assert!(tl.steps.windows(2).all(|w| w[0].at < w[1].at), "{n}");
            // The ladder ends in the inferred states.
            let c = &a.connections[0];
            let last = |k: usize| tl.tracks[k].history.last().unwrap().1;
            assert_eq!(last(0), *c.client_states.last().unwrap(), "{n}");
            assert_eq!(last(1), *c.server_states.last().unwrap(), "{n}");
        }
    }
}
