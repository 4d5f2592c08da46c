//! RFC 9293 §3.1: the control bits. The seed names six of them: URG ACK PSH RST SYN FIN.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// The TCP control bits as they sit in the header (FIN is bit 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Flags(pub u8);

impl Flags {
    pub const NONE: Flags = Flags(0);
    pub const FIN: Flags = Flags(0x01);
    pub const SYN: Flags = Flags(0x02);
    pub const RST: Flags = Flags(0x04);
    pub const PSH: Flags = Flags(0x08);
    pub const ACK: Flags = Flags(0x10);
    pub const URG: Flags = Flags(0x20);

    /// Display order: what the segment is for first (SYN/FIN/RST), then PSH, ACK, URG —
    /// so a reader sees "SYN+ACK" and "FIN+ACK" as they are usually spoken.
    pub const ORDERED: [(Flags, &'static str); 6] = [
        (Flags::SYN, "SYN"),
        (Flags::FIN, "FIN"),
        (Flags::RST, "RST"),
        (Flags::PSH, "PSH"),
        (Flags::ACK, "ACK"),
        (Flags::URG, "URG"),
    ];

    /// Header order, most significant first, as drawn in a bit diagram.
    pub const HEADER_ORDER: [(Flags, &'static str); 6] = [
        (Flags::URG, "URG"),
        (Flags::ACK, "ACK"),
        (Flags::PSH, "PSH"),
        (Flags::RST, "RST"),
        (Flags::SYN, "SYN"),
        (Flags::FIN, "FIN"),
    ];

    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub fn syn(self) -> bool {
        self.contains(Flags::SYN)
    }
    pub fn ack(self) -> bool {
        self.contains(Flags::ACK)
    }
    pub fn fin(self) -> bool {
        self.contains(Flags::FIN)
    }
    pub fn rst(self) -> bool {
        self.contains(Flags::RST)
    }
    pub fn psh(self) -> bool {
        self.contains(Flags::PSH)
    }
    pub fn urg(self) -> bool {
        self.contains(Flags::URG)
    }

    pub fn without(self, other: Flags) -> Flags {
        Flags(self.0 & !other.0)
    }

    /// tcpdump's compact form: `S`, `S.`, `F.`, `P.`, `R`, `.` for a bare ACK.
    pub fn tcpdump(self) -> String {
        let mut s = String::new();
        for (f, c) in [
            (Flags::SYN, 'S'),
            (Flags::FIN, 'F'),
            (Flags::RST, 'R'),
            (Flags::PSH, 'P'),
            (Flags::URG, 'U'),
        ] {
            if self.contains(f) {
                s.push(c);
            }
        }
        if self.ack() {
            s.push('.');
        }
        if s.is_empty() {
            s.push_str("none");
        }
        s
    }
}

impl BitOr for Flags {
    type Output = Flags;
    fn bitor(self, o: Flags) -> Flags {
        Flags(self.0 | o.0)
    }
}

impl BitOrAssign for Flags {
    fn bitor_assign(&mut self, o: Flags) {
        self.0 |= o.0;
    }
}

/// `SYN+ACK`, `FIN+ACK`, `PSH+ACK`, `ACK`; `none` for no bits.
impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (flag, name) in Flags::ORDERED {
            if self.contains(flag) {
                if !first {
                    f.write_str("+")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_spoken() {
        assert_eq!((Flags::SYN | Flags::ACK).to_string(), "SYN+ACK");
        assert_eq!((Flags::ACK | Flags::FIN).to_string(), "FIN+ACK");
        assert_eq!((Flags::ACK | Flags::PSH).to_string(), "PSH+ACK");
        assert_eq!((Flags::RST | Flags::ACK).to_string(), "RST+ACK");
        assert_eq!(Flags::NONE.to_string(), "none");
    }

    #[test]
    fn tcpdump_letters() {
        assert_eq!(Flags::SYN.tcpdump(), "S");
        assert_eq!((Flags::SYN | Flags::ACK).tcpdump(), "S.");
        assert_eq!(Flags::ACK.tcpdump(), ".");
        assert_eq!((Flags::FIN | Flags::ACK).tcpdump(), "F.");
        assert_eq!((Flags::PSH | Flags::ACK).tcpdump(), "P.");
    }

    #[test]
    fn header_bits_match_rfc_layout() {
        // RFC 9293 §3.1: ... URG ACK PSH RST SYN FIN are bits 5..0 of byte 13.
        assert_eq!(Flags::FIN.0, 1);
        assert_eq!(Flags::URG.0, 32);
        assert!(!Flags::NONE.contains(Flags::NONE));
    }
}
