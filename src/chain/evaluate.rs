//! Checking one post's sign-offs against its workflow.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, TimeZone};
use chrono_tz::Tz;

use super::signature::SignatureBatch;
use super::verify::{self, Verification};
use super::{Chain, digest, needs, rounds};
use crate::config::{Config, Revision, StepKind, Workflow};
use crate::content::{Decision, Post, SignOff};
use crate::source::{Code, Finding, Severity, YamlPath, suggest, time};

/// How far in the future a sign-off may be dated before it is refused (clock skew).
pub(crate) const FUTURE_TOLERANCE_MINUTES: i64 = 5;

/// Whether evaluating `post` at any time after `evaluated_at` gives what evaluating it at
/// `evaluated_at` gave. "Now" enters a chain in two places: a post with no sign-off yet is
/// held to the workflow revision in force today, and a sign-off dated after now (beyond
/// the tolerance) is an error. Neither can change for a post that has a sign-off and none
/// in the future.
pub fn holds_later(post: &Post, evaluated_at: DateTime<FixedOffset>) -> bool {
    !post.signoffs.is_empty()
        && post.signoffs.iter().all(|signoff| signoff.at <= evaluated_at + TimeDelta::minutes(FUTURE_TOLERANCE_MINUTES))
}

/// Evaluates a post's chain. Findings are located in the post's front matter.
pub fn evaluate(post: &Post, config: &Config, now: DateTime<FixedOffset>) -> (Chain, Vec<Finding>) {
    let (chain, findings, _) = evaluate_with(post, config, now, Verification::Now);
    (chain, findings)
}

/// Evaluates a post's chain, doing the signatures' curve arithmetic as `verification`
/// says. With [`Verification::Deferred`] the post's signatures are taken to verify as one
/// batch, which is returned: the chain and findings are the post's only if that batch
/// verifies (alone or with other posts' batches, [`SignatureBatch::verify_together`]);
/// otherwise evaluate the post again with [`Verification::Now`]. Without a batch, the
/// signatures were checked here.
pub fn evaluate_with(
    post: &Post,
    config: &Config,
    now: DateTime<FixedOffset>,
    verification: Verification,
) -> (Chain, Vec<Finding>, Option<SignatureBatch>) {
    let mut findings = Vec::new();
    let rounds = rounds(&post.signoffs);
    let mut chain =
        Chain { revision: None, rounds, approved: 0, has_errors: false, is_complete: false, is_stale: false };
    let Some(workflow) = config.workflows.get(&post.workflow) else {
        chain.has_errors = true;
        if config.broken_workflows.contains(&post.workflow) {
            return (chain, findings, None);
        }
        findings.push(
            Finding::error(
                Code::PostUnknownWorkflow,
                YamlPath::of("workflow"),
                format!("no workflow `{}` in siaran.yaml", post.workflow),
            )
            .with_hint(suggest::did_you_mean(&post.workflow, config.workflows.keys().map(String::as_str))),
        );
        chain.has_errors = true;
        return (chain, findings, None);
    };
    let zone = config.site.timezone;
    let held_to = post
        .signoffs
        .first()
        .map_or_else(|| now.with_timezone(&zone).date_naive(), |first| first.at.with_timezone(&zone).date_naive());
    let Some((revision_index, revision)) = workflow.revision_at(held_to) else {
        if !post.signoffs.is_empty() {
            let first_effective =
                workflow.revisions.first().map(|revision| revision.effective.to_string()).unwrap_or_default();
            findings.push(
                Finding::error(
                    Code::ChainNoRevision,
                    YamlPath::of("signoffs").index(0).key("at"),
                    format!("workflow `{}` had no revision in force on {held_to}; the first took effect on {first_effective}", workflow.id),
                )
                .with_hint("check the sign-off's date, or the `effective` date of the workflow's revisions"),
            );
            chain.has_errors = true;
        }
        return (chain, findings, None);
    };
    chain.revision = Some(revision_index);

    let (signatures, batch) = verify::signature_findings(post, config, verification);
    let evidence = Evidence { signatures, current_digest: digest::content_digest(post) };
    let round_count = chain.rounds.len();
    for (round_index, round) in chain.rounds.clone().iter().enumerate() {
        let is_current = round_index + 1 == round_count;
        let round_start = if round_index == 0 {
            first_step_clock(post, revision, zone)
        } else {
            post.signoffs.get(round.signoffs.start.wrapping_sub(1)).map(|reject| reject.at)
        };
        let start = RoundStart { at: round_start, is_signoff: round_index > 0 };
        let outcome =
            check_round(post, config, workflow, revision, round.signoffs.clone(), start, now, is_current, &evidence);
        chain.has_errors |= outcome.has_errors;
        findings.extend(outcome.findings);
        if is_current {
            chain.approved = outcome.approved_prefix;
            chain.is_stale = outcome.is_stale;
        }
    }
    chain.is_complete = post.signoffs_complete
        && !chain.has_errors
        && chain.approved >= revision.steps_to_approve()
        && chain.current_round().is_some_and(|round| !round.rejected);
    (chain, findings, batch)
}

