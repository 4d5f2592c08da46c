//! RFC 9293 §3.1: the parts of a segment the state machine reads and writes.

use super::{Flags, Payload, SeqNum};
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: SeqNum,
    /// Meaningful only when ACK is set; zero otherwise, as on the wire.
    pub ack: SeqNum,
    pub flags: Flags,
    pub window: u16,
    /// Urgent pointer (RFC 9293 §3.8.5), meaningful only when URG is set.
    pub urgent: u16,
    /// MSS option (RFC 9293 §3.7.1), only on SYN segments.
    pub mss: Option<u16>,
    pub payload: Payload,
}

impl Segment {
    /// SEG.LEN: payload plus one for each of SYN and FIN (RFC 9293 §3.4).
    pub fn seg_len(&self) -> u32 {
        self.payload.len() as u32 + u32::from(self.flags.syn()) + u32::from(self.flags.fin())
    }

    /// The label a ladder diagram shows: `SYN+ACK seq=1739326486 ack=3626544837`.
    pub fn label(&self) -> String {
        let mut s = format!("{} seq={}", self.flags, self.seq);
        if self.flags.ack() {
            s.push_str(&format!(" ack={}", self.ack));
        }
        if !self.payload.is_empty() {
            s.push_str(&format!(" len={}", self.payload.len()));
        }
        s
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} win={}", self.label(), self.window)
    }
}

/// RFC 9293 §3.10.7.1: the reply of a port with no connection (CLOSED) to `seg`.
/// An incoming RST is discarded; otherwise the RST is shaped so the sender will accept it.
pub fn reset_for_unknown(seg: &Segment) -> Option<Segment> {
    if seg.flags.rst() {
        return None;
    }
    let mut rst = Segment {
        src_port: seg.dst_port,
        dst_port: seg.src_port,
        ..Segment::default()
    };
    if seg.flags.ack() {
        // <SEQ=SEG.ACK><CTL=RST>
        rst.seq = seg.ack;
        rst.flags = Flags::RST;
    } else {
        // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
        rst.seq = SeqNum(0);
        rst.ack = seg.seq + seg.seg_len();
        rst.flags = Flags::RST | Flags::ACK;
    }
    Some(rst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syn_and_fin_count_in_seg_len() {
        let mut s = Segment {
            flags: Flags::SYN,
            ..Segment::default()
        };
        assert_eq!(s.seg_len(), 1);
        s.flags = Flags::FIN | Flags::ACK;
        s.payload = b"abc".into();
        assert_eq!(s.seg_len(), 4);
    }

    #[test]
    fn closed_port_answers_syn_with_rst_ack() {
        let syn = Segment {
            src_port: 3337,
            dst_port: 7788,
            seq: SeqNum(100),
            flags: Flags::SYN,
            ..Segment::default()
        };
        let rst = reset_for_unknown(&syn).unwrap();
        assert_eq!(rst.flags, Flags::RST | Flags::ACK);
        assert_eq!(rst.seq, SeqNum(0));
        assert_eq!(rst.ack, SeqNum(101));
        assert_eq!((rst.src_port, rst.dst_port), (7788, 3337));
    }

    #[test]
    fn closed_port_answers_ack_with_rst_at_its_ack() {
        let ack = Segment {
            seq: SeqNum(5),
            ack: SeqNum(900),
            flags: Flags::ACK,
            ..Segment::default()
        };
        let rst = reset_for_unknown(&ack).unwrap();
        assert_eq!(rst.flags, Flags::RST);
        assert_eq!(rst.seq, SeqNum(900));
    }

    #[test]
    fn closed_port_ignores_rst() {
        let rst = Segment {
            flags: Flags::RST,
            ..Segment::default()
        };
        assert!(reset_for_unknown(&rst).is_none());
    }
}
