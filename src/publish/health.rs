//! Token health: a token that expires silently stops an office's publishing on the day of
//! an announcement. Meta user tokens live about 60 days, TikTok refresh tokens about a
//! year; a target may say when its token ends (`token_expires:`), and refresh-token
//! lifetimes that platforms report are kept in the token store. These warnings say, ahead
//! of time, which account needs a person.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::token_store::TokenStore;
use crate::config::{Config, Platform};

/// How far ahead to warn.
pub const WARN_DAYS: i64 = 14;

/// The token store's name for when a refresh token dies, where the platform says it.
pub const REFRESH_EXPIRES_AT: &str = "refresh_expires_at";

/// Warnings about the targets' tokens at `now`, one sentence each.
pub fn token_warnings(config: &Config, tokens: &TokenStore, now: DateTime<FixedOffset>) -> Vec<String> {
    let today = now.date_naive();
    let mut warnings = Vec::new();
    for target in config.targets.values() {
        let stored = tokens
            .get(&target.id, REFRESH_EXPIRES_AT)
            .and_then(|value| DateTime::parse_from_rfc3339(value.expose()).ok())
            .map(|at| at.with_timezone(&now.timezone()).date_naive());
        let expires = match (target.token_expires, stored) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match expires {
            Some(day) => {
                if let Some(warning) = expiry_warning(&target.id, day, today) {
                    warnings.push(warning);
                }
            }
            None if matches!(target.platform, Platform::Facebook | Platform::Instagram) => warnings.push(format!(
                "{}: a Meta user token stops working about 60 days after it was made; write `token_expires: YYYY-MM-DD` in publish-targets/{}.yaml to be warned in time, or use a System User token, which does not expire",
                target.id, target.id
            )),
            None => {}
        }
    }
    warnings
}

fn expiry_warning(target: &str, day: NaiveDate, today: NaiveDate) -> Option<String> {
    let days = (day - today).num_days();
    if days < 0 {
        Some(format!("{target}: the token expired on {day}; publishing there fails until it is renewed"))
    } else if days <= WARN_DAYS {
        Some(format!("{target}: the token expires in {days} day(s), on {day}; renew it before then"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::secret::Secret;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_refresh_token_lifetime_the_platform_reported_is_warned_about() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("publish-targets")).expect("folder");
        std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/siaran.yaml"), dir.path().join("siaran.yaml"))
            .expect("the example office's settings");
        std::fs::write(
            dir.path().join("publish-targets/tiktok.yaml"),
            "platform: tiktok\naccount: kpukabcontoh\ncredentials: { client_key_env: A, client_secret_env: B, refresh_token_env: C }\n",
        )
        .expect("target");
        let mut diagnostics = crate::source::Diagnostics::default();
        let config = crate::config::load(dir.path(), &mut diagnostics).expect("config loads");
        let tokens = TokenStore::in_repository(dir.path());
        let now = DateTime::parse_from_rfc3339("2026-12-01T09:00:00+07:00").expect("time");
        assert!(token_warnings(&config, &tokens, now).is_empty(), "nothing known, nothing said");
        let at = Secret::new("2026-12-10T00:00:00+00:00");
        tokens.put("tiktok", &[(REFRESH_EXPIRES_AT, &at)]).expect("stores");
        assert_eq!(
            token_warnings(&config, &tokens, now),
            ["tiktok: the token expires in 9 day(s), on 2026-12-10; renew it before then"]
        );
    }

    #[test]
    fn warns_inside_the_window_and_after_expiry_only() {
        let today = day("2026-12-01");
        assert_eq!(expiry_warning("ig", day("2026-12-16"), today), None);
        assert!(expiry_warning("ig", day("2026-12-15"), today).is_some_and(|w| w.contains("in 14 day(s)")));
        assert!(expiry_warning("ig", day("2026-12-01"), today).is_some_and(|w| w.contains("in 0 day(s)")));
        assert!(expiry_warning("ig", day("2026-11-30"), today).is_some_and(|w| w.contains("expired on 2026-11-30")));
    }
}
