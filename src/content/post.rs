//! A *post*: one piece of content and its approval history, read from a bundle's
//! `index.md`. Parsing turns the written front matter into checked types (dates with
//! zones, formats of media, files resolved inside the bundle) and reports each problem
//! as a [`Finding`] at its YAML path. Chain rules are not checked here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::bundle::{self, BundleProblem};
use super::fingerprint::{self, Fingerprint, HashedFile};
use super::front_matter::{Decision, Kind, PlatformText, RawFrontMatter, Split};
use super::walk::PostFile;
use crate::config::{Config, MediaFormat};
use crate::source::{Code, Finding, YamlPath, time, yaml};

/// A media item (photo or video) shown publicly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Media {
    /// The file name inside the bundle.
    pub file: String,
    /// Alt text (required; empty only on invalid posts).
    pub alt: String,
    /// The format, by extension (confirmed against the bytes when the file exists).
    pub format: Option<MediaFormat>,
    /// Where it is and how large, when it was found inside the bundle.
    pub found: Option<bundle::BundleFile>,
}

/// An internal document (disposition sheet, minutes): checked and signed over, never public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The file name inside the bundle.
    pub file: String,
    /// What it is, e.g. `disposisi` (the SOP's needs name labels).
    pub label: String,
    /// Where it is, when it was found inside the bundle.
    pub found: Option<bundle::BundleFile>,
}

/// One sign-off in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignOff {
    /// The step signed.
    pub step: String,
    /// The person who signed.
    pub by: String,
    /// When.
    pub at: DateTime<FixedOffset>,
    /// Approve or reject.
    pub decision: Decision,
    /// The written response (required for a reject).
    pub note: String,
    /// The content digest approved, when given.
    pub digest: Option<String>,
    /// The SSH signature block, when given.
    pub signature: Option<String>,
}

/// A loaded post.
#[derive(Clone, Debug)]
pub struct Post {
    /// Its id: the bundle's path under `content/`.
    pub id: String,
    /// `content/<id>/index.md`.
    pub file: String,
    /// The bundle folder.
    pub bundle: PathBuf,
    /// The title.
    pub title: String,
    /// The kind of content.
    pub kind: Kind,
    /// The workflow id (the default workflow when the post names none).
    pub workflow: String,
    /// The activity day ("H").
    pub event_date: Option<NaiveDate>,
    /// When to publish; absent means as soon as approved.
    pub publish_at: Option<DateTime<FixedOffset>>,
    /// Never publish after this.
    pub expires_at: Option<DateTime<FixedOffset>>,
    /// Target ids.
    pub platforms: Vec<String>,
    /// The caption for the platforms.
    pub caption: String,
    /// Overrides per target id.
    pub per_platform: BTreeMap<String, PlatformText>,
    /// Public media.
    pub media: Vec<Media>,
    /// Internal attachments.
    pub attachments: Vec<Attachment>,
    /// Tags.
    pub tags: Vec<String>,
    /// The sign-offs, in file order (sign-offs that could not be read are left out).
    pub signoffs: Vec<SignOff>,
    /// Whether every written sign-off could be read (else the chain cannot be trusted).
    pub signoffs_complete: bool,
    /// The Markdown narrative.
    pub body: String,
    /// The file line on which the body starts.
    pub body_line: usize,
    /// The hashes of its components; `None` if the front matter could not be canonicalised.
    pub fingerprint: Option<Fingerprint>,
}

impl Post {
    /// The caption sent to a target: its override, or the post's caption.
    pub fn caption_for(&self, target: &str) -> &str {
        self.per_platform.get(target).and_then(|text| text.caption.as_deref()).unwrap_or(&self.caption)
    }

    /// The title sent to a target: its override, or the post's title.
    pub fn title_for(&self, target: &str) -> &str {
        self.per_platform.get(target).and_then(|text| text.title.as_deref()).unwrap_or(&self.title)
    }

    /// How many media items are photos.
    pub fn photo_count(&self) -> usize {
        self.media.iter().filter(|media| media.format.is_some_and(MediaFormat::is_image)).count()
    }
}

/// The outcome of parsing a post: the post when its front matter could be read, and findings.
pub enum Parsed {
    /// The front matter was read; findings may still hold errors.
    Post(Box<Post>, Vec<Finding>),
    /// The front matter could not be read at all.
    Unreadable(yaml::YamlError),
}

