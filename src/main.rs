//! The `synack` binary: in the browser (wasm32) it starts the Yew app; natively it is the
//! command-line tool over the same core.

#[cfg(target_arch = "wasm32")]
fn main() {
    synack::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli(&args) {
        Ok(out) => print!("{out}"),
        Err(e) => {
            eprintln!("synack: {e}");
            std::process::exit(2);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn cli(args: &[String]) -> Result<String, String> {
    use synack::scenario::{build_default, ScenarioId};
    const USAGE: &str = "usage: synack ladder <scenario>";
    match args {
        [cmd, id] if cmd == "ladder" => {
            let id = ScenarioId::parse(id).map_err(|e| e.to_string())?;
            let panes = build_default(id, 1).map_err(|e| e.to_string())?;
            Ok(panes
                .iter()
                .map(|p| p.timeline.ladder_text())
                .collect::<Vec<_>>()
                .join("\n"))
        }
        _ => Err(USAGE.to_string()),
    }
}
