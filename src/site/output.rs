//! Writing the site *incrementally*. Each output file is recorded with a fingerprint of
//! what it was made from (a template and its context, or a file's hash) and of its bytes.
//! On the next build an output whose inputs are unchanged is neither rendered nor written,
//! a changed one is written only when its bytes differ, and a file the build no longer
//! makes is removed: afterwards the output folder holds exactly the site. The record lives
//! in the repository's cache folder, not in the site. A process that builds again and again
//! (the preview) hands each build the record the last one left ([`Record`]): it is then
//! neither read from disk nor the folder walked, as nothing but siaran writes there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::content::fingerprint::{hex, sha256};

/// What the last build made, by site path.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BuildState {
    /// Format version.
    pub version: u32,
    /// Site path → record.
    pub files: BTreeMap<String, FileRecord>,
}

/// One output file of the last build.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileRecord {
    /// Fingerprint of its inputs.
    pub input: String,
    /// SHA-256 of its bytes.
    pub output: String,
}

const STATE_VERSION: u32 = 1;

/// Why the output folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The folder holds files siaran did not make.
    #[error("{0} is not empty and was not made by siaran; choose an empty folder, or empty it first")]
    Foreign(PathBuf),
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.to_path_buf(), source }
}

fn create_parent(target: &Path) -> Result<(), OutputError> {
    match target.parent() {
        Some(parent) if !parent.is_dir() => std::fs::create_dir_all(parent).map_err(io(parent)),
        _ => Ok(()),
    }
}

/// One file made this build, before it is recorded.
#[derive(Clone, Debug)]
pub struct Written {
    /// Its site path.
    pub path: String,
    /// The fingerprint of its inputs.
    pub input: String,
    /// The SHA-256 of its bytes.
    pub output: String,
    /// Whether the file on disk was (re)written.
    pub changed: bool,
}

/// The record of an output folder as a build left it, with where it is saved.
#[derive(Debug)]
pub struct Record {
    state_file: PathBuf,
    state: BuildState,
    saved: bool,
}

impl Record {
    /// Saves the record, unless it was saved already.
    pub fn save(&mut self) -> Result<(), OutputError> {
        if self.saved {
            return Ok(());
        }
        if let Some(parent) = self.state_file.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let bytes = serde_json::to_vec(&self.state).unwrap_or_default();
        crate::source::file::write_atomic(&self.state_file, &bytes).map_err(io(&self.state_file))?;
        self.saved = true;
        Ok(())
    }
}

/// The output folder during one build.
pub struct Output {
    root: PathBuf,
    state_file: PathBuf,
    previous: BuildState,
    /// Whether `previous` is the record this process left (so the folder holds just that).
    resumed: bool,
    next: BuildState,
    /// Files rendered or copied this build.
    pub produced: usize,
    /// Files written (their bytes changed).
    pub written: usize,
}

