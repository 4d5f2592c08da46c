//! Numbers for SVG coordinates and CSS lengths without `core::fmt`'s float machinery.
//!
//! `format!("{x:.1}")` pulls Grisu/Dragon float printing (and its tables) into the wasm: about
//! 12 KB before compression, for a UI that only ever needs a few fixed decimals. [`Fixed`]
//! rounds to an integer and prints that instead. Inputs outside ±1e15 (never a screen position)
//! and NaN print as 0, so a bad value can never produce an attribute the browser rejects.

use std::fmt;

/// `Fixed(x, d)` prints `x` rounded to `d` decimals (0..=3), like `format!("{x:.d$}")`.
#[derive(Clone, Copy)]
pub struct Fixed(pub f64, pub u8);

const SCALE: [u64; 4] = [1, 10, 100, 1000];

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = usize::from(self.1.min(3));
        let scaled = self.0 * SCALE[d] as f64;
        // `as` saturates and maps NaN to 0; the bound keeps the sum below in range.
        let n = if scaled.abs() < 1e18 {
            (scaled + if scaled < 0.0 { -0.5 } else { 0.5 }) as i64
        } else {
            0
        };
        let sign = if n < 0 { "-" } else { "" };
        let n = n.unsigned_abs();
        let (int, frac) = (n / SCALE[d], n % SCALE[d]);
        if d == 0 {
            write!(f, "{sign}{int}")
        } else {
            write!(f, "{sign}{int}.{frac:0d$}")
        }
    }
}

/// One decimal: enough for SVG drawn at CSS-pixel scale.
pub fn px(x: f64) -> Fixed {
    Fixed(x, 1)
}

#[cfg(test)]
mod tests {
    use super::Fixed;

    #[test]
    fn matches_std_formatting() {
        for &x in &[
            0.0, 1.0, -1.0, 0.04, 0.05, 0.06, 12.345, -12.345, 99.95, 1234.5678, -0.04,
        ] {
            for d in 0..=3u8 {
                let want = format!("{x:.*}", usize::from(d));
                let got = Fixed(x, d).to_string();
                // std rounds half to even on exact binary ties; we round half away from zero.
                // Only exact ties may differ, and then by one unit in the last place.
                if want != got {
                    let (w, g): (f64, f64) = (want.parse().unwrap(), got.parse().unwrap());
                    let ulp = 10f64.powi(-i32::from(d));
                    assert!(
                        (w - g).abs() <= ulp * 1.0001,
                        "{x} to {d}: std {want}, ours {got}"
                    );
                }
            }
        }
    }

    #[test]
    fn negative_zero_and_garbage() {
        assert_eq!(Fixed(-0.01, 1).to_string(), "0.0");
        assert_eq!(Fixed(f64::NAN, 2).to_string(), "0.00");
        assert_eq!(Fixed(f64::INFINITY, 1).to_string(), "0.0");
        assert_eq!(Fixed(-3.25, 0).to_string(), "-3");
        assert_eq!(Fixed(2.5, 9).to_string(), "2.500");
    }
}
