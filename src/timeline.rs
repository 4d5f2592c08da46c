//! Core layer `timeline`: what is on screen at time t.
//!
//! A [`Timeline`] is built once from a simulator [`Trace`](crate::sim::Trace) (or, later, from
//! an imported capture): lanes (one per host), tracks (one per socket, with its state
//! history), packets and steps (everything that happens at one host at one instant).
//! [`Timeline::frame_at`] answers in O(log n) per lane plus the packets in view.

mod axis;
mod build;
mod few;
mod frame;
mod ladder_text;

pub use axis::Axis;
pub use build::LaneSpec;
pub use few::Few;
pub use frame::{Frame, PacketView};

use crate::sim::{AppNote, DropCause, HostId, Proto};
use crate::tcp::{Segment, State, Transition, UserCall};
use crate::time::SimTime;
use std::net::{Ipv4Addr, SocketAddrV4};

/// What a lane stands for; the UI names it in the current language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Client,
    Server,
    Middlebox,
}

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
            Role::Middlebox => "middlebox",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    pub host: HostId,
    pub role: Role,
    pub ip: Ipv4Addr,
}

/// One socket's life: where it is bound and every state it passed through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Track {
    pub lane: usize,
    pub local: Option<SocketAddrV4>,
    pub remote: Option<SocketAddrV4>,
    pub listener: bool,
    pub created_at: SimTime,
    /// (time, state entered), starting with the state the socket was created in.
    pub history: Vec<(SimTime, State)>,
}

impl Track {
    pub fn state_at(&self, t: SimTime) -> Option<State> {
        let i = self.history.partition_point(|&(at, _)| at <= t);
        (i > 0).then(|| self.history[i - 1].1)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub sent_at: SimTime,
    pub arrives_at: Option<SimTime>,
    pub lost_at: Option<SimTime>,
    pub from_lane: usize,
    /// `None` when the destination is not drawn (no such host).
    pub to_lane: Option<usize>,
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub segment: Segment,
    /// Wireshark's `tcp.analysis.retransmission`: data or SYN/FIN already sent once.
    pub retransmission: bool,
    /// Why it never arrived (`None` if it did).
    pub dropped_by: Option<DropCause>,
    /// TCP segment or UDP datagram (for UDP, `segment` holds only ports and payload).
    pub proto: Proto,
}

impl Packet {
    /// What the ladder writes on the arrow: `SYN+ACK seq=… ack=…`, or `UDP len=12`.
    pub fn label(&self) -> String {
        match self.proto {
            Proto::Tcp => self.segment.label(),
            Proto::Udp => format!("UDP len={}", self.segment.payload.len()),
        }
    }

    /// When the arrow stops moving (arrival, or the point it was lost).
    pub fn end_at(&self) -> SimTime {
        self.arrives_at.or(self.lost_at).unwrap_or(self.sent_at)
    }
}

/// Everything that happens at one lane at one instant: one narration line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub at: SimTime,
    pub lane: usize,
    pub calls: Few<UserCall>,
    /// Packet that arrived and caused this step.
    pub received: Option<usize>,
    pub transitions: Few<(usize, Transition)>,
    pub sent: Few<usize>,
    /// Things that are not TCP state: what a middlebox did, what an application did.
    pub notes: Few<Note>,
}

/// A happening beside the TCP state machines, told in the narration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// What an application did (HTTP request, heartbeat, event delivered, …).
    App(AppNote),
    /// A firewall/NAT saw a SYN and now tracks the connection.
    MiddleboxOpened,
    /// The firewall/NAT forgot an idle connection.
    MiddleboxExpired,
    /// The firewall/NAT dropped packet `packet` of a connection it did not know.
    MiddleboxDropped { packet: usize },
    /// … and answered it with the RST `rst`.
    MiddleboxReset { packet: usize, rst: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub lanes: Vec<Lane>,
    pub tracks: Vec<Track>,
    /// In order of sending.
    pub packets: Vec<Packet>,
    /// In time order.
    pub steps: Vec<Step>,
    pub end: SimTime,
}

impl Timeline {
    pub fn lane_by_role(&self, role: Role) -> Option<usize> {
        self.lanes.iter().position(|l| l.role == role)
    }

    /// The step in force at `t`: the last one at or before it.
    pub fn step_at(&self, t: SimTime) -> Option<usize> {
        self.steps.partition_point(|s| s.at <= t).checked_sub(1)
    }

    /// Time of the first step strictly after `t`.
    pub fn next_step_time(&self, t: SimTime) -> Option<SimTime> {
        let i = self.steps.partition_point(|s| s.at <= t);
        self.steps.get(i).map(|s| s.at)
    }

    /// Time of the last step strictly before `t`.
    pub fn prev_step_time(&self, t: SimTime) -> Option<SimTime> {
        let i = self.steps.partition_point(|s| s.at < t);
        i.checked_sub(1).map(|j| self.steps[j].at)
    }

    /// The socket a lane's badge shows at `t`: the newest one created by then.
    pub fn focus_track(&self, lane: usize, t: SimTime) -> Option<usize> {
        self.tracks
            .iter()
            .enumerate()
            .filter(|(_, tr)| tr.lane == lane && tr.created_at <= t)
            .map(|(i, _)| i)
            .next_back()
    }

    /// The ladder as plain text (golden snapshots, CLI).
    pub fn ladder_text(&self) -> String {
        ladder_text::render(self)
    }
}
