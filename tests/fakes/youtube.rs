//! A fake YouTube: Google's token endpoint (`POST /token`, form, `invalid_grant` when the
//! refresh token is wrong), `videos.insert` as a resumable upload (`POST` answers 200 with
//! the session URI in `Location`; each chunk `PUT` answers 308 with `Range: bytes=0-N`,
//! the last 200 with the video; `Content-Range: bytes */TOTAL` asks a session what it
//! holds; an unknown or expired session is 404), Google's error JSON with
//! `errors[].reason` (`quotaExceeded`, `uploadLimitExceeded`, `invalidTitle`,
//! `invalidDescription`, `authError`, `backendError`), and `channels` + `playlistItems` for
//! a search of the uploads. Chunks must continue the upload and be multiples of 256 KiB.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{Shared, form_pairs};

/// Chunks but the last must be multiples of this.
pub const CHUNK_UNIT: usize = 256 * 1024;
const UPLOADS_PLAYLIST: &str = "UUkpukabcontoh-uploads01";
/// The server's `Date` on a quota error: 23 November 2026, 13:00:30 WIB.
pub const QUOTA_ERROR_DATE: &str = "Mon, 23 Nov 2026 06:00:30 GMT";

/// Failures to inject.
#[derive(Clone, Debug, Default)]
pub struct Knobs {
    /// Answer the next `videos.insert` with 403 `quotaExceeded`.
    pub quota_exceeded: bool,
    /// Answer the next `videos.insert` with 400 `uploadLimitExceeded`.
    pub upload_limit_exceeded: bool,
    /// Answer the next `videos.insert` with 400 `invalidTitle`.
    pub refuse_title: bool,
    /// Answer this chunk (1 = the first `PUT` with bytes) 503, keeping none of it.
    pub fail_chunk: Option<u32>,
    /// Keep the last chunk and make the video, then answer 503.
    pub fail_after_commit: bool,
    /// After an injected 503, answer this many more session requests 503 (the backend
    /// stays down a while).
    pub outage_after_failure: u32,
}

/// An upload session.
#[derive(Clone, Debug)]
pub struct UploadSession {
    pub metadata: Value,
    pub total: u64,
    pub bytes: Vec<u8>,
    pub video_id: Option<String>,
}

/// A video on the channel.
#[derive(Clone, Debug)]
pub struct Video {
    pub id: String,
    pub metadata: Value,
    pub bytes: Vec<u8>,
}

/// The fake's state.
#[derive(Debug, Default)]
pub struct Channel {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    /// Access tokens that work now (clear it to expire them all).
    pub access_tokens: Vec<String>,
    pub refreshes: u32,
    pub sessions: BTreeMap<String, UploadSession>,
    pub videos: Vec<Video>,
    /// Chunks with bytes received, in order: (first byte, length).
    pub chunks: Vec<(u64, usize)>,
    pub status_queries: u32,
    /// Session requests still to answer 503 (set from `outage_after_failure`).
    pub outage_left: u32,
    pub knobs: Knobs,
    next_id: u64,
}

impl Channel {
    pub fn new(client_id: &str, client_secret: &str, refresh_token: &str) -> Shared<Channel> {
        Arc::new(Mutex::new(Channel {
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            refresh_token: refresh_token.to_string(),
            ..Default::default()
        }))
    }

    /// Forgets every open session, as a week after they were opened: they answer 404.
    pub fn expire_sessions(&mut self) {
        self.sessions.clear();
    }

    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{:07}", self.next_id)
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let given = headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or_default();
        self.access_tokens.iter().any(|token| given == format!("Bearer {token}"))
    }
}

/// Google's error JSON.
pub fn google_error(status: StatusCode, domain: &str, reason: &str, message: &str) -> Response {
    let body = json!({ "error": { "code": status.as_u16(), "message": message,
        "errors": [{ "message": message, "domain": domain, "reason": reason }] } });
    (status, axum::Json(body)).into_response()
}

fn unauthorized() -> Response {
    google_error(
        StatusCode::UNAUTHORIZED,
        "global",
        "authError",
        "Request had invalid authentication credentials. Expected OAuth 2 access token.",
    )
}

/// The fake's routes.
pub fn app(state: Shared<Channel>) -> Router {
    Router::new()
        .route("/token", post(token))
        .route("/upload/youtube/v3/videos", post(insert).put(upload))
        .route("/youtube/v3/channels", get(channels))
        .route("/youtube/v3/playlistItems", get(playlist_items))
        .with_state(state)
}

