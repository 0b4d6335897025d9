//! Platform limits: for each target a post names, its caption, title and media must fit
//! what that platform accepts (see `config::limits`).

use crate::config::{Config, Limits, Platform, Target, TextLimit};
use crate::content::Post;
use crate::source::{Code, Finding, YamlPath, suggest};

/// Findings for every target of `post` whose limits it breaks.
pub fn check(post: &Post, config: &Config) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, target_id) in post.platforms.iter().enumerate() {
        let Some(target) = config.targets.get(target_id) else {
            findings.push(
                Finding::error(
                    Code::PostUnknownTarget,
                    YamlPath::of("platforms").index(index),
                    format!("no publish target `{target_id}` (publish-targets/{target_id}.yaml)"),
                )
                .with_hint(suggest::did_you_mean(target_id, config.targets.keys().map(String::as_str))),
            );
            continue;
        };
        check_target(post, target, &mut findings);
    }
    for target_id in post.per_platform.keys() {
        if !post.platforms.contains(target_id) {
            findings.push(
                Finding::error(
                    Code::PostUnknownTarget,
                    YamlPath::of("per_platform").key(target_id),
                    format!("`per_platform` has text for `{target_id}`, which is not in `platforms`"),
                )
                .with_hint(suggest::did_you_mean(target_id, post.platforms.iter().map(String::as_str))),
            );
        }
    }
    findings
}

fn check_target(post: &Post, target: &Target, findings: &mut Vec<Finding>) {
    let limits: &Limits = &target.limits;
    let platform = target.platform.display_name();
    let has_override = |field: &str| {
        post.per_platform.get(&target.id).is_some_and(|text| match field {
            "caption" => text.caption.is_some(),
            _ => text.title.is_some(),
        })
    };
    let text_path = |field: &str| match has_override(field) {
        true => YamlPath::of("per_platform").key(&target.id).key(field),
        false => YamlPath::of(field),
    };
    let caption = post.caption_for(&target.id);
    let caption_limits = match (&limits.caption_without_media, post.media.is_empty()) {
        (Some(without_media), true) => without_media,
        _ => &limits.caption,
    };
    for limit in caption_limits {
        check_text(caption, *limit, "caption", platform, &target.id, text_path("caption"), findings);
    }
    for limit in &limits.title {
        check_text(post.title_for(&target.id), *limit, "title", platform, &target.id, text_path("title"), findings);
    }
    let title = post.title_for(&target.id);
    if let Some(bad) = limits.forbidden_title_characters.iter().find(|c| title.contains(**c)) {
        findings.push(
            Finding::error(
                Code::LimitTextLength,
                text_path("title"),
                format!("{platform} refuses titles containing `{bad}`"),
            )
            .with_hint(format!("write a title for {} under `per_platform.{}.title`", platform, target.id)),
        );
    }
    if let Some(max) = limits.max_hashtags {
        let count = crate::config::limits::hashtag_count(caption);
        if count > max {
            findings.push(
                Finding::error(
                    Code::LimitTags,
                    text_path("caption"),
                    format!("the caption has {count} hashtags; {platform} allows {max}"),
                )
                .with_hint("keep the most important hashtags"),
            );
        }
    }
    let count = post.media.len();
    if count < limits.min_media {
        findings.push(
            Finding::error(
                Code::LimitMediaCount,
                YamlPath::of("platforms").index(post.platforms.iter().position(|p| p == &target.id).unwrap_or(0)),
                format!("{platform} needs at least {} media item(s); the post has {count}", limits.min_media),
            )
            .with_hint(format!("add a photo or video, or remove `{}` from `platforms`", target.id)),
        );
    }
    if count > limits.max_media {
        findings.push(
            Finding::error(
                Code::LimitMediaCount,
                YamlPath::of("media"),
                format!("{platform} takes at most {} media items; the post has {count}", limits.max_media),
            )
            .with_hint(format!(
                "choose at most {} for this post, or remove `{}` from `platforms`",
                limits.max_media, target.id
            )),
        );
    }
    let videos = post
        .media
        .iter()
        .filter(|media| media.format.is_some_and(|f| f.is_video() || f == crate::config::MediaFormat::Gif))
        .count();
    if videos > limits.max_videos
        || (videos > 0 && limits.max_videos == 1 && count > 1 && target.platform != Platform::Tiktok)
    {
        findings.push(
            Finding::error(
                Code::LimitMediaCount,
                YamlPath::of("media"),
                format!("{platform} takes one video or GIF alone per post"),
            )
            .with_hint("split the video into its own post"),
        );
    }
    for (index, media) in post.media.iter().enumerate() {
        let Some(format) = media.format else { continue };
        let path = YamlPath::of("media").index(index).key("file");
        let accepted = if format.is_video() { limits.video_formats } else { limits.image_formats };
        if !accepted.contains(&format) {
            let names: Vec<&str> = accepted.iter().map(|f| f.name()).collect();
            findings.push(
                Finding::error(
                    Code::LimitMediaFormat,
                    path.clone(),
                    format!("{platform} does not accept {} files (`{}`)", format.name(), media.file),
                )
                .with_hint(match names.is_empty() {
                    true => format!("{platform} takes no {} here", if format.is_video() { "videos" } else { "photos" }),
                    false => format!("convert it to {}", names.join(" or ")),
                }),
            );
        }
        let max_bytes = if format.is_video() { limits.max_video_bytes } else { limits.max_image_bytes };
        if let (Some(max), Some(found)) = (max_bytes, &media.found)
            && found.size > max
        {
            findings.push(
                Finding::error(
                    Code::LimitMediaSize,
                    path,
                    format!("`{}` is {} bytes; {platform} accepts at most {max}", media.file, found.size),
                )
                .with_hint("resize or compress it"),
            );
        }
    }
}

fn check_text(
    text: &str,
    limit: TextLimit,
    field: &str,
    platform: &str,
    target: &str,
    path: YamlPath,
    findings: &mut Vec<Finding>,
) {
    let length = limit.counting.count(text);
    if length > limit.max {
        findings.push(
            Finding::error(
                Code::LimitTextLength,
                path,
                format!("the {field} is {length} {} for {platform}; the limit is {}", limit.counting.unit(), limit.max),
            )
            .with_hint(format!(
                "shorten it, or write a shorter one under `per_platform: {{ {target}: {{ {field}: \"...\" }} }}`"
            )),
        );
    }
}