/// Parses a post's front matter and resolves its files.
pub fn parse(file: &PostFile, split: Split<'_>, config: &Config) -> Parsed {
    let (raw, canonical_json) = fingerprint::read_front_matter::<RawFrontMatter>(split.yaml);
    let raw = match raw {
        Ok(raw) => raw,
        Err(error) => return Parsed::Unreadable(error),
    };
    let mut findings = Vec::new();
    let instant = |key: &str, value: &Option<String>, findings: &mut Vec<Finding>| {
        let text = value.as_deref()?;
        match time::parse_instant(text) {
            Ok(instant) => Some(instant),
            Err(error) => {
                let code = match error {
                    time::InstantError::NoZone(_) => Code::TimeNoZone,
                    _ => Code::FieldInvalid,
                };
                findings.push(Finding::error(code, YamlPath::of(key), format!("`{key}`: {error}")).with_hint(
                    "add the office's offset or zone, e.g. 2026-11-21T09:00:00+07:00 or 2026-11-21 09:00 WIB",
                ));
                None
            }
        }
    };
    let publish_at = instant("publish_at", &raw.publish_at, &mut findings);
    let expires_at = instant("expires_at", &raw.expires_at, &mut findings);
    if let (Some(publish), Some(expires)) = (publish_at, expires_at)
        && expires <= publish
    {
        findings.push(
            Finding::error(
                Code::TimeExpiresBeforePublish,
                YamlPath::of("expires_at"),
                "`expires_at` is not after `publish_at`",
            )
            .with_hint("a post that expires before it is due would never be published; correct one of the two times"),
        );
    }
    let event_date = raw.event_date.as_deref().and_then(|text| {
        let date = time::parse_date(text);
        if date.is_none() {
            findings.push(
                Finding::error(Code::FieldInvalid, YamlPath::of("event_date"), format!("`{text}` is not a date"))
                    .with_hint("write the activity day as YYYY-MM-DD"),
            );
        }
        date
    });
    if raw.title.trim().is_empty() {
        findings.push(
            Finding::error(Code::FieldMissing, YamlPath::of("title"), "the title is empty")
                .with_hint("write the post's title"),
        );
    }

    let media: Vec<Media> = raw
        .media
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let path = YamlPath::of("media").index(index);
            let alt = item.alt.clone().unwrap_or_default();
            if alt.trim().is_empty() {
                findings.push(
                    Finding::error(Code::MediaMissingAlt, path.clone(), format!("`{}` has no alt text", item.file))
                        .with_hint("add `alt:` describing the picture for readers who cannot see it"),
                );
            }
            let format = extension(&item.file).and_then(MediaFormat::from_extension);
            let located = locate_file(file, &item.file, path.clone().key("file"), Code::MediaMissing, &mut findings);
            let escapes = located.is_err();
            let found = located.ok().flatten();
            match (format, &found) {
                (None, _) if escapes => {}
                (None, _) => findings.push(
                    Finding::error(
                        Code::MediaFormat,
                        path.key("file"),
                        format!("`{}` is not a known photo or video format", item.file),
                    )
                    .with_hint("use JPEG, PNG, WebP or GIF for photos and MP4 for videos"),
                ),
                (Some(declared), Some(found)) => {
                    if let Some(actual) = bundle::sniff(&found.path).filter(|actual| !declared.accepts_content(*actual))
                    {
                        findings.push(
                            Finding::error(
                                Code::MediaFormat,
                                path.key("file"),
                                format!("`{}` is named as {} but holds {}", item.file, declared.name(), actual.name()),
                            )
                            .with_hint(
                                "convert the file or give it the right extension; platforms refuse mismatched files",
                            ),
                        );
                    }
                }
                (Some(_), None) => {}
            }
            Media { file: item.file.clone(), alt, format, found }
        })
        .collect();
    let attachments: Vec<Attachment> = raw
        .attachments
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let path = YamlPath::of("attachments").index(index).key("file");
            let found = locate_file(file, &item.file, path, Code::AttachmentMissing, &mut findings).ok().flatten();
            Attachment { file: item.file.clone(), label: item.label.clone(), found }
        })
        .collect();

    let mut signoffs = Vec::new();
    let mut signoffs_complete = true;
    for (index, raw_signoff) in raw.signoffs.iter().enumerate() {
        match time::parse_instant(&raw_signoff.at) {
            Ok(at) => signoffs.push(SignOff {
                step: raw_signoff.step.clone(),
                by: raw_signoff.by.clone(),
                at,
                decision: raw_signoff.decision,
                note: raw_signoff.note.clone(),
                digest: raw_signoff.digest.clone(),
                signature: raw_signoff.signature.clone(),
            }),
            Err(error) => {
                signoffs_complete = false;
                let code =
                    if matches!(error, time::InstantError::NoZone(_)) { Code::TimeNoZone } else { Code::FieldInvalid };
                findings.push(
                    Finding::error(
                        code,
                        YamlPath::of("signoffs").index(index).key("at"),
                        format!("sign-off time: {error}"),
                    )
                    .with_hint("write the moment of signing with its offset, e.g. 2026-11-20T16:02:00+07:00"),
                );
            }
        }
    }

    let workflow = raw.workflow.clone().unwrap_or_else(|| config.default_workflow.clone());
    let hashed = |name: &str, found: &Option<bundle::BundleFile>| HashedFile {
        file: name.to_string(),
        hash: found.as_ref().and_then(|found| fingerprint::hash_file(&found.path).ok()),
    };
    let fingerprint = canonical_json.map(|front_matter_json| Fingerprint {
        front_matter: fingerprint::sha256(front_matter_json.as_bytes()),
        front_matter_json,
        body: fingerprint::hash_body(split.body),
        media: media.iter().map(|item: &Media| hashed(&item.file, &item.found)).collect(),
        attachments: attachments.iter().map(|item: &Attachment| hashed(&item.file, &item.found)).collect(),
    });
    let post = Post {
        id: file.id.clone(),
        file: file.relative.clone(),
        bundle: file.bundle.clone(),
        title: raw.title,
        kind: raw.kind,
        workflow,
        event_date,
        publish_at,
        expires_at,
        platforms: raw.platforms,
        caption: raw.caption,
        per_platform: raw.per_platform,
        media,
        attachments,
        tags: raw.tags,
        signoffs,
        signoffs_complete,
        body: split.body.to_string(),
        body_line: split.body_line,
        fingerprint,
    };
    Parsed::Post(Box::new(post), findings)
}

