//! A fake Bluesky PDS: `createSession` (401 AuthenticationRequired for a bad app password),
//! `refreshSession` (refresh tokens rotate; an old one is 400 ExpiredToken), access tokens
//! that expire on demand (400 ExpiredToken, as after two hours),
//! `uploadBlob` (a blob reference), `createRecord` (checks the TID `rkey` and every facet's
//! UTF-8 byte offsets; "5xx after commit"), `getRecord` (400 RecordNotFound), XRPC errors
//! `{error, message}` and `RateLimit-*` headers.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{Knobs, Shared};

/// The fake's state.
#[derive(Debug, Default)]
pub struct Pds {
    pub password: String,
    /// rkey → record.
    pub records: BTreeMap<String, Value>,
    pub blobs: usize,
    /// Logins (`createSession`).
    pub sessions: usize,
    /// Renewals (`refreshSession`).
    pub refreshes: usize,
    /// The next call with the current access token answers 400 ExpiredToken.
    pub expire_access_next: bool,
    pub knobs: Knobs,
    access: String,
    refresh: String,
    issued: usize,
}

impl Pds {
    pub fn new(password: &str) -> Shared<Pds> {
        Arc::new(Mutex::new(Pds { password: password.to_string(), ..Default::default() }))
    }
}

impl Pds {
    /// Issues a new token pair, retiring the old one.
    fn issue(&mut self) -> Value {
        self.issued += 1;
        self.access = format!("fake-access-jwt-{}", self.issued);
        self.refresh = format!("fake-refresh-jwt-{}", self.issued);
        json!({ "accessJwt": self.access, "refreshJwt": self.refresh, "handle": "kpukabcontoh.bsky.social", "did": DID })
    }

    /// Checks the bearer token: `None` when it may go on, else the XRPC error to answer.
    fn check(&mut self, headers: &HeaderMap) -> Option<Response> {
        let bearer = headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or_default();
        if self.access.is_empty() || bearer != format!("Bearer {}", self.access) {
            return Some(xrpc_error(StatusCode::BAD_REQUEST, "InvalidToken", "Bad token"));
        }
        if std::mem::take(&mut self.expire_access_next) {
            self.access.clear();
            return Some(xrpc_error(StatusCode::BAD_REQUEST, "ExpiredToken", "Token has expired"));
        }
        None
    }
}

const DID: &str = "did:plc:kpukabcontohfake";

fn xrpc_error(status: StatusCode, name: &str, message: &str) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert("ratelimit-limit", "5000".parse().expect("header"));
    headers.insert(
        "ratelimit-remaining",
        if status == StatusCode::TOO_MANY_REQUESTS { "0" } else { "4990" }.parse().expect("header"),
    );
    headers.insert("ratelimit-reset", "1795406400".parse().expect("header"));
    headers.insert("ratelimit-policy", "5000;w=3600".parse().expect("header"));
    (status, headers, axum::Json(json!({ "error": name, "message": message }))).into_response()
}

/// The fake's routes.
pub fn app(state: Shared<Pds>) -> Router {
    Router::new()
        .route("/xrpc/com.atproto.server.createSession", post(session))
        .route("/xrpc/com.atproto.server.refreshSession", post(refresh))
        .route("/xrpc/com.atproto.repo.uploadBlob", post(upload))
        .route("/xrpc/com.atproto.repo.createRecord", post(create))
        .route("/xrpc/com.atproto.repo.getRecord", get(record))
        .with_state(state)
}

async fn session(State(state): State<Shared<Pds>>, axum::Json(body): axum::Json<Value>) -> Response {
    let mut state = state.lock().expect("state");
    if body["password"].as_str() != Some(state.password.as_str()) {
        return xrpc_error(StatusCode::UNAUTHORIZED, "AuthenticationRequired", "Invalid identifier or password");
    }
    state.sessions += 1;
    axum::Json(state.issue()).into_response()
}

