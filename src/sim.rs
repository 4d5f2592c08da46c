//! Core layer `sim`: a deterministic discrete-event network.
//!
//! Hosts with IPv4 addresses, a socket API (bind/listen/connect/accept/send/recv/close/abort)
//! demultiplexed by 4-tuple, one path between hosts with latency, jitter, loss, bandwidth and
//! scripted drops. Events are ordered by (time, insertion number); all randomness comes from
//! the seeded [`Rng`] passed in, so the same seed gives the same trace.

mod fxhash;
mod link;
mod middlebox;
mod net;
mod order;
mod queue;
mod records;
mod rng;
mod trace;
pub mod workloads;

pub use fxhash::{addr_key, pair_key, FxHasher, KeyMap};
pub use link::{DropRule, LinkConfig};
pub use middlebox::{conn_key, ConnKey, MiddleboxConfig, MiddleboxEvent, OnUnknown};
pub use net::{HostId, Net, Notification, SimError, SockEvent, SocketId};
pub use order::{merge_runs, sort_by_u64, sort_by_u64_pair};
pub use records::Records;
pub use rng::Rng;
pub use trace::{
    AppNote, AppRecord, DropCause, MiddleboxRecord, PacketRecord, Proto, SocketRecord, StateRecord,
    Trace, UserCallRecord,
};
