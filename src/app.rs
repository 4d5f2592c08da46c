//! Core layer `app`: application protocols over the simulated sockets, with real bytes.
//!
//! Each application is a state machine that reacts to [`Notification`]s and calls the socket
//! API; [`run`] feeds one simulator's notifications to all of them. Applications record what
//! they do as [`AppNote`](crate::sim::AppNote)s for the narration.

pub mod heartbeat;
pub mod http;
pub mod http_client;
pub mod http_server;
pub mod poll;

use crate::sim::{Net, Notification, SocketId};
use crate::time::SimTime;

/// An application running on one host of the simulator.
pub trait App {
    /// Called once before the run starts (open sockets, schedule first wake-ups).
    fn start(&mut self, net: &mut Net);
    /// Every notification of the run; an app ignores what is not its own.
    fn on(&mut self, net: &mut Net, n: &Notification);
}

/// Run `net` with `apps` until nothing is scheduled or `until` is reached.
pub fn run(net: &mut Net, apps: &mut [&mut dyn App], until: SimTime) {
    for a in apps.iter_mut() {
        a.start(net);
    }
    // One notification buffer for the whole run, not a fresh one per event.
    let mut batch = Vec::new();
    while net.step_before(until, &mut batch) {
        for n in &batch {
            for a in apps.iter_mut() {
                a.on(net, n);
            }
        }
    }
}

/// Wake-up tokens are shared by all apps of a run: each app owns a range.
pub const fn token(app: u64, local: u64) -> u64 {
    (app << 32) | local
}

pub const fn token_app(token: u64) -> u64 {
    token >> 32
}

pub const fn token_local(token: u64) -> u64 {
    token & 0xffff_ffff
}

/// An app's state per socket, found by indexing with the socket id (ids are small and dense):
/// the apps look their connection up for every notification of the run.
#[derive(Clone, Debug)]
pub struct SocketMap<T>(Vec<Option<T>>);

impl<T> Default for SocketMap<T> {
    fn default() -> Self {
        SocketMap(Vec::new())
    }
}

impl<T> SocketMap<T> {
    pub fn insert(&mut self, s: SocketId, value: T) {
        if self.0.len() <= s.0 {
            self.0.resize_with(s.0 + 1, || None);
        }
        self.0[s.0] = Some(value);
    }

    pub fn get(&self, s: SocketId) -> Option<&T> {
        self.0.get(s.0)?.as_ref()
    }

    pub fn get_mut(&mut self, s: SocketId) -> Option<&mut T> {
        self.0.get_mut(s.0)?.as_mut()
    }

    pub fn contains(&self, s: SocketId) -> bool {
        self.get(s).is_some()
    }
}
