//! What templates see: plain, serialisable views of posts, lists and workflows, with every
//! date already written in the site's language and zone, every URL already made, and every
//! narrative already rendered and sanitised. Templates never format or escape by hand.

use std::collections::BTreeMap;

use serde::Serialize;

use super::images::ImagePlan;
use super::public::SitePost;
use super::{i18n, markdown};
use crate::config::{Config, Language, MediaFormat, Revision, Workflow};
use crate::content::{Decision, Kind};
use crate::source::time;

/// Makes the site's addresses: root-relative paths under the site's base path, and
/// absolute URLs for feeds, sitemaps and link previews.
#[derive(Clone, Debug)]
pub struct Urls {
    base_url: String,
    base_path: String,
}

impl Urls {
    /// From `site.base_url` (which ends in `/`).
    pub fn new(base_url: &str) -> Urls {
        let base_url = if base_url.ends_with('/') { base_url.to_string() } else { format!("{base_url}/") };
        let after_scheme = base_url.split_once("://").map_or(base_url.as_str(), |(_, rest)| rest);
        let base_path = after_scheme.find('/').map_or("/".to_string(), |slash| after_scheme[slash..].to_string());
        Urls { base_url, base_path }
    }

    /// A site path (`2026/11/x/`) as a link (`/2026/11/x/`, or under the base path).
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// A site path as an absolute URL.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }
}

/// A link with a label.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LinkView {
    /// The label.
    pub label: String,
    /// The address.
    pub url: String,
}

/// One photo or video of a post.
#[derive(Clone, Debug, Serialize)]
pub struct MediaView {
    /// The original file's address.
    pub src: String,
    /// Alt text.
    pub alt: String,
    /// Whether it is a video.
    pub is_video: bool,
    /// MIME type.
    pub mime: &'static str,
    /// Upright width and height, when known.
    pub width: Option<u32>,
    /// See `width`.
    pub height: Option<u32>,
    /// A mid-sized thumbnail (or the original), for cards and galleries.
    pub thumb: String,
    /// Its width and height, when known.
    pub thumb_width: Option<u32>,
    /// See `thumb_width`.
    pub thumb_height: Option<u32>,
    /// `srcset` of the thumbnails and the original.
    pub srcset: String,
}

/// One sign-off in the approval trail.
#[derive(Clone, Debug, Serialize)]
pub struct TrailView {
    /// The round, from 1.
    pub round: usize,
    /// The step's id.
    pub step: String,
    /// The step's action, as the SOP words it.
    pub action: String,
    /// The role's name.
    pub role: String,
    /// The signer's name.
    pub name: String,
    /// When, in words.
    pub at: String,
    /// When, RFC 3339.
    pub at_iso: String,
    /// `approve` or `reject`.
    pub decision: &'static str,
    /// The decision in words.
    pub decision_text: &'static str,
    /// The written note (public: the SOP's written response).
    pub note: String,
    /// Whether its signature verified.
    pub verified: bool,
}

/// A post in full, for its own page and its feed entries (see [`CardView`] for lists).
#[derive(Clone, Debug, Serialize)]
pub struct PostView {
    /// Post id.
    pub id: String,
    /// Its page's site path.
    pub path: String,
    /// Its link.
    pub url: String,
    /// Its absolute URL.
    pub permalink: String,
    /// Title.
    pub title: String,
    /// Kind id and label.
    pub kind: &'static str,
    /// See `kind`.
    pub kind_label: &'static str,
    /// The kind's list.
    pub kind_url: String,
    /// When it went out, in words.
    pub date: String,
    /// RFC 3339.
    pub date_iso: String,
    /// A plain-text summary.
    pub summary: String,
    /// The narrative, rendered and sanitised.
    pub body_html: String,
    /// The caption sent to the platforms (plain text).
    pub caption: String,
    /// Photos and videos.
    pub media: Vec<MediaView>,
    /// Tags with their lists.
    pub tags: Vec<LinkView>,
    /// Live copies on the platforms.
    pub copies: Vec<LinkView>,
    /// The approval trail, oldest first.
    pub trail: Vec<TrailView>,
    /// The post's run through its SOP's lanes with the real times, as inline SVG made by
    /// siaran (safe to embed); empty when the workflow is unknown.
    pub timeline: String,
    /// The workflow it followed.
    pub workflow: LinkView,
    /// Whether it is a draft preview.
    pub is_draft: bool,
    /// The public approval data.
    pub approval_json: String,
    /// The first photo's absolute URL, for link previews.
    pub image: Option<String>,
}

