//! Per-endpoint parameters. Defaults follow the RFCs, scaled where a classroom needs to see it.

use crate::time::SimDuration;

/// RFC 9293 §3.8.4 keep-alive: probe after `idle` without traffic, every `interval`,
/// give up after `count` unanswered probes (Linux: 7200 s, 75 s, 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepAlive {
    pub idle: SimDuration,
    pub interval: SimDuration,
    pub count: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Maximum segment size we announce and send (RFC 9293 §3.7.1; 1460 on Ethernet).
    pub mss: u16,
    /// Receive window we advertise (no window scaling).
    pub rcv_wnd: u16,
    /// Maximum segment lifetime; TIME-WAIT lasts 2·MSL (RFC 9293 §3.4.2).
    pub msl: SimDuration,
    /// RFC 6298 §2.1: RTO before any RTT sample (1 s).
    pub rto_initial: SimDuration,
    /// RFC 6298 §2.4: lower bound on RTO (1 s in the RFC, 200 ms on Linux).
    pub rto_min: SimDuration,
    /// RFC 6298 §2.5: upper bound (at least 60 s).
    pub rto_max: SimDuration,
    /// Retransmissions of one segment before giving up (Linux tcp_retries2 = 15).
    pub max_retries: u32,
    /// SYN retransmissions before connect fails (Linux tcp_syn_retries = 6).
    pub syn_retries: u32,
    /// RFC 9293 §3.8.6.3 / RFC 1122: delayed ACK timeout, `None` = ACK every segment at once.
    pub delayed_ack: Option<SimDuration>,
    pub keepalive: Option<KeepAlive>,
    /// RFC 5681 §3.2: retransmit on this many duplicate ACKs.
    pub dupack_threshold: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            mss: 1460,
            rcv_wnd: 65535,
            msl: SimDuration::from_secs(30),
            rto_initial: SimDuration::from_secs(1),
            rto_min: SimDuration::from_millis(200),
            rto_max: SimDuration::from_secs(60),
            max_retries: 8,
            syn_retries: 6,
            delayed_ack: None,
            keepalive: None,
            dupack_threshold: 3,
        }
    }
}
