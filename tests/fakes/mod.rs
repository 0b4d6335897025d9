//! Fake platform servers on 127.0.0.1 for the publisher's tests. Each imitates its
//! platform's real paths, status codes, error bodies and rate-limit signals as
//! `reference/platform-apis.md` describes them, keeps what was posted so tests can count
//! it, and has knobs to inject failures: a rate limit, a bad token, and "5xx after commit"
//! (the post exists, the answer says error).

#![allow(dead_code)]

pub mod archive_host;
pub mod bluesky;
pub mod facebook;
pub mod instagram;
pub mod mastodon;
pub mod meta;
pub mod telegram;
pub mod tiktok;
pub mod webhook;
pub mod x;
pub mod youtube;

use std::sync::{Arc, Mutex};

use axum::Router;

/// A running fake: its base URL; it stops when dropped.
pub struct Running {
    pub base: String,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// Serves `app` on a free port in a background thread.
pub fn spawn(app: Router) -> Running {
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            address_tx.send(listener.local_addr().expect("address")).expect("send address");
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = shutdown_rx.await;
                })
                .await;
        });
    });
    let address = address_rx.recv().expect("the fake started");
    Running { base: format!("http://{address}"), _shutdown: shutdown_tx }
}

/// Failures to inject into the next matching call.
#[derive(Clone, Debug, Default)]
pub struct Knobs {
    /// Answer the next create with a rate-limit error.
    pub rate_limit_next: bool,
    /// Create the next post, then answer 500 as if it had failed.
    pub fail_after_commit: bool,
    /// Wait this long before answering each request (widens the windows a crash can hit).
    pub latency_ms: u64,
    /// Forget idempotency keys (as after Mastodon's one hour, or a server that ignores
    /// them): then only reconciliation stands between a retry and a duplicate.
    pub forget_keys: bool,
}

/// Sleeps for the fake's latency (read without holding the lock across the wait).
pub async fn latency(knobs: impl FnOnce() -> u64) {
    let milliseconds = knobs();
    if milliseconds > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(milliseconds)).await;
    }
}

/// Shared, lockable state.
pub type Shared<T> = Arc<Mutex<T>>;

/// Decodes an `application/x-www-form-urlencoded` body into pairs.
pub fn form_pairs(body: &str) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let bytes = text.replace('+', " ").into_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut index = 0;
        while index < bytes.len() {
            let escaped = (bytes[index] == b'%' && index + 2 < bytes.len())
                .then(|| std::str::from_utf8(&bytes[index + 1..index + 3]).ok())
                .flatten()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            if let Some(byte) = escaped {
                out.push(byte);
                index += 3;
                continue;
            }
            out.push(bytes[index]);
            index += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}
