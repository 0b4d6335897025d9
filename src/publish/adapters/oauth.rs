//! OAuth 2.0 refresh for the platforms that post as a user (YouTube, TikTok). A person
//! authorises the office's app once and puts the *refresh token* in an environment
//! variable; siaran trades it for a short-lived *access token* (Google: about 1 h, TikTok:
//! about 24 h) and keeps that, with its expiry, in the [`TokenStore`], so one run does not
//! refresh for every call. When the platform answers with a *new* refresh token (TikTok
//! rotates them) the new one is stored at once: the old one may already be dead. A stored
//! refresh token is used only while the environment still holds the value it came from, so
//! a person who authorises again and sets a new variable is obeyed.
//!
//! Expiry is read against the real clock, not `--clock`: tokens age in real time.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::config::Target;
use crate::content::fingerprint::hex;
use crate::ledger::FailureClass;
use crate::publish::adapter::{AttemptError, RetryAt};
use crate::publish::secret::{self, Secret};
use crate::publish::token_store::TokenStore;

/// A cached access token is renewed this long before it expires.
const EXPIRY_MARGIN_SECONDS: i64 = 300;

const ACCESS_TOKEN: &str = "access_token";
const ACCESS_EXPIRES_AT: &str = "access_token_expires_at";
const REFRESH_TOKEN: &str = "refresh_token";
const REFRESH_ORIGIN: &str = "refresh_token_origin";

/// One target's OAuth credentials and where its tokens are kept.
pub struct OAuth {
    target: String,
    token_url: String,
    /// The form field naming the app: Google's `client_id`, TikTok's `client_key`.
    client_field: &'static str,
    client: Result<Secret, String>,
    client_secret: Result<Secret, String>,
    refresh_token: Result<Secret, String>,
    tokens: TokenStore,
}

impl OAuth {
    /// Reads `{client_field}_env`, `client_secret_env` and `refresh_token_env` of a target;
    /// a missing variable is reported when a token is first needed, as an auth failure.
    pub fn new(target: &Target, token_url: String, client_field: &'static str, tokens: &TokenStore) -> OAuth {
        OAuth {
            target: target.id.clone(),
            token_url,
            client_field,
            client: secret::from_env(&target.credentials, client_field),
            client_secret: secret::from_env(&target.credentials, "client_secret"),
            refresh_token: secret::from_env(&target.credentials, "refresh_token"),
            tokens: tokens.clone(),
        }
    }

    /// A live access token: the cached one while it has time left, else a fresh one.
    pub fn access_token(&self, client: &reqwest::blocking::Client) -> Result<Secret, AttemptError> {
        let expires_at = self
            .tokens
            .get(&self.target, ACCESS_EXPIRES_AT)
            .and_then(|at| DateTime::parse_from_rfc3339(at.expose()).ok());
        if let (Some(token), Some(expires_at)) = (self.tokens.get(&self.target, ACCESS_TOKEN), expires_at)
            && expires_at > Utc::now() + TimeDelta::seconds(EXPIRY_MARGIN_SECONDS)
        {
            return Ok(token);
        }
        self.refresh(client)
    }

