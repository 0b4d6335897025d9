//! X's own failure signals, read into siaran's classes. X answers errors as problem JSON
//! (`{"title","type","status","detail"}`, sometimes with `errors[].message`) and puts its
//! rate limits in `x-rate-limit-*` headers (the reset in epoch seconds), plus daily caps in
//! `x-user-limit-24hour-*` and `x-app-limit-24hour-*`. What a server error means depends on
//! the call: after `POST /2/tweets` the post may exist; after anything else nothing was
//! posted.

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::ledger::FailureClass;
use crate::publish::adapter::{AttemptError, RetryAt};
use crate::publish::http;

/// Which call failed, which decides what a 5xx means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `POST /2/tweets`: the post may exist after a 5xx.
    CreatePost,
    /// Anything else: nothing is posted by it.
    Other,
}

/// A problem-JSON answer.
pub struct Problem {
    /// The HTTP status.
    pub status: u16,
    /// "Title: detail (errors)", never holding a secret.
    pub message: String,
    retry_at: Option<RetryAt>,
}

impl Problem {
    /// Reads an error answer.
    pub fn read(response: reqwest::blocking::Response) -> Problem {
        let status = response.status().as_u16();
        let retry_at = rate_limit_reset(response.headers());
        let body: Value = response.json().unwrap_or(Value::Null);
        let mut message = match (body["title"].as_str(), body["detail"].as_str()) {
            (Some(title), Some(detail)) => format!("{title}: {detail}"),
            (Some(text), None) | (None, Some(text)) => text.to_string(),
            (None, None) => format!("HTTP {status}"),
        };
        let details: Vec<&str> =
            body["errors"].as_array().into_iter().flatten().filter_map(|error| error["message"].as_str()).collect();
        if !details.is_empty() {
            message = format!("{message} ({})", details.join("; "));
        }
        Problem { status, message, retry_at }
    }

    /// X's answer to a post whose text the account already posted recently.
    pub fn is_duplicate(&self) -> bool {
        self.status == 403 && self.message.to_ascii_lowercase().contains("duplicate")
    }

    /// The class: 401 and other 403s need new credentials or access, 429 waits for the
    /// reset, other 4xx are the post's fault, 5xx are unknown after creating, else retryable.
    pub fn into_error(self, call: Call) -> AttemptError {
        let Problem { status, message, retry_at } = self;
        match status {
            401 => AttemptError::failed(FailureClass::Auth, format!("X refused the credentials (401 {message})")),
            403 => AttemptError::failed(FailureClass::Auth, format!("X refused access (403 {message})")),
            429 => AttemptError::Failed {
                class: FailureClass::RateLimited,
                message: format!("429 {message}"),
                retry_at: Some(retry_at.unwrap_or_else(|| http::after_seconds(900))),
            },
            400..=499 => AttemptError::failed(FailureClass::Content, format!("{status} {message}")),
            _ if call == Call::CreatePost => {
                AttemptError::Unknown(format!("X answered {status} to the new post ({message}); it may exist"))
            }
            _ => AttemptError::failed(FailureClass::Retryable, format!("X answered {status} ({message})")),
        }
    }
}

/// Before the post's own call nothing is created: an unknown outcome there is retryable.
pub fn never_created(error: AttemptError) -> AttemptError {
    match error {
        AttemptError::Unknown(message) => AttemptError::failed(FailureClass::Retryable, message),
        other => other,
    }
}

/// When the limit that was hit resets: `x-rate-limit-reset`, or a daily cap's reset when
/// that cap is used up (whichever is later).
pub fn rate_limit_reset(headers: &HeaderMap) -> Option<RetryAt> {
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<i64>().ok();
    let mut reset = number("x-rate-limit-reset");
    for cap in ["x-user-limit-24hour", "x-app-limit-24hour"] {
        if number(&format!("{cap}-remaining")) == Some(0)
            && let Some(cap_reset) = number(&format!("{cap}-reset"))
        {
            reset = Some(reset.map_or(cap_reset, |window| window.max(cap_reset)));
        }
    }
    let at = chrono::DateTime::from_timestamp(reset?, 0)?;
    Some(RetryAt::At(at.fixed_offset()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_used_up_daily_cap_outlasts_the_window() {
        let mut headers = HeaderMap::new();
        headers.insert("x-rate-limit-reset", "1795414500".parse().expect("header"));
        let at = |headers: &HeaderMap| match rate_limit_reset(headers) {
            Some(RetryAt::At(at)) => at.to_rfc3339(),
            other => format!("{other:?}"),
        };
        assert_eq!(at(&headers), "2026-11-23T06:15:00+00:00");
        headers.insert("x-user-limit-24hour-remaining", "0".parse().expect("header"));
        headers.insert("x-user-limit-24hour-reset", "1795478400".parse().expect("header"));
        assert_eq!(at(&headers), "2026-11-24T00:00:00+00:00");
    }
}
