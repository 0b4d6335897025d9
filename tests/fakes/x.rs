//! A fake X API v2: `POST /2/oauth2/token` (refresh tokens rotate: a used one is refused with
//! 400 `invalid_request`), `POST /2/media/upload` (multipart, images), the chunked upload
//! of video and GIF (`initialize`, `append` in order, `finalize` against the declared size,
//! then `processing_info` through `GET /2/media/upload?command=STATUS`: pending,
//! in_progress, succeeded; attaching it earlier is 400), `POST /2/media/metadata` (alt text), `POST /2/tweets` (**201**, 403 on duplicate text,
//! 400 on unknown media ids), `GET /2/users/me` and `GET /2/users/{id}/tweets` (text as X
//! gives it back: links as t.co, one more t.co link for the photos, `&` escaped). Errors are
//! problem JSON; every answer carries `x-rate-limit-*`. Bearer tokens expire on a knob (as
//! after two hours); OAuth 1.0a signatures are checked against the known secrets.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use ssh_encoding::base64::{Base64, Encoding};

use super::{Knobs, Shared, form_pairs};

/// `x-rate-limit-reset` of every answer: 2026-11-23T06:15:00Z.
pub const RATE_LIMIT_RESET: i64 = 1_795_414_500;
/// The account.
pub const USER_ID: &str = "1460000000000000001";

/// A post the fake holds.
#[derive(Clone, Debug)]
pub struct Post {
    pub id: String,
    /// The text as sent.
    pub sent_text: String,
    /// The text as X gives it back.
    pub text: String,
    pub media_ids: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// An uploaded medium.
#[derive(Clone, Debug, Default)]
pub struct Media {
    pub category: String,
    pub alt: Option<String>,
    /// Chunked uploads: the declared size, the segments received in order, and how many
    /// status checks remain before processing succeeds (`None`: not finalized yet).
    pub total_bytes: usize,
    pub bytes: Vec<u8>,
    pub segments: usize,
    pub processing_checks_left: Option<u32>,
}

impl Media {
    /// Ready to attach: a photo, or a chunked upload finalized and processed.
    pub fn is_ready(&self) -> bool {
        self.category == "tweet_image" || self.processing_checks_left == Some(0)
    }
}

/// OAuth 1.0a values of the app and account.
#[derive(Clone, Debug)]
pub struct UserKeys {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub access_token: String,
    pub access_token_secret: String,
}

/// The fake's state.
#[derive(Debug, Default)]
pub struct Api {
    pub client_id: String,
    /// The one refresh token that works now.
    pub refresh_token: String,
    /// Every refresh token presented to the token endpoint, in order.
    pub refreshes: Vec<String>,
    pub access_tokens: BTreeSet<String>,
    pub user_keys: Option<UserKeys>,
    pub media: BTreeMap<String, Media>,
    pub posts: Vec<Post>,
    /// "METHOD /path Bearer|OAuth" of each authorised call.
    pub calls: Vec<String>,
    /// 401 answers given.
    pub unauthorized: u32,
    pub knobs: Knobs,
    /// The next Bearer call finds every access token expired (as two hours later).
    pub expire_tokens_next: bool,
    /// The next media upload answers 503.
    pub media_error_next: bool,
    /// Uploaded media are gone before the next create (as after `expires_after_secs`).
    pub expire_media_next: bool,
    /// When new posts are made (the test's clock, not the machine's).
    pub now: DateTime<Utc>,
    next_id: u64,
    issued: u64,
}

impl Api {
    /// An app with OAuth 2.0 (public client) whose first refresh token is `refresh_token`.
    pub fn new(client_id: &str, refresh_token: &str) -> Shared<Api> {
        Arc::new(Mutex::new(Api {
            client_id: client_id.to_string(),
            refresh_token: refresh_token.to_string(),
            now: "2026-11-23T06:00:31Z".parse().expect("time"),
            next_id: 1_990_000_000_000_000_000,
            ..Default::default()
        }))
    }

