//! The engine (`siaran publish`): what is due, and sending it exactly once.
//!
//! A (post, target) is due when the post's chain is complete and valid, its `publish_at`
//! has come (none: as soon as approved), it has not expired, and the ledger does not show
//! it live there. Before anything is sent an `attempt` is appended (with the idempotency
//! key and the handles known so far), so a crash at any point leaves a trace: an attempt
//! without an outcome counts as *unknown*, and an unknown outcome is reconciled with the
//! platform before any new attempt. A post later than `publish.max_delay` is recorded
//! `missed` and left for a person (`--only POST` sends it anyway). Failures are recorded
//! with a retry time (back-off, or the platform's own rate-limit reset); auth and content
//! failures wait for a person. Accounts (targets) run in parallel, each up to its
//! `limits.concurrency` posts at a time, after a first post alone.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, TimeDelta};
use sha2::{Digest, Sha256};

use super::adapter::{Adapter, AttemptError, Journal, Outgoing, OutgoingMedia, Published, RetryAt};
use crate::chain::digest;
use crate::check::{CheckedPost, Repository};
use crate::config::{MediaFormat, Target};
use crate::content::fingerprint::hex;
use crate::ledger::{Event, EventKind, FailureClass, Ledger, LedgerWriter, TargetState};

/// Makes the adapter of a target (tests point targets at fake servers through `api_base`).
pub type AdapterFor = dyn Fn(&Target) -> Result<Box<dyn Adapter>, String> + Sync;

/// What was asked.
#[derive(Clone, Debug, Default)]
pub struct PublishOptions {
    /// Show what would be sent; send and record nothing.
    pub dry_run: bool,
    /// Only this post (and send it even if late, or after an auth/content failure).
    pub only: Option<String>,
    /// Only this target.
    pub target: Option<String>,
    /// Set from outside (a signal) to start no new job; jobs under way finish and are recorded.
    pub stop: Arc<AtomicBool>,
}

/// Watches a run: told how many jobs there are, then each one as it ends (from several
/// threads: accounts run in parallel).
pub trait Progress: Sync {
    /// The run has this many (post, target) jobs.
    fn start(&self, _jobs: usize) {}
    /// One job ended.
    fn done(&self, _report: &JobReport) {}
}

/// No one is watching.
pub struct Quiet;

impl Progress for Quiet {}

/// How one (post, target) went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// Now live.
    Published(Published),
    /// An unknown outcome turned out to be live.
    Reconciled(Published),
    /// Failed; recorded with its class.
    Failed(FailureClass, String),
    /// Not known; recorded, to be reconciled next time.
    Unknown(String),
    /// Too late; recorded `missed`.
    Missed,
    /// Waiting: a retry time not reached, or a person must act.
    Waiting(String),
    /// `--dry-run`: what would be sent.
    WouldSend(String),
}

/// One line of the run's report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobReport {
    /// Post id.
    pub post: String,
    /// Target id.
    pub target: String,
    /// The outcome.
    pub outcome: JobOutcome,
}

/// One line per job, as `siaran publish` prints it and the daemon logs it:
/// `POST → TARGET: outcome` (the outcome words in the office's language).
impl std::fmt::Display for JobReport {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{} → {}: ", self.post, self.target)?;
        match &self.outcome {
            JobOutcome::Published(copy) => write!(formatter, "terbit     {}", copy.url),
            JobOutcome::Reconciled(copy) => write!(formatter, "sudah ada  {} (dipastikan ke platform)", copy.url),
            JobOutcome::Failed(class, message) => write!(formatter, "gagal      {}: {message}", class_name(*class)),
            JobOutcome::Unknown(message) => write!(formatter, "tak pasti  {message}"),
            JobOutcome::Missed => {
                write!(formatter, "terlewat   lebih dari publish.max_delay; kirim dengan --only POST")
            }
            JobOutcome::Waiting(message) => write!(formatter, "menunggu   {message}"),
            JobOutcome::WouldSend(description) => {
                // A caption's own lines, indented under the job's line.
                write!(formatter, "akan kirim {}", description.replace('\n', "\n    "))
            }
        }
    }
}

