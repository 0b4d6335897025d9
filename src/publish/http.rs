//! The HTTP client adapters share, and how transport errors are read: a request that
//! never connected created nothing (retryable); one that timed out or broke after sending
//! may have created the post (unknown). Error texts never carry the request URL, which for
//! some platforms (Telegram) holds the token.

use std::time::Duration;

use super::adapter::AttemptError;
use crate::ledger::FailureClass;

/// A blocking client with sane timeouts.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .user_agent(concat!("siaran/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|_| reqwest::blocking::Client::new())
}

/// Reads a transport error.
pub fn transport(error: reqwest::Error) -> AttemptError {
    let never_sent = error.is_connect() || error.is_builder();
    let message = error.without_url().to_string();
    if never_sent {
        AttemptError::failed(FailureClass::Retryable, format!("cannot reach the platform: {message}"))
    } else {
        AttemptError::Unknown(format!("no answer after sending: {message}"))
    }
}

/// A retry after some seconds (counted by the engine from the attempt's time).
pub fn after_seconds(seconds: i64) -> super::adapter::RetryAt {
    super::adapter::RetryAt::After(chrono::TimeDelta::seconds(seconds.clamp(1, 86_400)))
}
