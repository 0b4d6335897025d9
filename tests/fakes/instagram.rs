//! A fake Instagram professional account on the Graph API. `POST /{ig}/media` makes a
//! container: for a photo it really fetches `image_url` over HTTP (400 code 9004 subcode
//! 2207052 when that fails, subcode 2207005 when it is not a JPEG); for `media_type=CAROUSEL`
//! it checks 2–10 `children`, each a finished `is_carousel_item` container of this account.
//! `GET /{container}?fields=status_code,status` walks IN_PROGRESS (for `processing_polls`
//! reads) to FINISHED, or to an injected ERROR or EXPIRED. `POST /{ig}/media_publish` refuses
//! a container that is not FINISHED (9007/2207027) or over the quota (9/2207042); a published
//! container reports PUBLISHED. Also `GET /{ig}/media`, `GET /{media}?fields=permalink` and
//! `GET /{ig}/content_publishing_limit`. Knobs: throttle (80002), expired token (190/463),
//! "500 but committed" on `media_publish`.

use std::collections::BTreeMap;
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

/// How a container ends when not FINISHED.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Error,
    Expired,
}

/// A media container.
#[derive(Clone, Debug)]
pub struct Container {
    pub id: String,
    pub image_url: Option<String>,
    pub alt_text: Option<String>,
    pub caption: String,
    pub is_carousel_item: bool,
    pub children: Vec<String>,
    pub polls_left: u32,
    pub fate: Option<Fate>,
    pub is_published: bool,
}

/// A published post.
#[derive(Clone, Debug)]
pub struct Media {
    pub id: String,
    pub caption: String,
    /// The photos' URLs, in order.
    pub image_urls: Vec<String>,
    pub alt_texts: Vec<String>,
    pub permalink: String,
    pub timestamp: String,
    pub container: String,
}

/// The fake account.
#[derive(Debug)]
pub struct Account {
    pub ig_user_id: String,
    pub token: String,
    pub is_token_expired: bool,
    pub containers: BTreeMap<String, Container>,
    pub media: Vec<Media>,
    pub quota_usage: u64,
    pub quota_total: u64,
    /// Status reads a new container stays IN_PROGRESS.
    pub processing_polls: u32,
    /// How the next publishable container ends.
    pub next_fate: Option<Fate>,
    /// Every `image_url` fetched, and whether it worked.
    pub fetches: Vec<(String, bool)>,
    pub regain_minutes: u32,
    pub clock: String,
    pub knobs: Knobs,
    next_id: u64,
}

impl Account {
    pub fn new(ig_user_id: &str, token: &str) -> Shared<Account> {
        Arc::new(Mutex::new(Account {
            ig_user_id: ig_user_id.to_string(),
            token: token.to_string(),
            is_token_expired: false,
            containers: BTreeMap::new(),
            media: Vec::new(),
            quota_usage: 3,
            quota_total: 100,
            processing_polls: 2,
            next_fate: None,
            fetches: Vec::new(),
            regain_minutes: 17,
            clock: "2026-11-23T06:00:31+0000".to_string(),
            knobs: Knobs::default(),
            next_id: 17_900_000_000_000_000,
        }))
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    fn usage(&self, regain: u32) -> (&'static str, HeaderValue) {
        meta::usage_header(&self.ig_user_id, "instagram", if regain > 0 { 100 } else { 4 }, regain)
    }

    fn bad(&self, code: i64, subcode: Option<i64>, message: &str) -> Response {
        meta::error(self.usage(0), StatusCode::BAD_REQUEST, code, subcode, message)
    }

    fn refuse(&self, headers: &HeaderMap, params: &Params, node: &str) -> Option<Response> {
        let usage = self.usage(0);
        if let Some(refused) =
            meta::refuse_token(|| usage.clone(), params.token(headers), &self.token, self.is_token_expired)
        {
            return Some(refused);
        }
        (node != self.ig_user_id)
            .then(|| self.bad(100, Some(33), &format!("Unsupported request. Object with ID '{node}' does not exist")))
    }

    fn state_of(container: &Container) -> &'static str {
        match (container.is_published, container.polls_left, container.fate) {
            (true, _, _) => "PUBLISHED",
            (false, 1.., _) => "IN_PROGRESS",
            (false, 0, Some(Fate::Error)) => "ERROR",
            (false, 0, Some(Fate::Expired)) => "EXPIRED",
            (false, 0, None) => "FINISHED",
        }
    }

    fn media_json(media: &Media) -> Value {
        json!({ "id": media.id, "caption": media.caption, "timestamp": media.timestamp, "permalink": media.permalink,
                "media_type": if media.image_urls.len() > 1 { "CAROUSEL_ALBUM" } else { "IMAGE" } })
    }
}

