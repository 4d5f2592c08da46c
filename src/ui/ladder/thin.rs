//! Labels that have room: each packet's label is a box turned along its arrow; a label is kept
//! only when its box meets no box kept before it, so labels never cover one another.

/// Width of one character of a packet label (12 px monospace, with a little to spare).
const CHAR_W: f64 = 7.4;
/// The text runs this far above its arrow: its box spans 2.5 ..= 19.5 px above the line.
const ABOVE: f64 = 11.0;
const HALF_H: f64 = 8.5;

/// A label's box: centre, unit vector along the text and half sizes.
#[derive(Clone, Copy, Debug)]
pub struct LabelBox {
    cx: f64,
    cy: f64,
    ux: f64,
    uy: f64,
    hw: f64,
    hh: f64,
}

impl LabelBox {
    /// The box of `chars` characters centred at `(x, y)` on an arrow whose text runs along the
    /// unit vector `(ux, uy)`, the text sitting just above the arrow as the ladder draws it.
    pub fn new(x: f64, y: f64, (ux, uy): (f64, f64), chars: usize) -> LabelBox {
        // "Above" is -y in the text's own frame: (0, -ABOVE) turned along (ux, uy).
        LabelBox {
            cx: x + ABOVE * uy,
            cy: y - ABOVE * ux,
            ux,
            uy,
            hw: chars as f64 * CHAR_W / 2.0 + 2.0,
            hh: HALF_H,
        }
    }

    /// Half the height of the upright rectangle around the box.
    fn half_height(&self) -> f64 {
        self.hw * self.uy.abs() + self.hh * self.ux.abs()
    }

    /// Radius of the box projected on the unit axis (ax, ay).
    fn reach(&self, ax: f64, ay: f64) -> f64 {
        self.hw * (self.ux * ax + self.uy * ay).abs()
            + self.hh * (-self.uy * ax + self.ux * ay).abs()
    }

    /// Whether the two boxes share any point (separating axis test on both boxes' sides).
    pub fn overlaps(&self, o: &LabelBox) -> bool {
        let (dx, dy) = (o.cx - self.cx, o.cy - self.cy);
        let axes = [
            (self.ux, self.uy),
            (-self.uy, self.ux),
            (o.ux, o.uy),
            (-o.uy, o.ux),
        ];
        axes.iter()
            .all(|&(ax, ay)| (dx * ax + dy * ay).abs() < self.reach(ax, ay) + o.reach(ax, ay))
    }
}

/// Kept boxes by horizontal band, so a new box is tested only against its neighbours.
#[derive(Default)]
pub struct Bands {
    rows: Vec<Vec<usize>>,
}

const BAND: f64 = 24.0;

impl Bands {
    fn span(b: &LabelBox) -> std::ops::RangeInclusive<usize> {
        let h = b.half_height();
        let row = |y: f64| (y.max(0.0) / BAND) as usize;
        row(b.cy - h)..=row(b.cy + h)
    }

    fn insert(&mut self, i: usize, b: &LabelBox) {
        let span = Self::span(b);
        if self.rows.len() <= *span.end() {
            self.rows.resize_with(span.end() + 1, Vec::new);
        }
        for r in span {
            self.rows[r].push(i);
        }
    }

    /// Indices of kept boxes that `b` overlaps.
    pub fn hits<'a>(
        &'a self,
        b: &'a LabelBox,
        boxes: &'a [LabelBox],
    ) -> impl Iterator<Item = usize> + 'a {
        let span = Self::span(b);
        let end = (*span.end()).min(self.rows.len().saturating_sub(1));
        let rows = if self.rows.is_empty() {
            &[][..]
        } else {
            &self.rows[(*span.start()).min(end)..=end]
        };
        rows.iter()
            .flatten()
            .copied()
            .filter(move |&j| boxes[j].overlaps(b))
    }
}

/// Keeps labels in the order given (most wanted first) while they have room; returns which
/// were kept and the bands of the kept ones.
pub fn thin(boxes: &[LabelBox], order: impl Iterator<Item = usize>) -> (Vec<bool>, Bands) {
    let mut kept = vec![false; boxes.len()];
    let mut bands = Bands::default();
    for i in order {
        if bands.hits(&boxes[i], boxes).next().is_none() {
            kept[i] = true;
            bands.insert(i, &boxes[i]);
        }
    }
    (kept, bands)
}
