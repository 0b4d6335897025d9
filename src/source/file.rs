//! Reading user files as text, with the limits that keep a bad file from hurting anyone:
//! a size cap (an oversized file is refused before it is read), UTF-8 only, and a
//! byte-order mark tolerated.

use std::io::Read;
use std::path::Path;

/// Largest `siaran.yaml`, publish target or post `index.md` accepted.
pub const MAX_TEXT_FILE_BYTES: u64 = 1024 * 1024;

/// Why a text file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    /// The file is larger than [`MAX_TEXT_FILE_BYTES`].
    #[error("the file is {size} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// The file's size.
        size: u64,
        /// The limit it exceeds.
        limit: u64,
    },
    /// The bytes are not UTF-8; `line` and `column` point at the first bad byte.
    #[error("the file is not valid UTF-8 text (first bad byte at line {line}, column {column})")]
    NotUtf8 {
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based column (in bytes) of the first invalid byte.
        column: usize,
    },
    /// The file could not be opened or read.
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads a whole text file, refusing files over `limit` bytes and non-UTF-8 content.
pub fn read_text(path: &Path, limit: u64) -> Result<String, TextFileError> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Err(TextFileError::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // Read one byte past the limit so a file that grew after `metadata` is still caught.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(TextFileError::TooLarge { size: bytes.len() as u64, limit });
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(error) => {
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|byte| **byte == b'\n').count() + 1;
            let column = valid.iter().rev().take_while(|byte| **byte != b'\n').count() + 1;
            Err(TextFileError::NotUtf8 { line, column })
        }
    }
}

/// Replaces `path` with `bytes` atomically: the bytes go to a temporary file beside it,
/// reach the disk, and are then renamed over the original, so a crash leaves either the
/// old file or the new one, never half of each. The original's permissions are kept.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let folder = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        if let Ok(metadata) = std::fs::metadata(path) {
            file.set_permissions(metadata.permissions())?;
        }
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        // Make the rename itself durable (a folder can be synced on Unix only).
        #[cfg(unix)]
        std::fs::File::open(folder)?.sync_all()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// The diagnostic for a file that could not be read as text.
pub fn error_diagnostic(relative: &str, error: &TextFileError) -> super::Diagnostic {
    use super::{Code, Diagnostic};
    match error {
        TextFileError::TooLarge { .. } => Diagnostic::error(Code::FileTooLarge, relative, 1, 1, error.to_string())
            .with_hint("split the content or move large material into media files; text files must stay small"),
        TextFileError::NotUtf8 { line, column } => {
            Diagnostic::error(Code::FileNotUtf8, relative, *line, *column, error.to_string())
                .with_hint("save the file as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)")
        }
        TextFileError::Io(_) => Diagnostic::error(Code::FileUnreadable, relative, 1, 1, error.to_string())
            .with_hint("check that the file exists and can be read"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_first_bad_byte_and_the_size_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.md");
        std::fs::write(&path, b"---\ntitle: \"ok\"\nca\xffption\n").unwrap();
        match read_text(&path, 1000) {
            Err(TextFileError::NotUtf8 { line, column }) => assert_eq!((line, column), (3, 3)),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(read_text(&path, 4), Err(TextFileError::TooLarge { .. })));
        std::fs::write(&path, "\u{feff}hello").unwrap();
        assert_eq!(read_text(&path, 100).unwrap(), "hello");
    }

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.md");
        std::fs::write(&path, "lama").unwrap();
        write_atomic(&path, b"baru").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "baru");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
