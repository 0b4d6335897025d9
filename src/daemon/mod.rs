//! The *daemon* layer (`siaran daemon`): the office's publisher left running. It holds the
//! publish lock for its whole life, so a second daemon or a `siaran publish` refuses to race
//! it. tokio-cron-scheduler fires the frequent `schedule:` jobs (publish, build) in the
//! site's time zone; a precise timer waits for the next post's `publish_at` so a post goes
//! out within a second of its time, not at the next cron tick; and the monthly `report` job
//! (last month's recap into `.siaran/laporan/`) is timed from the daemon's own clock. On start it
//! catches up (publishes what fell due while it was down, rebuilds the site). SIGTERM or
//! SIGINT stops it gently: no new attempt starts, the one under way finishes and is
//! recorded, so the ledger never holds an attempt the daemon abandoned.
//!
//! Jobs run one at a time on a blocking thread ([`jobs`]); the async side only waits.

pub mod clock;
pub mod jobs;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, FixedOffset};
use tokio::sync::{mpsc, watch};
use tokio_cron_scheduler::{Job, JobScheduler};

pub use clock::Clock;
use jobs::Task;

use crate::publish::lock::{self, LockError};

/// What to run.
#[derive(Clone, Debug)]
pub struct DaemonOptions {
    /// The repository root.
    pub root: PathBuf,
    /// Where the archive site is built.
    pub out: PathBuf,
    /// A fixed start for the clock (`--clock`), advancing in real time.
    pub clock: Option<DateTime<FixedOffset>>,
}

/// Why the daemon did not run.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// Another publisher holds the lock.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The repository cannot be used.
    #[error("{0}")]
    Repository(String),
    /// A `schedule:` entry the scheduler refuses.
    #[error("schedule `{name}`: {message}")]
    Schedule {
        /// The job.
        name: &'static str,
        /// What was wrong.
        message: String,
    },
    /// The async runtime could not start.
    #[error("cannot start: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Runs until SIGTERM or SIGINT.
pub fn run(options: DaemonOptions) -> Result<(), DaemonError> {
    let _lock = lock::acquire(&options.root)?;
    let probe = jobs::load(&options.root, options.clock.unwrap_or_else(|| chrono::Utc::now().fixed_offset()))
        .map_err(DaemonError::Repository)?;
    let zone = probe.config.site.timezone;
    let schedule = probe.config.schedule.clone();
    drop(probe);
    let clock = match options.clock {
        Some(start) => Clock::starting_at(start, zone),
        None => Clock::system(zone),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        let (publish_tasks, publish_queue) = mpsc::unbounded_channel::<Task>();
        let (other_tasks, other_queue) = mpsc::unbounded_channel::<Task>();
        let lane_of = move |task: Task| if task == Task::Publish { publish_tasks.clone() } else { other_tasks.clone() };
        let mut scheduler = JobScheduler::new()
            .await
            .map_err(|error| DaemonError::Schedule { name: "scheduler", message: error.to_string() })?;
        for (task, cron) in [(Task::Publish, &schedule.publish), (Task::Build, &schedule.build)] {
            let sender = lane_of(task);
            let job = Job::new_async_tz(cron.as_str(), zone, move |_, _| {
                let sender = sender.clone();
                Box::pin(async move {
                    let _ = sender.send(task);
                })
            })
            .map_err(|error| DaemonError::Schedule { name: task.name(), message: error.to_string() })?;
            scheduler
                .add(job)
                .await
                .map_err(|error| DaemonError::Schedule { name: task.name(), message: error.to_string() })?;
        }
        scheduler
            .start()
            .await
            .map_err(|error| DaemonError::Schedule { name: "scheduler", message: error.to_string() })?;
        tracing::info!(
            publish = %schedule.publish, build = %schedule.build, report = %schedule.report,
            "daemon started at {}", clock.now()
        );
        for warning in jobs::token_warnings(&options.root, clock.now()) {
            tracing::warn!("{warning}");
        }
        // Catch up: what fell due while no daemon ran (the site is rebuilt after it).
        let _ = lane_of(Task::Publish).send(Task::Publish);

        let stop = Arc::new(AtomicBool::new(false));
        let (stopped_tx, stopped) = watch::channel(false);
        tokio::spawn(wait_for_signal(Arc::clone(&stop), stopped_tx));
        let (due_tx, due) = watch::channel(None);
        tokio::spawn(precise_timer(clock, due, lane_of(Task::Publish)));
        match crate::config::parse_cron(&schedule.report) {
            Some(cron) => {
                tokio::spawn(cron_timer(clock, cron, Task::Report, lane_of(Task::Report)));
            }
            None => tracing::warn!("the report schedule `{}` cannot be read; no recap is filed", schedule.report),
        }
        tokio::join!(
            lane(
                options.clone(),
                clock,
                publish_queue,
                Arc::clone(&stop),
                stopped.clone(),
                Some(Followers { due: due_tx, build: lane_of(Task::Build) })
            ),
            lane(options.clone(), clock, other_queue, Arc::clone(&stop), stopped, None),
        );
        let _ = scheduler.shutdown().await;
        tracing::info!("daemon stopped; every attempt it started is recorded");
        Ok(())
    })
}