/// The fake's routes.
pub fn app(state: Shared<Account>) -> Router {
    let prefix = format!("/{}", meta::VERSION);
    Router::new()
        .route(&format!("{prefix}/{{node}}/media"), post(create_container).get(list_media))
        .route(&format!("{prefix}/{{node}}/media_publish"), post(publish))
        .route(&format!("{prefix}/{{node}}/content_publishing_limit"), get(publishing_limit))
        .route(&format!("{prefix}/{{node}}"), get(node))
        .with_state(state)
}

/// Fetches a photo as Instagram's servers would: Err with why not.
async fn fetch(url: &str) -> Result<(), Response> {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().expect("client");
    let response = client.get(url).send().await.ok().filter(|response| response.status().is_success());
    let Some(response) = response else {
        return Err(meta::error(
            meta::usage_header("0", "instagram", 4, 0),
            StatusCode::BAD_REQUEST,
            9004,
            Some(2207052),
            "Media download has failed. The media URI doesn't meet our requirements.",
        ));
    };
    let bytes = response.bytes().await.unwrap_or_default();
    if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Err(meta::error(
            meta::usage_header("0", "instagram", 4, 0),
            StatusCode::BAD_REQUEST,
            9004,
            Some(2207005),
            "The image format is not supported. Only JPEG images can be published.",
        ));
    }
    Ok(())
}

async fn create_container(
    State(shared): State<Shared<Account>>,
    Path(node): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    super::latency(|| shared.lock().expect("state").knobs.latency_ms).await;
    let params = Params::read(&headers, query.as_deref(), &body);
    let image_url = {
        let mut account = shared.lock().expect("state");
        if let Some(refused) = account.refuse(&headers, &params, &node) {
            return refused;
        }
        if std::mem::take(&mut account.knobs.rate_limit_next) {
            return meta::error(
                account.usage(account.regain_minutes),
                StatusCode::BAD_REQUEST,
                80002,
                None,
                "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
            );
        }
        if params.get("caption").is_some_and(|caption| caption.chars().count() > 2200) {
            return account.bad(100, Some(2207004), "The caption is longer than 2,200 characters.");
        }
        params.get("image_url").map(str::to_string)
    };
    if params.get("media_type") == Some("CAROUSEL") {
        return create_carousel(&shared, &params);
    }
    if params.get("media_type").is_some_and(|kind| kind != "IMAGE") || params.get("video_url").is_some() {
        return shared.lock().expect("state").bad(100, None, "(#100) Only photo containers are modelled by this fake");
    }
    let Some(image_url) = image_url.filter(|url| url.starts_with("http://") || url.starts_with("https://")) else {
        return shared.lock().expect("state").bad(
            9004,
            Some(2207052),
            "(#9004) image_url must be an absolute http(s) URL",
        );
    };
    let fetched = fetch(&image_url).await;
    let mut account = shared.lock().expect("state");
    account.fetches.push((image_url.clone(), fetched.is_ok()));
    if let Err(refused) = fetched {
        return refused;
    }
    let is_carousel_item = params.get("is_carousel_item") == Some("true");
    let id = account.id();
    let (polls_left, fate) =
        if is_carousel_item { (0, None) } else { (account.processing_polls, account.next_fate.take()) };
    let container = Container {
        id: id.clone(),
        image_url: Some(image_url),
        alt_text: params.get("alt_text").map(str::to_string),
        caption: params.get("caption").unwrap_or_default().to_string(),
        is_carousel_item,
        children: Vec::new(),
        polls_left,
        fate,
        is_published: false,
    };
    account.containers.insert(id.clone(), container);
    meta::answer(account.usage(0), StatusCode::OK, json!({ "id": id }))
}

fn create_carousel(shared: &Shared<Account>, params: &Params) -> Response {
    let mut account = shared.lock().expect("state");
    let children: Vec<String> =
        params.get("children").unwrap_or_default().split(',').filter(|id| !id.is_empty()).map(str::to_string).collect();
    if !(2..=10).contains(&children.len()) {
        return account.bad(100, None, "(#100) A carousel needs between 2 and 10 children");
    }
    for child in &children {
        let usable = account.containers.get(child).is_some_and(|container| {
            container.is_carousel_item && !container.is_published && Account::state_of(container) == "FINISHED"
        });
        if !usable {
            return account.bad(
                100,
                None,
                &format!("(#100) children: {child} is not a finished carousel item of this account"),
            );
        }
    }
    let id = account.id();
    let (polls_left, fate) = (account.processing_polls, account.next_fate.take());
    let container = Container {
        id: id.clone(),
        image_url: None,
        alt_text: None,
        caption: params.get("caption").unwrap_or_default().to_string(),
        is_carousel_item: false,
        children,
        polls_left,
        fate,
        is_published: false,
    };
    account.containers.insert(id.clone(), container);
    meta::answer(account.usage(0), StatusCode::OK, json!({ "id": id }))
}

