//! The *content digest* a sign-off approves (`siaran-digest-v1`). It is the SHA-256 of a
//! short text *manifest* that lists the hash of every component of the post:
//!
//! ```text
//! siaran-digest-v1
//! front-matter 6b1f...
//! body 9e0c...
//! media 3a7d... foto-1.jpg
//! attachment 51c2... disposisi.pdf
//! ```
//!
//! Because the manifest holds hashes, not content, anyone can check the public parts (body,
//! media) of a published post against it without the internal attachments, which stay
//! private. `docs/signatures.md` gives the format byte for byte.

use crate::content::fingerprint::{hex, sha256};
use crate::content::{Fingerprint, Post};

/// The first line of every manifest: the version of this format.
pub const DIGEST_VERSION: &str = "siaran-digest-v1";

/// The prefix of a digest as written in a sign-off.
pub const DIGEST_PREFIX: &str = "sha256:";

/// The manifest of a post's content, when every component could be hashed.
pub fn manifest(fingerprint: &Fingerprint) -> Option<String> {
    let mut text =
        format!("{DIGEST_VERSION}\nfront-matter {}\nbody {}\n", hex(&fingerprint.front_matter), hex(&fingerprint.body));
    for (label, files) in [("media", &fingerprint.media), ("attachment", &fingerprint.attachments)] {
        for file in files {
            text.push_str(&format!("{label} {} {}\n", hex(&file.hash?), file.file));
        }
    }
    Some(text)
}

/// The digest of a manifest: `sha256:` and 64 lowercase hex digits.
pub fn digest_of_manifest(manifest: &str) -> String {
    format!("{DIGEST_PREFIX}{}", hex(&sha256(manifest.as_bytes())))
}

/// A post's current content digest, when all its files could be read.
pub fn content_digest(post: &Post) -> Option<String> {
    post.fingerprint.as_ref().and_then(manifest).map(|manifest| digest_of_manifest(&manifest))
}

/// Whether `text` has the form of a digest.
pub fn is_well_formed(text: &str) -> bool {
    text.strip_prefix(DIGEST_PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::HashedFile;

    #[test]
    fn manifest_lists_every_component_in_order() {
        let fingerprint = Fingerprint {
            front_matter_json: String::new(),
            front_matter: [1; 32],
            body: [2; 32],
            media: vec![HashedFile { file: "foto 1.jpg".into(), hash: Some([3; 32]) }],
            attachments: vec![HashedFile { file: "disposisi.pdf".into(), hash: Some([4; 32]) }],
        };
        let text = manifest(&fingerprint).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "siaran-digest-v1");
        assert_eq!(lines[1], format!("front-matter {}", "01".repeat(32)));
        assert_eq!(lines[3], format!("media {} foto 1.jpg", "03".repeat(32)));
        assert_eq!(lines[4], format!("attachment {} disposisi.pdf", "04".repeat(32)));
        assert!(text.ends_with('\n'));
        assert!(is_well_formed(&digest_of_manifest(&text)));
        let missing = Fingerprint { media: vec![HashedFile { file: "x.jpg".into(), hash: None }], ..fingerprint };
        assert_eq!(manifest(&missing), None);
    }
}
