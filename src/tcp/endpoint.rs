//! RFC 9293 §3.10: the event processing of one connection (a TCB), as a pure state machine.
//!
//! §3.10.1–§3.10.6 are the user calls (`connect`, `listen`, `send`, `close`, `abort`),
//! §3.10.7 is [`Endpoint::on_segment`], §3.10.8 is [`Endpoint::on_timer`]. Retransmission
//! follows RFC 6298, fast retransmit RFC 5681 §3.2, keep-alive RFC 9293 §3.8.4, zero-window
//! probing §3.8.6.1, delayed ACKs §3.8.6.3 with RFC 5681 §4.2, and the RST/SYN checks of
//! RFC 5961 as RFC 9293 adopts them.

use super::payload::SendQueue;
use super::{reset_for_unknown, Config, Flags, Payload, RtoEstimator, Segment, SeqNum, State};
use crate::time::{SimDuration, SimTime};
use std::cell::Cell;
use std::fmt;

/// A user call of RFC 9293 §3.10 (the socket API's verbs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserCall {
    Connect,
    Listen,
    Close,
    Abort,
}

/// The timers of RFC 9293 §3.8 and RFC 1122, as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerKind {
    Retransmit,
    TimeWait,
    DelayedAck,
    KeepAlive,
    /// §3.8.6.1 zero-window probing (BSD's "persist" timer).
    Persist,
}

/// Why a state changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    User(UserCall),
    /// A segment arrived with these flags and numbers.
    Segment {
        flags: Flags,
        seq: SeqNum,
        ack: SeqNum,
    },
    Timer(TimerKind),
    /// Retransmissions or keep-alive probes went unanswered too often.
    GaveUp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub at: SimTime,
    pub from: State,
    pub to: State,
    pub cause: Cause,
}

/// What the application learns (the "signal the user" of RFC 9293 §3.10.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpEvent {
    Connected,
    /// New in-order bytes are readable.
    Data(usize),
    /// The peer's FIN arrived: no more data will come.
    PeerClosed,
    /// "connection reset" (RST in a synchronized state).
    Reset,
    /// "connection refused" (RST answering our SYN).
    Refused,
    /// Retransmissions or keep-alives exhausted.
    TimedOut,
    /// The urgent pointer advanced (RFC 9293 §3.8.5).
    Urgent,
    /// The connection reached CLOSED after a normal close.
    Closed,
}

/// RFC 9293 §3.10 error responses to user calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserError {
    /// "error: connection does not exist"
    ConnectionDoesNotExist,
    /// "error: connection already exists"
    ConnectionAlreadyExists,
    /// "error: connection closing"
    ConnectionClosing,
    /// "error: remote socket unspecified"
    RemoteSocketUnspecified,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UserError::ConnectionDoesNotExist => "connection does not exist",
            UserError::ConnectionAlreadyExists => "connection already exists",
            UserError::ConnectionClosing => "connection closing",
            UserError::RemoteSocketUnspecified => "remote socket unspecified",
        })
    }
}

/// What the text of one segment did (see `Endpoint::accept_text`).
struct Text {
    /// New in-order bytes now readable (this segment's and any it released from the queue).
    delivered: usize,
    /// The FIN was reached in order and RCV.NXT advanced over it.
    fin: bool,
    /// The segment began at RCV.NXT (otherwise it was held for later).
    in_order: bool,
    /// Part of it lay beyond the receive window and was dropped.
    trimmed: bool,
}

/// One TCP connection endpoint (RFC 9293 §3.3.1's TCB).
#[derive(Clone, Debug)]
pub struct Endpoint {
    cfg: Config,
    state: State,
    local_port: u16,
    remote_port: u16,
    /// Created from a LISTEN socket: an RST in SYN-RECEIVED returns it to LISTEN.
    passive: bool,
    /// The remote port the passive OPEN named (0 = unspecified); restored on return to LISTEN.
    listen_remote_port: u16,

    iss: SeqNum,
    snd_una: SeqNum,
    snd_nxt: SeqNum,
    snd_wnd: u32,
    snd_wl1: SeqNum,
    snd_wl2: SeqNum,
    snd_up: Option<SeqNum>,
    peer_mss: u16,
    /// Data bytes not yet acknowledged (sent first, then unsent); `buf_seq` is the sequence
    /// number of the first.
    send_buf: SendQueue,
    buf_seq: SeqNum,
    /// The user called CLOSE: a FIN follows the buffered data.
    fin_queued: bool,
    /// Sequence number our FIN occupies, once sent.
    fin_seq: Option<SeqNum>,

    irs: SeqNum,
    rcv_nxt: SeqNum,
    rcv_up: SeqNum,
    recv_buf: Vec<u8>,
    /// RCV.NXT + RCV.WND as our latest segment announced it: the right window edge the peer
    /// knows. A cell because every segment we build records it, and building takes `&self`.
    rcv_adv_right: Cell<SeqNum>,
    /// Out-of-order data waiting for the gap before it: (seq, bytes, FIN follows), sorted by
    /// seq as a plain number. A window holds a few dozen pieces at most, so a sorted vector
    /// serves, and one that stays empty costs nothing to create or drop (every TCB has one).
    ooo: Vec<(u32, Vec<u8>, bool)>,

    rto: RtoEstimator,
    /// Karn's rule: the one segment being timed (its end seq, when it left); cleared when
    /// anything is retransmitted.
    rtt_probe: Option<(SeqNum, SimTime)>,
    retries: u32,
    dupacks: u32,
    unacked_rcvd: u32,
    keepalive_probes: u32,
    /// Zero-window probes sent since the window closed (their interval doubles each time).
    persist_probes: u32,

    retransmit_at: Option<SimTime>,
    time_wait_until: Option<SimTime>,
    delayed_ack_at: Option<SimTime>,
    keepalive_at: Option<SimTime>,
    persist_at: Option<SimTime>,

    transitions: Vec<Transition>,
    events: Vec<TcpEvent>,
    /// Made, forked or reset, and no state change since: every field `reset_tcb` sets still
    /// has that value (but the window edge, which building a segment moves), so a reset has
    /// nothing to do. A socket's new TCB is reset again by its CONNECT and a forked one by the
    /// SYN it was forked for: a 480-byte rebuild each, ≈ 3 % of a short-connection run. Debug
    /// builds check the claim at every reset they skip.
    fresh: bool,
}

impl Endpoint {
    /// A CLOSED endpoint between two ports.
    pub fn new(cfg: Config, local_port: u16, remote_port: u16) -> Endpoint {
        Endpoint {
            cfg,
            state: State::Closed,
            local_port,
            remote_port,
            passive: false,
            listen_remote_port: remote_port,
            iss: SeqNum(0),
            snd_una: SeqNum(0),
            snd_nxt: SeqNum(0),
            snd_wnd: 0,
            snd_wl1: SeqNum(0),
            snd_wl2: SeqNum(0),
            snd_up: None,
            peer_mss: 536,
            send_buf: SendQueue::default(),
            buf_seq: SeqNum(0),
            fin_queued: false,
            fin_seq: None,
            irs: SeqNum(0),
            rcv_nxt: SeqNum(0),
            rcv_up: SeqNum(0),
            recv_buf: Vec::new(),
            rcv_adv_right: Cell::new(SeqNum(0)),
            ooo: Vec::new(),
            rto: RtoEstimator::new(cfg.rto_initial, cfg.rto_min, cfg.rto_max),
            rtt_probe: None,
            retries: 0,
            dupacks: 0,
            unacked_rcvd: 0,
            keepalive_probes: 0,
            persist_probes: 0,
            retransmit_at: None,
            time_wait_until: None,
            delayed_ack_at: None,
            keepalive_at: None,
            persist_at: None,
            transitions: Vec::new(),
            events: Vec::new(),
            fresh: true,
        }
    }

