//! Appending a sign-off to a post file *without touching anything else*: comments,
//! quoting, key order, blank lines and line endings all stay as they are. The new item
//! goes after the last line of the `signoffs:` block list (with the list's own
//! indentation), replaces an empty `signoffs: []`, or starts a `signoffs:` key at the end
//! of the front matter when there is none.

use crate::content::Decision;

/// A sign-off to append, already signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSignOff<'a> {
    /// Step id.
    pub step: &'a str,
    /// Person id.
    pub by: &'a str,
    /// RFC 3339 time as it should be written.
    pub at: &'a str,
    /// Approve or reject.
    pub decision: Decision,
    /// The written note.
    pub note: &'a str,
    /// `sha256:...`.
    pub digest: &'a str,
    /// The armored SSH signature.
    pub signature: &'a str,
}

/// Why a sign-off could not be appended.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AppendError {
    /// The file has no closed front matter.
    #[error("the file has no front matter between `---` lines")]
    NoFrontMatter,
    /// `signoffs:` is written as a non-empty flow list, e.g. `[{...}]`.
    #[error("`signoffs` on line {0} is written on one line; write it as a block list (`- step: ...`) first")]
    FlowStyle(usize),
}

/// The file text with `signoff` appended to its `signoffs` list.
pub fn append_signoff(text: &str, signoff: &NewSignOff<'_>) -> Result<String, AppendError> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.first().map(|line| line.trim_end()) != Some("---") {
        return Err(AppendError::NoFrontMatter);
    }
    let close = lines
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, line)| matches!(line.trim_end(), "---" | "..."))
        .map(|(index, _)| index)
        .ok_or(AppendError::NoFrontMatter)?;
    let key_line = (1..close).find(|index| is_signoffs_key(lines[*index]));
    let (insert_at, replace_key_line, indent) = match key_line {
        None => (close, None, None),
        Some(index) => {
            let value = value_after_colon(lines[index]);
            match value {
                "" => {
                    let block_end = block_end(&lines, index + 1, close);
                    let indent = (index + 1..block_end).find_map(|line| item_indent(lines[line]));
                    (block_end, None, indent)
                }
                "[]" | "~" | "null" => (index + 1, Some(index), None),
                _ => return Err(AppendError::FlowStyle(index + 1)),
            }
        }
    };
    let mut out = String::with_capacity(text.len() + 1024);
    for line in &lines[..insert_at] {
        out.push_str(line);
    }
    if let Some(index) = replace_key_line {
        // `signoffs: []` becomes `signoffs:`, keeping a trailing comment.
        out.truncate(out.len() - lines[index].len());
        out.push_str("signoffs:");
        if let Some(comment) = lines[index].find(" #").map(|position| lines[index][position..].trim_end()) {
            out.push_str(comment);
        }
        out.push_str(newline);
    }
    if key_line.is_none() {
        out.push_str("signoffs:");
        out.push_str(newline);
    }
    out.push_str(&render_item(signoff, indent.unwrap_or(2), newline));
    for line in &lines[insert_at..] {
        out.push_str(line);
    }
    Ok(out)
}

/// The file text without its `signoffs` key and list (for tools that re-sign fixtures).
pub fn remove_signoffs(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let close = lines.iter().skip(1).position(|line| matches!(line.trim_end(), "---" | "...")).map_or(0, |i| i + 1);
    let Some(key_line) = (1..close).find(|index| is_signoffs_key(lines[*index])) else {
        return text.to_string();
    };
    let end = if value_after_colon(lines[key_line]).is_empty() {
        block_end(&lines, key_line + 1, close)
    } else {
        key_line + 1
    };
    lines[..key_line].iter().chain(&lines[end..]).copied().collect()
}

fn is_signoffs_key(line: &str) -> bool {
    line.strip_prefix("signoffs").is_some_and(|rest| rest.trim_start().starts_with(':'))
}

/// The value written after `key:`, without a trailing comment.
fn value_after_colon(line: &str) -> &str {
    let after = line.split_once(':').map_or("", |(_, rest)| rest);
    let without_comment = match after.find(" #") {
        Some(position) => &after[..position],
        None => after,
    };
    without_comment.trim()
}

/// The line after the last line with content in the block that starts at `start`: the
/// block runs until a line at column 0 that is neither a comment nor a list item.
fn block_end(lines: &[&str], start: usize, close: usize) -> usize {
    let mut end = start;
    for (index, line) in lines.iter().enumerate().take(close).skip(start) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let at_column_zero = !line.starts_with([' ', '\t']);
        if at_column_zero && !line.starts_with('-') {
            break;
        }
        end = index + 1;
    }
    end
}

/// The indentation of a list item line (`  - step: ...`).
fn item_indent(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    (rest.starts_with("- ") || rest.trim_end() == "-").then_some(indent)
}

fn render_item(signoff: &NewSignOff<'_>, indent: usize, newline: &str) -> String {
    let item = " ".repeat(indent);
    let field = " ".repeat(indent + 2);
    let block = " ".repeat(indent + 4);
    let mut out = String::new();
    let mut push = |text: String| {
        out.push_str(&text);
        out.push_str(newline);
    };
    push(format!("{item}- step: {}", signoff.step));
    push(format!("{field}by: {}", signoff.by));
    push(format!("{field}at: {}", signoff.at));
    push(format!("{field}decision: {}", signoff.decision.as_str()));
    push(format!("{field}note: {}", yaml_quoted(signoff.note)));
    push(format!("{field}digest: \"{}\"", signoff.digest));
    push(format!("{field}signature: |"));
    for line in signoff.signature.lines() {
        push(format!("{block}{line}"));
    }
    out
}

/// A YAML double-quoted scalar that reads back as exactly `text`.
pub fn yaml_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Characters YAML does not allow unescaped (C0, DEL, C1 but NEL, BOM, ...).
            control
                if control < ' '
                    || ('\u{7f}'..='\u{9f}').contains(&control)
                    || control == '\u{feff}'
                    || control == '\u{fffe}'
                    || control == '\u{ffff}' =>
            {
                out.push_str(&format!("\\u{:04x}", u32::from(control)));
            }
            other => out.push(other),
        }
    }
    out.push('"');
    out
}
