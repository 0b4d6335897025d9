//! The `siaran` command: parse arguments, run, print, exit with 0 (ok), 1 (problems
//! found) or 2 (usage or configuration error).

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(outcome) => outcome.exit_code(),
        Err(error) => {
            cli::print_error(&error);
            ExitCode::from(2)
        }
    }
}
