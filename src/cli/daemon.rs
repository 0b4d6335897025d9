//! `siaran daemon`: logs to standard error through `tracing` (`-v` for more, `-q` for
//! warnings only; `RUST_LOG` overrides), and maps the daemon's errors to exit codes.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use siaran::daemon::{self, DaemonError, DaemonOptions};

use super::{CliError, Context, Outcome};

pub fn run(context: &Context, clock: Option<DateTime<FixedOffset>>, out: PathBuf) -> Result<Outcome, CliError> {
    let level = match (context.quiet, context.verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("siaran={level},warn")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(context.color)
        .with_target(false)
        .try_init();
    let out = if out.is_absolute() { out } else { context.root.join(out) };
    match daemon::run(DaemonOptions { root: context.root.clone(), out, clock }) {
        Ok(()) => Ok(Outcome::Success),
        Err(DaemonError::Lock(error)) => Err(CliError::Usage(error.to_string())),
        Err(DaemonError::Repository(message)) => {
            eprintln!("error: {message}");
            Ok(Outcome::ConfigurationError)
        }
        Err(error) => Err(CliError::Usage(error.to_string())),
    }
}
