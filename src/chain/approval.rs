//! Planning a new sign-off (`siaran approve`): which step comes next, whether this person
//! may sign it now, and the exact message to sign. Refusals are typed, so the command can
//! tell an official precisely why not and what to do instead.

use chrono::{DateTime, FixedOffset, TimeDelta};

use super::evaluate::FUTURE_TOLERANCE_MINUTES;
use super::{Chain, digest, signature};
use crate::config::{Config, StepKind};
use crate::content::{Decision, Post, SignOff};
use crate::source::suggest;

/// A sign-off ready to be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The sign-off, with its digest and without its signature.
    pub signoff: SignOff,
    /// The role of its step.
    pub role: String,
    /// The exact bytes to sign.
    pub message: String,
}

/// Why a sign-off cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The person is not in `siaran.yaml`.
    #[error("no person `{person}` in siaran.yaml{hint}")]
    UnknownPerson {
        /// The id given.
        person: String,
        /// A "did you mean" suffix, or empty.
        hint: String,
    },
    /// The post's workflow or revision is unusable.
    #[error("the post's workflow `{0}` cannot be used; run `siaran check`")]
    Workflow(String),
    /// A media file or attachment could not be read, so there is no digest to sign.
    #[error("some of the post's files cannot be read, so its content cannot be signed; run `siaran check`")]
    Unreadable,
    /// The chain is complete: nothing to approve.
    #[error("every step before upload is already approved; nothing is awaited")]
    Complete,
    /// An approval in the current round covers content that has since changed.
    #[error("step `{step}` by {by} approved content that has changed since; approvals cannot continue on it")]
    Stale {
        /// The step of the first stale sign-off.
        step: String,
        /// Its signer.
        by: String,
    },
    /// The chain has errors, so no approval can follow.
    #[error("the post's chain has errors; fix what `siaran check` reports first")]
    ChainErrors,
    /// A reject on a step that makes no decision.
    #[error("step `{step}` ({kind}) is next and cannot reject; only review and approve steps send content back")]
    CannotReject {
        /// The step.
        step: String,
        /// Its kind.
        kind: &'static str,
    },
    /// A reject without the written response.
    #[error("a reject needs the SOP's written response: add --note \"...\"")]
    RejectWithoutNote,
    /// The person does not hold the step's role.
    #[error("{name} ({person}) does not hold role `{role}`, needed for step `{step}`; it may be signed by: {holders}")]
    Role {
        /// Person id.
        person: String,
        /// Person's name.
        name: String,
        /// The role needed.
        role: String,
        /// The step.
        step: String,
        /// Who holds the role.
        holders: String,
    },
    /// Maker-checker: the person already signed another decision step this round.
    #[error("{person} already signed step `{other}` in this round; another holder of the role must sign `{step}`")]
    SameSigner {
        /// Person id.
        person: String,
        /// The step already signed.
        other: String,
        /// The step asked for.
        step: String,
    },
    /// The time is before the last sign-off or in the future.
    #[error("the sign-off time {at} is {why}")]
    Time {
        /// The time asked for.
        at: DateTime<FixedOffset>,
        /// What is wrong with it.
        why: String,
    },
}

/// What a signer asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// The person id.
    pub person: &'a str,
    /// Approve or reject.
    pub decision: Decision,
    /// The written note.
    pub note: &'a str,
    /// The time of the sign-off.
    pub at: DateTime<FixedOffset>,
}

/// Plans a sign-off of the next step of `post`.
pub fn plan(
    post: &Post,
    chain: &Chain,
    config: &Config,
    request: Request<'_>,
    now: DateTime<FixedOffset>,
) -> Result<Plan, Refusal> {
    let Request { person, decision, note, at } = request;
    let signer = config.people.get(person).ok_or_else(|| Refusal::UnknownPerson {
        person: person.to_string(),
        hint: format!(" ({})", suggest::did_you_mean(person, config.people.keys().map(String::as_str))),
    })?;
    let workflow = config.workflows.get(&post.workflow).ok_or_else(|| Refusal::Workflow(post.workflow.clone()))?;
    let revision = match chain.revision(workflow) {
        Some(revision) => revision,
        None if post.signoffs.is_empty() => workflow
            .revision_at(at.with_timezone(&config.site.timezone).date_naive())
            .map(|(_, revision)| revision)
            .ok_or_else(|| Refusal::Workflow(post.workflow.clone()))?,
        None => return Err(Refusal::Workflow(post.workflow.clone())),
    };
    let current_digest = digest::content_digest(post).ok_or(Refusal::Unreadable)?;
    let current = chain.current_signoffs(post);
    if let Some(stale) = current.iter().find(|signoff| signoff.digest.as_deref() != Some(current_digest.as_str()))
        && decision == Decision::Approve
    {
        return Err(Refusal::Stale { step: stale.step.clone(), by: stale.by.clone() });
    }
    if chain.has_errors && decision == Decision::Approve {
        return Err(Refusal::ChainErrors);
    }
    let next = chain.next_step_index(post, revision).ok_or(Refusal::ChainErrors)?;
    let steps_to_approve = revision.steps_to_approve();
    let step_index = match decision {
        Decision::Approve if next >= steps_to_approve => return Err(Refusal::Complete),
        Decision::Approve => next,
        // After the last decision, that step may still send the content back.
        Decision::Reject => next.min(steps_to_approve.saturating_sub(1)),
    };
    let step = revision.steps.get(step_index).ok_or(Refusal::Complete)?;
    if decision == Decision::Reject {
        if !step.kind.is_decision() || step.kind == StepKind::Publish {
            return Err(Refusal::CannotReject { step: step.id.clone(), kind: step.kind.as_str() });
        }
        if note.trim().is_empty() {
            return Err(Refusal::RejectWithoutNote);
        }
    }
    if !signer.roles.contains(&step.role) {
        return Err(Refusal::Role {
            person: signer.id.clone(),
            name: signer.name.clone(),
            role: step.role.clone(),
            step: step.id.clone(),
            holders: config.holders(&step.role).map(|holder| holder.id.as_str()).collect::<Vec<_>>().join(", "),
        });
    }
    if workflow.distinct && step.kind.is_decision() {
        let earlier = current.iter().find(|signoff| {
            signoff.by == signer.id
                && signoff.step != step.id
                && revision.steps.iter().any(|other| other.id == signoff.step && other.kind.is_decision())
        });
        if let Some(earlier) = earlier {
            return Err(Refusal::SameSigner {
                person: signer.id.clone(),
                other: earlier.step.clone(),
                step: step.id.clone(),
            });
        }
    }
    if let Some(last) = post.signoffs.last().filter(|last| at < last.at) {
        return Err(Refusal::Time { at, why: format!("before the last sign-off ({})", last.at) });
    }
    if at > now + TimeDelta::minutes(FUTURE_TOLERANCE_MINUTES) {
        return Err(Refusal::Time { at, why: "in the future".to_string() });
    }
    let previous = match post.signoffs.last() {
        None => None,
        Some(last) => Some(
            last.signature
                .as_deref()
                .and_then(|text| signature::parse(text).ok())
                .and_then(|sig| signature::signature_hash(&sig))
                .ok_or(Refusal::ChainErrors)?,
        ),
    };
    let signoff = SignOff {
        step: step.id.clone(),
        by: signer.id.clone(),
        at,
        decision,
        note: note.to_string(),
        digest: Some(current_digest),
        signature: None,
    };
    let message = signature::message(&post.id, &signoff, previous.as_deref()).ok_or(Refusal::Unreadable)?;
    Ok(Plan { signoff, role: step.role.clone(), message })
}