/// A post as a list card: what the home page, the lists and the SOP pages show of it.
/// Every post's card is kept for the whole build; its full [`PostView`] is made only while
/// its own page (or a feed entry) is rendered.
#[derive(Clone, Debug, Serialize)]
pub struct CardView {
    /// Its link.
    pub url: String,
    /// Title.
    pub title: String,
    /// The kind's label.
    pub kind_label: &'static str,
    /// The kind's list.
    pub kind_url: String,
    /// When it went out, in words.
    pub date: String,
    /// RFC 3339.
    pub date_iso: String,
    /// A plain-text summary.
    pub summary: String,
    /// The first photo or video, as a thumbnail.
    pub cover: Option<CoverView>,
    /// The platforms it is on.
    pub platforms: Vec<String>,
    /// Whether it is a draft preview.
    pub is_draft: bool,
}

/// A card's picture.
#[derive(Clone, Debug, Serialize)]
pub struct CoverView {
    /// The thumbnail's address.
    pub thumb: String,
    /// Whether it stands for a video.
    pub is_video: bool,
    /// Its width and height, when known.
    pub thumb_width: Option<u32>,
    /// See `thumb_width`.
    pub thumb_height: Option<u32>,
}

/// A post's page path: `<id>/`.
pub fn post_path(id: &str) -> String {
    format!("{id}/")
}

/// Builds a post's card. `plans` gives each media item's thumbnails (by index).
pub fn card_view(site_post: &SitePost<'_>, config: &Config, urls: &Urls, plans: &[Option<ImagePlan>]) -> CardView {
    let post = &site_post.checked.post;
    let language = config.site.language;
    let path = post_path(&post.id);
    let text = markdown::plain_text(&post.body);
    let summary_source = if text.is_empty() { post.caption.as_str() } else { text.as_str() };
    CardView {
        url: urls.link(&path),
        title: post.title.clone(),
        kind_label: kind_label(post.kind, language),
        kind_url: urls.link(&format!("jenis/{}/", post.kind.as_str())),
        date: i18n::date_time(language, config.site.timezone, site_post.date),
        date_iso: site_post.date.to_rfc3339(),
        summary: markdown::summary(summary_source, 220),
        cover: post.media.first().map(|item| {
            let media = media_view(item, plans.first().and_then(Option::as_ref), urls, &path);
            CoverView {
                thumb: media.thumb,
                is_video: media.is_video,
                thumb_width: media.thumb_width,
                thumb_height: media.thumb_height,
            }
        }),
        platforms: site_post.copies.iter().map(|copy| copy.platform.display_name().to_string()).collect(),
        is_draft: site_post.is_draft,
    }
}

/// One media item of the post at `path`, with its thumbnails when it is a photo.
fn media_view(item: &crate::content::Media, plan: Option<&ImagePlan>, urls: &Urls, path: &str) -> MediaView {
    let src = urls.link(&format!("{path}{}", item.file));
    let is_video = item.format.is_some_and(|format| format.is_video());
    let mut srcset: Vec<String> = plan
        .iter()
        .flat_map(|plan| &plan.thumbs)
        .map(|thumb| format!("{} {}w", urls.link(&thumb.path), thumb.width))
        .collect();
    if let Some(plan) = plan {
        srcset.push(format!("{src} {}w", plan.width));
    }
    let chosen = plan.and_then(|plan| plan.thumbs.iter().find(|thumb| thumb.width >= 640).or(plan.thumbs.last()));
    let thumb = chosen.map_or_else(|| src.clone(), |thumb| urls.link(&thumb.path));
    let (thumb_width, thumb_height) = match (chosen, plan) {
        (Some(chosen), _) => (Some(chosen.width), Some(chosen.height)),
        (None, Some(plan)) => (Some(plan.width), Some(plan.height)),
        (None, None) => (None, None),
    };
    MediaView {
        src,
        alt: item.alt.clone(),
        is_video,
        mime: item.format.map_or("application/octet-stream", MediaFormat::mime),
        width: plan.map(|plan| plan.width),
        height: plan.map(|plan| plan.height),
        thumb,
        thumb_width,
        thumb_height,
        srcset: srcset.join(", "),
    }
}

