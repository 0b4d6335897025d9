//! A *target* is one official account a post can go to: a file `publish-targets/ID.yaml`
//! naming the platform, the account, the API base (tests point it at local fakes) and the
//! names of the environment variables that hold its secrets. Secrets themselves never
//! stand in a file: a credential that looks like one is refused.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::limits::{Counting, Limits, TextLimit};
use super::raw::RawTarget;
use super::revisions::is_identifier;
use crate::source::{Code, Diagnostic, Diagnostics, Finding, YamlPath, YamlText, file, suggest, yaml};

/// The platforms siaran publishes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// A Facebook Page.
    Facebook,
    /// An Instagram professional account.
    Instagram,
    /// An X account.
    X,
    /// A YouTube channel.
    Youtube,
    /// A TikTok account.
    Tiktok,
    /// A Mastodon (or compatible) account.
    Mastodon,
    /// A Bluesky account.
    Bluesky,
    /// A Telegram channel.
    Telegram,
    /// A `wa.me` share link for staff to forward to WhatsApp groups.
    WhatsappShare,
    /// The office's own system, by signed JSON POST.
    Webhook,
}

impl Platform {
    /// Every platform.
    pub const ALL: [Platform; 10] = [
        Platform::Facebook,
        Platform::Instagram,
        Platform::X,
        Platform::Youtube,
        Platform::Tiktok,
        Platform::Mastodon,
        Platform::Bluesky,
        Platform::Telegram,
        Platform::WhatsappShare,
        Platform::Webhook,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Facebook => "facebook",
            Platform::Instagram => "instagram",
            Platform::X => "x",
            Platform::Youtube => "youtube",
            Platform::Tiktok => "tiktok",
            Platform::Mastodon => "mastodon",
            Platform::Bluesky => "bluesky",
            Platform::Telegram => "telegram",
            Platform::WhatsappShare => "whatsapp-share",
            Platform::Webhook => "webhook",
        }
    }

    /// The name people know it by.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::Facebook => "Facebook",
            Platform::Instagram => "Instagram",
            Platform::X => "X",
            Platform::Youtube => "YouTube",
            Platform::Tiktok => "TikTok",
            Platform::Mastodon => "Mastodon",
            Platform::Bluesky => "Bluesky",
            Platform::Telegram => "Telegram",
            Platform::WhatsappShare => "WhatsApp",
            Platform::Webhook => "Webhook",
        }
    }

    fn parse(text: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|platform| platform.as_str() == text)
    }
}

/// One official account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The file stem, used in posts' `platforms:`.
    pub id: String,
    /// Its platform.
    pub platform: Platform,
    /// The account's handle or name.
    pub account: String,
    /// The API base URL, when set.
    pub api_base: Option<String>,
    /// Credential settings: `*_env` keys name environment variables; others are public ids.
    pub credentials: BTreeMap<String, String>,
    /// What the account accepts.
    pub limits: Limits,
    /// The day the account's current token stops working, when the office knows it (a
    /// Meta user token lives about 60 days): the daemon warns ahead of it.
    pub token_expires: Option<chrono::NaiveDate>,
}

/// The most posts sent to one account at the same time.
const MAX_CONCURRENCY: usize = 16;

/// Loads every `publish-targets/*.yaml`, sorted by id. A missing folder means no targets.
pub fn load_targets(root: &Path, diagnostics: &mut Diagnostics) -> BTreeMap<String, Target> {
    let mut targets = BTreeMap::new();
    let folder = root.join("publish-targets");
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return targets;
    };
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        let is_yaml = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e == "yaml" || e == "yml");
        if !is_yaml {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|stem| stem.to_str()) else {
            diagnostics.push(Diagnostic::error(
                Code::FileNameNotUtf8,
                format!("publish-targets/{}", path.file_name().unwrap_or_default().to_string_lossy()),
                0,
                0,
                "the target file name is not valid UTF-8",
            ));
            continue;
        };
        let relative = format!("publish-targets/{}", path.file_name().unwrap_or_default().to_string_lossy());
        if let Some(target) = load_target(&path, stem, &relative, diagnostics) {
            targets.insert(target.id.clone(), target);
        }
    }
    targets
}

