//! One publisher at a time: `siaran publish` and `siaran daemon` hold an exclusive lock on
//! `.siaran/publish.lock` while they run; a second one refuses instead of racing the first
//! (two publishers could both see a post as due and send it twice). The operating system
//! releases the lock when the process ends, even by a crash.

use std::fs::File;
use std::path::Path;

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub struct PublishLock {
    _file: File,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another publisher holds it.
    #[error("another `siaran publish` or `siaran daemon` is running on this repository")]
    Busy,
    /// The lock file could not be opened.
    #[error("cannot open the publish lock: {0}")]
    Io(#[from] std::io::Error),
}

/// Takes the lock for the repository at `root`, without waiting.
pub fn acquire(root: &Path) -> Result<PublishLock, LockError> {
    let folder = root.join(".siaran");
    std::fs::create_dir_all(&folder)?;
    let file =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(folder.join("publish.lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(PublishLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(LockError::Busy),
        Err(std::fs::TryLockError::Error(error)) => Err(LockError::Io(error)),
    }
}
