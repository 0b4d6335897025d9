//! The office's own systems: a JSON POST to `api_base`, signed with HMAC-SHA256 over the
//! exact body (`X-Siaran-Signature: sha256=<hex>`), with an `Idempotency-Key` header. The
//! receiver must treat a repeated key as the same delivery; that makes sending again after
//! an unknown outcome safe, and it is how siaran reconciles.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::config::Target;
use crate::content::fingerprint::hex;
use crate::ledger::FailureClass;
use crate::publish::adapter::{Adapter, AttemptError, Journal, Outgoing, Published};
use crate::publish::http;
use crate::publish::secret::{self, Secret};

/// A webhook receiver.
pub struct Webhook {
    url: String,
    secret: Result<Secret, String>,
}

impl Webhook {
    /// From a target: `api_base` (the receiver's URL) and `secret_env`.
    pub fn new(target: &Target) -> Result<Webhook, String> {
        Ok(Webhook {
            url: target.api_base.clone().ok_or("a webhook target needs `api_base`, the receiver's URL")?,
            secret: secret::from_env(&target.credentials, "secret"),
        })
    }

    fn body(outgoing: &Outgoing) -> String {
        json!({
            "post": outgoing.post,
            "target": outgoing.target,
            "title": outgoing.title,
            "text": outgoing.text,
            "archive_url": outgoing.archive_url,
            "media": outgoing.media.iter().map(|media| json!({ "url": media.url, "alt": media.alt })).collect::<Vec<_>>(),
            "idempotency_key": outgoing.idempotency_key,
        })
        .to_string()
    }

    fn send(&self, outgoing: &Outgoing) -> Result<Published, AttemptError> {
        let secret = self.secret.as_ref().map_err(|error| AttemptError::failed(FailureClass::Auth, error.clone()))?;
        let body = Webhook::body(outgoing);
        let response = http::client()
            .post(&self.url)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", &outgoing.idempotency_key)
            .header(
                "X-Siaran-Signature",
                format!("sha256={}", hmac_sha256(secret.expose().as_bytes(), body.as_bytes())),
            )
            .body(body)
            .send()
            .map_err(http::transport)?;
        let status = response.status().as_u16();
        let answer: Value = response.json().unwrap_or(Value::Null);
        match status {
            200..=299 => Ok(Published {
                remote_id: answer["id"].as_str().map_or_else(|| outgoing.idempotency_key.clone(), str::to_string),
                url: answer["url"].as_str().map_or_else(|| outgoing.archive_url.clone(), str::to_string),
            }),
            401 | 403 => {
                Err(AttemptError::failed(FailureClass::Auth, format!("the receiver refused the signature ({status})")))
            }
            429 => Err(AttemptError::Failed {
                class: FailureClass::RateLimited,
                message: "429 Too Many Requests".into(),
                retry_at: Some(http::after_seconds(60)),
            }),
            400..=499 => {
                Err(AttemptError::failed(FailureClass::Content, format!("the receiver refused the post ({status})")))
            }
            _ => Err(AttemptError::Unknown(format!("the receiver answered {status}"))),
        }
    }
}

/// HMAC-SHA256 (RFC 2104), lowercase hex.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { return String::new() };
    mac.update(message);
    hex(&mac.finalize().into_bytes())
}

impl Adapter for Webhook {
    fn publish(&self, outgoing: &Outgoing, _: &mut dyn Journal) -> Result<Published, AttemptError> {
        self.send(outgoing)
    }

    fn reconcile(&self, outgoing: &Outgoing, _: &BTreeMap<String, String>) -> Result<Option<Published>, AttemptError> {
        // The receiver deduplicates by key: sending again returns the first delivery.
        self.send(outgoing).map(Some)
    }

    fn describe(&self, outgoing: &Outgoing) -> String {
        format!("POST {} (signed, Idempotency-Key {}): {}", self.url, outgoing.idempotency_key, Webhook::body(outgoing))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            super::hmac_sha256(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
