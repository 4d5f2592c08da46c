//! RFC 9293 §3.10: the event processing of one connection (a TCB), as a pure state machine.
//!
//! §3.10.1–§3.10.6 are the user calls (`connect`, `listen`, `send`, `close`, `abort`),
//! §3.10.7 is [`Endpoint::on_segment`], §3.10.8 is [`Endpoint::on_timer`]. Retransmission
//! follows RFC 6298, fast retransmit RFC 5681 §3.2, keep-alive RFC 9293 §3.8.4.

use super::{reset_for_unknown, Config, Flags, RtoEstimator, Segment, SeqNum, State};
use crate::time::{SimDuration, SimTime};
use std::collections::{BTreeMap, VecDeque};
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
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UserError::ConnectionDoesNotExist => "connection does not exist",
            UserError::ConnectionAlreadyExists => "connection already exists",
            UserError::ConnectionClosing => "connection closing",
        })
    }
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
    send_buf: VecDeque<u8>,
    buf_seq: SeqNum,
    /// The user called CLOSE: a FIN follows the buffered data.
    fin_queued: bool,
    /// Sequence number our FIN occupies, once sent.
    fin_seq: Option<SeqNum>,

    irs: SeqNum,
    rcv_nxt: SeqNum,
    rcv_up: SeqNum,
    recv_buf: Vec<u8>,
    /// Out-of-order data waiting for the gap before it (seq → bytes, FIN follows).
    ooo: BTreeMap<u32, (Vec<u8>, bool)>,

    rto: RtoEstimator,
    /// Karn's rule: the one segment being timed (its end seq, when it left); cleared when
    /// anything is retransmitted.
    rtt_probe: Option<(SeqNum, SimTime)>,
    retries: u32,
    dupacks: u32,
    unacked_rcvd: u32,
    keepalive_probes: u32,

    retransmit_at: Option<SimTime>,
    time_wait_until: Option<SimTime>,
    delayed_ack_at: Option<SimTime>,
    keepalive_at: Option<SimTime>,

    transitions: Vec<Transition>,
    events: Vec<TcpEvent>,
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
            iss: SeqNum(0),
            snd_una: SeqNum(0),
            snd_nxt: SeqNum(0),
            snd_wnd: 0,
            snd_wl1: SeqNum(0),
            snd_wl2: SeqNum(0),
            snd_up: None,
            peer_mss: 536,
            send_buf: VecDeque::new(),
            buf_seq: SeqNum(0),
            fin_queued: false,
            fin_seq: None,
            irs: SeqNum(0),
            rcv_nxt: SeqNum(0),
            rcv_up: SeqNum(0),
            recv_buf: Vec::new(),
            ooo: BTreeMap::new(),
            rto: RtoEstimator::new(cfg.rto_initial, cfg.rto_min, cfg.rto_max),
            rtt_probe: None,
            retries: 0,
            dupacks: 0,
            unacked_rcvd: 0,
            keepalive_probes: 0,
            retransmit_at: None,
            time_wait_until: None,
            delayed_ack_at: None,
            keepalive_at: None,
            transitions: Vec::new(),
            events: Vec::new(),
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

    /// The window we advertise: what is left of the receive buffer.
    pub fn rcv_wnd(&self) -> u32 {
        u32::from(self.cfg.rcv_wnd).saturating_sub(self.recv_buf.len() as u32)
    }

    /// State changes since the last call, oldest first.
    pub fn take_transitions(&mut self) -> Vec<Transition> {
        std::mem::take(&mut self.transitions)
    }

    /// Signals to the application since the last call.
    pub fn take_events(&mut self) -> Vec<TcpEvent> {
        std::mem::take(&mut self.events)
    }

    /// RECEIVE: hand all readable in-order bytes to the application.
    pub fn recv(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.recv_buf)
    }

    /// When the caller must next call [`Endpoint::on_timer`] (smoltcp's `poll_at`).
    pub fn next_deadline(&self) -> Option<SimTime> {
        [
            self.retransmit_at,
            self.time_wait_until,
            self.delayed_ack_at,
            self.keepalive_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    // ---- the one door for state changes ---------------------------------------------------

    fn set_state(&mut self, now: SimTime, to: State, cause: Cause) {
        if self.state == to {
            return;
        }
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
            }
            State::TimeWait => {
                // §3.4.2: wait 2·MSL so stray segments of this incarnation die out.
                self.retransmit_at = None;
                self.keepalive_at = None;
                self.time_wait_until = Some(now + self.cfg.msl.saturating_mul(2));
            }
            State::Established => self.arm_keepalive(now),
            _ => {}
        }
    }

    // ---- user calls (§3.10.1 – §3.10.6) ---------------------------------------------------

    /// OPEN, active (§3.10.1): send SYN with our ISS, enter SYN-SENT.
    pub fn connect(&mut self, now: SimTime, iss: SeqNum) -> Result<Vec<Segment>, UserError> {
        if self.state != State::Closed {
            return Err(UserError::ConnectionAlreadyExists);
        }
        self.iss = iss;
        self.snd_una = iss;
        self.snd_nxt = iss + 1u32;
        self.buf_seq = self.snd_nxt;
        self.set_state(now, State::SynSent, Cause::User(UserCall::Connect));
        let syn = self.syn_segment();
        self.rtt_probe = Some((self.snd_nxt, now));
        self.arm_retransmit(now);
        Ok(vec![syn])
    }

    /// OPEN, passive (§3.10.1): wait in LISTEN. `iss` is used for the SYN+ACK.
    pub fn listen(&mut self, now: SimTime, iss: SeqNum) -> Result<(), UserError> {
        if self.state != State::Closed {
            return Err(UserError::ConnectionAlreadyExists);
        }
        self.iss = iss;
        self.passive = true;
        self.set_state(now, State::Listen, Cause::User(UserCall::Listen));
        Ok(())
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
        self.send_inner(now, data, false)
    }

    /// SEND with the URGENT flag: the urgent pointer marks the end of `data` (§3.8.5).
    pub fn send_urgent(&mut self, now: SimTime, data: &[u8]) -> Result<Vec<Segment>, UserError> {
        self.send_inner(now, data, true)
    }

    fn send_inner(
        &mut self,
        now: SimTime,
        data: &[u8],
        urgent: bool,
    ) -> Result<Vec<Segment>, UserError> {
        match self.state {
            State::Closed | State::Listen => Err(UserError::ConnectionDoesNotExist),
            State::FinWait1
            | State::FinWait2
            | State::Closing
            | State::LastAck
            | State::TimeWait => Err(UserError::ConnectionClosing),
            State::SynSent | State::SynReceived | State::Established | State::CloseWait => {
                if self.fin_queued {
                    return Err(UserError::ConnectionClosing);
                }
                self.send_buf.extend(data);
                if urgent {
                    self.snd_up = Some(self.buf_seq + self.send_buf.len());
                }
                Ok(self.output(now))
            }
        }
    }

    /// CLOSE (§3.10.4): "I have no more to send." The FIN follows the queued data.
    pub fn close(&mut self, now: SimTime) -> Result<Vec<Segment>, UserError> {
        let cause = Cause::User(UserCall::Close);
        match self.state {
            State::Closed => Err(UserError::ConnectionDoesNotExist),
            State::Listen | State::SynSent => {
                self.set_state(now, State::Closed, cause);
                Ok(Vec::new())
            }
            State::SynReceived | State::Established => {
                self.fin_queued = true;
                self.set_state(now, State::FinWait1, cause);
                Ok(self.output(now))
            }
            State::CloseWait => {
                self.fin_queued = true;
                self.set_state(now, State::LastAck, cause);
                Ok(self.output(now))
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
            | State::CloseWait => vec![self.segment(Flags::RST, self.snd_nxt, Vec::new())],
            _ => Vec::new(),
        };
        self.send_buf.clear();
        self.set_state(now, State::Closed, Cause::User(UserCall::Abort));
        out
    }

    // ---- segment arrival (§3.10.7) --------------------------------------------------------

    /// SEGMENT ARRIVES: process `seg`, return what to send in reply.
    pub fn on_segment(&mut self, now: SimTime, seg: &Segment) -> Vec<Segment> {
        let cause = Cause::Segment {
            flags: seg.flags,
            seq: seg.seq,
            ack: seg.ack,
        };
        match self.state {
            // §3.10.7.1: no TCB — answer anything but RST with RST.
            State::Closed => reset_for_unknown(seg).into_iter().collect(),
            State::Listen => self.on_segment_listen(now, seg, cause),
            State::SynSent => self.on_segment_syn_sent(now, seg, cause),
            _ => self.on_segment_synchronized(now, seg, cause),
        }
    }

    /// §3.10.7.2 LISTEN.
    fn on_segment_listen(&mut self, now: SimTime, seg: &Segment, cause: Cause) -> Vec<Segment> {
        // "An incoming RST segment could not be valid ... should be ignored."
        if seg.flags.rst() {
            return Vec::new();
        }
        // "Any acknowledgment is bad if it arrives on a connection still in the LISTEN
        // state. An acceptable reset segment should be formed for any arriving ACK-bearing
        // segment": <SEQ=SEG.ACK><CTL=RST>.
        if seg.flags.ack() {
            return reset_for_unknown(seg).into_iter().collect();
        }
        if !seg.flags.syn() {
            return Vec::new();
        }
        // SYN: "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... send
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
        // Data on a SYN is queued until ESTABLISHED; we do not model that (rare, TFO aside).
        vec![self.syn_segment()]
    }

    /// §3.10.7.3 SYN-SENT.
    fn on_segment_syn_sent(&mut self, now: SimTime, seg: &Segment, cause: Cause) -> Vec<Segment> {
        // First, check the ACK bit: unacceptable if SEG.ACK =< ISS or SEG.ACK > SND.NXT.
        if seg.flags.ack() && (seg.ack <= self.iss || seg.ack > self.snd_nxt) {
            if seg.flags.rst() {
                return Vec::new();
            }
            return vec![self.segment(Flags::RST, seg.ack, Vec::new())];
        }
        // Second, the RST bit: with an acceptable ACK, "error: connection reset" (refused).
        if seg.flags.rst() {
            if seg.flags.ack() {
                self.events.push(TcpEvent::Refused);
                self.set_state(now, State::Closed, cause);
            }
            return Vec::new();
        }
        if !seg.flags.syn() {
            return Vec::new();
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
        if self.snd_una > self.iss {
            // "our SYN has been ACKed": ESTABLISHED, send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
            self.snd_wnd = u32::from(seg.window);
            self.snd_wl1 = seg.seq;
            self.snd_wl2 = seg.ack;
            self.set_state(now, State::Established, cause);
            self.events.push(TcpEvent::Connected);
            let mut out = vec![self.ack_segment()];
            out.extend(self.output(now));
            out
        } else {
            // Simultaneous open: "enter SYN-RECEIVED, form a SYN,ACK segment".
            self.snd_wnd = u32::from(seg.window);
            self.set_state(now, State::SynReceived, cause);
            self.rtt_probe = None;
            self.arm_retransmit(now);
            vec![self.syn_segment()]
        }
    }

    /// §3.10.7.4 "Otherwise": SYN-RECEIVED and all synchronized states.
    fn on_segment_synchronized(
        &mut self,
        now: SimTime,
        seg: &Segment,
        cause: Cause,
    ) -> Vec<Segment> {
        let mut out = Vec::new();

        // A repeated SYN in SYN-RECEIVED means our SYN+ACK was lost: answer it again, as Linux
        // does (the RFC's generic rule would only send a bare ACK).
        if self.state == State::SynReceived
            && seg.flags.syn()
            && !seg.flags.ack()
            && seg.seq == self.irs
        {
            return vec![self.syn_segment()];
        }

        // First, check the sequence number.
        if !self.acceptable(seg) {
            if seg.flags.rst() {
                return out;
            }
            // TIME-WAIT: "The only thing that can arrive in this state is a retransmission of
            // the remote FIN. Acknowledge it, and restart the 2 MSL timeout."
            if self.state == State::TimeWait && seg.flags.fin() {
                self.time_wait_until = Some(now + self.cfg.msl.saturating_mul(2));
            }
            out.push(self.ack_segment());
            return out;
        }
        self.note_activity(now);

        // Second, the RST bit (with RFC 5961 §3.2's exact-match rule adopted by RFC 9293).
        if seg.flags.rst() {
            if seg.seq != self.rcv_nxt {
                out.push(self.ack_segment()); // challenge ACK
                return out;
            }
            match self.state {
                State::SynReceived if self.passive => {
                    // "return this connection to LISTEN state"
                    self.set_state(now, State::Listen, cause);
                }
                State::SynReceived => {
                    self.events.push(TcpEvent::Refused);
                    self.set_state(now, State::Closed, cause);
                }
                State::Established | State::FinWait1 | State::FinWait2 | State::CloseWait => {
                    self.events.push(TcpEvent::Reset);
                    self.send_buf.clear();
                    self.set_state(now, State::Closed, cause);
                }
                _ => self.set_state(now, State::Closed, cause),
            }
            return out;
        }

        // Fourth, the SYN bit: in a synchronized state a SYN gets a challenge ACK (RFC 5961 §4).
        if seg.flags.syn() {
            out.push(self.ack_segment());
            return out;
        }

        // Fifth, the ACK field.
        if !seg.flags.ack() {
            return out;
        }
        if self.state == State::SynReceived {
            if self.snd_una < seg.ack && seg.ack <= self.snd_nxt {
                self.snd_wnd = u32::from(seg.window);
                self.snd_wl1 = seg.seq;
                self.snd_wl2 = seg.ack;
                self.set_state(now, State::Established, cause);
                self.events.push(TcpEvent::Connected);
            } else {
                out.push(self.segment(Flags::RST, seg.ack, Vec::new()));
                return out;
            }
        }
        if seg.ack > self.snd_nxt {
            // "If the ACK acks something not yet sent ... send an ACK, drop the segment."
            out.push(self.ack_segment());
            return out;
        }
        if self.snd_una < seg.ack {
            self.snd_una = seg.ack;
            self.on_new_ack(now, seg.ack);
        } else if seg.ack == self.snd_una
            && seg.payload.is_empty()
            && !seg.flags.fin()
            && u32::from(seg.window) == self.snd_wnd
            && self.snd_nxt != self.snd_una
        {
            // RFC 5681 §2 "duplicate ACK"; the threshold-th one triggers fast retransmit.
            self.dupacks += 1;
            if self.dupacks == self.cfg.dupack_threshold {
                self.rtt_probe = None;
                out.push(self.retransmit_head());
            }
        }
        // Window update, guarded by SND.WL1/WL2 against old segments.
        if self.snd_wl1 < seg.seq || (self.snd_wl1 == seg.seq && self.snd_wl2 <= seg.ack) {
            self.snd_wnd = u32::from(seg.window);
            self.snd_wl1 = seg.seq;
            self.snd_wl2 = seg.ack;
        }
        let our_fin_acked = self.fin_seq.is_some_and(|f| self.snd_una > f);
        match self.state {
            State::Closing if our_fin_acked => {
                // "if the ACK acknowledges our FIN, then enter the TIME-WAIT state"
                self.set_state(now, State::TimeWait, cause);
                return out;
            }
            State::LastAck if our_fin_acked => {
                // "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state."
                self.events.push(TcpEvent::Closed);
                self.set_state(now, State::Closed, cause);
                return out;
            }
            _ => {}
        }

        // Sixth, the URG bit.
        if seg.flags.urg() && self.state.is_synchronized() {
            let up = seg.seq + u32::from(seg.urgent);
            if up > self.rcv_up {
                self.rcv_up = up;
                self.events.push(TcpEvent::Urgent);
            }
        }

        // Seventh, the segment text; eighth, the FIN bit (only once all before it is here).
        let mut fin_now = false;
        let mut need_ack = false;
        let carries = !seg.payload.is_empty() || seg.flags.fin();
        if carries
            && matches!(
                self.state,
                State::Established | State::FinWait1 | State::FinWait2
            )
        {
            let (delivered, fin, in_order) = self.accept_text(seg);
            fin_now = fin;
            if delivered > 0 {
                self.events.push(TcpEvent::Data(delivered));
            }
            if !in_order || fin {
                need_ack = true; // out of order: an immediate (duplicate) ACK, RFC 5681 §4.2
            } else if delivered > 0 {
                need_ack = self.ack_now_or_delay(now);
            }
        } else if seg.flags.fin()
            && matches!(
                self.state,
                State::CloseWait | State::Closing | State::LastAck | State::TimeWait
            )
        {
            // A retransmitted FIN: re-ACK; in TIME-WAIT restart the 2·MSL timer.
            need_ack = true;
            if self.state == State::TimeWait {
                self.time_wait_until = Some(now + self.cfg.msl.saturating_mul(2));
            }
        }
        if fin_now {
            self.events.push(TcpEvent::PeerClosed);
            match self.state {
                State::Established => self.set_state(now, State::CloseWait, cause),
                State::FinWait1 if our_fin_acked => self.set_state(now, State::TimeWait, cause),
                State::FinWait1 => self.set_state(now, State::Closing, cause),
                State::FinWait2 => self.set_state(now, State::TimeWait, cause),
                _ => {}
            }
        } else if self.state == State::FinWait1 && our_fin_acked {
            // "if the FIN segment is now acknowledged, then enter FIN-WAIT-2"
            self.set_state(now, State::FinWait2, cause);
        }
        if need_ack {
            self.delayed_ack_at = None;
            self.unacked_rcvd = 0;
            out.push(self.ack_segment());
        }
        out.extend(self.output(now));
        out
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

    /// Take in-window text and FIN; returns (bytes delivered in order, FIN reached, in order).
    fn accept_text(&mut self, seg: &Segment) -> (usize, bool, bool) {
        let skip = (self.rcv_nxt - seg.seq).max(0) as usize;
        let mut data: Vec<u8> = seg.payload.iter().skip(skip).copied().collect();
        let start = seg.seq + skip;
        // Trim what lies beyond the window.
        let room = self.rcv_wnd() as usize;
        let mut fin = seg.flags.fin();
        if data.len() > room {
            data.truncate(room);
            fin = false;
        }
        if start != self.rcv_nxt {
            self.ooo.entry(start.0).or_insert((data, fin));
            return (0, false, false);
        }
        let mut delivered = data.len();
        self.recv_buf.extend_from_slice(&data);
        self.rcv_nxt = self.rcv_nxt + data.len();
        // Pull in out-of-order pieces the gap was holding back.
        while !fin {
            let Some((&k, _)) = self.ooo.iter().find(|(&k, (d, f))| {
                SeqNum(k) <= self.rcv_nxt && (SeqNum(k) + d.len() > self.rcv_nxt || *f)
            }) else {
                break;
            };
            let Some((d, f)) = self.ooo.remove(&k) else {
                break;
            };
            let skip = (self.rcv_nxt - SeqNum(k)).max(0) as usize;
            let fresh = &d[skip.min(d.len())..];
            delivered += fresh.len();
            self.recv_buf.extend_from_slice(fresh);
            self.rcv_nxt = self.rcv_nxt + fresh.len();
            fin = f;
        }
        let rcv_nxt = self.rcv_nxt;
        self.ooo.retain(|&k, (d, _)| SeqNum(k) + d.len() > rcv_nxt);
        if fin {
            self.rcv_nxt = self.rcv_nxt + 1u32;
        }
        (delivered, fin, true)
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
        self.send_buf.drain(..n);
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

    fn effective_mss(&self) -> usize {
        usize::from(self.cfg.mss.min(self.peer_mss)).max(1)
    }

    /// Send what the window allows: new data in MSS pieces, then the FIN once all data left.
    fn output(&mut self, now: SimTime) -> Vec<Segment> {
        let mut out = Vec::new();
        let can_send = matches!(
            self.state,
            State::Established | State::CloseWait | State::FinWait1 | State::LastAck
        );
        if !can_send || self.fin_seq.is_some() {
            return out;
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
            let payload: Vec<u8> = self
                .send_buf
                .iter()
                .skip(in_flight)
                .take(len)
                .copied()
                .collect();
            let mut flags = Flags::ACK;
            if len == unsent {
                flags |= Flags::PSH;
            }
            let seq = self.snd_nxt;
            let mut seg = self.segment(flags, seq, payload);
            self.mark_urgent(&mut seg);
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
            let seq = self.snd_nxt;
            out.push(self.segment(Flags::FIN | Flags::ACK, seq, Vec::new()));
            self.fin_seq = Some(seq);
            self.snd_nxt = self.snd_nxt + 1u32;
            if self.retransmit_at.is_none() {
                self.arm_retransmit(now);
            }
        }
        if !out.is_empty() {
            // Every segment we send carries our latest ACK, so no ACK is owed any more.
            self.delayed_ack_at = None;
            self.unacked_rcvd = 0;
        }
        out
    }

    fn mark_urgent(&self, seg: &mut Segment) {
        if let Some(up) = self.snd_up {
            if up > seg.seq {
                seg.flags |= Flags::URG;
                seg.urgent = u16::try_from(up - seg.seq).unwrap_or(u16::MAX);
            }
        }
    }

    /// The earliest unacknowledged segment, rebuilt for retransmission.
    fn retransmit_head(&self) -> Segment {
        match self.state {
            State::SynSent | State::SynReceived => self.syn_segment(),
            _ => {
                let in_flight = self.data_in_flight();
                if in_flight > 0 {
                    let len = in_flight.min(self.effective_mss());
                    let payload: Vec<u8> = self.send_buf.iter().take(len).copied().collect();
                    let mut flags = Flags::ACK;
                    if len == self.send_buf.len() {
                        flags |= Flags::PSH;
                    }
                    let mut seg = self.segment(flags, self.buf_seq, payload);
                    self.mark_urgent(&mut seg);
                    seg
                } else if let Some(f) = self.fin_seq {
                    self.segment(Flags::FIN | Flags::ACK, f, Vec::new())
                } else {
                    self.ack_segment()
                }
            }
        }
    }

    /// SYN (active open) or SYN+ACK (passive or simultaneous open), with our MSS.
    fn syn_segment(&self) -> Segment {
        let mut seg = if self.state == State::SynReceived {
            self.segment(Flags::SYN | Flags::ACK, self.iss, Vec::new())
        } else {
            self.segment(Flags::SYN, self.iss, Vec::new())
        };
        seg.mss = Some(self.cfg.mss);
        seg
    }

    /// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
    fn ack_segment(&self) -> Segment {
        self.segment(Flags::ACK, self.snd_nxt, Vec::new())
    }

    fn segment(&self, flags: Flags, seq: SeqNum, payload: Vec<u8>) -> Segment {
        Segment {
            src_port: self.local_port,
            dst_port: self.remote_port,
            seq,
            ack: if flags.ack() { self.rcv_nxt } else { SeqNum(0) },
            flags,
            window: u16::try_from(self.rcv_wnd()).unwrap_or(u16::MAX),
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

    /// Something acceptable arrived: the connection is alive.
    fn note_activity(&mut self, now: SimTime) {
        if self.state == State::Established && self.cfg.keepalive.is_some() {
            self.arm_keepalive(now);
        }
    }

    /// TIMEOUT: handle every timer that is due at `now`.
    pub fn on_timer(&mut self, now: SimTime) -> Vec<Segment> {
        let mut out = Vec::new();
        if self.time_wait_until.is_some_and(|t| t <= now) {
            self.time_wait_until = None;
            self.set_state(now, State::Closed, Cause::Timer(TimerKind::TimeWait));
            self.events.push(TcpEvent::Closed);
            return out;
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
                return out;
            }
            self.retries += 1;
            self.rto.on_timeout();
            self.rtt_probe = None; // Karn: never time a retransmitted segment
            out.push(self.retransmit_head());
            self.arm_retransmit(now);
        }
        if self.delayed_ack_at.is_some_and(|t| t <= now) {
            self.delayed_ack_at = None;
            self.unacked_rcvd = 0;
            out.push(self.ack_segment());
        }
        if self.keepalive_at.is_some_and(|t| t <= now) {
            if self.state != State::Established || self.snd_una != self.snd_nxt {
                // Only an idle, established connection is probed; look again later.
                self.arm_keepalive(now);
            } else if let Some(k) = self.cfg.keepalive {
                if self.keepalive_probes >= k.count {
                    self.events.push(TcpEvent::TimedOut);
                    self.set_state(now, State::Closed, Cause::GaveUp);
                    return out;
                }
                self.keepalive_probes += 1;
                self.keepalive_at = Some(now + k.interval);
                // §3.8.4: a probe with SEG.SEQ = SND.NXT-1 and no data makes the peer ACK.
                out.push(self.segment(Flags::ACK, self.snd_nxt - 1u32, Vec::new()));
            }
        }
        out
    }

    /// How many keep-alive probes are unanswered.
    pub fn keepalive_probes(&self) -> u32 {
        self.keepalive_probes
    }

    /// The longest a caller may let pass with no call (for tests and the simulator).
    pub fn time_wait_length(&self) -> SimDuration {
        self.cfg.msl.saturating_mul(2)
    }
}
