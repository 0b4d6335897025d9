//! Finding a field again in YAML text. Layers that check parsed values report a
//! [`YamlPath`] such as `signoffs[2].by`; [`locate`] follows it through the text by reading
//! the indentation of block-style YAML (flow mappings and sequences on one line are
//! understood too). When a path cannot be followed to the end, the deepest part that
//! could be found is used, so a location is always given.

use super::yaml::{PathSegment, YamlPath};

/// Where a located value stands: a block of lines, or a value that starts inside a line.
#[derive(Clone, Copy, Debug)]
enum Node {
    /// Lines `first..end`; if `first_column` is set, the first line's content starts at
    /// that byte column (the part after `- ` of a sequence item).
    Block { first: usize, end: usize, first_column: Option<usize> },
    /// A value that starts at byte `column` of `line` (flow style or a scalar).
    Inline { line: usize, column: usize },
}

struct Line<'a> {
    raw: &'a str,
}

impl Line<'_> {
    fn indent(&self) -> usize {
        self.raw.len() - self.raw.trim_start_matches(' ').len()
    }

    fn is_blank(&self) -> bool {
        let trimmed = self.raw.trim();
        trimmed.is_empty() || trimmed.starts_with('#')
    }
}

/// 0-based line index and 1-based character column of `path` in `text`.
pub fn locate(text: &str, path: &YamlPath) -> (usize, usize) {
    let lines: Vec<Line<'_>> = text.lines().map(|raw| Line { raw }).collect();
    let mut node = Node::Block { first: 0, end: lines.len(), first_column: None };
    let mut found = first_content_position(&lines, node);
    for segment in path.segments() {
        let next = match segment {
            PathSegment::Key(key) => find_key(&lines, node, key),
            PathSegment::Index(index) => find_index(&lines, node, *index),
        };
        match next {
            Some((position, child)) => {
                found = position;
                node = child;
            }
            None => break,
        }
    }
    let (line, byte_column) = found;
    let column = lines
        .get(line)
        .map_or(1, |l| l.raw.get(..byte_column).map_or(byte_column, |prefix| prefix.chars().count()) + 1);
    (line + 1, column)
}

