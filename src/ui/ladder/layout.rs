//! Everything about a ladder that stays put while it plays, worked out once per timeline and
//! time scale: where each arrow and its label go, which labels have room, and the arrows and
//! state marks that have settled, as a few long paths revealed a prefix at a time.

use super::thin::{thin, Bands, LabelBox};
use crate::tcp::Flags;
use crate::time::{SimDuration, SimTime};
use crate::timeline::{Packet, Timeline};
use crate::ui::num::px;
use crate::ui::timescale::TimeScale;
use std::fmt::Write;

pub const WIDTH: f64 = 640.0;
const MARGIN_X: f64 = 120.0;
pub const BODY_TOP: f64 = 104.0;
/// The time axis gets longer with more happening, within these bounds.
const BODY_MIN: f64 = 400.0;
const BODY_MAX: f64 = 960.0;
const PX_PER_EVENT: f64 = 7.0;
/// A ladder with up to this many packets draws each as an element of its own.
const ELEMENTS_UP_TO: usize = 120;
/// Closest two state names may be written one above the other on a lane.
const MARK_GAP: f64 = 14.0;

/// Packet kinds, each with its colour and dash pattern in the style sheet.
pub const KINDS: [&str; 7] = ["syn", "synack", "ack", "data", "fin", "rst", "udp"];

/// Lane x positions and the time → y scale.
#[derive(Clone, Copy)]
pub struct Geo<'a> {
    pub lanes: usize,
    pub scale: &'a TimeScale,
    pub body: f64,
}

impl<'a> Geo<'a> {
    pub fn new(lanes: usize, scale: &'a TimeScale) -> Geo<'a> {
        Geo {
            lanes,
            scale,
            body: (scale.events() as f64 * PX_PER_EVENT).clamp(BODY_MIN, BODY_MAX),
        }
    }

    pub fn height(&self) -> f64 {
        BODY_TOP + self.body + 28.0
    }

    pub fn lane_x(&self, lane: usize) -> f64 {
        if self.lanes <= 1 {
            return WIDTH / 2.0;
        }
        MARGIN_X + lane as f64 * (WIDTH - 2.0 * MARGIN_X) / (self.lanes - 1) as f64
    }

    pub fn y(&self, t: SimTime) -> f64 {
        let total = self.scale.total().max(1) as f64;
        BODY_TOP + 12.0 + (self.scale.pos(t) / total) * (self.body - 24.0)
    }
}

/// Visual kind of a segment: colour *and* dash pattern, so colour is never the only cue.
fn kind(p: &Packet) -> usize {
    let f: Flags = p.segment.flags;
    match p.proto {
        crate::sim::Proto::Udp => 6,
        crate::sim::Proto::Tcp if f.rst() => 5,
        crate::sim::Proto::Tcp if f.syn() && f.ack() => 1,
        crate::sim::Proto::Tcp if f.syn() => 0,
        crate::sim::Proto::Tcp if f.fin() => 4,
        crate::sim::Proto::Tcp if !p.segment.payload.is_empty() => 3,
        crate::sim::Proto::Tcp => 2,
    }
}

/// One packet's arrow from sending to where it stops (its lane, or half way if it is lost).
pub struct Arrow {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    /// Direction of the arrow as a unit vector (cos, sin): drawn with `matrix()`, so the wasm
    /// needs no trigonometry (`atan2`/`sin`/`cos` cost 8 KB of libm, 3.4 KB gzip).
    pub dir: (f64, f64),
    /// Index into [`KINDS`].
    pub kind: usize,
    pub label: String,
    /// Middle of the arrow and the label's direction (always reading left to right).
    pub mx: f64,
    pub my: f64,
    pub text_dir: (f64, f64),
}

impl Arrow {
    fn new(geo: &Geo, p: &Packet) -> Arrow {
        let x1 = geo.lane_x(p.from_lane);
        let y1 = geo.y(p.sent_at);
        let x2 = match p.to_lane {
            Some(l) => geo.lane_x(l),
            None => x1 + if x1 < WIDTH / 2.0 { 160.0 } else { -160.0 },
        };
        let y2 = geo.y(p.end_at());
        let x2 = if p.arrives_at.is_some() {
            x2
        } else {
            x1 + (x2 - x1) * 0.5
        };
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt();
        let dir = if len > 0.0 {
            (dx / len, dy / len)
        } else {
            (1.0, 0.0)
        };
        // A label on an arrow pointing left is turned half a circle, to read left to right.
        let text_dir = if dir.0 < 0.0 { (-dir.0, -dir.1) } else { dir };
        Arrow {
            x1,
            y1,
            x2,
            y2,
            dir,
            kind: kind(p),
            label: p.label(),
            mx: (x1 + x2) / 2.0,
            my: (y1 + y2) / 2.0,
            text_dir,
        }
    }

    /// Where the head is at `progress` (0 ..= 1) along the arrow.
    pub fn head(&self, progress: f64) -> (f64, f64) {
        (
            self.x1 + (self.x2 - self.x1) * progress,
            self.y1 + (self.y2 - self.y1) * progress,
        )
    }

