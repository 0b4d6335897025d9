//! An SOP drawn as the seeds draw it ("bagan alir"): a table whose middle columns are the
//! roles' *lanes*. Each step is a row: its number and action on the left, its shape in the
//! lane of the role that does it, its time budget and what it needs on the right. "MULAI"
//! and "SELESAI" terminators open and close the flow; review and approve steps are
//! decision diamonds whose "Tolak" path runs back to the first step; the publish step comes
//! last. Lanes are ordered by the role's first step, so the flow reads top-left to
//! bottom-right and the reject path has a clear channel down the first lane.
//!
//! With [`Actual`]s the same picture becomes a post's own timeline: each step shows who
//! signed it and when, and how long it took, green within the budget and red beyond it.

use std::fmt::Write as _;

use super::decimal::Num;
use crate::config::{Step, StepKind};
use crate::source::time;

/// What happened at one step of one post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actual {
    /// Who signed (or which account published).
    pub by: String,
    /// When, as shown.
    pub at: String,
    /// How long it took, as shown, when known.
    pub taken: Option<String>,
    /// Whether it overran its budget, when both are known.
    pub over_budget: Option<bool>,
}

/// The picture's subject.
pub struct Flow<'a> {
    /// Makes the picture's element ids unique on a page holding several (letters, digits, `-`).
    pub key: &'a str,
    /// The SOP's title.
    pub title: &'a str,
    /// The line under it (the SOP document, or the post).
    pub subtitle: &'a str,
    /// The steps, in order.
    pub steps: &'a [Step],
    /// A role's display name.
    pub role_name: &'a dyn Fn(&str) -> String,
    /// Per step (same order), what happened; `None` draws the SOP itself.
    pub actuals: Option<&'a [Option<Actual>]>,
}

const MARGIN: f64 = 20.0;
const NUMBER_WIDTH: f64 = 34.0;
const ACTION_WIDTH: f64 = 220.0;
const LANE_WIDTH: f64 = 128.0;
const BUDGET_WIDTH: f64 = 70.0;
const NOTE_WIDTH: f64 = 170.0;
const TITLE_HEIGHT: f64 = 56.0;
const TERMINATOR_ROW: f64 = 52.0;
const LINE: f64 = 13.0;
const BOX_WIDTH: f64 = 96.0;
const BOX_HEIGHT: f64 = 38.0;
const DIAMOND_WIDTH: f64 = 104.0;
const DIAMOND_HEIGHT: f64 = 52.0;
const FONT: &str = "font-family=\"Liberation Sans, Arial, Helvetica, sans-serif\"";

/// A revision of one of the office's workflows, with the office's role names.
pub fn revision_svg(
    config: &crate::config::Config,
    workflow: &crate::config::Workflow,
    revision: &crate::config::Revision,
    actuals: Option<&[Option<Actual>]>,
    subtitle: Option<&str>,
) -> String {
    let role_name = |role: &str| config.role_name(role).to_string();
    let key = format!("{}-{}", workflow.id, revision.effective);
    let default_subtitle = format!("{} · berlaku {}", revision.source, revision.effective.format("%d-%m-%Y"));
    svg(&Flow {
        key: &key,
        title: &workflow.title,
        subtitle: subtitle.unwrap_or(&default_subtitle),
        steps: &revision.steps,
        role_name: &role_name,
        actuals,
    })
}

/// The flow as an SVG document.
pub fn svg(flow: &Flow<'_>) -> String {
    let layout = Layout::new(flow);
    let mut out = String::new();
    let (width, height) = (layout.width, layout.height);
    let key: String = flow.key.chars().filter(|ch| ch.is_ascii_alphanumeric() || *ch == '-').collect();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bagan-alir\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"judul-{key}\" {FONT} font-size=\"11\">"
    );
    let _ = writeln!(out, "<title id=\"judul-{key}\">{}</title>", escape(flow.title));
    let _ = writeln!(
        out,
        "<defs><marker id=\"panah-{key}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#222\"/></marker></defs>"
    );
    let _ = writeln!(out, "<rect width=\"{width:.0}\" height=\"{height:.0}\" fill=\"#fff\"/>");
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        MARGIN + 14.0,
        escape(flow.title)
    );
    let _ =
        writeln!(out, "<text x=\"{MARGIN}\" y=\"{}\" fill=\"#444\">{}</text>", MARGIN + 32.0, escape(flow.subtitle));
    layout.grid(flow, &mut out);
    layout.shapes(flow, &key, &mut out);
    out.push_str("</svg>\n");
    out
}

