//! synack: watch TCP and HTTP connections happen.
//!
//! Layers, arrows pointing down only (see ARCHITECTURE.md):
//! `ui` → `i18n` → `scenario` → `app` → `timeline` → `sim` → `tcp` → `time`.
//! Everything but `ui` is pure Rust with no web dependency and is tested natively.

pub mod app;
pub mod capture;
pub mod diagram;
pub mod i18n;
pub mod scenario;
pub mod share;
pub mod sim;
pub mod tcp;
pub mod time;
pub mod timeline;

#[cfg(target_arch = "wasm32")]
pub mod ui;
