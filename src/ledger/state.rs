//! Folding a (post, target)'s events into where it stands.

use chrono::{DateTime, FixedOffset};

use super::event::{Event, EventKind, FailureClass};

/// Where one post stands on one target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetStatus {
    /// Nothing recorded, or only attempts in progress.
    Pending,
    /// Live.
    Published,
    /// The last attempt failed.
    Failed(FailureClass),
    /// The outcome of the last attempt is not known yet.
    Unknown,
    /// Too late to publish automatically.
    Missed,
}

/// The published copy of a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedCopy {
    /// The platform's id.
    pub remote_id: String,
    /// Its public address.
    pub url: String,
    /// When it was recorded.
    pub at: DateTime<FixedOffset>,
}

/// The fold of one (post, target)'s events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetState {
    /// Attempts made.
    pub attempts: u32,
    /// The live copy, once published.
    pub published: Option<PublishedCopy>,
    /// The last failure, with its message and when a retry may be made.
    pub last_failure: Option<(FailureClass, String, Option<DateTime<FixedOffset>>)>,
    /// Whether the outcome of the last attempt is unknown (no outcome recorded after it,
    /// or an `unknown` event): it must be reconciled before any new attempt.
    pub unknown: bool,
    /// Whether it was recorded as missed.
    pub missed: bool,
    /// The handles recorded with the last attempt (idempotency key first).
    pub last_handle: Vec<(String, String)>,
}

impl TargetState {
    /// Applies one event.
    pub(crate) fn apply(&mut self, event: &Event) {
        match &event.kind {
            EventKind::Attempt { attempt, idempotency_key, handle } => {
                self.attempts = self.attempts.max(*attempt);
                // Until an outcome is recorded, the attempt may or may not have created the
                // post (a crash mid-call looks exactly like this): its outcome is unknown.
                self.unknown = true;
                self.last_handle = std::iter::once(("idempotency_key".to_string(), idempotency_key.clone()))
                    .chain(handle.iter().map(|(key, value)| (key.clone(), value.clone())))
                    .collect();
            }
            EventKind::Published { remote_id, url } => {
                self.published = Some(PublishedCopy { remote_id: remote_id.clone(), url: url.clone(), at: event.at });
                self.unknown = false;
                self.last_failure = None;
            }
            EventKind::Failed { class, message, retry_at } => {
                self.last_failure = Some((*class, message.clone(), *retry_at));
                self.unknown = false;
            }
            EventKind::Unknown { .. } => self.unknown = true,
            EventKind::Reconciled { found, remote_id, url } => {
                self.unknown = false;
                if *found {
                    self.published = Some(PublishedCopy {
                        remote_id: remote_id.clone().unwrap_or_default(),
                        url: url.clone().unwrap_or_default(),
                        at: event.at,
                    });
                }
            }
            EventKind::Missed { .. } => self.missed = true,
        }
    }

    /// The summary status.
    pub fn status(&self) -> TargetStatus {
        if self.published.is_some() {
            TargetStatus::Published
        } else if self.unknown {
            TargetStatus::Unknown
        } else if self.missed {
            TargetStatus::Missed
        } else if let Some((class, _, _)) = &self.last_failure {
            TargetStatus::Failed(*class)
        } else {
            TargetStatus::Pending
        }
    }
}

/// Where an approved post stands on its targets, from the ledger: published everywhere,
/// on some, missed, failed — or `None` while nothing has been recorded that changes
/// "approved" (site-only posts, or attempts still to come).
pub fn publishing_state(ledger: &super::Ledger, post: &str, targets: &[String]) -> Option<crate::chain::State> {
    use crate::chain::State;
    if targets.is_empty() {
        return None;
    }
    let states: Vec<Option<&TargetState>> = targets.iter().map(|target| ledger.state(post, target)).collect();
    let published = states.iter().filter(|state| state.is_some_and(|state| state.published.is_some())).count();
    if published == targets.len() {
        return Some(State::Published);
    }
    let missed = states.iter().any(|state| state.is_some_and(|state| state.missed && state.published.is_none()));
    let failed = states.iter().any(|state| {
        state.is_some_and(|state| state.published.is_none() && (state.last_failure.is_some() || state.unknown))
    });
    match (published, missed, failed) {
        (0, true, _) => Some(State::Missed),
        (0, false, true) => Some(State::Failed),
        (0, false, false) => None,
        _ => Some(State::PartlyPublished),
    }
}
