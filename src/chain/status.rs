//! Where a post stands: its state, the step awaited, who may sign it, how long it has
//! waited and by how much it is overdue against the SOP's budget.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::Chain;
use super::evaluate::first_step_clock;
use crate::config::Config;
use crate::content::Post;

/// A post's state. The publishing states come from the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Nothing signed yet.
    Draft,
    /// Some steps signed, more awaited.
    InReview,
    /// Sent back; awaiting resubmission from the first step.
    Rejected,
    /// Every step before publish approved.
    Approved,
    /// Published on every target.
    Published,
    /// Published on some targets.
    PartlyPublished,
    /// Too late to publish automatically.
    Missed,
    /// Publishing failed.
    Failed,
}

impl State {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::InReview => "in_review",
            State::Rejected => "rejected",
            State::Approved => "approved",
            State::Published => "published",
            State::PartlyPublished => "partly_published",
            State::Missed => "missed",
            State::Failed => "failed",
        }
    }
}

/// One post's status (the `status --format json` contract).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Post id.
    pub post: String,
    /// Title.
    pub title: String,
    /// Workflow id.
    pub workflow: String,
    /// Current round, from 1.
    pub round: usize,
    /// State.
    pub state: State,
    /// The step awaited, if a signature is awaited.
    pub next_step: Option<String>,
    /// Its role.
    pub next_role: Option<String>,
    /// Who may sign it.
    pub eligible: Option<Vec<String>>,
    /// Since when the step has been awaited.
    pub waiting_since: Option<DateTime<FixedOffset>>,
    /// Seconds past the step's budget (0 when on time or unbudgeted).
    pub overdue_by_seconds: i64,
    /// When the post is to be published.
    pub publish_at: Option<DateTime<FixedOffset>>,
}

/// Works out a post's status from its evaluated chain.
pub fn status(post: &Post, chain: &Chain, config: &Config, now: DateTime<FixedOffset>) -> Status {
    let current = chain.current_signoffs(post);
    let state = if chain.is_complete {
        State::Approved
    } else if chain.pending_rejection(post).is_some() {
        State::Rejected
    } else if current.is_empty() {
        State::Draft
    } else {
        State::InReview
    };
    let workflow = config.workflows.get(&post.workflow);
    let next = match (state, workflow) {
        (State::Approved, _) | (_, None) => None,
        (_, Some(workflow)) => chain
            .revision(workflow)
            .or_else(|| {
                workflow
                    .revision_at(now.with_timezone(&config.site.timezone).date_naive())
                    .map(|(_, revision)| revision)
            })
            .and_then(|revision| {
                // Stale approvals can only be answered by a reject from the step after them.
                let index = match chain.is_stale {
                    true => chain.next_step_index(post, revision)?.min(revision.steps_to_approve().saturating_sub(1)),
                    false => chain.approved,
                };
                revision.steps.get(index).map(|step| (workflow, step))
            }),
    };
    let waiting_since = match current.last() {
        Some(last) => Some(last.at),
        None => match chain.pending_rejection(post) {
            Some(reject) => Some(reject.at),
            None => workflow
                .and_then(|workflow| chain.revision(workflow).or_else(|| workflow.latest()))
                .and_then(|revision| first_step_clock(post, revision, config.site.timezone)),
        },
    };
    let (next_step, next_role, eligible, overdue_by_seconds) = match next {
        None => (None, None, None, 0),
        Some((workflow, step)) => {
            let signed_decisions: Vec<&str> = current
                .iter()
                .filter(|signoff| {
                    chain
                        .revision(workflow)
                        .and_then(|r| r.steps.iter().find(|s| s.id == signoff.step))
                        .is_some_and(|s| s.kind.is_decision())
                })
                .map(|signoff| signoff.by.as_str())
                .collect();
            let barred = |id: &str| workflow.distinct && step.kind.is_decision() && signed_decisions.contains(&id);
            let eligible: Vec<String> = config
                .holders(&step.role)
                .filter(|person| !barred(&person.id))
                .map(|person| person.id.clone())
                .collect();
            let overdue = match (step.within, waiting_since) {
                (Some(within), Some(since)) => (now - since - within).num_seconds().max(0),
                _ => 0,
            };
            (Some(step.id.clone()), Some(step.role.clone()), Some(eligible), overdue)
        }
    };
    Status {
        post: post.id.clone(),
        title: post.title.clone(),
        workflow: post.workflow.clone(),
        round: chain.round_number(),
        state,
        next_step,
        next_role,
        eligible,
        waiting_since,
        overdue_by_seconds,
        publish_at: post.publish_at,
    }
}
