//! `siaran report`: the recap of a month or the report of a quarter.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use siaran::report::{self, Audience, Format, Period, Recap};
use siaran::source::file;

use super::{CliError, Context, Outcome, ReportFormat};

pub fn run(
    context: &Context,
    month: Option<String>,
    quarter: Option<String>,
    format: ReportFormat,
    out: Option<PathBuf>,
) -> Result<Outcome, CliError> {
    let period = match (month, quarter) {
        (Some(month), _) => Period::month(&month),
        (None, Some(quarter)) => Period::quarter(&quarter),
        (None, None) => return Err(CliError::Usage("give --month YYYY-MM or --quarter YYYYQn".to_string())),
    }
    .map_err(|error| CliError::Usage(error.to_string()))?;
    let format = match format {
        ReportFormat::Md => Format::Markdown,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Xlsx => Format::Xlsx,
        ReportFormat::Html => Format::Html,
    };
    if format == Format::Xlsx && out.is_none() && std::io::stdout().is_terminal() {
        return Err(CliError::Usage(format!(
            "an Excel workbook cannot be shown in the terminal; add --out rekap-{period}.xlsx"
        )));
    }
    let repository = match super::load_repository(context) {
        Ok(repository) => repository,
        Err(outcome) => return Ok(outcome),
    };
    let mut diagnostics = siaran::source::Diagnostics::default();
    let ledger = siaran::ledger::load(&context.root, &mut diagnostics);
    for diagnostic in diagnostics.iter() {
        eprintln!("warning: {}: {}", diagnostic.file, diagnostic.message);
    }
    let recap = Recap::build(&repository, &ledger, period, Audience::Office, |_| true);
    let made_at = context.now.with_timezone(&repository.config.site.timezone).fixed_offset();
    let bytes = report::render(&recap, format, made_at)?;
    match &out {
        Some(path) => file::write_atomic(path, &bytes)?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    if !context.quiet {
        if recap.is_empty() {
            eprintln!("Tidak ada konten pada {}: laporan kosong.", period.title());
        }
        if let Some(path) = &out {
            eprintln!("{} ({} konten) ditulis ke {}", report::heading(&recap), recap.posts.len(), path.display());
        }
    }
    Ok(Outcome::Success)
}
