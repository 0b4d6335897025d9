//! What the archive shows. A post is *public* when its data is valid, its chain is complete
//! (so no approval is stale or rejected), and it has gone out: published on at least one
//! target according to the ledger, or, for a site-only post (`platforms: []`), its
//! `publish_at` has passed (or it has none). Everything else is a *draft*, shown only in a
//! `--drafts` preview. Internal attachments are never part of the site either way.

use chrono::{DateTime, FixedOffset};

use crate::check::{CheckedPost, Repository};
use crate::config::Platform;
use crate::ledger::Ledger;

/// A post as the archive sees it.
#[derive(Clone, Debug)]
pub struct SitePost<'a> {
    /// The loaded, checked post.
    pub checked: &'a CheckedPost,
    /// Whether it is shown only as a draft preview.
    pub is_draft: bool,
    /// When it went out: its first publication, its `publish_at`, or its last sign-off.
    pub date: DateTime<FixedOffset>,
    /// Its live copies on the platforms, in target order.
    pub copies: Vec<PlatformCopy>,
}

/// A live copy of a post on one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformCopy {
    /// The target id.
    pub target: String,
    /// The platform.
    pub platform: Platform,
    /// The copy's public address.
    pub url: String,
}

/// Whether a post belongs on the public archive at `now`.
pub fn is_public(checked: &CheckedPost, ledger: &Ledger, now: DateTime<FixedOffset>) -> bool {
    let post = &checked.post;
    if !checked.is_valid || !checked.chain.is_complete {
        return false;
    }
    if post.publish_at.is_some_and(|at| at > now) {
        return false;
    }
    ledger.is_published_anywhere(&post.id) || post.platforms.is_empty()
}

/// Whether a post's media wait at their staged addresses (`Post::staged_media`): from the
/// complete chain until the post expires, published or not, so platforms that fetch media by
/// URL find them at publication time. The pages themselves stay out until [`is_public`].
pub fn stages_media(checked: &CheckedPost, now: DateTime<FixedOffset>) -> bool {
    checked.is_valid && checked.chain.is_complete && checked.post.expires_at.is_none_or(|at| at > now)
}

/// The posts of the site, newest first. With `drafts`, every loaded post is included and
/// those that are not public are marked as drafts.
pub fn select<'a>(repository: &'a Repository, ledger: &Ledger, drafts: bool) -> Vec<SitePost<'a>> {
    let mut posts: Vec<SitePost<'a>> = repository
        .posts
        .iter()
        .filter_map(|checked| {
            let public = is_public(checked, ledger, repository.now);
            if !public && !drafts {
                return None;
            }
            let post = &checked.post;
            let copies: Vec<PlatformCopy> = ledger
                .states_of(&post.id)
                .filter_map(|(target, state)| {
                    let copy = state.published.as_ref()?;
                    let platform = repository.config.targets.get(target)?.platform;
                    (platform != Platform::Webhook && !copy.url.is_empty()).then(|| PlatformCopy {
                        target: target.to_string(),
                        platform,
                        url: copy.url.clone(),
                    })
                })
                .collect();
            let date = crate::report::post_date(checked, ledger).unwrap_or(repository.now);
            Some(SitePost { checked, is_draft: !public, date, copies })
        })
        .collect();
    posts.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.checked.post.id.cmp(&b.checked.post.id)));
    posts
}
