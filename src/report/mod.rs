//! Reports and pictures. The *recap* ("Rekapitulasi Konten Media Sosial", and over three
//! months the quarterly "Laporan Triwulan") lists what an office published in a period,
//! where, who approved it and how long each SOP step took against its budget. It is built
//! from the loaded repository and the ledger ([`Recap::build`]), turned into tables
//! ([`tables::tables`]) and drawn in the format asked for ([`render`]).
//!
//! The same layer draws each SOP as a swimlane flowchart ([`flowchart`]), as the seeds do
//! in their "bagan alir", and a post's own run through it with the real times.

pub mod chart;
mod decimal;
pub mod flowchart;
pub mod html;
mod period;
mod recap;
pub mod table;
pub mod tables;
pub mod text;
pub mod xlsx;

pub use period::{Period, PeriodError};
pub use recap::{Account, Approval, Audience, Outcome, PostLine, Recap, Rejection, StepTimings, post_date};

use chrono::{DateTime, FixedOffset};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Markdown: every table.
    Markdown,
    /// CSV: the per-post table.
    Csv,
    /// An Excel workbook: a sheet per table.
    Xlsx,
    /// A web page: every table and the charts.
    Html,
}

impl Format {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }
}

/// Why a report could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The workbook could not be written.
    #[error("the Excel workbook could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// A chart could not be drawn.
    #[error("a chart could not be drawn: {0}")]
    Chart(String),
}

/// The report's heading: "Rekapitulasi Konten Media Sosial" for a month, "Laporan
/// Triwulan" for a quarter.
pub fn heading(recap: &Recap) -> String {
    let name = match recap.period {
        Period::Month { .. } => "Rekapitulasi Konten Media Sosial",
        Period::Quarter { .. } => "Laporan Triwulan Media Sosial",
    };
    format!("{name} {}: {}", recap.office, recap.period.title())
}

/// The lines under the heading: the period's bounds, the zone, and when it was made.
pub fn intro(recap: &Recap, made_at: DateTime<FixedOffset>) -> Vec<String> {
    let last = recap.period.end_day().pred_opt().unwrap_or(recap.period.end_day());
    let mut lines = vec![
        format!(
            "Periode {} s.d. {}, waktu {}.",
            recap.period.first_day().format("%d-%m-%Y"),
            last.format("%d-%m-%Y"),
            recap.zone.name()
        ),
        format!(
            "Dibuat {} oleh siaran dari repositori konten dan buku catatan unggahan.",
            made_at.format("%Y-%m-%d %H:%M")
        ),
    ];
    if recap.is_empty() {
        lines.push(format!("Tidak ada konten pada {}.", recap.period.title()));
    }
    lines
}

/// The report in `format`.
pub fn render(recap: &Recap, format: Format, made_at: DateTime<FixedOffset>) -> Result<Vec<u8>, ReportError> {
    let tables = tables::tables(recap);
    let heading = heading(recap);
    let intro = intro(recap, made_at);
    Ok(match format {
        Format::Markdown => text::markdown(&heading, &intro, &tables).into_bytes(),
        Format::Csv => tables.first().map(text::csv).unwrap_or_default().into_bytes(),
        Format::Xlsx => xlsx::workbook(&heading, &tables)?,
        Format::Html => html::document(&heading, &intro, recap, &tables).map_err(ReportError::Chart)?.into_bytes(),
    })
}
