//! A fake Mastodon instance: `POST /api/v2/media` (202, then `GET /api/v1/media/:id` answers
//! 206 until processed, then 200), `POST /api/v1/statuses` with `Idempotency-Key` (a replay
//! returns the original status), 422 for unprocessed media, 401 for a bad token, 429 with
//! `X-RateLimit-*` (reset as an ISO time), and the account's statuses for reconciliation.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use super::{Knobs, Shared, form_pairs};

/// A status the fake holds.
#[derive(Clone, Debug)]
pub struct Status {
    pub id: String,
    pub text: String,
    pub media_ids: Vec<String>,
}

/// The fake's state.
#[derive(Debug, Default)]
pub struct Instance {
    pub token: String,
    pub statuses: Vec<Status>,
    pub keys: BTreeMap<String, String>,
    /// Media id → polls left before it is processed.
    pub media: BTreeMap<String, u32>,
    pub media_alt: BTreeMap<String, String>,
    pub knobs: Knobs,
    next_id: u64,
}

impl Instance {
    pub fn new(token: &str) -> Shared<Instance> {
        Arc::new(Mutex::new(Instance {
            token: token.to_string(),
            next_id: 113_500_000_000_000_000,
            ..Default::default()
        }))
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }
}

fn limits(headers: &mut HeaderMap) {
    headers.insert("x-ratelimit-limit", "300".parse().expect("header"));
    headers.insert("x-ratelimit-remaining", "299".parse().expect("header"));
    headers.insert("x-ratelimit-reset", "2026-11-23T06:05:00.000Z".parse().expect("header"));
}

fn authorized(state: &Instance, headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|value| value.to_str().ok()) == Some(&format!("Bearer {}", state.token))
}

fn error(status: StatusCode, message: &str) -> Response {
    let mut headers = HeaderMap::new();
    limits(&mut headers);
    (status, headers, axum::Json(json!({ "error": message }))).into_response()
}

fn status_json(status: &Status) -> serde_json::Value {
    let url = format!("https://sosmed.kpu-contoh.example/@kpukabcontoh/{}", status.id);
    let html: String = status
        .text
        .split("\n\n")
        .map(|paragraph| {
            format!("<p>{}</p>", paragraph.replace('&', "&amp;").replace('<', "&lt;").replace('\n', "<br>"))
        })
        .collect();
    json!({ "id": status.id, "uri": url, "url": url, "created_at": "2026-11-23T06:00:31.000Z", "content": html, "visibility": "public",
            "media_attachments": status.media_ids.iter().map(|id| json!({ "id": id, "type": "image" })).collect::<Vec<_>>() })
}

/// The fake's routes.
pub fn app(state: Shared<Instance>) -> Router {
    Router::new()
        .route("/api/v2/media", post(upload))
        .route("/api/v1/media/{id}", get(media))
        .route("/api/v1/statuses", post(create))
        .route("/api/v1/accounts/verify_credentials", get(me))
        .route("/api/v1/accounts/{id}/statuses", get(statuses))
        .with_state(state)
}

async fn upload(State(state): State<Shared<Instance>>, headers: HeaderMap, body: Bytes) -> Response {
    super::latency(|| state.lock().expect("state").knobs.latency_ms).await;
    let mut state = state.lock().expect("state");
    if !authorized(&state, &headers) {
        return error(StatusCode::UNAUTHORIZED, "The access token is invalid");
    }
    let content_type = headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    if !content_type.starts_with("multipart/form-data") || !text.contains("name=\"file\"") {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: File content type is invalid, File is invalid",
        );
    }
    let id = state.id();
    state.media.insert(id.clone(), 2);
    let alt = text
        .split("name=\"description\"\r\n\r\n")
        .nth(1)
        .and_then(|rest| rest.split("\r\n--").next())
        .unwrap_or_default()
        .to_string();
    state.media_alt.insert(id.clone(), alt);
    (StatusCode::ACCEPTED, axum::Json(json!({ "id": id, "type": "image", "url": null }))).into_response()
}

