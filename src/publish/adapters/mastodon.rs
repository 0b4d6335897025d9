//! Mastodon (and compatible servers): media through `POST /api/v2/media` (200 when ready,
//! 202 while processing, then `GET /api/v1/media/:id` answers 206 until done), then
//! `POST /api/v1/statuses` with an `Idempotency-Key`. The key is deterministic per post and
//! account, so the server returns the original status to a repeat within its hour; after
//! an unknown outcome siaran still looks first: it lists the account's recent statuses and
//! matches the text, and only then sends again.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::config::Target;
use crate::ledger::FailureClass;
use crate::publish::adapter::{Adapter, AttemptError, Journal, Outgoing, Published, RetryAt};
use crate::publish::http;
use crate::publish::secret::{self, Secret};

/// How long to wait for media processing, in polls.
const MEDIA_POLLS: u32 = 60;

/// A Mastodon account.
pub struct Mastodon {
    base: String,
    token: Result<Secret, String>,
}

impl Mastodon {
    /// From a target: `api_base` (the instance) and `token_env`.
    pub fn new(target: &Target) -> Result<Mastodon, String> {
        let base = target.api_base.clone().ok_or("a Mastodon target needs `api_base`, the instance's address")?;
        Ok(Mastodon {
            base: base.trim_end_matches('/').to_string(),
            token: secret::from_env(&target.credentials, "token"),
        })
    }

    fn token(&self) -> Result<&Secret, AttemptError> {
        self.token.as_ref().map_err(|error| AttemptError::failed(FailureClass::Auth, error.clone()))
    }
}

/// Reads an error answer: 401 auth, 422 content, 429 rate limit (reset: ISO time), 5xx unknown.
fn error_of(response: reqwest::blocking::Response) -> AttemptError {
    let status = response.status().as_u16();
    let reset = response
        .headers()
        .get("x-ratelimit-reset")
        .and_then(|value| value.to_str().ok())
        .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok());
    let body: Value = response.json().unwrap_or(Value::Null);
    let message = body["error"].as_str().unwrap_or("no message").to_string();
    match status {
        401 | 403 => AttemptError::failed(FailureClass::Auth, message),
        429 => AttemptError::Failed {
            class: FailureClass::RateLimited,
            message,
            retry_at: Some(reset.map_or_else(|| http::after_seconds(300), RetryAt::At)),
        },
        400..=499 => AttemptError::failed(FailureClass::Content, format!("{status}: {message}")),
        _ => AttemptError::Unknown(format!("the server answered {status}: {message}")),
    }
}

impl Adapter for Mastodon {
    fn publish(&self, outgoing: &Outgoing, journal: &mut dyn Journal) -> Result<Published, AttemptError> {
        let token = self.token()?;
        let client = http::client();
        let mut media_ids = Vec::new();
        for media in outgoing.media.iter().take(4) {
            let form = reqwest::blocking::multipart::Form::new()
                .part("file", media.part()?)
                .text("description", media.alt.clone());
            let response = client
                .post(format!("{}/api/v2/media", self.base))
                .bearer_auth(token.expose())
                .multipart(form)
                .send()
                .map_err(http::transport)?;
            let status = response.status().as_u16();
            if !matches!(status, 200 | 202) {
                // An upload that failed leaves nothing public; the status is what matters.
                return Err(match error_of(response) {
                    AttemptError::Unknown(message) => AttemptError::failed(FailureClass::Retryable, message),
                    other => other,
                });
            }
            let body: Value = response.json().unwrap_or(Value::Null);
            let id = body["id"].as_str().unwrap_or_default().to_string();
            if status == 202 {
                self.wait_for_media(&client, token, &id)?;
            }
            media_ids.push(id);
        }
        journal
            .handle("media_ids", &media_ids.join(","))
            .map_err(|error| AttemptError::failed(FailureClass::Retryable, error.to_string()))?;
        let mut form: Vec<(&str, String)> = vec![
            ("status", outgoing.text.clone()),
            ("visibility", "public".to_string()),
            ("language", "id".to_string()),
        ];
        form.extend(media_ids.iter().map(|id| ("media_ids[]", id.clone())));
        let response = client
            .post(format!("{}/api/v1/statuses", self.base))
            .bearer_auth(token.expose())
            .header("Idempotency-Key", &outgoing.idempotency_key)
            .form(&form)
            .send()
            .map_err(http::transport)?;
        if response.status().is_success() {
            let body: Value = response.json().unwrap_or(Value::Null);
            return Ok(Published {
                remote_id: body["id"].as_str().unwrap_or_default().to_string(),
                url: body["url"].as_str().unwrap_or_default().to_string(),
            });
        }
        Err(error_of(response))
    }

    fn reconcile(&self, outgoing: &Outgoing, _: &BTreeMap<String, String>) -> Result<Option<Published>, AttemptError> {
        let token = self.token()?;
        let client = http::client();
        let me = client
            .get(format!("{}/api/v1/accounts/verify_credentials", self.base))
            .bearer_auth(token.expose())
            .send()
            .map_err(http::transport)?;
        if !me.status().is_success() {
            return Err(error_of(me));
        }
        let me: Value = me.json().unwrap_or(Value::Null);
        let id = me["id"].as_str().unwrap_or_default();
        let statuses = client
            .get(format!("{}/api/v1/accounts/{id}/statuses", self.base))
            .query(&[("limit", "20"), ("exclude_replies", "true")])
            .bearer_auth(token.expose())
            .send()
            .map_err(http::transport)?;
        if !statuses.status().is_success() {
            return Err(error_of(statuses));
        }
        let statuses: Value = statuses.json().unwrap_or(Value::Null);
        let wanted = normalise(&outgoing.text);
        Ok(statuses
            .as_array()
            .into_iter()
            .flatten()
            .find(|status| normalise(&html_text(status["content"].as_str().unwrap_or_default())) == wanted)
            .map(|status| Published {
                remote_id: status["id"].as_str().unwrap_or_default().to_string(),
                url: status["url"].as_str().unwrap_or_default().to_string(),
            }))
    }

    fn describe(&self, outgoing: &Outgoing) -> String {
        format!(
            "POST {}/api/v1/statuses (Idempotency-Key {}) with {} media; status: {}",
            self.base,
            outgoing.idempotency_key,
            outgoing.media.len().min(4),
            outgoing.text
        )
    }
}

impl Mastodon {
    fn wait_for_media(&self, client: &reqwest::blocking::Client, token: &Secret, id: &str) -> Result<(), AttemptError> {
        for poll in 0..MEDIA_POLLS {
            let response = client
                .get(format!("{}/api/v1/media/{id}", self.base))
                .bearer_auth(token.expose())
                .send()
                .map_err(http::transport)?;
            match response.status().as_u16() {
                200 => return Ok(()),
                206 => std::thread::sleep(Duration::from_millis(100 * u64::from(poll.min(10) + 1))),
                _ => return Err(error_of(response)),
            }
        }
        Err(AttemptError::failed(FailureClass::Retryable, "the server is still processing the media"))
    }
}

/// The text of status HTML: tags removed, `<br>` and paragraph ends as newlines, entities read.
fn html_text(html: &str) -> String {
    let spaced = html.replace("<br>", "\n").replace("<br />", "\n").replace("</p>", "\n\n");
    let mut text = String::with_capacity(spaced.len());
    let mut in_tag = false;
    for character in spaced.chars() {
        match character {
            '<' => in_tag = true,
            '>' => in_tag = false,
            other if !in_tag => text.push(other),
            _ => {}
        }
    }
    text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
