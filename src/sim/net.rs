//! The event loop and the socket API.

use super::fxhash::{addr_key, pair_key, KeyMap};
use super::middlebox::{Middlebox, Verdict};
use super::queue::{Entry, EventQueue};
use super::Proto;
use super::{
    conn_key, ConnKey, DropCause, LinkConfig, MiddleboxConfig, MiddleboxEvent, MiddleboxRecord,
    OnUnknown, PacketRecord, Rng, SocketRecord, StateRecord, Trace, UserCallRecord,
};
use crate::tcp::{
    reset_for_unknown, Config, Endpoint, KeepAlive, Segment, SeqNum, State, TcpEvent, Transition,
    UserCall,
};
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HostId(pub u32);

impl HostId {
    /// The host's place in the simulator's list (a `u32` keeps the trace's packet records
    /// small).
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocketId(pub usize);

/// What the application layer hears from the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SockEvent {
    Tcp(TcpEvent),
    /// A listener has a connection ready for `accept`.
    Incoming,
    /// A wake-up the application scheduled with [`Net::wake_at`].
    Wake(u64),
    /// A UDP datagram of `len` bytes is waiting for `recv_from`.
    Datagram {
        len: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notification {
    pub at: SimTime,
    /// The socket concerned (`None` for wake-ups).
    pub socket: Option<SocketId>,
    pub event: SockEvent,
}

/// Socket API errors, phrased so the caller can act on them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    NoSuchSocket(SocketId),
    AddrInUse(SocketAddrV4),
    NoHostAt(Ipv4Addr),
    NotListening(SocketId),
    Tcp(crate::tcp::UserError),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::NoSuchSocket(s) => write!(f, "no socket #{}", s.0),
            SimError::AddrInUse(a) => write!(f, "address {a} is already in use"),
            SimError::NoHostAt(ip) => write!(f, "no host has address {ip}"),
            SimError::NotListening(s) => write!(f, "socket #{} is not listening", s.0),
            SimError::Tcp(e) => write!(f, "{e}"),
        }
    }
}

impl From<crate::tcp::UserError> for SimError {
    fn from(e: crate::tcp::UserError) -> SimError {
        SimError::Tcp(e)
    }
}

#[derive(Clone, Debug)]
struct Host {
    ip: Ipv4Addr,
    next_ephemeral: u16,
    /// ISNs to use next, in order; when empty the ISN is drawn from the seeded RNG.
    isn_queue: VecDeque<SeqNum>,
    /// Segments sent so far (for scripted drops).
    sent: u32,
    /// Per destination host (`u32::MAX`: none): when this host's interface towards it is
    /// free again. A host talks to a few others, so a short list searched in order serves.
    busy_until: Vec<(u32, SimTime)>,
}

#[derive(Clone, Debug)]
struct Socket {
    host: HostId,
    /// Slot of its TCB in `Net::tcbs`, or [`NO_TCB`]: a UDP socket, or a connection that is
    /// over (CLOSED, nothing left to read, default parameters), whose slot went back for the
    /// next connection to use. Such a socket behaves exactly as one with a fresh CLOSED TCB,
    /// and gets one again if it is used.
    tcb: u32,
    local: Option<SocketAddrV4>,
    remote: Option<SocketAddrV4>,
    parent: Option<SocketId>,
    /// A listener's or UDP socket's queues, made when first needed: most sockets are
    /// connections and have none (a socket is 56 bytes, not 144, and drops without a look
    /// inside two empty queues).
    queues: Option<Box<Queues>>,
}

#[derive(Clone, Debug, Default)]
struct Queues {
    /// Listener: most connections waiting for `accept` plus half-open ones.
    backlog: usize,
    accept_queue: VecDeque<SocketId>,
    /// Listener: children still in SYN-RECEIVED (they count against the backlog).
    half_open: usize,
    /// UDP socket: datagrams waiting for `recv_from`.
    dgrams: VecDeque<(SocketAddrV4, Vec<u8>)>,
}