async fn media(State(state): State<Shared<Instance>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let mut state = state.lock().expect("state");
    if !authorized(&state, &headers) {
        return error(StatusCode::UNAUTHORIZED, "The access token is invalid");
    }
    match state.media.get_mut(&id) {
        None => error(StatusCode::NOT_FOUND, "Record not found"),
        Some(0) => (
            StatusCode::OK,
            axum::Json(json!({ "id": id, "url": format!("https://sosmed.kpu-contoh.example/media/{id}.jpg") })),
        )
            .into_response(),
        Some(left) => {
            *left -= 1;
            (StatusCode::PARTIAL_CONTENT, axum::Json(json!({ "id": id, "url": null }))).into_response()
        }
    }
}

async fn create(State(shared): State<Shared<Instance>>, headers: HeaderMap, body: String) -> Response {
    super::latency(|| shared.lock().expect("state").knobs.latency_ms).await;
    let response = create_now(&shared, &headers, &body);
    // The status exists from here on; a slow answer is where crashes and timeouts bite.
    super::latency(|| shared.lock().expect("state").knobs.latency_ms * 4).await;
    response
}

fn create_now(shared: &Shared<Instance>, headers: &HeaderMap, body: &str) -> Response {
    let mut state = shared.lock().expect("state");
    if !authorized(&state, headers) {
        return error(StatusCode::UNAUTHORIZED, "The access token is invalid");
    }
    let pairs = form_pairs(body);
    let key = headers.get("idempotency-key").and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
    if let Some(id) = state.keys.get(&key).cloned().filter(|_| !state.knobs.forget_keys)
        && let Some(existing) = state.statuses.iter().find(|status| status.id == id)
    {
        let mut response_headers = HeaderMap::new();
        limits(&mut response_headers);
        return (StatusCode::OK, response_headers, axum::Json(status_json(existing))).into_response();
    }
    if std::mem::take(&mut state.knobs.rate_limit_next) {
        let mut response_headers = HeaderMap::new();
        response_headers.insert("x-ratelimit-limit", "300".parse().expect("header"));
        response_headers.insert("x-ratelimit-remaining", "0".parse().expect("header"));
        response_headers.insert("x-ratelimit-reset", "2026-11-23T06:30:00.000Z".parse().expect("header"));
        return (StatusCode::TOO_MANY_REQUESTS, response_headers, axum::Json(json!({ "error": "Too many requests" })))
            .into_response();
    }
    let text = pairs.iter().find(|(name, _)| name == "status").map(|(_, value)| value.clone()).unwrap_or_default();
    let media_ids: Vec<String> =
        pairs.iter().filter(|(name, _)| name == "media_ids[]").map(|(_, value)| value.clone()).collect();
    if media_ids.iter().any(|id| state.media.get(id).is_none_or(|left| *left > 0)) {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "Validation failed: Media is still being processed");
    }
    if text.chars().count() > 500 {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "Validation failed: Text character limit of 500 exceeded");
    }
    let id = state.id();
    let status = Status { id: id.clone(), text, media_ids };
    state.statuses.push(status.clone());
    if !key.is_empty() {
        state.keys.insert(key, id);
    }
    if std::mem::take(&mut state.knobs.fail_after_commit) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
    }
    let mut response_headers = HeaderMap::new();
    limits(&mut response_headers);
    (StatusCode::OK, response_headers, axum::Json(status_json(&status))).into_response()
}

async fn me(State(state): State<Shared<Instance>>, headers: HeaderMap) -> Response {
    let state = state.lock().expect("state");
    if !authorized(&state, &headers) {
        return error(StatusCode::UNAUTHORIZED, "The access token is invalid");
    }
    axum::Json(json!({ "id": "1", "username": "kpukabcontoh", "acct": "kpukabcontoh" })).into_response()
}

async fn statuses(State(state): State<Shared<Instance>>, headers: HeaderMap, Path(_): Path<String>) -> Response {
    let state = state.lock().expect("state");
    if !authorized(&state, &headers) {
        return error(StatusCode::UNAUTHORIZED, "The access token is invalid");
    }
    let list: Vec<_> = state.statuses.iter().rev().take(20).map(status_json).collect();
    axum::Json(list).into_response()
}
