//! The daemon's three jobs, each starting from a freshly loaded repository (posts arrive by
//! `git pull` while it runs): *publish* (one pass of the engine), *build* (the archive site,
//! made by a child `siaran build`) and *report* (the monthly recap). Each returns what it
//! did as log lines; none panics on bad data — a repository that does not load is reported
//! and the job skipped.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, FixedOffset};

use crate::check::{self, Repository};
use crate::publish::token_store::TokenStore;
use crate::publish::{JobOutcome, PublishOptions, Quiet, health, pass};
use crate::source::Diagnostics;

/// What the daemon can be asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Task {
    /// Publish what is due.
    Publish,
    /// Rebuild the archive site.
    Build,
    /// Write the monthly recap.
    Report,
}

impl Task {
    /// The task's name in logs and in `schedule:`.
    pub fn name(self) -> &'static str {
        match self {
            Task::Publish => "publish",
            Task::Build => "build",
            Task::Report => "report",
        }
    }
}

/// What a job did.
#[derive(Debug, Default)]
pub struct JobLog {
    /// Lines worth logging at info level.
    pub lines: Vec<String>,
    /// Problems.
    pub errors: Vec<String>,
    /// When the next scheduled post is due (after a publish or build job).
    pub next_due: Option<DateTime<FixedOffset>>,
    /// Whether a post went live (or was found live): the archive should show it.
    pub went_live: bool,
}

/// Loads the repository at `now`, or says why it cannot be used.
pub fn load(root: &Path, now: DateTime<FixedOffset>) -> Result<Repository, String> {
    let loaded = check::load(root, now);
    if loaded.has_config_errors() {
        let count = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        return Err(format!("the configuration has {count} error(s); run `siaran check` to see them"));
    }
    loaded.repository.ok_or_else(|| "the repository could not be loaded; run `siaran check`".to_string())
}

/// Runs one task at `now`. `stop` is raised by a signal: no new attempt starts after it.
pub fn run(task: Task, root: &Path, out: &Path, now: DateTime<FixedOffset>, stop: &Arc<AtomicBool>) -> JobLog {
    let mut log = JobLog::default();
    let repository = match load(root, now) {
        Ok(repository) => repository,
        Err(error) => {
            log.errors.push(error);
            return log;
        }
    };
    match task {
        Task::Publish => publish(&repository, stop, &mut log),
        Task::Build => build(&repository, out, now, &mut log),
        Task::Report => report(&repository, now, &mut log),
    }
    log.next_due = pass::next_due(&repository);
    log
}

fn publish(repository: &Repository, stop: &Arc<AtomicBool>, log: &mut JobLog) {
    let options = PublishOptions { stop: Arc::clone(stop), ..Default::default() };
    let tokens = TokenStore::in_repository(&repository.root);
    match pass::run(repository, &options, &tokens, &Quiet) {
        Ok(reports) => {
            log.went_live = reports
                .iter()
                .any(|report| matches!(report.outcome, JobOutcome::Published(_) | JobOutcome::Reconciled(_)));
            log.lines.extend(reports.iter().map(ToString::to_string));
        }
        Err(diagnostics) => log.errors.push(ledger_problem(&diagnostics)),
    }
}

/// The archive is built by a child `siaran build` at the same moment, not in the daemon:
/// the memory and code a build touches (hundreds of megabytes for a large archive, the
/// search indexer) leave with the child, so the daemon stays small while it waits, and a
/// build that fails in any way cannot take the publisher down with it.
fn build(repository: &Repository, out: &Path, now: DateTime<FixedOffset>, log: &mut JobLog) {
    let mut diagnostics = Diagnostics::default();
    crate::ledger::load(&repository.root, &mut diagnostics);
    if diagnostics.iter().any(|diagnostic| diagnostic.is_error()) {
        log.errors.push(ledger_problem(&diagnostics));
        return;
    }
    let run = std::env::current_exe().and_then(|siaran| {
        std::process::Command::new(siaran)
            .arg("--root")
            .arg(&repository.root)
            .arg("--clock")
            .arg(now.to_rfc3339())
            .args(["--color", "never", "build", "--out"])
            .arg(out)
            .stdin(std::process::Stdio::null())
            .output()
    });
    let output = match run {
        Ok(output) => output,
        Err(error) => {
            log.errors.push(format!("build: the site was not built: cannot start `siaran build`: {error}"));
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if let Some(summary) = stdout.lines().rev().find(|line| !line.trim().is_empty()) {
        log.lines.push(format!("build: {}", summary.trim()));
    }
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason: Vec<&str> = stderr.lines().filter(|line| !line.trim().is_empty()).take(3).collect();
        log.errors.push(format!("build: `siaran build` ended with {}: {}", output.status, reason.join(" / ")));
    }
}

/// Where the daemon files the monthly recaps, inside the repository but out of git and of
/// the public site (they hold internal failure messages).
pub const REPORTS_DIR: &str = ".siaran/laporan";

/// The previous month's recap, as Markdown and XLSX under [`REPORTS_DIR`].
fn report(repository: &Repository, now: DateTime<FixedOffset>, log: &mut JobLog) {
    use chrono::Datelike;
    let mut diagnostics = Diagnostics::default();
    let ledger = crate::ledger::load(&repository.root, &mut diagnostics);
    let zone = repository.config.site.timezone;
    let today = now.with_timezone(&zone).date_naive();
    let previous = today.with_day(1).and_then(|first| first.pred_opt()).unwrap_or(today);
    let period = crate::report::Period::Month { year: previous.year(), month: previous.month() };
    let recap = crate::report::Recap::build(repository, &ledger, period, crate::report::Audience::Office, |_| true);
    let folder = repository.root.join(REPORTS_DIR);
    let made_at = now.with_timezone(&zone).fixed_offset();
    for format in [crate::report::Format::Markdown, crate::report::Format::Xlsx] {
        let path = folder.join(format!("rekap-{period}.{}", format.extension()));
        let written =
            crate::report::render(&recap, format, made_at).map_err(|error| error.to_string()).and_then(|bytes| {
                std::fs::create_dir_all(&folder).map_err(|error| error.to_string())?;
                crate::source::file::write_atomic(&path, &bytes).map_err(|error| error.to_string())
            });
        match written {
            Ok(()) => log.lines.push(format!(
                "report: {} ({} post(s)) written to {}",
                period,
                recap.posts.len(),
                path.display()
            )),
            Err(error) => log.errors.push(format!("report: {} was not written: {error}", path.display())),
        }
    }
}

fn ledger_problem(diagnostics: &Diagnostics) -> String {
    let first = diagnostics.iter().find(|d| d.is_error()).map(|d| d.message.clone()).unwrap_or_default();
    format!("the ledger cannot be read, nothing was sent: {first}; run `siaran check`")
}

/// Token warnings for the repository at `now`.
pub fn token_warnings(root: &Path, now: DateTime<FixedOffset>) -> Vec<String> {
    match load(root, now) {
        Ok(repository) => health::token_warnings(&repository.config, &TokenStore::in_repository(root), now),
        Err(_) => Vec::new(),
    }
}
