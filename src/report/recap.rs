//! The recap ("Rekapitulasi Konten Media Sosial"): which posts of a period went out where,
//! who approved them and when, what failed or was missed, and how long each SOP step took.
//! It is built once from the loaded repository and the ledger; the output formats only
//! draw it.
//!
//! A post belongs to the period of its *date*: its first publication on any account, else
//! its `publish_at`, else its last sign-off. Drafts that are neither approved, scheduled
//! nor recorded in the ledger have no place in a recap.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, TimeDelta};
use chrono_tz::Tz;

use super::period::Period;
use crate::chain::timing::{StepTime, step_times};
use crate::check::{CheckedPost, Repository};
use crate::content::{Decision, Kind};
use crate::ledger::{EventKind, FailureClass, Ledger, TargetStatus};

/// A post's date, as the recap and the archive order posts: first publication, else
/// `publish_at`, else the last sign-off.
pub fn post_date(checked: &CheckedPost, ledger: &Ledger) -> Option<DateTime<FixedOffset>> {
    let post = &checked.post;
    ledger.first_published(&post.id).or(post.publish_at).or_else(|| post.signoffs.last().map(|signoff| signoff.at))
}

/// Who the recap is for. The public one (the archive's recap pages) holds only public posts
/// and leaves out the failures, whose platform messages are internal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The office: everything.
    Office,
    /// The archive's readers.
    Public,
}

/// The recap of one period.
#[derive(Clone, Debug)]
pub struct Recap {
    /// The office's name.
    pub office: String,
    /// The period.
    pub period: Period,
    /// The office's zone: every time is shown in it.
    pub zone: Tz,
    /// For whom.
    pub audience: Audience,
    /// The accounts that appear, by target id, with their platform's name and handle.
    pub accounts: Vec<Account>,
    /// The posts, oldest first.
    pub posts: Vec<PostLine>,
    /// Step timings, in workflow then step order.
    pub steps: Vec<StepTimings>,
    /// Every reject, oldest first.
    pub rejections: Vec<Rejection>,
}

/// An account posts went to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The target id.
    pub target: String,
    /// "Instagram", "X", ...
    pub platform: String,
    /// The handle.
    pub handle: String,
}

/// One post's line.
#[derive(Clone, Debug)]
pub struct PostLine {
    /// The post id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its kind.
    pub kind: Kind,
    /// Its workflow's title.
    pub workflow: String,
    /// Its date (see the module doc).
    pub date: DateTime<FixedOffset>,
    /// Where it stands on each target it names.
    pub outcomes: Vec<(String, Outcome)>,
    /// The approvals of its current round.
    pub approvals: Vec<Approval>,
}

/// A post on one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Live at this address.
    Published {
        /// The address.
        url: String,
    },
    /// The last attempt failed.
    Failed {
        /// How.
        class: FailureClass,
        /// The platform's message.
        message: String,
    },
    /// Too late to publish automatically.
    Missed {
        /// Why.
        message: String,
    },
    /// The last attempt's outcome is not known yet.
    Unknown {
        /// What was seen.
        message: String,
    },
    /// Nothing recorded yet.
    Pending,
}

impl Outcome {
    /// The outcome in a word, in Indonesian.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Published { .. } => "terbit",
            Outcome::Failed { .. } => "gagal",
            Outcome::Missed { .. } => "terlewat",
            Outcome::Unknown { .. } => "belum pasti",
            Outcome::Pending => "menunggu",
        }
    }
}

/// One approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    /// The step id.
    pub step: String,
    /// The signer's name.
    pub name: String,
    /// When.
    pub at: DateTime<FixedOffset>,
}

/// The times one workflow step took in the period.
#[derive(Clone, Debug, PartialEq)]
pub struct StepTimings {
    /// The workflow's title.
    pub workflow: String,
    /// The step id.
    pub step: String,
    /// The role's name.
    pub role: String,
    /// The step's budget.
    pub within: Option<TimeDelta>,
    /// Each time taken.
    pub taken: Vec<TimeDelta>,
    /// Rejects given at this step.
    pub rejections: usize,
}

impl StepTimings {
    /// The median time taken.
    pub fn median(&self) -> Option<TimeDelta> {
        self.percentile(50)
    }

    /// The 90th-percentile time taken.
    pub fn p90(&self) -> Option<TimeDelta> {
        self.percentile(90)
    }