fn extension(name: &str) -> Option<&str> {
    name.rsplit_once('.').map(|(_, extension)| extension)
}

/// Resolves a named file inside the bundle, recording a finding when it is missing or
/// escapes. `Err` means the path escapes (so nothing more should be said about it).
fn locate_file(
    file: &PostFile,
    name: &str,
    path: YamlPath,
    missing: Code,
    findings: &mut Vec<Finding>,
) -> Result<Option<bundle::BundleFile>, BundleProblem> {
    match bundle::resolve(&file.bundle, name) {
        Ok(found) => Ok(Some(found)),
        Err(BundleProblem::Escapes) => {
            findings.push(
                Finding::error(Code::BundlePathEscape, path, format!("`{name}` is outside the post's folder"))
                    .with_hint("copy the file into the post's folder and name it without `..` or a leading `/`"),
            );
            Err(BundleProblem::Escapes)
        }
        Err(BundleProblem::Missing) => {
            findings.push(Finding::error(missing, path, format!("`{name}` is not in the post's folder")).with_hint(
                format!(
                    "add the file to {}/ or correct the name (names are case-sensitive)",
                    file.relative.trim_end_matches("/index.md")
                ),
            ));
            Ok(None)
        }
    }
}

impl Post {
    /// Where each medium of the post waits on the archive site from approval on, before the
    /// post itself is public: `media/HASH.EXT`, named by its content so that nobody can guess
    /// it and no page links it. Instagram and TikTok fetch photos by URL at publication, so
    /// the files must be reachable before the post is. In the order of `media`; `None` for a
    /// file that could not be read.
    pub fn staged_media(&self) -> Vec<Option<String>> {
        self.media
            .iter()
            .map(|media| {
                let hashed = self.fingerprint.as_ref()?.media.iter().find(|hashed| hashed.file == media.file)?;
                let extension = std::path::Path::new(&media.file)
                    .extension()
                    .map(|extension| extension.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                Some(format!("media/{}.{extension}", &fingerprint::hex(&hashed.hash?)[..40]))
            })
            .collect()
    }
}
