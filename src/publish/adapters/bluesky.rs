//! Bluesky (AT Protocol): a session from `com.atproto.server.createSession` with an app
//! password — cached in the token store between jobs and runs, because the PDS allows only
//! 30 logins in 5 minutes and 300 a day; an expired access token (400 `ExpiredToken`) is
//! renewed with `refreshSession`, and only when that fails is a new login made — photos through
//! `com.atproto.repo.uploadBlob`, and the post through `com.atproto.repo.createRecord` with an
//! `rkey` siaran chooses: a TID made from the post's time and a hash of (post, target), so
//! every attempt for one post uses the same key. It is recorded before the call; after an
//! unknown outcome, `getRecord` with it says whether the post exists, and the record's text
//! must be the post's own. Links and hashtags become facets, whose offsets count UTF-8 bytes.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::config::Target;
use crate::ledger::FailureClass;
use crate::publish::adapter::{Adapter, AttemptError, Journal, Outgoing, Published, RetryAt};
use crate::publish::http;
use crate::publish::secret::{self, Secret};
use crate::publish::token_store::TokenStore;

/// Names in the token store.
const ACCESS_JWT: &str = "access_jwt";
const REFRESH_JWT: &str = "refresh_jwt";
const DID: &str = "did";

/// A Bluesky account.
pub struct Bluesky {
    target: String,
    base: String,
    handle: String,
    password: Result<Secret, String>,
    tokens: TokenStore,
}

/// A logged-in session: the access token and the account's DID.
struct Session {
    access: Secret,
    did: String,
}

impl Bluesky {
    /// From a target: `api_base` (the PDS, default https://bsky.social), the account's
    /// handle as `account`, and `password_env` (an app password).
    pub fn new(target: &Target, tokens: &TokenStore) -> Result<Bluesky, String> {
        Ok(Bluesky {
            target: target.id.clone(),
            tokens: tokens.clone(),
            base: target
                .api_base
                .clone()
                .unwrap_or_else(|| "https://bsky.social".to_string())
                .trim_end_matches('/')
                .to_string(),
            handle: target.account.trim_start_matches('@').to_string(),
            password: secret::from_env(&target.credentials, "password"),
        })
    }

    /// The cached session, or a new login.
    fn session(&self, client: &reqwest::blocking::Client) -> Result<Session, AttemptError> {
        match (self.tokens.get(&self.target, ACCESS_JWT), self.tokens.get(&self.target, DID)) {
            (Some(access), Some(did)) => Ok(Session { access, did: did.expose().to_string() }),
            _ => self.login(client),
        }
    }

    /// `createSession` with the app password; the session is kept for later jobs and runs.
    fn login(&self, client: &reqwest::blocking::Client) -> Result<Session, AttemptError> {
        let password =
            self.password.as_ref().map_err(|error| AttemptError::failed(FailureClass::Auth, error.clone()))?;
        let response = client
            .post(format!("{}/xrpc/com.atproto.server.createSession", self.base))
            .json(&json!({ "identifier": self.handle, "password": password.expose() }))
            .send()
            .map_err(http::transport)?;
        if !response.status().is_success() {
            return Err(never_created(Answer::read(response).error()));
        }
        self.keep(response.json().unwrap_or(Value::Null))
    }

    /// `refreshSession` with the stored refresh token, or a new login if that is refused.
    fn renew(&self, client: &reqwest::blocking::Client) -> Result<Session, AttemptError> {
        let Some(refresh) = self.tokens.get(&self.target, REFRESH_JWT) else {
            return self.login(client);
        };
        let response = client
            .post(format!("{}/xrpc/com.atproto.server.refreshSession", self.base))
            .bearer_auth(refresh.expose())
            .send()
            .map_err(http::transport)
            .map_err(never_created)?;
        if response.status().is_success() {
            return self.keep(response.json().unwrap_or(Value::Null));
        }
        let _ = self.tokens.forget(&self.target, &[ACCESS_JWT, REFRESH_JWT, DID]);
        self.login(client)
    }

    fn keep(&self, body: Value) -> Result<Session, AttemptError> {
        let (Some(access), Some(did)) = (body["accessJwt"].as_str(), body["did"].as_str()) else {
            return Err(AttemptError::failed(FailureClass::Retryable, "the PDS answered a login without a session"));
        };
        let session = Session { access: Secret::new(access), did: did.to_string() };
        let refresh = Secret::new(body["refreshJwt"].as_str().unwrap_or_default());
        // Best effort: a session that is not kept only costs a login next time.
        let _ = self
            .tokens
            .put(&self.target, &[(ACCESS_JWT, &session.access), (REFRESH_JWT, &refresh), (DID, &Secret::new(did))]);
        Ok(session)
    }

    /// Sends a call with the session's token; after `ExpiredToken` (or a token the PDS no
    /// longer knows) renews the session once and sends it again.
    fn authorized(
        &self,
        client: &reqwest::blocking::Client,
        session: &mut Session,
        send: impl Fn(&Session) -> Result<reqwest::blocking::Response, AttemptError>,
    ) -> Result<Answer, AttemptError> {
        let answer = Answer::read(send(session)?);
        if !answer.is_token_problem() {
            return Ok(answer);
        }
        *session = self.renew(client)?;
        Ok(Answer::read(send(session)?))
    }
}

