//! What every platform adapter does. The engine hands an adapter an [`Outgoing`] post (the
//! text and media exactly as this target receives them) and a [`Journal`] to record each
//! handle — an id the platform gave, a session URI — *before* the next risky call. The
//! adapter answers with the published copy, a classified failure, or "unknown" when the
//! platform may have created the post without saying so. After an unknown outcome, the
//! engine asks the adapter to [`Adapter::reconcile`] before anything is sent again.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use crate::ledger::FailureClass;

/// A photo or video to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMedia {
    /// The file in the bundle.
    pub path: PathBuf,
    /// Where the archive site serves it from approval on (`Post::staged_media`): platforms
    /// that fetch media by URL (Instagram, TikTok, Facebook) are given this address.
    pub url: String,
    /// Alt text.
    pub alt: String,
    /// MIME type.
    pub mime: &'static str,
}

impl OutgoingMedia {
    /// The file's bytes; a file that cannot be read fails the attempt as `content` (a person
    /// must restore it; nothing was sent).
    pub fn bytes(&self) -> Result<Vec<u8>, AttemptError> {
        std::fs::read(&self.path).map_err(|error| {
            AttemptError::failed(FailureClass::Content, format!("cannot read {}: {error}", self.path.display()))
        })
    }

    /// The file's name, as uploads carry it.
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// The file as a multipart part, with its name and MIME type.
    pub fn part(&self) -> Result<reqwest::blocking::multipart::Part, AttemptError> {
        reqwest::blocking::multipart::Part::bytes(self.bytes()?)
            .file_name(self.file_name())
            .mime_str(self.mime)
            .map_err(|error| AttemptError::failed(FailureClass::Content, error.without_url().to_string()))
    }
}

/// A post as one target receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// Post id.
    pub post: String,
    /// Target id.
    pub target: String,
    /// The caption for this target.
    pub text: String,
    /// The title for this target.
    pub title: String,
    /// The post's page on the archive site.
    pub archive_url: String,
    /// Media in order.
    pub media: Vec<OutgoingMedia>,
    /// Stable for this (post, target, content): platforms that accept one get it.
    pub idempotency_key: String,
    /// When the post was due (its `publish_at`, or its last sign-off), in microseconds
    /// since 1970: stable across attempts, for keys derived from time.
    pub due_micros: i64,
}

/// A live copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// The platform's id.
    pub remote_id: String,
    /// Its public address.
    pub url: String,
}

/// When the platform says to try again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAt {
    /// At this time (a rate-limit reset the platform gave as a time).
    At(DateTime<FixedOffset>),
    /// After this long, counted from the attempt (e.g. Telegram's `retry_after`).
    After(chrono::TimeDelta),
}

/// How an attempt ended badly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptError {
    /// It failed, and nothing was created.
    Failed {
        /// The class.
        class: FailureClass,
        /// The platform's words (never a secret).
        message: String,
        /// When to try again, from the platform's own signal.
        retry_at: Option<RetryAt>,
    },
    /// Nobody knows whether the post was created.
    Unknown(String),
}

impl AttemptError {
    /// A failure without a retry time.
    pub fn failed(class: FailureClass, message: impl Into<String>) -> AttemptError {
        AttemptError::Failed { class, message: message.into(), retry_at: None }
    }
}

/// Where an adapter records handles before risky calls.
pub trait Journal {
    /// Records `name = value` durably (in the ledger) before returning.
    fn handle(&mut self, name: &str, value: &str) -> std::io::Result<()>;
}

/// One platform.
pub trait Adapter: Send + Sync {
    /// Handles known before the first call (e.g. a deterministic record key).
    fn handles_before(&self, _outgoing: &Outgoing) -> BTreeMap<String, String> {
        BTreeMap::new()
    }

    /// Publishes, recording handles in `journal` before each risky call.
    fn publish(&self, outgoing: &Outgoing, journal: &mut dyn Journal) -> Result<Published, AttemptError>;

    /// After an unknown outcome: is the post live? `Ok(None)` means certainly not, so a new
    /// attempt is safe; an error means it cannot be known now (nothing is sent).
    fn reconcile(
        &self,
        outgoing: &Outgoing,
        handles: &BTreeMap<String, String>,
    ) -> Result<Option<Published>, AttemptError>;

    /// What the platform would receive, for `--dry-run`.
    fn describe(&self, outgoing: &Outgoing) -> String;
}