    /// The nearest-rank percentile (the smallest time at least `percent`% of times are under).
    fn percentile(&self, percent: usize) -> Option<TimeDelta> {
        let mut sorted = self.taken.clone();
        sorted.sort();
        let rank = (percent * sorted.len()).div_ceil(100).max(1);
        sorted.get(rank - 1).copied()
    }

    /// The share of times within budget (`None` without a budget or without times).
    pub fn share_within(&self) -> Option<f64> {
        let within = self.within?;
        if self.taken.is_empty() {
            return None;
        }
        let kept = self.taken.iter().filter(|taken| **taken <= within).count();
        Some(kept as f64 / self.taken.len() as f64)
    }
}

/// A reject and its written response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The post id.
    pub post: String,
    /// Its title.
    pub title: String,
    /// The step.
    pub step: String,
    /// Who rejected.
    pub name: String,
    /// When.
    pub at: DateTime<FixedOffset>,
    /// The written response.
    pub note: String,
}

impl Recap {
    /// The recap of `period` for `audience`; `include` says which posts may appear at all
    /// (the archive passes its public test).
    pub fn build(
        repository: &Repository,
        ledger: &Ledger,
        period: Period,
        audience: Audience,
        include: impl Fn(&CheckedPost) -> bool,
    ) -> Recap {
        Recap::build_from(
            repository,
            ledger,
            period,
            audience,
            repository.posts.iter().filter(|checked| include(checked)),
        )
    }

    /// The recap of `period` for `audience` over `candidates`, the repository's posts that
    /// may appear at all: the archive, which makes a recap per month, gives each only the
    /// posts of its month rather than testing every post for every month.
    pub fn build_from<'a>(
        repository: &Repository,
        ledger: &Ledger,
        period: Period,
        audience: Audience,
        candidates: impl Iterator<Item = &'a CheckedPost>,
    ) -> Recap {
        let config = &repository.config;
        let zone = config.site.timezone;
        let mut lines: Vec<(&CheckedPost, DateTime<FixedOffset>)> = candidates
            .filter(|checked| {
                let post = &checked.post;
                checked.chain.is_complete || post.publish_at.is_some() || ledger.states_of(&post.id).next().is_some()
            })
            .filter_map(|checked| post_date(checked, ledger).map(|date| (checked, date)))
            .filter(|(_, date)| period.contains(*date, zone))
            .collect();
        lines.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.post.id.cmp(&b.0.post.id)));

        let mut steps: BTreeMap<(usize, usize), StepTimings> = BTreeMap::new();
        let mut rejections = Vec::new();
        let mut posts = Vec::new();
        for (checked, date) in &lines {
            let post = &checked.post;
            let times = step_times(post, &checked.chain, config);
            record_timings(repository, checked, ledger, &times, &mut steps);
            for time in times.iter().filter(|time| time.decision == Decision::Reject) {
                rejections.push(Rejection {
                    post: post.id.clone(),
                    title: post.title.clone(),
                    step: time.step.clone(),
                    name: person_name(repository, &time.by),
                    at: time.at.with_timezone(&zone).fixed_offset(),
                    note: post.signoffs.get(time.signoff).map(|signoff| signoff.note.clone()).unwrap_or_default(),
                });
            }
            let current_round = checked.chain.round_number();
            let approvals = times
                .iter()
                .filter(|time| time.round == current_round && time.decision == Decision::Approve)
                .map(|time| Approval {
                    step: time.step.clone(),
                    name: person_name(repository, &time.by),
                    at: time.at.with_timezone(&zone).fixed_offset(),
                })
                .collect();
            let outcomes =
                post.platforms.iter().map(|target| (target.clone(), outcome(ledger, &post.id, target))).collect();
            posts.push(PostLine {
                id: post.id.clone(),
                title: post.title.clone(),
                kind: post.kind,
                workflow: config.workflows.get(&post.workflow).map_or(post.workflow.clone(), |w| w.title.clone()),
                date: date.with_timezone(&zone).fixed_offset(),
                outcomes,
                approvals,
            });
        }
        let mut used: Vec<&String> =
            posts.iter().flat_map(|line| line.outcomes.iter().map(|(target, _)| target)).collect();
        used.sort();
        used.dedup();
        let accounts = used
            .into_iter()
            .map(|target| match config.targets.get(target) {
                Some(found) => Account {
                    target: target.clone(),
                    platform: found.platform.display_name().to_string(),
                    handle: found.account.clone(),
                },
                None => Account { target: target.clone(), platform: target.clone(), handle: String::new() },
            })
            .collect();
        Recap {
            office: config.site.office.clone(),
            period,
            zone,
            audience,
            accounts,
            posts,
            steps: steps.into_values().collect(),
            rejections,
        }
    }

    /// Whether nothing happened in the period.
    pub fn is_empty(&self) -> bool {
        self.posts.is_empty()
    }
}