/// Where everything goes.
struct Layout {
    /// Lane of each step.
    lane_of: Vec<usize>,
    /// Role of each lane.
    lanes: Vec<String>,
    /// Top of the header row, its height, and the top of each row after it: the MULAI row,
    /// one per step, the SELESAI row, and the bottom edge.
    header_top: f64,
    header_height: f64,
    rows: Vec<f64>,
    /// Left edge of each column: number, action, first lane, budget, note, right edge.
    width: f64,
    height: f64,
}

impl Layout {
    fn new(flow: &Flow<'_>) -> Layout {
        let mut lanes: Vec<String> = Vec::new();
        let lane_of = flow
            .steps
            .iter()
            .map(|step| match lanes.iter().position(|role| *role == step.role) {
                Some(index) => index,
                None => {
                    lanes.push(step.role.clone());
                    lanes.len() - 1
                }
            })
            .collect();
        let header_lines = lanes
            .iter()
            .map(|role| wrap(&(flow.role_name)(role), chars_for(LANE_WIDTH - 8.0)).len())
            .max()
            .unwrap_or(1)
            .max(2);
        let header_top = MARGIN + TITLE_HEIGHT;
        let header_height = header_lines as f64 * LINE + 14.0;
        let mut rows = vec![header_top + header_height];
        let mut top = header_top + header_height + TERMINATOR_ROW;
        rows.push(top);
        for (index, step) in flow.steps.iter().enumerate() {
            let action_lines = wrap(&step.action, chars_for(ACTION_WIDTH - 10.0)).len();
            let note_lines = note_lines(flow, index).len();
            let height = ((action_lines.max(note_lines)) as f64 * LINE + 16.0).max(DIAMOND_HEIGHT + 24.0);
            top += height;
            rows.push(top);
        }
        top += TERMINATOR_ROW;
        rows.push(top);
        let width =
            MARGIN * 2.0 + NUMBER_WIDTH + ACTION_WIDTH + LANE_WIDTH * lanes.len() as f64 + BUDGET_WIDTH + NOTE_WIDTH;
        let legend = if flow.actuals.is_some() { 22.0 } else { 0.0 };
        Layout { lane_of, lanes, header_top, header_height, rows, width, height: top + MARGIN + legend }
    }

    fn lanes_left(&self) -> f64 {
        MARGIN + NUMBER_WIDTH + ACTION_WIDTH
    }

    fn lane_center(&self, lane: usize) -> f64 {
        self.lanes_left() + LANE_WIDTH * (lane as f64 + 0.5)
    }

    fn budget_left(&self) -> f64 {
        self.lanes_left() + LANE_WIDTH * self.lanes.len() as f64
    }

    /// Middle of row `row` (0: MULAI, 1..=n: steps, n+1: SELESAI).
    fn row_center(&self, row: usize) -> f64 {
        (self.rows[row] + self.rows[row + 1]) / 2.0
    }