async fn token(State(state): State<Shared<Channel>>, body: String) -> Response {
    let mut state = state.lock().expect("state");
    let form: BTreeMap<String, String> = form_pairs(&body).into_iter().collect();
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    if field("client_id") != state.client_id || field("client_secret") != state.client_secret {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({ "error": "invalid_client", "error_description": "Unauthorized" })),
        )
            .into_response();
    }
    if field("grant_type") != "refresh_token" || field("refresh_token") != state.refresh_token {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": "invalid_grant", "error_description": "Token has been expired or revoked." })),
        )
            .into_response();
    }
    state.refreshes += 1;
    let access = format!("ya29.canary-access-{}", state.refreshes);
    state.access_tokens.push(access.clone());
    axum::Json(json!({ "access_token": access, "expires_in": 3599,
        "scope": "https://www.googleapis.com/auth/youtube.upload", "token_type": "Bearer" }))
    .into_response()
}

async fn insert(
    State(state): State<Shared<Channel>>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = state.lock().expect("state");
    if !state.authorized(&headers) {
        return unauthorized();
    }
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
    if query.get("uploadType").map(String::as_str) != Some("resumable")
        || query.get("part").map(String::as_str) != Some("snippet,status")
    {
        return google_error(StatusCode::BAD_REQUEST, "global", "badRequest", "uploadType=resumable and part needed");
    }
    if !header("content-type").starts_with("application/json") {
        return google_error(StatusCode::BAD_REQUEST, "global", "badContent", "Unsupported content type");
    }
    let Ok(total) = header("x-upload-content-length").parse::<u64>() else {
        return google_error(StatusCode::BAD_REQUEST, "global", "badRequest", "X-Upload-Content-Length needed");
    };
    let kind = header("x-upload-content-type");
    if !(kind.starts_with("video/") || kind == "application/octet-stream") {
        return google_error(StatusCode::BAD_REQUEST, "youtube.video", "invalidFilename", "Not a video type");
    }
    if std::mem::take(&mut state.knobs.quota_exceeded) {
        let mut response = google_error(
            StatusCode::FORBIDDEN,
            "youtube.quota",
            "quotaExceeded",
            "The request cannot be completed because you have exceeded your quota.",
        );
        response.headers_mut().insert("date", QUOTA_ERROR_DATE.parse().expect("header"));
        return response;
    }
    if std::mem::take(&mut state.knobs.upload_limit_exceeded) {
        return google_error(
            StatusCode::BAD_REQUEST,
            "youtube.video",
            "uploadLimitExceeded",
            "The user has exceeded the number of videos they may upload.",
        );
    }
    let metadata: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let title = metadata["snippet"]["title"].as_str().unwrap_or_default();
    let description = metadata["snippet"]["description"].as_str().unwrap_or_default();
    if std::mem::take(&mut state.knobs.refuse_title)
        || title.trim().is_empty()
        || title.chars().count() > 100
        || title.contains(['<', '>'])
    {
        return google_error(StatusCode::BAD_REQUEST, "youtube.video", "invalidTitle", "The video title is invalid.");
    }
    if description.len() > 5_000 || description.contains(['<', '>']) {
        return google_error(
            StatusCode::BAD_REQUEST,
            "youtube.video",
            "invalidDescription",
            "The video description is invalid.",
        );
    }
    let upload_id = state.id("AEnB2Uo");
    state.sessions.insert(upload_id.clone(), UploadSession { metadata, total, bytes: Vec::new(), video_id: None });
    let location =
        format!("http://{}/upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}", header("host"));
    (StatusCode::OK, [("location", location)]).into_response()
}

fn video_json(video: &Video) -> Value {
    json!({ "kind": "youtube#video", "etag": "fake-etag", "id": video.id, "snippet": video.metadata["snippet"],
        "status": { "uploadStatus": "uploaded", "privacyStatus": video.metadata["status"]["privacyStatus"] } })
}

fn resume_incomplete(received: usize) -> Response {
    let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
    // 308 "Resume Incomplete": no Range header until a byte has arrived.
    if received > 0 {
        response.headers_mut().insert("range", format!("bytes=0-{}", received - 1).parse().expect("header"));
    }
    response
}

