//! Sending a TikTok video's bytes and waiting for the post. The file is cut into K chunks
//! of C bytes, K = floor(size / C), the last taking the remainder (a file under C goes
//! whole); they go in order to the upload address with `Content-Range: bytes FIRST-LAST/
//! TOTAL`, each answered 206 but the last, answered 201. Then `status/fetch` moves from
//! `PROCESSING_UPLOAD` to `PUBLISH_COMPLETE` or `FAILED`; siaran polls it for about a
//! minute and a half and leaves a slower post to the next run's reconciliation.

use std::time::Duration;

use serde_json::{Value, json};

use super::tiktok::{Tiktok, error_of};
use super::video::Video;
use crate::ledger::FailureClass;
use crate::publish::adapter::AttemptError;

/// TikTok takes at most this many chunks.
const MAX_CHUNKS: u64 = 1_000;
/// Status polls after the upload (waits grow from 250 ms to 5 s).
const STATUS_POLLS: u32 = 20;

/// How a file is cut into chunks, as `video/init` announces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkPlan {
    /// The size of every chunk but the last (the whole file when it is one chunk).
    pub chunk_size: u64,
    /// How many chunks.
    pub count: u64,
}

impl ChunkPlan {
    /// The plan for a file of `size` bytes in chunks of `chunk` bytes.
    pub fn new(size: u64, chunk: u64) -> Result<ChunkPlan, AttemptError> {
        let plan = if size <= chunk {
            ChunkPlan { chunk_size: size, count: 1 }
        } else {
            ChunkPlan { chunk_size: chunk, count: size / chunk }
        };
        if plan.count > MAX_CHUNKS {
            return Err(AttemptError::failed(
                FailureClass::Content,
                format!("the video needs {} chunks of {chunk} bytes; TikTok takes at most {MAX_CHUNKS}", plan.count),
            ));
        }
        Ok(plan)
    }

    /// The byte range (first, last) of chunk `index` in a file of `size` bytes.
    pub fn range(&self, index: u64, size: u64) -> (u64, u64) {
        let first = index * self.chunk_size;
        let last = if index + 1 == self.count { size - 1 } else { first + self.chunk_size - 1 };
        (first, last)
    }

    /// Sends every chunk in order. Until the last chunk is in, nothing can be posted, so a
    /// failure before it is a plain failure; a lost answer to the last one is unknown.
    pub fn upload(
        &self,
        client: &reqwest::blocking::Client,
        upload_url: &str,
        video: &Video,
    ) -> Result<(), AttemptError> {
        for index in 0..self.count {
            let (first, last) = self.range(index, video.size);
            let is_last = index + 1 == self.count;
            let bytes = video.read_range(first, last - first + 1)?;
            let sent = client
                .put(upload_url)
                .header("Content-Type", video.mime)
                .header("Content-Range", format!("bytes {first}-{last}/{}", video.size))
                .body(bytes)
                .send();
            let response = match sent {
                Ok(response) => response,
                Err(error) if is_last => return Err(crate::publish::http::transport(error)),
                Err(error) => {
                    return Err(AttemptError::failed(
                        FailureClass::Retryable,
                        format!(
                            "the upload broke off at chunk {} of {}: {}",
                            index + 1,
                            self.count,
                            error.without_url()
                        ),
                    ));
                }
            };
            let status = response.status().as_u16();
            let expected = if is_last { 201 } else { 206 };
            if status == expected || (is_last && status == 200) {
                continue;
            }
            let body: Value = response.json().unwrap_or(Value::Null);
            let error = error_of(status, &body).unwrap_or_else(|| {
                AttemptError::Unknown(format!("the upload answered {status} to chunk {} of {}", index + 1, self.count))
            });
            return Err(match error {
                AttemptError::Unknown(message) if !is_last => AttemptError::failed(FailureClass::Retryable, message),
                other => other,
            });
        }
        Ok(())
    }
}

/// Where a publish stands.
#[derive(Debug)]
pub enum PublishStatus {
    /// Posted: the status data (with `publicaly_available_post_id` once moderated).
    Complete(Value),
    /// Not posted, with TikTok's `fail_reason`.
    Failed(String),
    /// Still going (`PROCESSING_UPLOAD`, `PROCESSING_DOWNLOAD`, …).
    Processing(String),
}

impl Tiktok {
    /// One `status/fetch`.
    pub(super) fn publish_status(
        &self,
        client: &reqwest::blocking::Client,
        publish_id: &str,
    ) -> Result<PublishStatus, AttemptError> {
        let data = self.call(client, "/v2/post/publish/status/fetch/", Some(&json!({ "publish_id": publish_id })))?;
        let status = data["status"].as_str().unwrap_or_default().to_string();
        Ok(match status.as_str() {
            "PUBLISH_COMPLETE" => PublishStatus::Complete(data),
            "FAILED" => PublishStatus::Failed(data["fail_reason"].as_str().unwrap_or("no reason given").to_string()),
            _ => PublishStatus::Processing(status),
        })
    }

    /// Polls the status until the post is complete or failed, or the polls run out.
    pub(super) fn wait_for_publish(
        &self,
        client: &reqwest::blocking::Client,
        publish_id: &str,
    ) -> Result<PublishStatus, AttemptError> {
        let mut last = PublishStatus::Processing(String::new());
        for poll in 0..STATUS_POLLS {
            // The bytes are in: a status call that fails leaves the outcome unknown.
            last = match self.publish_status(client, publish_id) {
                Ok(PublishStatus::Processing(status)) => PublishStatus::Processing(status),
                Ok(done) => return Ok(done),
                Err(AttemptError::Failed { message, .. } | AttemptError::Unknown(message)) => {
                    return Err(AttemptError::Unknown(format!(
                        "the video is uploaded but its status is unknown: {message}"
                    )));
                }
            };
            std::thread::sleep(Duration::from_millis((250u64 << poll.min(5)).min(5_000)));
        }
        Ok(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_chunk_takes_the_remainder() {
        let plan = ChunkPlan::new(25_000_000, 10_000_000).expect("plan");
        assert_eq!(plan, ChunkPlan { chunk_size: 10_000_000, count: 2 });
        assert_eq!(plan.range(0, 25_000_000), (0, 9_999_999));
        assert_eq!(plan.range(1, 25_000_000), (10_000_000, 24_999_999));
        assert_eq!(ChunkPlan::new(4_000_000, 10_000_000).expect("plan"), ChunkPlan { chunk_size: 4_000_000, count: 1 });
        assert!(ChunkPlan::new(2_000_000, 1_000).is_err(), "more than 1,000 chunks");
    }
}
