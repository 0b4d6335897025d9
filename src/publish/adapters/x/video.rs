//! A video or GIF for an X post, by the chunked upload of API v2:
//! 1. `POST /2/media/upload/initialize` with `media_type`, `total_bytes` and
//!    `media_category` (`tweet_video` or `tweet_gif`), answered with `data.id`;
//! 2. `POST /2/media/upload/{id}/append`, multipart `media` and `segment_index`, once per
//!    segment, in order;
//! 3. `POST /2/media/upload/{id}/finalize`, whose answer may hold `processing_info`
//!    (`pending` or `in_progress`, with `check_after_secs`);
//! 4. while X processes it, `GET /2/media/upload?media_id=…&command=STATUS` until
//!    `succeeded` (or `failed`, with X's reason: a content failure).
//!
//! Nothing is public until the post is created, so every failure here is at worst retryable.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Body, Request, X};
use crate::ledger::FailureClass;
use crate::publish::adapter::{AttemptError, OutgoingMedia};

/// Bytes per segment by default (X takes up to 5 MB).
pub const SEGMENT_BYTES: usize = 4 * 1024 * 1024;

/// Status checks before giving up on X's processing (the attempt is then retryable).
const STATUS_CHECKS: u32 = 60;

/// A video or GIF read from the bundle.
pub struct Video {
    bytes: Vec<u8>,
    mime: &'static str,
    alt: String,
}

impl Video {
    /// Reads the file.
    pub fn read(media: &OutgoingMedia) -> Result<Video, AttemptError> {
        Ok(Video { bytes: media.bytes()?, mime: media.mime, alt: media.alt.clone() })
    }

    fn category(&self) -> &'static str {
        if self.mime == "image/gif" { "tweet_gif" } else { "tweet_video" }
    }
}

impl X {
    /// Uploads the video in segments, waits for X to process it, sets its alt text; its id.
    pub(super) fn upload_video(
        &self,
        client: &reqwest::blocking::Client,
        video: Video,
    ) -> Result<String, AttemptError> {
        let initialize = Request {
            method: Method::POST,
            path: "/2/media/upload/initialize".to_string(),
            query: Vec::new(),
            body: Body::Json(
                json!({ "media_type": video.mime, "total_bytes": video.bytes.len(), "media_category": video.category() }),
            ),
        };
        let id = self.send_for_id(client, &initialize)?;
        for (index, segment) in video.bytes.chunks(self.segment_bytes.max(1)).enumerate() {
            let append = Request {
                method: Method::POST,
                path: format!("/2/media/upload/{id}/append"),
                query: Vec::new(),
                body: Body::Segment { bytes: segment.to_vec(), index },
            };
            self.send_for_answer(client, &append)?;
        }
        let finalize = Request {
            method: Method::POST,
            path: format!("/2/media/upload/{id}/finalize"),
            query: Vec::new(),
            body: Body::Empty,
        };
        let mut answer = self.send_for_answer(client, &finalize)?;
        for _ in 0..STATUS_CHECKS {
            let processing = &answer["data"]["processing_info"];
            match processing["state"].as_str() {
                None | Some("succeeded") => {
                    self.set_alt_text(client, &id, &video.alt)?;
                    return Ok(id);
                }
                Some("failed") => {
                    let reason = processing["error"]["message"].as_str().unwrap_or("no reason given");
                    return Err(AttemptError::failed(
                        FailureClass::Content,
                        format!("X could not process the video: {reason}"),
                    ));
                }
                Some(_) => {
                    let wait = processing["check_after_secs"].as_u64().unwrap_or(1).clamp(1, 10);
                    std::thread::sleep(std::time::Duration::from_secs(wait));
                    answer = self.status(client, &id)?;
                }
            }
        }
        Err(AttemptError::failed(FailureClass::Retryable, "X is still processing the video"))
    }

    fn status(&self, client: &reqwest::blocking::Client, id: &str) -> Result<Value, AttemptError> {
        let status = Request {
            method: Method::GET,
            path: "/2/media/upload".to_string(),
            query: vec![("media_id", id.to_string()), ("command", "STATUS".to_string())],
            body: Body::Empty,
        };
        self.send_for_answer(client, &status)
    }
}