/// Builds a post's full view from its card. `plans` gives each media item's thumbnails.
pub fn post_view(
    site_post: &SitePost<'_>,
    card: &CardView,
    config: &Config,
    urls: &Urls,
    plans: &[Option<ImagePlan>],
) -> PostView {
    let post = &site_post.checked.post;
    let language = config.site.language;
    let zone = config.site.timezone;
    let path = post_path(&post.id);
    let media: Vec<MediaView> = post
        .media
        .iter()
        .enumerate()
        .map(|(index, item)| media_view(item, plans.get(index).and_then(Option::as_ref), urls, &path))
        .collect();
    let image = media.iter().find(|item| !item.is_video).map(|item| absolute_from_link(urls, &item.thumb));
    let workflow = config.workflows.get(&post.workflow);
    let revision = workflow.and_then(|workflow| site_post.checked.chain.revision(workflow));
    let strings = i18n::strings(language);
    let mut trail = Vec::new();
    for (round_index, round) in site_post.checked.chain.rounds.iter().enumerate() {
        for signoff in post.signoffs.get(round.signoffs.clone()).unwrap_or_default() {
            let step = revision.and_then(|revision| revision.steps.iter().find(|step| step.id == signoff.step));
            trail.push(TrailView {
                round: round_index + 1,
                step: signoff.step.clone(),
                action: step
                    .map(|step| step.action.clone())
                    .filter(|action| !action.is_empty())
                    .unwrap_or_else(|| signoff.step.clone()),
                role: step.map_or_else(String::new, |step| config.role_name(&step.role).to_string()),
                name: config.people.get(&signoff.by).map_or_else(|| signoff.by.clone(), |person| person.name.clone()),
                at: i18n::date_time(language, zone, signoff.at),
                at_iso: signoff.at.to_rfc3339(),
                decision: signoff.decision.as_str(),
                decision_text: match signoff.decision {
                    Decision::Approve => strings["approve"],
                    Decision::Reject => strings["reject"],
                },
                note: signoff.note.clone(),
                verified: site_post.checked.is_valid,
            });
        }
    }
    let timeline = match (workflow, revision) {
        (Some(workflow), Some(revision)) => timeline(site_post, config, workflow, revision),
        _ => String::new(),
    };
    PostView {
        id: post.id.clone(),
        url: card.url.clone(),
        permalink: urls.absolute(&path),
        path,
        title: card.title.clone(),
        kind: post.kind.as_str(),
        kind_label: card.kind_label,
        kind_url: card.kind_url.clone(),
        date: card.date.clone(),
        date_iso: card.date_iso.clone(),
        summary: card.summary.clone(),
        body_html: markdown::render(&post.body),
        caption: post.caption.clone(),
        media,
        tags: post
            .tags
            .iter()
            .map(|tag| LinkView { label: tag.clone(), url: urls.link(&format!("tag/{}/", slug(tag))) })
            .collect(),
        copies: site_post
            .copies
            .iter()
            .map(|copy| LinkView { label: copy.platform.display_name().to_string(), url: copy.url.clone() })
            .collect(),
        trail,
        timeline,
        workflow: LinkView {
            label: workflow.map_or_else(|| post.workflow.clone(), |workflow| workflow.title.clone()),
            url: urls.link(&format!("sop/{}/", post.workflow)),
        },
        is_draft: site_post.is_draft,
        approval_json: urls.link(&format!("{}/persetujuan.json", post.id)),
        image,
    }
}

