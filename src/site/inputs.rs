//! What each file of the site is *made from*, as one fingerprint (its input): a build
//! compares it with the last build's and skips the file when it is the same. A page's
//! input is normally its template and whole context; a post's page and its approval
//! record are decided from the post itself, without making their context, since that
//! (Markdown, sanitising, the timeline) is most of a rebuild's work.

use sha2::{Digest, Sha256};

use super::public;
use crate::content::fingerprint::hex;

/// The fingerprint of a page: the templates, the common context and its own context.
fn render_input(
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
/// [`hash_checked_post`] for how a post is identified. A post's page input also identifies
/// its card, which is made from a part of the same: a list page is decided by its own
/// values and the page inputs of the posts it shows, without making their cards.
pub(super) struct PostInputs {
    /// The templates' fingerprint.
    templates: crate::content::Sha256Hash,
    /// The common context, as JSON.
    common: String,
    /// The hash so far of what every approval record shares: the configuration alone.
    approval: Sha256,
    /// Each post's own hash, by index.
    posts: Vec<[u8; 32]>,
    /// Each post page's input, by index.
    pages: Vec<String>,
}

/// The template of every post's page.
pub(super) const POST_TEMPLATE: &str = "post.html";

/// What the fingerprints are made from, besides the posts.
pub(super) struct Shared<'a> {
    /// The configuration.
    pub config: &'a crate::config::Config,
    /// Whether this is a draft preview.
    pub drafts: bool,
    /// Whether the search page is built.
    pub search: bool,
    /// The templates' fingerprint.
    pub templates: &'a crate::content::Sha256Hash,
    /// The common context, as JSON.
    pub common: &'a str,
}

impl PostInputs {
    /// Hashes every post (side by side) and its page's input.
    pub fn new(
        shared: &Shared<'_>,
        posts: &[public::SitePost<'_>],
        plans: &[Vec<Option<super::images::ImagePlan>>],
    ) -> PostInputs {
        use rayon::prelude::*;
        use std::fmt::Write;
        let mut approval = Sha256::new();
        approval.update(b"approval 1\0");
        // Every map in the configuration is ordered, so the same configuration always
        // hashes the same.
        let _ = write!(HashWriter(&mut approval), "{:?}", shared.config);
        let mut page = approval.clone();
        page.update(b"\0page\0");
        page.update(shared.templates);
        page.update(shared.common.as_bytes());
        let _ = write!(HashWriter(&mut page), "\0{} {}\0", shared.drafts, shared.search);
        page.update(POST_TEMPLATE.as_bytes());
        let (hashes, pages): (Vec<[u8; 32]>, Vec<String>) = posts
            .par_iter()
            .enumerate()
            .map(|(index, site_post)| {
                let checked = site_post.checked;
                let mut post = Sha256::new();
                post.update(checked.fingerprint_with(post_fingerprint));
                post.update([u8::from(checked.is_valid)]);
                let post: [u8; 32] = post.finalize().into();
                let mut hasher = page.clone();
                hasher.update(post);
                let public::SitePost { checked: _, is_draft, date, copies } = site_post;
                let plans = plans.get(index).map_or(&[][..], Vec::as_slice);
                let _ = write!(HashWriter(&mut hasher), "\0{is_draft:?} {date:?} {copies:?} {plans:?}");
                (post, hex(&hasher.finalize()))
            })
            .unzip();
        PostInputs { templates: *shared.templates, common: shared.common.to_string(), approval, posts: hashes, pages }
    }

    /// The input of the page of the post at `index`.
    pub fn post_page(&self, index: usize) -> Option<&str> {
        self.pages.get(index).map(String::as_str)
    }

    /// Each post page's input, by index.
    pub fn into_post_pages(self) -> Vec<String> {
        self.pages
    }

    /// The input of the approval record of the post at `index`.
    pub fn approval(&self, index: usize) -> Option<String> {
        let mut hasher = self.approval.clone();
        hasher.update(self.posts.get(index)?);
        Some(hex(&hasher.finalize()))
    }

    /// The input of a list page: its template, its values but the cards, and the posts it
    /// shows (by index), each by its page's input.
    pub fn cards_page(&self, template: &str, base: &serde_json::Value, posts: &[usize]) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"cards 1\0");
        hasher.update(self.templates);
        hasher.update(template.as_bytes());
        hasher.update(self.common.as_bytes());
        let _ = serde_json::to_writer(HashWriter(&mut hasher), base);
        for index in posts {
            hasher.update(self.post_page(*index).unwrap_or("-").as_bytes());
        }
        hex(&hasher.finalize())
    }

    /// The input of any other page: its template and whole context.
    pub fn page(&self, template: &str, context: &serde_json::Value) -> String {
        render_input(&self.templates, template, &self.common, context)
    }
}

/// The fingerprint of a checked post but its validity (which a reload may change): see
/// [`hash_checked_post`].
fn post_fingerprint(checked: &crate::check::CheckedPost) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hash_checked_post(&mut hasher, checked);
    hasher.finalize().into()
}

/// Feeds a checked post into a hash, but its validity. Its front matter (but the sign-offs) is identified by
/// the hash of its canonical JSON — the same hash its approvals sign, so it leaves out
/// nothing the post shows — and the rest field by field: long texts as bytes, small parts
/// through their `Debug` form. Every field is named below, so a field added to a post
/// must be placed here before the crate compiles. A post whose front matter could not be
/// canonicalised is hashed whole through `Debug`.
fn hash_checked_post(hasher: &mut Sha256, checked: &crate::check::CheckedPost) {
    use std::fmt::Write;
    let crate::check::CheckedPost { post, chain, is_valid: _, .. } = checked;
    let Some(fingerprint) = &post.fingerprint else {
        let _ = write!(HashWriter(hasher), "whole\0{post:?} {chain:?}");
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
        "\0{bundle:?} {media:?} {attachments:?} {:?} {:?} {signoffs_complete} {body_line} {chain:?}",
        fingerprint.media,
        fingerprint.attachments,
    );
}