/// A (post, target) that may need work.
struct Job<'a> {
    checked: &'a CheckedPost,
    target: &'a Target,
    state: Option<&'a TargetState>,
    outgoing: Outgoing,
}

/// Runs one publishing pass. `adapter_for` makes each target's adapter (tests point them
/// at fake servers through the targets' `api_base`).
pub fn publish(
    repository: &Repository,
    ledger: &Ledger,
    writer: &LedgerWriter,
    options: &PublishOptions,
    adapter_for: &AdapterFor,
    progress: &dyn Progress,
) -> Vec<JobReport> {
    let now = repository.now;
    let jobs = due_jobs(repository, ledger, options);
    progress.start(jobs.len());
    let mut by_target: BTreeMap<&str, Vec<Job<'_>>> = BTreeMap::new();
    for job in jobs {
        by_target.entry(job.target.id.as_str()).or_default().push(job);
    }
    let max_delay = repository.config.max_delay;
    let send = |job: &Job<'_>| run_job(job, writer, options, adapter_for, now, max_delay);
    let mut reports: Vec<JobReport> = std::thread::scope(|scope| {
        let lanes: Vec<_> = by_target
            .into_values()
            .map(|jobs| {
                let send = &send;
                scope.spawn(move || run_lane(jobs, send, options, progress))
            })
            .collect();
        lanes.into_iter().flat_map(|lane| lane.join().unwrap_or_default()).collect()
    });
    reports.sort_by(|a, b| (&a.post, &a.target).cmp(&(&b.post, &b.target)));
    reports
}

/// Sends one account's jobs: the first alone (so that a login or a token renewal happens
/// once), then up to the account's `concurrency` at a time. After a rate limit the account
/// gets nothing more in this run.
fn run_lane<'a>(
    jobs: Vec<Job<'a>>,
    send: &(dyn Fn(&Job<'a>) -> JobOutcome + Sync),
    options: &PublishOptions,
    progress: &dyn Progress,
) -> Vec<JobReport> {
    let concurrency = jobs.first().map_or(1, |job| job.target.limits.concurrency.max(1));
    let queue = Mutex::new(jobs.into_iter());
    let rate_limited = AtomicBool::new(false);
    let reports = Mutex::new(Vec::new());
    let work = |only_one: bool| {
        loop {
            let next = queue.lock().map(|mut queue| queue.next()).unwrap_or(None);
            let Some(job) = next else { break };
            let outcome = if options.stop.load(Ordering::SeqCst) {
                JobOutcome::Waiting("stopping: not started".to_string())
            } else if rate_limited.load(Ordering::SeqCst) {
                JobOutcome::Waiting("the account answered with a rate limit: not started".to_string())
            } else {
                send(&job)
            };
            if matches!(outcome, JobOutcome::Failed(FailureClass::RateLimited, _)) {
                rate_limited.store(true, Ordering::SeqCst);
            }
            let report = JobReport { post: job.outgoing.post.clone(), target: job.outgoing.target.clone(), outcome };
            progress.done(&report);
            if let Ok(mut reports) = reports.lock() {
                reports.push(report);
            }
            if only_one {
                break;
            }
        }
    };
    work(true);
    std::thread::scope(|scope| {
        for _ in 1..concurrency {
            scope.spawn(|| work(false));
        }
        work(false);
    });
    reports.into_inner().unwrap_or_default()
}

fn due_jobs<'a>(repository: &'a Repository, ledger: &'a Ledger, options: &PublishOptions) -> Vec<Job<'a>> {
    let now = repository.now;
    let base = repository.config.site.base_url.trim_end_matches('/');
    let mut jobs = Vec::new();
    for checked in &repository.posts {
        let post = &checked.post;
        if options.only.as_deref().is_some_and(|only| only.trim_matches('/') != post.id) {
            continue;
        }
        if !checked.is_valid || !checked.chain.is_complete {
            continue;
        }
        if post.publish_at.is_some_and(|at| at > now) || post.expires_at.is_some_and(|at| at <= now) {
            continue;
        }
        let Some(content_digest) = digest::content_digest(post) else { continue };
        for target_id in &post.platforms {
            if options.target.as_deref().is_some_and(|wanted| wanted != target_id) {
                continue;
            }
            let Some(target) = repository.config.targets.get(target_id) else { continue };
            let state = ledger.state(&post.id, target_id);
            if state.is_some_and(|state| state.published.is_some()) {
                continue;
            }
            let key = hex(&Sha256::digest(format!("{}\n{target_id}\n{content_digest}", post.id).as_bytes()));
            let outgoing = Outgoing {
                post: post.id.clone(),
                target: target_id.clone(),
                text: post.caption_for(target_id).to_string(),
                title: post.title_for(target_id).to_string(),
                archive_url: format!("{base}/{}/", post.id),
                media: post
                    .media
                    .iter()
                    .zip(post.staged_media())
                    .filter_map(|(media, staged)| {
                        let found = media.found.as_ref()?;
                        Some(OutgoingMedia {
                            path: found.path.clone(),
                            url: format!("{base}/{}", staged?),
                            alt: media.alt.clone(),
                            mime: media.format.map_or("application/octet-stream", MediaFormat::mime),
                        })
                    })
                    .collect(),
                idempotency_key: format!("siaran-{}", &key[..32]),
                due_micros: post
                    .publish_at
                    .or_else(|| post.signoffs.last().map(|signoff| signoff.at))
                    .map_or(0, |at| at.timestamp_micros()),
            };
            jobs.push(Job { checked, target, state, outgoing });
        }
    }
    jobs
}

/// The ledger as a journal: each handle becomes an `attempt` line with the handles so far.
struct LedgerJournal<'a> {
    writer: &'a LedgerWriter,
    outgoing: &'a Outgoing,
    attempt: u32,
    handles: BTreeMap<String, String>,
    now: DateTime<FixedOffset>,
}

