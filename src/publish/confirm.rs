//! A person's word on an unknown outcome. Some platforms cannot be asked whether a post went
//! out (Telegram keeps no history a bot can read), and any platform may be unreachable for
//! days. Rather than guess — and risk posting twice — siaran waits; a person looks at the
//! account and records what they saw: the copy's address (it is live) or that it is not
//! there (the next run sends it). The record is an ordinary `reconciled` ledger event.

use crate::check::Repository;
use crate::ledger::{Event, EventKind, Ledger, LedgerWriter};

/// What the person saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// The post is live at this address.
    Live(String),
    /// The post is not on the account.
    NotThere,
}

/// Why nothing was recorded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfirmError {
    /// No such post.
    #[error("there is no post `{0}`")]
    UnknownPost(String),
    /// The post does not name the target.
    #[error("the post does not go to `{0}`")]
    UnknownTarget(String),
    /// The outcome is already known.
    #[error("nothing to confirm: the ledger does not show an attempt of unknown outcome for this post on `{0}`")]
    NothingUnknown(String),
    /// Not an address.
    #[error("`{0}` is not an http(s) address")]
    NotAnAddress(String),
    /// The ledger could not be written.
    #[error("cannot write the ledger: {0}")]
    Ledger(String),
}

/// Records what a person saw for (post, target), if its last attempt's outcome is unknown.
pub fn confirm(
    repository: &Repository,
    ledger: &Ledger,
    writer: &LedgerWriter,
    post: &str,
    target: &str,
    seen: &Seen,
) -> Result<(), ConfirmError> {
    let post = post.trim_matches('/');
    let checked = repository
        .posts
        .iter()
        .find(|checked| checked.post.id == post)
        .ok_or_else(|| ConfirmError::UnknownPost(post.to_string()))?;
    if !checked.post.platforms.iter().any(|name| name == target) {
        return Err(ConfirmError::UnknownTarget(target.to_string()));
    }
    if !ledger.state(post, target).is_some_and(|state| state.unknown) {
        return Err(ConfirmError::NothingUnknown(target.to_string()));
    }
    let kind = match seen {
        Seen::Live(url) => {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(ConfirmError::NotAnAddress(url.clone()));
            }
            let remote_id = url.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string();
            EventKind::Reconciled { found: true, remote_id: Some(remote_id), url: Some(url.clone()) }
        }
        Seen::NotThere => EventKind::Reconciled { found: false, remote_id: None, url: None },
    };
    writer
        .append(&Event { at: repository.now, post: post.to_string(), target: target.to_string(), kind })
        .map_err(|error| ConfirmError::Ledger(error.to_string()))
}
