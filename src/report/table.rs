//! A report is a list of [`Table`]s; every output format (Markdown, CSV, XLSX, HTML) draws
//! the same tables, so the formats cannot disagree. A [`Cell`] keeps its meaning (a date, a
//! link, a number, a duration) so each format can show it natively: an Excel date, a real
//! hyperlink, a right-aligned number.

use chrono::{DateTime, FixedOffset, TimeDelta};

use crate::source::time;

/// One value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A whole number.
    Count(u64),
    /// A share, 0.0–1.0.
    Share(f64),
    /// A span of time.
    Duration(TimeDelta),
    /// An instant, shown in the office's zone.
    Time(DateTime<FixedOffset>),
    /// A link.
    Link {
        /// What is shown.
        text: String,
        /// Where it goes.
        url: String,
    },
}

impl Cell {
    /// Text from anything printable.
    pub fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    /// The cell as plain text (Markdown, CSV, and the fallback of the others).
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Count(count) => count.to_string(),
            Cell::Share(share) => format!("{:.0}%", share * 100.0),
            Cell::Duration(duration) => time::format_duration(*duration),
            Cell::Time(at) => at.format("%Y-%m-%d %H:%M").to_string(),
            Cell::Link { url, .. } => url.clone(),
        }
    }

    /// Whether the value is a number (right-aligned).
    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Count(_) | Cell::Share(_) | Cell::Duration(_))
    }
}

/// A titled table.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// A short name (the XLSX sheet's name, at most 31 characters).
    pub name: String,
    /// The heading above it.
    pub title: String,
    /// Column headers.
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
    /// Shown instead of an empty table.
    pub empty_text: String,
}

impl Table {
    /// An empty table.
    pub fn new(name: &str, title: &str, columns: &[&str], empty_text: &str) -> Table {
        Table {
            name: name.to_string(),
            title: title.to_string(),
            columns: columns.iter().map(|column| column.to_string()).collect(),
            rows: Vec::new(),
            empty_text: empty_text.to_string(),
        }
    }

    /// Adds a row, padded or cut to the columns.
    pub fn push(&mut self, mut row: Vec<Cell>) {
        row.resize(self.columns.len(), Cell::Empty);
        self.rows.push(row);
    }
}