impl LedgerJournal<'_> {
    fn record(&self, kind: EventKind) -> std::io::Result<()> {
        self.writer.append(&Event {
            at: self.now,
            post: self.outgoing.post.clone(),
            target: self.outgoing.target.clone(),
            kind,
        })
    }

    fn attempt(&self) -> std::io::Result<()> {
        self.record(EventKind::Attempt {
            attempt: self.attempt,
            idempotency_key: self.outgoing.idempotency_key.clone(),
            handle: self.handles.clone(),
        })
    }
}

impl Journal for LedgerJournal<'_> {
    fn handle(&mut self, name: &str, value: &str) -> std::io::Result<()> {
        self.handles.insert(name.to_string(), value.to_string());
        self.attempt()
    }
}

fn run_job(
    job: &Job<'_>,
    writer: &LedgerWriter,
    options: &PublishOptions,
    adapter_for: &AdapterFor,
    now: DateTime<FixedOffset>,
    max_delay: TimeDelta,
) -> JobOutcome {
    let adapter = match adapter_for(job.target) {
        Ok(adapter) => adapter,
        Err(message) => return JobOutcome::Waiting(message),
    };
    if options.dry_run {
        return JobOutcome::WouldSend(adapter.describe(&job.outgoing));
    }
    let forced = options.only.is_some();
    let mut journal = LedgerJournal {
        writer,
        outgoing: &job.outgoing,
        attempt: 1,
        handles: adapter.handles_before(&job.outgoing),
        now,
    };
    let write = |journal: &LedgerJournal<'_>, kind: EventKind| {
        journal.record(kind).map_err(|error| format!("cannot write the ledger: {error}"))
    };

    if let Some(state) = job.state {
        journal.attempt = state.attempts + 1;
        if state.unknown {
            let handles: BTreeMap<String, String> = state.last_handle.iter().cloned().collect();
            match adapter.reconcile(&job.outgoing, &handles) {
                Ok(Some(published)) => {
                    let kind = EventKind::Reconciled {
                        found: true,
                        remote_id: Some(published.remote_id.clone()),
                        url: Some(published.url.clone()),
                    };
                    return match write(&journal, kind) {
                        Ok(()) => JobOutcome::Reconciled(published),
                        Err(error) => JobOutcome::Waiting(error),
                    };
                }
                Ok(None) => {
                    if let Err(error) =
                        write(&journal, EventKind::Reconciled { found: false, remote_id: None, url: None })
                    {
                        return JobOutcome::Waiting(error);
                    }
                }
                Err(error) => {
                    return JobOutcome::Waiting(format!(
                        "the last attempt's outcome is unknown and cannot be checked now: {}",
                        describe(&error)
                    ));
                }
            }
        } else if let Some((class, message, retry_at)) = &state.last_failure {
            match retry_at {
                Some(at) if *at > now && !forced => return JobOutcome::Waiting(format!("retry after {at}")),
                None if !forced && matches!(class, FailureClass::Auth | FailureClass::Content) => {
                    return JobOutcome::Waiting(format!("needs a person ({}): {message}", class_name(*class)));
                }
                _ => {}
            }
        } else if state.missed && !forced {
            return JobOutcome::Waiting("missed; `siaran publish --only POST` sends it".to_string());
        }
    }
    let due_at = job.checked.post.publish_at.or_else(|| job.checked.post.signoffs.last().map(|signoff| signoff.at));
    if !forced && due_at.is_some_and(|at| now - at > max_delay) && job.state.is_none_or(|state| !state.missed) {
        return match write(
            &journal,
            EventKind::Missed {
                message: format!("more than {} late", crate::source::time::format_duration(max_delay)),
            },
        ) {
            Ok(()) => JobOutcome::Missed,
            Err(error) => JobOutcome::Waiting(error),
        };
    }
    if let Err(error) = journal.attempt() {
        return JobOutcome::Waiting(format!("cannot write the ledger, nothing was sent: {error}"));
    }
    let attempt = journal.attempt;
    let result = adapter.publish(&job.outgoing, &mut journal);
    let (kind, outcome) = match result {
        Ok(published) => (
            EventKind::Published { remote_id: published.remote_id.clone(), url: published.url.clone() },
            JobOutcome::Published(published),
        ),
        Err(AttemptError::Failed { class, message, retry_at }) => {
            let retry_at = match retry_at {
                Some(RetryAt::At(at)) => Some(at),
                Some(RetryAt::After(delay)) => Some(now + delay),
                None => (class == FailureClass::Retryable).then(|| now + backoff(attempt)),
            };
            (EventKind::Failed { class, message: message.clone(), retry_at }, JobOutcome::Failed(class, message))
        }
        Err(AttemptError::Unknown(message)) => {
            (EventKind::Unknown { message: message.clone() }, JobOutcome::Unknown(message))
        }
    };
    match write(&journal, kind) {
        Ok(()) => outcome,
        // The attempt is on record without an outcome: the next run reconciles it.
        Err(error) => JobOutcome::Unknown(error),
    }
}