fn first_content_position(lines: &[Line<'_>], node: Node) -> (usize, usize) {
    match node {
        Node::Inline { line, column } => (line, column),
        Node::Block { first, end, first_column } => (first..end)
            .find(|&index| !lines[index].is_blank())
            .map(|index| (index, effective_indent(lines, index, first, first_column)))
            .unwrap_or((first.min(lines.len().saturating_sub(1)), 0)),
    }
}

fn effective_indent(lines: &[Line<'_>], index: usize, first: usize, first_column: Option<usize>) -> usize {
    match first_column {
        Some(column) if index == first => column,
        _ => lines[index].indent(),
    }
}

/// The end of the block that starts after line `start` and is indented deeper than `indent`
/// (a sequence at the same indent as its key belongs to the key too).
fn block_end(lines: &[Line<'_>], start: usize, indent: usize) -> usize {
    let mut index = start;
    let mut sequence_at_key_indent = false;
    while index < lines.len() {
        let line = &lines[index];
        if !line.is_blank() {
            let line_indent = line.indent();
            let is_item = line.raw.trim_start().starts_with('-');
            if index == start && line_indent == indent && is_item {
                sequence_at_key_indent = true;
            }
            let belongs = line_indent > indent || (sequence_at_key_indent && line_indent == indent && is_item);
            if !belongs {
                break;
            }
        }
        index += 1;
    }
    index
}

fn find_key(lines: &[Line<'_>], node: Node, key: &str) -> Option<((usize, usize), Node)> {
    match node {
        Node::Inline { line, column } => {
            let rest = lines.get(line)?.raw.get(column..)?;
            let key_offset = find_flow_key(rest, key)?;
            let value_column = column + key_offset + rest[key_offset..].find(':')? + 1;
            let value_column = value_column + count_spaces(&lines[line].raw[value_column..]);
            Some(((line, column + key_offset), Node::Inline { line, column: value_column }))
        }
        Node::Block { first, end, first_column } => {
            let (_, block_indent) = first_content_position(lines, node);
            for index in first..end.min(lines.len()) {
                if lines[index].is_blank() || effective_indent(lines, index, first, first_column) != block_indent {
                    continue;
                }
                let content = &lines[index].raw[block_indent..];
                let Some(after_key) = strip_key(content, key) else {
                    continue;
                };
                let value_column = lines[index].raw.len() - after_key.len();
                let value = after_key.trim();
                let child = if value.is_empty() || value.starts_with('#') {
                    Node::Block { first: index + 1, end: block_end(lines, index + 1, block_indent), first_column: None }
                } else {
                    Node::Inline { line: index, column: value_column + count_spaces(after_key) }
                };
                return Some(((index, block_indent), child));
            }
            None
        }
    }
}

fn find_index(lines: &[Line<'_>], node: Node, wanted: usize) -> Option<((usize, usize), Node)> {
    match node {
        Node::Inline { line, column } => {
            let rest = lines.get(line)?.raw.get(column..)?;
            let offset = flow_item_offset(rest, wanted)?;
            Some(((line, column + offset), Node::Inline { line, column: column + offset }))
        }
        Node::Block { first, end, first_column } => {
            let (_, block_indent) = first_content_position(lines, node);
            let mut seen = 0;
            for index in first..end.min(lines.len()) {
                if lines[index].is_blank() || effective_indent(lines, index, first, first_column) != block_indent {
                    continue;
                }
                let content = &lines[index].raw[block_indent..];
                if !(content == "-" || content.starts_with("- ")) {
                    continue;
                }
                if seen == wanted {
                    let item_column = block_indent + 1 + count_spaces(&content[1..]);
                    let item_end = block_end(lines, index + 1, block_indent);
                    let child = if content.trim() == "-" {
                        Node::Block { first: index + 1, end: item_end, first_column: None }
                    } else if content[1..].trim_start().starts_with(['{', '[']) {
                        Node::Inline { line: index, column: item_column }
                    } else {
                        Node::Block { first: index, end: item_end, first_column: Some(item_column) }
                    };
                    return Some(((index, item_column), child));
                }
                seen += 1;
            }
            None
        }
    }
}

fn count_spaces(text: &str) -> usize {
    text.len() - text.trim_start_matches([' ', '\t']).len()
}

/// If `content` starts with `key:` (bare or quoted), the text after the colon.
fn strip_key<'t>(content: &'t str, key: &str) -> Option<&'t str> {
    for quote in ["", "\"", "'"] {
        if let Some(rest) = content.strip_prefix(quote).and_then(|rest| rest.strip_prefix(key))
            && let Some(rest) = rest.strip_prefix(quote).and_then(|rest| rest.strip_prefix(':'))
            && (rest.is_empty() || rest.starts_with([' ', '\t']))
        {
            return Some(rest);
        }
    }
    None
}

/// Byte offset of `key:` at the top level of a flow mapping that `text` starts with.
fn find_flow_key(text: &str, key: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut token_start = true;
    for (offset, character) in text.char_indices() {
        if let Some(open) = quote {
            if character == open {
                quote = None;
            }
            continue;
        }
        if depth == 1 && token_start && strip_key(&text[offset..], key).is_some() {
            return Some(offset);
        }
        match character {
            '{' | '[' => depth += 1,
            '}' | ']' => depth = depth.saturating_sub(1),
            '"' | '\'' => quote = Some(character),
            _ => {}
        }
        token_start = matches!(character, '{' | ',' | ' ');
    }
    None
}

/// Byte offset of the `wanted`-th item of a flow sequence that `text` starts with.
fn flow_item_offset(text: &str, wanted: usize) -> Option<usize> {
    if !text.starts_with('[') {
        return None;
    }
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut item = 0;
    let mut item_start: Option<usize> = None;
    for (offset, character) in text.char_indices() {
        if let Some(open) = quote {
            if character == open {
                quote = None;
            }
            continue;
        }
        match character {
            '[' | '{' => {
                depth += 1;
                if depth == 1 {
                    continue;
                }
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                item += 1;
                item_start = None;
                continue;
            }
            '"' | '\'' => quote = Some(character),
            _ => {}
        }
        if depth >= 1 && item_start.is_none() && !character.is_whitespace() {
            item_start = Some(offset);
            if item == wanted {
                return Some(offset);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const POST: &str = "\
title: \"Rapat\"
platforms: [instagram, x, facebook]
media:
  - { file: foto-1.jpg, alt: \"Satu\" }
  - file: foto-2.jpg
    alt: \"Dua\"
signoffs:
- step: serah
  by: rina
- step: terima
  # a comment
  by: sari
  note: |
    Catatan
";

    fn at(path: YamlPath) -> (usize, usize) {
        locate(POST, &path)
    }

    #[test]
    fn locates_keys_items_and_flow_values() {
        assert_eq!(at(YamlPath::of("title")), (1, 1));
        assert_eq!(at(YamlPath::of("platforms").index(1)), (2, 24));
        assert_eq!(at(YamlPath::of("media").index(0).key("alt")), (4, 25));
        assert_eq!(at(YamlPath::of("media").index(1).key("alt")), (6, 5));
        assert_eq!(at(YamlPath::of("signoffs").index(1).key("by")), (12, 3));
        assert_eq!(at(YamlPath::of("signoffs").index(1).key("note")), (13, 3));
        // An unknown key falls back to its deepest known parent.
        assert_eq!(at(YamlPath::of("signoffs").index(1).key("digest")), (10, 3));
        assert_eq!(at(YamlPath::of("nothing")), (1, 1));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::source::yaml::from_str;
    use proptest::prelude::*;

    fn path_strategy() -> impl Strategy<Value = YamlPath> {
        proptest::collection::vec(
            prop_oneof!["[a-z_]{1,8}".prop_map(PathSegment::Key), (0usize..5).prop_map(PathSegment::Index),],
            0..4,
        )
        .prop_map(YamlPath)
    }

    proptest! {
        #[test]
        fn locating_any_path_in_any_text_stays_in_the_text(text in "(([ -]{0,6}[a-z_]{0,6}(: ?[\\[{]?[a-z0-9, ]{0,8}[\\]}]?)?)\n){0,12}", path in path_strategy()) {
            let (line, column) = locate(&text, &path);
            prop_assert!(line >= 1);
            prop_assert!(line <= text.lines().count().max(1));
            prop_assert!(column >= 1);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(text in any::<String>()) {
            let _ = from_str::<std::collections::BTreeMap<String, String>>(&text);
            let _ = locate(&text, &YamlPath::of("signoffs").index(1).key("by"));
        }
    }
}
