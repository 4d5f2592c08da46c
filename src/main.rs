//! The `synack` binary: in the browser (wasm32) it starts the Yew app; natively it is the
//! command-line tool over the same core (DESIGN.md, "Native CLI").

/// Talc instead of std's dlmalloc in the browser: the scenario rebuild allocates thousands of
/// small blocks, and Talc serves them faster from less code (ARCHITECTURE.md, "Allocator").
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    synack::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::io::Write;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = cli::run(&args);
    let mut stdout = std::io::stdout();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = stdout.write_all(&out.stdout).and_then(|_| stdout.flush());
    if let Some(e) = out.error {
        eprintln!("synack: {e}");
        std::process::exit(2);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use synack::capture::{self, ExportFormat, Spacing};
    use synack::scenario::{build, Params, ScenarioId};

    pub const USAGE: &str = "usage: synack ladder <scenario> | synack export <scenario> [--set key=value]... --format pcap|pcapng|tcpdump|mermaid|json [-o FILE] | synack import <FILE> [--json] [--ladder]";

    /// What the command printed, and the one-line error if it failed.
    pub struct Output {
        pub stdout: Vec<u8>,
        pub error: Option<String>,
    }

    fn scenario_ids() -> String {
        ScenarioId::ALL.map(|i| i.id()).join(", ")
    }

    fn fail(e: impl ToString) -> Output {
        Output {
            stdout: Vec::new(),
            error: Some(e.to_string()),
        }
    }

    pub fn run(args: &[String]) -> Output {
        match args.first().map(String::as_str) {
            Some("ladder") => ladder(&args[1..]),
            Some("export") => export(&args[1..]),
            Some("import") => import(&args[1..]),
            // Asked for help: usage on stdout, success.
            Some("-h" | "--help" | "help") => Output {
                stdout: format!("{USAGE}\n\nscenarios: {}\n", scenario_ids()).into_bytes(),
                error: None,
            },
            _ => fail(USAGE),
        }
    }

    fn ladder(args: &[String]) -> Output {
        let [id] = args else { return fail(USAGE) };
        match ScenarioId::parse(id).and_then(|id| build(id, &Params::defaults(id), 1)) {
            Ok(panes) => Output {
                stdout: panes
                    .iter()
                    .map(|p| p.timeline.ladder_text())
                    .collect::<Vec<_>>()
                    .join("\n")
                    .into_bytes(),
                error: None,
            },
            Err(e) => fail(e),
        }
    }

    /// `--set` pairs, `--format`, `-o`; `seed` is a `--set` key every scenario takes.
    fn export(args: &[String]) -> Output {
        let mut scenario = None;
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut format = None;
        let mut out = None;
        let mut seed = 1u64;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let (flag, inline) = match a.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
                _ => (a.as_str(), None),
            };
            let mut value = |name: &str| -> Result<String, String> {
                inline
                    .clone()
                    .or_else(|| it.next().cloned())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            let r: Result<(), String> = match flag {
                "--set" => value("--set").and_then(|kv| match kv.split_once('=') {
                    Some(("seed", v)) => v
                        .parse()
                        .map(|s| seed = s)
                        .map_err(|_| format!("--set seed={v}: expected a whole number")),
                    Some((k, v)) => {
                        pairs.push((k.to_string(), v.to_string()));
                        Ok(())
                    }
                    None => Err(format!("--set {kv}: expected key=value")),
                }),
                "--format" => value("--format").and_then(|f| {
                    ExportFormat::parse(&f)
                        .map(|f| format = Some(f))
                        .ok_or_else(|| {
                            format!("--format {f}: expected pcap, pcapng, tcpdump, mermaid or json")
                        })
                }),
                "-o" | "--output" => value("-o").map(|f| out = Some(f)),
                _ if !a.starts_with('-') && scenario.is_none() => {
                    scenario = Some(a.clone());
                    Ok(())
                }
                _ => Err(format!("unexpected argument '{a}'; {USAGE}")),
            };
            if let Err(e) = r {
                return fail(e);
            }
        }
        let (Some(id), Some(format)) = (scenario, format) else {
            return fail(USAGE);
        };
        let panes = ScenarioId::parse(&id)
            .and_then(|id| Params::parse(id, &pairs).map(|p| (id, p)))
            .and_then(|(id, p)| build(id, &p, seed));
        let panes = match panes {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        let tls: Vec<&synack::timeline::Timeline> = panes.iter().map(|p| &p.timeline).collect();
        let bytes = capture::export(&tls, format);
        match out {
            Some(path) => match std::fs::write(&path, &bytes) {
                Ok(()) => Output {
                    stdout: Vec::new(),
                    error: None,
                },
                Err(e) => fail(format!("{path}: cannot write: {e}")),
            },
            None => Output {
                stdout: bytes,
                error: None,
            },
        }
    }

    fn import(args: &[String]) -> Output {
        let mut file = None;
        let mut json = false;
        let mut ladder = false;
        for a in args {
            match a.as_str() {
                "--json" => json = true,
                "--ladder" => ladder = true,
                _ if file.is_none() && !a.starts_with("--") => file = Some(a.clone()),
                _ => return fail(format!("unexpected argument '{a}'; {USAGE}")),
            }
        }
        let Some(file) = file else { return fail(USAGE) };
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => return fail(format!("{file}: cannot read: {e}")),
        };
        let imp = capture::read(&bytes);
        let analysis = capture::analyze(&imp.capture);
        let mut text = if json {
            capture::summary_json(&analysis)
        } else {
            summary_text(&imp.capture, &analysis)
        };
        if ladder {
            let (tl, _) = capture::to_timeline(&imp.capture, &analysis, Spacing::Real);
            text.push_str(&tl.ladder_text());
        }
        if !json {
            for n in &imp.capture.notices {
                text.push_str(&format!("notice: {n}\n"));
            }
        }
        Output {
            stdout: text.into_bytes(),
            error: imp.error.map(|e| format!("{file}: {e}")),
        }
    }

    fn summary_text(cap: &capture::Capture, a: &capture::Analysis) -> String {
        let names = |v: &[synack::tcp::State]| {
            v.iter()
                .map(|s| s.rfc_name())
                .collect::<Vec<_>>()
                .join(" → ")
        };
        let mut s = format!(
            "{} TCP packets, {} connections",
            cap.packets.len(),
            a.connections.len()
        );
        let k = cap.skipped;
        for (n, what) in [
            (k.ipv6, "IPv6 (unsupported)"),
            (k.non_tcp, "not TCP"),
            (k.fragments, "IP fragments"),
            (k.malformed, "malformed"),
        ] {
            if n > 0 {
                s.push_str(&format!(", {n} skipped: {what}"));
            }
        }
        s.push('\n');
        for c in &a.connections {
            s.push_str(&format!(
                "{} > {}: {} segments, {} retransmissions, {} keep-alives, {} HTTP requests\n  client: {}\n  server: {}\n",
                c.client,
                c.server,
                c.segments,
                c.retransmissions,
                c.keepalives,
                c.http_requests,
                names(&c.client_states),
                names(&c.server_states)
            ));
        }
        s
    }
}
