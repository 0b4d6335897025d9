//! How long each sign-off took: from the sign-off before it in its round (for a round's
//! first step, from the reject that opened the round, or from the event day when the first
//! step's budget is in whole days), set against the step's `within` budget. The report's
//! SLA tables and a post's own timeline are built from these.

use chrono::{DateTime, FixedOffset, TimeDelta};

use super::Chain;
use super::evaluate::first_step_clock;
use crate::config::Config;
use crate::content::{Decision, Post};

/// One sign-off, timed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepTime {
    /// The round, from 1.
    pub round: usize,
    /// Index into the post's sign-offs.
    pub signoff: usize,
    /// Index of its step in the revision.
    pub step_index: usize,
    /// The step's id.
    pub step: String,
    /// Who signed.
    pub by: String,
    /// When.
    pub at: DateTime<FixedOffset>,
    /// Approve or reject.
    pub decision: Decision,
    /// When the step's clock started, when known.
    pub started: Option<DateTime<FixedOffset>>,
    /// The step's budget.
    pub within: Option<TimeDelta>,
}

impl StepTime {
    /// Time taken, when the start is known.
    pub fn taken(&self) -> Option<TimeDelta> {
        self.started.map(|start| self.at - start)
    }

    /// Whether it took longer than its budget (`None` when either is unknown).
    pub fn over_budget(&self) -> Option<bool> {
        Some(self.taken()? > self.within?)
    }
}

/// Every sign-off of a post whose step the revision knows, timed. Empty when the post's
/// workflow or revision is unknown.
pub fn step_times(post: &Post, chain: &Chain, config: &Config) -> Vec<StepTime> {
    let Some(workflow) = config.workflows.get(&post.workflow) else { return Vec::new() };
    let Some(revision) = chain.revision(workflow) else { return Vec::new() };
    let mut times = Vec::new();
    for (round_index, round) in chain.rounds.iter().enumerate() {
        let mut previous = if round_index == 0 {
            first_step_clock(post, revision, config.site.timezone)
        } else {
            post.signoffs.get(round.signoffs.start.wrapping_sub(1)).map(|reject| reject.at)
        };
        for index in round.signoffs.clone() {
            let Some(signoff) = post.signoffs.get(index) else { continue };
            if let Some(step_index) = revision.step_index(&signoff.step) {
                let step = &revision.steps[step_index];
                times.push(StepTime {
                    round: round_index + 1,
                    signoff: index,
                    step_index,
                    step: step.id.clone(),
                    by: signoff.by.clone(),
                    at: signoff.at,
                    decision: signoff.decision,
                    started: previous,
                    within: step.within,
                });
            }
            previous = Some(signoff.at);
        }
    }
    times
}
