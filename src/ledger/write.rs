//! Appending to the ledger: one JSON line per event, written with a single `write` and
//! flushed to disk (`fsync`) before the caller goes on, so an event that was reported as
//! recorded survives a crash. Events go to the file of their month in the office's zone. A
//! torn last line left by an earlier crash is closed with a newline first, so it stays one
//! ignorable line and never swallows the next event.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use super::event::Event;
use super::read::LEDGER_DIR;

/// Appends events to `ledger/YYYY-MM.jsonl`.
#[derive(Clone, Debug)]
pub struct LedgerWriter {
    folder: PathBuf,
    zone: Tz,
}

impl LedgerWriter {
    /// A writer for the repository at `root`, dating files in `zone`.
    pub fn new(root: &Path, zone: Tz) -> LedgerWriter {
        LedgerWriter { folder: root.join(LEDGER_DIR), zone }
    }

    /// Appends one event and makes it durable.
    pub fn append(&self, event: &Event) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.folder)?;
        let month = event.at.with_timezone(&self.zone).format("%Y-%m");
        let path = self.folder.join(format!("{month}.jsonl"));
        let mut line = serde_json::to_string(event).map_err(std::io::Error::other)?;
        line.push('\n');
        let mut file = std::fs::OpenOptions::new().create(true).append(true).read(true).open(&path)?;
        let length = file.metadata()?.len();
        if length > 0 {
            use std::io::{Read, Seek, SeekFrom};
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(length - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                line.insert(0, '\n');
            }
        }
        file.write_all(line.as_bytes())?;
        file.sync_data()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{EventKind, load};
    use crate::source::Diagnostics;

    #[test]
    fn appends_durably_and_closes_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("ledger")).unwrap();
        std::fs::write(dir.path().join("ledger/2026-11.jsonl"), "{\"at\":\"2026-11-2").unwrap();
        let writer = LedgerWriter::new(dir.path(), chrono_tz::Asia::Jakarta);
        let event = Event {
            at: chrono::DateTime::parse_from_rfc3339("2026-11-21T09:00:00+07:00").unwrap(),
            post: "2026/11/a".into(),
            target: "x".into(),
            kind: EventKind::Missed { message: "terlambat".into() },
        };
        writer.append(&event).unwrap();
        writer.append(&event).unwrap();
        let mut diagnostics = Diagnostics::default();
        let ledger = load(dir.path(), &mut diagnostics);
        assert_eq!(ledger.events.len(), 2);
        assert_eq!(diagnostics.iter().count(), 1, "the torn line is now a complete bad line, reported once");
    }
}
