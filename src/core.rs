//! synack's pure core (the `synack-core` package): the layers a scenario rebuild spends its
//! time in (the scenarios themselves only set runs up, and stay in `synack`). No web
//! dependency; tested natively. It is its own crate only so the release profile can optimise
//! it for speed while the UI above it is optimised for size (ARCHITECTURE.md, "Two crates");
//! the `synack` crate re-exports every module, so paths read `synack::sim::Net` everywhere.
//!
//! Layers, arrows pointing down only: `app` → `timeline` → `sim` → `tcp` → `time`.

pub mod app;
pub mod sim;
pub mod tcp;
pub mod time;
pub mod timeline;
