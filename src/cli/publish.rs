//! `siaran publish`: one pass, with a progress bar on a terminal and one line per job.

use indicatif::{ProgressBar, ProgressStyle};
use siaran::publish::confirm::{Seen, confirm as record};
use siaran::publish::token_store::TokenStore;
use siaran::publish::{JobOutcome, JobReport, Progress, PublishOptions, health, lock, pass};

use super::{CliError, Context, Outcome};

pub fn run(
    context: &Context,
    dry_run: bool,
    only: Option<String>,
    target: Option<String>,
) -> Result<Outcome, CliError> {
    let repository = match super::load_repository(context) {
        Ok(repository) => repository,
        Err(outcome) => return Ok(outcome),
    };
    let _lock = if dry_run {
        None
    } else {
        Some(lock::acquire(&context.root).map_err(|error| CliError::Usage(error.to_string()))?)
    };
    let tokens = if dry_run { TokenStore::none() } else { TokenStore::in_repository(&context.root) };
    if !context.quiet {
        for warning in health::token_warnings(&repository.config, &tokens, repository.now) {
            eprintln!("warning: {warning}");
        }
    }
    let options = PublishOptions { dry_run, only, target, ..Default::default() };
    let bar = Bar::new(context.quiet);
    let reports = match pass::run(&repository, &options, &tokens, &bar) {
        Ok(reports) => reports,
        Err(diagnostics) => {
            let problems: Vec<_> = diagnostics.iter().collect();
            let summary = siaran::check::Summary { errors: problems.len(), ..Default::default() };
            eprint!("{}", siaran::check::format::human(&context.root, &problems, &summary, context.color));
            eprintln!("error: nothing was published: the ledger must be readable to know what went out");
            return Ok(Outcome::ProblemsFound);
        }
    };
    bar.finish();
    let mut failed = false;
    for report in &reports {
        failed |= matches!(report.outcome, JobOutcome::Failed(..) | JobOutcome::Unknown(_));
        println!("{report}");
    }
    if reports.is_empty() && !context.quiet {
        println!("Tidak ada yang perlu diunggah sekarang.");
    }
    Ok(if failed { Outcome::ProblemsFound } else { Outcome::Success })
}

/// A progress bar on standard error, shown only on a terminal and for runs worth watching.
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        let bar = if quiet { ProgressBar::hidden() } else { ProgressBar::new(0) };
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos}/{len} unggahan [{bar:30}] {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Bar { bar }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, jobs: usize) {
        self.bar.set_length(jobs as u64);
        if jobs < 2 {
            self.bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
    }

    fn done(&self, report: &JobReport) {
        self.bar.set_message(format!("{} → {}", report.post, report.target));
        self.bar.inc(1);
    }
}

/// `publish --confirm POST --target T (--url URL | --not-sent)`.
pub fn confirm(
    context: &Context,
    post: &str,
    target: &str,
    url: Option<String>,
    not_sent: bool,
) -> Result<Outcome, CliError> {
    let seen = match (url, not_sent) {
        (Some(url), false) => Seen::Live(url),
        (None, true) => Seen::NotThere,
        _ => return Err(CliError::Usage("--confirm needs --url URL (it is live) or --not-sent".to_string())),
    };
    let repository = match super::load_repository(context) {
        Ok(repository) => repository,
        Err(outcome) => return Ok(outcome),
    };
    let _lock = lock::acquire(&context.root).map_err(|error| CliError::Usage(error.to_string()))?;
    let mut diagnostics = siaran::source::Diagnostics::default();
    let ledger = siaran::ledger::load(&context.root, &mut diagnostics);
    if diagnostics.iter().any(|diagnostic| diagnostic.is_error()) {
        eprintln!("error: the ledger cannot be read; run `siaran check`");
        return Ok(Outcome::ProblemsFound);
    }
    let writer = siaran::ledger::LedgerWriter::new(&context.root, repository.config.site.timezone);
    match record(&repository, &ledger, &writer, post, target, &seen) {
        Ok(()) => {
            match seen {
                Seen::Live(url) => println!("Dicatat: {post} → {target} sudah terbit di {url}"),
                Seen::NotThere => {
                    println!("Dicatat: {post} → {target} belum terbit; akan dikirim pada putaran berikutnya")
                }
            }
            Ok(Outcome::Success)
        }
        Err(error) => {
            eprintln!("error: nothing was recorded: {error}");
            Ok(Outcome::ProblemsFound)
        }
    }
}