    fn grid(&self, flow: &Flow<'_>, out: &mut String) {
        let top = self.header_top;
        let bottom = *self.rows.last().unwrap_or(&top);
        let right = self.width - MARGIN;
        let _ = writeln!(
            out,
            "<rect x=\"{MARGIN}\" y=\"{top}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#e8eef4\" stroke=\"none\"/>",
            Num(right - MARGIN),
            Num(self.header_height)
        );
        // Header labels.
        let header_mid = top + self.header_height / 2.0;
        let budget_heading = "Waktu";
        let note_heading = if flow.actuals.is_some() { "Realisasi" } else { "Kelengkapan" };
        centered(out, MARGIN + NUMBER_WIDTH / 2.0, header_mid, &["No".to_string()], true);
        centered(out, MARGIN + NUMBER_WIDTH + ACTION_WIDTH / 2.0, header_mid, &["Kegiatan".to_string()], true);
        for (lane, role) in self.lanes.iter().enumerate() {
            let lines = wrap(&(flow.role_name)(role), chars_for(LANE_WIDTH - 8.0));
            centered(out, self.lane_center(lane), header_mid, &lines, true);
        }
        centered(out, self.budget_left() + BUDGET_WIDTH / 2.0, header_mid, &[budget_heading.to_string()], true);
        centered(
            out,
            self.budget_left() + BUDGET_WIDTH + NOTE_WIDTH / 2.0,
            header_mid,
            &[note_heading.to_string()],
            true,
        );
        // Rows: number, action, budget, note.
        for (index, step) in flow.steps.iter().enumerate() {
            let row = index + 1;
            let (row_top, mid) = (self.rows[row], self.row_center(row));
            centered(out, MARGIN + NUMBER_WIDTH / 2.0, mid, &[(index + 1).to_string()], false);
            let action = wrap(&step.action, chars_for(ACTION_WIDTH - 10.0));
            left_aligned(out, MARGIN + NUMBER_WIDTH + 6.0, mid, &action, "#111");
            let budget = step.within.map_or_else(|| "—".to_string(), time::format_duration);
            centered(out, self.budget_left() + BUDGET_WIDTH / 2.0, mid, &[budget], false);
            let color = match flow.actuals.and_then(|actuals| actuals.get(index).cloned().flatten()) {
                Some(Actual { over_budget: Some(true), .. }) => "#a61b1b",
                Some(_) => "#1d5e20",
                None => "#333",
            };
            left_aligned(out, self.budget_left() + BUDGET_WIDTH + 6.0, mid, &note_lines(flow, index), color);
            let _ = writeln!(
                out,
                "<line x1=\"{MARGIN}\" y1=\"{row_top:.1}\" x2=\"{right:.1}\" y2=\"{row_top:.1}\" stroke=\"#ccc\"/>",
                row_top = Num(row_top),
                right = Num(right)
            );
        }
        let closing = self.rows[flow.steps.len() + 1];
        let _ = writeln!(
            out,
            "<line x1=\"{MARGIN}\" y1=\"{closing:.1}\" x2=\"{right:.1}\" y2=\"{closing:.1}\" stroke=\"#ccc\"/>",
            closing = Num(closing),
            right = Num(right)
        );
        // Column rules and the frame.
        let mut x = MARGIN + NUMBER_WIDTH;
        let mut rules = vec![x];
        x += ACTION_WIDTH;
        rules.push(x);
        for _ in &self.lanes {
            x += LANE_WIDTH;
            rules.push(x);
        }
        rules.push(x + BUDGET_WIDTH);
        for x in rules {
            let _ = writeln!(
                out,
                "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#999\"/>",
                x = Num(x),
                top = Num(top),
                bottom = Num(bottom)
            );
        }
        let _ = writeln!(
            out,
            "<rect x=\"{MARGIN}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#333\"/>",
            Num(right - MARGIN),
            Num(bottom - top),
            top = Num(top)
        );
        if flow.actuals.is_some() {
            let y = bottom + 16.0;
            let _ = writeln!(
                out,
                "<text x=\"{MARGIN}\" y=\"{y:.1}\" fill=\"#333\">Hijau: dalam batas waktu SOP. Merah: melewati batas. Garis putus-putus: belum dikerjakan.</text>",
                y = Num(y)
            );
        }
    }