    fn label_box(&self) -> LabelBox {
        LabelBox::new(self.mx, self.my, self.text_dir, self.label.chars().count())
    }
}

/// A path revealed a prefix at a time: pieces appended in order, each with its sequence number,
/// drawn in blocks of [`BLOCK`] pieces so that revealing one more changes one short path.
#[derive(Default)]
pub struct PrefixPath {
    d: String,
    /// Per piece: its sequence number and where it ends in `d`.
    ends: Vec<(usize, usize)>,
}

pub const BLOCK: usize = 64;

impl PrefixPath {
    fn push(&mut self, seq: usize, piece: std::fmt::Arguments) {
        let _ = self.d.write_fmt(piece);
        self.ends.push((seq, self.d.len()));
    }

    /// How many pieces have a sequence number below `n`.
    pub fn shown(&self, n: usize) -> usize {
        self.ends.partition_point(|&(s, _)| s < n)
    }

    /// Block `b` holding its first `len` pieces.
    pub fn block(&self, b: usize, len: usize) -> &str {
        let first = b * BLOCK;
        let start = first.checked_sub(1).map_or(0, |i| self.ends[i].1);
        match (first + len).checked_sub(1).and_then(|i| self.ends.get(i)) {
            Some(&(_, end)) if len > 0 => &self.d[start..end],
            _ => "",
        }
    }
}

/// One of a ladder's revealed paths.
#[derive(Clone, Copy, PartialEq)]
pub enum PathId {
    Shaft(usize),
    Head(usize),
    Lost,
    Hit,
    Dots(usize),
}

/// Arrows whose labels gave way, drawn once they have stopped as a few paths (in the order
/// they stop).
#[derive(Default)]
pub struct Settled {
    /// Packet indices in the order their arrows stop, and when.
    pub order: Vec<usize>,
    pub times: Vec<SimTime>,
    /// Per kind: shafts and arrow heads.
    pub shafts: Vec<PrefixPath>,
    pub heads: Vec<PrefixPath>,
    /// Crosses where lost packets vanished.
    pub lost: PrefixPath,
    /// All shafts, for the pointer.
    pub hit: PrefixPath,
}

impl Layout {
    pub fn path(&self, id: PathId) -> &PrefixPath {
        match id {
            PathId::Shaft(k) => &self.settled.shafts[k],
            PathId::Head(k) => &self.settled.heads[k],
            PathId::Lost => &self.settled.lost,
            PathId::Hit => &self.settled.hit,
            PathId::Dots(k) => &self.marks.dots[k].1,
        }
    }
}

impl Settled {
    /// How many have stopped by `t`.
    pub fn count(&self, t: SimTime) -> usize {
        self.times.partition_point(|&at| at <= t)
    }
}

/// A state change written beside its lane (the name only where there is room).
pub struct MarkText {
    pub seq: usize,
    pub x: f64,
    pub y: f64,
    pub anchor: &'static str,
    pub css: &'static str,
    pub name: &'static str,
}

/// State changes in time order: dots per state (as paths) and the names that have room.
#[derive(Default)]
pub struct Marks {
    pub times: Vec<SimTime>,
    pub dots: Vec<(&'static str, PrefixPath)>,
    pub texts: Vec<MarkText>,
}

impl Marks {
    pub fn count(&self, t: SimTime) -> usize {
        self.times.partition_point(|&at| at <= t)
    }
}

pub struct Layout {
    pub arrows: Vec<Arrow>,
    pub boxes: Vec<LabelBox>,
    /// Whose label has room.
    pub kept: Vec<bool>,
    /// Packets with an element of their own once sent (all of a small ladder, else those with
    /// a label), in sending order; the others are drawn in [`Settled`] once they stop.
    pub own: Vec<usize>,
    bands: Bands,
    pub settled: Settled,
    pub marks: Marks,
    pub longest: SimDuration,
}

impl Layout {
    pub fn new(tl: &Timeline, geo: &Geo) -> Layout {
        let arrows: Vec<Arrow> = tl.packets.iter().map(|p| Arrow::new(geo, p)).collect();
        let boxes: Vec<LabelBox> = arrows.iter().map(Arrow::label_box).collect();
        // Labels that matter most first: SYN, FIN, RST, retransmissions and losses, then data,
        // then pure ACKs; earlier before later.
        let mut order: Vec<usize> = (0..arrows.len()).collect();
        crate::sim::sort_by_u64(&mut order, |&i| {
            let p = &tl.packets[i];
            let f = p.segment.flags;
            let rank =
                if f.syn() || f.fin() || f.rst() || p.retransmission || p.arrives_at.is_none() {
                    0
                } else if arrows[i].kind == 2 {
                    2
                } else {
                    1
                };
            // Rank above the index (stable anyway, but the index is the tie-break).
            (rank << 48) | i as u64
        });
        let (kept, bands) = thin(&boxes, order.into_iter());
        let own: Vec<bool> = if arrows.len() <= ELEMENTS_UP_TO {
            vec![true; arrows.len()]
        } else {
            kept.clone()
        };
        let settled = settled(tl, &arrows, &own);
        let own = (0..own.len()).filter(|&i| own[i]).collect();
        Layout {
            marks: marks(tl, geo),
            arrows,
            boxes,
            kept,
            own,
            bands,
            settled,
            longest: tl.longest_flight(),
        }
    }

