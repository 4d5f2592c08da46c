//! The iframe API (docs/embedding.md): events posted to the parent window, and the commands a
//! parent on an allowed origin may send (`synack:play`, `pause`, `seek`, `load`).

use super::app::use_mount;
use super::dom;
use crate::time::SimTime;
use gloo_events::EventListener;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{Object, Reflect};
use yew::prelude::*;

/// What a parent asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Play,
    Pause,
    Seek(SimTime),
    /// Step as the step counter numbers them (0 = before the first).
    SeekStep(usize),
    /// A view as a URL hash (`#s=…`).
    Load(String),
}

fn field(data: &JsValue, key: &str) -> JsValue {
    Reflect::get(data, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A whole, non-negative number (`t` in µs, `step`).
fn count(v: &JsValue) -> Option<u64> {
    let n = v.as_f64()?;
    (n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9.0e15).then_some(n as u64)
}

/// Read a message; `Err` says what was wrong with its shape. `Ok(None)`: not for us.
pub fn parse(data: &JsValue) -> Result<Option<Command>, String> {
    if !data.is_object() {
        return Ok(None);
    }
    let Some(kind) = field(data, "type").as_string() else {
        return Ok(None);
    };
    let Some(kind) = kind.strip_prefix("synack:") else {
        return Ok(None);
    };
    match kind {
        "play" => Ok(Some(Command::Play)),
        "pause" => Ok(Some(Command::Pause)),
        "seek" => {
            let (t, step) = (field(data, "t"), field(data, "step"));
            if let Some(t) = count(&t) {
                Ok(Some(Command::Seek(SimTime(t))))
            } else if let Some(s) = count(&step) {
                Ok(Some(Command::SeekStep(s as usize)))
            } else {
                Err("synack:seek needs {t} (whole µs ≥ 0) or {step} (whole number ≥ 0)".into())
            }
        }
        "load" => match field(data, "hash").as_string() {
            Some(h) if h.len() <= crate::share::MAX_HASH * 2 => Ok(Some(Command::Load(h))),
            _ => Err("synack:load needs {hash} (a string such as \"#s=handshake\")".into()),
        },
        // Our own events echoed back (a parent page that is also a frame of us) are fine.
        "ready" | "step" | "resize" => Ok(None),
        other => Err(format!("unknown message type synack:{other}")),
    }
}

/// Listen for commands from other windows; `on_command` gets those from allowed origins.
#[hook]
pub fn use_parent_commands(on_command: Callback<Command>) {
    use_mount(move || {
        let listener = web_sys::window().map(|w| {
            EventListener::new(&w, "message", move |e| {
                let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else {
                    return;
                };
                let data = e.data();
                match parse(&data) {
                    Ok(None) => {}
                    Ok(Some(_)) if !dom::origin_allowed(&e.origin()) => dom::warn(&format!(
                        "synack: ignored a command from {} (not an allowed origin; see data-allowed-origins)",
                        e.origin()
                    )),
                    Ok(Some(c)) => on_command.emit(c),
                    Err(why) => dom::warn(&format!("synack: ignored a message: {why}")),
                }
            })
        });
        move || drop(listener)
    });
}

/// Post `{type: "synack:<kind>", …fields}` to the parent.
pub fn post(kind: &str, fields: &[(&str, JsValue)]) {
    let msg = Object::new();
    dom::set(&msg, "type", format!("synack:{kind}"));
    for (k, v) in fields {
        dom::set(&msg, k, v.clone());
    }
    dom::post_to_parent(&msg);
}

/// In a frame, tell the parent the page's height whenever it changes.
#[hook]
pub fn use_resize_reports() {
    use_mount(|| {
        let framed = web_sys::window()
            .and_then(|w| Some(w.parent().ok()?? != w))
            .unwrap_or(false);
        let body = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body());
        let mut handles = None;
        if let (true, Some(body)) = (framed, body) {
            // The body is as tall as its content (style.css gives it no minimum height).
            let last = std::cell::Cell::new(-1);
            let el = body.clone();
            let report = Closure::<dyn FnMut()>::new(move || {
                let h = el.scroll_height();
                if h != last.get() {
                    last.set(h);
                    post("resize", &[("height", h.into())]);
                }
            });
            if let Ok(obs) = web_sys::ResizeObserver::new(report.as_ref().unchecked_ref()) {
                obs.observe(&body);
                handles = Some((obs, report));
            }
        }
        move || {
            if let Some((obs, _report)) = handles {
                obs.disconnect();
            }
        }
    });
}