    /// A fresh access token, whatever is cached (after the platform refused the cached one).
    pub fn refresh(&self, client: &reqwest::blocking::Client) -> Result<Secret, AttemptError> {
        let auth = |error: &String| AttemptError::failed(FailureClass::Auth, error.clone());
        let client_id = self.client.as_ref().map_err(auth)?;
        let client_secret = self.client_secret.as_ref().map_err(auth)?;
        let refresh_token = self.current_refresh_token()?;
        let form = [
            (self.client_field, client_id.expose()),
            ("client_secret", client_secret.expose()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ];
        let response = client
            .post(&self.token_url)
            .header("Cache-Control", "no-cache")
            .form(&form)
            .send()
            // A token request creates no post: a lost answer is only a retry.
            .map_err(|error| AttemptError::failed(FailureClass::Retryable, http_message(error)))?;
        let status = response.status().as_u16();
        let body: Value = response.json().unwrap_or(Value::Null);
        let access = body["access_token"].as_str().filter(|token| !token.is_empty());
        let Some(access) = access.filter(|_| status == 200) else {
            return Err(refresh_error(status, &body));
        };
        let access = Secret::new(access);
        let expires_in = body["expires_in"].as_i64().unwrap_or(3_600).max(0);
        let expires_at = Secret::new((Utc::now() + TimeDelta::seconds(expires_in)).to_rfc3339());
        let mut values = vec![(ACCESS_TOKEN, &access), (ACCESS_EXPIRES_AT, &expires_at)];
        let rotated = body["refresh_token"]
            .as_str()
            .filter(|token| !token.is_empty() && *token != refresh_token.expose())
            .map(Secret::new);
        let origin = self.refresh_origin();
        if let (Some(rotated), Some(origin)) = (&rotated, &origin) {
            values.push((REFRESH_TOKEN, rotated));
            values.push((REFRESH_ORIGIN, origin));
        }
        self.tokens.put(&self.target, &values).map_err(|error| {
            let message = format!("cannot keep the new token in .siaran/tokens: {error}");
            // A rotated refresh token that was not kept is lost: a person must authorise again.
            AttemptError::failed(if rotated.is_some() { FailureClass::Auth } else { FailureClass::Retryable }, message)
        })?;
        Ok(access)
    }

    /// Sends a call with the access token; if the platform answers 401, refreshes once and
    /// sends it again. A second 401 is returned for the caller to read as an auth failure.
    pub fn authorized(
        &self,
        client: &reqwest::blocking::Client,
        send: impl Fn(&str) -> Result<reqwest::blocking::Response, AttemptError>,
    ) -> Result<reqwest::blocking::Response, AttemptError> {
        let token = self.access_token(client)?;
        let response = send(token.expose())?;
        if response.status().as_u16() != 401 {
            return Ok(response);
        }
        self.forget_access_token();
        let token = self.refresh(client)?;
        send(token.expose())
    }

    /// Forgets the cached access token (the platform refused it).
    pub fn forget_access_token(&self) {
        // Best effort: a token that stays cached is refused again and refreshed then.
        let _ = self.tokens.forget(&self.target, &[ACCESS_TOKEN, ACCESS_EXPIRES_AT]);
    }

    /// The newest refresh token: the stored one if it descends from the variable's value.
    fn current_refresh_token(&self) -> Result<Secret, AttemptError> {
        let from_env =
            self.refresh_token.as_ref().map_err(|error| AttemptError::failed(FailureClass::Auth, error.clone()))?;
        let stored = self.tokens.get(&self.target, REFRESH_TOKEN);
        let stored_origin = self.tokens.get(&self.target, REFRESH_ORIGIN);
        match (stored, stored_origin, self.refresh_origin()) {
            (Some(stored), Some(stored_origin), Some(origin)) if stored_origin == origin => Ok(stored),
            _ => Ok(from_env.clone()),
        }
    }

    /// A fingerprint of the variable's refresh token (never the token itself).
    fn refresh_origin(&self) -> Option<Secret> {
        let token = self.refresh_token.as_ref().ok()?;
        Some(Secret::new(hex(&Sha256::digest(token.expose().as_bytes()))))
    }
}

/// Reads a refused refresh: the OAuth shape `{error, error_description}` (Google and
/// TikTok's `/v2/oauth/token/`), or TikTok's envelope `{error: {code, message}}`.
fn refresh_error(status: u16, body: &Value) -> AttemptError {
    let (code, description) = match &body["error"] {
        Value::String(code) => (code.as_str(), body["error_description"].as_str().unwrap_or_default()),
        Value::Object(envelope) => (
            envelope.get("code").and_then(Value::as_str).unwrap_or_default(),
            envelope.get("message").and_then(Value::as_str).unwrap_or_default(),
        ),
        _ => ("", ""),
    };
    let message = format!("the token endpoint answered {status}: {code}: {description}");
    match status {
        429 => AttemptError::Failed {
            class: FailureClass::RateLimited,
            message,
            retry_at: Some(RetryAt::After(TimeDelta::minutes(1))),
        },
        500..=599 => AttemptError::failed(FailureClass::Retryable, message),
        _ => AttemptError::failed(
            FailureClass::Auth,
            format!("{message} (authorise the app again and set a new refresh token)"),
        ),
    }
}

fn http_message(error: reqwest::Error) -> String {
    format!("cannot refresh the access token: {}", error.without_url())
}
