//! OAuth 2.0 refresh for the platforms that post as a user (X, YouTube, TikTok). A person
//! authorises the office's app once and puts the *refresh token* in an environment
//! variable; siaran trades it for a short-lived *access token* (Google: about 1 h, TikTok:
//! about 24 h, X: 2 h) and keeps that, with its expiry, in the [`TokenStore`], so one run
//! does not refresh for every call. When the platform answers with a *new* refresh token (X
//! and TikTok rotate them) the new one is stored at once: the old one is already dead. A stored
//! refresh token is used only while the environment still holds the value it came from, so
//! a person who authorises again and sets a new variable is obeyed.
//!
//! Expiry is read against the real clock, not `--clock`: tokens age in real time.

use std::sync::atomic::{AtomicBool, Ordering};

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

/// How the app proves itself to the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClientAuth {
    /// The client secret in the form (Google, TikTok).
    SecretInForm,
    /// A public client (X): the client id in the form; a confidential one adds HTTP Basic
    /// `id:secret` when the target names a secret.
    BasicWhenSecret,
}

/// One target's OAuth credentials and where its tokens are kept.
pub struct OAuth {
    target: String,
    /// The platform's name, for messages.
    platform: &'static str,
    token_url: String,
    /// The form field naming the app: Google's and X's `client_id`, TikTok's `client_key`.
    client_field: &'static str,
    client_auth: ClientAuth,
    client: Result<Secret, String>,
    client_secret: Option<Result<Secret, String>>,
    refresh_token: Result<Secret, String>,
    /// The variable a person sets after authorising again, for messages.
    refresh_variable: String,
    tokens: TokenStore,
    /// Refreshed during this adapter's life: a token refused now will not get better.
    refreshed: AtomicBool,
}

impl OAuth {
    /// Reads `{client_field}_env`, `client_secret_env` and `refresh_token_env` of a target;
    /// a missing variable is reported when a token is first needed, as an auth failure.
    pub fn new(target: &Target, token_url: String, client_field: &'static str, tokens: &TokenStore) -> OAuth {
        OAuth {
            target: target.id.clone(),
            platform: target.platform.display_name(),
            token_url,
            client_field,
            client_auth: ClientAuth::SecretInForm,
            client: secret::from_env(&target.credentials, client_field),
            client_secret: Some(secret::from_env(&target.credentials, "client_secret")),
            refresh_token: secret::from_env(&target.credentials, "refresh_token"),
            refresh_variable: target
                .credentials
                .get("refresh_token_env")
                .cloned()
                .unwrap_or_else(|| "the variable named by `refresh_token_env`".to_string()),
            tokens: tokens.clone(),
            refreshed: AtomicBool::new(false),
        }
    }

    /// A public client (X): `client_id_env` and `refresh_token_env`, and `client_secret_env`
    /// only for a confidential client, which then authenticates with HTTP Basic.
    pub fn public_client(target: &Target, token_url: String, tokens: &TokenStore) -> OAuth {
        OAuth {
            client_auth: ClientAuth::BasicWhenSecret,
            client_secret: target
                .credentials
                .contains_key("client_secret_env")
                .then(|| secret::from_env(&target.credentials, "client_secret")),
            ..OAuth::new(target, token_url, "client_id", tokens)
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
        let client_secret = self.client_secret.as_ref().map(|secret| secret.as_ref().map_err(auth)).transpose()?;
        let refresh_token = self.current_refresh_token()?;
        let mut form = vec![
            (self.client_field, client_id.expose()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ];
        let mut request = client.post(&self.token_url).header("Cache-Control", "no-cache");
        match (self.client_auth, client_secret) {
            (ClientAuth::SecretInForm, Some(secret)) => form.push(("client_secret", secret.expose())),
            (ClientAuth::BasicWhenSecret, Some(secret)) => {
                request = request.basic_auth(client_id.expose(), Some(secret.expose()));
            }
            (_, None) => {}
        }
        self.refreshed.store(true, Ordering::SeqCst);
        let response = request
            .form(&form)
            .send()
            // A token request creates no post: a lost answer is only a retry. (If the platform
            // rotated the token and the answer was lost, the next refresh is refused and says
            // to authorise again.)
            .map_err(|error| AttemptError::failed(FailureClass::Retryable, http_message(error)))?;
        let status = response.status().as_u16();
        let body: Value = response.json().unwrap_or(Value::Null);
        let access = body["access_token"].as_str().filter(|token| !token.is_empty());
        let Some(access) = access.filter(|_| status == 200) else {
            return Err(self.refused(status, &body));
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
        // TikTok says how long the refresh token lives (about a year): the daemon warns ahead.
        let refresh_expires_at = body["refresh_expires_in"]
            .as_i64()
            .map(|seconds| Secret::new((Utc::now() + TimeDelta::seconds(seconds.max(0))).to_rfc3339()));
        if let Some(at) = &refresh_expires_at {
            values.push((crate::publish::health::REFRESH_EXPIRES_AT, at));
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
        if response.status().as_u16() != 401 || !self.renew_once(client)? {
            return Ok(response);
        }
        send(self.access_token(client)?.expose())
    }

    /// After a 401: a cached token has probably expired, so refresh — once: a token
    /// refreshed during this adapter's life that is still refused will not get better.
    /// Says whether the call is worth one more try.
    pub fn renew_once(&self, client: &reqwest::blocking::Client) -> Result<bool, AttemptError> {
        if self.refreshed.load(Ordering::SeqCst) {
            return Ok(false);
        }
        self.forget_access_token();
        self.refresh(client)?;
        Ok(true)
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

impl OAuth {
    /// Reads a refused refresh: the OAuth shape `{error, error_description}` (Google, X and
    /// TikTok's `/v2/oauth/token/`), or TikTok's envelope `{error: {code, message}}`.
    fn refused(&self, status: u16, body: &Value) -> AttemptError {
        let (code, description) = match &body["error"] {
            Value::String(code) => (code.as_str(), body["error_description"].as_str().unwrap_or_default()),
            Value::Object(envelope) => (
                envelope.get("code").and_then(Value::as_str).unwrap_or_default(),
                envelope.get("message").and_then(Value::as_str).unwrap_or_default(),
            ),
            _ => ("", ""),
        };
        let platform = self.platform;
        match status {
            429 => AttemptError::Failed {
                class: FailureClass::RateLimited,
                message: format!("{platform} is limiting token renewals (429: {code})"),
                retry_at: Some(RetryAt::After(TimeDelta::minutes(1))),
            },
            500..=599 => AttemptError::failed(
                FailureClass::Retryable,
                format!("{platform}'s token endpoint answered {status}; nothing was posted"),
            ),
            401 => AttemptError::failed(
                FailureClass::Auth,
                format!(
                    "{platform} refused the app's client credentials ({code}): check the client id and secret variables"
                ),
            ),
            _ => AttemptError::failed(
                FailureClass::Auth,
                format!(
                    "{platform} refused the refresh token ({code}: {description}): authorise siaran on the office's {platform} account again and put the new refresh token in {}",
                    self.refresh_variable
                ),
            ),
        }
    }
}

fn http_message(error: reqwest::Error) -> String {
    format!("cannot refresh the access token: {}", error.without_url())
}
