//! A post's *fingerprint*: one SHA-256 hash per component of its content — the front
//! matter without `signoffs` (in canonical JSON, so reformatting YAML changes nothing), the
//! Markdown body (line endings normalised to `\n`), and every media file and attachment,
//! byte for byte. The chain layer turns the fingerprint into the content digest that
//! sign-offs approve; hashing per component lets anyone check the public parts of a post
//! without seeing its internal attachments.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::source::yaml;

/// A SHA-256 hash.
pub type Sha256Hash = [u8; 32];

/// One hashed file of a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashedFile {
    /// The name as written in the front matter.
    pub file: String,
    /// The hash of its bytes; `None` when it could not be read (already reported).
    pub hash: Option<Sha256Hash>,
}

/// The hashes of every component of a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// The front matter without `signoffs`, in canonical JSON (published with the approval
    /// data, so that anyone can hash it).
    pub front_matter_json: String,
    /// Its hash.
    pub front_matter: Sha256Hash,
    /// The body with `\r\n` read as `\n`.
    pub body: Sha256Hash,
    /// Media files, in front-matter order.
    pub media: Vec<HashedFile>,
    /// Attachments, in front-matter order.
    pub attachments: Vec<HashedFile>,
}

/// The key of the front matter that the fingerprint leaves out.
const SIGNOFFS_KEY: &str = "signoffs";

/// The canonical JSON of a post's front matter, without its sign-offs.
pub fn canonical_front_matter(front_matter: &str) -> Result<String, yaml::YamlError> {
    yaml::canonical_json_without(front_matter, SIGNOFFS_KEY)
}

/// The front matter read as `T`, and its canonical JSON without sign-offs when it is valid
/// YAML, from one parse.
pub fn read_front_matter<T: serde::de::DeserializeOwned>(
    front_matter: &str,
) -> (Result<T, yaml::YamlError>, Option<String>) {
    yaml::from_str_and_canonical(front_matter, SIGNOFFS_KEY)
}

/// The body as hashed: `\r\n` is read as `\n`, so a Windows checkout does not make
/// approvals stale; every other byte counts.
pub fn hashed_body(body: &str) -> std::borrow::Cow<'_, str> {
    if body.contains("\r\n") {
        std::borrow::Cow::Owned(body.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(body)
    }
}

/// The hash of a body (see [`hashed_body`]).
pub fn hash_body(body: &str) -> Sha256Hash {
    sha256(hashed_body(body).as_bytes())
}

/// The hash of a file's bytes, streamed.
pub fn hash_file(path: &Path) -> std::io::Result<Sha256Hash> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher.finalize().into())
}

/// SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> Sha256Hash {
    Sha256::digest(bytes).into()
}

/// A SHA-256 hash from its 64 hexadecimal digits (as [`hex`] writes it), if it is one.
pub fn sha256_from_hex(text: &str) -> Option<Sha256Hash> {
    if text.len() != 64 {
        return None;
    }
    let mut hash = [0u8; 32];
    for (index, byte) in hash.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(index * 2..index * 2 + 2)?, 16).ok()?;
    }
    Some(hash)
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_hash_ignores_formatting_and_signoffs() {
        let block = "title: \"Rapat\"\ntags:\n  - a\n  - b\n# komentar\nsignoffs: []\n";
        let flow = "tags: [a, b]\ntitle: Rapat\n";
        assert_eq!(canonical_front_matter(block).unwrap(), canonical_front_matter(flow).unwrap());
        assert_ne!(
            canonical_front_matter(flow).unwrap(),
            canonical_front_matter("tags: [b, a]\ntitle: Rapat\n").unwrap()
        );
        assert_eq!(canonical_front_matter(flow).unwrap(), r#"{"tags":["a","b"],"title":"Rapat"}"#);
    }

    #[test]
    fn body_hash_reads_crlf_as_lf_only() {
        assert_eq!(hash_body("a\r\nb\n"), hash_body("a\nb\n"));
        assert_ne!(hash_body("a\nb\n"), hash_body("a\nb"));
        assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