fn load_target(path: &Path, id: &str, relative: &str, diagnostics: &mut Diagnostics) -> Option<Target> {
    let text = match file::read_text(path, file::MAX_TEXT_FILE_BYTES) {
        Ok(text) => text,
        Err(error) => {
            diagnostics.push(file::error_diagnostic(relative, &error));
            return None;
        }
    };
    let source = YamlText::whole_file(relative, &text);
    let raw: RawTarget = match yaml::from_str(&text) {
        Ok(raw) => raw,
        Err(error) => {
            diagnostics.push(source.parse_diagnostic(error));
            return None;
        }
    };
    let mut findings = Vec::new();
    if !is_identifier(id) {
        diagnostics.push(
            Diagnostic::error(
                Code::FieldInvalid,
                relative,
                0,
                0,
                format!("target id `{id}` (the file name) is not a simple name"),
            )
            .with_hint("rename the file with lowercase letters, digits and hyphens, e.g. `instagram.yaml`"),
        );
    }
    let Some(platform) = Platform::parse(&raw.platform) else {
        let hint = suggest::did_you_mean(&raw.platform, Platform::ALL.iter().map(|p| p.as_str()));
        findings.push(
            Finding::error(
                Code::TargetPlatform,
                YamlPath::of("platform"),
                format!("unknown platform `{}`", raw.platform),
            )
            .with_hint(hint),
        );
        diagnostics.extend(findings.into_iter().map(|finding| source.diagnostic(finding)));
        return None;
    };
    let mut credentials = BTreeMap::new();
    for (key, value) in raw.credentials {
        if looks_like_secret(&key, &value.0) {
            findings.push(
                Finding::error(
                    Code::TargetSecretInFile,
                    YamlPath::of("credentials").key(&key),
                    format!("`{key}` looks like a secret written into the file"),
                )
                .with_hint(format!(
                    "secrets live only in environment variables: write `{}_env: SIARAN_...` and set that variable, then remove this value from the file and from git history",
                    key.trim_end_matches("_env")
                )),
            );
            continue;
        }
        credentials.insert(key, value.0);
    }
    let mut limits = Limits::of(platform);
    if let Some(max_characters) = raw.limits.max_characters {
        let counting = limits.caption.first().map_or(Counting::Characters, |limit| limit.counting);
        limits.caption.retain(|limit| limit.counting == Counting::Bytes);
        limits.caption.insert(0, TextLimit { max: max_characters, counting });
    }
    if let Some(max_media) = raw.limits.max_media {
        limits.max_media = max_media;
    }
    match raw.limits.concurrency {
        Some(concurrency @ 1..=MAX_CONCURRENCY) => limits.concurrency = concurrency,
        Some(concurrency) => findings.push(
            Finding::error(
                Code::FieldInvalid,
                YamlPath::of("limits").key("concurrency"),
                format!("`{concurrency}` posts at a time is not allowed"),
            )
            .with_hint(format!(
                "write a number from 1 to {MAX_CONCURRENCY} (how many posts are sent to this account at the same time), or remove it to keep the platform's default"
            )),
        ),
        None => {}
    }
    let token_expires = raw.token_expires.and_then(|value| {
        let date = crate::source::time::parse_date(&value.0);
        if date.is_none() {
            findings.push(
                Finding::error(
                    Code::FieldInvalid,
                    YamlPath::of("token_expires"),
                    format!("`{}` is not a date", value.0),
                )
                .with_hint("write the day the token stops working as YYYY-MM-DD, or remove the line"),
            );
        }
        date
    });
    diagnostics.extend(findings.into_iter().map(|finding| source.diagnostic(finding)));
    Some(Target {
        id: id.to_string(),
        platform,
        account: raw.account,
        api_base: raw.api_base,
        credentials,
        limits,
        token_expires,
    })
}

/// A credential value is a secret in the wrong place when its key says it is secret and
/// the key does not end in `_env` (the name of an environment variable). A plain address
/// under a `_url` key (an OAuth `token_url`) is public: no query, no user in it.
fn looks_like_secret(key: &str, value: &str) -> bool {
    if key.ends_with("_env") {
        return false;
    }
    if key.ends_with("_url") && is_plain_address(value) {
        return false;
    }
    let secret_words = ["token", "secret", "password", "passwd", "key", "bearer"];
    let key_is_secret =
        secret_words.iter().any(|word| key.to_ascii_lowercase().contains(word)) && !key.ends_with("_id");
    let value_is_secret =
        value.len() >= 32 && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c));
    key_is_secret || value_is_secret
}

/// An `http(s)` address without a query, fragment or user part (where secrets hide).
fn is_plain_address(value: &str) -> bool {
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.contains(['?', '#', '@']) && !rest.contains(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised() {
        assert!(!looks_like_secret("token_url", "https://oauth2.googleapis.com/token"));
        assert!(looks_like_secret("token_url", "https://example.test/token?access_token=abc"));
        assert!(looks_like_secret("token", "abc"));
        assert!(looks_like_secret("access_token", "EAAB..."));
        assert!(!looks_like_secret("token_env", "SIARAN_TOKEN"));
        assert!(!looks_like_secret("ig_user_id", "17841400000000001"));
        assert!(looks_like_secret("page", "EAABwzLixnjYBAO3ZCZBxZCq2ZB8ZCZCZBZAZA1234"));
    }
}
