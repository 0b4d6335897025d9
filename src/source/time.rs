//! Dates, instants and durations as users write them.
//!
//! An *instant* (`publish_at`, a sign-off's `at`, `--clock`) must say where on Earth its
//! clock is: an RFC 3339 offset (`2026-11-21T09:00:00+07:00`) or a zone after the time
//! (`2026-11-21 09:00 WIB`, `2026-11-21T09:00 Asia/Makassar`). A bare local time is
//! refused, because an office in WITA and a server in UTC would read it differently.
//! A *duration* (`within`, `max_delay`) is a sum of `d`, `h`, `m` and `s` parts: `1d`,
//! `90m`, `1h30m`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// Why an instant could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstantError {
    /// A well-formed local time with no offset or zone.
    #[error("`{0}` has no UTC offset or time zone")]
    NoZone(String),
    /// Not a date and time at all.
    #[error("`{0}` is not a date and time (expected e.g. 2026-11-21T09:00:00+07:00)")]
    Invalid(String),
    /// A zone name that is not known.
    #[error("`{zone}` in `{text}` is not a known time zone")]
    UnknownZone {
        /// The whole text.
        text: String,
        /// The zone part.
        zone: String,
    },
    /// A local time that does not exist or is ambiguous in its zone.
    #[error("`{0}` does not name one moment in its time zone")]
    Ambiguous(String),
}

/// Indonesia's three zone abbreviations and the IANA zones they stand for.
pub const INDONESIAN_ZONES: [(&str, Tz); 3] =
    [("WIB", chrono_tz::Asia::Jakarta), ("WITA", chrono_tz::Asia::Makassar), ("WIT", chrono_tz::Asia::Jayapura)];

/// Reads a zone: an IANA name (`Asia/Jakarta`) or WIB / WITA / WIT.
pub fn parse_zone(text: &str) -> Option<Tz> {
    let text = text.trim();
    INDONESIAN_ZONES
        .iter()
        .find(|(abbreviation, _)| abbreviation.eq_ignore_ascii_case(text))
        .map(|(_, zone)| *zone)
        .or_else(|| text.parse::<Tz>().ok())
}

/// Reads an instant with an explicit offset or zone.
pub fn parse_instant(text: &str) -> Result<DateTime<FixedOffset>, InstantError> {
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant);
    }
    if parse_local(text).is_some() {
        return Err(InstantError::NoZone(text.to_string()));
    }
    let Some((local_text, zone_text)) = text.rsplit_once(' ') else {
        return Err(InstantError::Invalid(text.to_string()));
    };
    let Some(local) = parse_local(local_text.trim()) else {
        return Err(InstantError::Invalid(text.to_string()));
    };
    let Some(zone) = parse_zone(zone_text) else {
        return Err(InstantError::UnknownZone { text: text.to_string(), zone: zone_text.to_string() });
    };
    zone.from_local_datetime(&local)
        .single()
        .map(|instant| instant.fixed_offset())
        .ok_or_else(|| InstantError::Ambiguous(text.to_string()))
}

fn parse_local(text: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
}

/// Reads a calendar date, `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// Reads a duration such as `1d`, `90m`, `1h30m` or `45s`.
pub fn parse_duration(text: &str) -> Option<chrono::TimeDelta> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut seconds: i64 = 0;
    let mut number = String::new();
    for character in text.chars() {
        if character.is_ascii_digit() {
            number.push(character);
            continue;
        }
        let unit = match character {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let value: i64 = number.parse().ok()?;
        seconds = seconds.checked_add(value.checked_mul(unit)?)?;
        number.clear();
    }
    if !number.is_empty() {
        return None;
    }
    chrono::TimeDelta::try_seconds(seconds)
}

/// The months in Indonesian, January first.
pub const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// Writes a duration the way users write them (`1d`, `1h30m`, `5m`).
pub fn format_duration(duration: chrono::TimeDelta) -> String {
    let mut seconds = duration.num_seconds();
    if seconds == 0 {
        return "0m".to_string();
    }
    let mut text = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if seconds >= size {
            text.push_str(&format!("{}{unit}", seconds / size));
            seconds %= size;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_need_a_zone() {
        let with_offset = parse_instant("2026-11-21T09:00:00+07:00").unwrap();
        assert_eq!(with_offset.offset().local_minus_utc(), 7 * 3600);
        let wita = parse_instant("2026-11-21 09:00 WITA").unwrap();
        assert_eq!(wita.offset().local_minus_utc(), 8 * 3600);
        let wit = parse_instant("2026-11-21T09:00 Asia/Jayapura").unwrap();
        assert_eq!(wit.offset().local_minus_utc(), 9 * 3600);
        assert!(matches!(parse_instant("2026-11-21T09:00:00"), Err(InstantError::NoZone(_))));
        assert!(matches!(parse_instant("besok pagi"), Err(InstantError::Invalid(_))));
        assert!(matches!(parse_instant("2026-11-21 09:00 Mars/Olympus"), Err(InstantError::UnknownZone { .. })));
    }

    #[test]
    fn durations_round_trip() {
        for text in ["1d", "60m", "5m", "1h30m", "2d", "45s"] {
            let duration = parse_duration(text).unwrap();
            assert_eq!(parse_duration(&format_duration(duration)), Some(duration));
        }
        assert_eq!(format_duration(parse_duration("90m").unwrap()), "1h30m");
        assert_eq!(parse_duration("1x"), None);
        assert_eq!(parse_duration("m"), None);
        assert_eq!(parse_duration("99999999999999999d"), None);
    }
}
