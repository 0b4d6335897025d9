//! The recap as Markdown (every table, for reading and for pasting into a letter) and as
//! CSV (the per-post table, for spreadsheets and other tools).

use std::fmt::Write as _;

use super::table::{Cell, Table};

/// Every table as Markdown under a heading, each empty table replaced by its sentence.
pub fn markdown(heading: &str, intro: &[String], tables: &[Table]) -> String {
    let mut out = format!("# {heading}\n\n");
    for line in intro {
        let _ = writeln!(out, "{line}  ");
    }
    for table in tables {
        let _ = write!(out, "\n## {}\n\n", table.title);
        if table.rows.is_empty() {
            let _ = writeln!(out, "_{}_", table.empty_text);
            continue;
        }
        let cells = |row: &[String]| format!("| {} |", row.join(" | "));
        let _ = writeln!(out, "{}", cells(&table.columns.iter().map(|c| escape(c)).collect::<Vec<_>>()));
        let rule: Vec<String> = (0..table.columns.len())
            .map(|index| {
                let numeric = table.rows.iter().any(|row| row[index].is_numeric());
                if numeric { "---:".to_string() } else { "---".to_string() }
            })
            .collect();
        let _ = writeln!(out, "{}", cells(&rule));
        for row in &table.rows {
            let _ = writeln!(out, "{}", cells(&row.iter().map(markdown_cell).collect::<Vec<_>>()));
        }
    }
    out
}

fn markdown_cell(cell: &Cell) -> String {
    match cell {
        Cell::Link { text, url } => format!("[{}]({})", escape(text), url.replace(' ', "%20").replace(')', "%29")),
        other => escape(&other.plain()),
    }
}

/// Keeps a value inside its Markdown table cell and from being read as markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' | '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// One table as CSV (RFC 4180: comma-separated, CRLF line ends, quotes doubled), starting
/// with a byte-order mark so spreadsheet programs read the Indonesian text as UTF-8.
pub fn csv(table: &Table) -> String {
    let mut out = String::from("\u{feff}");
    let mut line = |values: Vec<String>| {
        let fields: Vec<String> = values.iter().map(|value| csv_field(value)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    };
    line(table.columns.clone());
    for row in &table.rows {
        line(row.iter().map(Cell::plain).collect());
    }
    out
}

fn csv_field(value: &str) -> String {
    // A leading = + - @ would make a spreadsheet run the value as a formula.
    let guarded = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_string() };
    if guarded.contains([',', '"', '\n', '\r']) { format!("\"{}\"", guarded.replace('"', "\"\"")) } else { guarded }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_it_must_and_defuses_formulas() {
        assert_eq!(csv_field("biasa"), "biasa");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("kata \"resmi\""), "\"kata \"\"resmi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(escape("a | b\nc"), "a \\| b c");
    }
}
