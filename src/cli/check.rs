//! `siaran check`.

use std::io::Write;
use std::path::{Path, PathBuf};

use siaran::check::{self, format};

use super::{CheckFormat, CliError, Context, Outcome};

pub fn run(context: &Context, paths: &[PathBuf], gate: bool, output: CheckFormat) -> Result<Outcome, CliError> {
    let mut loaded = check::load(&context.root, context.now);
    if gate && let Some(repository) = &loaded.repository {
        loaded.diagnostics.extend(check::gate_diagnostics(repository));
        loaded.diagnostics.sort();
    }
    let filters: Vec<String> = paths.iter().map(|path| relative(&context.root, path)).collect();
    let include = |file: &str| {
        filters.is_empty()
            || file == siaran::config::CONFIG_FILE
            || file.starts_with("publish-targets/")
            || filters
                .iter()
                .any(|filter| file == filter || file.starts_with(&format!("{}/", filter.trim_end_matches('/'))))
    };
    let shown: Vec<_> = loaded.diagnostics.iter().filter(|d| include(&d.file)).collect();
    let summary = loaded.summary(include);
    let text = match output {
        CheckFormat::Human => {
            let mut text = format::human(&context.root, &shown, &summary, context.color);
            if context.quiet && shown.is_empty() {
                text.clear();
            }
            if context.verbose > 0
                && let Some(repository) = &loaded.repository
            {
                let listing: String = repository
                    .statuses()
                    .iter()
                    .zip(&repository.posts)
                    .filter(|(_, checked)| include(&checked.post.file))
                    .map(|(status, checked)| {
                        let mark = if checked.is_valid { "ok" } else { "PROBLEMS" };
                        format!("{mark:<9} {:<10} {}\n", status.state.as_str(), status.post)
                    })
                    .collect();
                text.insert_str(0, &listing);
            }
            text
        }
        CheckFormat::Github => format::github(&shown, &summary),
        CheckFormat::Json => format::json(&shown, &summary),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(if loaded.has_config_errors() {
        Outcome::ConfigurationError
    } else if summary.errors > 0 {
        Outcome::ProblemsFound
    } else {
        Outcome::Success
    })
}

/// A command-line path as a root-relative path with `/` separators.
fn relative(root: &Path, path: &Path) -> String {
    if !path.is_absolute() && root.join(path).exists() {
        return path.to_string_lossy().replace('\\', "/").trim_start_matches("./").to_string();
    }
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|dir| dir.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    let root_absolute = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let path_absolute = std::fs::canonicalize(&joined).unwrap_or(joined);
    path_absolute
        .strip_prefix(&root_absolute)
        .map(|rest| rest.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.to_string_lossy().replace('\\', "/"))
}
