//! One ledger line.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// How a failure is classed, from the platform's own signals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// Credentials missing, expired or refused: a person must fix them.
    Auth,
    /// The platform refused the content itself: retrying will not help.
    Content,
    /// Too many requests: retry after the platform's window.
    RateLimited,
    /// A temporary failure: retry with back-off.
    Retryable,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// A create call is about to be made; the handle identifies it for reconciliation.
    Attempt {
        /// The attempt's number for this (post, target), from 1.
        attempt: u32,
        /// The key sent to platforms that support one, or used to match later.
        idempotency_key: String,
        /// Platform handles known before the risky call (container id, session URI, ...).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        handle: BTreeMap<String, String>,
    },
    /// The post is live.
    Published {
        /// The platform's id of the post.
        remote_id: String,
        /// The public address of the copy.
        url: String,
    },
    /// The attempt failed, and how.
    Failed {
        /// The class of failure.
        class: FailureClass,
        /// The platform's message (never a secret).
        message: String,
        /// When a retry may be made, if one should be.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_at: Option<DateTime<FixedOffset>>,
    },
    /// The outcome is not known (a timeout, a 5xx after the platform may have committed).
    Unknown {
        /// What was seen.
        message: String,
    },
    /// An unknown outcome was settled by asking the platform.
    Reconciled {
        /// Whether the post turned out to be live.
        found: bool,
        /// Its id, when found.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        remote_id: Option<String>,
        /// Its address, when found.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    /// Too late to publish automatically; left for a person.
    Missed {
        /// Why.
        message: String,
    },
}

/// One line of the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened.
    pub at: DateTime<FixedOffset>,
    /// The post id.
    pub post: String,
    /// The target id (a file in `publish-targets/`).
    pub target: String,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}
