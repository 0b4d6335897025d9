//! The one place siaran parses YAML (through `yaml_serde`, the maintained continuation of
//! serde_yaml), and the one place that knows where things are in YAML text.
//!
//! [`from_str`] deserializes and, on failure, classifies the error into a diagnostic code
//! (syntax, unknown key with a "did you mean" hint, missing key, wrong value, alias bomb).
//! Once parsed, data is checked by layers that no longer have the text; they report a
//! [`YamlPath`] such as `signoffs[2].by`, and [`YamlText::locate`] finds that path's line
//! and column again by reading the indentation of block-style YAML (flow mappings and
//! sequences on one line are understood too). When a path cannot be followed to the end,
//! the deepest part that could be found is used, so a location is always given.

use std::fmt;

use serde::de::DeserializeOwned;

use super::diagnostic::{Code, Diagnostic, Finding};
use super::suggest;

/// One step of a path into a YAML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A mapping key.
    Key(String),
    /// A sequence index (0-based).
    Index(usize),
}

/// A path into a YAML document, e.g. `signoffs[2].by`. The empty path is the document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YamlPath(pub(crate) Vec<PathSegment>);

impl YamlPath {
    /// The whole document.
    pub fn root() -> Self {
        YamlPath(Vec::new())
    }

    /// A path of one key.
    pub fn of(key: &str) -> Self {
        YamlPath::root().key(key)
    }

    /// This path extended by a key.
    pub fn key(mut self, key: &str) -> Self {
        self.0.push(PathSegment::Key(key.to_string()));
        self
    }

    /// This path extended by an index.
    pub fn index(mut self, index: usize) -> Self {
        self.0.push(PathSegment::Index(index));
        self
    }

    /// The segments.
    pub fn segments(&self) -> &[PathSegment] {
        &self.0
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                PathSegment::Key(key) if position == 0 => write!(formatter, "{key}")?,
                PathSegment::Key(key) => write!(formatter, ".{key}")?,
                PathSegment::Index(index) => write!(formatter, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Why YAML could not be deserialized, with a code and a position in the YAML text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// The diagnostic code this error maps to.
    pub code: Code,
    /// The parser's message, without its position suffix.
    pub message: String,
    /// A hint, e.g. "did you mean `title`?".
    pub hint: Option<String>,
    /// 1-based line within the YAML text.
    pub line: usize,
    /// 1-based column within the YAML text.
    pub column: usize,
}

/// Deserializes YAML text. An empty document is read as an empty mapping.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let is_empty = text.lines().all(|line| {
        let trimmed = line.trim();
        trimmed.is_empty() || trimmed.starts_with('#')
    });
    if is_empty {
        return serde_yaml::from_str("{}").map_err(|error| classify(&error));
    }
    // Aliases are expanded only while a value is read, and a typed read stops at the first
    // wrong key, so an alias bomb could hide behind another error. When the text has
    // anchors and aliases, expand it untyped first: the parser's repetition limit then
    // reports the bomb for what it is.
    if text.contains('&')
        && text.contains('*')
        && let Err(error) = serde_yaml::from_str::<serde_yaml::Value>(text)
    {
        let classified = classify(&error);
        if matches!(classified.code, Code::YamlTooComplex | Code::YamlSyntax) {
            return Err(classified);
        }
    }
    serde_yaml::from_str(text).map_err(|error| classify(&error))
}

/// Reads `text` as `T` and as canonical JSON without the key `left_out`, parsing the YAML
/// once: the untyped value is read first and `T` is taken from it. When that fails (a
/// scalar `T` reads differently, or an error that needs its line and column), `T` is read
/// from the text itself, so the result is always what [`from_str`] gives.
pub fn from_str_and_canonical<T: DeserializeOwned>(
    text: &str,
    left_out: &str,
) -> (Result<T, YamlError>, Option<String>) {
    let Ok(mut value) = from_str::<serde_json::Value>(text) else {
        return (from_str(text), None);
    };
    let typed = T::deserialize(&value).or_else(|_| from_str(text));
    if let serde_json::Value::Object(map) = &mut value {
        map.remove(left_out);
    }
    (typed, Some(super::canonical::json(&value)))
}

/// The canonical JSON form of a YAML mapping without one of its keys: the same data always
/// gives the same bytes, whatever its YAML formatting, quoting, comments or key order
/// (see [`canonical`](super::canonical)).
pub fn canonical_json_without(text: &str, left_out: &str) -> Result<String, YamlError> {
    let mut value: serde_json::Value = from_str(text)?;
    if let serde_json::Value::Object(map) = &mut value {
        map.remove(left_out);
    }
    Ok(super::canonical::json(&value))
}