    // ---- accessors ------------------------------------------------------------------------

    pub fn state(&self) -> State {
        self.state
    }
    pub fn config(&self) -> &Config {
        &self.cfg
    }
    pub fn local_port(&self) -> u16 {
        self.local_port
    }
    pub fn remote_port(&self) -> u16 {
        self.remote_port
    }

    /// The ports of a socket being bound or connected. Only a CLOSED endpoint takes new ports
    /// (OPEN then starts a fresh TCB); otherwise nothing changes.
    pub fn set_ports(&mut self, local_port: u16, remote_port: u16) {
        if self.state == State::Closed {
            self.local_port = local_port;
            self.remote_port = remote_port;
            self.listen_remote_port = remote_port;
        }
    }

    pub fn iss(&self) -> SeqNum {
        self.iss
    }
    pub fn irs(&self) -> SeqNum {
        self.irs
    }
    pub fn snd_una(&self) -> SeqNum {
        self.snd_una
    }
    pub fn snd_nxt(&self) -> SeqNum {
        self.snd_nxt
    }
    pub fn snd_wnd(&self) -> u32 {
        self.snd_wnd
    }
    pub fn rcv_nxt(&self) -> SeqNum {
        self.rcv_nxt
    }
    pub fn rto(&self) -> &RtoEstimator {
        &self.rto
    }
    /// Bytes the user queued that are not yet acknowledged.
    pub fn send_queue_len(&self) -> usize {
        self.send_buf.len()
    }

    /// Bytes received in order that the user has not read yet.
    pub fn unread(&self) -> usize {
        self.recv_buf.len()
    }

    /// The window we advertise: what is left of the receive buffer.
    pub fn rcv_wnd(&self) -> u32 {
        u32::from(self.cfg.rcv_wnd).saturating_sub(self.recv_buf.len() as u32)
    }

    /// When `kind` will fire, if it is armed.
    pub fn timer(&self, kind: TimerKind) -> Option<SimTime> {
        match kind {
            TimerKind::Retransmit => self.retransmit_at,
            TimerKind::TimeWait => self.time_wait_until,
            TimerKind::DelayedAck => self.delayed_ack_at,
            TimerKind::KeepAlive => self.keepalive_at,
            TimerKind::Persist => self.persist_at,
        }
    }

    /// State changes since the last call, oldest first.
    pub fn take_transitions(&mut self) -> Vec<Transition> {
        std::mem::take(&mut self.transitions)
    }

    /// Signals to the application since the last call.
    pub fn take_events(&mut self) -> Vec<TcpEvent> {
        std::mem::take(&mut self.events)
    }

    /// [`Endpoint::take_transitions`] into `out` (appended): neither side gives up its
    /// allocation, so a simulator polling after every call allocates nothing per event.
    pub fn drain_transitions_into(&mut self, out: &mut Vec<Transition>) {
        if !self.transitions.is_empty() {
            out.append(&mut self.transitions);
        }
    }

    /// [`Endpoint::take_events`] into `out` (appended), keeping both allocations.
    pub fn drain_events_into(&mut self, out: &mut Vec<TcpEvent>) {
        if !self.events.is_empty() {
            out.append(&mut self.events);
        }
    }

    /// Exchange the buffers transitions and events are recorded in with the caller's. A
    /// simulator lends its (empty) buffers before a call and takes them back with the records
    /// after it, so no TCB allocates buffers of its own.
    pub fn swap_records(&mut self, transitions: &mut Vec<Transition>, events: &mut Vec<TcpEvent>) {
        std::mem::swap(&mut self.transitions, transitions);
        std::mem::swap(&mut self.events, events);
    }

