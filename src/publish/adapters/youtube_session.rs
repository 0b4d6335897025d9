//! One YouTube *upload session*: the address `videos.insert` gave, to which the file goes
//! in chunks (`Content-Range: bytes FIRST-LAST/TOTAL`, each a multiple of 256 KiB but the
//! last). YouTube answers a chunk with 308 and `Range: bytes=0-N` (it holds N+1 bytes), and
//! the last one with the video. When a chunk gets a 5xx or no answer, the session is
//! *asked* (`Content-Range: bytes */TOTAL`, no body) how much it holds, and the upload goes
//! on from there: the same session never makes a second video, so resuming is always safe.

use std::time::Duration;

use serde_json::Value;

use super::video::Video;
use super::youtube::{Youtube, error_of};
use crate::ledger::FailureClass;
use crate::publish::adapter::AttemptError;
use crate::publish::http;

/// How many times to ask a session that stopped answering before leaving it to the next
/// run (whose reconciliation asks it again).
const RECOVERY_TRIES: u32 = 3;

/// What a session holds.
#[derive(Debug)]
pub enum SessionState {
    /// This many bytes arrived; the upload goes on from there.
    Received(u64),
    /// Every byte arrived: the video resource.
    Complete(Value),
    /// The session expired or never existed (404, 410).
    Gone,
}

/// A session and the file going into it.
pub struct Session<'a> {
    pub youtube: &'a Youtube,
    pub uri: String,
    pub video: Video,
    pub client: reqwest::blocking::Client,
}

/// How one chunk went.
enum ChunkOutcome {
    /// The session holds this many bytes.
    Received(u64),
    /// The video is complete.
    Complete(Value),
    /// A 5xx or no answer: ask the session.
    NoClearAnswer,
}

impl Session<'_> {
    /// Sends the file from `offset` to the end; the video resource.
    pub fn upload_from(&self, mut offset: u64) -> Result<Value, AttemptError> {
        let mut recoveries = 0;
        let mut stalls = 0;
        loop {
            match self.send_chunk(offset)? {
                ChunkOutcome::Complete(resource) => return Ok(resource),
                ChunkOutcome::Received(received) => {
                    recoveries = 0;
                    stalls = if received > offset { 0 } else { stalls + 1 };
                    if stalls > RECOVERY_TRIES {
                        return Err(AttemptError::Unknown(format!(
                            "YouTube keeps the upload at {received} bytes and takes no more; the next run asks the session"
                        )));
                    }
                    offset = received;
                }
                ChunkOutcome::NoClearAnswer => {
                    recoveries += 1;
                    match self.recover(recoveries)? {
                        SessionState::Complete(resource) => return Ok(resource),
                        SessionState::Received(received) => offset = received,
                        SessionState::Gone => return Err(gone()),
                    }
                }
            }
        }
    }

    /// Asks the session how much it holds (`PUT`, `Content-Range: bytes */TOTAL`).
    pub fn query(&self) -> Result<SessionState, AttemptError> {
        let response = self.youtube.oauth.authorized(&self.client, |token| {
            self.client
                .put(&self.uri)
                .bearer_auth(token)
                .header("Content-Length", 0)
                .header("Content-Range", format!("bytes */{}", self.video.size))
                .send()
                .map_err(http::transport)
        })?;
        match response.status().as_u16() {
            200 | 201 => Ok(SessionState::Complete(response.json().unwrap_or(Value::Null))),
            308 => Ok(SessionState::Received(received(&response))),
            404 | 410 => Ok(SessionState::Gone),
            _ => Err(match error_of(response) {
                AttemptError::Unknown(message) => AttemptError::Unknown(format!("the upload session: {message}")),
                other => other,
            }),
        }
    }

    fn send_chunk(&self, offset: u64) -> Result<ChunkOutcome, AttemptError> {
        let length = self.youtube.chunk_bytes.min(self.video.size.saturating_sub(offset));
        let bytes = self.video.read_range(offset, length)?;
        let last = offset + bytes.len() as u64 - 1;
        let result = self.youtube.oauth.authorized(&self.client, |token| {
            self.client
                .put(&self.uri)
                .bearer_auth(token)
                .header("Content-Type", self.video.mime)
                .header("Content-Range", format!("bytes {offset}-{last}/{}", self.video.size))
                .body(bytes.clone())
                .send()
                .map_err(http::transport)
        });
        let response = match result {
            Ok(response) => response,
            // Connected or not, the session knows what it holds: ask it.
            Err(AttemptError::Unknown(_)) => return Ok(ChunkOutcome::NoClearAnswer),
            Err(AttemptError::Failed { class: FailureClass::Retryable, .. }) => return Ok(ChunkOutcome::NoClearAnswer),
            Err(other) => return Err(other),
        };
        match response.status().as_u16() {
            200 | 201 => Ok(ChunkOutcome::Complete(response.json().unwrap_or(Value::Null))),
            308 => Ok(ChunkOutcome::Received(received(&response))),
            500..=599 => Ok(ChunkOutcome::NoClearAnswer),
            404 | 410 => Err(gone()),
            // Refused bytes never complete the upload: no video exists.
            _ => Err(error_of(response)),
        }
    }

    /// After a chunk got no clear answer: waits a little and asks the session.
    fn recover(&self, recoveries: u32) -> Result<SessionState, AttemptError> {
        if recoveries > RECOVERY_TRIES {
            return Err(AttemptError::Unknown(
                "YouTube stopped answering during the upload; the next run asks the session whether the video exists"
                    .to_string(),
            ));
        }
        for wait in 0..RECOVERY_TRIES {
            std::thread::sleep(Duration::from_millis(250 << wait));
            match self.query() {
                Ok(state) => return Ok(state),
                Err(AttemptError::Unknown(_) | AttemptError::Failed { class: FailureClass::Retryable, .. }) => {}
                Err(other) => return Err(other),
            }
        }
        Err(AttemptError::Unknown(
            "YouTube stopped answering during the upload; the next run asks the session whether the video exists"
                .to_string(),
        ))
    }
}

/// The bytes a 308 says the session holds: `Range: bytes=0-N` means N+1; no `Range`, none.
fn received(response: &reqwest::blocking::Response) -> u64 {
    response
        .headers()
        .get("range")
        .and_then(|value| value.to_str().ok())
        .and_then(|range| range.trim().strip_prefix("bytes=0-"))
        .and_then(|last| last.trim().parse::<u64>().ok())
        .map_or(0, |last| last + 1)
}

/// A session that vanished mid-upload may have finished just before: only a search of
/// the channel can tell, which the next run's reconciliation does.
fn gone() -> AttemptError {
    AttemptError::Unknown("the upload session is gone; the next run searches the channel's uploads".to_string())
}
