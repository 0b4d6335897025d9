//! A fake Facebook Page on the Graph API: `POST /{page}/photos` (multipart `source` or `url`;
//! `published=false` keeps the photo unpublished, otherwise it becomes a post and the answer
//! is `{id, post_id}`), `POST /{page}/feed` (`message`, `attached_media[i]` JSON strings
//! naming unpublished photos, `fields=id,permalink_url` read after write), `GET
//! /{page}/published_posts`, `GET /{id}`. Photos over the size limit or not images get
//! subcode 1366046; a repeated message gets `(#506) Duplicate status message`. Knobs: a
//! throttle (code 80001 with `estimated_time_to_regain_access`), an expired token (190/463),
//! and "500 but committed" (code 2, the post exists).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::meta::{self, Params};
use super::{Knobs, Shared};

/// A photo on the Page.
#[derive(Clone, Debug)]
pub struct Photo {
    pub id: String,
    pub bytes: usize,
    pub is_published: bool,
    pub attached_to: Option<String>,
}

/// A post on the Page.
#[derive(Clone, Debug)]
pub struct PagePost {
    pub id: String,
    pub message: String,
    pub photo_ids: Vec<String>,
    pub created_time: String,
}

/// The fake Page.
#[derive(Debug)]
pub struct Page {
    pub page_id: String,
    pub token: String,
    pub is_token_expired: bool,
    pub photos: Vec<Photo>,
    pub posts: Vec<PagePost>,
    /// Largest photo accepted (Facebook: 4 MB).
    pub max_photo_bytes: usize,
    /// `estimated_time_to_regain_access` when throttled.
    pub regain_minutes: u32,
    /// The time new posts get.
    pub clock: String,
    pub calls: u32,
    pub knobs: Knobs,
    next_id: u64,
}

