//! Appending to the ledger: one JSON line per event, written with a single `write` and
//! flushed to disk (`fsync`) before the caller goes on, so an event that was reported as
//! recorded survives a crash. Events go to the file of their month in the office's zone. A
//! torn last line left by an earlier crash is cut off first: its append never returned, so
//! nobody acted on it (an attempt whose outcome line was torn is reconciled, as any attempt
//! without an outcome).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use super::event::Event;
use super::read::LEDGER_DIR;

/// Appends events to `ledger/YYYY-MM.jsonl`. Clones share one lock, so threads of one
/// publisher never interleave their lines (other processes are kept out by the publish lock).
#[derive(Clone, Debug)]
pub struct LedgerWriter {
    folder: PathBuf,
    zone: Tz,
    appending: std::sync::Arc<std::sync::Mutex<()>>,
}

impl LedgerWriter {
    /// A writer for the repository at `root`, dating files in `zone`.
    pub fn new(root: &Path, zone: Tz) -> LedgerWriter {
        LedgerWriter { folder: root.join(LEDGER_DIR), zone, appending: Default::default() }
    }

    /// Appends one event and makes it durable.
    pub fn append(&self, event: &Event) -> std::io::Result<()> {
        let _one_at_a_time = self.appending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        std::fs::create_dir_all(&self.folder)?;
        let month = event.at.with_timezone(&self.zone).format("%Y-%m");
        let path = self.folder.join(format!("{month}.jsonl"));
        let mut line = serde_json::to_string(event).map_err(std::io::Error::other)?;
        line.push('\n');
        let mut file = std::fs::OpenOptions::new().create(true).read(true).write(true).truncate(false).open(&path)?;
        let complete = complete_length(&mut file)?;
        if complete != file.metadata()?.len() {
            file.set_len(complete)?;
        }
        use std::io::{Seek, SeekFrom};
        file.seek(SeekFrom::Start(complete))?;
        file.write_all(line.as_bytes())?;
        file.sync_data()?;
        Ok(())
    }
}

/// The length of the file up to and including its last newline.
fn complete_length(file: &mut std::fs::File) -> std::io::Result<u64> {
    use std::io::{Read, Seek, SeekFrom};
    let length = file.metadata()?.len();
    let mut end = length;
    let mut buffer = [0u8; 4096];
    while end > 0 {
        let start = end.saturating_sub(buffer.len() as u64);
        let chunk = &mut buffer[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(position) = chunk.iter().rposition(|byte| *byte == b'\n') {
            return Ok(start + position as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{EventKind, load};
    use crate::source::Diagnostics;

    #[test]
    fn appends_durably_and_cuts_a_torn_line() {
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
        assert_eq!(diagnostics.iter().count(), 0, "the torn line is gone");
        let text = std::fs::read_to_string(dir.path().join("ledger/2026-11.jsonl")).unwrap();
        assert!(text.starts_with("{\"at\":\"2026-11-21T09:00:00+07:00\""), "{text}");
    }
}
