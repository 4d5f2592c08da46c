//! Core layer `tcp`: an RFC 9293 endpoint as a pure state machine.
//!
//! No I/O and no clock: every entry point takes `now` and returns the segments to send; the
//! caller asks [`Endpoint::next_deadline`] when to call [`Endpoint::on_timer`]. Every state
//! change goes through one door and is recorded with its cause, so the UI can say *why*.

mod config;
mod endpoint;
mod flags;
mod payload;
mod rto;
mod segment;
mod seq;
mod state;

pub use config::{Config, KeepAlive};
pub use endpoint::{Cause, Endpoint, TcpEvent, TimerKind, Transition, UserCall, UserError};
pub use flags::Flags;
pub use payload::Payload;
pub use rto::RtoEstimator;
pub use segment::{reset_for_unknown, Segment};
pub use seq::SeqNum;
pub use state::State;
