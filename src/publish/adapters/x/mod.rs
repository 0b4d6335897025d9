//! X (API v2). A post goes out in three kinds of call:
//! 1. each photo (at most four) to `POST /2/media/upload`, or one video or GIF by the
//!    chunked upload ([`video`]), and alt text to `POST /2/media/metadata`; the media ids
//!    are then recorded in the ledger;
//! 2. `POST /2/tweets` with the text and the media ids, answered **201** with the new id;
//! 3. after an unknown outcome, or a 403 "duplicate content" (a hint the post already went
//!    out, without its id): `GET /2/users/me` and `GET /2/users/{id}/tweets` since the
//!    post's due time, matching the text ([`lookup`]).
//!
//! X has no idempotency key, so a create is never repeated blindly. Credentials are OAuth
//! 1.0a or OAuth 2.0 user context ([`oauth`]); failures are read from X's own
//! signals ([`errors`]).

mod errors;
mod lookup;
mod media;
mod oauth;
mod video;

use std::collections::BTreeMap;

use reqwest::Method;
use reqwest::header::AUTHORIZATION;
use serde_json::{Value, json};

use self::errors::{Call, Problem};
use self::media::Photo;
use self::oauth::Auth;
use crate::config::Target;
use crate::ledger::FailureClass;
use crate::publish::adapter::{Adapter, AttemptError, Journal, Outgoing, Published};
use crate::publish::http;
use crate::publish::token_store::TokenStore;

/// An X account.
pub struct X {
    base: String,
    account: String,
    auth: Auth,
    /// Bytes per segment of a chunked upload.
    segment_bytes: usize,
}

/// One HTTP request, kept as data so it can be sent again after a token is renewed.
struct Request {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Body,
}

enum Body {
    Empty,
    Json(Value),
    /// A photo for `/2/media/upload`, as multipart `media` and `media_category`.
    Photo(Photo),
    /// One segment of a chunked upload, as multipart `media` and `segment_index`.
    Segment {
        /// The segment's bytes.
        bytes: Vec<u8>,
        /// Its place, from 0.
        index: usize,
    },
}

impl X {
    /// From a target: `api_base` (default https://api.x.com), `account` (the username),
    /// the credentials of one auth mode, and `chunk_bytes` for video segments (at most
    /// 5 MB). `tokens` keeps OAuth 2.0's rotating tokens.
    pub fn new(target: &Target, tokens: TokenStore) -> Result<X, String> {
        let base = target
            .api_base
            .clone()
            .unwrap_or_else(|| "https://api.x.com".to_string())
            .trim_end_matches('/')
            .to_string();
        let segment_bytes = super::video::chunk_bytes(&target.credentials, video::SEGMENT_BYTES as u64)?;
        Ok(X {
            auth: Auth::for_target(target, tokens, &base),
            account: target.account.trim_start_matches('@').to_string(),
            base,
            // X takes segments of at most 5 MB.
            segment_bytes: usize::try_from(segment_bytes.min(5_000_000)).unwrap_or(video::SEGMENT_BYTES),
        })
    }

    fn post_url(&self, id: &str) -> String {
        format!("https://x.com/{}/status/{id}", self.account)
    }

    /// Sends a request; after a 401, renews the token once and sends it again (a 401 means
    /// X did nothing with it).
    fn send(
        &self,
        client: &reqwest::blocking::Client,
        request: &Request,
    ) -> Result<reqwest::blocking::Response, AttemptError> {
        let response = self.send_once(client, request)?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED && self.auth.renew_after_unauthorized(client)? {
            return self.send_once(client, request);
        }
        Ok(response)
    }

    fn send_once(
        &self,
        client: &reqwest::blocking::Client,
        request: &Request,
    ) -> Result<reqwest::blocking::Response, AttemptError> {
        let url = format!("{}{}", self.base, request.path);
        let authorization = self.auth.authorization(client, request.method.as_str(), &url, &request.query)?;
        let mut builder = client.request(request.method.clone(), &url).header(AUTHORIZATION, authorization);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(value) => builder.json(value),
            Body::Photo(photo) => builder.multipart(photo.form()?),
            Body::Segment { bytes, index } => builder.multipart(
                reqwest::blocking::multipart::Form::new()
                    .part("media", reqwest::blocking::multipart::Part::bytes(bytes.clone()).file_name("segment"))
                    .text("segment_index", index.to_string()),
            ),
        };
        builder.send().map_err(http::transport)
    }

    fn create_post(
        &self,
        client: &reqwest::blocking::Client,
        outgoing: &Outgoing,
        media_ids: &[String],
    ) -> Result<Published, AttemptError> {
        let mut body = json!({ "text": outgoing.text });
        if !media_ids.is_empty() {
            body["media"] = json!({ "media_ids": media_ids });
        }
        let request =
            Request { method: Method::POST, path: "/2/tweets".to_string(), query: Vec::new(), body: Body::Json(body) };
        let response = self.send(client, &request)?;
        let status = response.status().as_u16();
        if response.status().is_success() {
            let answer: Value = response.json().unwrap_or(Value::Null);
            return match answer["data"]["id"].as_str() {
                Some(id) if !id.is_empty() => Ok(Published { remote_id: id.to_string(), url: self.post_url(id) }),
                _ => Err(AttemptError::Unknown(format!("X answered {status} without the new post's id"))),
            };
        }
        let problem = Problem::read(response);
        if !problem.is_duplicate() {
            return Err(problem.into_error(Call::CreatePost));
        }
        // The same text went out recently: most likely this post, from an attempt whose
        // answer was lost. Look for it now rather than call it a failure.
        match self.find_post(client, outgoing) {
            Ok(Some(published)) => Ok(published),
            Ok(None) => Err(AttemptError::failed(
                FailureClass::Content,
                format!("{}; no post with this text since the post was due, so it is an older one", problem.message),
            )),
            Err(error) => Err(AttemptError::Unknown(format!(
                "X calls the post a duplicate, and the account's posts cannot be read now: {}",
                message_of(&error)
            ))),
        }
    }
}

fn message_of(error: &AttemptError) -> &str {
    match error {
        AttemptError::Failed { message, .. } | AttemptError::Unknown(message) => message,
    }
}

impl Adapter for X {
    fn publish(&self, outgoing: &Outgoing, journal: &mut dyn Journal) -> Result<Published, AttemptError> {
        let attachments = media::attachments_of(outgoing)?;
        let client = http::client();
        let media_ids = match attachments {
            media::Attachments::Photos(photos) => self.upload_photos(&client, photos)?,
            media::Attachments::Moving(video) => vec![self.upload_video(&client, video)?],
        };
        if !media_ids.is_empty() {
            journal
                .handle("media_ids", &media_ids.join(","))
                .map_err(|error| AttemptError::failed(FailureClass::Retryable, error.to_string()))?;
        }
        self.create_post(&client, outgoing, &media_ids)
    }

    fn reconcile(&self, outgoing: &Outgoing, _: &BTreeMap<String, String>) -> Result<Option<Published>, AttemptError> {
        self.find_post(&http::client(), outgoing)
    }

    fn describe(&self, outgoing: &Outgoing) -> String {
        let refusal = media::refusal(outgoing).map(|reason| format!(" (refused: {reason})")).unwrap_or_default();
        format!(
            "POST {}/2/tweets as @{} ({}) with {}{refusal}; text: {}",
            self.base,
            self.account,
            self.auth.mode(),
            media::summary(outgoing),
            outgoing.text
        )
    }
}