fn person_name(repository: &Repository, id: &str) -> String {
    repository.config.people.get(id).map_or_else(|| id.to_string(), |person| person.name.clone())
}

/// Adds a post's step times (and its publish step's, from the ledger) to the tallies, keyed
/// by workflow position and step position so tables follow the SOP's order.
fn record_timings(
    repository: &Repository,
    checked: &CheckedPost,
    ledger: &Ledger,
    times: &[StepTime],
    steps: &mut BTreeMap<(usize, usize), StepTimings>,
) {
    let config = &repository.config;
    let post = &checked.post;
    let Some((workflow_index, workflow)) = config.workflows.values().enumerate().find(|(_, w)| w.id == post.workflow)
    else {
        return;
    };
    let Some(revision) = checked.chain.revision(workflow) else { return };
    let workflow_title = &workflow.title;
    let tally = |steps: &'_ mut BTreeMap<(usize, usize), StepTimings>, step_index: usize| {
        let step = &revision.steps[step_index];
        steps.entry((workflow_index, step_index)).or_insert_with(|| StepTimings {
            workflow: workflow_title.clone(),
            step: step.id.clone(),
            role: config.role_name(&step.role).to_string(),
            within: step.within,
            taken: Vec::new(),
            rejections: 0,
        });
    };
    for time in times {
        tally(steps, time.step_index);
        let Some(entry) = steps.get_mut(&(workflow_index, time.step_index)) else { continue };
        if let Some(taken) = time.taken() {
            entry.taken.push(taken);
        }
        if time.decision == Decision::Reject {
            entry.rejections += 1;
        }
    }
    // The publish step: from approval (or the scheduled time, when later) to the first copy.
    let publish_index = revision.steps.iter().position(|step| step.kind == crate::config::StepKind::Publish);
    let approved_at = checked.chain.is_complete.then(|| checked.chain.current_signoffs(post).last().map(|s| s.at));
    if let (Some(index), Some(Some(approved_at)), Some(live_at)) =
        (publish_index, approved_at, ledger.first_published(&post.id))
    {
        let start = post.publish_at.map_or(approved_at, |publish_at| publish_at.max(approved_at));
        tally(steps, index);
        if let Some(entry) = steps.get_mut(&(workflow_index, index)) {
            entry.taken.push((live_at - start).max(TimeDelta::zero()));
        }
    }
}

/// Where a post stands on one target, with the message of its last failure, miss or unknown.
fn outcome(ledger: &Ledger, post: &str, target: &str) -> Outcome {
    let Some(state) = ledger.state(post, target) else { return Outcome::Pending };
    let last_message = |wanted: fn(&EventKind) -> Option<&String>| {
        ledger
            .events
            .iter()
            .rev()
            .filter(|event| event.post == post && event.target == target)
            .find_map(|event| wanted(&event.kind).cloned())
            .unwrap_or_default()
    };
    match state.status() {
        TargetStatus::Published => {
            Outcome::Published { url: state.published.as_ref().map(|copy| copy.url.clone()).unwrap_or_default() }
        }
        TargetStatus::Failed(class) => Outcome::Failed {
            class,
            message: state.last_failure.as_ref().map(|(_, message, _)| message.clone()).unwrap_or_default(),
        },
        TargetStatus::Missed => Outcome::Missed {
            message: last_message(|kind| match kind {
                EventKind::Missed { message } => Some(message),
                _ => None,
            }),
        },
        TargetStatus::Unknown => Outcome::Unknown {
            message: last_message(|kind| match kind {
                EventKind::Unknown { message } => Some(message),
                _ => None,
            }),
        },
        TargetStatus::Pending => Outcome::Pending,
    }
}