async fn publish(
    State(shared): State<Shared<Account>>,
    Path(node): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    super::latency(|| shared.lock().expect("state").knobs.latency_ms).await;
    let params = Params::read(&headers, query.as_deref(), &body);
    let mut account = shared.lock().expect("state");
    if let Some(refused) = account.refuse(&headers, &params, &node) {
        return refused;
    }
    let creation_id = params.get("creation_id").unwrap_or_default().to_string();
    let Some(container) = account.containers.get(&creation_id).cloned().filter(|container| !container.is_carousel_item)
    else {
        return account.bad(100, None, &format!("(#100) creation_id {creation_id} is not a container of this account"));
    };
    if Account::state_of(&container) != "FINISHED" {
        return account.bad(9007, Some(2207027), "Media ID is not available: the media is not ready for publishing");
    }
    if account.quota_usage >= account.quota_total {
        return account.bad(
            9,
            Some(2207042),
            "Application request limit reached: the publishing limit for 24 hours is reached",
        );
    }
    let parts: Vec<Container> = if container.children.is_empty() {
        vec![container.clone()]
    } else {
        container.children.iter().filter_map(|child| account.containers.get(child).cloned()).collect()
    };
    let id = account.id();
    let media = Media {
        permalink: format!("https://www.instagram.com/p/DKpu{}x/", &id[id.len() - 6..]),
        id: id.clone(),
        caption: container.caption.clone(),
        image_urls: parts.iter().filter_map(|part| part.image_url.clone()).collect(),
        alt_texts: parts.iter().map(|part| part.alt_text.clone().unwrap_or_default()).collect(),
        timestamp: account.clock.clone(),
        container: creation_id.clone(),
    };
    account.media.push(media);
    account.quota_usage += 1;
    for part in std::iter::once(&creation_id).chain(&container.children) {
        if let Some(stored) = account.containers.get_mut(part) {
            stored.is_published = true;
        }
    }
    if std::mem::take(&mut account.knobs.fail_after_commit) {
        return meta::transient(account.usage(0));
    }
    meta::answer(account.usage(0), StatusCode::OK, json!({ "id": id }))
}

async fn list_media(
    State(shared): State<Shared<Account>>,
    Path(node): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::read(&headers, query.as_deref(), &[]);
    let account = shared.lock().expect("state");
    if let Some(refused) = account.refuse(&headers, &params, &node) {
        return refused;
    }
    let limit = params.get("limit").and_then(|limit| limit.parse().ok()).unwrap_or(25);
    let fields = params.fields();
    let data: Vec<Value> = account
        .media
        .iter()
        .rev()
        .take(limit)
        .map(|media| meta::only_fields(Account::media_json(media), &fields))
        .collect();
    meta::answer(account.usage(0), StatusCode::OK, json!({ "data": data }))
}

async fn publishing_limit(
    State(shared): State<Shared<Account>>,
    Path(node): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::read(&headers, query.as_deref(), &[]);
    let account = shared.lock().expect("state");
    if let Some(refused) = account.refuse(&headers, &params, &node) {
        return refused;
    }
    let limit = json!({ "quota_usage": account.quota_usage, "config": { "quota_total": account.quota_total, "quota_duration": 86400 } });
    meta::answer(account.usage(0), StatusCode::OK, json!({ "data": [limit] }))
}

async fn node(
    State(shared): State<Shared<Account>>,
    Path(node): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::read(&headers, query.as_deref(), &[]);
    let mut account = shared.lock().expect("state");
    let ig_user_id = account.ig_user_id.clone();
    if let Some(refused) = account.refuse(&headers, &params, &ig_user_id) {
        return refused;
    }
    let fields = params.fields();
    if let Some(container) = account.containers.get_mut(&node) {
        let state = Account::state_of(container);
        if state == "IN_PROGRESS" {
            container.polls_left -= 1;
        }
        let status = match state {
            "ERROR" => "Error: Media upload has failed with error code 2207001",
            "EXPIRED" => "Expired: the container was not published within 24 hours",
            "FINISHED" | "PUBLISHED" => "Finished: Media has been uploaded and it is ready to be published.",
            _ => "In Progress: Media is still being processed.",
        };
        let answer = meta::only_fields(json!({ "id": node, "status_code": state, "status": status }), &fields);
        return meta::answer(account.usage(0), StatusCode::OK, answer);
    }
    if let Some(media) = account.media.iter().find(|media| media.id == node) {
        return meta::answer(account.usage(0), StatusCode::OK, meta::only_fields(Account::media_json(media), &fields));
    }
    account.bad(100, Some(33), &format!("Unsupported get request. Object with ID '{node}' does not exist"))
}
