//! `ui` is compiled only for wasm32, but `src/ui/num.rs` (fixed-point printing for SVG and CSS)
//! has no web dependency: include it here so its tests run natively with `cargo test`.

#[allow(dead_code)]
#[path = "../src/ui/num.rs"]
mod num;