impl Page {
    pub fn new(page_id: &str, token: &str) -> Shared<Page> {
        Arc::new(Mutex::new(Page {
            page_id: page_id.to_string(),
            token: token.to_string(),
            is_token_expired: false,
            photos: Vec::new(),
            posts: Vec::new(),
            max_photo_bytes: 4 * 1024 * 1024,
            regain_minutes: 17,
            clock: "2026-11-23T06:00:31+0000".to_string(),
            calls: 0,
            knobs: Knobs::default(),
            next_id: 122_100_000_000_000_000,
        }))
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    fn usage(&self, regain: u32) -> (&'static str, HeaderValue) {
        meta::usage_header(&self.page_id, "pages", if regain > 0 { 100 } else { self.calls.min(99) }, regain)
    }

    fn post_json(&self, post: &PagePost) -> Value {
        let (_, number) = post.id.split_once('_').unwrap_or(("", &post.id));
        json!({ "id": post.id, "message": post.message, "created_time": post.created_time,
                "permalink_url": format!("https://www.facebook.com/{}/posts/{number}", self.page_id) })
    }

    /// Checks made before any call: the token and the node.
    fn refuse(&mut self, headers: &HeaderMap, params: &Params, node: &str) -> Option<Response> {
        self.calls += 1;
        let usage = self.usage(0);
        if let Some(refused) =
            meta::refuse_token(|| usage.clone(), params.token(headers), &self.token, self.is_token_expired)
        {
            return Some(refused);
        }
        (node != self.page_id).then(|| {
            meta::error(
                self.usage(0),
                StatusCode::BAD_REQUEST,
                100,
                Some(33),
                &format!("Unsupported post request. Object with ID '{node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."),
            )
        })
    }

    /// A create answered with a throttle, when the knob says so.
    fn throttle(&mut self) -> Option<Response> {
        std::mem::take(&mut self.knobs.rate_limit_next).then(|| {
            meta::error(
                self.usage(self.regain_minutes),
                StatusCode::BAD_REQUEST,
                80001,
                None,
                "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
            )
        })
    }

    /// Makes a post; "500 but committed" when the knob says so.
    fn commit(
        &mut self,
        message: String,
        photo_ids: Vec<String>,
        answer: impl FnOnce(&Page, &PagePost) -> Value,
    ) -> Response {
        if self.posts.iter().any(|post| post.message == message && !message.is_empty()) {
            return meta::error(self.usage(0), StatusCode::BAD_REQUEST, 506, None, "(#506) Duplicate status message");
        }
        let number = self.id();
        let id = format!("{}_{number}", self.page_id);
        for photo in self.photos.iter_mut().filter(|photo| photo_ids.contains(&photo.id)) {
            photo.attached_to = Some(id.clone());
        }
        let post = PagePost { id, message, photo_ids, created_time: self.clock.clone() };
        self.posts.push(post.clone());
        if std::mem::take(&mut self.knobs.fail_after_commit) {
            return meta::transient(self.usage(0));
        }
        meta::answer(self.usage(0), StatusCode::OK, answer(self, &post))
    }
}

/// The fake's routes.
pub fn app(state: Shared<Page>) -> Router {
    let prefix = format!("/{}", meta::VERSION);
    Router::new()
        .route(&format!("{prefix}/{{node}}/photos"), post(photos))
        .route(&format!("{prefix}/{{node}}/feed"), post(feed))
        .route(&format!("{prefix}/{{node}}/published_posts"), get(published_posts))
        .route(&format!("{prefix}/{{node}}"), get(node))
        .with_state(state)
}

async fn photos(
    State(shared): State<Shared<Page>>,
    Path(node): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    super::latency(|| shared.lock().expect("state").knobs.latency_ms).await;
    let params = Params::read(&headers, query.as_deref(), &body);
    let mut page = shared.lock().expect("state");
    if let Some(refused) = page.refuse(&headers, &params, &node) {
        return refused;
    }
    if let Some(throttled) = page.throttle() {
        return throttled;
    }
    let bytes = match (params.file("source"), params.get("url")) {
        (Some(file), _) => {
            let is_image = file.bytes.starts_with(&[0xFF, 0xD8, 0xFF]) || file.bytes.starts_with(b"\x89PNG");
            if !is_image || file.bytes.len() > page.max_photo_bytes {
                return meta::error(
                    page.usage(0),
                    StatusCode::BAD_REQUEST,
                    100,
                    Some(1366046),
                    "Your photos couldn't be uploaded. Photos should be less than 4 MB and saved as JPG, PNG, GIF, TIFF, HEIF or WebP files.",
                );
            }
            file.bytes.len()
        }
        (None, Some(url)) if url.starts_with("http") => 0,
        _ => return meta::error(page.usage(0), StatusCode::BAD_REQUEST, 324, None, "(#324) Requires upload file"),
    };
    let id = page.id();
    let is_published = params.get("published") != Some("false");
    page.photos.push(Photo { id: id.clone(), bytes, is_published, attached_to: None });
    if !is_published {
        return meta::answer(page.usage(0), StatusCode::OK, json!({ "id": id }));
    }
    let message = params.get("message").or(params.get("caption")).unwrap_or_default().to_string();
    page.commit(message, vec![id.clone()], |_, post| json!({ "id": id, "post_id": post.id }))
}

async fn feed(
    State(shared): State<Shared<Page>>,
    Path(node): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    super::latency(|| shared.lock().expect("state").knobs.latency_ms).await;
    let params = Params::read(&headers, query.as_deref(), &body);
    let mut page = shared.lock().expect("state");
    if let Some(refused) = page.refuse(&headers, &params, &node) {
        return refused;
    }
    if let Some(throttled) = page.throttle() {
        return throttled;
    }
    let mut photo_ids = Vec::new();
    for index in 0.. {
        let Some(attached) = params.get(&format!("attached_media[{index}]")) else { break };
        let id = serde_json::from_str::<Value>(attached)
            .ok()
            .and_then(|value| value["media_fbid"].as_str().map(str::to_string));
        let usable = id.as_ref().is_some_and(|id| {
            page.photos.iter().any(|photo| &photo.id == id && !photo.is_published && photo.attached_to.is_none())
        });
        match id {
            Some(id) if usable => photo_ids.push(id),
            _ => {
                return meta::error(
                    page.usage(0),
                    StatusCode::BAD_REQUEST,
                    100,
                    None,
                    &format!(
                        "(#100) param attached_media[{index}] must be a JSON object with an unpublished photo's media_fbid"
                    ),
                );
            }
        }
    }
    let message = params.get("message").unwrap_or_default().to_string();
    if message.is_empty() && photo_ids.is_empty() && params.get("link").is_none() {
        return meta::error(page.usage(0), StatusCode::BAD_REQUEST, 100, None, "(#100) Missing message or attachment");
    }
    let fields = params.fields();
    page.commit(message, photo_ids, |page, post| meta::only_fields(page.post_json(post), &fields))
}

async fn published_posts(
    State(shared): State<Shared<Page>>,
    Path(node): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::read(&headers, query.as_deref(), &[]);
    let mut page = shared.lock().expect("state");
    if let Some(refused) = page.refuse(&headers, &params, &node) {
        return refused;
    }
    let limit = params.get("limit").and_then(|limit| limit.parse().ok()).unwrap_or(25);
    let fields = params.fields();
    let data: Vec<Value> =
        page.posts.iter().rev().take(limit).map(|post| meta::only_fields(page.post_json(post), &fields)).collect();
    meta::answer(
        page.usage(0),
        StatusCode::OK,
        json!({ "data": data, "paging": { "cursors": { "before": "QVFIUjEx", "after": "QVFIUjk5" } } }),
    )
}

async fn node(
    State(shared): State<Shared<Page>>,
    Path(node): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::read(&headers, query.as_deref(), &[]);
    let mut page = shared.lock().expect("state");
    let page_id = page.page_id.clone();
    if let Some(refused) = page.refuse(&headers, &params, &page_id) {
        return refused;
    }
    if let Some(post) = page.posts.iter().find(|post| post.id == node) {
        return meta::answer(page.usage(0), StatusCode::OK, meta::only_fields(page.post_json(post), &params.fields()));
    }
    if page.photos.iter().any(|photo| photo.id == node) {
        return meta::answer(page.usage(0), StatusCode::OK, json!({ "id": node }));
    }
    meta::error(
        page.usage(0),
        StatusCode::BAD_REQUEST,
        100,
        Some(33),
        &format!(
            "Unsupported get request. Object with ID '{node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )
}
