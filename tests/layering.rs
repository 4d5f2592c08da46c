//! The layer rules of ARCHITECTURE.md, checked on the source: only `ui` may touch the web
//! (yew, web-sys, gloo, js-sys, wasm-bindgen), and core layers only reach *down*.

use std::fs;
use std::path::{Path, PathBuf};

/// Each pure layer and the layers it may use.
const LAYERS: &[(&str, &[&str])] = &[
    ("time", &[]),
    ("tcp", &["time"]),
    ("sim", &["tcp", "time"]),
    ("app", &["sim", "tcp", "time"]),
    ("timeline", &["sim", "tcp", "time"]),
    ("scenario", &["app", "timeline", "sim", "tcp", "time"]),
    (
        "i18n",
        &["scenario", "app", "timeline", "sim", "tcp", "time"],
    ),
    ("share", &["i18n", "scenario", "time"]),
    ("diagram", &["tcp", "time"]),
    ("capture", &["timeline", "sim", "tcp", "time"]),
];

const WEB: &[&str] = &["yew", "web_sys", "gloo", "js_sys", "wasm_bindgen"];

fn files_of(layer: &str) -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = vec![];
    let file = src.join(format!("{layer}.rs"));
    if file.exists() {
        out.push(file);
    }
    let mut stack = vec![src.join(layer)];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Identifiers `name` used as a path root (`name::`), ignoring comments.
fn uses(src: &str, name: &str) -> bool {
    src.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .any(|l| {
            l.match_indices(&format!("{name}::")).any(|(i, _)| {
                i == 0
                    || !l.as_bytes()[i - 1].is_ascii_alphanumeric() && l.as_bytes()[i - 1] != b'_'
            })
        })
}

#[test]
fn pure_layers_do_not_touch_the_web() {
    for (layer, _) in LAYERS {
        let files = files_of(layer);
        assert!(!files.is_empty(), "layer {layer} has no source files");
        for f in files {
            let src = fs::read_to_string(&f).unwrap();
            for w in WEB {
                assert!(
                    !uses(&src, w) && !src.contains(&format!("use {w}")),
                    "{} (layer {layer}) uses {w}: only ui may",
                    f.display()
                );
            }
        }
    }
}

#[test]
fn pure_layers_only_reach_down() {
    let all: Vec<&str> = LAYERS.iter().map(|(l, _)| *l).chain(["ui"]).collect();
    for (layer, allowed) in LAYERS {
        for f in files_of(layer) {
            let src = fs::read_to_string(&f).unwrap();
            for other in &all {
                if other == layer || allowed.contains(other) {
                    continue;
                }
                assert!(
                    !uses(&src, &format!("crate::{other}")),
                    "{} (layer {layer}) uses crate::{other}, which is not below it",
                    f.display()
                );
            }
        }
    }
}

/// The layers a rebuild spends its time in are their own crate (`synack-core`, so the release
/// profile can build them for speed): exactly these modules, and no dependency at all, so
/// nothing in them can reach the web even through a crate added later.
#[test]
fn the_core_crate_holds_the_rebuild_layers_and_depends_on_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let core = fs::read_to_string(root.join("src/core.rs")).unwrap();
    let mods: Vec<&str> = core
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';'))
        .collect();
    assert_eq!(mods, ["app", "sim", "tcp", "time", "timeline"]);
    for m in &mods {
        let (_, below) = LAYERS.iter().find(|(l, _)| l == m).unwrap();
        assert!(
            below.iter().all(|b| mods.contains(b)),
            "core layer {m} uses a layer outside the core crate"
        );
    }
    let manifest = fs::read_to_string(root.join("core/Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .expect("core/Cargo.toml has a [dependencies] table");
    assert!(
        deps.lines()
            .all(|l| l.trim().is_empty() || l.starts_with('#')),
        "synack-core must not depend on anything: {deps}"
    );
}

#[test]
fn the_checker_can_fail() {
    assert!(uses("use yew::prelude::*;", "yew"));
    assert!(uses("let x = crate::ui::start();", "crate::ui"));
    assert!(!uses("// yew::html is only in ui", "yew"));
    assert!(!uses("my_yew::x", "yew"));
}