async fn refresh(State(state): State<Shared<Pds>>, headers: HeaderMap) -> Response {
    let mut state = state.lock().expect("state");
    let bearer = headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or_default();
    if state.refresh.is_empty() || bearer != format!("Bearer {}", state.refresh) {
        return xrpc_error(StatusCode::BAD_REQUEST, "ExpiredToken", "Token has been revoked");
    }
    state.refreshes += 1;
    axum::Json(state.issue()).into_response()
}

async fn upload(State(state): State<Shared<Pds>>, headers: HeaderMap, body: Bytes) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = state.check(&headers) {
        return refused;
    }
    let mime = headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
    state.blobs += 1;
    axum::Json(json!({ "blob": { "$type": "blob", "ref": { "$link": format!("bafkreifake{}", body.len()) }, "mimeType": mime, "size": body.len() } })).into_response()
}

fn is_tid(rkey: &str) -> bool {
    rkey.len() == 13
        && rkey.bytes().all(|byte| b"234567abcdefghijklmnopqrstuvwxyz".contains(&byte))
        && rkey.as_bytes()[0] <= b'j'
}

async fn create(
    State(shared): State<Shared<Pds>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    super::latency(|| shared.lock().expect("state").knobs.latency_ms).await;
    let response = create_now(&shared, &headers, &body);
    // The record exists from here on; a slow answer is where crashes and timeouts bite.
    super::latency(|| shared.lock().expect("state").knobs.latency_ms * 4).await;
    response
}

fn create_now(shared: &Shared<Pds>, headers: &HeaderMap, body: &Value) -> Response {
    let mut state = shared.lock().expect("state");
    if let Some(refused) = state.check(headers) {
        return refused;
    }
    if std::mem::take(&mut state.knobs.rate_limit_next) {
        return xrpc_error(StatusCode::TOO_MANY_REQUESTS, "RateLimitExceeded", "Rate Limit Exceeded");
    }
    let rkey = body["rkey"].as_str().unwrap_or_default().to_string();
    if !is_tid(&rkey) {
        return xrpc_error(StatusCode::BAD_REQUEST, "InvalidRequest", "Invalid record key");
    }
    let record = &body["record"];
    let text = record["text"].as_str().unwrap_or_default();
    for facet in record["facets"].as_array().into_iter().flatten() {
        let start = facet["index"]["byteStart"].as_u64().unwrap_or(u64::MAX) as usize;
        let end = facet["index"]["byteEnd"].as_u64().unwrap_or(u64::MAX) as usize;
        let Some(slice) = text.get(start..end) else {
            return xrpc_error(StatusCode::BAD_REQUEST, "InvalidRequest", "facet byte range outside the text");
        };
        let feature = &facet["features"][0];
        let ok = match feature["$type"].as_str() {
            Some("app.bsky.richtext.facet#link") => feature["uri"].as_str() == Some(slice),
            Some("app.bsky.richtext.facet#tag") => {
                feature["tag"].as_str().is_some_and(|tag| slice == format!("#{tag}"))
            }
            _ => false,
        };
        if !ok {
            return xrpc_error(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                "facet does not match the text at its byte range",
            );
        }
    }
    if state.records.contains_key(&rkey) {
        // What a real PDS does with a duplicate rkey: a generic failure, not a clean answer.
        return xrpc_error(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError", "mst: key already exists");
    }
    state.records.insert(rkey.clone(), record.clone());
    if std::mem::take(&mut state.knobs.fail_after_commit) {
        return xrpc_error(StatusCode::BAD_GATEWAY, "UpstreamFailure", "Upstream Failure");
    }
    axum::Json(json!({ "uri": format!("at://{DID}/app.bsky.feed.post/{rkey}"), "cid": "bafyreifake", "validationStatus": "valid" })).into_response()
}

async fn record(
    State(state): State<Shared<Pds>>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = state.check(&headers) {
        return refused;
    }
    match query.get("rkey").and_then(|rkey| state.records.get(rkey).map(|record| (rkey, record))) {
        Some((rkey, record)) => {
            axum::Json(json!({ "uri": format!("at://{DID}/app.bsky.feed.post/{rkey}"), "value": record }))
                .into_response()
        }
        None => xrpc_error(StatusCode::BAD_REQUEST, "RecordNotFound", "Could not locate record"),
    }
}
