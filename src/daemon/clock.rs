//! The daemon's clock. Normally the system's; with `--clock T` it starts at `T` and runs at
//! the speed of real time from there, so a test can start the daemon two seconds before a
//! post is due and watch it publish on time without waiting for the real date.

use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, SubsecRound, TimeDelta, Utc};
use chrono_tz::Tz;

/// "Now" for the daemon, in the site's time zone.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    zone: Tz,
    start: Option<(DateTime<FixedOffset>, Instant)>,
}

impl Clock {
    /// The system clock.
    pub fn system(zone: Tz) -> Clock {
        Clock { zone, start: None }
    }

    /// A clock that reads `start` now and advances in real time.
    pub fn starting_at(start: DateTime<FixedOffset>, zone: Tz) -> Clock {
        Clock { zone, start: Some((start, Instant::now())) }
    }

    /// The current time, to the millisecond (the ledger's precision).
    pub fn now(&self) -> DateTime<FixedOffset> {
        let now = match self.start {
            Some((start, at)) => start + TimeDelta::from_std(at.elapsed()).unwrap_or(TimeDelta::zero()),
            None => Utc::now().fixed_offset(),
        };
        now.with_timezone(&self.zone).fixed_offset().trunc_subsecs(3)
    }

    /// The next time after now that `cron` names, in the site's zone.
    pub fn next_of(&self, cron: &croner::Cron) -> Option<DateTime<FixedOffset>> {
        let now = self.now().with_timezone(&self.zone);
        cron.find_next_occurrence(&now, false).ok().map(|next| next.fixed_offset())
    }

    /// How long from now until `at` (zero if it has passed).
    pub fn until(&self, at: DateTime<FixedOffset>) -> Duration {
        (at - self.now()).to_std().unwrap_or(Duration::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_start_advances_with_real_time_in_the_site_zone() {
        let start = DateTime::parse_from_rfc3339("2026-11-23T05:59:58Z").expect("time");
        let clock = Clock::starting_at(start, chrono_tz::Asia::Jakarta);
        let now = clock.now();
        assert_eq!(now.offset().local_minus_utc(), 7 * 3600);
        assert!(now >= start && now - start < TimeDelta::seconds(1));
        let due = DateTime::parse_from_rfc3339("2026-11-23T13:00:00+07:00").expect("time");
        let wait = clock.until(due);
        assert!(wait <= Duration::from_secs(2) && wait > Duration::from_millis(1500), "{wait:?}");
        assert_eq!(clock.until(start), Duration::ZERO);
    }
}
