//! What a run leaves behind: every packet, socket, user call and state change, in order.
//! The `timeline` layer turns this into something to draw.

use crate::sim::{ConnKey, HostId, MiddleboxEvent, Records, SocketId};
use crate::tcp::{Segment, Transition, UserCall};
use crate::time::{SimDuration, SimTime};
use std::net::SocketAddrV4;
use std::rc::Rc;

/// A packet as the trace keeps it: 96 bytes, a quarter less than with the arrival and the
/// loss as two `Option`s and host numbers as `usize` (writing the trace and dropping it are
/// about a fifth of a short-connection run's time; `benches/sim_best.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketRecord {
    pub sent_at: SimTime,
    /// When the packet arrived or, when `dropped_by` says it was lost, where it vanished (half
    /// way along the path, for drawing). Read it with [`PacketRecord::arrives_at`] and
    /// [`PacketRecord::lost_at`].
    pub end: SimTime,
    /// Why a lost packet was lost; `None`: it arrived.
    pub dropped_by: Option<DropCause>,
    pub from: HostId,
    pub to: Option<HostId>,
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub proto: Proto,
    /// For UDP only the ports and the payload are meaningful.
    pub segment: Segment,
}

impl PacketRecord {
    /// When the packet arrived; `None`: it was lost.
    #[inline]
    pub fn arrives_at(&self) -> Option<SimTime> {
        self.dropped_by.is_none().then_some(self.end)
    }

    /// Where a lost packet vanished; `None`: it arrived.
    #[inline]
    pub fn lost_at(&self) -> Option<SimTime> {
        self.dropped_by.map(|_| self.end)
    }
}

/// Transport protocol of a packet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Proto {
    #[default]
    Tcp,
    /// A datagram: no connection, no sequence numbers, no acknowledgment, no retransmission.
    Udp,
}

/// Why a packet never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropCause {
    /// Random loss on the link (`LinkConfig::loss_ppm`).
    Random,
    /// A scripted drop (`DropRule`).
    Scripted,
    /// The link was cut.
    Cut,
    /// No host has the destination address.
    NoRoute,
    /// The middlebox did not know the connection.
    Middlebox,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MiddleboxRecord {
    pub at: SimTime,
    pub host: HostId,
    pub conn: ConnKey,
    pub event: MiddleboxEvent,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SocketRecord {
    pub host: HostId,
    pub created_at: SimTime,
    pub local: Option<SocketAddrV4>,
    pub remote: Option<SocketAddrV4>,
    /// The listener a connection was accepted from.
    pub parent: Option<SocketId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateRecord {
    pub socket: SocketId,
    pub transition: Transition,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserCallRecord {
    pub at: SimTime,
    pub socket: SocketId,
    pub call: UserCall,
}

/// What an application did or decided, for the narration (the `app` layer writes these). Paths
/// are shared (`Rc<str>`): an app names the same path in many notes, and a clone per note was
/// an allocation each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppNote {
    /// An HTTP request left (`version` 10 or 11).
    HttpRequest {
        path: Rc<str>,
        version: u8,
        keep_alive: bool,
    },
    /// The server answered a request.
    HttpResponse {
        path: Rc<str>,
        status: u16,
        body: usize,
    },
    /// The client has the whole response.
    ResponseComplete {
        path: Rc<str>,
    },
    /// The server had nothing new for a poll.
    PollEmpty,
    /// The server produced event `id` (push-vs-poll).
    ServerEvent {
        id: u32,
    },
    /// The client learned of event `id`, `latency` after it happened.
    EventDelivered {
        id: u32,
        latency: SimDuration,
    },
    /// A heartbeat request or its reply.
    Heartbeat,
    HeartbeatReply,
    /// The application gave up on its peer (missed heartbeats / no requests).
    PeerOffline,
    /// A datagram was sent or arrived (UDP, no connection).
    Datagram {
        len: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppRecord {
    pub at: SimTime,
    pub host: HostId,
    pub note: AppNote,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
/// Each list is [`Records`]: appending never moves (copies) what a long run recorded before.
pub struct Trace {
    pub packets: Records<PacketRecord>,
    pub sockets: Records<SocketRecord>,
    pub states: Records<StateRecord>,
    pub calls: Records<UserCallRecord>,
    pub middlebox: Records<MiddleboxRecord>,
    pub notes: Records<AppRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    /// The record's size is what the trace writes per packet; growing it slows every run
    /// (48 more bytes cost 4-5 % of a short-connection run).
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_packet_record_is_96_bytes() {
        assert_eq!(std::mem::size_of::<PacketRecord>(), 96);
    }

    #[test]
    fn end_reads_as_arrival_or_loss() {
        let addr = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 80);
        let mut p = PacketRecord {
            sent_at: SimTime(1),
            end: SimTime(7),
            dropped_by: None,
            from: HostId(0),
            to: Some(HostId(1)),
            src: addr,
            dst: addr,
            proto: Proto::Tcp,
            segment: Segment::default(),
        };
        assert_eq!((p.arrives_at(), p.lost_at()), (Some(SimTime(7)), None));
        p.dropped_by = Some(DropCause::Cut);
        assert_eq!((p.arrives_at(), p.lost_at()), (None, Some(SimTime(7))));
    }
}
