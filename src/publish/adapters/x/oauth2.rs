//! OAuth 2.0 user tokens for X. An access token lasts two hours; a refresh token buys a new
//! one at `POST /2/oauth2/token` and is then dead, because X hands back a *new* refresh
//! token every time (rotation). So the new one is stored in the [`TokenStore`] at once,
//! before the access token is used, and later runs prefer the stored refresh token to the
//! environment's (which by then is dead). The access token is stored too, with its expiry,
//! and reused by later calls and runs until shortly before it expires. A 401 on a reused
//! token renews it once; a refused refresh token means a person must authorise again.

use std::sync::{Mutex, PoisonError};

use serde_json::Value;

use super::errors;
use crate::config::Target;
use crate::ledger::FailureClass;
use crate::publish::adapter::AttemptError;
use crate::publish::secret::{self, Secret};
use crate::publish::token_store::TokenStore;

/// Names in the token store.
const REFRESH_TOKEN: &str = "refresh_token";
const ACCESS_TOKEN: &str = "access_token";
const ACCESS_TOKEN_EXPIRES_AT: &str = "access_token_expires_at";

/// A stored access token is not reused in its last five minutes.
const EXPIRY_MARGIN_SECONDS: i64 = 300;

/// X's access tokens last two hours when the answer does not say.
const DEFAULT_LIFETIME_SECONDS: i64 = 7_200;

/// One target's OAuth 2.0 session.
pub struct OAuth2Session {
    token_url: String,
    target: String,
    client_id: Result<Secret, String>,
    /// Confidential clients only: sent as HTTP Basic `client_id:client_secret`.
    client_secret: Option<Result<Secret, String>>,
    env_refresh_token: Result<Secret, String>,
    /// The variable to set after authorising again, for messages.
    refresh_variable: String,
    tokens: TokenStore,
    current: Mutex<Current>,
}

/// The access token in use during this run.
#[derive(Default)]
struct Current {
    access_token: Option<Secret>,
    /// Refreshed during this run: a 401 then is not an expired token.
    is_fresh: bool,
}

impl OAuth2Session {
    /// From a target's `client_id_env`, `refresh_token_env` and optional `client_secret_env`.
    pub fn for_target(target: &Target, tokens: TokenStore, base: &str) -> OAuth2Session {
        OAuth2Session {
            token_url: format!("{base}/2/oauth2/token"),
            target: target.id.clone(),
            client_id: secret::from_env(&target.credentials, "client_id"),
            client_secret: target
                .credentials
                .contains_key("client_secret_env")
                .then(|| secret::from_env(&target.credentials, "client_secret")),
            env_refresh_token: secret::from_env(&target.credentials, "refresh_token"),
            refresh_variable: target
                .credentials
                .get("refresh_token_env")
                .cloned()
                .unwrap_or_else(|| "the variable named by `refresh_token_env`".to_string()),
            tokens,
            current: Mutex::new(Current::default()),
        }
    }

