//! `siaran publish`.

use siaran::ledger::{LedgerWriter, load};
use siaran::publish::token_store::TokenStore;
use siaran::publish::{JobOutcome, PublishOptions, adapters, engine, lock, publish};
use siaran::source::Diagnostics;

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
    let mut diagnostics = Diagnostics::default();
    let ledger = load(&context.root, &mut diagnostics);
    if diagnostics.iter().any(|d| d.is_error()) {
        let problems: Vec<_> = diagnostics.iter().collect();
        let summary = siaran::check::Summary { errors: problems.len(), ..Default::default() };
        eprint!("{}", siaran::check::format::human(&context.root, &problems, &summary, context.color));
        eprintln!("error: nothing was published: the ledger must be readable to know what went out");
        return Ok(Outcome::ProblemsFound);
    }
    let writer = LedgerWriter::new(&context.root, repository.config.site.timezone);
    let options = PublishOptions { dry_run, only, target };
    let tokens = if dry_run { TokenStore::none() } else { TokenStore::in_repository(&context.root) };
    let adapter_for = move |target: &siaran::config::Target| adapters::for_target(target, &tokens);
    let reports = publish(&repository, &ledger, &writer, &options, &adapter_for);
    let mut failed = false;
    for report in &reports {
        let line = match &report.outcome {
            JobOutcome::Published(copy) => format!("terbit     {}", copy.url),
            JobOutcome::Reconciled(copy) => format!("sudah ada  {} (dipastikan ke platform)", copy.url),
            JobOutcome::Failed(class, message) => {
                failed = true;
                format!("gagal      {}: {message}", engine::class_name(*class))
            }
            JobOutcome::Unknown(message) => {
                failed = true;
                format!("tak pasti  {message}")
            }
            JobOutcome::Missed => "terlewat   lebih dari publish.max_delay; kirim dengan --only POST".to_string(),
            JobOutcome::Waiting(message) => format!("menunggu   {message}"),
            JobOutcome::WouldSend(description) => format!("akan kirim {description}"),
        };
        println!("{} → {}: {line}", report.post, report.target);
    }
    if reports.is_empty() && !context.quiet {
        println!("Tidak ada yang perlu diunggah sekarang.");
    }
    Ok(if failed { Outcome::ProblemsFound } else { Outcome::Success })
}
