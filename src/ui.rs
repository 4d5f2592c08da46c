//! Layer `ui`: the Yew single-page app. The only layer that touches yew, web-sys or gloo.
//!
//! It draws [`Frame`](crate::timeline::Frame)s and dispatches actions; it computes no
//! protocol facts. One timeline per pane is built once and shared by `Rc`.

mod app;
mod clock;
mod controls;
mod dom;
mod embed;
mod export_menu;
mod header;
mod icons;
mod import;
mod inspector;
mod keyboard;
mod ladder;
mod metrics;
mod narration;
mod num;
mod pane;
mod params_panel;
mod player;
mod scenario_picker;
mod share_button;
mod state;
mod state_diagram;
mod timescale;

/// Entry point of the wasm binary.
pub fn start() {
    #[cfg(not(panic = "immediate-abort"))]
    install_panic_banner();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => web_sys::console::error_1(&"synack: no #app element in the page".into()),
    }
}

/// A panic must never leave a blank page: show what happened and a way back. This hook exists
/// in builds with stable Rust (and debug builds); the release wasm built with the pinned nightly
/// turns panics into bare traps (`panic=immediate-abort`, ARCHITECTURE.md "The small wasm"), no
/// hook would ever run (leaving it out saves 0.6 KB gzip), and `static/boot.js` shows the trap
/// in the same banner, without the panic's message.
#[cfg(not(panic = "immediate-abort"))]
fn install_panic_banner() {
    use wasm_bindgen::JsCast;
    // Through Yew: a hook set with std::panic::set_hook is replaced by Yew's own
    // (console_error_panic_hook) when the app is rendered.
    yew::set_custom_panic_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&format!("synack panicked: {msg}").into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(banner) = doc.get_element_by_id("fatal") {
            if let Some(detail) = doc.get_element_by_id("fatal-detail") {
                detail.set_text_content(Some(&msg));
            }
            if let Ok(el) = banner.dyn_into::<web_sys::HtmlElement>() {
                el.set_hidden(false);
            }
        }
    }));
}
