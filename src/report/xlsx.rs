//! The recap as an Excel workbook, the form offices file and forward: one sheet per table,
//! a bold header row frozen in place, columns sized to their content, real hyperlinks,
//! dates as Excel dates (in the office's zone), durations as Excel times (`[h]:mm`), shares
//! as percentages. An empty table gets its sentence instead of rows.

use chrono::{Datelike, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Url, Workbook, Worksheet, XlsxError};

use super::table::{Cell, Table};

/// Characters a sheet column may be sized to, at most.
const WIDEST_COLUMN: usize = 60;

/// The workbook's bytes.
pub fn workbook(title: &str, tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(title));
    let formats = Formats::new();
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&table.name))?;
        write_table(sheet, table, &formats)?;
    }
    workbook.save_to_buffer()
}

struct Formats {
    header: Format,
    date: Format,
    duration: Format,
    share: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold().set_background_color("#E8EEF4").set_align(FormatAlign::Top),
            date: Format::new().set_num_format("yyyy-mm-dd hh:mm").set_align(FormatAlign::Top),
            duration: Format::new().set_num_format("[h]:mm").set_align(FormatAlign::Top),
            share: Format::new().set_num_format("0%").set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

fn write_table(sheet: &mut Worksheet, table: &Table, formats: &Formats) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = table.columns.iter().map(|column| column.chars().count() + 2).collect();
    for (column, name) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col(column), name, &formats.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if table.rows.is_empty() {
        sheet.write_string(1, 0, &table.empty_text)?;
    }
    for (index, row) in table.rows.iter().enumerate() {
        let at = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (column, cell) in row.iter().enumerate() {
            let width = write_cell(sheet, at, col(column), cell, formats)?;
            if let Some(slot) = widths.get_mut(column) {
                *slot = (*slot).max(width + 2);
            }
        }
    }
    for (column, width) in widths.iter().enumerate() {
        sheet.set_column_width(col(column), (*width).min(WIDEST_COLUMN) as f64)?;
    }
    Ok(())
}

/// Writes one cell; the characters it needs.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    cell: &Cell,
    formats: &Formats,
) -> Result<usize, XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => {
            sheet.write_string_with_format(row, column, text, &formats.wrap)?;
        }
        Cell::Count(count) => {
            sheet.write_number(row, column, *count as f64)?;
        }
        Cell::Share(share) => {
            sheet.write_number_with_format(row, column, *share, &formats.share)?;
        }
        Cell::Duration(duration) => {
            let days = duration.num_seconds() as f64 / 86_400.0;
            sheet.write_number_with_format(row, column, days, &formats.duration)?;
        }
        Cell::Time(at) => {
            let date = ExcelDateTime::from_ymd(
                u16::try_from(at.year()).unwrap_or(1900),
                u8::try_from(at.month()).unwrap_or(1),
                u8::try_from(at.day()).unwrap_or(1),
            )?
            .and_hms(
                u16::try_from(at.hour()).unwrap_or(0),
                u8::try_from(at.minute()).unwrap_or(0),
                at.second() as f64,
            )?;
            sheet.write_datetime_with_format(row, column, &date, &formats.date)?;
            return Ok(16);
        }
        Cell::Link { text, url } => {
            sheet.write_url(row, column, Url::new(url.as_str()).set_text(text.as_str()))?;
            return Ok(text.chars().count());
        }
    }
    Ok(cell.plain().chars().count())
}

fn col(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

/// Excel's rules for sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars().filter(|ch| !"[]:*?/\\".contains(*ch)).take(31).collect()
}
