//! The importers never panic or hang: random bytes, and valid files with random damage.

use proptest::prelude::*;
use synack::capture::{self, ExportFormat};
use synack::scenario::{build_default, ScenarioId};

fn seeds() -> Vec<Vec<u8>> {
    let tl = build_default(ScenarioId::ALL[0], 1)
        .unwrap()
        .remove(0)
        .timeline;
    let mut v: Vec<Vec<u8>> = [
        ExportFormat::Pcap,
        ExportFormat::Pcapng,
        ExportFormat::Tcpdump,
    ]
    .into_iter()
    .map(|f| capture::export(&[&tl], f))
    .collect();
    v.push(b"IP 192.168.1.116.3337 > 192.168.1.123.7788: S 3626544836:3626544836\nIP 192.168.1.123.7788 > 192.168.1.116.3337: S 1739326486:1739326486 ack 3626544837\n".to_vec());
    v
}

fn everything(bytes: &[u8]) {
    let imp = capture::read(bytes);
    if let Some(e) = &imp.error {
        let _ = e.to_string();
    }
    let a = capture::analyze(&imp.capture);
    let _ = capture::summary_json(&a);
    let (tl, _) = capture::to_timeline(&imp.capture, &a, capture::Spacing::Real);
    let _ = tl.frame_at(tl.end);
    let _ = tl.ladder_text();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        everything(&bytes);
    }

    #[test]
    fn random_bytes_after_a_magic(which in 0usize..3, tail in proptest::collection::vec(any::<u8>(), 0..512)) {
        let magic: [&[u8]; 3] = [&[0xd4, 0xc3, 0xb2, 0xa1], &[0x0a, 0x0d, 0x0d, 0x0a], b"00:00:00.000000 IP 1.2.3.4.5 > 6.7.8.9.10: "];
        let mut b = magic[which].to_vec();
        b.extend(tail);
        everything(&b);
    }

    #[test]
    fn mutated_valid_files(which in 0usize..4, edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8), cut in any::<usize>()) {
        let mut b = seeds().swap_remove(which);
        for (i, v) in edits {
            let n = b.len();
            b[i % n] = v;
        }
        let keep = b.len() - cut % (b.len() / 2 + 1);
        b.truncate(keep);
        everything(&b);
    }
}
