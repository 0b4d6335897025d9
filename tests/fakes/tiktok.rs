//! A fake TikTok (Content Posting API, direct post). Every API answer carries the envelope
//! `{"data":…,"error":{"code","message","log_id"}}`, `code:"ok"` on success, and so do the
//! upload host's answers. The token endpoint `/v2/oauth/token/` speaks plain OAuth
//! (`{error, error_description, log_id}` when refused), as TikTok's does, and rotates the
//! refresh token at every use. `creator_info/query` offers configurable privacy levels;
//! `video/init` checks the declared chunking (K = floor(size / C), the last chunk takes the
//! remainder; smaller chunks than TikTok's 5 MB are accepted when consistent); the upload
//! checks each `Content-Range` continues the file, answering 206, and 201 to the last;
//! `status/fetch` moves from PROCESSING_UPLOAD to PUBLISH_COMPLETE with the misspelled
//! `publicaly_available_post_id`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use serde_json::{Value, json};

use super::{Shared, form_pairs};

/// Failures to inject.
#[derive(Clone, Debug, Default)]
pub struct Knobs {
    /// Answer the next init 429 `rate_limit_exceeded`.
    pub rate_limit_next: bool,
    /// Answer the next init 403 `spam_risk_too_many_posts`.
    pub too_many_posts_next: bool,
    /// The token lacks `video.publish`: 401 `scope_not_authorized`.
    pub scope_missing: bool,
    /// Make the next publish, then answer init 500.
    pub fail_after_init: bool,
    /// Keep the last chunk, then answer 500.
    pub fail_after_upload: bool,
    /// Status polls answered PROCESSING_UPLOAD after the upload, before completion.
    pub processing_polls: u32,
    /// Complete without `publicaly_available_post_id` (moderation still running).
    pub moderation_pending: bool,
    /// End publishes FAILED with this reason.
    pub fail_reason: Option<String>,
}

/// A publish (one init).
#[derive(Clone, Debug)]
pub struct Publish {
    pub post_info: Value,
    pub video_size: u64,
    pub chunk_size: u64,
    pub total_chunk_count: u64,
    pub upload_token: String,
    pub bytes: Vec<u8>,
    pub chunks: u64,
    pub polls_left: u32,
    pub status: String,
    pub post_id: Option<u64>,
}

/// The fake's state.
#[derive(Debug, Default)]
pub struct Account {
    pub client_key: String,
    pub client_secret: String,
    /// The refresh token that works now (each refresh replaces it).
    pub refresh_token: String,
    /// Access tokens that work now (clear it to expire them all).
    pub access_tokens: Vec<String>,
    pub refreshes: u32,
    pub privacy_level_options: Vec<String>,
    /// Publishes by publish_id.
    pub publishes: BTreeMap<String, Publish>,
    /// Post ids made public, in order.
    pub posts: Vec<u64>,
    pub knobs: Knobs,
    next_id: u64,
}

impl Account {
    pub fn new(client_key: &str, client_secret: &str, refresh_token: &str) -> Shared<Account> {
        Arc::new(Mutex::new(Account {
            client_key: client_key.to_string(),
            client_secret: client_secret.to_string(),
            refresh_token: refresh_token.to_string(),
            privacy_level_options: ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
                .map(String::from)
                .to_vec(),
            knobs: Knobs { processing_polls: 1, ..Knobs::default() },
            ..Default::default()
        }))
    }

    fn next(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let given = headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or_default();
        self.access_tokens.iter().any(|token| given == format!("Bearer {token}"))
    }
}

/// The envelope every answer carries.
pub fn envelope(status: StatusCode, data: Value, code: &str, message: &str) -> Response {
    let body =
        json!({ "data": data, "error": { "code": code, "message": message, "log_id": "20261123060030FAKE0000" } });
    (status, axum::Json(body)).into_response()
}

fn ok(data: Value) -> Response {
    envelope(StatusCode::OK, data, "ok", "")
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    envelope(status, json!({}), code, message)
}

/// The API's checks before any call: JSON body, a live token, the scope.
fn gate(state: &Account, headers: &HeaderMap) -> Option<Response> {
    let content_type = headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default();
    if !state.authorized(headers) {
        return Some(refuse(
            StatusCode::UNAUTHORIZED,
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
        ));
    }
    if state.knobs.scope_missing {
        return Some(refuse(
            StatusCode::UNAUTHORIZED,
            "scope_not_authorized",
            "The user did not authorize the scope required for completing this request.",
        ));
    }
    if content_type != "application/json; charset=UTF-8" {
        return Some(refuse(
            StatusCode::BAD_REQUEST,
            "invalid_params",
            "Content-Type must be application/json; charset=UTF-8",
        ));
    }
    None
}

