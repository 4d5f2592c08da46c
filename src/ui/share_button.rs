//! "Share": copy the link of the view as shown. Where the clipboard is refused, the link is
//! shown selected in a read-only field for copying by hand.

use super::app::{use_effect_boxed, use_node_ref_dyn, use_state_dyn, State};
use super::dom;
use crate::i18n::{Lang, Ui};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{Function, Reflect};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum Shown {
    Nothing,
    Copied,
    ByHand(String),
}

/// `navigator.clipboard.writeText(text)`, then `done(true)` or `done(false)`.
fn copy(text: &str, done: Callback<bool>) {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return done.emit(false);
    };
    // Absent outside secure contexts.
    let clip = Reflect::get(&nav, &"clipboard".into()).unwrap_or(JsValue::UNDEFINED);
    if clip.is_undefined() {
        return done.emit(false);
    }
    let promise = clip.unchecked_into::<web_sys::Clipboard>().write_text(text);
    let then = Reflect::get(&promise, &"then".into()).ok();
    // The promise's value is not needed: the callbacks take no argument.
    let settle = |ok: bool| {
        let done = done.clone();
        dom::once_js(Box::new(move || done.emit(ok)))
    };
    let (ok, fail) = (settle(true), settle(false));
    match then.and_then(|f| f.dyn_into::<Function>().ok()) {
        Some(then) => {
            let _ = then.call2(&promise, &ok, &fail);
        }
        None => done.emit(false),
    }
}

/// The button's state, kept by the app: the button is not a component of its own (it would
/// re-render with the header anyway, whose `url` callback is new each time).
#[derive(Clone)]
pub struct ShareState {
    shown: State<Shown>,
    field: NodeRef,
}

#[hook]
pub fn use_share_state() -> ShareState {
    let shown = use_state_dyn(|| Shown::Nothing);
    let field = use_node_ref_dyn();
    {
        let field = field.clone();
        use_effect_boxed((*shown).clone(), move || {
            if let Some(input) = field.cast::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
        });
    }
    ShareState { shown, field }
}

/// `url` gives the link of the view as shown at the moment of asking.
pub fn share_button(lang: Lang, url: &Callback<(), String>, state: &ShareState) -> Html {
    let ShareState { shown, field } = state;
    let onclick = {
        let (shown, url) = (shown.clone(), url.clone());
        Callback::from(move |_: MouseEvent| {
            let link = url.emit(());
            let (shown, link2) = (shown.clone(), link.clone());
            copy(
                &link,
                Callback::from(move |ok| {
                    shown.set(if ok {
                        Shown::Copied
                    } else {
                        Shown::ByHand(link2.clone())
                    })
                }),
            );
        })
    };
    let status = match &**shown {
        Shown::Nothing => html! {},
        Shown::Copied => html! { { Ui::LinkCopied.text(lang) } },
        Shown::ByHand(link) => html! {
            <label>
                <span class="sr-only">{ Ui::CopyByHand.text(lang) }</span>
                <input ref={field.clone()} type="text" readonly=true value={link.clone()}
                       data-testid="share-field" class="share-field" />
            </label>
        },
    };
    html! {
        <span class="share">
            <button type="button" data-testid="share" {onclick}>{ Ui::Share.text(lang) }</button>
            <span role="status" class="share-status" data-testid="share-status">{ status }</span>
        </span>
    }
}
