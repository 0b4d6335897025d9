//! One publishing pass, as `siaran publish` and the daemon's publish job both run it: read
//! the ledger — if it cannot be read, nothing is sent, because the ledger is what says what
//! already went out — then publish what is due and append each outcome. The caller holds
//! the publish lock.

use chrono::{DateTime, FixedOffset};

use super::adapters;
use super::engine::{self, JobReport, Progress, PublishOptions};
use super::token_store::TokenStore;
use crate::check::Repository;
use crate::config::Target;
use crate::ledger::{self, Ledger, LedgerWriter};
use crate::source::Diagnostics;

/// Runs one pass. `Err` carries the ledger's problems (nothing was sent).
pub fn run(
    repository: &Repository,
    options: &PublishOptions,
    tokens: &TokenStore,
    progress: &dyn Progress,
) -> Result<Vec<JobReport>, Diagnostics> {
    let ledger = read_ledger(repository)?;
    let writer = LedgerWriter::new(&repository.root, repository.config.site.timezone);
    let tokens = tokens.clone();
    let adapter_for = move |target: &Target| adapters::for_target(target, &tokens);
    Ok(engine::publish(repository, &ledger, &writer, options, &adapter_for, progress))
}

/// When the next scheduled post falls due, after the repository's "now".
pub fn next_due(repository: &Repository) -> Option<DateTime<FixedOffset>> {
    let ledger = read_ledger(repository).ok()?;
    engine::next_due(repository, &ledger)
}

fn read_ledger(repository: &Repository) -> Result<Ledger, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let ledger = ledger::load(&repository.root, &mut diagnostics);
    if diagnostics.iter().any(|diagnostic| diagnostic.is_error()) { Err(diagnostics) } else { Ok(ledger) }
}