async fn upload(
    State(state): State<Shared<Channel>>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut guard = state.lock().expect("state");
    let state = &mut *guard;
    let upload_id = query.get("upload_id").cloned().unwrap_or_default();
    if !state.sessions.contains_key(&upload_id) {
        return google_error(StatusCode::NOT_FOUND, "global", "notFound", "Not Found");
    }
    if state.outage_left > 0 {
        state.outage_left -= 1;
        return google_error(StatusCode::SERVICE_UNAVAILABLE, "global", "backendError", "Backend Error");
    }
    if !state.authorized(&headers) {
        return unauthorized();
    }
    let range = headers.get("content-range").and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
    let bad_range = || google_error(StatusCode::BAD_REQUEST, "global", "badRequest", "Invalid Content-Range");
    let Some((span, total)) = range.strip_prefix("bytes ").and_then(|rest| rest.split_once('/')) else {
        return bad_range();
    };
    let session = state.sessions.get_mut(&upload_id).expect("checked above");
    if total.parse::<u64>().ok() != Some(session.total) {
        return bad_range();
    }
    if span == "*" {
        state.status_queries += 1;
        let session = &state.sessions[&upload_id];
        if !body.is_empty() {
            return bad_range();
        }
        return match &session.video_id {
            Some(id) => {
                let video = state.videos.iter().find(|video| &video.id == id).expect("the session's video");
                (StatusCode::OK, axum::Json(video_json(video))).into_response()
            }
            None => resume_incomplete(session.bytes.len()),
        };
    }
    let Some((first, last)) =
        span.split_once('-').and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)))
    else {
        return bad_range();
    };
    let is_last = last + 1 == session.total;
    if first != session.bytes.len() as u64
        || last < first
        || body.len() as u64 != last - first + 1
        || (!is_last && !body.len().is_multiple_of(CHUNK_UNIT))
        || session.video_id.is_some()
    {
        return bad_range();
    }
    state.chunks.push((first, body.len()));
    if state.knobs.fail_chunk == Some(state.chunks.len() as u32) {
        state.knobs.fail_chunk = None;
        state.outage_left = state.knobs.outage_after_failure;
        return google_error(StatusCode::SERVICE_UNAVAILABLE, "global", "backendError", "Backend Error");
    }
    let session = state.sessions.get_mut(&upload_id).expect("checked above");
    session.bytes.extend_from_slice(&body);
    if !is_last {
        return resume_incomplete(session.bytes.len());
    }
    state.next_id += 1;
    let id = format!("kpuVid{:05}", state.next_id);
    let session = state.sessions.get_mut(&upload_id).expect("checked above");
    session.video_id = Some(id.clone());
    let video = Video { id, metadata: session.metadata.clone(), bytes: session.bytes.clone() };
    state.videos.push(video.clone());
    if std::mem::take(&mut state.knobs.fail_after_commit) {
        state.outage_left = state.knobs.outage_after_failure;
        return google_error(StatusCode::SERVICE_UNAVAILABLE, "global", "backendError", "Backend Error");
    }
    (StatusCode::OK, axum::Json(video_json(&video))).into_response()
}

async fn channels(
    State(state): State<Shared<Channel>>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let state = state.lock().expect("state");
    if !state.authorized(&headers) {
        return unauthorized();
    }
    if query.get("mine").map(String::as_str) != Some("true")
        || query.get("part").map(String::as_str) != Some("contentDetails")
    {
        return google_error(
            StatusCode::BAD_REQUEST,
            "youtube.parameter",
            "missingRequiredParameter",
            "No filter selected.",
        );
    }
    axum::Json(json!({ "kind": "youtube#channelListResponse", "items": [{ "kind": "youtube#channel",
        "id": "UCkpukabcontoh-channel01", "contentDetails": { "relatedPlaylists": { "likes": "", "uploads": UPLOADS_PLAYLIST } } }] }))
    .into_response()
}

async fn playlist_items(
    State(state): State<Shared<Channel>>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let state = state.lock().expect("state");
    if !state.authorized(&headers) {
        return unauthorized();
    }
    if query.get("playlistId").map(String::as_str) != Some(UPLOADS_PLAYLIST) {
        return google_error(StatusCode::NOT_FOUND, "youtube.playlistItem", "playlistNotFound", "Playlist not found.");
    }
    let max = query.get("maxResults").and_then(|text| text.parse::<usize>().ok()).unwrap_or(5).min(50);
    let items: Vec<Value> = state
        .videos
        .iter()
        .rev()
        .take(max)
        .map(|video| {
            json!({ "kind": "youtube#playlistItem", "snippet": { "title": video.metadata["snippet"]["title"],
                "description": video.metadata["snippet"]["description"], "playlistId": UPLOADS_PLAYLIST,
                "resourceId": { "kind": "youtube#video", "videoId": video.id } } })
        })
        .collect();
    axum::Json(json!({ "kind": "youtube#playlistItemListResponse", "items": items })).into_response()
}
