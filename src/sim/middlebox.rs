//! A stateful firewall / NAT on the path: it remembers connections it has seen and forgets one
//! that stays idle longer than its timeout. Afterwards it drops the connection's packets, or
//! answers them with a reset — the seed's reason for heartbeats ("most firewalls close
//! connections that stay inactive for a long time").

use super::fxhash::{pair_key, KeyMap};
use crate::time::{SimDuration, SimTime};
use std::net::{Ipv4Addr, SocketAddrV4};

/// What the middlebox does with a packet of a connection it does not (or no longer) know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnUnknown {
    /// Silently discard it (the sender retransmits until it gives up).
    Drop,
    /// Discard it and send the sender a RST in the peer's name.
    Reset,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MiddleboxConfig {
    pub ip: Ipv4Addr,
    pub idle_timeout: SimDuration,
    pub on_unknown: OnUnknown,
}

/// Connection key, the same whichever direction a packet goes.
pub type ConnKey = (SocketAddrV4, SocketAddrV4);

pub fn conn_key(a: SocketAddrV4, b: SocketAddrV4) -> ConnKey {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// What happened at the middlebox (for the trace and the narration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MiddleboxEvent {
    /// A SYN opened an entry for this connection.
    Opened,
    /// The entry timed out: the connection is forgotten.
    Expired,
    /// A packet of an unknown connection was dropped.
    Dropped { packet: usize },
    /// A packet of an unknown connection was dropped and answered with a RST.
    Reset { packet: usize, rst: usize },
}

#[derive(Clone, Debug)]
pub(crate) struct Middlebox {
    pub cfg: MiddleboxConfig,
    /// Last time each known connection carried a packet (in µs), by `pair_key` of its
    /// [`ConnKey`].
    pub conns: KeyMap,
}

/// The middlebox's verdict on one packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Pass { opened: bool },
    Unknown,
}

impl Middlebox {
    pub fn new(cfg: MiddleboxConfig) -> Middlebox {
        Middlebox {
            cfg,
            conns: KeyMap::default(),
        }
    }

    /// Judge a packet at `now`. A SYN (without ACK) opens an entry; anything else passes only
    /// while its connection's entry is younger than the idle timeout, and refreshes it.
    pub fn judge(&mut self, now: SimTime, key: ConnKey, syn_only: bool) -> Verdict {
        let k = pair_key(key.0, key.1);
        let alive = self
            .conns
            .get(k)
            .is_some_and(|seen| now < SimTime(seen) + self.cfg.idle_timeout);
        if alive {
            self.conns.insert(k, now.0);
            Verdict::Pass { opened: false }
        } else if syn_only {
            self.conns.insert(k, now.0);
            Verdict::Pass { opened: true }
        } else {
            self.conns.remove(k);
            Verdict::Unknown
        }
    }

    /// If `key` has been idle for the whole timeout at `now`, forget it and say so.
    pub fn expire(&mut self, now: SimTime, key: ConnKey) -> bool {
        let k = pair_key(key.0, key.1);
        match self.conns.get(k) {
            Some(seen) if now >= SimTime(seen) + self.cfg.idle_timeout => {
                self.conns.remove(k);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mb() -> Middlebox {
        Middlebox::new(MiddleboxConfig {
            ip: Ipv4Addr::new(10, 0, 0, 254),
            idle_timeout: SimDuration::from_secs(30),
            on_unknown: OnUnknown::Drop,
        })
    }

    fn key() -> ConnKey {
        conn_key(
            "10.0.0.1:5000".parse().unwrap(),
            "10.0.0.2:80".parse().unwrap(),
        )
    }

    #[test]
    fn key_ignores_direction() {
        let a: SocketAddrV4 = "10.0.0.1:5000".parse().unwrap();
        let b: SocketAddrV4 = "10.0.0.2:80".parse().unwrap();
        assert_eq!(conn_key(a, b), conn_key(b, a));
    }

    #[test]
    fn only_a_syn_opens_a_connection() {
        let mut m = mb();
        assert_eq!(m.judge(SimTime::ZERO, key(), false), Verdict::Unknown);
        assert_eq!(
            m.judge(SimTime::ZERO, key(), true),
            Verdict::Pass { opened: true }
        );
        assert_eq!(
            m.judge(SimTime::from_millis(5), key(), false),
            Verdict::Pass { opened: false }
        );
    }

    #[test]
    fn idle_longer_than_timeout_is_forgotten() {
        let mut m = mb();
        m.judge(SimTime::ZERO, key(), true);
        // Traffic at 29 s keeps it alive until 59 s.
        assert!(matches!(
            m.judge(SimTime::from_millis(29_000), key(), false),
            Verdict::Pass { .. }
        ));
        assert!(!m.expire(SimTime::from_millis(58_999), key()));
        assert!(m.expire(SimTime::from_millis(59_000), key()));
        assert_eq!(
            m.judge(SimTime::from_millis(60_000), key(), false),
            Verdict::Unknown
        );
    }

    #[test]
    fn a_packet_exactly_at_the_timeout_is_too_late() {
        let mut m = mb();
        m.judge(SimTime::ZERO, key(), true);
        assert_eq!(
            m.judge(SimTime::from_millis(30_000), key(), false),
            Verdict::Unknown
        );
    }
}
