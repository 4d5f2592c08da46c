//! Small wrappers over web-sys: the URL hash (read and written whole, through `share`),
//! `<html lang>`, focus, media queries, downloads and the parent window of an iframe.

use crate::i18n::Lang;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn document() -> Option<web_sys::Document> {
    window().and_then(|w| w.document())
}

/// The URL hash as the browser has it (`#s=handshake&lang=en`, or empty).
pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replace the hash without a history entry and without a `hashchange` event.
pub fn replace_hash(hash: &str) {
    if let Some(h) = window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(hash));
    }
}

/// This page's address with `hash` in place of its own.
pub fn url_with_hash(hash: &str) -> String {
    let href = window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}{hash}")
}

/// `?embed` (or `?embed=1`) in the query string.
pub fn embed_query() -> bool {
    let search = window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .any(|p| p == "embed" || (p.starts_with("embed=") && p != "embed=0"))
}

/// The browser's language if it is one of ours, else English.
pub fn browser_lang() -> Lang {
    window()
        .and_then(|w| w.navigator().language())
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default()
}

/// Put the language into `<html lang>`.
pub fn set_html_lang(lang: Lang) {
    if let Some(root) = document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.code());
    }
}

/// Move the keyboard focus to the element with this id (HTML or SVG), if it exists.
pub fn focus_id(id: &str) {
    if let Some(el) = document().and_then(|d| d.get_element_by_id(id)) {
        // `focus()` is looked up on the object at run time, so an SVG element works too.
        let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}

pub fn prefers_reduced_motion() -> bool {
    window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Offer `bytes` as a file download named `name`.
pub fn download(bytes: &[u8], name: &str, mime: &str) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else {
        return;
    };
    if let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) {
        download_url(&url, name);
        // The download has started from the URL by the time this runs; free the blob then.
        let free = once_js(Box::new(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        }));
        if let Some(w) = window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                free.unchecked_ref(),
                10_000,
            );
        }
    }
}

/// A JS function that runs `f` once; boxed, so that wasm-bindgen's glue is compiled once for
/// all such callbacks.
pub fn once_js(f: Box<dyn FnOnce()>) -> JsValue {
    wasm_bindgen::closure::Closure::once_into_js(f)
}

/// Click a temporary `<a download>` pointing at `url`.
pub fn download_url(url: &str, name: &str) {
    let Some(doc) = document() else { return };
    let Ok(a) = doc.create_element("a") else {
        return;
    };
    let _ = a.set_attribute("href", url);
    let _ = a.set_attribute("download", name);
    let a = a.unchecked_into::<web_sys::HtmlElement>();
    a.click();
}

/// Set `key` of a JS object (ignoring the impossible failure on a plain object).
pub fn set(obj: &js_sys::Object, key: &str, value: impl Into<JsValue>) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

/// Post `msg` to the parent window when this page is in a frame. Anyone may read these
/// events (target origin `*`): they say only what the page shows.
pub fn post_to_parent(msg: &js_sys::Object) {
    let Some(w) = window() else { return };
    if let Ok(Some(parent)) = w.parent() {
        if parent != w {
            let _ = parent.post_message(msg, "*");
        }
    }
}

/// May a message from `origin` control this page? Same origin, or listed (space-separated) in
/// `<body data-allowed-origins="https://a.example https://b.example">`.
pub fn origin_allowed(origin: &str) -> bool {
    let Some(w) = window() else { return false };
    if w.location().origin().is_ok_and(|o| o == origin) {
        return true;
    }
    document()
        .and_then(|d| d.body())
        .and_then(|b| b.get_attribute("data-allowed-origins"))
        .is_some_and(|list| list.split_whitespace().any(|o| o == origin))
}

/// A warning in the console (shape errors of messages: never `console.error`).
pub fn warn(msg: &str) {
    web_sys::console::warn_1(&msg.into());
}

/// Record the last scenario rebuild's duration (ms) on `<html data-build-ms>`.
pub fn mark_build_time(ms: f64) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-build-ms", &super::num::Fixed(ms, 3).to_string());
    }
}