fn classify(error: &serde_yaml::Error) -> YamlError {
    let (line, column) = error.location().map_or((1, 1), |location| (location.line(), location.column()));
    let full = error.to_string();
    let is_syntax =
        full.contains("while parsing") || full.contains("while scanning") || full.contains("unknown anchor");
    let mut message = match full.find(" at line ") {
        Some(position) => full[..position].to_string(),
        None => full.clone(),
    };
    if is_syntax {
        message = format!("YAML syntax error: {message}");
    }
    let (code, hint) = if let Some(rest) = after(&message, "unknown field `") {
        let (wrong, expected) = split_expected(rest);
        let hint = match expected.is_empty() {
            true => "remove this key: nothing is expected here".to_string(),
            false => {
                format!("{} (or remove the key)", suggest::did_you_mean(wrong, expected.iter().map(String::as_str)))
            }
        };
        (Code::FieldUnknown, Some(hint))
    } else if let Some(rest) = after(&message, "unknown variant `") {
        let (wrong, expected) = split_expected(rest);
        (Code::FieldInvalid, Some(suggest::did_you_mean(wrong, expected.iter().map(String::as_str))))
    } else if message.contains("missing field `") {
        (Code::FieldMissing, Some("add the key; see the template made by `siaran new`".to_string()))
    } else if message.contains("repetition limit exceeded") || message.contains("recursion limit exceeded") {
        message = format!("the YAML expands beyond safe limits ({message}): too many aliases or too deep nesting");
        (
            Code::YamlTooComplex,
            Some(
                "aliases or nesting expand too far; write the values out instead of using `&anchor`/`*alias`"
                    .to_string(),
            ),
        )
    } else if !is_syntax
        && ["invalid type", "invalid value", "invalid length", "expected ", "cannot ", "must "]
            .iter()
            .any(|marker| message.contains(marker))
    {
        (Code::FieldInvalid, None)
    } else {
        (Code::YamlSyntax, Some("check indentation, colons and quotes; values with `:` or `#` need quotes".to_string()))
    };
    YamlError { code, message, hint, line, column }
}

fn after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    text.find(marker).map(|position| &text[position + marker.len()..])
}

/// Splits "foo`, expected one of `a`, `b`" into ("foo", ["a", "b"]).
fn split_expected(rest: &str) -> (&str, Vec<String>) {
    let wrong = rest.split('`').next().unwrap_or_default();
    let expected = rest
        .split_once("expected")
        .map(|(_, list)| list.split('`').skip(1).step_by(2).map(str::to_string).collect())
        .unwrap_or_default();
    (wrong, expected)
}

/// YAML text as it stands in a file, so paths and parser positions become file positions.
#[derive(Clone, Copy, Debug)]
pub struct YamlText<'a> {
    /// File path relative to the repository root.
    pub file: &'a str,
    /// The YAML text.
    pub text: &'a str,
    /// The file line on which the text's first line stands (1 for a whole file, 2 for
    /// front matter after its opening `---`).
    pub first_line: usize,
}

impl<'a> YamlText<'a> {
    /// A whole YAML file.
    pub fn whole_file(file: &'a str, text: &'a str) -> Self {
        YamlText { file, text, first_line: 1 }
    }

    /// The file line and column of `path` (1-based).
    pub fn locate(&self, path: &YamlPath) -> (usize, usize) {
        let (line, column) = super::locate::locate(self.text, path);
        (line + self.first_line - 1, column)
    }

    /// The diagnostic for a finding in this text.
    pub fn diagnostic(&self, finding: Finding) -> Diagnostic {
        let (line, column) = self.locate(&finding.path);
        Diagnostic {
            code: finding.code,
            severity: finding.severity,
            file: self.file.to_string(),
            line,
            column,
            post: None,
            message: finding.message,
            hint: finding.hint,
        }
    }

    /// The diagnostic for a parse error in this text.
    pub fn parse_diagnostic(&self, error: YamlError) -> Diagnostic {
        let mut diagnostic =
            Diagnostic::error(error.code, self.file, error.line + self.first_line - 1, error.column, error.message);
        diagnostic.hint = error.hint;
        diagnostic
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_errors() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Doc {
            title: String,
            kind: Option<String>,
        }
        let unknown = from_str::<Doc>("title: a\ntittle: b\n").unwrap_err();
        assert_eq!((unknown.code, unknown.line), (Code::FieldUnknown, 2));
        assert!(unknown.hint.unwrap().contains("`title`"));
        let missing = from_str::<Doc>("kind: a\n").unwrap_err();
        assert_eq!(missing.code, Code::FieldMissing);
        let syntax = from_str::<Doc>("title: \"open\nkind: [\n").unwrap_err();
        assert_eq!(syntax.code, Code::YamlSyntax);
        let wrong = from_str::<Doc>("title: [1, 2]\n").unwrap_err();
        assert_eq!(wrong.code, Code::FieldInvalid);
    }

    #[test]
    fn refuses_an_alias_bomb() {
        let mut bomb =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (name, previous) in
            ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            bomb.push_str(&format!("{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
        }
        let error = from_str::<std::collections::BTreeMap<String, serde_json::Value>>(&bomb).unwrap_err();
        assert_eq!(error.code, Code::YamlTooComplex);
    }

    #[test]
    fn one_parse_reads_the_same_as_two() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Doc {
            title: String,
            count: Option<u32>,
        }
        let texts = [
            "title: Rapat\ncount: 3\nsignoffs: [a]\n",
            // A plain scalar that the untyped value reads as a number: the text decides.
            "title: 0123\n",
            "title: 2026-11-20\n",
            "title: [1]\n",
            "tittle: x\n",
            "title: \"open\n",
        ];
        for text in texts {
            let (typed, canonical) = from_str_and_canonical::<Doc>(text, "signoffs");
            let expected = from_str::<Doc>(text);
            match (&typed, &expected) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                (Err(a), Err(b)) => assert_eq!((a.code, a.line, &a.message), (b.code, b.line, &b.message), "{text}"),
                _ => panic!("{text}: {typed:?} vs {expected:?}"),
            }
            assert_eq!(canonical, canonical_json_without(text, "signoffs").ok(), "{text}");
        }
        let (typed, _) = from_str_and_canonical::<Doc>("title: 0123\n", "signoffs");
        assert_eq!(typed.unwrap().title, "0123");
    }
}
