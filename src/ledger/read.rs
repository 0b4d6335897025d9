//! Reading the ledger files.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset};

use super::event::Event;
use super::state::TargetState;
use crate::source::{Code, Diagnostic, Diagnostics, file};

/// The ledger's folder under the repository root.
pub const LEDGER_DIR: &str = "ledger";

/// The largest ledger file read (a month of a busy office is far smaller).
const MAX_LEDGER_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Every event, in file order, and the state of each (post, target).
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// Events, oldest file first, in line order.
    pub events: Vec<Event>,
    /// The fold of the events per (post, target).
    pub states: BTreeMap<(String, String), TargetState>,
}

impl Ledger {
    /// The state of one post on one target.
    pub fn state(&self, post: &str, target: &str) -> Option<&TargetState> {
        self.states.get(&(post.to_string(), target.to_string()))
    }

    /// The states of one post, by target.
    pub fn states_of<'a>(&'a self, post: &'a str) -> impl Iterator<Item = (&'a str, &'a TargetState)> + 'a {
        self.states
            .range((post.to_string(), String::new())..)
            .take_while(move |((id, _), _)| id == post)
            .map(|((_, target), state)| (target.as_str(), state))
    }

    /// Whether the post is live on at least one target.
    pub fn is_published_anywhere(&self, post: &str) -> bool {
        self.states_of(post).any(|(_, state)| state.published.is_some())
    }

    /// When the post first went live on any target.
    pub fn first_published(&self, post: &str) -> Option<DateTime<FixedOffset>> {
        self.states_of(post).filter_map(|(_, state)| state.published.as_ref()).map(|copy| copy.at).min()
    }

    fn push(&mut self, event: Event) {
        self.states.entry((event.post.clone(), event.target.clone())).or_default().apply(&event);
        self.events.push(event);
    }
}

/// Reads `ledger/*.jsonl` under `root`, in file-name order. A missing folder is an empty
/// ledger. A torn last line (no final newline, not JSON) is ignored; other unreadable
/// lines are reported as `ledger.invalid`.
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Ledger {
    let mut ledger = Ledger::default();
    let folder = root.join(LEDGER_DIR);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return ledger;
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "jsonl"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let relative = format!("{LEDGER_DIR}/{name}");
        let text = match file::read_text(&path, MAX_LEDGER_FILE_BYTES) {
            Ok(text) => text,
            Err(error) => {
                diagnostics.push(file::error_diagnostic(&relative, &error));
                continue;
            }
        };
        let complete = text.ends_with('\n');
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Event>(line) {
                Ok(event) => ledger.push(event),
                // A crash mid-write: the last line has no newline and does not parse.
                Err(_) if !complete && index + 1 == lines.len() => {}
                Err(error) => diagnostics.push(
                    Diagnostic::error(Code::LedgerInvalid, &relative, index + 1, error.column(), format!("ledger line cannot be read: {error}"))
                        .with_hint("the ledger is written by siaran only; restore this file from git history (merges keep both sides' lines)"),
                ),
            }
        }
    }
    ledger
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLISHED: &str = r#"{"at":"2026-11-10T16:00:05+07:00","post":"2026/11/a","target":"x","event":"published","remote_id":"1","url":"https://x.com/kpukabcontoh/status/1"}"#;

    #[test]
    fn a_torn_last_line_is_ignored_and_other_bad_lines_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(LEDGER_DIR)).unwrap();
        std::fs::write(dir.path().join("ledger/2026-11.jsonl"), format!("{PUBLISHED}\n{{\"at\":\"2026-11-1")).unwrap();
        let mut diagnostics = Diagnostics::default();
        let ledger = load(dir.path(), &mut diagnostics);
        assert_eq!((ledger.events.len(), diagnostics.iter().count()), (1, 0));
        assert!(ledger.is_published_anywhere("2026/11/a"));
        assert!(!ledger.is_published_anywhere("2026/11/b"));

        std::fs::write(dir.path().join("ledger/2026-10.jsonl"), "bukan json\n").unwrap();
        let mut diagnostics = Diagnostics::default();
        let ledger = load(dir.path(), &mut diagnostics);
        assert_eq!(ledger.events.len(), 1);
        let codes: Vec<_> = diagnostics.iter().map(|d| (d.code, d.file.clone(), d.line)).collect();
        assert_eq!(codes, [(Code::LedgerInvalid, "ledger/2026-10.jsonl".to_string(), 1)]);
    }
}
