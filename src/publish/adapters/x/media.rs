//! Media for an X post: up to four photos, or one video or GIF alone. Each photo goes to
//! `POST /2/media/upload` as multipart `media` (the bytes) and `media_category=tweet_image`,
//! answered 200 with `data.id`; a video or GIF goes through the chunked upload
//! ([`super::video`]). Alt text then goes to `POST /2/media/metadata`. An upload posts
//! nothing, so any failure here leaves nothing public and is at worst retryable.

use reqwest::Method;
use reqwest::blocking::multipart::{Form, Part};
use serde_json::{Value, json};

use super::errors::{Call, Problem, never_created};
use super::video::Video;
use super::{Body, Request, X};
use crate::ledger::FailureClass;
use crate::publish::adapter::{AttemptError, Outgoing};

/// X's limit of photos per post.
const MAX_PHOTOS: usize = 4;

/// A photo read from the bundle, ready to upload.
pub struct Photo {
    bytes: Vec<u8>,
    mime: &'static str,
    file_name: String,
    alt: String,
}

impl Photo {
    /// The multipart form (built anew for each try).
    pub fn form(&self) -> Result<Form, AttemptError> {
        let part = Part::bytes(self.bytes.clone())
            .file_name(self.file_name.clone())
            .mime_str(self.mime)
            .map_err(|error| AttemptError::failed(FailureClass::Content, error.without_url().to_string()))?;
        Ok(Form::new().part("media", part).text("media_category", "tweet_image"))
    }
}

/// What goes with the post.
pub enum Attachments {
    /// Photos (maybe none), each uploaded at once.
    Photos(Vec<Photo>),
    /// One video or GIF, uploaded in chunks.
    Moving(Video),
}

/// Whether X takes a medium only by the chunked upload (video, or an animated GIF).
fn is_moving(mime: &str) -> bool {
    mime.starts_with("video/") || mime == "image/gif"
}

/// What the post carries, in words, for `--dry-run`.
pub fn summary(outgoing: &Outgoing) -> String {
    match outgoing.media.iter().find(|media| is_moving(media.mime)) {
        Some(media) => format!("1 {} by chunked upload", if media.mime == "image/gif" { "GIF" } else { "video" }),
        None => format!("{} photo(s), each uploaded to /2/media/upload with its alt text", outgoing.media.len()),
    }
}

/// Why X cannot get this post's media as siaran sends it, if it cannot.
pub fn refusal(outgoing: &Outgoing) -> Option<String> {
    let count = outgoing.media.len();
    if outgoing.media.iter().any(|media| is_moving(media.mime)) && count > 1 {
        return Some(format!(
            "X takes one video or GIF alone, or up to {MAX_PHOTOS} photos; this post has {count} media"
        ));
    }
    (count > MAX_PHOTOS).then(|| format!("X takes at most {MAX_PHOTOS} photos; this post has {count}"))
}

/// Reads the post's media, or refuses the post as content.
pub fn attachments_of(outgoing: &Outgoing) -> Result<Attachments, AttemptError> {
    if let Some(reason) = refusal(outgoing) {
        return Err(AttemptError::failed(FailureClass::Content, reason));
    }
    if let Some(media) = outgoing.media.iter().find(|media| is_moving(media.mime)) {
        return Ok(Attachments::Moving(Video::read(media)?));
    }
    let photos = outgoing.media.iter().map(|media| {
        Ok(Photo { bytes: media.bytes()?, mime: media.mime, file_name: media.file_name(), alt: media.alt.clone() })
    });
    Ok(Attachments::Photos(photos.collect::<Result<_, AttemptError>>()?))
}

impl X {
    /// Uploads each photo and sets its alt text; the media ids in order.
    pub(super) fn upload_photos(
        &self,
        client: &reqwest::blocking::Client,
        photos: Vec<Photo>,
    ) -> Result<Vec<String>, AttemptError> {
        let mut media_ids = Vec::with_capacity(photos.len());
        for photo in photos {
            let alt = photo.alt.clone();
            let upload = Request {
                method: Method::POST,
                path: "/2/media/upload".to_string(),
                query: Vec::new(),
                body: Body::Photo(photo),
            };
            let id = self.send_for_id(client, &upload)?;
            self.set_alt_text(client, &id, &alt)?;
            media_ids.push(id);
        }
        Ok(media_ids)
    }

    /// Gives an uploaded medium its alt text (none: nothing to send).
    pub(super) fn set_alt_text(
        &self,
        client: &reqwest::blocking::Client,
        id: &str,
        alt: &str,
    ) -> Result<(), AttemptError> {
        if alt.trim().is_empty() {
            return Ok(());
        }
        let metadata = Request {
            method: Method::POST,
            path: "/2/media/metadata".to_string(),
            query: Vec::new(),
            body: Body::Json(json!({ "id": id, "metadata": { "alt_text": { "text": alt } } })),
        };
        self.send_for_answer(client, &metadata).map(|_| ())
    }

    /// Sends a media call; its JSON answer, or the failure (nothing public exists yet).
    pub(super) fn send_for_answer(
        &self,
        client: &reqwest::blocking::Client,
        request: &Request,
    ) -> Result<Value, AttemptError> {
        let response = self.send(client, request).map_err(never_created)?;
        if !response.status().is_success() {
            return Err(Problem::read(response).into_error(Call::Other));
        }
        Ok(response.json().unwrap_or(Value::Null))
    }

    /// Sends a media call whose answer names a media id.
    pub(super) fn send_for_id(
        &self,
        client: &reqwest::blocking::Client,
        request: &Request,
    ) -> Result<String, AttemptError> {
        let answer = self.send_for_answer(client, request)?;
        answer["data"]["id"]
            .as_str()
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .ok_or_else(|| AttemptError::failed(FailureClass::Retryable, "X's upload answer holds no media id"))
    }
}
