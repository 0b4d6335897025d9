//! The SOP's "kelengkapan": what a step needs present when it is signed.

use crate::config::Step;
use crate::content::Post;
use crate::source::{Code, Finding, YamlPath};

/// Findings for each of `step`'s needs that the post does not meet.
pub fn unmet(step: &Step, post: &Post, signoff_path: &YamlPath) -> Vec<Finding> {
    let needs = &step.needs;
    let mut findings = Vec::new();
    let photos = post.photo_count();
    if (photos as u64) < u64::from(needs.photos) {
        let path = if post.media.is_empty() { signoff_path.clone() } else { YamlPath::of("media") };
        findings.push(
            Finding::error(
                Code::NeedsPhotos,
                path,
                format!("step `{}` needs at least {} photos; the post has {photos}", step.id, needs.photos),
            )
            .with_hint("add the activity's documentation photos to the bundle and list them under `media:`"),
        );
    }
    if needs.narrative && post.body.trim().is_empty() {
        findings.push(
            Finding::error(
                Code::NeedsNarrative,
                signoff_path.clone(),
                format!("step `{}` needs a narrative, but the text after the front matter is empty", step.id),
            )
            .with_hint("write the news narrative below the closing `---`"),
        );
    }
    if needs.caption && post.caption.trim().is_empty() {
        findings.push(
            Finding::error(Code::NeedsCaption, signoff_path.clone(), format!("step `{}` needs a caption", step.id))
                .with_hint("add `caption:` with the text for social media"),
        );
    }
    for label in &needs.attachments {
        if !post.attachments.iter().any(|attachment| &attachment.label == label) {
            findings.push(
                Finding::error(
                    Code::NeedsAttachment,
                    signoff_path.clone(),
                    format!("step `{}` needs an attachment labelled `{label}`", step.id),
                )
                .with_hint(format!("add the document to the bundle and list it: `attachments: [{{ file: {label}.pdf, label: {label} }}]`")),
            );
        }
    }
    findings
}
