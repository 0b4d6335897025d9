//! The recap as HTML: every table, and the two charts inline as SVG. [`fragment`] is the
//! content alone (the archive's recap pages put it in their own layout); [`document`] wraps
//! it in a page of its own whose styles also suit printing on A4.

use std::fmt::Write as _;

use super::chart;
use super::recap::Recap;
use super::table::{Cell, Table};

/// The tables and charts, as an HTML fragment.
pub fn fragment(recap: &Recap, tables: &[Table]) -> Result<String, String> {
    let mut out = String::new();
    if recap.is_empty() {
        let _ = writeln!(out, "<p class=\"recap-empty\">Tidak ada konten pada {}.</p>", escape(&recap.period.title()));
    }
    for table in tables {
        let _ = writeln!(out, "<section class=\"recap-table\">\n<h2>{}</h2>", escape(&table.title));
        if table.rows.is_empty() {
            let _ = writeln!(out, "<p>{}</p>\n</section>", escape(&table.empty_text));
            continue;
        }
        out.push_str("<div class=\"table-scroll\">\n<table>\n<thead><tr>");
        for column in &table.columns {
            let _ = write!(out, "<th scope=\"col\">{}</th>", escape(column));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &table.rows {
            out.push_str("<tr>");
            for cell in row {
                let class = if cell.is_numeric() { " class=\"number\"" } else { "" };
                let _ = write!(out, "<td{class}>{}</td>", cell_html(cell));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    }
    if !recap.is_empty() {
        for picture in [chart::posts_per_week(recap)?, chart::sla_against_budget(recap)?] {
            let _ = writeln!(out, "<figure class=\"recap-chart\">{}</figure>", strip_xml_declaration(&picture));
        }
    }
    Ok(out)
}

/// A complete page.
pub fn document(heading: &str, intro: &[String], recap: &Recap, tables: &[Table]) -> Result<String, String> {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(heading));
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>\n");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape(heading));
    for line in intro {
        let _ = writeln!(out, "<p>{}</p>", escape(line));
    }
    out.push_str(&fragment(recap, tables)?);
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

const STYLE: &str =
    "body { font-family: sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #111; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #999; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #e8eef4; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5rem 0; }
figure svg { max-width: 100%; height: auto; }
@media print { @page { size: A4 landscape; margin: 12mm; } body { margin: 0; max-width: none; }
  section, figure { break-inside: avoid; } a { color: inherit; } }
";

fn cell_html(cell: &Cell) -> String {
    match cell {
        Cell::Link { text, url } if url.starts_with("https://") || url.starts_with("http://") => {
            format!("<a href=\"{}\">{}</a>", escape(url), escape(text))
        }
        Cell::Link { text, .. } => escape(text),
        Cell::Time(at) => format!("<time datetime=\"{}\">{}</time>", at.to_rfc3339(), escape(&cell.plain())),
        other => escape(&other.plain()),
    }
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(svg, |(_, body)| body.trim_start()),
        None => svg,
    }
}

/// Escapes text for HTML element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}