/// The fake's routes.
pub fn app(state: Shared<Account>) -> Router {
    Router::new()
        .route("/v2/oauth/token/", post(token))
        .route("/v2/post/publish/creator_info/query/", post(creator_info))
        .route("/v2/post/publish/video/init/", post(init))
        .route("/upload/", put(upload))
        .route("/v2/post/publish/status/fetch/", post(status_fetch))
        .with_state(state)
}

async fn token(State(state): State<Shared<Account>>, body: String) -> Response {
    let mut state = state.lock().expect("state");
    let form: BTreeMap<String, String> = form_pairs(&body).into_iter().collect();
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let refused = |error: &str, description: &str| {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": error, "error_description": description, "log_id": "20261123060030FAKE0001" })),
        )
            .into_response()
    };
    if field("client_key") != state.client_key || field("client_secret") != state.client_secret {
        return refused("invalid_client", "Client key or secret is incorrect.");
    }
    if field("grant_type") != "refresh_token" || field("refresh_token") != state.refresh_token {
        return refused("invalid_grant", "Refresh token is invalid or expired.");
    }
    let number = state.next();
    state.refreshes += 1;
    let access = format!("act.canary-access-{number}");
    state.refresh_token = format!("rft.canary-rotated-{number}");
    state.access_tokens.push(access.clone());
    axum::Json(json!({ "access_token": access, "expires_in": 86400, "open_id": "fake-open-id",
        "refresh_expires_in": 31536000, "refresh_token": state.refresh_token, "scope": "user.info.basic,video.publish",
        "token_type": "Bearer" }))
    .into_response()
}

async fn creator_info(State(state): State<Shared<Account>>, headers: HeaderMap) -> Response {
    let state = state.lock().expect("state");
    if let Some(refused) = gate(&state, &headers) {
        return refused;
    }
    ok(json!({ "creator_avatar_url": "https://p16.tiktokcdn.example/avatar.jpeg", "creator_username": "kpukabcontoh",
        "creator_nickname": "KPU Kabupaten Contoh", "privacy_level_options": state.privacy_level_options,
        "comment_disabled": false, "duet_disabled": false, "stitch_disabled": true, "max_video_post_duration_sec": 600 }))
}

async fn init(State(state): State<Shared<Account>>, headers: HeaderMap, body: Bytes) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = gate(&state, &headers) {
        return refused;
    }
    if std::mem::take(&mut state.knobs.rate_limit_next) {
        return refuse(StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded", "API rate limit was exceeded.");
    }
    if std::mem::take(&mut state.knobs.too_many_posts_next) {
        return refuse(
            StatusCode::FORBIDDEN,
            "spam_risk_too_many_posts",
            "The daily post cap for this creator was reached.",
        );
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let post_info = &request["post_info"];
    let source = &request["source_info"];
    let privacy = post_info["privacy_level"].as_str().unwrap_or_default();
    if !state.privacy_level_options.iter().any(|level| level == privacy) {
        if state.privacy_level_options == ["SELF_ONLY"] {
            return refuse(
                StatusCode::FORBIDDEN,
                "unaudited_client_can_only_post_to_private_accounts",
                "Unaudited clients can only post to private accounts.",
            );
        }
        return refuse(StatusCode::BAD_REQUEST, "privacy_level_option_mismatch", "privacy_level is not offered.");
    }
    if post_info["title"].as_str().unwrap_or_default().encode_utf16().count() > 2_200
        || source["source"] != "FILE_UPLOAD"
    {
        return refuse(StatusCode::BAD_REQUEST, "invalid_params", "The title or source_info is invalid.");
    }
    let number = |name: &str| source[name].as_u64().unwrap_or(0);
    let (size, chunk, count) = (number("video_size"), number("chunk_size"), number("total_chunk_count"));
    let consistent = size > 0
        && chunk > 0
        && chunk <= 64_000_000
        && if size <= chunk { count == 1 && chunk == size } else { count == size / chunk && count <= 1_000 };
    if !consistent {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_params",
            "video_size, chunk_size and total_chunk_count disagree.",
        );
    }
    let id = state.next();
    let publish_id = format!("v_pub_file~v2-1.{id:019}");
    let upload_token = format!("fake-upload-token-{id}");
    let polls_left = state.knobs.processing_polls;
    state.publishes.insert(
        publish_id.clone(),
        Publish {
            post_info: post_info.clone(),
            video_size: size,
            chunk_size: chunk,
            total_chunk_count: count,
            upload_token: upload_token.clone(),
            bytes: Vec::new(),
            chunks: 0,
            polls_left,
            status: "PROCESSING_UPLOAD".to_string(),
            post_id: None,
        },
    );
    if std::mem::take(&mut state.knobs.fail_after_init) {
        return refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong. Please try again later.",
        );
    }
    let host = headers.get("host").and_then(|value| value.to_str().ok()).unwrap_or_default();
    let upload_url = format!("http://{host}/upload/?upload_id={id}&upload_token={upload_token}");
    ok(json!({ "publish_id": publish_id, "upload_url": upload_url }))
}