    /// RECEIVE: hand all readable in-order bytes to the application. The freed buffer reaches
    /// the sender through [`Endpoint::window_update`], which the caller runs after this.
    pub fn recv(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.recv_buf)
    }

    /// RECEIVE without a copy: `f` reads all readable in-order bytes where they lie, then
    /// they are consumed. Returns how many there were and what `f` returned.
    pub fn recv_with<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> (usize, R) {
        let n = self.recv_buf.len();
        let r = f(&self.recv_buf);
        self.recv_buf.clear();
        (n, r)
    }

    /// §3.10.3: the buffer RECEIVE freed "must be communicated to the sender via an
    /// acknowledgment" — but not a sliver at a time. Receiver SWS avoidance (§3.8.6.2.2,
    /// MUST-39): the right edge moves only when it advances by at least
    /// min(RCV.BUFF / 2, Eff.snd.MSS) beyond what we last announced. And, as Linux's
    /// `tcp_cleanup_rbuf`, an update is sent only when the sender may be held back: the window
    /// it knows has fallen to half the buffer or less. Otherwise the next ACK carries the news.
    pub fn window_update(&mut self, _now: SimTime) -> Vec<Segment> {
        // Only while the peer may still send: after its FIN no more data comes.
        if !matches!(
            self.state,
            State::Established | State::FinWait1 | State::FinWait2
        ) {
            return Vec::new();
        }
        let buf = u32::from(self.cfg.rcv_wnd);
        let known = (self.rcv_adv_right.get() - self.rcv_nxt).max(0) as u32;
        let right = self.rcv_nxt + self.rcv_wnd();
        let grew = (right - self.rcv_adv_right.get()).max(0) as u32;
        let threshold = (buf / 2).min(self.effective_mss() as u32).max(1);
        if known <= buf / 2 && grew >= threshold {
            vec![self.ack_now()]
        } else {
            Vec::new()
        }
    }

    /// SO_KEEPALIVE and friends: this endpoint's parameters from now on. Keep-alive is armed
    /// (or stopped) at once on an ESTABLISHED connection; RTO bounds apply from the next
    /// connection (the running estimate keeps its own).
    pub fn set_config(&mut self, now: SimTime, cfg: Config) {
        let keepalive_changed = cfg.keepalive != self.cfg.keepalive;
        self.cfg = cfg;
        if self.state == State::Closed {
            self.rto = RtoEstimator::new(cfg.rto_initial, cfg.rto_min, cfg.rto_max);
        }
        if keepalive_changed && self.state == State::Established {
            if cfg.keepalive.is_some() {
                self.arm_keepalive(now);
            } else {
                self.keepalive_at = None;
                self.keepalive_probes = 0;
            }
        }
    }

    /// When the caller must next call [`Endpoint::on_timer`] (smoltcp's `poll_at`).
    pub fn next_deadline(&self) -> Option<SimTime> {
        fn earlier(a: Option<SimTime>, b: Option<SimTime>) -> Option<SimTime> {
            match (a, b) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, None) => x,
                (None, y) => y,
            }
        }
        let a = earlier(self.retransmit_at, self.time_wait_until);
        let b = earlier(self.delayed_ack_at, self.keepalive_at);
        earlier(earlier(a, b), self.persist_at)
    }

    // ---- the one door for state changes ---------------------------------------------------

    fn set_state(&mut self, now: SimTime, to: State, cause: Cause) {
        if self.state == to {
            return;
        }
        self.fresh = false;
        self.transitions.push(Transition {
            at: now,
            from: self.state,
            to,
            cause,
        });
        self.state = to;
        match to {
            State::Closed | State::Listen => {
                self.retransmit_at = None;
                self.time_wait_until = None;
                self.delayed_ack_at = None;
                self.keepalive_at = None;
                self.persist_at = None;
            }
            State::TimeWait => {
                // §3.4.2: wait 2·MSL so stray segments of this incarnation die out;
                // §3.10.7.4: "start the time-wait timer, turn off the other timers".
                self.retransmit_at = None;
                self.keepalive_at = None;
                self.delayed_ack_at = None;
                self.persist_at = None;
                self.time_wait_until = Some(now + self.time_wait_length());
            }
            State::Established => self.arm_keepalive(now),
            // Keep-alives probe an idle ESTABLISHED connection only.
            _ => self.keepalive_at = None,
        }
    }

    // ---- user calls (§3.10.1 – §3.10.6) ---------------------------------------------------

    /// OPEN, active (§3.10.1): send SYN with our ISS, enter SYN-SENT. In LISTEN with the remote
    /// socket specified the connection turns active; unspecified, that is an error.
    pub fn connect(&mut self, now: SimTime, iss: SeqNum) -> Result<Vec<Segment>, UserError> {
        let mut out = Vec::new();
        self.connect_into(now, iss, &mut out).map(|()| out)
    }

    /// [`Endpoint::connect`], appending the SYN to `out`.
    pub fn connect_into(
        &mut self,
        now: SimTime,
        iss: SeqNum,
        out: &mut Vec<Segment>,
    ) -> Result<(), UserError> {
        match self.state {
            State::Closed => {}
            State::Listen if self.remote_port == 0 => {
                return Err(UserError::RemoteSocketUnspecified)
            }
            State::Listen => {}
            _ => return Err(UserError::ConnectionAlreadyExists),
        }
        self.open_active(now, iss, out);
        Ok(())
    }

    /// §3.10.1: "A SYN segment of the form <SEQ=ISS><CTL=SYN> is sent. Set SND.UNA to ISS,
    /// SND.NXT to ISS+1, enter SYN-SENT state" — on a new TCB.
    fn open_active(&mut self, now: SimTime, iss: SeqNum, out: &mut Vec<Segment>) {
        self.reset_tcb();
        self.passive = false;
        self.iss = iss;
        self.snd_una = iss;
        self.snd_nxt = iss + 1u32;
        self.buf_seq = self.snd_nxt;
        self.set_state(now, State::SynSent, Cause::User(UserCall::Connect));
        let syn = self.syn_segment();
        self.rtt_probe = Some((self.snd_nxt, now));
        self.arm_retransmit(now);
        out.push(syn);
    }

    /// OPEN, passive (§3.10.1): wait in LISTEN. `iss` is used for the SYN+ACK.
    pub fn listen(&mut self, now: SimTime, iss: SeqNum) -> Result<(), UserError> {
        if self.state != State::Closed {
            return Err(UserError::ConnectionAlreadyExists);
        }
        self.reset_tcb();
        self.iss = iss;
        self.passive = true;
        self.listen_remote_port = self.remote_port;
        self.set_state(now, State::Listen, Cause::User(UserCall::Listen));
        Ok(())
    }

    /// §3.10.1 CLOSED: "Create a new transmission control block (TCB)": nothing of an earlier
    /// connection on this endpoint (its FIN, buffers, retries, RTT estimate) carries over.
    /// What the user configured and what is not yet taken (transitions, events) stays.
    fn reset_tcb(&mut self) {
        if self.fresh {
            self.rcv_adv_right.set(SeqNum(0));
            #[cfg(debug_assertions)]
            {
                let mut image = self.reset_image();
                image.transitions = self.transitions.clone();
                image.events = self.events.clone();
                debug_assert_eq!(
                    format!("{self:?}"),
                    format!("{image:?}"),
                    "a fresh TCB changed without a state change"
                );
            }
            return;
        }
        let mut fresh = self.reset_image();
        fresh.transitions = std::mem::take(&mut self.transitions);
        fresh.events = std::mem::take(&mut self.events);
        *self = fresh;
    }

    /// What [`Endpoint::reset_tcb`] makes of this TCB, but for the records it keeps.
    fn reset_image(&self) -> Endpoint {
        let mut fresh = Endpoint::new(self.cfg, self.local_port, self.remote_port);
        fresh.state = self.state;
        fresh.passive = self.passive;
        fresh.listen_remote_port = self.listen_remote_port;
        fresh.iss = self.iss;
        fresh
    }

    /// A copy of a LISTEN endpoint for one incoming SYN: the socket layer keeps the listener
    /// and gives each connection its own TCB, already in LISTEN, answering with `iss`.
    pub fn fork_for(&self, remote_port: u16, iss: SeqNum) -> Endpoint {
        let mut child = Endpoint::new(self.cfg, self.local_port, remote_port);
        child.state = State::Listen;
        child.passive = true;
        child.iss = iss;
        child
    }

    /// SEND (§3.10.2): queue bytes; they leave as window and MSS allow.
    pub fn send(&mut self, now: SimTime, data: &[u8]) -> Result<Vec<Segment>, UserError> {
        let mut out = Vec::new();
        self.send_into(now, data, false, &mut out).map(|()| out)
    }

    /// SEND with the URGENT flag: the urgent pointer marks the end of `data` (§3.8.5).
    pub fn send_urgent(&mut self, now: SimTime, data: &[u8]) -> Result<Vec<Segment>, UserError> {
        let mut out = Vec::new();
        self.send_into(now, data, true, &mut out).map(|()| out)
    }

    /// SEND (URGENT if `urgent`), appending what leaves now to `out`.
    pub fn send_into(
        &mut self,
        now: SimTime,
        data: &[u8],
        urgent: bool,
        out: &mut Vec<Segment>,
    ) -> Result<(), UserError> {
        match self.state {
            State::Closed => Err(UserError::ConnectionDoesNotExist),
            State::Listen if self.remote_port == 0 => Err(UserError::RemoteSocketUnspecified),
            State::Listen => {
                // §3.10.2 LISTEN: "If the remote socket is specified, then change the connection
                // from passive to active ... Send a SYN ... Data associated with SEND may be ...
                // queued for transmission after entering ESTABLISHED state."
                // NOTE: the transition is recorded as Cause::User(UserCall::Connect): a SEND here
                // is an implicit active OPEN, and UserCall has no Send.
                let iss = self.iss;
                self.open_active(now, iss, out);
                self.queue(data, urgent);
                Ok(())
            }
            State::FinWait1
            | State::FinWait2
            | State::Closing
            | State::LastAck
            | State::TimeWait => Err(UserError::ConnectionClosing),
            State::SynSent | State::SynReceived | State::Established | State::CloseWait => {
                if self.fin_queued {
                    return Err(UserError::ConnectionClosing);
                }
                self.queue(data, urgent);
                self.output_into(now, out);
                Ok(())
            }
        }
    }

    /// Append to the send queue; URGENT moves SND.UP to just past these bytes (§3.8.5,
    /// MUST-62: "the octet following the urgent data").
    fn queue(&mut self, data: &[u8], urgent: bool) {
        self.send_buf.push(data);
        if urgent {
            self.snd_up = Some(self.buf_seq + self.send_buf.len());
        }
    }

    /// CLOSE (§3.10.4): "I have no more to send." The FIN follows the queued data.
    pub fn close(&mut self, now: SimTime) -> Result<Vec<Segment>, UserError> {
        let mut out = Vec::new();
        self.close_into(now, &mut out).map(|()| out)
    }

    /// [`Endpoint::close`], appending what to send to `out`.
    pub fn close_into(&mut self, now: SimTime, out: &mut Vec<Segment>) -> Result<(), UserError> {
        let cause = Cause::User(UserCall::Close);
        match self.state {
            State::Closed => Err(UserError::ConnectionDoesNotExist),
            State::Listen | State::SynSent => {
                // "Delete the TCB and return 'error: closing' responses to any queued SENDs"
                self.send_buf.clear();
                self.set_state(now, State::Closed, cause);
                Ok(())
            }
            State::SynReceived if self.fin_queued => Err(UserError::ConnectionClosing),
            State::SynReceived if !self.send_buf.is_empty() => {
                // "otherwise, queue for processing after entering ESTABLISHED state": the data
                // must not leave before the handshake completes, and the FIN comes after it.
                self.fin_queued = true;
                Ok(())
            }
            State::SynReceived | State::Established => {
                self.fin_queued = true;
                self.set_state(now, State::FinWait1, cause);
                self.output_into(now, out);
                Ok(())
            }
            State::CloseWait => {
                self.fin_queued = true;
                self.set_state(now, State::LastAck, cause);
                self.output_into(now, out);
                Ok(())
            }
            State::FinWait1
            | State::FinWait2
            | State::Closing
            | State::LastAck
            | State::TimeWait => Err(UserError::ConnectionClosing),
        }
    }

    /// ABORT (§3.10.5): send RST where the peer has a TCB, drop everything, enter CLOSED.
    pub fn abort(&mut self, now: SimTime) -> Vec<Segment> {
        let out = match self.state {
            State::SynReceived
            | State::Established
            | State::FinWait1
            | State::FinWait2
            | State::CloseWait => vec![self.segment(Flags::RST, self.snd_nxt, Payload::EMPTY)],
            _ => Vec::new(),
        };
        self.send_buf.clear();
        self.set_state(now, State::Closed, Cause::User(UserCall::Abort));
        out
    }

    // ---- segment arrival (§3.10.7) --------------------------------------------------------

    /// SEGMENT ARRIVES: process `seg`, return what to send in reply.
    pub fn on_segment(&mut self, now: SimTime, seg: &Segment) -> Vec<Segment> {
        let mut out = Vec::new();
        self.on_segment_into(now, seg, &mut out);
        out
    }

    /// [`Endpoint::on_segment`], appending what to send to `out` (no allocation of its own).
    pub fn on_segment_into(&mut self, now: SimTime, seg: &Segment, out: &mut Vec<Segment>) {
        let cause = Cause::Segment {
            flags: seg.flags,
            seq: seg.seq,
            ack: seg.ack,
        };
        match self.state {
            // §3.10.7.1: no TCB — answer anything but RST with RST.
            State::Closed => out.extend(reset_for_unknown(seg)),
            State::Listen => self.on_segment_listen(now, seg, cause, out),
            State::SynSent => self.on_segment_syn_sent(now, seg, cause, out),
            _ => self.on_segment_synchronized(now, seg, cause, out),
        }
    }

    /// §3.10.7.2 LISTEN.
    fn on_segment_listen(
        &mut self,
        now: SimTime,
        seg: &Segment,
        cause: Cause,
        out: &mut Vec<Segment>,
    ) {
        // "An incoming RST should be ignored."
        if seg.flags.rst() {
            return;
        }
        // "Any acknowledgment is bad if it arrives on a connection still in the LISTEN
        // state. An acceptable reset segment should be formed for any arriving ACK-bearing
        // segment": <SEQ=SEG.ACK><CTL=RST>.
        if seg.flags.ack() {
            out.extend(reset_for_unknown(seg));
            return;
        }
        // Fourth: "Drop the segment and return."
        if !seg.flags.syn() {
            return;
        }
        // A TCB that came back to LISTEN forgets its last attempt.
        self.reset_tcb();
        // "If the listen was not fully specified ... the unspecified fields should be filled
        // in now."
        if self.remote_port == 0 {
            self.remote_port = seg.src_port;
        }
        // "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... send
        // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, SND.NXT = ISS+1, SND.UNA = ISS".
        self.irs = seg.seq;
        self.rcv_nxt = seg.seq + 1u32;
        self.rcv_up = self.rcv_nxt;
        self.snd_una = self.iss;
        self.snd_nxt = self.iss + 1u32;
        self.buf_seq = self.snd_nxt;
        self.snd_wnd = u32::from(seg.window);
        self.peer_mss = seg.mss.unwrap_or(536);
        self.set_state(now, State::SynReceived, cause);
        self.rtt_probe = Some((self.snd_nxt, now));
        self.arm_retransmit(now);
        // NOTE: text or FIN on the SYN "should be queued for processing later"; we drop it and
        // acknowledge only the SYN, so the peer sends it again (rare without TCP Fast Open).
        out.push(self.syn_segment());
    }

    /// §3.10.7.3 SYN-SENT.
    fn on_segment_syn_sent(
        &mut self,
        now: SimTime,
        seg: &Segment,
        cause: Cause,
        out: &mut Vec<Segment>,
    ) {
        // First, check the ACK bit: unacceptable if SEG.ACK =< ISS or SEG.ACK > SND.NXT.
        if seg.flags.ack() && (seg.ack <= self.iss || seg.ack > self.snd_nxt) {
            if seg.flags.rst() {
                return;
            }
            out.push(self.segment(Flags::RST, seg.ack, Payload::EMPTY));
            return;
        }
        // Second, the RST bit: with an acceptable ACK, "error: connection reset" (refused).
        if seg.flags.rst() {
            if seg.flags.ack() {
                self.events.push(TcpEvent::Refused);
                self.send_buf.clear();
                self.set_state(now, State::Closed, cause);
            }
            return;
        }
        // Fifth: "If neither of the SYN or RST bits is set, then drop the segment".
        if !seg.flags.syn() {
            return;
        }
        // Fourth, the SYN bit.
        self.irs = seg.seq;
        self.rcv_nxt = seg.seq + 1u32;
        self.rcv_up = self.rcv_nxt;
        self.peer_mss = seg.mss.unwrap_or(536);
        if seg.flags.ack() {
            self.snd_una = seg.ack;
            self.on_new_ack(now, seg.ack);
        }
        self.snd_wnd = u32::from(seg.window);
        self.snd_wl1 = seg.seq;
        self.snd_wl2 = seg.ack;
        if self.snd_una > self.iss {
            // "our SYN has been ACKed": ESTABLISHED.
            self.set_state(now, State::Established, cause);
            self.events.push(TcpEvent::Connected);
            // "If there are other controls or text in the segment, then continue processing at
            // the sixth step under Section 3.10.7.4" — on the segment without its SYN.
            if !seg.payload.is_empty() || seg.flags.fin() || seg.flags.urg() {
                let rest = Segment {
                    seq: seg.seq + 1u32,
                    flags: seg.flags.without(Flags::SYN),
                    ..seg.clone()
                };
                self.process_text(now, &rest, cause);
            }
            // "form an ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it", built after
            // the text so that one ACK covers SYN, text and FIN ("Some TCP implementations
            // suppress sending this segment when the received segment contains data").
            out.push(self.ack_now());
            self.output_into(now, out);
        } else {
            // Simultaneous open: "enter SYN-RECEIVED, form a SYN,ACK segment
            // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it."
            self.set_state(now, State::SynReceived, cause);
            self.rtt_probe = None;
            self.arm_retransmit(now);
            out.push(self.syn_segment());
        }
    }

    /// §3.10.7.4 "Otherwise": SYN-RECEIVED and all synchronized states.
    fn on_segment_synchronized(
        &mut self,
        now: SimTime,
        seg: &Segment,
        cause: Cause,
        out: &mut Vec<Segment>,
    ) {
        // NOTE: a repeated SYN in SYN-RECEIVED means our SYN+ACK was lost. The RFC's first
        // check would answer it with a bare ACK, which a peer in SYN-SENT drops; like Linux we
        // answer with the SYN+ACK again.
        if self.state == State::SynReceived
            && seg.flags.syn()
            && !seg.flags.ack()
            && seg.seq == self.irs
        {
            out.push(self.syn_segment());
            return;
        }
        // Simultaneous open (Figure 8, line 6): the peer's SYN+ACK repeats the SYN we already
        // hold. "Trimming off any portions that lie outside the window (including SYN and FIN)"
        // leaves an ACK that completes the open (Linux special-cases it the same way).
        let trimmed;
        let seg = if self.state == State::SynReceived
            && seg.flags.syn()
            && seg.flags.ack()
            && seg.seq == self.irs
        {
            trimmed = Segment {
                seq: seg.seq + 1u32,
                flags: seg.flags.without(Flags::SYN),
                ..seg.clone()
            };
            &trimmed
        } else {
            seg
        };

        // First, check the sequence number.
        let mut text_fits = true;
        if !self.acceptable(seg) {
            if self.rcv_wnd() == 0 && seg.seq == self.rcv_nxt && !seg.flags.syn() {
                // "If the RCV.WND is zero, no segments will be acceptable, but special allowance
                // should be made to accept valid ACKs, URGs, and RSTs": go on without the text.
                text_fits = false;
            } else {
                if seg.flags.rst() {
                    return;
                }
                // TIME-WAIT: "The only thing that can arrive in this state is a retransmission
                // of the remote FIN. Acknowledge it, and restart the 2 MSL timeout."
                if self.state == State::TimeWait
                    && seg.flags.fin()
                    && seg.seq + seg.seg_len() == self.rcv_nxt
                {
                    self.time_wait_until = Some(now + self.time_wait_length());
                }
                // "an acknowledgment should be sent in reply ... drop the unacceptable segment"
                out.push(self.ack_now());
                return;
            }
        }
        self.note_activity(now);

        // Second, the RST bit (with RFC 5961 §3.2's exact-match rule adopted by RFC 9293).
        if seg.flags.rst() {
            if seg.seq != self.rcv_nxt {
                // A challenge ACK.
                out.push(self.ack_now());
                return;
            }
            match self.state {
                State::SynReceived if self.passive => {
                    // "return this connection to LISTEN state and return. The user need not be
                    // informed ... the retransmission queue should be flushed."
                    self.send_buf.clear();
                    self.fin_queued = false;
                    self.remote_port = self.listen_remote_port;
                    self.set_state(now, State::Listen, cause);
                }
                State::SynReceived => {
                    self.events.push(TcpEvent::Refused);
                    self.send_buf.clear();
                    self.set_state(now, State::Closed, cause);
                }
                State::Established | State::FinWait1 | State::FinWait2 | State::CloseWait => {
                    self.events.push(TcpEvent::Reset);
                    self.send_buf.clear();
                    self.set_state(now, State::Closed, cause);
                }
                // CLOSING, LAST-ACK, TIME-WAIT: "enter the CLOSED state, delete the TCB".
                _ => self.set_state(now, State::Closed, cause),
            }
            return;
        }

        // Fourth, the SYN bit.
        if seg.flags.syn() {
            if self.state == State::SynReceived && self.passive {
                // "If the connection was initiated with a passive OPEN, then return this
                // connection to the LISTEN state and return."
                self.send_buf.clear();
                self.fin_queued = false;
                self.remote_port = self.listen_remote_port;
                self.set_state(now, State::Listen, cause);
                return;
            }
            // RFC 5961 §4: in a synchronized state a SYN gets a challenge ACK.
            out.push(self.ack_now());
            return;
        }

        // Fifth, the ACK field.
        if !seg.flags.ack() {
            return;
        }
        if self.state == State::SynReceived {
            if self.snd_una < seg.ack && seg.ack <= self.snd_nxt {
                self.snd_wnd = u32::from(seg.window);
                self.snd_wl1 = seg.seq;
                self.snd_wl2 = seg.ack;
                self.set_state(now, State::Established, cause);
                self.events.push(TcpEvent::Connected);
                if self.fin_queued {
                    // §3.10.4 SYN-RECEIVED: the CLOSE "queue[d] for processing after entering
                    // ESTABLISHED state" is processed now.
                    self.set_state(now, State::FinWait1, Cause::User(UserCall::Close));
                }
            } else {
                // "form a reset segment <SEQ=SEG.ACK><CTL=RST> and send it"
                out.push(self.segment(Flags::RST, seg.ack, Payload::EMPTY));
                return;
            }
        }
        if seg.ack > self.snd_nxt {
            // "If the ACK acks something not yet sent ... send an ACK, drop the segment."
            out.push(self.ack_now());
            return;
        }
        if self.snd_una < seg.ack {
            self.snd_una = seg.ack;
            self.on_new_ack(now, seg.ack);
        } else if seg.ack == self.snd_una
            && seg.payload.is_empty()
            && !seg.flags.fin()
            && u32::from(seg.window) == self.snd_wnd
            && seg.window != 0
            && self.snd_nxt != self.snd_una
        {
            // RFC 5681 §2 "duplicate ACK"; the threshold-th one triggers fast retransmit
            // (§3.2). A zero window answers a window probe and says nothing about loss.
            self.dupacks += 1;
            if self.dupacks == self.cfg.dupack_threshold {
                self.rtt_probe = None; // Karn
                out.push(self.retransmit_head());
            }
        } else if seg.ack == self.snd_una && seg.window == 0 && self.snd_nxt != self.snd_una {
            // §3.8.6.1 (MUST-37): "As long as the receiving TCP peer continues to send
            // acknowledgments in response to the probe segments, the sending TCP peer MUST allow
            // the connection to stay open" — retransmissions into a zero window are such probes.
            self.retries = 0;
        }
        // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If (SND.WL1 <
        // SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK))" — old segments may not.
        if self.snd_una <= seg.ack
            && (self.snd_wl1 < seg.seq || (self.snd_wl1 == seg.seq && self.snd_wl2 <= seg.ack))
        {
            self.snd_wnd = u32::from(seg.window);
            self.snd_wl1 = seg.seq;
            self.snd_wl2 = seg.ack;
        }
        match self.state {
            State::Closing if self.our_fin_acked() => {
                // "if the ACK acknowledges our FIN, then enter the TIME-WAIT state"
                self.set_state(now, State::TimeWait, cause);
                return;
            }
            State::LastAck if self.our_fin_acked() => {
                // "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state."
                self.events.push(TcpEvent::Closed);
                self.set_state(now, State::Closed, cause);
                return;
            }
            _ => {}
        }

        // Sixth to eighth: URG, text, FIN.
        let need_ack = if text_fits {
            self.process_text(now, seg, cause)
        } else {
            // Zero window: the URG still counts; the text does not, and the ACK shows the
            // window is still zero (§3.8.6.1).
            self.process_urg(seg);
            true
        };
        // FIN-WAIT-1: "if the FIN segment is now acknowledged, then enter FIN-WAIT-2" (after
        // the FIN check, so FIN+ACK of our FIN goes straight to TIME-WAIT in one transition).
        if self.state == State::FinWait1 && self.our_fin_acked() {
            self.set_state(now, State::FinWait2, cause);
        }
        // "This acknowledgment should be piggybacked on a segment being transmitted if
        // possible": data leaving now carries RCV.NXT, so a bare ACK is sent only without it.
        let start = out.len();
        self.output_into(now, out);
        if need_ack && out.len() == start {
            out.push(self.ack_now());
        }
    }

    fn our_fin_acked(&self) -> bool {
        self.fin_seq.is_some_and(|f| self.snd_una > f)
    }

    /// §3.10.7.4 sixth to eighth: the URG bit, the segment text, the FIN bit. Returns whether an
    /// ACK must go out now (rather than after the delayed-ACK timeout, or not at all).
    fn process_text(&mut self, now: SimTime, seg: &Segment, cause: Cause) -> bool {
        let receiving = matches!(
            self.state,
            State::Established | State::FinWait1 | State::FinWait2
        );
        if !receiving {
            // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: "This should not occur since a FIN has
            // been received from the remote side. Ignore the URG" and "Ignore the segment
            // text"; an acceptable FIN here means "Remain in the ... state" (and ACK it).
            if seg.flags.fin() && self.state == State::TimeWait {
                // "Restart the 2 MSL time-wait timeout."
                self.time_wait_until = Some(now + self.time_wait_length());
            }
            return seg.flags.fin();
        }
        self.process_urg(seg);
        if seg.payload.is_empty() && !seg.flags.fin() {
            return false;
        }
        let had_gap = !self.ooo.is_empty();
        let text = self.accept_text(seg);
        if text.delivered > 0 {
            self.events.push(TcpEvent::Data(text.delivered));
        }
        if text.fin {
            self.fin_arrived(now, cause);
        }
        // RFC 5681 §4.2: "an immediate duplicate ACK when an out-of-order segment arrives" and
        // "an immediate ACK when the incoming segment fills in all or part of a gap"; the FIN
        // is acknowledged at once; a trimmed segment learns the window edge at once.
        if !text.in_order || text.fin || text.trimmed || (had_gap && text.delivered > 0) {
            true
        } else if text.delivered > 0 {
            self.ack_now_or_delay(now)
        } else {
            false
        }
    }

    /// §3.10.7.4 sixth: "RCV.UP <- max(RCV.UP,SEG.UP), and signal the user ... If the user has
    /// already been signaled ... do not signal the user again."
    fn process_urg(&mut self, seg: &Segment) {
        if seg.flags.urg() {
            let up = seg.seq + u32::from(seg.urgent);
            if up > self.rcv_up {
                self.rcv_up = up;
                self.events.push(TcpEvent::Urgent);
            }
        }
    }

    /// §3.10.7.4 eighth: "signal the user 'connection closing' ... advance RCV.NXT over the FIN"
    /// (done by `accept_text`), then the state change.
    fn fin_arrived(&mut self, now: SimTime, cause: Cause) {
        self.events.push(TcpEvent::PeerClosed);
        match self.state {
            State::Established => self.set_state(now, State::CloseWait, cause),
            // "If our FIN has been ACKed (perhaps in this segment), then enter TIME-WAIT ...;
            // otherwise, enter the CLOSING state."
            State::FinWait1 if self.our_fin_acked() => self.set_state(now, State::TimeWait, cause),
            State::FinWait1 => self.set_state(now, State::Closing, cause),
            State::FinWait2 => self.set_state(now, State::TimeWait, cause),
            _ => {}
        }
    }

    /// RFC 9293 §3.10.7.4's four-case acceptability test.
    fn acceptable(&self, seg: &Segment) -> bool {
        let len = seg.seg_len();
        let wnd = self.rcv_wnd();
        match (len, wnd) {
            (0, 0) => seg.seq == self.rcv_nxt,
            (0, _) => seg.seq.in_window(self.rcv_nxt, wnd),
            (_, 0) => false,
            _ => {
                seg.seq.in_window(self.rcv_nxt, wnd)
                    || (seg.seq + (len - 1)).in_window(self.rcv_nxt, wnd)
            }
        }
    }

    /// Take the in-window part of the text and FIN: "trimming off any portions that lie outside
    /// the window (including SYN and FIN)"; what starts beyond RCV.NXT is held (SHLD-31) and
    /// reassembled once the gap before it fills.
    fn accept_text(&mut self, seg: &Segment) -> Text {
        let len = seg.payload.len();
        let skip = ((self.rcv_nxt - seg.seq).max(0) as usize).min(len);
        let start = seg.seq + skip;
        let mut data = &seg.payload[skip..];
        let mut fin = seg.flags.fin();
        let right_edge = self.rcv_nxt + self.rcv_wnd();
        let room = (right_edge - start).max(0) as usize;
        let mut trimmed = false;
        if data.len() > room {
            data = &data[..room];
            trimmed = true;
        }
        if fin && data.len() >= room {
            // The FIN would sit at or past RCV.NXT+RCV.WND: outside the window.
            fin = false;
            trimmed = true;
        }
        if start != self.rcv_nxt {
            if !data.is_empty() || fin {
                let at = self.ooo.binary_search_by_key(&start.0, |&(k, _, _)| k);
                let longer = at.map_or(true, |i| {
                    let (_, d, f) = &self.ooo[i];
                    data.len() + usize::from(fin) > d.len() + usize::from(*f)
                });
                if longer {
                    let piece = (start.0, data.to_vec(), fin);
                    match at {
                        Ok(i) => self.ooo[i] = piece,
                        Err(i) => self.ooo.insert(i, piece),
                    }
                }
            }
            return Text {
                delivered: 0,
                fin: false,
                in_order: false,
                trimmed,
            };
        }
        let mut delivered = data.len();
        self.recv_buf.extend_from_slice(data);
        self.rcv_nxt = self.rcv_nxt + data.len();
        // Pull in held pieces the gap was holding back ("processed in SEG.SEQ order").
        while !fin && !self.ooo.is_empty() {
            let Some(i) = self.ooo.iter().position(|&(k, ref d, f)| {
                SeqNum(k) <= self.rcv_nxt && (SeqNum(k) + d.len() > self.rcv_nxt || f)
            }) else {
                break;
            };
            let (k, d, f) = self.ooo.remove(i);
            let skip = (self.rcv_nxt - SeqNum(k)).max(0) as usize;
            let fresh = &d[skip.min(d.len())..];
            delivered += fresh.len();
            self.recv_buf.extend_from_slice(fresh);
            self.rcv_nxt = self.rcv_nxt + fresh.len();
            fin = f;
        }
        if !self.ooo.is_empty() {
            let rcv_nxt = self.rcv_nxt;
            self.ooo.retain(|(k, d, _)| SeqNum(*k) + d.len() > rcv_nxt);
        }
        if fin {
            self.rcv_nxt = self.rcv_nxt + 1u32;
            self.ooo.clear();
        }
        Text {
            delivered,
            fin,
            in_order: true,
            trimmed,
        }
    }

    /// RFC 1122 §4.2.3.2: ACK at least every second full segment, else within the delay.
    fn ack_now_or_delay(&mut self, now: SimTime) -> bool {
        match self.cfg.delayed_ack {
            None => true,
            Some(delay) => {
                self.unacked_rcvd += 1;
                if self.unacked_rcvd >= 2 {
                    true
                } else {
                    self.delayed_ack_at = Some(now + delay);
                    false
                }
            }
        }
    }

    /// Bookkeeping for an ACK that advanced SND.UNA (already set).
    fn on_new_ack(&mut self, now: SimTime, ack: SeqNum) {
        // Drop acknowledged data bytes from the send buffer (SYN and FIN occupy no bytes).
        let acked = (ack - self.buf_seq).max(0) as usize;
        let n = acked.min(self.send_buf.len());
        self.send_buf.drop_front(n);
        self.buf_seq = self.buf_seq + n;
        if let Some((end, sent)) = self.rtt_probe {
            if ack >= end {
                self.rto.sample(now - sent);
                self.rtt_probe = None;
            }
        }
        self.retries = 0;
        self.dupacks = 0;
        if self.snd_una == self.snd_nxt {
            self.retransmit_at = None;
        } else {
            self.arm_retransmit(now); // RFC 6298 §5.3: restart on new data acked
        }
    }

    // ---- sending --------------------------------------------------------------------------

    /// Data bytes sent and not yet acknowledged.
    fn data_in_flight(&self) -> usize {
        let sent_end = match self.fin_seq {
            Some(f) => f,
            None => self.snd_nxt,
        };
        ((sent_end - self.buf_seq).max(0) as usize).min(self.send_buf.len())
    }

    /// Eff.snd.MSS (§3.7.1): the peer's MSS option (536 without one), bounded by ours.
    pub fn effective_mss(&self) -> usize {
        usize::from(self.cfg.mss.min(self.peer_mss)).max(1)
    }

    /// Send what the window allows: new data in MSS pieces, then the FIN once all data left;
    /// appended to `out`.
    fn output_into(&mut self, now: SimTime, out: &mut Vec<Segment>) {
        let start = out.len();
        // CLOSING is here too: a FIN from the peer can arrive while our data and FIN still wait
        // for window in FIN-WAIT-1.
        let can_send = matches!(
            self.state,
            State::Established
                | State::CloseWait
                | State::FinWait1
                | State::Closing
                | State::LastAck
        );
        if !can_send || self.fin_seq.is_some() {
            return;
        }
        if self.snd_wnd > 0 && self.persist_at.is_some() {
            // The window opened: stop probing. A probe octet not yet acknowledged is now
            // ordinary data in flight and needs the retransmission timer.
            self.persist_at = None;
            self.persist_probes = 0;
            if self.snd_una != self.snd_nxt && self.retransmit_at.is_none() {
                self.arm_retransmit(now);
            }
        }
        loop {
            let in_flight = self.data_in_flight();
            let unsent = self.send_buf.len() - in_flight;
            let outstanding = (self.snd_nxt - self.snd_una).max(0) as usize;
            let usable = (self.snd_wnd as usize).saturating_sub(outstanding);
            if unsent == 0 || usable == 0 {
                break;
            }
            let len = unsent.min(usable).min(self.effective_mss());
            let seg = self.data_segment(in_flight, len);
            self.snd_nxt = self.snd_nxt + len;
            if self.rtt_probe.is_none() {
                self.rtt_probe = Some((self.snd_nxt, now));
            }
            if self.retransmit_at.is_none() {
                self.arm_retransmit(now);
            }
            out.push(seg);
        }
        if self.fin_queued && self.data_in_flight() == self.send_buf.len() {
            // NOTE: the FIN goes out even into a zero window (as most stacks do); a receiver
            // trims it like any segment beyond its window and the FIN is retransmitted.
            let seq = self.snd_nxt;
            out.push(self.segment(Flags::FIN | Flags::ACK, seq, Payload::EMPTY));
            self.fin_seq = Some(seq);
            self.snd_nxt = self.snd_nxt + 1u32;
            if self.retransmit_at.is_none() {
                self.arm_retransmit(now);
            }
        }
        // §3.8.6.1: data waits behind a zero window with nothing in flight (so no ACK will
        // come by itself): probe "when a zero window has existed for the retransmission
        // timeout period".
        let unsent = self.send_buf.len() - self.data_in_flight();
        if self.snd_wnd == 0
            && unsent > 0
            && self.snd_una == self.snd_nxt
            && self.persist_at.is_none()
        {
            self.persist_at = Some(now + self.persist_interval());
        }
        if out.len() > start {
            // Every segment we send carries our latest ACK, so no ACK is owed any more.
            self.delayed_ack_at = None;
            self.unacked_rcvd = 0;
        }
    }

    /// `len` bytes of the send queue from `offset`, at their sequence number: PSH on the piece
    /// that ends the queued data, URG while urgent data is ahead.
    fn data_segment(&self, offset: usize, len: usize) -> Segment {
        let payload = self.send_buf.range(offset, len);
        let mut flags = Flags::ACK;
        if offset + len == self.send_buf.len() {
            flags |= Flags::PSH;
        }
        let mut seg = self.segment(flags, self.buf_seq + offset, payload);
        self.mark_urgent(&mut seg);
        seg
    }

    fn mark_urgent(&self, seg: &mut Segment) {
        if let Some(up) = self.snd_up {
            if up > seg.seq {
                seg.flags |= Flags::URG;
                seg.urgent = u16::try_from(up - seg.seq).unwrap_or(u16::MAX);
            }
        }
    }

    /// The earliest unacknowledged segment, rebuilt for retransmission (RFC 6298 §5.4).
    fn retransmit_head(&self) -> Segment {
        // Our SYN (or SYN+ACK) is unacknowledged as long as SND.UNA = ISS — also in FIN-WAIT-1
        // after a CLOSE in SYN-RECEIVED.
        if self.snd_una == self.iss {
            return self.syn_segment();
        }
        let in_flight = self.data_in_flight();
        if in_flight > 0 {
            self.data_segment(0, in_flight.min(self.effective_mss()))
        } else if let Some(f) = self.fin_seq {
            self.segment(Flags::FIN | Flags::ACK, f, Payload::EMPTY)
        } else {
            self.ack_segment()
        }
    }

    /// SYN (active open) or SYN+ACK (once the peer's SYN is known), with our MSS.
    fn syn_segment(&self) -> Segment {
        let mut seg = if self.state == State::SynSent {
            self.segment(Flags::SYN, self.iss, Payload::EMPTY)
        } else {
            self.segment(Flags::SYN | Flags::ACK, self.iss, Payload::EMPTY)
        };
        seg.mss = Some(self.cfg.mss);
        seg
    }

    /// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
    fn ack_segment(&self) -> Segment {
        self.segment(Flags::ACK, self.snd_nxt, Payload::EMPTY)
    }

    /// An ACK sent now: it carries the latest RCV.NXT, so no delayed ACK is owed after it.
    fn ack_now(&mut self) -> Segment {
        self.delayed_ack_at = None;
        self.unacked_rcvd = 0;
        self.ack_segment()
    }

    fn segment(&self, flags: Flags, seq: SeqNum, payload: Payload) -> Segment {
        let window = u16::try_from(self.rcv_wnd()).unwrap_or(u16::MAX);
        self.rcv_adv_right.set(self.rcv_nxt + u32::from(window));
        Segment {
            src_port: self.local_port,
            dst_port: self.remote_port,
            seq,
            ack: if flags.ack() { self.rcv_nxt } else { SeqNum(0) },
            flags,
            window,
            urgent: 0,
            mss: None,
            payload,
        }
    }

    // ---- timers (§3.10.8) -----------------------------------------------------------------

    fn arm_retransmit(&mut self, now: SimTime) {
        self.retransmit_at = Some(now + self.rto.rto());
    }

    fn arm_keepalive(&mut self, now: SimTime) {
        self.keepalive_at = self.cfg.keepalive.map(|k| now + k.idle);
        self.keepalive_probes = 0;
    }

    /// §3.8.6.1: the first probe after one RTO, then "increase exponentially the interval
    /// between successive probes", bounded like the RTO itself.
    fn persist_interval(&self) -> SimDuration {
        let shift = 1u64 << self.persist_probes.min(20);
        self.rto.rto().saturating_mul(shift).min(self.cfg.rto_max)
    }

    /// §3.8.6.1: "transmit at least one octet of new data (if available), or retransmit" —
    /// the octet of an earlier probe while it is unacknowledged, else the next unsent one.
    fn window_probe(&mut self) -> Option<Segment> {
        if self.snd_wnd != 0 || self.fin_seq.is_some() {
            return None;
        }
        let in_flight = self.data_in_flight();
        if in_flight > 0 {
            return Some(self.data_segment(0, 1));
        }
        if self.send_buf.is_empty() {
            return None;
        }
        let probe = self.data_segment(0, 1);
        // The octet is sent (it may be taken); it is not timed (Karn) and not under the
        // retransmission timer: the persist timer resends it while the window stays shut.
        self.snd_nxt = self.snd_nxt + 1u32;
        Some(probe)
    }

    /// Something acceptable arrived: the connection is alive.
    fn note_activity(&mut self, now: SimTime) {
        if self.state == State::Established && self.cfg.keepalive.is_some() {
            self.arm_keepalive(now);
        }
    }

    /// TIMEOUT: handle every timer that is due at `now`.
    pub fn on_timer(&mut self, now: SimTime) -> Vec<Segment> {
        let mut out = Vec::new();
        self.on_timer_into(now, &mut out);
        out
    }

    /// [`Endpoint::on_timer`], appending what to send to `out`.
    pub fn on_timer_into(&mut self, now: SimTime, out: &mut Vec<Segment>) {
        if self.time_wait_until.is_some_and(|t| t <= now) {
            // "If the time-wait timeout expires on a connection, delete the TCB, enter the
            // CLOSED state, and return."
            self.time_wait_until = None;
            self.set_state(now, State::Closed, Cause::Timer(TimerKind::TimeWait));
            self.events.push(TcpEvent::Closed);
            return;
        }
        if self.retransmit_at.is_some_and(|t| t <= now) {
            let limit = match self.state {
                State::SynSent | State::SynReceived => self.cfg.syn_retries,
                _ => self.cfg.max_retries,
            };
            if self.retries >= limit {
                self.events.push(TcpEvent::TimedOut);
                self.send_buf.clear();
                self.set_state(now, State::Closed, Cause::GaveUp);
                return;
            }
            self.retries += 1;
            self.rto.on_timeout();
            self.rtt_probe = None; // Karn: never time a retransmitted segment
            out.push(self.retransmit_head());
            self.arm_retransmit(now);
        }
        if self.delayed_ack_at.is_some_and(|t| t <= now) {
            out.push(self.ack_now());
        }
        if self.keepalive_at.is_some_and(|t| t <= now) {
            if self.state != State::Established || self.snd_una != self.snd_nxt {
                // Only an idle, established connection is probed; look again later.
                self.arm_keepalive(now);
            } else if let Some(k) = self.cfg.keepalive {
                if self.keepalive_probes >= k.count {
                    self.events.push(TcpEvent::TimedOut);
                    self.send_buf.clear();
                    self.set_state(now, State::Closed, Cause::GaveUp);
                    return;
                }
                self.keepalive_probes += 1;
                self.keepalive_at = Some(now + k.interval);
                // §3.8.4: a probe with SEG.SEQ = SND.NXT-1 and no data makes the peer ACK.
                out.push(self.segment(Flags::ACK, self.snd_nxt - 1u32, Payload::EMPTY));
            }
        }
        if self.persist_at.is_some_and(|t| t <= now) {
            self.persist_at = None;
            if let Some(probe) = self.window_probe() {
                out.push(probe);
                self.persist_probes += 1;
                self.persist_at = Some(now + self.persist_interval());
            }
        }
    }

    /// How many keep-alive probes are unanswered.
    pub fn keepalive_probes(&self) -> u32 {
        self.keepalive_probes
    }

    /// 2·MSL, the length of TIME-WAIT (§3.4.2).
    pub fn time_wait_length(&self) -> SimDuration {
        self.cfg.msl.saturating_mul(2)
    }
}

#[cfg(test)]
mod tests;
