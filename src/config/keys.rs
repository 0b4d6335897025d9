//! The public keys people sign with. Each person in `siaran.yaml` lists OpenSSH public
//! keys; a key may be *retired* (it signed honestly until a date, e.g. a replaced laptop:
//! sign-offs dated before the retirement still verify) or *revoked* (it may have been in
//! other hands: nothing it signed is trusted, whatever the date).
//!
//! ```yaml
//! keys:
//!   - "ssh-ed25519 AAAA... rina@laptop-2026"
//!   - { key: "ssh-ed25519 AAAA... rina@laptop-2024", retired: 2026-06-30 }
//!   - { key: "ssh-ed25519 AAAA... rina@ponsel", revoked: true, note: "ponsel hilang" }
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, TimeZone};
use chrono_tz::Tz;
use serde::Deserialize;
use ssh_key::PublicKey;
use ssh_key::public::KeyData;

use crate::source::{Code, Finding, YamlPath, time};

/// A key as written: the OpenSSH line alone, or with its status.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawKey {
    /// `"ssh-ed25519 AAAA... comment"`.
    Plain(String),
    /// `{ key: "...", retired: DATE, revoked: true, note: "..." }`.
    Detailed(RawKeyDetail),
}

/// A key with its status.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKeyDetail {
    key: String,
    retired: Option<String>,
    #[serde(default)]
    revoked: bool,
    #[allow(dead_code)]
    note: Option<String>,
}

/// A person's public key and its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonKey {
    /// The key.
    pub key: PublicKey,
    /// Sign-offs dated at or after this are not accepted from this key.
    pub retired: Option<DateTime<FixedOffset>>,
    /// Nothing signed by this key is accepted.
    pub revoked: bool,
}

impl PersonKey {
    /// The key's SHA-256 fingerprint, as `ssh-keygen -l` shows it.
    pub fn fingerprint(&self) -> String {
        fingerprint(self.key.key_data())
    }

    /// Why this key may not sign something dated `at`, if it may not.
    pub fn refusal_at(&self, at: DateTime<FixedOffset>) -> Option<KeyRefusal> {
        if self.revoked {
            return Some(KeyRefusal::Revoked);
        }
        self.retired.filter(|retired| at >= *retired).map(KeyRefusal::Retired)
    }
}

/// Why a person's own key may not sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRefusal {
    /// The key is revoked: nothing it signs counts.
    Revoked,
    /// The key was retired at this time, at or before the signing.
    Retired(DateTime<FixedOffset>),
}

impl super::Person {
    /// The person's key with this public part, if it is theirs.
    pub fn key(&self, key: &KeyData) -> Option<&PersonKey> {
        self.keys.iter().find(|candidate| candidate.key.key_data() == key)
    }
}

/// A public key's SHA-256 fingerprint, as `ssh-keygen -l` shows it.
pub fn fingerprint(key: &KeyData) -> String {
    PublicKey::from(key.clone()).fingerprint(ssh_key::HashAlg::Sha256).to_string()
}

/// Reads one person's keys; problems become findings at `people.ID.keys[i]`.
pub(crate) fn read_keys(person: &str, raw: &[RawKey], zone: Tz, findings: &mut Vec<Finding>) -> Vec<PersonKey> {
    let mut keys = Vec::new();
    for (index, raw_key) in raw.iter().enumerate() {
        let path = YamlPath::of("people").key(person).key("keys").index(index);
        let (text, retired_text, revoked, text_path) = match raw_key {
            RawKey::Plain(text) => (text, None, false, path.clone()),
            RawKey::Detailed(detail) => {
                (&detail.key, detail.retired.as_deref(), detail.revoked, path.clone().key("key"))
            }
        };
        let key = match PublicKey::from_openssh(text.trim()) {
            Ok(key) => key,
            Err(error) => {
                findings.push(
                    Finding::error(
                        Code::ConfigKey,
                        text_path,
                        format!("{person}'s key is not an OpenSSH public key ({error})"),
                    )
                    .with_hint("paste the whole line of the `.pub` file, e.g. `ssh-ed25519 AAAAC3Nz... rina@laptop`"),
                );
                continue;
            }
        };
        let retired = match retired_text {
            None => None,
            Some(text) => match retirement(text, zone) {
                Some(instant) => Some(instant),
                None => {
                    findings.push(
                        Finding::error(
                            Code::ConfigKey,
                            path.clone().key("retired"),
                            format!("`{text}` is not a date or a time"),
                        )
                        .with_hint(
                            "write the day the key stopped being used, e.g. 2026-06-30, or a time with its zone",
                        ),
                    );
                    continue;
                }
            },
        };
        keys.push(PersonKey { key, retired, revoked });
    }
    keys
}

/// A retirement: a time with its zone, or a date (meaning its start in the office's zone).
fn retirement(text: &str, zone: Tz) -> Option<DateTime<FixedOffset>> {
    if let Ok(instant) = time::parse_instant(text) {
        return Some(instant);
    }
    let date = time::parse_date(text.trim())?;
    zone.from_local_datetime(&date.and_hms_opt(0, 0, 0)?).earliest().map(|instant| instant.fixed_offset())
}

/// Reports a key listed for two people: a signature by it could not be attributed.
pub(crate) fn check_shared_keys<'a>(
    people: impl Iterator<Item = (&'a str, &'a [PersonKey])>,
    findings: &mut Vec<Finding>,
) {
    let mut owners: BTreeMap<&KeyData, (&str, usize)> = BTreeMap::new();
    for (person, keys) in people {
        for (index, key) in keys.iter().enumerate() {
            match owners.get(key.key.key_data()) {
                Some((owner, _)) if *owner != person => findings.push(
                    Finding::error(
                        Code::ConfigKey,
                        YamlPath::of("people").key(person).key("keys").index(index),
                        format!("this key is also listed for `{owner}`"),
                    )
                    .with_hint("each person signs with their own key; remove it from the one it does not belong to"),
                ),
                _ => {
                    owners.insert(key.key.key_data(), (person, index));
                }
            }
        }
    }
}
