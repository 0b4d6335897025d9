//! Photos for an X post. Each goes to `POST /2/media/upload` as multipart `media` (the
//! bytes) and `media_category=tweet_image`, answered 200 with `data.id`; its alt text then
//! goes to `POST /2/media/metadata`. An upload posts nothing, so any failure here leaves
//! nothing public and is at worst retryable. X takes up to four photos, or one video or
//! GIF through a chunked upload that siaran does not do yet.

use reqwest::Method;
use reqwest::blocking::multipart::{Form, Part};
use serde_json::{Value, json};

use super::errors::{Call, Problem, never_created};
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

/// How many photos the post carries.
pub fn photo_count(outgoing: &Outgoing) -> usize {
    outgoing.media.iter().filter(|media| media.mime.starts_with("image/")).count()
}

/// Why X cannot get this post's media as siaran sends it, if it cannot.
pub fn refusal(outgoing: &Outgoing) -> Option<String> {
    if outgoing.media.iter().any(|media| !media.mime.starts_with("image/")) {
        return Some("video upload is not supported yet".to_string());
    }
    let photos = photo_count(outgoing);
    (photos > MAX_PHOTOS).then(|| format!("X takes at most {MAX_PHOTOS} photos; this post has {photos}"))
}

/// Reads the post's photos, or refuses the post as content.
pub fn photos_of(outgoing: &Outgoing) -> Result<Vec<Photo>, AttemptError> {
    if let Some(reason) = refusal(outgoing) {
        return Err(AttemptError::failed(FailureClass::Content, reason));
    }
    outgoing
        .media
        .iter()
        .map(|media| {
            Ok(Photo { bytes: media.bytes()?, mime: media.mime, file_name: media.file_name(), alt: media.alt.clone() })
        })
        .collect()
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
            if !alt.trim().is_empty() {
                let metadata = Request {
                    method: Method::POST,
                    path: "/2/media/metadata".to_string(),
                    query: Vec::new(),
                    body: Body::Json(json!({ "id": id, "metadata": { "alt_text": { "text": alt } } })),
                };
                let response = self.send(client, &metadata).map_err(never_created)?;
                if !response.status().is_success() {
                    return Err(Problem::read(response).into_error(Call::Other));
                }
            }
            media_ids.push(id);
        }
        Ok(media_ids)
    }

    fn send_for_id(&self, client: &reqwest::blocking::Client, request: &Request) -> Result<String, AttemptError> {
        let response = self.send(client, request).map_err(never_created)?;
        if !response.status().is_success() {
            return Err(Problem::read(response).into_error(Call::Other));
        }
        let answer: Value = response.json().unwrap_or(Value::Null);
        answer["data"]["id"]
            .as_str()
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .ok_or_else(|| AttemptError::failed(FailureClass::Retryable, "X's upload answer holds no media id"))
    }
}
