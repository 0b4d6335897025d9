//! A *chain* is the ordered list of sign-offs on one post, checked against the revision
//! of its workflow that was in force at the first sign-off. Sign-offs follow the steps in
//! order, each by a holder of the step's role; nobody signs two decision steps of one
//! round (maker-checker); a reject, which needs the SOP's written response, ends a
//! *round* and the next round starts again at the first step. The chain is *complete*
//! when every step before `publish` is approved in the current round.
//!
//! In: a loaded [`Post`](crate::content::Post), the [`Config`](crate::config::Config) and
//! "now". Out: a [`Chain`] and findings. [`status`] says where the post stands and who
//! acts next. This layer does no I/O.

pub mod approval;
pub mod digest;
mod evaluate;
mod needs;
pub mod sign_all;
pub mod signature;
pub mod status;
pub mod timing;
mod verify;

pub use evaluate::{evaluate, evaluate_with, holds_later};
pub use status::{State, Status};
pub use verify::Verification;

use std::ops::Range;

use crate::config::{Revision, Workflow};
use crate::content::{Decision, Post, SignOff};

/// One round of sign-offs: from the first step to a reject, or to now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    /// Indexes into the post's sign-offs.
    pub signoffs: Range<usize>,
    /// Whether the round ended in a reject.
    pub rejected: bool,
}

/// The evaluated chain of one post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// Which revision of the workflow the post is held to (index into `revisions`).
    pub revision: Option<usize>,
    /// The rounds, oldest first; the last is the current one (possibly empty).
    pub rounds: Vec<Round>,
    /// Steps approved, in order and without error, at the start of the current round.
    pub approved: usize,
    /// Whether the chain broke any rule.
    pub has_errors: bool,
    /// Whether every step before publish is approved in the current round, without error.
    pub is_complete: bool,
    /// Whether an approval of the current round covers content that has changed since; the
    /// round can then only end in a reject.
    pub is_stale: bool,
}

impl Chain {
    /// The current round (the last one).
    pub fn current_round(&self) -> Option<&Round> {
        self.rounds.last()
    }

    /// The current round's number, counting from 1.
    pub fn round_number(&self) -> usize {
        self.rounds.len().max(1)
    }

    /// The sign-offs of the current round.
    pub fn current_signoffs<'p>(&self, post: &'p Post) -> &'p [SignOff] {
        self.current_round().and_then(|round| post.signoffs.get(round.signoffs.clone())).unwrap_or(&[])
    }

    /// The revision the post is held to.
    pub fn revision<'w>(&self, workflow: &'w Workflow) -> Option<&'w Revision> {
        self.revision.and_then(|index| workflow.revisions.get(index))
    }

    /// The step that may sign next in the current round, by index into the revision's steps:
    /// the one after the round's last sign-off (the first when the round is empty). `None`
    /// when the last sign-off names a step the revision does not have.
    pub fn next_step_index(&self, post: &Post, revision: &Revision) -> Option<usize> {
        match self.current_signoffs(post).last() {
            None => Some(0),
            Some(last) => revision.step_index(&last.step).map(|index| index + 1),
        }
    }

    /// The last reject, if the current round has not started yet.
    pub fn pending_rejection<'p>(&self, post: &'p Post) -> Option<&'p SignOff> {
        let current_is_empty = self.current_round().is_none_or(|round| round.signoffs.is_empty());
        if !current_is_empty {
            return None;
        }
        post.signoffs.last().filter(|signoff| signoff.decision == Decision::Reject)
    }
}

/// Splits sign-offs into rounds: each reject closes one. The last round is the current one
/// and may be empty (after a reject, before the resubmission).
pub fn rounds(signoffs: &[SignOff]) -> Vec<Round> {
    let mut rounds = Vec::new();
    let mut start = 0;
    for (index, signoff) in signoffs.iter().enumerate() {
        if signoff.decision == Decision::Reject {
            rounds.push(Round { signoffs: start..index + 1, rejected: true });
            start = index + 1;
        }
    }
    rounds.push(Round { signoffs: start..signoffs.len(), rejected: false });
    rounds
}