impl Output {
    /// Opens `root` for a build, with its record in `cache`, or the record `kept` by the
    /// last build of this process when it is of the same folder.
    pub fn open(root: &Path, cache: &Path, kept: Option<Record>) -> Result<Output, OutputError> {
        std::fs::create_dir_all(root).map_err(io(root))?;
        let absolute = std::fs::canonicalize(root).map_err(io(root))?;
        let key = &hex(&sha256(absolute.to_string_lossy().as_bytes()))[..16];
        let state_file = cache.join(format!("site-{key}.json"));
        // The record on disk is taken away before anything is written: a build that fails
        // halfway leaves files the record does not describe, and the next build must not
        // trust it.
        let kept = kept.filter(|kept| kept.state_file == state_file);
        let on_disk = if kept.is_none() { std::fs::read(&state_file).ok() } else { None };
        match std::fs::remove_file(&state_file) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(io(&state_file)(error)),
            _ => {}
        }
        let (previous, resumed) = match kept {
            Some(kept) => (kept.state, true),
            None => {
                let previous: BuildState = on_disk
                    .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                    .filter(|state: &BuildState| state.version == STATE_VERSION)
                    .unwrap_or_default();
                let is_empty = std::fs::read_dir(root).map_err(io(root))?.next().is_none();
                let looks_like_a_site = root.join(super::approval::SIGNERS_FILE).is_file();
                if previous.files.is_empty() && !is_empty && !looks_like_a_site {
                    return Err(OutputError::Foreign(root.to_path_buf()));
                }
                (previous, false)
            }
        };
        Ok(Output {
            root: root.to_path_buf(),
            state_file,
            previous,
            resumed,
            next: BuildState { version: STATE_VERSION, files: BTreeMap::new() },
            produced: 0,
            written: 0,
        })
    }

    /// Whether `path` was made last time from the same inputs and is still there (taken as
    /// read when the last build was this process's own).
    pub fn is_current(&self, path: &str, input: &str) -> bool {
        self.previous.files.get(path).is_some_and(|record| record.input == input)
            && (self.resumed || self.root.join(path).is_file())
    }

    /// Files in the site so far this build.
    pub fn files(&self) -> usize {
        self.next.files.len()
    }

    /// The site paths the last build made.
    pub fn previous_paths(&self) -> impl Iterator<Item = &str> {
        self.previous.files.keys().map(String::as_str)
    }

    /// The hash of the bytes this build recorded at `path`, once kept or put.
    pub fn recorded_output(&self, path: &str) -> Option<&str> {
        self.next.files.get(path).map(|record| record.output.as_str())
    }

    /// Keeps a current file as it is.
    pub fn keep(&mut self, path: &str) {
        if let Some(record) = self.previous.files.get(path) {
            self.next.files.insert(path.to_string(), record.clone());
        }
    }

    /// Puts `bytes` at `path`, writing only when they differ from what is there.
    pub fn put(&mut self, path: &str, input: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let written = self.write_bytes(path, input, bytes)?;
        self.record(written);
        Ok(())
    }

    /// Writes `bytes` at `path` when they differ from what is there. Safe to call from many
    /// threads at once; the result goes to [`Output::record`].
    pub fn write_bytes(&self, path: &str, input: &str, bytes: &[u8]) -> Result<Written, OutputError> {
        let output = hex(&sha256(bytes));
        let target = self.root.join(path);
        let same = self.previous_output_is(path, &output, &target)
            || std::fs::read(&target).is_ok_and(|existing| existing == bytes);
        if !same {
            create_parent(&target)?;
            std::fs::write(&target, bytes).map_err(io(&target))?;
        }
        Ok(Written { path: path.to_string(), input: input.to_string(), output, changed: !same })
    }

    /// Copies the file `from`, whose bytes hash to `hash`, to `path` when what is there
    /// differs. The copy is made by the kernel, without reading it into memory.
    pub fn copy_file(&self, path: &str, input: &str, from: &Path, hash: &str) -> Result<Written, OutputError> {
        let target = self.root.join(path);
        let same = self.previous_output_is(path, hash, &target);
        if !same {
            create_parent(&target)?;
            std::fs::copy(from, &target).map_err(io(&target))?;
        }
        Ok(Written { path: path.to_string(), input: input.to_string(), output: hash.to_string(), changed: !same })
    }

    fn previous_output_is(&self, path: &str, output: &str, target: &Path) -> bool {
        self.previous.files.get(path).is_some_and(|record| record.output == output) && target.is_file()
    }

    /// Records a file made by [`Output::write_bytes`] or [`Output::copy_file`].
    pub fn record(&mut self, written: Written) {
        self.produced += 1;
        self.written += usize::from(written.changed);
        self.next.files.insert(written.path, FileRecord { input: written.input, output: written.output });
    }

    /// Removes every file under the folder that this build did not make, and empty folders.
    /// Returns how many files were removed, and the record to save or to hand to the next
    /// build.
    pub fn finish(self) -> Result<(usize, Record), OutputError> {
        let removed = if self.resumed { self.remove_unmade()? } else { self.remove_unknown()? };
        Ok((removed, Record { state_file: self.state_file, state: self.next, saved: false }))
    }

    /// Removes the files the last build made and this one did not, and the folders they
    /// leave empty.
    fn remove_unmade(&self) -> Result<usize, OutputError> {
        let mut removed = 0;
        for path in self.previous.files.keys().filter(|path| !self.next.files.contains_key(*path)) {
            let target = self.root.join(path);
            match std::fs::remove_file(&target) {
                Ok(()) => removed += 1,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(OutputError::Io { path: target, source: error }),
            }
            // Only empty folders go; a failure means the folder still holds something.
            let mut folder = target.parent();
            while let Some(parent) = folder.filter(|parent| *parent != self.root) {
                if std::fs::remove_dir(parent).is_err() {
                    break;
                }
                folder = parent.parent();
            }
        }
        Ok(removed)
    }

    /// Removes every file under the folder that this build did not make, and empty folders.
    fn remove_unknown(&self) -> Result<usize, OutputError> {
        // Folders that hold a kept file, directly or below: they stay.
        let mut occupied: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for path in self.next.files.keys() {
            let mut folder = path.as_str();
            while let Some((parent, _)) = folder.rsplit_once('/') {
                if !occupied.insert(parent) {
                    break;
                }
                folder = parent;
            }
        }
        let mut removed = 0;
        let mut folders = Vec::new();
        for entry in walkdir::WalkDir::new(&self.root).min_depth(1).contents_first(true) {
            let entry = entry.map_err(|error| OutputError::Io {
                path: self.root.clone(),
                source: error.into_io_error().unwrap_or_else(|| std::io::Error::other("walk")),
            })?;
            let site_path = entry.path().strip_prefix(&self.root).ok().and_then(Path::to_str).unwrap_or_default();
            if entry.file_type().is_dir() {
                if !occupied.contains(site_path) {
                    folders.push(entry.path().to_path_buf());
                }
            } else if !self.next.files.contains_key(site_path) {
                std::fs::remove_file(entry.path()).map_err(io(entry.path()))?;
                removed += 1;
            }
        }
        for folder in folders {
            // Only empty folders go; a failure means the folder still holds something.
            let _ = std::fs::remove_dir(&folder);
        }
        Ok(removed)
    }
}
