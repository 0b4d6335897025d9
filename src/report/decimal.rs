//! Numbers with one decimal, as SVG coordinates are written. `format!("{:.1}", x)` finds
//! the exact decimal expansion of `x` and is slow on the fallback path it often takes; a
//! flowchart has hundreds of coordinates and every post page has one. [`Num`] writes the
//! same text from tenths counted in integers whenever `x` is not within a hair of a halfway
//! case, and leaves those few to the standard formatter, so the output never changes.

use std::fmt;

/// An `f64` that, formatted with precision 1 (`{:.1}`), is written as the standard
/// formatter writes it, only faster. Any other format is the standard one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num(pub f64);

/// Beyond this the tenths may not fit the fast path's exactness margin.
const FAST_LIMIT: f64 = 1e12;

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0;
        if f.precision() == Some(1) && f.width().is_none() && !f.sign_plus() && value.abs() < FAST_LIMIT {
            let scaled = value * 10.0;
            let rounded = scaled.round();
            // Far from a halfway case, rounding the (slightly inexact) product rounds the
            // exact value the same way.
            if (scaled - rounded).abs() < 0.49 {
                let tenths = rounded.abs() as u64;
                let sign = if value.is_sign_negative() { "-" } else { "" };
                return write!(f, "{sign}{}.{}", tenths / 10, tenths % 10);
            }
        }
        fmt::Display::fmt(&value, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn halfway_and_signed_cases_match_the_standard_formatter() {
        for value in [0.0, -0.0, 0.05, 0.25, -0.25, 0.35, 1.45, 2.5, -0.04, 12.349_999, 99.95, 1e11 + 0.05, 3e12] {
            assert_eq!(format!("{:.1}", Num(value)), format!("{value:.1}"), "{value}");
        }
        assert_eq!(format!("{:.1}", Num(f64::NAN)), "NaN");
        assert_eq!(format!("{}", Num(2.25)), "2.25");
    }

    proptest! {
        #[test]
        fn one_decimal_is_written_as_the_standard_formatter_writes_it(value in -1e13f64..1e13) {
            prop_assert_eq!(format!("{:.1}", Num(value)), format!("{value:.1}"));
        }

        #[test]
        fn coordinates_on_small_grids_are_written_alike(halves in -40_000i64..40_000, step in 1u32..8) {
            let value = halves as f64 / f64::from(step * 2);
            prop_assert_eq!(format!("{:.1}", Num(value)), format!("{value:.1}"));
        }
    }
}