/// An XRPC answer, read whole: its status, `RateLimit-Reset`, and JSON body.
struct Answer {
    status: u16,
    reset: Option<chrono::DateTime<chrono::FixedOffset>>,
    body: Value,
}

impl Answer {
    fn read(response: reqwest::blocking::Response) -> Answer {
        let status = response.status().as_u16();
        let reset = response
            .headers()
            .get("ratelimit-reset")
            .and_then(|value| value.to_str().ok())
            .and_then(|text| text.parse::<i64>().ok())
            .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
            .map(|at| at.fixed_offset());
        Answer { status, reset, body: response.json().unwrap_or(Value::Null) }
    }

    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn error_name(&self) -> &str {
        self.body["error"].as_str().unwrap_or_default()
    }

    /// The session's token is expired or unknown: renew it.
    fn is_token_problem(&self) -> bool {
        matches!(self.status, 400 | 401) && matches!(self.error_name(), "ExpiredToken" | "InvalidToken" | "AuthMissing")
    }

    /// Reads an XRPC error `{error, message}`.
    fn error(&self) -> AttemptError {
        let message = format!("{}: {}", self.error_name(), self.body["message"].as_str().unwrap_or_default());
        match (self.status, self.error_name()) {
            (429, _) => AttemptError::Failed {
                class: FailureClass::RateLimited,
                message,
                retry_at: Some(self.reset.map_or_else(|| http::after_seconds(300), RetryAt::At)),
            },
            (401, _) | (400, "ExpiredToken" | "InvalidToken") => AttemptError::failed(FailureClass::Auth, message),
            (400..=499, _) => AttemptError::failed(FailureClass::Content, message),
            (status, _) => AttemptError::Unknown(format!("the server answered {status}: {message}")),
        }
    }
}

/// A failure before the post's own call created nothing: an "unknown" there is retryable.
fn never_created(error: AttemptError) -> AttemptError {
    match error {
        AttemptError::Unknown(message) => AttemptError::failed(FailureClass::Retryable, message),
        other => other,
    }
}

/// A TID (13 characters, base32-sortable): 53 bits of microseconds since 1970 and a 10-bit
/// clock id, fixed by the post and target so every attempt uses the same record key. The
/// time is the post's due second; the microseconds within it and the clock id come from a
/// hash of (post, target) — about 30 bits — so the many posts an account gets due in the
/// same second (a PDS refuses a second record under a key) each get their own key.
pub fn record_key(outgoing: &Outgoing, microseconds: i64) -> String {
    const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
    const MICROS_PER_SECOND: u64 = 1_000_000;
    let hash = Sha256::digest(format!("{}\n{}", outgoing.post, outgoing.target).as_bytes());
    let spread = u64::from_be_bytes([hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7]]);
    let second = microseconds.max(0) as u64 / MICROS_PER_SECOND;
    let time = (second * MICROS_PER_SECOND + spread % MICROS_PER_SECOND) & ((1 << 53) - 1);
    let clock_id = (spread >> 32) & 0x3ff;
    let value = (time << 10) | clock_id;
    (0..13).rev().map(|position| char::from(ALPHABET[((value >> (position * 5)) & 31) as usize])).collect()
}

/// Link and hashtag facets, with offsets in UTF-8 bytes.
pub fn facets(text: &str) -> Vec<Value> {
    let mut facets = Vec::new();
    let mut offset = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        let token = word.trim_end();
        let start = offset;
        offset += word.len();
        let token = token.trim_end_matches(['.', ',', ')', ';', ':', '!', '?']);
        let end = start + token.len();
        if token.starts_with("https://") || token.starts_with("http://") {
            facets.push(json!({ "index": { "byteStart": start, "byteEnd": end }, "features": [{ "$type": "app.bsky.richtext.facet#link", "uri": token }] }));
        } else if let Some(tag) = token
            .strip_prefix('#')
            .filter(|tag| !tag.is_empty() && tag.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            facets.push(json!({ "index": { "byteStart": start, "byteEnd": end }, "features": [{ "$type": "app.bsky.richtext.facet#tag", "tag": tag }] }));
        }
    }
    facets
}

impl Adapter for Bluesky {
    fn handles_before(&self, outgoing: &Outgoing) -> BTreeMap<String, String> {
        BTreeMap::from([("rkey".to_string(), record_key(outgoing, outgoing.due_micros))])
    }

