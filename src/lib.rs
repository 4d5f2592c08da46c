//! synack: watch TCP and HTTP connections happen.
//!
//! Layers, arrows pointing down only (see ARCHITECTURE.md):
//! `ui` → `i18n` → `scenario` → `app` → `timeline` → `sim` → `tcp` → `time`.
//! Everything but `ui` is pure Rust with no web dependency and is tested natively.

// The core layers are compiled as the `synack-core` crate (src/core.rs), for speed.
pub use synack_core::{app, sim, tcp, time, timeline};

pub mod capture;
pub mod diagram;
pub mod i18n;
pub mod scenario;
pub mod share;

#[cfg(target_arch = "wasm32")]
pub mod ui;
