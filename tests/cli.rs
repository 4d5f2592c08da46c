//! The native CLI contract of DESIGN.md: export, import --json, exit status 2 with one line.

use std::process::Command;

fn synack(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/capture/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn import_json_has_the_design_shape() {
    let (code, out, err) = synack(&["import", &fixture("http10.pcap"), "--json"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let out = String::from_utf8(out).unwrap();
    let want = r#"{"connections": [
  {"client": "127.0.0.1:60806", "server": "127.0.0.1:18080",
   "client_states": ["CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT"],
   "server_states": ["LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED"],
   "segments": 12, "retransmissions": 0, "keepalives": 0, "http_requests": 1}
]}
"#;
    assert_eq!(out, want);
}

#[test]
fn export_every_format_and_import_it_back() {
    let dir = std::env::temp_dir().join(format!("synack-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for fmt in ["pcap", "pcapng", "tcpdump", "mermaid", "json"] {
        let f = dir.join(format!("h.{fmt}"));
        let (code, _, err) = synack(&[
            "export",
            "handshake",
            "--format",
            fmt,
            "-o",
            f.to_str().unwrap(),
        ]);
        assert_eq!((code, err.as_str()), (0, ""), "{fmt}");
        let body = std::fs::read(&f).unwrap();
        assert!(!body.is_empty());
        if ["pcap", "pcapng", "tcpdump"].contains(&fmt) {
            let (code, out, err) = synack(&["import", f.to_str().unwrap(), "--json"]);
            assert_eq!((code, err.as_str()), (0, ""), "{fmt}");
            let out = String::from_utf8(out).unwrap();
            assert!(
                out.contains(r#""client_states": ["CLOSED", "SYN-SENT", "ESTABLISHED"]"#),
                "{fmt}: {out}"
            );
        }
    }
    let (_, mmd, _) = synack(&["export", "handshake", "--format", "mermaid"]);
    assert!(String::from_utf8(mmd)
        .unwrap()
        .starts_with("sequenceDiagram\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_is_deterministic_and_takes_set() {
    let a = synack(&["export", "handshake", "--format", "pcap"]).1;
    let b = synack(&["export", "handshake", "--format", "pcap"]).1;
    assert_eq!(a, b);
    let (code, _, err) = synack(&[
        "export",
        "handshake",
        "--set",
        "nonsense=1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("nonsense"), "{err}");
}

#[test]
fn bad_input_is_status_2_and_one_line_naming_file_and_position() {
    let dir = std::env::temp_dir().join(format!("synack-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read(fixture("http10.pcap")).unwrap();
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("truncated.pcap", good[..good.len() - 7].to_vec(), "byte "),
        ("magic.pcap", b"\x01\x02\x03\x04garbage".to_vec(), "byte 0"),
        ("garbage.txt", b"00:00:00.1 IP 1.2.3.4.5 > 6.7.8.9.10: Flags [S], seq 1, win 1, length 0\nnonsense here\n".to_vec(), "line 2"),
    ];
    for (name, bytes, pos) in cases {
        let f = dir.join(name);
        std::fs::write(&f, bytes).unwrap();
        let (code, _, err) = synack(&["import", f.to_str().unwrap(), "--json"]);
        assert_eq!(code, 2, "{name}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(
            err.contains(name) && err.contains(pos) && err.contains("expected"),
            "{name}: {err}"
        );
    }
    let (code, _, err) = synack(&["import", "/nonexistent/file.pcap"]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ladder_subcommand_still_works() {
    let (code, out, _) = synack(&["ladder", "handshake"]);
    assert_eq!(code, 0);
    assert!(String::from_utf8(out).unwrap().contains("lane 0"));
}

#[test]
fn help_prints_usage_and_succeeds() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("usage: synack") && text.contains("tcp-vs-udp"),
        "{text}"
    );
}
