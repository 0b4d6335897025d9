//! A fake office receiver for the webhook target: checks the HMAC-SHA256 signature over the
//! exact body, deduplicates by `Idempotency-Key`, and can fail after storing.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

use super::{Knobs, Shared};

/// The receiver's state.
#[derive(Debug, Default)]
pub struct Receiver {
    pub secret: String,
    /// Key → body of each delivery kept.
    pub deliveries: BTreeMap<String, String>,
    pub knobs: Knobs,
}

impl Receiver {
    pub fn new(secret: &str) -> Shared<Receiver> {
        Arc::new(Mutex::new(Receiver { secret: secret.to_string(), ..Default::default() }))
    }
}

/// The fake's routes.
pub fn app(state: Shared<Receiver>) -> Router {
    Router::new().route("/hook", post(receive)).with_state(state)
}

async fn receive(State(state): State<Shared<Receiver>>, headers: HeaderMap, body: String) -> Response {
    let mut state = state.lock().expect("state");
    let expected =
        format!("sha256={}", siaran::publish::adapters::webhook::hmac_sha256(state.secret.as_bytes(), body.as_bytes()));
    if headers.get("x-siaran-signature").and_then(|value| value.to_str().ok()) != Some(expected.as_str()) {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({ "error": "bad signature" }))).into_response();
    }
    let key = headers.get("idempotency-key").and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
    state.deliveries.entry(key.clone()).or_insert(body);
    if std::mem::take(&mut state.knobs.fail_after_commit) {
        return (StatusCode::BAD_GATEWAY, "upstream error").into_response();
    }
    (StatusCode::OK, axum::Json(json!({ "id": key, "url": "https://intranet.kpu-contoh.example/siaran/1" })))
        .into_response()
}