    fn shapes(&self, flow: &Flow<'_>, key: &str, out: &mut String) {
        let steps = flow.steps;
        let Some(&first_lane) = self.lane_of.first() else { return };
        let last_lane = *self.lane_of.last().unwrap_or(&first_lane);
        let end_row = steps.len() + 1;
        terminator(out, self.lane_center(first_lane), self.row_center(0), "MULAI");
        terminator(out, self.lane_center(last_lane), self.row_center(end_row), "SELESAI");
        // Flow arrows: MULAI → each step → SELESAI.
        let mut previous = (self.lane_center(first_lane), self.row_center(0) + 15.0);
        for (index, step) in steps.iter().enumerate() {
            let (x, y) = (self.lane_center(self.lane_of[index]), self.row_center(index + 1));
            let half = if step.kind.is_decision() { DIAMOND_HEIGHT / 2.0 } else { BOX_HEIGHT / 2.0 };
            arrow(out, key, previous, (x, y - half), self.rows[index + 1]);
            if index > 0 && steps[index - 1].kind.is_decision() {
                let label_y = previous.1 + 11.0;
                let _ = writeln!(
                    out,
                    "<text x=\"{:.1}\" y=\"{label_y:.1}\" fill=\"#1d5e20\">Ya</text>",
                    Num(previous.0 + 5.0),
                    label_y = Num(label_y)
                );
            }
            previous = (x, y + half);
        }
        arrow(out, key, previous, (self.lane_center(last_lane), self.row_center(end_row) - 15.0), self.rows[end_row]);
        // Reject paths to the first step, down a channel at the first lane's left edge.
        let channel = self.lanes_left() + 7.0;
        let first_y = self.row_center(1);
        let first_left = self.lane_center(first_lane) - shape_half_width(&steps[0]);
        for (index, _) in steps.iter().enumerate().filter(|(index, step)| *index > 0 && step.kind.is_decision()) {
            let (x, y) = (self.lane_center(self.lane_of[index]) - DIAMOND_WIDTH / 2.0, self.row_center(index + 1));
            let _ = writeln!(
                out,
                "<path d=\"M{x:.1},{y:.1} H{channel:.1} V{first_y:.1} H{first_left:.1}\" fill=\"none\" stroke=\"#a61b1b\" stroke-dasharray=\"5 3\" marker-end=\"url(#panah-{key})\"/>",
                x = Num(x),
                y = Num(y),
                channel = Num(channel),
                first_y = Num(first_y),
                first_left = Num(first_left)
            );
            // Beside the diamond, or under the short stub when it sits in the first lane.
            let (label_x, label_y, anchor) = if self.lane_of[index] == first_lane {
                (channel + 3.0, y + 13.0, "start")
            } else {
                (x - 3.0, y - 4.0, "end")
            };
            let _ = writeln!(
                out,
                "<text x=\"{label_x:.1}\" y=\"{label_y:.1}\" fill=\"#a61b1b\" text-anchor=\"{anchor}\">Tolak</text>",
                label_x = Num(label_x),
                label_y = Num(label_y)
            );
        }
        // Shapes last, over the lines.
        for (index, step) in steps.iter().enumerate() {
            let (x, y) = (self.lane_center(self.lane_of[index]), self.row_center(index + 1));
            let state = flow.actuals.map(|actuals| actuals.get(index).cloned().flatten());
            let (fill, dash) = match &state {
                None => ("#fff", ""),
                Some(None) => ("#f4f4f4", " stroke-dasharray=\"4 3\""),
                Some(Some(Actual { over_budget: Some(true), .. })) => ("#f8d7d7", ""),
                Some(Some(_)) => ("#d9efd9", ""),
            };
            if step.kind.is_decision() {
                let (w, h) = (DIAMOND_WIDTH / 2.0, DIAMOND_HEIGHT / 2.0);
                let _ = writeln!(
                    out,
                    "<path class=\"keputusan\" d=\"M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} z\" fill=\"{fill}\" stroke=\"#222\"{dash}/>",
                    Num(y - h),
                    Num(x + w),
                    Num(y + h),
                    Num(x - w),
                    x = Num(x),
                    y = Num(y)
                );
            } else {
                let width = if step.kind == StepKind::Publish { BOX_WIDTH + 4.0 } else { BOX_WIDTH };
                let _ = writeln!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{BOX_HEIGHT}\" fill=\"{fill}\" stroke=\"#222\"{dash}/>",
                    Num(x - width / 2.0),
                    Num(y - BOX_HEIGHT / 2.0),
                    width = Num(width)
                );
                if step.kind == StepKind::Publish {
                    let _ = writeln!(
                        out,
                        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#222\"{dash}/>",
                        Num(x - width / 2.0 + 3.0),
                        Num(y - BOX_HEIGHT / 2.0 + 3.0),
                        Num(width - 6.0),
                        Num(BOX_HEIGHT - 6.0)
                    );
                }
            }
            let label = id_lines(&step.id, if step.kind.is_decision() { 11 } else { 15 });
            centered(out, x, y, &label, false);
        }
    }
}