    /// Kept labels that the label of packet `i` would cover.
    pub fn covered_by(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.bands.hits(&self.boxes[i], &self.boxes)
    }

    /// The settled arrow without a label of its own nearest to `(x, y)`, within `reach`.
    pub fn nearest_settled(&self, count: usize, x: f64, y: f64, reach: f64) -> Option<usize> {
        self.settled.order[..count]
            .iter()
            .map(|&i| (i, distance(&self.arrows[i], x, y)))
            .filter(|&(_, d)| d <= reach)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}

/// Distance from a point to an arrow's shaft.
fn distance(a: &Arrow, x: f64, y: f64) -> f64 {
    let (dx, dy) = (a.x2 - a.x1, a.y2 - a.y1);
    let len2 = dx * dx + dy * dy;
    let s = if len2 == 0.0 {
        0.0
    } else {
        (((x - a.x1) * dx + (y - a.y1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (px, py) = a.head(s);
    ((x - px).powi(2) + (y - py).powi(2)).sqrt()
}

fn settled(tl: &Timeline, arrows: &[Arrow], own: &[bool]) -> Settled {
    let mut s = Settled {
        shafts: KINDS.iter().map(|_| PrefixPath::default()).collect(),
        heads: KINDS.iter().map(|_| PrefixPath::default()).collect(),
        ..Settled::default()
    };
    for i in tl.settle_order().into_iter().filter(|&i| !own[i]) {
        let (a, p) = (&arrows[i], &tl.packets[i]);
        let seq = s.order.len();
        s.order.push(i);
        s.times.push(p.end_at());
        let shaft = format_args!("M{} {}L{} {}", px(a.x1), px(a.y1), px(a.x2), px(a.y2));
        s.shafts[a.kind].push(seq, shaft);
        s.hit.push(seq, shaft);
        let (x, y) = (a.x2, a.y2);
        if p.arrives_at.is_none() {
            s.lost.push(
                seq,
                format_args!(
                    "M{} {}l14 14M{} {}l14 -14",
                    px(x - 7.0),
                    px(y - 7.0),
                    px(x - 7.0),
                    px(y + 7.0)
                ),
            );
        } else {
            // The head: the triangle (0,0) (-11,-5) (-11,5) turned along the arrow.
            let (cos, sin) = a.dir;
            let at = |u: f64, v: f64| (x + u * cos - v * sin, y + u * sin + v * cos);
            let ((bx, by), (cx, cy)) = (at(-11.0, -5.0), at(-11.0, 5.0));
            s.heads[a.kind].push(
                seq,
                format_args!(
                    "M{} {}L{} {}L{} {}Z",
                    px(x),
                    px(y),
                    px(bx),
                    px(by),
                    px(cx),
                    px(cy)
                ),
            );
        }
    }
    s
}

fn marks(tl: &Timeline, geo: &Geo) -> Marks {
    let mut all: Vec<_> = tl
        .tracks
        .iter()
        .flat_map(|tr| {
            tr.history
                .iter()
                .skip(1)
                .map(move |&(at, st)| (at, tr.lane, st))
        })
        .collect();
    crate::sim::sort_by_u64_pair(&mut all, |&(at, _, _)| at.micros(), |&(_, l, _)| l as u64);
    let mut m = Marks::default();
    let mut last_y: Vec<f64> = vec![f64::NEG_INFINITY; tl.lanes.len()];
    for (seq, (at, lane, st)) in all.into_iter().enumerate() {
        let (x, y) = (geo.lane_x(lane), geo.y(at));
        m.times.push(at);
        let css = st.css();
        let slot = match m.dots.iter().position(|(c, _)| *c == css) {
            Some(k) => k,
            None => {
                m.dots.push((css, PrefixPath::default()));
                m.dots.len() - 1
            }
        };
        m.dots[slot].1.push(
            seq,
            format_args!("M{} {}a4 4 0 1 0 8 0a4 4 0 1 0 -8 0", px(x - 4.0), px(y)),
        );
        if let Some(last) = last_y.get_mut(lane) {
            if y - *last >= MARK_GAP {
                *last = y;
                let right = lane + 1 == tl.lanes.len() && tl.lanes.len() > 1;
                let (x, anchor) = if right {
                    (x + 10.0, "start")
                } else {
                    (x - 10.0, "end")
                };
                m.texts.push(MarkText {
                    seq,
                    x,
                    y: y + 4.0,
                    anchor,
                    css,
                    name: st.rfc_name(),
                });
            }
        }
    }
    m
}
