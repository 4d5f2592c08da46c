//! Small wrappers over web-sys for the page's URL hash, `<html lang>` and media queries.

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

/// Write the language into the hash (without a history entry) and into `<html lang>`.
pub fn remember_lang(lang: Lang) {
    let Some(w) = window() else { return };
    if let Some(root) = w.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.code());
    }
    let mut pairs: Vec<(String, String)> = hash_pairs()
        .into_iter()
        .filter(|(k, _)| k != "lang")
        .collect();
    pairs.insert(0, ("lang".to_string(), lang.code().to_string()));
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

pub fn prefers_reduced_motion() -> bool {
    window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}