/// The post's own timeline: its current round's sign-offs and its first publication, each
/// against its step's budget.
fn timeline(site_post: &SitePost<'_>, config: &Config, workflow: &Workflow, revision: &Revision) -> String {
    use crate::chain::timing::step_times;
    use crate::report::flowchart::{self, Actual};
    let checked = site_post.checked;
    let post = &checked.post;
    let zone = config.site.timezone;
    let round = checked.chain.round_number();
    let shown =
        |at: chrono::DateTime<chrono::FixedOffset>| at.with_timezone(&zone).format("%d-%m-%Y %H:%M").to_string();
    let mut actuals: Vec<Option<Actual>> = vec![None; revision.steps.len()];
    let mut last_approval = None;
    for time in step_times(post, &checked.chain, config).into_iter().filter(|time| time.round == round) {
        if time.decision != Decision::Approve {
            continue;
        }
        last_approval = Some(time.at);
        if let Some(slot) = actuals.get_mut(time.step_index) {
            *slot = Some(Actual {
                by: config.people.get(&time.by).map_or_else(|| time.by.clone(), |person| person.name.clone()),
                at: shown(time.at),
                taken: time.taken().map(time::format_duration),
                over_budget: time.over_budget(),
            });
        }
    }
    let publish = revision.steps.iter().position(|step| step.kind == crate::config::StepKind::Publish);
    if let (Some(index), Some(approved), false) = (publish, last_approval, site_post.copies.is_empty()) {
        let start = post.publish_at.map_or(approved, |publish_at| publish_at.max(approved));
        let taken = (site_post.date - start).max(chrono::TimeDelta::zero());
        let platforms: Vec<&str> = site_post.copies.iter().map(|copy| copy.platform.display_name()).collect();
        actuals[index] = Some(Actual {
            by: platforms.join(", "),
            at: shown(site_post.date),
            taken: Some(time::format_duration(taken)),
            over_budget: revision.steps[index].within.map(|within| taken > within),
        });
    }
    let subtitle = format!("{} · {}", post.title, revision.source);
    flowchart::revision_svg(config, workflow, revision, Some(&actuals), Some(&subtitle))
}

fn absolute_from_link(urls: &Urls, link: &str) -> String {
    urls.absolute(link.strip_prefix(&urls.base_path).unwrap_or(link))
}

/// A kind's label in the site's language.
pub fn kind_label(kind: Kind, language: Language) -> &'static str {
    match language {
        Language::Indonesian => kind.label(),
        Language::English => match kind {
            Kind::Berita => "News",
            Kind::InformasiKegiatan => "Activity information",
            Kind::Infografis => "Infographic",
            Kind::Pengumuman => "Announcement",
            Kind::Meme => "Meme",
            Kind::Publikasi => "Public information",
            Kind::Video => "Video",
        },
    }
}

/// A tag as a path segment: lowercase letters, digits and hyphens.
pub fn slug(text: &str) -> String {
    crate::content::scaffold::slugify(text)
}

/// A workflow for its SOP page.
#[derive(Clone, Debug, Serialize)]
pub struct WorkflowView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// The preset it started from.
    pub preset: Option<String>,
    /// Revisions, newest first.
    pub revisions: Vec<RevisionView>,
}

/// One revision of a workflow.
#[derive(Clone, Debug, Serialize)]
pub struct RevisionView {
    /// In force from, in words.
    pub effective: String,
    /// The SOP document.
    pub source: String,
    /// Its steps.
    pub steps: Vec<StepView>,
    /// The swimlane flowchart, as inline SVG made by siaran (safe to embed).
    pub flowchart: String,
}

/// One step of an SOP.
#[derive(Clone, Debug, Serialize)]
pub struct StepView {
    /// Number, from 1.
    pub number: usize,
    /// Id.
    pub id: String,
    /// What is done.
    pub action: String,
    /// Who does it (the role's name).
    pub role: String,
    /// The kind of step.
    pub kind: &'static str,
    /// Its time budget, e.g. `1d`.
    pub within: String,
}

/// Builds a workflow's view.
pub fn workflow_view(workflow: &Workflow, config: &Config, urls: &Urls) -> WorkflowView {
    let language = config.site.language;
    WorkflowView {
        id: workflow.id.clone(),
        title: workflow.title.clone(),
        url: urls.link(&format!("sop/{}/", workflow.id)),
        preset: workflow.preset.clone(),
        revisions: workflow
            .revisions
            .iter()
            .rev()
            .map(|revision| {
                use chrono::Datelike;
                let date = revision.effective;
                RevisionView {
                    effective: format!("{} {} {}", date.day(), i18n::month_name(language, date.month()), date.year()),
                    source: revision.source.clone(),
                    flowchart: crate::report::flowchart::revision_svg(config, workflow, revision, None, None),
                    steps: revision
                        .steps
                        .iter()
                        .enumerate()
                        .map(|(index, step)| StepView {
                            number: index + 1,
                            id: step.id.clone(),
                            action: if step.action.is_empty() { step.id.clone() } else { step.action.clone() },
                            role: config.role_name(&step.role).to_string(),
                            kind: step.kind.as_str(),
                            within: step.within.map(time::format_duration).unwrap_or_default(),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// Counts by key, for list indexes (e.g. tags and how many posts each has).
pub fn counted(keys: impl Iterator<Item = String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for key in keys {
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}