impl Socket {
    fn queues(&mut self) -> &mut Queues {
        self.queues.get_or_insert_with(Box::default)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ev {
    Deliver(usize),
    /// A packet reaches the middlebox (half way along the path).
    Inspect(usize),
    /// Check whether the middlebox's entry `mb_keys[i]` has gone idle.
    Expire(usize),
    Timer(SocketId),
    /// The application's wake-up `wake_tokens[i]`.
    Wake(usize),
}

impl Ev {
    const KIND_SHIFT: u32 = 61;
    const INDEX: u64 = (1 << Ev::KIND_SHIFT) - 1;

    /// One word (kind in the top three bits, index below), so a queue entry is 24 bytes.
    fn pack(self) -> u64 {
        let (kind, i) = match self {
            Ev::Deliver(i) => (0, i),
            Ev::Inspect(i) => (1, i),
            Ev::Expire(i) => (2, i),
            Ev::Timer(s) => (3, s.0),
            Ev::Wake(i) => (4, i),
        };
        debug_assert!(i as u64 <= Ev::INDEX);
        (kind << Ev::KIND_SHIFT) | i as u64
    }

    fn unpack(w: u64) -> Ev {
        let i = (w & Ev::INDEX) as usize;
        match w >> Ev::KIND_SHIFT {
            0 => Ev::Deliver(i),
            1 => Ev::Inspect(i),
            2 => Ev::Expire(i),
            3 => Ev::Timer(SocketId(i)),
            _ => Ev::Wake(i),
        }
    }
}

/// `Socket::tcb` of a socket without a TCB.
const NO_TCB: u32 = u32::MAX;

/// `Net::timer_at` of a socket whose TCB asked for no timer.
const NO_DEADLINE: SimTime = SimTime(u64::MAX);

/// The whole simulated network.
#[derive(Clone, Debug)]
pub struct Net {
    now: SimTime,
    order: u64,
    queue: EventQueue,
    rng: Rng,
    link: LinkConfig,
    tcp: Config,
    hosts: Vec<Host>,
    sockets: Vec<Socket>,
    /// The TCBs, by slot: only as many as connections are open at once, so 10 000 short
    /// connections one after another reuse a few slots (a TCB is ≈ 480 bytes; a socket
    /// without one 56).
    tcbs: Vec<Endpoint>,
    /// Slots in `tcbs` free for reuse.
    free_tcbs: Vec<u32>,
    /// Per socket: the deadline its TCB asked for ([`NO_DEADLINE`]: none); a timer event runs
    /// the TCB's timers only if it is for this instant. Kept apart from the sockets because
    /// most timer events are stale (an RTO cancelled by the ACK still leaves its event, which
    /// comes due long after, when the socket is cold): 8 bytes per socket stay in cache,
    /// where checking in the socket missed it (5 % of a short-connection run).
    timer_at: Vec<SimTime>,
    /// Demultiplexing by (local, remote) address, keyed by [`pair_key`] (the listener and bound
    /// tables by the local address alone, [`local_key`]); values are socket ids. Probed per
    /// packet, never iterated.
    connected: KeyMap,
    listeners: KeyMap,
    /// Explicitly bound (non-accepted) sockets by local address, for `bind`'s conflict check.
    bound: KeyMap,
    /// UDP sockets by local address.
    udp_bound: KeyMap,
    /// The latest time in any host's `busy_until`.
    busy_max: SimTime,
    trace: Trace,
    pending: Vec<Notification>,
    /// Tokens of scheduled wake-ups (`Ev::Wake` holds an index).
    wake_tokens: Vec<u64>,
    /// Reused buffers for what a TCB reports after each call.
    scratch_transitions: Vec<Transition>,
    scratch_events: Vec<TcpEvent>,
    /// Reused buffer for the segments a TCB produces in one call.
    scratch_segments: Vec<Segment>,
    middlebox: Option<(HostId, Middlebox)>,
    mb_keys: Vec<ConnKey>,
}

impl Net {
    pub fn new(seed: u64, link: LinkConfig, tcp: Config) -> Net {
        Net {
            now: SimTime::ZERO,
            order: 0,
            queue: EventQueue::default(),
            rng: Rng::new(seed),
            link,
            tcp,
            hosts: Vec::new(),
            sockets: Vec::new(),
            tcbs: Vec::new(),
            free_tcbs: Vec::new(),
            timer_at: Vec::new(),
            connected: KeyMap::default(),
            listeners: KeyMap::default(),
            bound: KeyMap::default(),
            udp_bound: KeyMap::default(),
            busy_max: SimTime::ZERO,
            trace: Trace::default(),
            pending: Vec::new(),
            wake_tokens: Vec::new(),
            scratch_transitions: Vec::new(),
            scratch_events: Vec::new(),
            scratch_segments: Vec::new(),
            middlebox: None,
            mb_keys: Vec::new(),
        }
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    pub fn into_trace(self) -> Trace {
        self.trace
    }

    pub fn add_host(&mut self, ip: Ipv4Addr) -> HostId {
        self.hosts.push(Host {
            ip,
            next_ephemeral: 49152,
            isn_queue: VecDeque::new(),
            sent: 0,
            busy_until: Vec::new(),
        });
        HostId(u32::try_from(self.hosts.len() - 1).expect("fewer than 2^32 hosts"))
    }

    /// Change the link's behaviour from now on (e.g. scripted drops after the handshake).
    pub fn set_link(&mut self, link: LinkConfig) {
        self.link = link;
    }

    /// Replace the scripted drops; `nth` still counts every segment the host ever sent.
    pub fn set_drops(&mut self, drops: Vec<super::DropRule>) {
        self.link.drops = drops;
    }

    /// Put a stateful firewall/NAT half way along the path between all other hosts.
    pub fn add_middlebox(&mut self, cfg: MiddleboxConfig) -> HostId {
        let h = self.add_host(cfg.ip);
        self.middlebox = Some((h, Middlebox::new(cfg)));
        h
    }

    pub fn host_ip(&self, h: HostId) -> Ipv4Addr {
        self.hosts[h.index()].ip
    }

    /// Use `isn` for the next connection this host opens or accepts (instead of a random one).
    pub fn push_isn(&mut self, h: HostId, isn: u32) {
        self.hosts[h.index()].isn_queue.push_back(SeqNum(isn));
    }

    pub fn set_next_ephemeral(&mut self, h: HostId, port: u16) {
        self.hosts[h.index()].next_ephemeral = port;
    }

    fn next_isn(&mut self, h: HostId) -> SeqNum {
        match self.hosts[h.index()].isn_queue.pop_front() {
            Some(s) => s,
            None => SeqNum(self.rng.next_u32()),
        }
    }

    // ---- socket API ------------------------------------------------------------------------

    /// A new, unbound TCP socket in CLOSED.
    pub fn socket(&mut self, host: HostId) -> SocketId {
        let tcb = self.alloc_tcb(Endpoint::new(self.tcp, 0, 0));
        self.new_socket(host, tcb, None)
    }

    fn new_socket(&mut self, host: HostId, tcb: u32, parent: Option<SocketId>) -> SocketId {
        self.sockets.push(Socket {
            host,
            tcb,
            local: None,
            remote: None,
            parent,
            queues: None,
        });
        self.timer_at.push(NO_DEADLINE);
        self.trace.sockets.push(SocketRecord {
            host,
            created_at: self.now,
            local: None,
            remote: None,
            parent,
        });
        SocketId(self.sockets.len() - 1)
    }

    /// A slot for `tcb`: a free one if there is one.
    fn alloc_tcb(&mut self, tcb: Endpoint) -> u32 {
        match self.free_tcbs.pop() {
            Some(i) => {
                self.tcbs[i as usize] = tcb;
                i
            }
            None => {
                self.tcbs.push(tcb);
                (self.tcbs.len() - 1) as u32
            }
        }
    }

    /// Socket `s`'s TCB, if it holds one.
    fn tcb(&self, s: SocketId) -> Option<&Endpoint> {
        let k = self.sockets.get(s.0)?;
        self.tcbs.get(k.tcb as usize)
    }

    /// Socket `s`'s TCB slot, giving it a fresh CLOSED TCB if it has none (the one it had was
    /// released in that very state, with nothing unread and the default parameters, so the
    /// fresh one behaves the same).
    #[inline]
    fn tcb_slot(&mut self, s: SocketId) -> usize {
        match self.sockets[s.0].tcb {
            NO_TCB => self.renew_tcb(s),
            i => i as usize,
        }
    }

    #[cold]
    #[inline(never)]
    fn renew_tcb(&mut self, s: SocketId) -> usize {
        let local = self.sockets[s.0].local.map_or(0, |a| a.port());
        let remote = self.sockets[s.0].remote.map_or(0, |a| a.port());
        let i = self.alloc_tcb(Endpoint::new(self.tcp, local, remote));
        self.sockets[s.0].tcb = i;
        i as usize
    }

    fn tcb_mut(&mut self, s: SocketId) -> &mut Endpoint {
        let i = self.tcb_slot(s);
        &mut self.tcbs[i]
    }

    /// Give socket `s`'s TCB slot back if the connection is over: CLOSED, nothing left for the
    /// application to read, and the network's default parameters (what a fresh TCB would be).
    /// A listener's child back in LISTEN is not released: its state stays LISTEN.
    fn release_if_done(&mut self, s: SocketId) {
        let i = self.sockets[s.0].tcb;
        let Some(t) = self.tcbs.get(i as usize) else {
            return;
        };
        if t.state() == State::Closed && t.unread() == 0 && *t.config() == self.tcp {
            self.sockets[s.0].tcb = NO_TCB;
            // The slot keeps its TCB until reused, its buffers with their allocations.
            self.free_tcbs.push(i);
        }
    }

    fn sock(&self, s: SocketId) -> Result<&Socket, SimError> {
        self.sockets.get(s.0).ok_or(SimError::NoSuchSocket(s))
    }

    fn sock_mut(&mut self, s: SocketId) -> Result<&mut Socket, SimError> {
        self.sockets.get_mut(s.0).ok_or(SimError::NoSuchSocket(s))
    }

    pub fn state(&self, s: SocketId) -> Option<State> {
        self.sockets.get(s.0)?;
        Some(self.tcb(s).map_or(State::Closed, Endpoint::state))
    }

    /// The socket's TCB; `None` for no such socket, a UDP socket, or a connection that is over
    /// (CLOSED: its TCB was released for reuse).
    pub fn endpoint(&self, s: SocketId) -> Option<&Endpoint> {
        self.tcb(s)
    }

    pub fn local_addr(&self, s: SocketId) -> Option<SocketAddrV4> {
        self.sockets.get(s.0).and_then(|k| k.local)
    }

    pub fn remote_addr(&self, s: SocketId) -> Option<SocketAddrV4> {
        self.sockets.get(s.0).and_then(|k| k.remote)
    }

    /// bind(): give the socket a local port on its host.
    pub fn bind(&mut self, s: SocketId, port: u16) -> Result<(), SimError> {
        let host = self.sock(s)?.host;
        if self.state(s) != Some(State::Closed) {
            // A socket in use keeps its address (bind(2) says EINVAL).
            return Err(crate::tcp::UserError::ConnectionAlreadyExists.into());
        }
        let addr = SocketAddrV4::new(self.hosts[host.index()].ip, port);
        let taken = self.listeners.contains(local_key(addr))
            || self
                .bound
                .get(local_key(addr))
                .map(sock_id)
                .is_some_and(|o| o != s && self.state(o) != Some(State::Closed));
        if taken {
            return Err(SimError::AddrInUse(addr));
        }
        self.set_local(s, addr);
        self.bound.insert(local_key(addr), s.0 as u64);
        Ok(())
    }

    fn set_local(&mut self, s: SocketId, addr: SocketAddrV4) {
        self.sockets[s.0].local = Some(addr);
        let tcb = self.tcb_mut(s);
        let remote = tcb.remote_port();
        tcb.set_ports(addr.port(), remote);
        self.trace.sockets[s.0].local = Some(addr);
    }

    /// listen(): passive open; at most `backlog` connections wait for `accept`.
    pub fn listen(&mut self, s: SocketId, backlog: usize) -> Result<(), SimError> {
        let local = match self.sock(s)?.local {
            Some(a) => a,
            None => return Err(SimError::NotListening(s)),
        };
        self.call(s, UserCall::Listen);
        // Each accepted connection draws its own ISN when its SYN arrives (`spawn_child`).
        self.try_drive(s, |tcb, now, _| tcb.listen(now, SeqNum(0)))?;
        self.sockets[s.0].queues().backlog = backlog.max(1);
        self.listeners.insert(local_key(local), s.0 as u64);
        Ok(())
    }

    /// connect(): active open to `remote`, binding an ephemeral port if needed.
    pub fn connect(&mut self, s: SocketId, remote: SocketAddrV4) -> Result<(), SimError> {
        let host = self.sock(s)?.host;
        if self.sockets[s.0].local.is_none() {
            let ip = self.hosts[host.index()].ip;
            let port = self.hosts[host.index()].next_ephemeral;
            self.hosts[host.index()].next_ephemeral = port.checked_add(1).unwrap_or(49152);
            self.set_local(s, SocketAddrV4::new(ip, port));
        }
        let local = self.sockets[s.0].local.ok_or(SimError::NoSuchSocket(s))?;
        if self.connected.contains(pair_key(local, remote)) {
            return Err(SimError::AddrInUse(local));
        }
        self.sockets[s.0].remote = Some(remote);
        self.trace.sockets[s.0].remote = Some(remote);
        self.tcb_mut(s).set_ports(local.port(), remote.port());
        let iss = self.next_isn(host);
        self.call(s, UserCall::Connect);
        self.try_drive(s, |tcb, now, out| tcb.connect_into(now, iss, out))?;
        self.connected.insert(pair_key(local, remote), s.0 as u64);
        Ok(())
    }

    /// accept(): take the oldest established connection from a listener.
    pub fn accept(&mut self, listener: SocketId) -> Result<Option<SocketId>, SimError> {
        let q = self.sock_mut(listener)?.queues.as_mut();
        Ok(q.and_then(|q| q.accept_queue.pop_front()))
    }

    pub fn send(&mut self, s: SocketId, data: &[u8]) -> Result<(), SimError> {
        self.sock(s)?;
        self.try_drive(s, |tcb, now, out| tcb.send_into(now, data, false, out))?;
        Ok(())
    }

    /// recv(): all readable bytes; if that reopened the window enough, an ACK tells the peer
    /// (see [`Endpoint::window_update`]).
    pub fn recv(&mut self, s: SocketId) -> Result<Vec<u8>, SimError> {
        self.recv_with(s, <[u8]>::to_vec)
    }

    /// [`Net::recv`] appending to `out` (a reader reusing one buffer allocates nothing per
    /// read); returns the bytes read.
    pub fn recv_into(&mut self, s: SocketId, out: &mut Vec<u8>) -> Result<usize, SimError> {
        self.recv_with(s, |b| {
            out.extend_from_slice(b);
            b.len()
        })
    }

    /// [`Net::recv`] without a copy: `f` reads the bytes where they lie in the receive buffer,
    /// then they are consumed (and the peer told if the window reopened enough). The one door
    /// every read goes through.
    pub fn recv_with<R>(&mut self, s: SocketId, f: impl FnOnce(&[u8]) -> R) -> Result<R, SimError> {
        self.sock(s)?;
        // A socket without a TCB has nothing to read (one is released only then).
        let (n, r) = match self.sockets[s.0].tcb {
            NO_TCB => (0, f(&[])),
            i => self.tcbs[i as usize].recv_with(f),
        };
        if n > 0 {
            self.after_read(s);
        }
        Ok(r)
    }

    /// The application took bytes: tell the peer if the window reopened enough.
    fn after_read(&mut self, s: SocketId) {
        let now = self.now;
        let out = self.tcb_mut(s).window_update(now);
        if !out.is_empty() {
            self.emit(s, out);
            self.after_tcb(s);
        }
    }

    /// setsockopt(): this socket's TCP parameters from now on (e.g. keep-alive on one side
    /// only, as SO_KEEPALIVE). Connections a listener accepts inherit its parameters.
    pub fn set_config(&mut self, s: SocketId, cfg: Config) -> Result<(), SimError> {
        let now = self.now;
        self.sock(s)?;
        self.tcb_mut(s).set_config(now, cfg);
        self.after_tcb(s);
        Ok(())
    }

    /// SO_KEEPALIVE with its TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT; `None` turns it off.
    pub fn set_keepalive(&mut self, s: SocketId, ka: Option<KeepAlive>) -> Result<(), SimError> {
        self.sock(s)?;
        let cfg = Config {
            keepalive: ka,
            ..self.tcb(s).map_or(self.tcp, |t| *t.config())
        };
        self.set_config(s, cfg)
    }

    /// close(): orderly release (FIN after the queued data).
    pub fn close(&mut self, s: SocketId) -> Result<(), SimError> {
        self.sock(s)?;
        self.call(s, UserCall::Close);
        self.try_drive(s, |tcb, now, out| tcb.close_into(now, out))?;
        Ok(())
    }

    /// shutdown(SHUT_WR): no more data from this side; a FIN follows what is queued, and the
    /// socket can still receive (a half-close). In TCP terms this is the CLOSE call.
    pub fn shutdown(&mut self, s: SocketId) -> Result<(), SimError> {
        self.close(s)
    }

    /// abort(): RST and forget the connection (SO_LINGER with zero timeout).
    pub fn abort(&mut self, s: SocketId) -> Result<(), SimError> {
        self.sock(s)?;
        self.call(s, UserCall::Abort);
        self.drive(s, |tcb, now, out| out.extend(tcb.abort(now)));
        Ok(())
    }

    /// Ask for a [`SockEvent::Wake`] with `token` at time `at`.
    pub fn wake_at(&mut self, at: SimTime, token: u64) {
        self.wake_tokens.push(token);
        let i = self.wake_tokens.len() - 1;
        self.schedule(at.max(self.now), Ev::Wake(i));
    }

    fn call(&mut self, s: SocketId, call: UserCall) {
        self.trace.calls.push(UserCallRecord {
            at: self.now,
            socket: s,
            call,
        });
    }

    // ---- the event loop --------------------------------------------------------------------

    fn schedule(&mut self, at: SimTime, ev: Ev) {
        self.order += 1;
        self.queue.push(Entry {
            at,
            order: self.order,
            ev: ev.pack(),
        });
    }

    /// Run one scheduled event; return what the applications must hear. `None` when idle.
    pub fn step(&mut self) -> Option<Vec<Notification>> {
        let mut out = Vec::new();
        self.step_into(&mut out).then_some(out)
    }

    /// [`Net::step`] into `out` (cleared first), so a loop can reuse one buffer; `false`
    /// when idle (and `out` is left empty).
    pub fn step_into(&mut self, out: &mut Vec<Notification>) -> bool {
        out.clear();
        let Some(next) = self.queue.pop() else {
            return false;
        };
        self.run_event(next, out);
        true
    }

    /// [`Net::step_into`] if the next event is due before `until` (`false`, and nothing run,
    /// otherwise): one look at the queue instead of [`Net::next_event_at`] and then a step.
    pub fn step_before(&mut self, until: SimTime, out: &mut Vec<Notification>) -> bool {
        out.clear();
        let Some(next) = self.queue.pop_before(until) else {
            return false;
        };
        self.run_event(next, out);
        true
    }

    /// Run the event just taken from the queue; what the applications must hear goes to `out`
    /// (empty on entry).
    fn run_event(&mut self, next: Entry, out: &mut Vec<Notification>) {
        self.now = next.at;
        match Ev::unpack(next.ev) {
            Ev::Deliver(id) => self.deliver(id),
            Ev::Timer(s) => {
                if self.timer_at[s.0] == next.at {
                    self.timer_at[s.0] = NO_DEADLINE;
                    self.drive(s, |tcb, now, out| tcb.on_timer_into(now, out));
                }
            }
            Ev::Inspect(id) => self.inspect(id),
            Ev::Expire(i) => {
                let key = self.mb_keys[i];
                if let Some((host, mb)) = &mut self.middlebox {
                    if mb.expire(self.now, key) {
                        let host = *host;
                        self.record_mb(host, key, MiddleboxEvent::Expired);
                    }
                }
            }
            Ev::Wake(i) => self.pending.push(Notification {
                at: self.now,
                socket: None,
                event: SockEvent::Wake(self.wake_tokens[i]),
            }),
        }
        // `out` is empty: trade buffers rather than copy (both keep their allocations).
        std::mem::swap(out, &mut self.pending);
    }

    /// Run until nothing is scheduled before `until` (events at `until` are not run).
    pub fn run_until(&mut self, until: SimTime) -> Vec<Notification> {
        let mut all = Vec::new();
        let mut batch = Vec::new();
        while self.step_before(until, &mut batch) {
            all.append(&mut batch);
        }
        self.now = self.now.max(until);
        all
    }

    /// Time of the next scheduled event.
    pub fn next_event_at(&self) -> Option<SimTime> {
        self.queue.peek_at()
    }

    /// Send what a TCB produced onto the link.
    fn emit(&mut self, s: SocketId, mut segs: Vec<Segment>) {
        self.emit_from(s, &mut segs);
    }

    /// [`Net::emit`] draining `segs`, whose allocation the caller keeps for the next call.
    fn emit_from(&mut self, s: SocketId, segs: &mut Vec<Segment>) {
        let (host, local, remote) = {
            let k = &self.sockets[s.0];
            (k.host, k.local, k.remote)
        };
        let (Some(src), Some(dst)) = (local, remote) else {
            segs.clear();
            return;
        };
        for seg in segs.drain(..) {
            self.transmit(host, src, dst, seg);
        }
    }

    fn transmit(&mut self, from: HostId, src: SocketAddrV4, dst: SocketAddrV4, seg: Segment) {
        self.transmit_proto(from, src, dst, seg, Proto::Tcp);
    }

    fn transmit_proto(
        &mut self,
        from: HostId,
        src: SocketAddrV4,
        dst: SocketAddrV4,
        seg: Segment,
        proto: Proto,
    ) {
        let mb_host = self.middlebox.as_ref().map(|(h, _)| *h);
        // The first host added with the address (a network has a few hosts: a scan beats a
        // hash table, and keeps one more table type out of the wasm).
        let to = self
            .hosts
            .iter()
            .position(|h| h.ip == *dst.ip())
            .map(|i| HostId(i as u32))
            .filter(|h| Some(*h) != mb_host);
        self.hosts[from.index()].sent += 1;
        let nth = self.hosts[from.index()].sent;
        // Ethernet 14 + IPv4 20 + TCP 20 (+4 MSS option) or UDP 8 + payload.
        let wire = match proto {
            Proto::Tcp => 54 + if seg.mss.is_some() { 4 } else { 0 },
            Proto::Udp => 42,
        } + seg.payload.len();
        let serialization = self.link.serialization(wire);
        let on_wire = if serialization == SimDuration::ZERO && self.busy_max <= self.now {
            // No interface is busy beyond now and this packet takes no time to send, so it
            // leaves now and leaves every interface as it was: the table need not be touched.
            self.now
        } else {
            let dest = to.map_or(u32::MAX, |h| h.0);
            let busy = &mut self.hosts[from.index()].busy_until;
            let i = match busy.iter().position(|&(d, _)| d == dest) {
                Some(i) => i,
                None => {
                    busy.push((dest, SimTime::ZERO));
                    busy.len() - 1
                }
            };
            let on_wire = busy[i].1.max(self.now) + serialization;
            busy[i].1 = on_wire;
            self.busy_max = self.busy_max.max(on_wire);
            on_wire
        };
        let jitter = match self.link.jitter.micros() {
            0 => 0,
            j => self.rng.below(j + 1),
        };
        let arrive = on_wire + self.link.latency + crate::time::SimDuration(jitter);
        let scripted = self
            .link
            .drops
            .iter()
            .any(|r| r.from == from && r.nth == nth);
        let random = self.rng.chance_ppm(self.link.loss_ppm);
        let dropped_by = if scripted {
            Some(DropCause::Scripted)
        } else if random {
            Some(DropCause::Random)
        } else if to.is_none() {
            Some(DropCause::NoRoute)
        } else if self.link.is_cut(self.now) || self.link.is_cut(arrive) {
            Some(DropCause::Cut)
        } else {
            None
        };
        let id = self.trace.packets.len();
        // Half way along the path: where a lost packet is drawn vanishing, and where the
        // middlebox (if any) sees it.
        let half = on_wire + SimDuration(self.link.latency.micros() / 2);
        self.trace.packets.push(PacketRecord {
            sent_at: self.now,
            end: if dropped_by.is_none() { arrive } else { half },
            dropped_by,
            from,
            to,
            src,
            dst,
            proto,
            segment: seg,
        });
        if dropped_by.is_none() {
            if mb_host.is_some() && Some(from) != mb_host {
                self.schedule(half, Ev::Inspect(id));
            } else {
                self.schedule(arrive, Ev::Deliver(id));
            }
        }
    }

    /// A packet reaches the middlebox: pass it on, or drop (and maybe reset) it.
    fn inspect(&mut self, id: usize) {
        let Some((mb_host, mb)) = &mut self.middlebox else {
            return;
        };
        let mb_host = *mb_host;
        let p = &self.trace.packets[id];
        let key = conn_key(p.src, p.dst);
        // A UDP datagram opens (or refreshes) an entry like a SYN: stateful firewalls track
        // UDP "connections" by their address pair too.
        let syn_only = p.proto == Proto::Udp || (p.segment.flags.syn() && !p.segment.flags.ack());
        let on_unknown = mb.cfg.on_unknown;
        let timeout = mb.cfg.idle_timeout;
        match mb.judge(self.now, key, syn_only) {
            Verdict::Pass { opened } => {
                if opened {
                    self.record_mb(mb_host, key, MiddleboxEvent::Opened);
                }
                self.mb_keys.push(key);
                let i = self.mb_keys.len() - 1;
                self.schedule(self.now + timeout, Ev::Expire(i));
                if let Some(at) = self.trace.packets[id].arrives_at() {
                    self.schedule(at, Ev::Deliver(id));
                }
            }
            Verdict::Unknown => {
                let p = &mut self.trace.packets[id];
                let back = p.arrives_at().map_or(SimDuration::ZERO, |a| a - self.now);
                p.end = self.now;
                p.dropped_by = Some(DropCause::Middlebox);
                let (src, dst, from) = (p.src, p.dst, p.from);
                let rst = match on_unknown {
                    OnUnknown::Drop => None,
                    OnUnknown::Reset => reset_for_unknown(&p.segment),
                };
                let event = match rst {
                    Some(r) => {
                        let rid = self.trace.packets.len();
                        self.trace.packets.push(PacketRecord {
                            sent_at: self.now,
                            end: self.now + back,
                            dropped_by: None,
                            from: mb_host,
                            to: Some(from),
                            src: dst,
                            dst: src,
                            proto: Proto::Tcp,
                            segment: r,
                        });
                        self.schedule(self.now + back, Ev::Deliver(rid));
                        MiddleboxEvent::Reset {
                            packet: id,
                            rst: rid,
                        }
                    }
                    None => MiddleboxEvent::Dropped { packet: id },
                };
                self.record_mb(mb_host, key, event);
            }
        }
    }

    /// Record what an application did (for the narration).
    pub fn note(&mut self, host: HostId, note: super::AppNote) {
        self.trace.notes.push(super::AppRecord {
            at: self.now,
            host,
            note,
        });
    }

    /// Host a socket lives on.
    pub fn host_of(&self, s: SocketId) -> Option<HostId> {
        self.sockets.get(s.0).map(|k| k.host)
    }

    fn record_mb(&mut self, host: HostId, conn: ConnKey, event: MiddleboxEvent) {
        self.trace.middlebox.push(MiddleboxRecord {
            at: self.now,
            host,
            conn,
            event,
        });
    }

    fn deliver(&mut self, id: usize) {
        let p = &mut self.trace.packets[id];
        let (src, dst) = (p.src, p.dst);
        let Some(to) = p.to else {
            return;
        };
        if p.proto == Proto::Udp {
            self.deliver_datagram(id, src, dst);
            return;
        }
        // A copy of the header and a share of the payload (taking it out of the trace and
        // putting it back wrote the record twice).
        let seg = p.segment.clone();
        self.deliver_segment(to, src, dst, &seg);
    }

    /// A datagram reaches its host: queued on the socket bound to its address, or dropped
    /// silently when none is (no ICMP port-unreachable is modelled).
    fn deliver_datagram(&mut self, id: usize, src: SocketAddrV4, dst: SocketAddrV4) {
        let Some(s) = self.udp_bound.get(local_key(dst)).map(sock_id) else {
            return;
        };
        let data = self.trace.packets[id].segment.payload.to_vec();
        let len = data.len();
        self.sockets[s.0].queues().dgrams.push_back((src, data));
        self.pending.push(Notification {
            at: self.now,
            socket: Some(s),
            event: SockEvent::Datagram { len },
        });
    }

    /// A UDP socket on `host` (unbound until `bind_udp` or the first `send_to`).
    pub fn udp_socket(&mut self, host: HostId) -> SocketId {
        self.new_socket(host, NO_TCB, None)
    }

    /// bind() for a UDP socket.
    pub fn bind_udp(&mut self, s: SocketId, port: u16) -> Result<(), SimError> {
        let host = self.sock(s)?.host;
        let addr = SocketAddrV4::new(self.hosts[host.index()].ip, port);
        if self.udp_bound.contains(local_key(addr)) {
            return Err(SimError::AddrInUse(addr));
        }
        self.sockets[s.0].local = Some(addr);
        self.trace.sockets[s.0].local = Some(addr);
        self.udp_bound.insert(local_key(addr), s.0 as u64);
        Ok(())
    }

    /// sendto(): one datagram, no handshake, nothing to acknowledge it.
    pub fn send_to(&mut self, s: SocketId, dst: SocketAddrV4, data: &[u8]) -> Result<(), SimError> {
        let host = self.sock(s)?.host;
        if self.sockets[s.0].local.is_none() {
            let port = self.hosts[host.index()].next_ephemeral;
            self.hosts[host.index()].next_ephemeral = port.checked_add(1).unwrap_or(49152);
            self.bind_udp(s, port)?;
        }
        let src = self.sockets[s.0].local.ok_or(SimError::NoSuchSocket(s))?;
        let seg = Segment {
            src_port: src.port(),
            dst_port: dst.port(),
            payload: data.into(),
            ..Segment::default()
        };
        self.transmit_proto(host, src, dst, seg, Proto::Udp);
        Ok(())
    }

    /// recvfrom(): the oldest queued datagram and its sender.
    pub fn recv_from(&mut self, s: SocketId) -> Result<Option<(SocketAddrV4, Vec<u8>)>, SimError> {
        let q = self.sock_mut(s)?.queues.as_mut();
        Ok(q.and_then(|q| q.dgrams.pop_front()))
    }

    fn deliver_segment(&mut self, to: HostId, src: SocketAddrV4, dst: SocketAddrV4, seg: &Segment) {
        if let Some(s) = self.connected.get(pair_key(dst, src)).map(sock_id) {
            self.drive(s, |tcb, now, out| tcb.on_segment_into(now, seg, out));
            return;
        }
        if let Some(l) = self.listeners.get(local_key(dst)).map(sock_id) {
            if seg.flags.syn() && !seg.flags.ack() && !seg.flags.rst() {
                self.spawn_child(l, src, dst, seg);
            } else {
                // LISTEN's own rules: ignore RST, answer an ACK with RST.
                let now = self.now;
                let out = self.tcb_mut(l).on_segment(now, seg);
                for r in out {
                    self.transmit(to, dst, src, r);
                }
            }
            return;
        }
        // §3.10.7.1: no TCB at all.
        if let Some(r) = reset_for_unknown(seg) {
            self.transmit(to, dst, src, r);
        }
    }

    /// A SYN reached a listener: a new TCB in LISTEN takes it, unless the backlog is full
    /// (then the SYN is dropped silently, as Linux does, and the client retries).
    fn spawn_child(&mut self, l: SocketId, src: SocketAddrV4, dst: SocketAddrV4, syn: &Segment) {
        let q = self.sockets[l.0].queues();
        if q.accept_queue.len() + q.half_open >= q.backlog {
            return;
        }
        let host = self.sockets[l.0].host;
        let iss = self.next_isn(host);
        let child_tcb = self.tcb_mut(l).fork_for(src.port(), iss);
        let slot = self.alloc_tcb(child_tcb);
        let c = self.new_socket(host, slot, Some(l));
        self.sockets[c.0].local = Some(dst);
        self.sockets[c.0].remote = Some(src);
        self.trace.sockets[c.0].local = Some(dst);
        self.trace.sockets[c.0].remote = Some(src);
        self.connected.insert(pair_key(dst, src), c.0 as u64);
        self.drive(c, |tcb, now, out| tcb.on_segment_into(now, syn, out));
    }

    /// Call into socket `s`'s TCB with the simulator's reusable buffers lent to it (segments
    /// out, transitions, events), so no call allocates; then send what it produced and keep
    /// the books ([`Net::after_tcb`]). On `Err` the TCB refused the call and changed nothing:
    /// nothing is sent and no books are kept.
    fn try_drive<E>(
        &mut self,
        s: SocketId,
        f: impl FnOnce(&mut Endpoint, SimTime, &mut Vec<Segment>) -> Result<(), E>,
    ) -> Result<(), E> {
        let i = self.tcb_slot(s);
        let tcb = &mut self.tcbs[i];
        tcb.swap_records(&mut self.scratch_transitions, &mut self.scratch_events);
        let r = f(tcb, self.now, &mut self.scratch_segments);
        tcb.swap_records(&mut self.scratch_transitions, &mut self.scratch_events);
        if r.is_ok() {
            let mut out = std::mem::take(&mut self.scratch_segments);
            self.emit_from(s, &mut out);
            self.scratch_segments = out;
            self.after_tcb(s);
        } else {
            self.scratch_segments.clear();
            // A refused call on a connection that is over: give back the TCB it was lent.
            self.release_if_done(s);
        }
        r
    }

    /// [`Net::try_drive`] for a call that cannot fail.
    fn drive(&mut self, s: SocketId, f: impl FnOnce(&mut Endpoint, SimTime, &mut Vec<Segment>)) {
        let r: Result<(), Infallible> = self.try_drive(s, |tcb, now, out| {
            f(tcb, now, out);
            Ok(())
        });
        let Ok(()) = r;
    }

    /// After any call into a TCB: record the transitions and pass the events on (those in the
    /// lent buffers, then any the TCB holds itself), keep timers and the demultiplexing tables
    /// true.
    fn after_tcb(&mut self, s: SocketId) {
        let now = self.now;
        let sock = &mut self.sockets[s.0];
        let tcb = &mut self.tcbs[sock.tcb as usize];
        tcb.drain_transitions_into(&mut self.scratch_transitions);
        tcb.drain_events_into(&mut self.scratch_events);
        let (parent, local, remote) = (sock.parent, sock.local, sock.remote);
        let state = tcb.state();
        // A timer event is scheduled whenever the deadline moves to a new instant; one left
        // behind in the queue finds `timer_at` changed and does nothing.
        let deadline = tcb.next_deadline();
        let d = deadline.unwrap_or(NO_DEADLINE);
        let rearm = deadline.filter(|_| d != self.timer_at[s.0]);
        self.timer_at[s.0] = d;

        if let Some(l) = parent {
            // Keep the listener's count of half-open children true.
            let k = &mut self.sockets[l.0].queues().half_open;
            for t in &self.scratch_transitions {
                if t.to == State::SynReceived {
                    *k += 1;
                } else if t.from == State::SynReceived {
                    *k = k.saturating_sub(1);
                }
            }
        }
        for &transition in &self.scratch_transitions {
            self.trace.states.push(StateRecord {
                socket: s,
                transition,
            });
        }
        self.scratch_transitions.clear();
        for &e in &self.scratch_events {
            if let (TcpEvent::Connected, Some(l)) = (e, parent) {
                self.sockets[l.0].queues().accept_queue.push_back(s);
                self.pending.push(Notification {
                    at: now,
                    socket: Some(l),
                    event: SockEvent::Incoming,
                });
            }
            self.pending.push(Notification {
                at: now,
                socket: Some(s),
                event: SockEvent::Tcp(e),
            });
        }
        self.scratch_events.clear();
        if state == State::Closed || (parent.is_some() && state == State::Listen) {
            if let (Some(l), Some(r)) = (local, remote) {
                if self.connected.get(pair_key(l, r)) == Some(s.0 as u64) {
                    self.connected.remove(pair_key(l, r));
                }
            }
            if let Some(l) = local {
                if self.listeners.get(local_key(l)) == Some(s.0 as u64) {
                    self.listeners.remove(local_key(l));
                }
            }
        }
        if let Some(at) = rearm {
            self.schedule(at.max(now), Ev::Timer(s));
        }
        if state == State::Closed {
            self.release_if_done(s);
        }
    }
}

/// A local address as the key of the listener and bound tables ([`KeyMap`]).
#[inline]
fn local_key(a: SocketAddrV4) -> u128 {
    u128::from(addr_key(a))
}

/// A socket id stored as a [`KeyMap`] value.
#[inline]
fn sock_id(v: u64) -> SocketId {
    SocketId(v as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::workloads::short_connections_net;

    const S: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

    /// The clients of `short_connections_net`: the sockets not accepted from the listener
    /// (socket 0).
    fn clients(net: &Net) -> Vec<SocketId> {
        let t = &net.trace().sockets;
        (1..t.len())
            .filter(|&i| t[i].parent.is_none())
            .map(SocketId)
            .collect()
    }

    /// Connections that are over give their TCB back: 200 connections one after another need
    /// only the TCBs of those open at once, and a finished socket reads as CLOSED.
    #[test]
    fn finished_connections_release_their_tcbs() {
        let net = short_connections_net(200).unwrap();
        assert_eq!(net.trace().packets.len(), 200 * 7);
        // The listener, the two ends of the open connection, the last ones' TIME-WAIT.
        assert!(
            net.tcbs.len() <= 8,
            "{} TCBs for 200 connections",
            net.tcbs.len()
        );
        let clients = clients(&net);
        assert_eq!(clients.len(), 200);
        for &k in &clients {
            assert_eq!(net.state(k), Some(State::Closed));
            assert!(net.endpoint(k).is_none());
        }
        // The listener keeps its TCB.
        assert_eq!(net.state(SocketId(0)), Some(State::Listen));
    }

    /// Reading in place gives the application the same bytes and the network the same run as
    /// reading into a buffer.
    #[test]
    fn recv_with_reads_what_recv_into_reads() {
        use crate::sim::workloads::{bulk_net, Read};
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let (copy, n_copy) = bulk_net(&data, Read::Copy).unwrap();
        let (in_place, n_in_place) = bulk_net(&data, Read::InPlace).unwrap();
        assert_eq!((n_copy, n_in_place), (data.len(), data.len()));
        assert_eq!(copy.trace(), in_place.trace());
    }

    /// A released socket used again behaves as a fresh CLOSED one: connect works (same local
    /// port, new handshake), and calls it cannot take are refused as before.
    #[test]
    fn a_released_socket_can_connect_again() {
        let mut net = short_connections_net(1).unwrap();
        let k = clients(&net)[0];
        let port = net.local_addr(k).unwrap().port();
        assert!(net.endpoint(k).is_none());
        assert_eq!(
            net.send(k, b"x"),
            Err(SimError::Tcp(crate::tcp::UserError::ConnectionDoesNotExist))
        );
        assert!(
            net.endpoint(k).is_none(),
            "a refused call leaves no TCB behind"
        );
        assert_eq!(net.recv(k), Ok(Vec::new()));
        net.connect(k, SocketAddrV4::new(S, 80)).unwrap();
        let syn = net.trace().packets.last().unwrap();
        assert!(syn.segment.flags.syn() && !syn.segment.flags.ack());
        assert_eq!(syn.src.port(), port);
        // Nobody accepts this time, so the connection stays open.
        net.run_until(SimTime(10_000_000));
        assert_eq!(net.state(k), Some(State::Established));
    }
}