    /// The access token to use: this run's, a stored one not about to expire, or a new one.
    pub fn access_token(&self, client: &reqwest::blocking::Client) -> Result<Secret, AttemptError> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(token) = &current.access_token {
            return Ok(token.clone());
        }
        if let Some(stored) = self.stored_access_token() {
            current.access_token = Some(stored.clone());
            return Ok(stored);
        }
        let fresh = self.refresh(client)?;
        *current = Current { access_token: Some(fresh.clone()), is_fresh: true };
        Ok(fresh)
    }

    /// After a 401: a reused token has probably expired, so refresh once; a token refreshed
    /// during this run that is still refused will not get better.
    pub fn renew_after_unauthorized(&self, client: &reqwest::blocking::Client) -> Result<bool, AttemptError> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if current.is_fresh {
            return Ok(false);
        }
        let fresh = self.refresh(client)?;
        *current = Current { access_token: Some(fresh), is_fresh: true };
        Ok(true)
    }

    fn stored_access_token(&self) -> Option<Secret> {
        let expires_at: i64 = self.tokens.get(&self.target, ACCESS_TOKEN_EXPIRES_AT)?.expose().parse().ok()?;
        (expires_at - EXPIRY_MARGIN_SECONDS > super::oauth::unix_seconds())
            .then(|| self.tokens.get(&self.target, ACCESS_TOKEN))
            .flatten()
    }

    fn auth_error(&self, message: impl Into<String>) -> AttemptError {
        AttemptError::failed(FailureClass::Auth, message)
    }

    /// Trades the newest refresh token for an access token and stores what came back.
    fn refresh(&self, client: &reqwest::blocking::Client) -> Result<Secret, AttemptError> {
        let client_id = self.client_id.as_ref().map_err(|error| self.auth_error(error.clone()))?;
        let refresh_token = match self.tokens.get(&self.target, REFRESH_TOKEN) {
            Some(stored) => stored,
            None => self.env_refresh_token.clone().map_err(|error| self.auth_error(error))?,
        };
        let mut request = client.post(&self.token_url).form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("client_id", client_id.expose()),
        ]);
        if let Some(client_secret) = &self.client_secret {
            let client_secret = client_secret.as_ref().map_err(|error| self.auth_error(error.clone()))?;
            request = request.basic_auth(client_id.expose(), Some(client_secret.expose()));
        }
        let response = request.send().map_err(|error| {
            // Nothing was posted. If X rotated the token but the answer was lost, the next
            // refresh is refused and the message below asks for a new authorisation.
            AttemptError::failed(
                FailureClass::Retryable,
                format!("cannot renew the X access token: {}", error.without_url()),
            )
        })?;
        let status = response.status().as_u16();
        let retry_at = errors::rate_limit_reset(response.headers());
        let body: Value = response.json().unwrap_or(Value::Null);
        match status {
            200 => self.keep(&body),
            401 => Err(self.auth_error(format!(
                "X refused the app's client credentials ({}): check the client id (and secret) variables",
                body["error"].as_str().unwrap_or("unauthorized"),
            ))),
            400 => {
                // A stored token X refuses is dead; it must not shadow the environment's next one.
                let _ = self.tokens.forget(&self.target, &[REFRESH_TOKEN, ACCESS_TOKEN, ACCESS_TOKEN_EXPIRES_AT]);
                Err(self.auth_error(format!(
                    "X refused the refresh token ({}: {}): authorise siaran on the office's X account again and put the new refresh token in {}",
                    body["error"].as_str().unwrap_or("unauthorized"),
                    body["error_description"].as_str().unwrap_or("no description"),
                    self.refresh_variable
                )))
            }
            429 => Err(AttemptError::Failed {
                class: FailureClass::RateLimited,
                message: "X is limiting token renewals (429)".to_string(),
                retry_at: Some(retry_at.unwrap_or_else(|| crate::publish::http::after_seconds(900))),
            }),
            _ => Err(AttemptError::failed(
                FailureClass::Retryable,
                format!("X's token endpoint answered {status}; nothing was posted"),
            )),
        }
    }

    /// Stores the rotated refresh token and the access token with its expiry, durably,
    /// before the access token is used.
    fn keep(&self, body: &Value) -> Result<Secret, AttemptError> {
        let access_token = body["access_token"]
            .as_str()
            .filter(|token| !token.is_empty())
            .map(Secret::new)
            .ok_or_else(|| self.auth_error("X's token answer holds no access token"))?;
        let lifetime = body["expires_in"].as_i64().unwrap_or(DEFAULT_LIFETIME_SECONDS);
        let expires_at = Secret::new((super::oauth::unix_seconds() + lifetime).to_string());
        let refresh_token = body["refresh_token"].as_str().filter(|token| !token.is_empty()).map(Secret::new);
        let mut values = vec![(ACCESS_TOKEN, &access_token), (ACCESS_TOKEN_EXPIRES_AT, &expires_at)];
        if let Some(refresh_token) = &refresh_token {
            values.push((REFRESH_TOKEN, refresh_token));
        }
        self.tokens.put(&self.target, &values).map_err(|error| {
            self.auth_error(format!(
                "X gave a new refresh token, but it could not be stored in .siaran/tokens ({error}) and the old one no longer works: authorise siaran again and put the new refresh token in {}",
                self.refresh_variable
            ))
        })?;
        Ok(access_token)
    }
}
