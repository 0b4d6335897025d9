//! The span a report covers: a calendar month (`2026-11`) or a quarter (`2026Q4`), in the
//! office's time zone, so a post published at 23:30 WIB on the last day of a month counts in
//! that month even though it is already the next day in UTC.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone};
use chrono_tz::Tz;

/// A month or a quarter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// A calendar month.
    Month {
        /// The year.
        year: i32,
        /// 1–12.
        month: u32,
    },
    /// A quarter ("triwulan").
    Quarter {
        /// The year.
        year: i32,
        /// 1–4.
        quarter: u32,
    },
}

/// Why a period could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a {expected}")]
pub struct PeriodError {
    text: String,
    expected: &'static str,
}

impl Period {
    /// Reads `YYYY-MM`.
    pub fn month(text: &str) -> Result<Period, PeriodError> {
        let error = || PeriodError { text: text.to_string(), expected: "month written YYYY-MM, e.g. 2026-11" };
        let (year, month) = text.trim().split_once('-').ok_or_else(error)?;
        let year: i32 = year.parse().map_err(|_| error())?;
        let month: u32 = month.parse().map_err(|_| error())?;
        if year.to_string().len() != 4 || !(1..=12).contains(&month) {
            return Err(error());
        }
        Ok(Period::Month { year, month })
    }

    /// Reads `YYYYQn` (also `YYYY-Qn`, lower case accepted).
    pub fn quarter(text: &str) -> Result<Period, PeriodError> {
        let error = || PeriodError { text: text.to_string(), expected: "quarter written YYYYQn, e.g. 2026Q4" };
        let upper = text.trim().to_uppercase();
        let (year, quarter) = upper.split_once('Q').ok_or_else(error)?;
        let year: i32 = year.trim_end_matches('-').parse().map_err(|_| error())?;
        let quarter: u32 = quarter.parse().map_err(|_| error())?;
        if year.to_string().len() != 4 || !(1..=4).contains(&quarter) {
            return Err(error());
        }
        Ok(Period::Quarter { year, quarter })
    }

    /// The first day.
    pub fn first_day(self) -> NaiveDate {
        let (year, month) = match self {
            Period::Month { year, month } => (year, month),
            Period::Quarter { year, quarter } => (year, quarter * 3 - 2),
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The day after the last day.
    pub fn end_day(self) -> NaiveDate {
        let months = match self {
            Period::Month { .. } => 1,
            Period::Quarter { .. } => 3,
        };
        self.first_day().checked_add_months(chrono::Months::new(months)).unwrap_or(NaiveDate::MAX)
    }

    /// Whether an instant falls in the period, in `zone`.
    pub fn contains(self, at: DateTime<FixedOffset>, zone: Tz) -> bool {
        let day = at.with_timezone(&zone).date_naive();
        self.first_day() <= day && day < self.end_day()
    }

    /// The months it covers, as periods.
    pub fn months(self) -> Vec<Period> {
        let first = self.first_day();
        let count = match self {
            Period::Month { .. } => 1,
            Period::Quarter { .. } => 3,
        };
        (0..count).map(|offset| Period::Month { year: first.year(), month: first.month() + offset }).collect()
    }

    /// The period's name in Indonesian: "November 2026", "Triwulan IV 2026".
    pub fn title(self) -> String {
        match self {
            Period::Month { year, month } => {
                format!("{} {year}", crate::source::time::MONTHS_ID[(month as usize).saturating_sub(1) % 12])
            }
            Period::Quarter { year, quarter } => {
                format!("Triwulan {} {year}", ["I", "II", "III", "IV"][(quarter as usize).saturating_sub(1) % 4])
            }
        }
    }

    /// Midnight at the start of the period in `zone`.
    pub fn start(self, zone: Tz) -> Option<DateTime<FixedOffset>> {
        midnight(self.first_day(), zone)
    }

    /// Midnight at the start of the next period in `zone`.
    pub fn end(self, zone: Tz) -> Option<DateTime<FixedOffset>> {
        midnight(self.end_day(), zone)
    }
}

fn midnight(day: NaiveDate, zone: Tz) -> Option<DateTime<FixedOffset>> {
    zone.from_local_datetime(&day.and_hms_opt(0, 0, 0)?).earliest().map(|at| at.fixed_offset())
}

impl fmt::Display for Period {
    /// `2026-11` or `2026Q4`: the form the CLI reads, used in file names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year}Q{quarter}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// Either form.
    fn from_str(text: &str) -> Result<Period, PeriodError> {
        if text.to_uppercase().contains('Q') { Period::quarter(text) } else { Period::month(text) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_quarters_are_read_and_named() {
        let november = Period::month("2026-11").unwrap();
        assert_eq!(november.title(), "November 2026");
        assert_eq!(november.to_string(), "2026-11");
        assert_eq!(november.end_day(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        let fourth = Period::quarter("2026q4").unwrap();
        assert_eq!(fourth.title(), "Triwulan IV 2026");
        assert_eq!(fourth.months().len(), 3);
        assert_eq!(fourth.end_day(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        for bad in ["2026-13", "26-11", "2026/11", "2026Q5", "2026Q0", "Q4"] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_office_zone_decides_the_month() {
        let late = chrono::DateTime::parse_from_rfc3339("2026-11-30T23:30:00+07:00").unwrap();
        let november = Period::month("2026-11").unwrap();
        assert!(november.contains(late, chrono_tz::Asia::Jakarta));
        assert!(!november.contains(late, chrono_tz::Asia::Jayapura));
    }
}