/// Where a lane reports: the publish lane tells the precise timer the next due time and
/// asks the other lane for a build once something went live (and after its first pass).
struct Followers {
    due: watch::Sender<Option<DateTime<FixedOffset>>>,
    build: mpsc::UnboundedSender<Task>,
}

/// One lane of work: its tasks run one at a time until stopped; tasks queued together run
/// once each. Publishing has a lane of its own, so a long build never delays a post.
async fn lane(
    options: DaemonOptions,
    clock: Clock,
    mut queue: mpsc::UnboundedReceiver<Task>,
    stop: Arc<AtomicBool>,
    mut stopped: watch::Receiver<bool>,
    followers: Option<Followers>,
) {
    // The start-up warnings count for the first day.
    let mut warned_on = clock.now().date_naive();
    let mut first_pass = true;
    loop {
        let first = tokio::select! {
            biased;
            _ = stopped.changed() => break,
            task = queue.recv() => match task { Some(task) => task, None => break },
        };
        let mut batch = BTreeSet::from([first]);
        while let Ok(task) = queue.try_recv() {
            batch.insert(task);
        }
        for task in batch {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let (root, out, flag) = (options.root.clone(), options.out.clone(), Arc::clone(&stop));
            let now = clock.now();
            let log = tokio::task::spawn_blocking(move || {
                let log = jobs::run(task, &root, &out, now, &flag);
                release_free_memory();
                log
            })
            .await;
            let Ok(log) = log else {
                tracing::error!(task = task.name(), "the job stopped unexpectedly");
                continue;
            };
            if log.lines.is_empty() && log.errors.is_empty() {
                tracing::debug!(task = task.name(), "nothing to do at {now}");
            }
            for line in &log.lines {
                tracing::info!(task = task.name(), "{line}");
            }
            for error in &log.errors {
                tracing::error!(task = task.name(), "{error}");
            }
            if let Some(followers) = followers.as_ref().filter(|_| task == Task::Publish) {
                let _ = followers.due.send(log.next_due);
                if log.went_live || std::mem::take(&mut first_pass) {
                    let _ = followers.build.send(Task::Build);
                }
            } else if task == Task::Build && clock.now().date_naive() != warned_on {
                // Once a day is enough to be told a token is about to expire.
                warned_on = clock.now().date_naive();
                for warning in jobs::token_warnings(&options.root, clock.now()) {
                    tracing::warn!("{warning}");
                }
            }
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
}

/// Gives the memory a job freed back to the system. glibc keeps freed memory in per-thread
/// arenas for reuse, so a daemon that built the site once would otherwise hold tens of
/// megabytes it no longer uses while it sleeps until the next post.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: `malloc_trim` only hands free pages of glibc's own heaps back to the
        // kernel; it reads no memory of ours and is safe to call from any thread.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Queues a publish at the next post's `publish_at` (plus a hair, so that "now" has
/// certainly reached it), re-aimed whenever a job reports a new next time.
async fn precise_timer(
    clock: Clock,
    mut due: watch::Receiver<Option<DateTime<FixedOffset>>>,
    tasks: mpsc::UnboundedSender<Task>,
) {
    const MARGIN: std::time::Duration = std::time::Duration::from_millis(20);
    loop {
        let next = *due.borrow_and_update();
        match next {
            Some(at) => {
                tokio::select! {
                    _ = tokio::time::sleep(clock.until(at) + MARGIN) => {
                        tracing::debug!("precise timer: {at} has come");
                        if tasks.send(Task::Publish).is_err() { return; }
                        if due.changed().await.is_err() { return; }
                    }
                    changed = due.changed() => if changed.is_err() { return; },
                }
            }
            None => {
                if due.changed().await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Queues `task` at every time `cron` names on the daemon's own clock. The monthly recap runs
/// this way rather than through the scheduler: a job due once a month is timed from the same
/// clock as the posts, so it fires at its minute after any long sleep and in `--clock`
/// rehearsals alike.
async fn cron_timer(clock: Clock, cron: croner::Cron, task: Task, tasks: mpsc::UnboundedSender<Task>) {
    while let Some(next) = clock.next_of(&cron) {
        tokio::time::sleep(clock.until(next) + std::time::Duration::from_millis(20)).await;
        tracing::debug!("{}: {next} has come", task.name());
        if tasks.send(task).is_err() {
            return;
        }
        // Past `next` now, so the following search finds the time after it.
    }
}

/// Raises `stop` at SIGTERM or SIGINT.
async fn wait_for_signal(stop: Arc<AtomicBool>, stopped: watch::Sender<bool>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut terminate), Ok(mut interrupt)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
        else {
            tracing::warn!("cannot listen for signals; stop the daemon with SIGKILL only between jobs");
            return;
        };
        tokio::select! {
            _ = terminate.recv() => tracing::info!("SIGTERM: finishing the attempt under way"),
            _ = interrupt.recv() => tracing::info!("SIGINT: finishing the attempt under way"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    stop.store(true, Ordering::SeqCst);
    let _ = stopped.send(true);
}
