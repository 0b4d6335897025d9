//! The recap's two pictures, drawn with plotters' SVG backend so they sit inline in the
//! HTML report and print sharply: posts per week on each account, and each SOP step's
//! median and 90th-percentile time as a share of its budget (under the 100% line is on
//! time).

use chrono::{Datelike, Duration, NaiveDate};
use plotters::prelude::*;

use super::recap::{Outcome, Recap};

/// Distinct colours that stay apart when printed in grey.
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 78, 121),
    RGBColor(214, 120, 30),
    RGBColor(60, 140, 60),
    RGBColor(170, 40, 40),
    RGBColor(110, 80, 150),
    RGBColor(120, 90, 60),
    RGBColor(200, 90, 150),
    RGBColor(90, 90, 90),
];

const FONT: &str = "sans-serif";

/// Posts that went live per week (weeks start on Monday) on each account.
pub fn posts_per_week(recap: &Recap) -> Result<String, String> {
    let first = recap.period.first_day();
    let monday = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let end = recap.period.end_day();
    let weeks = ((end - monday).num_days() + 6) / 7;
    let mut counts = vec![vec![0u32; weeks as usize]; recap.accounts.len()];
    for line in &recap.posts {
        let day = line.date.date_naive();
        let week = ((day - monday).num_days() / 7).clamp(0, weeks - 1) as usize;
        for (index, account) in recap.accounts.iter().enumerate() {
            let live = line
                .outcomes
                .iter()
                .any(|(target, outcome)| *target == account.target && matches!(outcome, Outcome::Published { .. }));
            counts[index][week] += u32::from(live);
        }
    }
    let highest = counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(text)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Konten terbit per minggu per akun", (FONT, 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..weeks as f64, 0f64..f64::from(highest) * 1.15)
            .map_err(text)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(weeks as usize + 1)
            .x_label_formatter(&|x| week_label(monday, *x))
            .y_labels(highest.min(10) as usize + 1)
            .y_label_formatter(&|y| format!("{y:.0}"))
            .y_desc("Konten")
            .label_style((FONT, 12))
            .draw()
            .map_err(text)?;
        let accounts = recap.accounts.len().max(1) as f64;
        let width = 0.8 / accounts;
        for (index, account) in recap.accounts.iter().enumerate() {
            let color = PALETTE[index % PALETTE.len()];
            let bars = counts[index].iter().enumerate().map(move |(week, count)| {
                let left = week as f64 + 0.1 + width * index as f64;
                Rectangle::new([(left, 0.0), (left + width, f64::from(*count))], color.filled())
            });
            chart
                .draw_series(bars)
                .map_err(text)?
                .label(format!("{} {}", account.platform, account.handle))
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
        }
        if !recap.accounts.is_empty() {
            legend(&mut chart)?;
        }
        root.present().map_err(text)?;
    }
    Ok(svg)
}

fn week_label(monday: NaiveDate, x: f64) -> String {
    if x.fract() != 0.0 {
        return String::new();
    }
    (monday + Duration::days(x as i64 * 7)).format("%d/%m").to_string()
}

/// Each step with a budget: median and 90th percentile as a share of the budget.
pub fn sla_against_budget(recap: &Recap) -> Result<String, String> {
    let steps: Vec<(String, f64, f64)> = recap
        .steps
        .iter()
        .filter_map(|step| {
            let within = step.within?.num_seconds() as f64;
            if within <= 0.0 {
                return None;
            }
            let median = step.median()?.num_seconds() as f64 / within * 100.0;
            let p90 = step.p90()?.num_seconds() as f64 / within * 100.0;
            Some((step.step.clone(), median, p90))
        })
        .collect();
    let highest = steps.iter().map(|(_, _, p90)| *p90).fold(120.0, f64::max);
    let count = steps.len().max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(text)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Waktu per langkah terhadap batas SOP (100% = tepat batas)", (FONT, 18))
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..count as f64, 0f64..highest * 1.1)
            .map_err(text)?;
        let names: Vec<String> = steps.iter().map(|(name, _, _)| name.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(count * 2 + 1)
            .x_label_formatter(&|x| {
                let slot = x - x.floor();
                if (slot - 0.5).abs() < 1e-9 {
                    names.get(x.floor() as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| format!("{y:.0}%"))
            .y_desc("Persen dari batas waktu")
            .label_style((FONT, 12))
            .draw()
            .map_err(text)?;
        let median_color = PALETTE[0];
        let p90_color = PALETTE[1];
        chart
            .draw_series(steps.iter().enumerate().map(|(index, (_, median, _))| {
                Rectangle::new([(index as f64 + 0.15, 0.0), (index as f64 + 0.5, *median)], median_color.filled())
            }))
            .map_err(text)?
            .label("median")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], median_color.filled()));
        chart
            .draw_series(steps.iter().enumerate().map(|(index, (_, _, p90))| {
                Rectangle::new([(index as f64 + 0.5, 0.0), (index as f64 + 0.85, *p90)], p90_color.filled())
            }))
            .map_err(text)?
            .label("persentil 90")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], p90_color.filled()));
        chart
            .draw_series(LineSeries::new([(0.0, 100.0), (count as f64, 100.0)], BLACK.stroke_width(2)))
            .map_err(text)?
            .label("batas SOP")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], BLACK.stroke_width(2)));
        legend(&mut chart)?;
        root.present().map_err(text)?;
    }
    Ok(svg)
}

/// The legend, top right, on a white ground.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<
        'a,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font((FONT, 12))
        .draw()
        .map_err(text)
}

fn text(error: impl std::fmt::Display) -> String {
    error.to_string()
}
