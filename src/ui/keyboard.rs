//! Page-wide keys: Space plays/pauses (unless a control has focus and Space belongs to it),
//! ←/→ step, Home/End jump. Form controls keep their own keys; a key a component already
//! handled (default prevented, e.g. Enter/Space on a packet) is left alone.

use super::app::use_mount;
use super::state::{Action, Playback};
use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[hook]
pub fn use_keyboard(dispatcher: UseReducerDispatcher<Playback>) {
    use_mount(move || {
        let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
            // Not passive: Space and the arrow keys must not also scroll the page.
            let opts = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&doc, "keydown", opts, move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                    return;
                }
                let target = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                let tag = target.as_ref().map(|el| el.tag_name()).unwrap_or_default();
                let is_button = tag == "BUTTON"
                    || target
                        .as_ref()
                        .and_then(|el| el.get_attribute("role"))
                        .is_some_and(|r| r == "button");
                let in_field = matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA");
                let action = match e.key().as_str() {
                    " " if !in_field && !is_button => Action::Toggle,
                    "ArrowLeft" if !in_field => Action::StepBack,
                    "ArrowRight" if !in_field => Action::StepForward,
                    "Home" if !in_field => Action::Restart,
                    "End" if !in_field => Action::ToEnd,
                    _ => return,
                };
                e.prevent_default();
                dispatcher.dispatch(action);
            })
        });
        move || drop(listener)
    });
}
