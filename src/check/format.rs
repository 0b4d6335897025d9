//! Printing diagnostics: `human` (each problem with its source line, drawn by miette),
//! `github` (workflow commands that annotate the pull request) and `json` (the stable
//! machine contract that CI and tools read).

use std::fmt::Write as _;
use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

use super::Summary;
use crate::source::{Diagnostic, Severity, file};

/// Renders diagnostics for people, each with the source line it concerns.
pub fn human(root: &Path, diagnostics: &[&Diagnostic], summary: &Summary, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false).with_context_lines(1);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(root, diagnostic);
        if handler.render_report(&mut out, &report).is_err() {
            let _ = writeln!(out, "{}: {}", diagnostic.code, diagnostic.message);
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary_line(summary));
    out
}

/// The one-line summary at the end of a human report.
pub fn summary_line(summary: &Summary) -> String {
    format!(
        "{} post{}: {} complete, {} awaiting sign-off; {} error{}, {} warning{}",
        summary.posts,
        plural(summary.posts),
        summary.complete,
        summary.pending,
        summary.errors,
        plural(summary.errors),
        summary.warnings,
        plural(summary.warnings)
    )
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Renders diagnostics as GitHub Actions workflow commands.
pub fn github(diagnostics: &[&Diagnostic], summary: &Summary) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = diagnostic.message.clone();
        if let Some(hint) = &diagnostic.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        let _ = write!(out, "::{command} file={}", escape_property(&diagnostic.file));
        if diagnostic.line > 0 {
            let _ = write!(out, ",line={}", diagnostic.line);
        }
        if diagnostic.column > 0 {
            let _ = write!(out, ",col={}", diagnostic.column);
        }
        let _ = writeln!(out, ",title={}::{}", escape_property(diagnostic.code.as_str()), escape_data(&message));
    }
    let _ = writeln!(out, "{}", summary_line(summary));
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Renders diagnostics and the summary as the stable JSON document.
pub fn json(diagnostics: &[&Diagnostic], summary: &Summary) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        diagnostics: &'a [&'a Diagnostic],
        summary: &'a Summary,
    }
    let mut text = serde_json::to_string_pretty(&Document { diagnostics, summary }).unwrap_or_default();
    text.push('\n');
    text
}

/// A diagnostic in the shape miette draws.
#[derive(Debug)]
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<NamedSource<String>>,
    span: Option<SourceSpan>,
}

impl<'a> Report<'a> {
    fn new(root: &Path, diagnostic: &'a Diagnostic) -> Self {
        let text = (diagnostic.line > 0)
            .then(|| file::read_text(&root.join(&diagnostic.file), file::MAX_TEXT_FILE_BYTES).ok())
            .flatten();
        let span = text.as_deref().and_then(|text| span_at(text, diagnostic.line, diagnostic.column));
        let source =
            text.filter(|_| span.is_some()).map(|text| NamedSource::new(&diagnostic.file, text).with_language("yaml"));
        Report { diagnostic, source, span }
    }
}

/// The byte span from `line:column` to the end of that line's visible text.
fn span_at(text: &str, line: usize, column: usize) -> Option<SourceSpan> {
    let mut offset = 0;
    for (index, content) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            let column_offset: usize = content.chars().take(column.saturating_sub(1)).map(char::len_utf8).sum();
            let visible = content.trim_end().len().max(column_offset + 1);
            let length = (visible - column_offset).min(content.len().saturating_sub(column_offset)).max(1);
            return Some(SourceSpan::new((offset + column_offset).into(), length));
        }
        offset += content.len();
    }
    None
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.diagnostic.message)?;
        if self.source.is_none() {
            write!(formatter, " ({}", self.diagnostic.file)?;
            if self.diagnostic.line > 0 {
                write!(formatter, ":{}:{}", self.diagnostic.line, self.diagnostic.column)?;
            }
            formatter.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.diagnostic.hint.as_ref().map(|hint| Box::new(hint) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|source| source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let label = format!("{}:{}", self.diagnostic.line, self.diagnostic.column);
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some(label), span))))
    }
}