/// Back-off after the n-th failed attempt: 2, 4, 8 ... minutes, at most an hour.
fn backoff(attempt: u32) -> TimeDelta {
    TimeDelta::minutes((1i64 << attempt.min(6)).min(60))
}

fn describe(error: &AttemptError) -> String {
    match error {
        AttemptError::Failed { message, .. } | AttemptError::Unknown(message) => message.clone(),
    }
}

/// The class's name in the ledger.
pub fn class_name(class: FailureClass) -> &'static str {
    match class {
        FailureClass::Auth => "auth",
        FailureClass::Content => "content",
        FailureClass::RateLimited => "rate_limited",
        FailureClass::Retryable => "retryable",
    }
}

/// The earliest `publish_at` after now of an approved, valid, unexpired post that some of
/// its targets still lack: the moment the daemon's precise timer waits for.
pub fn next_due(repository: &Repository, ledger: &Ledger) -> Option<DateTime<FixedOffset>> {
    let now = repository.now;
    repository
        .posts
        .iter()
        .filter(|checked| checked.is_valid && checked.chain.is_complete)
        .filter_map(|checked| {
            let post = &checked.post;
            let at = post.publish_at.filter(|at| *at > now)?;
            let lacking = post.platforms.iter().any(|target| {
                repository.config.targets.contains_key(target)
                    && ledger.state(&post.id, target).is_none_or(|state| state.published.is_none())
            });
            (lacking && post.expires_at.is_none_or(|expires| expires > at)).then_some(at)
        })
        .min()
}
