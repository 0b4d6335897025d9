//! The video a post sends to a video platform (YouTube, TikTok): the post's first medium
//! whose MIME type is `video/…`, read in byte ranges so a large file is never held whole
//! in memory. Uploads use their own HTTP client, whose timeout fits one chunk on a slow
//! office line rather than one API call.

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::Duration;

use crate::ledger::FailureClass;
use crate::publish::adapter::{AttemptError, Outgoing};

/// How long one chunk may take to send and be answered.
const CHUNK_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The video file of a post.
#[derive(Clone, Debug)]
pub struct Video {
    /// The file in the bundle.
    pub path: PathBuf,
    /// Its MIME type (`video/mp4`, `video/quicktime`, `video/webm`).
    pub mime: &'static str,
    /// Its size in bytes.
    pub size: u64,
}

impl Video {
    /// The post's first video, or a content failure naming the platform that needs one.
    pub fn of(outgoing: &Outgoing, platform: &str) -> Result<Video, AttemptError> {
        let media = outgoing.media.iter().find(|media| media.mime.starts_with("video/")).ok_or_else(|| {
            AttemptError::failed(FailureClass::Content, format!("{platform} needs a video; the post has none"))
        })?;
        let size = std::fs::metadata(&media.path).map_err(|error| unreadable(&media.path, &error))?.len();
        if size == 0 {
            return Err(AttemptError::failed(FailureClass::Content, format!("{} is empty", media.path.display())));
        }
        Ok(Video { path: media.path.clone(), mime: media.mime, size })
    }

    /// The bytes from `start`, at most `length` of them.
    pub fn read_range(&self, start: u64, length: u64) -> Result<Vec<u8>, AttemptError> {
        let mut file = std::fs::File::open(&self.path).map_err(|error| unreadable(&self.path, &error))?;
        file.seek(SeekFrom::Start(start)).map_err(|error| unreadable(&self.path, &error))?;
        let mut bytes = Vec::with_capacity(usize::try_from(length.min(self.size)).unwrap_or(0));
        file.take(length).read_to_end(&mut bytes).map_err(|error| unreadable(&self.path, &error))?;
        Ok(bytes)
    }

    /// The file's name, for `--dry-run`.
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// A failure reading the file. The upload stops and nothing is published: a person must
/// look at the bundle, so it is a content failure.
fn unreadable(path: &std::path::Path, error: &std::io::Error) -> AttemptError {
    AttemptError::failed(FailureClass::Content, format!("cannot read the video {}: {error}", path.display()))
}

/// An HTTP client for chunk uploads (the shared one gives up after 60 s).
pub fn upload_client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(CHUNK_TIMEOUT)
        .user_agent(concat!("siaran/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|_| reqwest::blocking::Client::new())
}

/// A chunk size from a target's `chunk_bytes`, or the platform's default.
pub fn chunk_bytes(credentials: &std::collections::BTreeMap<String, String>, default: u64) -> Result<u64, String> {
    match credentials.get("chunk_bytes") {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|bytes| *bytes > 0)
            .ok_or_else(|| format!("`chunk_bytes` must be a positive number of bytes, not `{text}`")),
    }
}

/// A human size: `734003 bytes (0.7 MB)`.
pub fn describe_size(bytes: u64) -> String {
    format!("{bytes} bytes ({:.1} MB)", bytes as f64 / 1_000_000.0)
}
