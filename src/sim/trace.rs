//! What a run leaves behind: every packet, socket, user call and state change, in order.
//! The `timeline` layer turns this into something to draw.

use crate::sim::{ConnKey, HostId, MiddleboxEvent, SocketId};
use crate::tcp::{Segment, Transition, UserCall};
use crate::time::SimTime;
use std::net::SocketAddrV4;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketRecord {
    pub sent_at: SimTime,
    /// `None`: the packet was lost (see `lost_at`).
    pub arrives_at: Option<SimTime>,
    /// Where a lost packet vanished (half way along the path, for drawing).
    pub lost_at: Option<SimTime>,
    /// Why a lost packet was lost.
    pub dropped_by: Option<DropCause>,
    pub from: HostId,
    pub to: Option<HostId>,
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub segment: Segment,
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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    pub packets: Vec<PacketRecord>,
    pub sockets: Vec<SocketRecord>,
    pub states: Vec<StateRecord>,
    pub calls: Vec<UserCallRecord>,
    pub middlebox: Vec<MiddleboxRecord>,
}
