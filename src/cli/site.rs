//! `siaran build` and `siaran verify`.

use std::path::{Path, PathBuf};

use siaran::site::{self as archive, BuildOptions};
use siaran::source::Diagnostics;

use super::{CliError, Context, Outcome};

/// The default output folder, under the repository root.
const DEFAULT_OUT: &str = "public";
/// Where draft previews go by default.
const DEFAULT_DRAFTS_OUT: &str = ".siaran/pratinjau";

pub fn build(context: &Context, out: Option<PathBuf>, drafts: bool, search: bool) -> Result<Outcome, CliError> {
    let loaded = siaran::check::load(&context.root, context.now);
    if loaded.has_config_errors() {
        return Ok(super::print_config_errors(context, &loaded));
    }
    let Some(repository) = &loaded.repository else { return Ok(Outcome::ConfigurationError) };
    let out = match out {
        // A relative folder is read from the repository root, like every other path.
        Some(out) if out.is_relative() => context.root.join(out),
        Some(out) => out,
        None if drafts => context.root.join(DEFAULT_DRAFTS_OUT),
        None => context.root.join(DEFAULT_OUT),
    };
    if drafts && same_folder(&out, &context.root.join(DEFAULT_OUT)) {
        return Err(CliError::Usage(format!(
            "a draft preview is never written to {DEFAULT_OUT}/ (it would publish unapproved posts); give another --out"
        )));
    }
    let mut ledger_diagnostics = Diagnostics::default();
    let ledger = siaran::ledger::load(&context.root, &mut ledger_diagnostics);
    let options = BuildOptions { out: out.clone(), drafts, search, index: true };
    let report = match archive::build(repository, &ledger, &options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: the site was not built: {error}");
            if let archive::SiteError::Template(template) = &error
                && let Some(file) = &template.file
            {
                eprintln!("  in {}", file.display());
            }
            return Ok(Outcome::ProblemsFound);
        }
    };
    let problems: Vec<_> =
        loaded.diagnostics.iter().chain(ledger_diagnostics.iter()).filter(|d| d.is_error()).collect();
    if !problems.is_empty() {
        let summary = siaran::check::Summary { errors: problems.len(), ..Default::default() };
        eprint!("{}", siaran::check::format::human(&context.root, &problems, &summary, context.color));
        eprintln!("note: posts with problems are left out of the site; `siaran check` lists them");
    }
    if !context.quiet {
        let shown = out.strip_prefix(&context.root).unwrap_or(&out);
        println!(
            "Situs arsip dibangun di {}: {} unggahan publik{}; {} berkas ({} dibuat ulang, {} ditulis, {} dihapus).",
            shown.display(),
            report.posts,
            if drafts { format!(", {} draf", report.drafts) } else { String::new() },
            report.files,
            report.produced,
            report.written,
            report.removed
        );
    }
    Ok(if ledger_diagnostics.iter().any(|d| d.is_error()) { Outcome::ProblemsFound } else { Outcome::Success })
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

pub fn verify(context: &Context, site: &Path, post: Option<&str>) -> Result<Outcome, CliError> {
    let verdicts = archive::verify::verify_site(site, post).map_err(|error| CliError::Usage(error.to_string()))?;
    let mut failed = 0;
    for verdict in &verdicts {
        if verdict.problems.is_empty() {
            if !context.quiet {
                println!("✓ {}: {} tanda tangan terverifikasi", verdict.post, verdict.verified);
            }
        } else {
            failed += 1;
            println!("✗ {}:", verdict.post);
            for problem in &verdict.problems {
                println!("    {problem}");
            }
        }
    }
    if !context.quiet || failed > 0 {
        println!("{} unggahan diperiksa, {} bermasalah.", verdicts.len(), failed);
    }
    Ok(if failed == 0 { Outcome::Success } else { Outcome::ProblemsFound })
}

pub fn serve(
    context: &Context,
    clock: Option<chrono::DateTime<chrono::FixedOffset>>,
    port: u16,
    drafts: bool,
) -> Result<Outcome, CliError> {
    let options = archive::serve::ServeOptions { root: context.root.clone(), port, drafts, clock };
    let quiet = context.quiet;
    let result = archive::serve::serve(options, move |address| {
        if !quiet {
            println!("Pratinjau di http://{address}/ (Ctrl+C untuk berhenti)");
        } else {
            println!("http://{address}/");
        }
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
    });
    result.map(|()| Outcome::Success).map_err(|error| CliError::Usage(error.to_string()))
}