    fn publish(&self, outgoing: &Outgoing, _: &mut dyn Journal) -> Result<Published, AttemptError> {
        let client = http::client();
        let mut session = self.session(&client)?;
        let mut images = Vec::new();
        for media in outgoing.media.iter().filter(|media| media.mime.starts_with("image/")).take(4) {
            let bytes = media.bytes()?;
            let response = self
                .authorized(&client, &mut session, |session| {
                    client
                        .post(format!("{}/xrpc/com.atproto.repo.uploadBlob", self.base))
                        .bearer_auth(session.access.expose())
                        .header("Content-Type", media.mime)
                        .body(bytes.clone())
                        .send()
                        .map_err(http::transport)
                })
                .map_err(never_created)?;
            if !response.is_success() {
                return Err(never_created(response.error()));
            }
            images.push(json!({ "alt": media.alt, "image": response.body["blob"] }));
        }
        let rkey = record_key(outgoing, outgoing.due_micros);
        let mut record = json!({
            "$type": "app.bsky.feed.post",
            "text": outgoing.text,
            "createdAt": chrono::DateTime::from_timestamp_micros(outgoing.due_micros).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "langs": ["id"],
            "facets": facets(&outgoing.text),
        });
        if !images.is_empty() {
            record["embed"] = json!({ "$type": "app.bsky.embed.images", "images": images });
        }
        let response = self.authorized(&client, &mut session, |session| {
            client
                .post(format!("{}/xrpc/com.atproto.repo.createRecord", self.base))
                .bearer_auth(session.access.expose())
                .json(
                    &json!({ "repo": session.did, "collection": "app.bsky.feed.post", "rkey": rkey, "record": record }),
                )
                .send()
                .map_err(http::transport)
        })?;
        if response.is_success() {
            return Ok(Published {
                url: format!("https://bsky.app/profile/{}/post/{rkey}", self.handle),
                remote_id: rkey,
            });
        }
        Err(response.error())
    }

    fn reconcile(
        &self,
        outgoing: &Outgoing,
        handles: &BTreeMap<String, String>,
    ) -> Result<Option<Published>, AttemptError> {
        let client = http::client();
        let mut session = self.session(&client)?;
        let rkey = handles.get("rkey").cloned().unwrap_or_else(|| record_key(outgoing, outgoing.due_micros));
        let response = self.authorized(&client, &mut session, |session| {
            client
                .get(format!("{}/xrpc/com.atproto.repo.getRecord", self.base))
                .query(&[("repo", session.did.as_str()), ("collection", "app.bsky.feed.post"), ("rkey", rkey.as_str())])
                .bearer_auth(session.access.expose())
                .send()
                .map_err(http::transport)
        })?;
        match (response.status, response.error_name()) {
            (200, _) if response.body["value"]["text"].as_str() == Some(outgoing.text.as_str()) => {
                Ok(Some(Published {
                    url: format!("https://bsky.app/profile/{}/post/{rkey}", self.handle),
                    remote_id: rkey,
                }))
            }
            (200, _) => Err(AttemptError::failed(
                FailureClass::Content,
                format!(
                    "record key {rkey} holds another post on {}; check the account by hand before sending this one",
                    self.handle
                ),
            )),
            (400, "RecordNotFound") => Ok(None),
            (400, name) => Err(AttemptError::Unknown(format!("getRecord: {name}"))),
            _ => Err(response.error()),
        }
    }

    fn describe(&self, outgoing: &Outgoing) -> String {
        format!(
            "createRecord app.bsky.feed.post rkey {} with {} image(s) and {} facet(s); text: {}",
            record_key(outgoing, outgoing.due_micros),
            outgoing.media.iter().filter(|media| media.mime.starts_with("image/")).count().min(4),
            facets(&outgoing.text).len(),
            outgoing.text
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_count_utf8_bytes() {
        let text = "Pemilu 🇮🇩 damai #PemiluDamai https://kpu.example/a.";
        let found = facets(text);
        assert_eq!(found.len(), 2);
        let start = found[0]["index"]["byteStart"].as_u64().unwrap() as usize;
        let end = found[0]["index"]["byteEnd"].as_u64().unwrap() as usize;
        assert_eq!(&text[start..end], "#PemiluDamai");
        let start = found[1]["index"]["byteStart"].as_u64().unwrap() as usize;
        let end = found[1]["index"]["byteEnd"].as_u64().unwrap() as usize;
        assert_eq!(&text[start..end], "https://kpu.example/a");
    }

    fn outgoing(post: String) -> Outgoing {
        Outgoing {
            post,
            target: "bluesky".to_string(),
            text: String::new(),
            title: String::new(),
            archive_url: String::new(),
            media: Vec::new(),
            idempotency_key: String::new(),
            due_micros: 1_795_420_800_000_000,
        }
    }

    #[test]
    fn record_keys_are_stable_and_differ_for_posts_due_in_the_same_second() {
        let due = 1_795_420_800_000_000;
        let keys: std::collections::BTreeSet<String> =
            (0..2_000).map(|index| record_key(&outgoing(format!("2026/11/kabar-{index}")), due)).collect();
        assert_eq!(keys.len(), 2_000, "one key each");
        let key = record_key(&outgoing("2026/11/kabar-7".to_string()), due);
        assert_eq!(key, record_key(&outgoing("2026/11/kabar-7".to_string()), due + 400_000), "the same second");
        assert_eq!(key.len(), 13);
        assert!(key.starts_with(|first: char| "234567abcdefghij".contains(first)), "TID syntax: top bit 0");
        let later = record_key(&outgoing("2026/11/kabar-7".to_string()), due + 1_000_000);
        assert!(later > key, "keys sort by due time");
    }
}
