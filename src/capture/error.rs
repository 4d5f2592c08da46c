//! What can be wrong with an imported file, and where.

use std::fmt;

/// Where in the input a problem was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Byte offset in a binary file.
    Byte(u64),
    /// 1-based line number in a text file.
    Line(usize),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Byte(b) => write!(f, "byte {b}"),
            Position::Line(l) => write!(f, "line {l}"),
        }
    }
}

/// Why reading stopped. Everything read before `at` is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The input is empty.
    Empty,
    /// Neither pcap, pcapng nor tcpdump text.
    UnknownFormat,
    /// The file ends in the middle of something.
    Truncated {
        at: Position,
        expected: &'static str,
    },
    /// A structure has an impossible value.
    Malformed {
        at: Position,
        expected: &'static str,
    },
    /// A link-layer type we cannot take apart.
    UnsupportedLink { at: Position, link: u32 },
}

impl ImportError {
    pub fn position(&self) -> Position {
        match self {
            ImportError::Empty | ImportError::UnknownFormat => Position::Byte(0),
            ImportError::Truncated { at, .. }
            | ImportError::Malformed { at, .. }
            | ImportError::UnsupportedLink { at, .. } => *at,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Empty => write!(f, "byte 0: empty file, expected a pcap, pcapng or tcpdump text capture"),
            ImportError::UnknownFormat => write!(
                f,
                "byte 0: unknown format, expected pcap magic (a1b2c3d4 / a1b23c4d), pcapng (0a0d0d0a) or tcpdump -nn text lines"
            ),
            ImportError::Truncated { at, expected } => {
                write!(f, "{at}: file ends early, expected {expected}")
            }
            ImportError::Malformed { at, expected } => write!(f, "{at}: expected {expected}"),
            ImportError::UnsupportedLink { at, link } => write!(
                f,
                "{at}: link-layer type {link} is not supported, expected Ethernet (1), raw IP (101, 228), Linux cooked (113, 276)"
            ),
        }
    }
}

impl std::error::Error for ImportError {}
