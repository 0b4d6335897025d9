//! A post file is YAML front matter between two `---` lines, then the Markdown body.
//! This module splits the two and reads the front matter into its written shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::source::Code;

/// The two parts of a post file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The Markdown after the closing line.
    pub body: &'a str,
    /// The file line the body starts on (1-based).
    pub body_line: usize,
}

/// Why a file could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitError {
    /// `file.empty`, `front-matter.missing` or `front-matter.unclosed`.
    pub code: Code,
    /// What is wrong.
    pub message: &'static str,
    /// What to do.
    pub hint: &'static str,
    /// Where (1-based line).
    pub line: usize,
}

/// The line index where front matter YAML starts: line 2 of the file.
pub const FRONT_MATTER_FIRST_LINE: usize = 2;

/// Splits a post file into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError {
            code: Code::FileEmpty,
            message: "the post file is empty",
            hint: "start it with front matter between `---` lines; `siaran new \"Judul\"` writes a template",
            line: 1,
        });
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        return Err(SplitError {
            code: Code::FrontMatterMissing,
            message: "the post does not start with `---` front matter",
            hint: "put a line `---` first, the YAML fields, then another `---` line before the text",
            line: 1,
        });
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_number = 1;
    for line in lines {
        line_number += 1;
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                body: &text[offset + line.len()..],
                body_line: line_number + 1,
            });
        }
        offset += line.len();
    }
    Err(SplitError {
        code: Code::FrontMatterUnclosed,
        message: "the front matter opened on line 1 is never closed",
        hint: "add a line with only `---` after the last front-matter field",
        line: 1,
    })
}

/// The kinds of content in the seeds (Jateng's list, plus video).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// News of an activity.
    Berita,
    /// Information about an activity.
    InformasiKegiatan,
    /// An infographic.
    Infografis,
    /// An announcement.
    Pengumuman,
    /// A light-hearted image.
    Meme,
    /// General public information.
    Publikasi,
    /// A video.
    Video,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 7] = [
        Kind::Berita,
        Kind::InformasiKegiatan,
        Kind::Infografis,
        Kind::Pengumuman,
        Kind::Meme,
        Kind::Publikasi,
        Kind::Video,
    ];

    /// The id used in files and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Berita => "berita",
            Kind::InformasiKegiatan => "informasi-kegiatan",
            Kind::Infografis => "infografis",
            Kind::Pengumuman => "pengumuman",
            Kind::Meme => "meme",
            Kind::Publikasi => "publikasi",
            Kind::Video => "video",
        }
    }

    /// The Indonesian label.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Berita => "Berita",
            Kind::InformasiKegiatan => "Informasi Kegiatan",
            Kind::Infografis => "Infografis",
            Kind::Pengumuman => "Pengumuman",
            Kind::Meme => "Meme",
            Kind::Publikasi => "Publikasi Informasi Umum",
            Kind::Video => "Video",
        }
    }
}

/// A sign-off's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The step is done / the content is accepted.
    Approve,
    /// The content goes back to its maker ("Tolak"); ends the round.
    Reject,
}

impl Decision {
    /// `approve` or `reject`, as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
        }
    }
}

/// The front matter as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFrontMatter {
    pub title: String,
    pub kind: Kind,
    pub workflow: Option<String>,
    pub event_date: Option<String>,
    pub publish_at: Option<String>,
    pub expires_at: Option<String>,
    #[serde(default)]
    pub platforms: Vec<String>,
    #[serde(default)]
    pub caption: String,
    #[serde(default)]
    pub per_platform: BTreeMap<String, PlatformText>,
    #[serde(default)]
    pub media: Vec<RawMedia>,
    #[serde(default)]
    pub attachments: Vec<RawAttachment>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub signoffs: Vec<RawSignOff>,
}

/// Per-target text overrides.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PlatformText {
    /// Replaces the caption on this target.
    pub caption: Option<String>,
    /// Replaces the title on this target (YouTube, TikTok).
    pub title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMedia {
    pub file: String,
    pub alt: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAttachment {
    pub file: String,
    pub label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSignOff {
    pub step: String,
    pub by: String,
    pub at: String,
    pub decision: Decision,
    #[serde(default)]
    pub note: String,
    pub digest: Option<String>,
    pub signature: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let split = split("---\ntitle: a\n---\nBody\n").unwrap();
        assert_eq!((split.yaml, split.body, split.body_line), ("title: a\n", "Body\n", 4));
        assert_eq!(super::split("---\ntitle: a\n").unwrap_err().code, Code::FrontMatterUnclosed);
        assert_eq!(super::split("title: a\n").unwrap_err().code, Code::FrontMatterMissing);
        assert_eq!(super::split(" \n").unwrap_err().code, Code::FileEmpty);
        assert_eq!(super::split("---\r\ntitle: a\r\n---\r\n").unwrap().yaml, "title: a\r\n");
    }
}
