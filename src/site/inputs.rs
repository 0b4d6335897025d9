//! What each file of the site is *made from*, as one fingerprint (its input): a build
//! compares it with the last build's and skips the file when it is the same. A page's
//! input is normally its template and whole context; a post's page and its approval
//! record are decided from the post itself, without making their context, since that
//! (Markdown, sanitising, the timeline) is most of a rebuild's work.

use sha2::{Digest, Sha256};

use super::SiteData;
use super::public;
use crate::content::fingerprint::hex;

/// The fingerprint of a page: the templates, the common context and its own context.
pub(super) fn render_input(
    templates: &crate::content::Sha256Hash,
    template: &str,
    common: &str,
    context: &serde_json::Value,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(templates);
    hasher.update(template.as_bytes());
    hasher.update(common.as_bytes());
    // Streamed into the hash: a page's context is never written out as one string.
    let _ = serde_json::to_writer(HashWriter(&mut hasher), context);
    hex(&hasher.finalize())
}

/// Feeds what is written into a hash.
struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Write for HashWriter<'_> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.0.update(text.as_bytes());
        Ok(())
    }
}

/// The fingerprints of what a post's page and its approval record are made from, so that
/// an unchanged post's page is neither made nor rendered. Both are functions of the post as
/// loaded and checked and of the configuration; a page also of how the site shows the post
/// (draft, date, copies, photo plans), the templates and the common context. See
/// [`hash_checked_post`] for how a post is identified.
pub(super) struct PostInputs {
    /// The common context, as JSON.
    pub common: String,
    /// The hash so far of what every post page shares.
    page: Sha256,
    /// The same for approval records: the configuration alone.
    approval: Sha256,
}

impl PostInputs {
    pub fn new(data: &SiteData<'_>, templates: &crate::content::Sha256Hash, common: &str) -> PostInputs {
        use std::fmt::Write;
        let mut approval = Sha256::new();
        approval.update(b"approval 1\0");
        // Every map in the configuration is ordered, so the same configuration always
        // hashes the same.
        let _ = write!(HashWriter(&mut approval), "{:?}", data.repository.config);
        let mut page = approval.clone();
        page.update(b"\0page\0");
        page.update(templates);
        page.update(common.as_bytes());
        let _ = write!(HashWriter(&mut page), "\0{} {}\0", data.drafts, data.search);
        PostInputs { common: common.to_string(), page, approval }
    }

    /// The input of the post page at `index` rendered with `template`.
    pub fn post_page(&self, data: &SiteData<'_>, index: usize, template: &str) -> Option<String> {
        use std::fmt::Write;
        let site_post = data.posts.get(index)?;
        let plans = data.plans.get(index)?;
        let mut hasher = self.page.clone();
        hasher.update(template.as_bytes());
        hash_checked_post(&mut hasher, site_post.checked);
        let public::SitePost { checked: _, is_draft, date, copies } = site_post;
        let _ = write!(HashWriter(&mut hasher), "\0{is_draft:?} {date:?} {copies:?} {plans:?}");
        Some(hex(&hasher.finalize()))
    }

    /// The input of a post's approval record.
    pub fn approval(&self, site_post: &public::SitePost<'_>) -> String {
        let mut hasher = self.approval.clone();
        hash_checked_post(&mut hasher, site_post.checked);
        hex(&hasher.finalize())
    }
}

/// Feeds a checked post into a hash. Its front matter (but the sign-offs) is identified by
/// the hash of its canonical JSON — the same hash its approvals sign, so it leaves out
/// nothing the post shows — and the rest field by field: long texts as bytes, small parts
/// through their `Debug` form. Every field is named below, so a field added to a post
/// must be placed here before the crate compiles. A post whose front matter could not be
/// canonicalised is hashed whole through `Debug`.
fn hash_checked_post(hasher: &mut Sha256, checked: &crate::check::CheckedPost) {
    use std::fmt::Write;
    let crate::check::CheckedPost { post, chain, is_valid } = checked;
    let Some(fingerprint) = &post.fingerprint else {
        let _ = write!(HashWriter(hasher), "whole\0{checked:?}");
        return;
    };
    let crate::content::Post {
        // Read from the front matter, which `fingerprint.front_matter` identifies.
        id: _,
        title: _,
        kind: _,
        workflow: _,
        event_date: _,
        publish_at: _,
        expires_at: _,
        platforms: _,
        caption: _,
        per_platform: _,
        tags: _,
        // The rest.
        file,
        bundle,
        media,
        attachments,
        signoffs,
        signoffs_complete,
        body,
        body_line,
        fingerprint: _,
    } = post;
    let text = |hasher: &mut Sha256, text: &str| {
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    };
    text(hasher, file);
    hasher.update(fingerprint.front_matter);
    text(hasher, body);
    for signoff in signoffs {
        let crate::content::SignOff { step, by, at, decision, note, digest, signature } = signoff;
        let _ = write!(HashWriter(hasher), "\0{step:?} {by:?} {at:?} {decision:?} {digest:?}");
        text(hasher, note);
        text(hasher, signature.as_deref().unwrap_or_default());
    }
    let _ = write!(
        HashWriter(hasher),
        "\0{bundle:?} {media:?} {attachments:?} {:?} {:?} {signoffs_complete} {body_line} {chain:?} {is_valid}",
        fingerprint.media,
        fingerprint.attachments,
    );
}
