//! Public verifiability. For each post the site publishes `persetujuan.json`: its digest
//! manifest, the canonical front matter and body it hashes, the hash and address of each
//! public media file, and every sign-off with its signature. `allowed_signers` lists the
//! office's signing keys in OpenSSH's own format. With these, anyone holding a copy of the
//! site can check each approval offline (`siaran verify --site`, or `ssh-keygen -Y verify`),
//! without the internal attachments, which appear only as hashes.

use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};

use super::view::Urls;
use crate::chain::{digest, signature};
use crate::check::CheckedPost;
use crate::config::Config;
use crate::content::fingerprint::{self, hex};

/// The version of the approval-data format.
pub const APPROVAL_FORMAT: &str = "siaran-approval-v1";

/// The file name of a post's approval data, beside its page.
pub const APPROVAL_FILE: &str = "persetujuan.json";

/// The site path of the signing keys.
pub const SIGNERS_FILE: &str = "allowed_signers";

/// A post's public approval data.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApprovalData {
    /// [`APPROVAL_FORMAT`].
    pub format: String,
    /// The post id.
    pub post: String,
    /// The title.
    pub title: String,
    /// The digest manifest, exactly as hashed.
    pub manifest: String,
    /// `sha256:` of the manifest.
    pub digest: String,
    /// The front matter without sign-offs, in canonical JSON (hashed as the manifest's
    /// `front-matter` line).
    pub front_matter: String,
    /// The body, with line endings as hashed (`\n`).
    pub body: String,
    /// Public media files.
    pub media: Vec<MediaHash>,
    /// Every sign-off, oldest first.
    pub signoffs: Vec<PublicSignOff>,
}

/// A public media file and its hash.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct MediaHash {
    /// The name in the front matter (and in the post's folder on the site).
    pub file: String,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// A sign-off as published.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct PublicSignOff {
    /// Step id.
    pub step: String,
    /// Person id (as in `allowed_signers`).
    pub by: String,
    /// The person's name.
    pub name: String,
    /// The step's role name.
    pub role: String,
    /// RFC 3339, as written.
    pub at: String,
    /// `approve` or `reject`.
    pub decision: String,
    /// The written note.
    pub note: String,
    /// The digest approved.
    pub digest: String,
    /// The armored SSH signature.
    pub signature: String,
}

/// The approval data of a post, when its content could be hashed.
pub fn approval_data(checked: &CheckedPost, config: &Config) -> Option<ApprovalData> {
    let post = &checked.post;
    let fingerprint = post.fingerprint.as_ref()?;
    let manifest = digest::manifest(fingerprint)?;
    let revision = config.workflows.get(&post.workflow).and_then(|workflow| checked.chain.revision(workflow));
    Some(ApprovalData {
        format: APPROVAL_FORMAT.to_string(),
        post: post.id.clone(),
        title: post.title.clone(),
        digest: digest::digest_of_manifest(&manifest),
        manifest,
        front_matter: fingerprint.front_matter_json.clone(),
        body: fingerprint::hashed_body(&post.body).into_owned(),
        media: fingerprint
            .media
            .iter()
            .filter_map(|file| Some(MediaHash { file: file.file.clone(), sha256: hex(&file.hash?) }))
            .collect(),
        signoffs: post
            .signoffs
            .iter()
            .map(|signoff| PublicSignOff {
                step: signoff.step.clone(),
                by: signoff.by.clone(),
                name: config.people.get(&signoff.by).map_or_else(String::new, |person| person.name.clone()),
                role: revision
                    .and_then(|revision| revision.steps.iter().find(|step| step.id == signoff.step))
                    .map_or_else(String::new, |step| config.role_name(&step.role).to_string()),
                at: signoff.at.to_rfc3339_opts(SecondsFormat::AutoSi, false),
                decision: signoff.decision.as_str().to_string(),
                note: signoff.note.clone(),
                digest: signoff.digest.clone().unwrap_or_default(),
                signature: signoff.signature.clone().unwrap_or_default(),
            })
            .collect(),
    })
}

/// The office's keys in OpenSSH `allowed_signers` format: one line per key, limited to the
/// `siaran` namespace; a retired key is valid only before its retirement; a revoked key is
/// listed as a comment so readers know it is not trusted.
pub fn allowed_signers(config: &Config, urls: &Urls) -> String {
    let mut out = format!(
        "# Kunci penanda tangan persetujuan {} ({}).\n# Signing keys of {}. Verify: ssh-keygen -Y verify -f allowed_signers -I PERSON -n siaran -s SIG < MESSAGE\n",
        config.site.office,
        urls.absolute(""),
        config.site.office
    );
    for person in config.people.values() {
        for key in &person.keys {
            let Ok(line) = key.key.to_openssh() else { continue };
            if key.revoked {
                out.push_str(&format!("# revoked: {} {line}\n", person.id));
                continue;
            }
            let mut options = format!("namespaces=\"{}\"", signature::NAMESPACE);
            if let Some(retired) = key.retired {
                options.push_str(&format!(",valid-before=\"{}\"", retired.to_utc().format("%Y%m%d%H%M%SZ")));
            }
            out.push_str(&format!("{} {options} {line}\n", person.id));
        }
    }
    out
}
