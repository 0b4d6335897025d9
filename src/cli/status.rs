//! `siaran status`.

use std::fmt::Write as _;
use std::io::Write;

use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::Serialize;
use siaran::chain::Status;

use super::{CliError, Context, Outcome, StatusFormat};

pub fn run(context: &Context, format: StatusFormat) -> Result<Outcome, CliError> {
    let repository = match super::load_repository(context) {
        Ok(repository) => repository,
        Err(outcome) => return Ok(outcome),
    };
    let mut diagnostics = siaran::source::Diagnostics::default();
    let ledger = siaran::ledger::load(&context.root, &mut diagnostics);
    let mut statuses = repository.statuses();
    for (status, checked) in statuses.iter_mut().zip(&repository.posts) {
        if status.state == siaran::chain::State::Approved
            && let Some(state) = siaran::ledger::publishing_state(&ledger, &checked.post.id, &checked.post.platforms)
        {
            status.state = state;
        }
    }
    let zone = repository.config.site.timezone;
    let text = match format {
        StatusFormat::Json => {
            #[derive(Serialize)]
            struct Document<'a> {
                posts: &'a [Status],
            }
            let mut text = serde_json::to_string_pretty(&Document { posts: &statuses }).unwrap_or_default();
            text.push('\n');
            text
        }
        StatusFormat::Table => table(&statuses, zone, false),
        StatusFormat::Markdown => table(&statuses, zone, true),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(Outcome::Success)
}

const HEADERS: [&str; 8] =
    ["POST", "STATE", "ROUND", "NEXT STEP", "WHO MAY SIGN", "WAITING SINCE", "OVERDUE", "PUBLISH AT"];

fn table(statuses: &[Status], zone: Tz, markdown: bool) -> String {
    let rows: Vec<[String; 8]> = statuses
        .iter()
        .map(|status| {
            [
                status.post.clone(),
                status.state.as_str().to_string(),
                status.round.to_string(),
                match (&status.next_step, &status.next_role) {
                    (Some(step), Some(role)) => format!("{step} ({role})"),
                    _ => "-".to_string(),
                },
                status.eligible.as_ref().map_or_else(
                    || "-".to_string(),
                    |who| {
                        if who.is_empty() { "nobody".to_string() } else { who.join(", ") }
                    },
                ),
                local(status.waiting_since, zone),
                overdue(status.overdue_by_seconds),
                local(status.publish_at, zone),
            ]
        })
        .collect();
    let mut out = String::new();
    if markdown {
        let _ = writeln!(out, "### Status persetujuan konten\n");
        let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(HEADERS.len()));
        for row in &rows {
            let cells: Vec<String> = row.iter().map(|cell| cell.replace('|', "\\|")).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        return out;
    }
    let mut widths = HEADERS.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut line = |cells: &[String]| {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    line(&HEADERS.map(str::to_string));
    for row in &rows {
        line(row);
    }
    out
}

fn local(instant: Option<DateTime<FixedOffset>>, zone: Tz) -> String {
    instant
        .map_or_else(|| "-".to_string(), |instant| instant.with_timezone(&zone).format("%Y-%m-%d %H:%M %Z").to_string())
}

fn overdue(seconds: i64) -> String {
    if seconds <= 0 {
        return "-".to_string();
    }
    siaran::source::time::format_duration(
        chrono::TimeDelta::seconds(seconds - seconds % 60).max(chrono::TimeDelta::minutes(1)),
    )
}
