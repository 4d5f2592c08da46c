//! Small wrappers over web-sys for the page's URL hash, `<html lang>`, focus and media queries.

use crate::i18n::Lang;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// `key=value` pairs of the URL hash (`#lang=en&x=1`).
pub fn hash_pairs() -> Vec<(String, String)> {
    let raw = window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    raw.trim_start_matches('#')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect()
}

/// Language from the hash, else from the browser, else English.
pub fn initial_lang() -> Lang {
    if let Some(l) = hash_pairs()
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
    {
        return l;
    }
    window()
        .and_then(|w| w.navigator().language())
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default()
}

/// The value of `key` in the URL hash.
pub fn hash_get(key: &str) -> Option<String> {
    hash_pairs()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Set `key=value` in the hash, keeping the other pairs, without a history entry.
pub fn hash_set(key: &str, value: &str) {
    let Some(w) = window() else { return };
    let mut pairs = hash_pairs();
    match pairs.iter_mut().find(|(k, _)| k == key) {
        Some(p) => p.1 = value.to_string(),
        None => pairs.push((key.to_string(), value.to_string())),
    }
    let hash: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    let url = format!("#{}", hash.join("&"));
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Drop every hash pair whose key is not in `keep`.
pub fn hash_keep(keep: &[&str]) {
    let Some(w) = window() else { return };
    let kept: Vec<String> = hash_pairs()
        .into_iter()
        .filter(|(k, _)| keep.contains(&k.as_str()))
        .map(|(k, v)| if v.is_empty() { k } else { format!("{k}={v}") })
        .collect();
    let url = format!("#{}", kept.join("&"));
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Write the language into the hash and into `<html lang>`.
pub fn remember_lang(lang: Lang) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
    }
    hash_set("lang", lang.code());
}

/// Move the keyboard focus to the element with this id (HTML or SVG), if it exists.
pub fn focus_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
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