/// When a round's clock starts: the event day (round 1) or the reject that ended the last round.
struct RoundStart {
    at: Option<DateTime<FixedOffset>>,
    is_signoff: bool,
}

/// What the signatures and the current content say, per sign-off.
struct Evidence {
    signatures: Vec<Vec<Finding>>,
    current_digest: Option<String>,
}

struct RoundOutcome {
    findings: Vec<Finding>,
    is_stale: bool,
    has_errors: bool,
    approved_prefix: usize,
}

#[allow(clippy::too_many_arguments)]
fn check_round(
    post: &Post,
    config: &Config,
    workflow: &Workflow,
    revision: &Revision,
    range: std::ops::Range<usize>,
    round_start: RoundStart,
    now: DateTime<FixedOffset>,
    is_current: bool,
    evidence: &Evidence,
) -> RoundOutcome {
    let mut is_stale = false;
    let mut findings = Vec::new();
    let mut expected = 0;
    let mut approved_prefix = 0;
    let mut prefix_intact = true;
    let mut decision_signers: BTreeMap<&str, &str> = BTreeMap::new();
    let mut previous_at = round_start.at;
    let mut previous_was_signoff = round_start.is_signoff;
    let mut last_step: Option<&str> = None;
    let order = revision
        .steps
        .iter()
        .take(revision.steps_to_approve())
        .map(|step| step.id.as_str())
        .collect::<Vec<_>>()
        .join(" → ");
    for index in range {
        let signoff: &SignOff = &post.signoffs[index];
        let path = YamlPath::of("signoffs").index(index);
        let errors_before = findings.iter().filter(|f: &&Finding| f.severity == Severity::Error).count();
        findings.extend(evidence.signatures.get(index).into_iter().flatten().cloned());
        if is_current
            && let Some(current) = &evidence.current_digest
            && let Some(stale) = verify::stale_finding(signoff, index, current, config)
        {
            findings.push(stale);
            is_stale = true;
        }
        let person = config.people.get(&signoff.by);
        if person.is_none() {
            findings.push(
                Finding::error(
                    Code::ChainUnknownPerson,
                    path.clone().key("by"),
                    format!("no person `{}` in siaran.yaml", signoff.by),
                )
                .with_hint(suggest::did_you_mean(&signoff.by, config.people.keys().map(String::as_str))),
            );
        }
        let Some(step_index) = revision.step_index(&signoff.step) else {
            findings.push(
                Finding::error(
                    Code::ChainUnknownStep,
                    path.clone().key("step"),
                    format!("workflow `{}` has no step `{}`", workflow.id, signoff.step),
                )
                .with_hint(suggest::did_you_mean(&signoff.step, revision.steps.iter().map(|step| step.id.as_str()))),
            );
            prefix_intact = false;
            expected += 1;
            continue;
        };
        let step = &revision.steps[step_index];
        if step.kind == StepKind::Publish {
            findings.push(
                Finding::error(
                    Code::ChainPublishSigned,
                    path.clone().key("step"),
                    format!("step `{}` is the upload; it is not signed by hand", step.id),
                )
                .with_hint("remove this sign-off: `siaran publish` records the upload in the ledger"),
            );
            prefix_intact = false;
            continue;
        }
        // After the last decision, that step may still send the content back (a late
        // change of mind, or content edited after the chain was complete).
        let late_reject = signoff.decision == Decision::Reject
            && step.kind.is_decision()
            && step_index + 1 == expected
            && expected == revision.steps_to_approve();
        if step_index != expected && !late_reject {
            let message = match revision.steps.get(expected) {
                Some(wanted) if step_index > expected => {
                    format!("step `{}` is signed before step `{}`", step.id, wanted.id)
                }
                Some(_) => match last_step {
                    Some(last) if last == step.id => format!("step `{}` is signed twice in a row", step.id),
                    Some(last) => {
                        format!("step `{}` is signed after step `{last}`, which the workflow puts later", step.id)
                    }
                    None => format!("step `{}` is signed out of order", step.id),
                },
                None => format!("step `{}` is signed after the chain was already complete", step.id),
            };
            findings.push(Finding::error(Code::ChainOrder, path.clone().key("step"), message).with_hint(format!(
                "steps are signed in this order: {order}; after a reject, start again at the first"
            )));
            expected = expected.max(step_index + 1);
        } else {
            expected += 1;
        }
        if let Some(person) = person
            && !person.roles.contains(&step.role)
        {
            let holders: Vec<&str> = config.holders(&step.role).map(|holder| holder.id.as_str()).collect();
            findings.push(
                Finding::error(
                    Code::ChainRole,
                    path.clone().key("by"),
                    format!(
                        "{} ({}) does not hold role `{}` needed for step `{}`",
                        person.name, person.id, step.role, step.id
                    ),
                )
                .with_hint(match holders.is_empty() {
                    true => format!("nobody holds `{}`; add it to someone's roles in siaran.yaml", step.role),
                    false => format!("this step may be signed by: {}", holders.join(", ")),
                }),
            );
        }
        if step.kind.is_decision() && workflow.distinct {
            match decision_signers.get(signoff.by.as_str()) {
                Some(other) if *other != step.id => findings.push(
                    Finding::error(
                        Code::ChainSameSigner,
                        path.clone().key("by"),
                        format!(
                            "`{}` already signed step `{other}` in this round; one person may not check twice",
                            signoff.by
                        ),
                    )
                    .with_hint("maker-checker: another holder of the role must sign this step"),
                ),
                _ => {
                    decision_signers.insert(&signoff.by, &step.id);
                }
            }
        }
        if signoff.decision == Decision::Reject {
            if !step.kind.is_decision() {
                findings.push(
                    Finding::error(
                        Code::ChainRejectStep,
                        path.clone().key("decision"),
                        format!("step `{}` ({}) cannot reject", step.id, step.kind.as_str()),
                    )
                    .with_hint("only review and approve steps send content back"),
                );
            }
            if signoff.note.trim().is_empty() {
                findings.push(
                    Finding::error(
                        Code::ChainRejectWithoutNote,
                        path.clone().key("decision"),
                        format!("the reject at step `{}` has no written response", step.id),
                    )
                    .with_hint("add `note:` saying what must be corrected; the SOP requires a written response"),
                );
            }
        }
        if let Some(previous) = previous_at.filter(|_| previous_was_signoff)
            && signoff.at < previous
        {
            findings.push(
                Finding::error(
                    Code::ChainTime,
                    path.clone().key("at"),
                    format!("signed at {}, before the sign-off it follows ({previous})", signoff.at),
                )
                .with_hint("sign-offs are listed in the order they were given; check the time"),
            );
        }
        if signoff.at > now + TimeDelta::minutes(FUTURE_TOLERANCE_MINUTES) {
            findings.push(
                Finding::error(
                    Code::ChainTime,
                    path.clone().key("at"),
                    format!("signed at {}, which is in the future", signoff.at),
                )
                .with_hint("a sign-off records when it was given; check the date and the offset"),
            );
        }
        if let (Some(within), Some(start)) = (step.within, previous_at) {
            let taken = signoff.at - start;
            if taken > within {
                findings.push(
                    Finding::warning(
                        Code::ChainOverBudget,
                        path.clone().key("at"),
                        format!(
                            "step `{}` took {}; the SOP allows {}",
                            step.id,
                            time::format_duration(taken),
                            time::format_duration(within)
                        ),
                    )
                    .with_hint("no action needed: overruns are counted in the report"),
                );
            }
        }
        if is_current && signoff.decision == Decision::Approve {
            findings.extend(needs::unmet(step, post, &path));
        }
        previous_at = Some(signoff.at);
        previous_was_signoff = true;
        last_step = Some(&step.id);
        let errors_after = findings.iter().filter(|f| f.severity == Severity::Error).count();
        let clean = errors_after == errors_before;
        if prefix_intact && clean && signoff.decision == Decision::Approve && step_index == approved_prefix {
            approved_prefix += 1;
        } else {
            prefix_intact = false;
        }
    }
    let has_errors = findings.iter().any(|finding| finding.severity == Severity::Error);
    RoundOutcome { findings, is_stale, has_errors, approved_prefix }
}

/// When the first step's budget starts counting: midnight of the event day ("H"), but only
/// when that budget is in whole days (Mentawai's "day H, at most one day after"). Budgets
/// in hours or minutes measure hand-off to hand-off, so they have no start before the
/// first sign-off.
pub(crate) fn first_step_clock(post: &Post, revision: &Revision, zone: Tz) -> Option<DateTime<FixedOffset>> {
    let within = revision.steps.first()?.within?;
    if within.num_seconds() % 86_400 != 0 {
        return None;
    }
    start_of_day(post.event_date?, zone)
}

/// Midnight at the start of `date` in the office's zone.
fn start_of_day(date: NaiveDate, zone: Tz) -> Option<DateTime<FixedOffset>> {
    zone.from_local_datetime(&date.and_hms_opt(0, 0, 0)?).earliest().map(|instant| instant.fixed_offset())
}