fn shape_half_width(step: &Step) -> f64 {
    if step.kind.is_decision() { DIAMOND_WIDTH / 2.0 } else { BOX_WIDTH / 2.0 }
}

/// The right-hand column: what the step needs, or for a timeline what happened.
fn note_lines(flow: &Flow<'_>, index: usize) -> Vec<String> {
    let width = chars_for(NOTE_WIDTH - 10.0);
    if let Some(actuals) = flow.actuals {
        return match actuals.get(index).cloned().flatten() {
            Some(actual) => {
                let mut text = format!("{}, {}", actual.by, actual.at);
                if let Some(taken) = actual.taken {
                    text.push_str(&format!(" ({taken})"));
                }
                wrap(&text, width)
            }
            None => vec!["belum".to_string()],
        };
    }
    let Some(step) = flow.steps.get(index) else { return Vec::new() };
    let parts = step.needs.describe();
    if parts.is_empty() {
        return vec!["—".to_string()];
    }
    wrap(&parts.join(", "), width)
}

fn terminator(out: &mut String, x: f64, y: f64, label: &str) {
    let _ = writeln!(
        out,
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"86\" height=\"30\" rx=\"15\" fill=\"#fff\" stroke=\"#222\"/>",
        Num(x - 43.0),
        Num(y - 15.0)
    );
    centered(out, x, y, &[label.to_string()], true);
}

/// A connector from `from` down to `to`; across lanes it turns at `turn_y` (a row boundary).
fn arrow(out: &mut String, key: &str, from: (f64, f64), to: (f64, f64), turn_y: f64) {
    let path = if (from.0 - to.0).abs() < 0.5 {
        format!("M{:.1},{:.1} V{:.1}", Num(from.0), Num(from.1), Num(to.1))
    } else {
        let turn = turn_y.clamp(from.1 + 4.0, to.1 - 4.0);
        format!(
            "M{:.1},{:.1} V{turn:.1} H{:.1} V{:.1}",
            Num(from.0),
            Num(from.1),
            Num(to.0),
            Num(to.1),
            turn = Num(turn)
        )
    };
    let _ = writeln!(out, "<path d=\"{path}\" fill=\"none\" stroke=\"#222\" marker-end=\"url(#panah-{key})\"/>");
}

fn centered(out: &mut String, x: f64, middle: f64, lines: &[String], bold: bool) {
    let weight = if bold { " font-weight=\"bold\"" } else { "" };
    text_lines(out, x, middle, lines, &format!(" text-anchor=\"middle\"{weight}"));
}

fn left_aligned(out: &mut String, x: f64, middle: f64, lines: &[String], color: &str) {
    text_lines(out, x, middle, lines, &format!(" fill=\"{color}\""));
}

/// Lines of text at `x`, centred as a block on `middle`, each `<text>` with `attributes`.
fn text_lines(out: &mut String, x: f64, middle: f64, lines: &[String], attributes: &str) {
    let first = middle - (lines.len() as f64 - 1.0) * LINE / 2.0 + 4.0;
    for (index, line) in lines.iter().enumerate() {
        let y = first + index as f64 * LINE;
        let _ = writeln!(out, "<text x=\"{:.1}\" y=\"{:.1}\"{attributes}>{}</text>", Num(x), Num(y), escape(line));
    }
}

/// How many characters of 11px text fit in `width` pixels (a safe average for sans-serif,
/// bold included).
fn chars_for(width: f64) -> usize {
    (width / 6.9).floor().max(4.0) as usize
}

/// A step id inside its shape: broken after hyphens, at most `width` characters a line.
fn id_lines(id: &str, width: usize) -> Vec<String> {
    let spaced = id.replace('-', "- ");
    wrap(&spaced, width).into_iter().map(|line| line.replace("- ", "-")).collect()
}

/// Words into lines of at most `width` characters (a longer word gets a line of its own).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_to_the_width_and_long_words_stand_alone() {
        assert_eq!(wrap("Mengoreksi dan menyunting draf", 12), vec!["Mengoreksi", "dan", "menyunting", "draf"]);
        assert_eq!(wrap("a b c", 3), vec!["a b", "c"]);
        assert_eq!(wrap("", 10), vec![""]);
    }
}