    /// An app whose requests are signed with these OAuth 1.0a values.
    pub fn with_user_keys(keys: UserKeys) -> Shared<Api> {
        let api = Api::new("unused-client", "unused-refresh");
        api.lock().expect("state").user_keys = Some(keys);
        api
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    /// A post already on the account (made by hand, or by a run whose record was lost).
    pub fn seed_post(&mut self, text: &str, photos: usize, created_at: &str) -> String {
        let id = self.id();
        let media_ids: Vec<String> = (0..photos).map(|_| self.id()).collect();
        let shown = as_x_shows(text, !media_ids.is_empty());
        let created_at = created_at.parse().expect("time");
        self.posts.push(Post { id: id.clone(), sent_text: text.to_string(), text: shown, media_ids, created_at });
        id
    }
}

fn limits(headers: &mut HeaderMap, remaining: u32) {
    headers.insert("x-rate-limit-limit", "100".parse().expect("header"));
    headers.insert("x-rate-limit-remaining", remaining.to_string().parse().expect("header"));
    headers.insert("x-rate-limit-reset", RATE_LIMIT_RESET.to_string().parse().expect("header"));
}

fn answer(status: StatusCode, body: Value) -> Response {
    let mut headers = HeaderMap::new();
    limits(&mut headers, 99);
    (status, headers, axum::Json(body)).into_response()
}

fn problem(status: StatusCode, title: &str, detail: &str, kind: &str) -> Response {
    let mut headers = HeaderMap::new();
    limits(&mut headers, if status == StatusCode::TOO_MANY_REQUESTS { 0 } else { 99 });
    headers.insert("content-type", "application/problem+json".parse().expect("header"));
    let body = json!({ "title": title, "type": kind, "status": status.as_u16(), "detail": detail });
    (status, headers, body.to_string()).into_response()
}

fn unauthorized(state: &mut Api) -> Response {
    state.unauthorized += 1;
    problem(StatusCode::UNAUTHORIZED, "Unauthorized", "Unauthorized", "about:blank")
}

/// Text as X stores it: each link a t.co link, one more for attached photos.
fn as_x_shows(text: &str, has_media: bool) -> String {
    let mut counter = 0;
    let mut shown: Vec<String> = text
        .split(' ')
        .map(|word| {
            if word.starts_with("https://") || word.starts_with("http://") {
                counter += 1;
                format!("https://t.co/link{counter:05}")
            } else {
                word.to_string()
            }
        })
        .collect();
    if has_media {
        shown.push("https://t.co/photos0001".to_string());
    }
    shown.join(" ")
}

/// RFC 3986 encoding, written here again so the fake does not trust the adapter's.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(byte).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn decode(text: &str) -> String {
    form_pairs(&format!("v={}", text.replace('+', "%2B"))).pop().map(|(_, value)| value).unwrap_or_default()
}

/// Checks a request's credentials: the 401 to send when they are refused.
fn refusal(state: &mut Api, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<Response> {
    let header = headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
    let kind = if let Some(token) = header.strip_prefix("Bearer ") {
        if std::mem::take(&mut state.expire_tokens_next) {
            state.access_tokens.clear();
        }
        if !state.access_tokens.contains(token) {
            return Some(unauthorized(state));
        }
        "Bearer"
    } else if let Some(fields) = header.strip_prefix("OAuth ") {
        if !signature_is_valid(state, method, uri, headers, fields) {
            return Some(unauthorized(state));
        }
        "OAuth"
    } else {
        return Some(unauthorized(state));
    };
    state.calls.push(format!("{method} {} {kind}", uri.path()));
    None
}

fn signature_is_valid(state: &Api, method: &Method, uri: &Uri, headers: &HeaderMap, fields: &str) -> bool {
    let Some(keys) = &state.user_keys else { return false };
    let mut oauth: BTreeMap<String, String> = BTreeMap::new();
    for field in fields.split(',') {
        let Some((name, value)) = field.trim().split_once('=') else { return false };
        oauth.insert(decode(name), decode(value.trim_matches('"')));
    }
    let timestamp: i64 = oauth.get("oauth_timestamp").and_then(|t| t.parse().ok()).unwrap_or_default();
    if oauth.get("oauth_consumer_key") != Some(&keys.consumer_key)
        || oauth.get("oauth_token") != Some(&keys.access_token)
        || oauth.get("oauth_signature_method").map(String::as_str) != Some("HMAC-SHA1")
        || (Utc::now().timestamp() - timestamp).abs() > 300
    {
        return false;
    }
    let Some(signature) = oauth.remove("oauth_signature") else { return false };
    let mut parameters: Vec<(String, String)> = oauth.into_iter().collect();
    parameters.extend(form_pairs(uri.query().unwrap_or_default()));
    let encoded: Vec<String> = {
        let mut pairs: Vec<(String, String)> =
            parameters.iter().map(|(name, value)| (encode(name), encode(value))).collect();
        pairs.sort();
        pairs.into_iter().map(|(name, value)| format!("{name}={value}")).collect()
    };
    let host = headers.get("host").and_then(|value| value.to_str().ok()).unwrap_or_default();
    let base = format!("{method}&{}&{}", encode(&format!("http://{host}{}", uri.path())), encode(&encoded.join("&")));
    let key = format!("{}&{}", encode(&keys.consumer_secret), encode(&keys.access_token_secret));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).expect("key");
    mac.update(base.as_bytes());
    Base64::encode_string(&mac.finalize().into_bytes()) == signature
}

/// The fake's routes.
pub fn app(state: Shared<Api>) -> Router {
    Router::new()
        .route("/2/oauth2/token", post(token))
        .route("/2/media/upload", post(upload).get(upload_status))
        .route("/2/media/upload/initialize", post(initialize))
        .route("/2/media/upload/{id}/append", post(append))
        .route("/2/media/upload/{id}/finalize", post(finalize))
        .route("/2/media/metadata", post(metadata))
        .route("/2/tweets", post(create))
        .route("/2/users/me", get(me))
        .route("/2/users/{id}/tweets", get(posts))
        .with_state(state)
}

async fn token(State(state): State<Shared<Api>>, body: String) -> Response {
    let mut state = state.lock().expect("state");
    let form: BTreeMap<String, String> = form_pairs(&body).into_iter().collect();
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    if field("grant_type") != "refresh_token" || field("client_id") != state.client_id {
        let body =
            json!({ "error": "invalid_request", "error_description": "Missing required parameter [client_id]." });
        return answer(StatusCode::BAD_REQUEST, body);
    }
    state.refreshes.push(field("refresh_token"));
    if field("refresh_token") != state.refresh_token {
        let body =
            json!({ "error": "invalid_request", "error_description": "Value passed for the token was invalid." });
        return answer(StatusCode::BAD_REQUEST, body);
    }
    state.issued += 1;
    let access_token = format!("canary-x-access-{:04}", state.issued);
    state.refresh_token = format!("canary-x-rotated-refresh-{:04}", state.issued);
    state.access_tokens.insert(access_token.clone());
    answer(
        StatusCode::OK,
        json!({ "token_type": "bearer", "expires_in": 7200, "access_token": access_token,
                "scope": "tweet.write users.read tweet.read media.write offline.access", "refresh_token": state.refresh_token }),
    )
}

async fn upload(
    State(state): State<Shared<Api>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = refusal(&mut state, &method, &uri, &headers) {
        return refused;
    }
    if std::mem::take(&mut state.media_error_next) {
        return problem(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable", "Service Unavailable", "about:blank");
    }
    let content_type = headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    let category = text
        .split("name=\"media_category\"\r\n\r\n")
        .nth(1)
        .and_then(|rest| rest.split("\r\n--").next())
        .unwrap_or_default()
        .to_string();
    if !content_type.starts_with("multipart/form-data") || !text.contains("name=\"media\"") || category != "tweet_image"
    {
        return problem(
            StatusCode::BAD_REQUEST,
            "Invalid Request",
            "One or more parameters to your request was invalid.",
            "https://api.twitter.com/2/problems/invalid-request",
        );
    }
    let id = state.id();
    state.media.insert(id.clone(), Media { category, ..Media::default() });
    answer(
        StatusCode::OK,
        json!({ "data": { "id": id, "media_key": format!("3_{id}"), "size": body.len(), "expires_after_secs": 86400,
                          "image": { "image_type": "image/jpeg", "w": 1200, "h": 800 } } }),
    )
}

async fn metadata(
    State(state): State<Shared<Api>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = refusal(&mut state, &method, &uri, &headers) {
        return refused;
    }
    let request: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let id = request["id"].as_str().unwrap_or_default().to_string();
    let alt = request["metadata"]["alt_text"]["text"].as_str().map(str::to_string);
    match (state.media.get_mut(&id), alt) {
        (Some(media), Some(alt)) if alt.chars().count() <= 1000 => {
            media.alt = Some(alt);
            answer(StatusCode::OK, json!({ "data": { "associated_metadata": true, "id": id } }))
        }
        _ => problem(
            StatusCode::BAD_REQUEST,
            "Invalid Request",
            "One or more parameters to your request was invalid.",
            "https://api.twitter.com/2/problems/invalid-request",
        ),
    }
}

async fn create(
    State(shared): State<Shared<Api>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut state = shared.lock().expect("state");
    if let Some(refused) = refusal(&mut state, &method, &uri, &headers) {
        return refused;
    }
    if std::mem::take(&mut state.knobs.rate_limit_next) {
        return problem(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests", "Too Many Requests", "about:blank");
    }
    let request: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let text = request["text"].as_str().unwrap_or_default().to_string();
    let media_ids: Vec<String> = request["media"]["media_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|id| id.as_str().map(str::to_string))
        .collect();
    if std::mem::take(&mut state.expire_media_next) {
        state.media.clear();
    }
    if media_ids.len() > 4 || media_ids.iter().any(|id| !state.media.get(id).is_some_and(Media::is_ready)) {
        let body = json!({ "errors": [{ "parameters": { "media.media_ids": media_ids }, "message": "Your media IDs are invalid." }],
                           "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
                           "type": "https://api.twitter.com/2/problems/invalid-request" });
        let mut headers = HeaderMap::new();
        limits(&mut headers, 99);
        return (StatusCode::BAD_REQUEST, headers, body.to_string()).into_response();
    }
    if text.is_empty() || text.chars().count() > 280 {
        return problem(
            StatusCode::BAD_REQUEST,
            "Invalid Request",
            "One or more parameters to your request was invalid.",
            "https://api.twitter.com/2/problems/invalid-request",
        );
    }
    if state.posts.iter().any(|post| post.sent_text == text) {
        return problem(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "You are not allowed to create a Tweet with duplicate content.",
            "about:blank",
        );
    }
    let id = state.id();
    let shown = as_x_shows(&text, !media_ids.is_empty());
    let created_at = state.now;
    state.posts.push(Post { id: id.clone(), sent_text: text, text: shown.clone(), media_ids, created_at });
    if std::mem::take(&mut state.knobs.fail_after_commit) {
        return problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            "Internal Server Error",
            "about:blank",
        );
    }
    answer(StatusCode::CREATED, json!({ "data": { "id": id, "text": shown, "edit_history_tweet_ids": [id] } }))
}

async fn me(State(state): State<Shared<Api>>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = refusal(&mut state, &method, &uri, &headers) {
        return refused;
    }
    answer(
        StatusCode::OK,
        json!({ "data": { "id": USER_ID, "name": "KPU Kabupaten Contoh", "username": "kpukabcontoh" } }),
    )
}

async fn posts(
    State(state): State<Shared<Api>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(user): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = refusal(&mut state, &method, &uri, &headers) {
        return refused;
    }
    let query: BTreeMap<String, String> = form_pairs(&query.unwrap_or_default()).into_iter().collect();
    let max_results = query.get("max_results").and_then(|value| value.parse::<usize>().ok()).unwrap_or(10);
    let start_time = match query.get("start_time").map(|value| value.parse::<DateTime<Utc>>()) {
        None => None,
        Some(Ok(at)) => Some(at),
        Some(Err(_)) => {
            return problem(StatusCode::BAD_REQUEST, "Invalid Request", "Invalid start_time", "about:blank");
        }
    };
    if user != USER_ID || !(5..=100).contains(&max_results) {
        return problem(StatusCode::BAD_REQUEST, "Invalid Request", "Invalid user or max_results", "about:blank");
    }
    let skip = query.get("pagination_token").and_then(|value| value.parse::<usize>().ok()).unwrap_or(0);
    let matching: Vec<&Post> =
        state.posts.iter().rev().filter(|post| start_time.is_none_or(|since| post.created_at >= since)).collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(max_results)
        .map(|post| {
            let escaped = post.text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            json!({ "id": post.id, "text": escaped, "edit_history_tweet_ids": [post.id] })
        })
        .collect();
    if page.is_empty() {
        return answer(StatusCode::OK, json!({ "meta": { "result_count": 0 } }));
    }
    let mut meta =
        json!({ "result_count": page.len(), "newest_id": page[0]["id"], "oldest_id": page[page.len() - 1]["id"] });
    if matching.len() > skip + max_results {
        meta["next_token"] = json!((skip + max_results).to_string());
    }
    answer(StatusCode::OK, json!({ "data": page, "meta": meta }))
}

fn invalid_request(detail: &str) -> Response {
    problem(StatusCode::BAD_REQUEST, "Invalid Request", detail, "https://api.twitter.com/2/problems/invalid-request")
}

fn processing_info(media: &Media) -> Value {
    match media.processing_checks_left {
        Some(0) => json!({ "state": "succeeded", "progress_percent": 100 }),
        Some(_) if media.segments == 0 => json!({ "state": "pending", "check_after_secs": 1 }),
        _ => json!({ "state": "in_progress", "check_after_secs": 1, "progress_percent": 40 }),
    }
}

async fn initialize(
    State(state): State<Shared<Api>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = refusal(&mut state, &method, &uri, &headers) {
        return refused;
    }
    let request: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let category = request["media_category"].as_str().unwrap_or_default().to_string();
    let total_bytes = request["total_bytes"].as_u64().unwrap_or(0) as usize;
    let media_type = request["media_type"].as_str().unwrap_or_default();
    if !matches!(category.as_str(), "tweet_video" | "tweet_gif") || total_bytes == 0 || media_type.is_empty() {
        return invalid_request("media_category, media_type and total_bytes are required");
    }
    if total_bytes > 512 * 1000 * 1000 {
        return invalid_request("File size exceeds 536870912 bytes.");
    }
    let id = state.id();
    state.media.insert(id.clone(), Media { category, total_bytes, ..Default::default() });
    answer(StatusCode::OK, json!({ "data": { "id": id, "media_key": format!("7_{id}"), "expires_after_secs": 86400 } }))
}

async fn append(
    State(state): State<Shared<Api>>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = refusal(&mut state, &method, &uri, &headers) {
        return refused;
    }
    let Some((index, bytes)) = segment_of(&headers, &body) else {
        return invalid_request("A multipart `media` part and a `segment_index` are required");
    };
    let Some(media) = state.media.get_mut(&id).filter(|media| media.processing_checks_left.is_none()) else {
        return invalid_request("The media id is unknown or already finalized");
    };
    if index != media.segments {
        return invalid_request("Segments must be appended in order");
    }
    media.segments += 1;
    media.bytes.extend_from_slice(&bytes);
    (StatusCode::OK, "").into_response()
}

/// A multipart body's `segment_index` and `media` bytes.
fn segment_of(headers: &HeaderMap, body: &[u8]) -> Option<(usize, Vec<u8>)> {
    let content_type = headers.get("content-type")?.to_str().ok()?;
    let boundary = format!("--{}", content_type.split("boundary=").nth(1)?.trim_matches('"'));
    let mut index = None;
    let mut media = None;
    let boundary = boundary.as_bytes();
    let mut rest = body;
    while let Some(start) = find(rest, boundary) {
        rest = &rest[start + boundary.len()..];
        let end = find(rest, boundary).unwrap_or(rest.len());
        let part = &rest[..end];
        // The closing `--boundary--` leaves a tail with no headers.
        let Some(split) = find(part, b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&part[..split]);
        let content = part[split + 4..].strip_suffix(b"\r\n").unwrap_or(&part[split + 4..]);
        if head.contains("name=\"segment_index\"") {
            index = String::from_utf8_lossy(content).trim().parse().ok();
        } else if head.contains("name=\"media\"") {
            media = Some(content.to_vec());
        }
    }
    Some((index?, media?))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

async fn finalize(
    State(state): State<Shared<Api>>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = refusal(&mut state, &method, &uri, &headers) {
        return refused;
    }
    let Some(media) = state.media.get_mut(&id) else {
        return invalid_request("The media id is unknown");
    };
    if media.bytes.len() != media.total_bytes {
        return invalid_request("File size does not match the total_bytes given at initialize");
    }
    media.processing_checks_left.get_or_insert(2);
    let info = processing_info(media);
    answer(StatusCode::OK, json!({ "data": { "id": id, "media_key": format!("7_{id}"), "processing_info": info } }))
}

async fn upload_status(
    State(state): State<Shared<Api>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let mut state = state.lock().expect("state");
    if let Some(refused) = refusal(&mut state, &method, &uri, &headers) {
        return refused;
    }
    let query: BTreeMap<String, String> = form_pairs(query.as_deref().unwrap_or_default()).into_iter().collect();
    if query.get("command").map(String::as_str) != Some("STATUS") {
        return invalid_request("command must be STATUS");
    }
    let id = query.get("media_id").cloned().unwrap_or_default();
    let Some(media) = state.media.get_mut(&id).filter(|media| media.processing_checks_left.is_some()) else {
        return invalid_request("The media id is unknown or not finalized");
    };
    if let Some(left) = media.processing_checks_left.as_mut() {
        *left = left.saturating_sub(1);
    }
    let info = processing_info(media);
    answer(StatusCode::OK, json!({ "data": { "id": id, "media_key": format!("7_{id}"), "processing_info": info } }))
}