async fn upload(
    State(state): State<Shared<Account>>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut guard = state.lock().expect("state");
    let state = &mut *guard;
    let id = query.get("upload_id").and_then(|text| text.parse::<u64>().ok()).unwrap_or(0);
    let token = query.get("upload_token").cloned().unwrap_or_default();
    let Some(publish) =
        state.publishes.get_mut(&format!("v_pub_file~v2-1.{id:019}")).filter(|p| p.upload_token == token)
    else {
        return refuse(StatusCode::NOT_FOUND, "invalid_params", "Unknown upload.");
    };
    let content_type = headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default();
    if !["video/mp4", "video/quicktime", "video/webm"].contains(&content_type) {
        return refuse(StatusCode::BAD_REQUEST, "invalid_params", "Content-Type must be a video type.");
    }
    // The chunk expected now, from the declared plan.
    let index = publish.chunks;
    let first = index * publish.chunk_size;
    let last =
        if index + 1 == publish.total_chunk_count { publish.video_size - 1 } else { first + publish.chunk_size - 1 };
    let expected = format!("bytes {first}-{last}/{}", publish.video_size);
    let given = headers.get("content-range").and_then(|value| value.to_str().ok()).unwrap_or_default();
    if index >= publish.total_chunk_count || given != expected || body.len() as u64 != last - first + 1 {
        return refuse(StatusCode::BAD_REQUEST, "invalid_params", &format!("expected Content-Range {expected}"));
    }
    publish.bytes.extend_from_slice(&body);
    publish.chunks += 1;
    if publish.chunks < publish.total_chunk_count {
        return envelope(StatusCode::PARTIAL_CONTENT, json!({}), "ok", "");
    }
    if std::mem::take(&mut state.knobs.fail_after_upload) {
        return refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong. Please try again later.",
        );
    }
    envelope(StatusCode::CREATED, json!({}), "ok", "")
}

async fn status_fetch(State(state): State<Shared<Account>>, headers: HeaderMap, body: Bytes) -> Response {
    let mut guard = state.lock().expect("state");
    let state = &mut *guard;
    if let Some(refused) = gate(state, &headers) {
        return refused;
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let publish_id = request["publish_id"].as_str().unwrap_or_default().to_string();
    let Some(publish) = state.publishes.get_mut(&publish_id) else {
        return refuse(StatusCode::BAD_REQUEST, "invalid_params", "publish_id not found.");
    };
    let uploaded = publish.bytes.len() as u64;
    if uploaded == publish.video_size && publish.status == "PROCESSING_UPLOAD" {
        if publish.polls_left > 0 {
            publish.polls_left -= 1;
        } else if state.knobs.fail_reason.is_some() {
            publish.status = "FAILED".to_string();
        } else {
            publish.status = "PUBLISH_COMPLETE".to_string();
            state.next_id += 1;
            let post_id = 7_440_000_000_000_000_000 + state.next_id;
            publish.post_id = Some(post_id);
            state.posts.push(post_id);
        }
    }
    let mut data = json!({ "status": publish.status, "uploaded_bytes": uploaded });
    if publish.status == "FAILED" {
        data["fail_reason"] = json!(state.knobs.fail_reason.clone().unwrap_or_default());
    }
    if let Some(post_id) = publish.post_id.filter(|_| !state.knobs.moderation_pending) {
        data["publicaly_available_post_id"] = json!([post_id]);
    }
    ok(data)
}
