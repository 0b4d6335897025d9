//! What each platform accepts in one post, and how it counts text.
//!
//! Platforms count differently: X weighs characters (most scripts 1, CJK and emoji 2)
//! and counts every URL as 23; Bluesky counts graphemes and bytes; Mastodon counts
//! characters with URLs as 23; YouTube and TikTok count titles and descriptions apart
//! from captions. The numbers follow `reference/platform-apis.md`; a target may override
//! the ones its instance sets (Mastodon's `max_characters`, `max_media`).

use unicode_segmentation::UnicodeSegmentation;

use super::media::MediaFormat;
use super::target::Platform;

/// How a platform counts the length of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    /// Unicode scalar values.
    Characters,
    /// X's weighted count: URLs 23, CJK and emoji 2, most others 1.
    XWeighted,
    /// Grapheme clusters (what a reader sees as one character).
    Graphemes,
    /// Characters, with every URL counted as 23 (Mastodon).
    CharactersUrls23,
    /// UTF-16 code units.
    Utf16,
    /// UTF-8 bytes.
    Bytes,
}

impl Counting {
    /// The length of `text` as the platform counts it.
    pub fn count(self, text: &str) -> usize {
        match self {
            Counting::Characters => text.chars().count(),
            Counting::XWeighted => x_weighted_length(text),
            Counting::Graphemes => text.graphemes(true).count(),
            Counting::CharactersUrls23 => with_urls_as_23(text, |part| part.chars().count()),
            Counting::Utf16 => text.encode_utf16().count(),
            Counting::Bytes => text.len(),
        }
    }

    /// The unit, for messages.
    pub fn unit(self) -> &'static str {
        match self {
            Counting::Characters | Counting::CharactersUrls23 => "characters",
            Counting::XWeighted => "weighted characters",
            Counting::Graphemes => "graphemes",
            Counting::Utf16 => "UTF-16 units",
            Counting::Bytes => "bytes",
        }
    }
}

/// A length limit on one text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextLimit {
    /// The largest count allowed.
    pub max: usize,
    /// How the platform counts.
    pub counting: Counting,
}

/// What one platform accepts in one post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Limits on the caption (all must hold; Bluesky has graphemes and bytes).
    pub caption: Vec<TextLimit>,
    /// Caption limits when the post has no media (Telegram's 4,096 for a text message).
    pub caption_without_media: Option<Vec<TextLimit>>,
    /// Limits on the post title, for platforms that show one (YouTube, TikTok photos).
    pub title: Vec<TextLimit>,
    /// Fewest media items (1 where the platform cannot post text alone).
    pub min_media: usize,
    /// Most media items in one post.
    pub max_media: usize,
    /// Most videos or GIFs in one post (X and Mastodon allow one, alone).
    pub max_videos: usize,
    /// Image formats accepted.
    pub image_formats: &'static [MediaFormat],
    /// Video formats accepted.
    pub video_formats: &'static [MediaFormat],
    /// Largest image file.
    pub max_image_bytes: Option<u64>,
    /// Largest video file.
    pub max_video_bytes: Option<u64>,
    /// Most hashtags in the caption.
    pub max_hashtags: Option<usize>,
    /// Characters the title may not contain (YouTube refuses `<` and `>`).
    pub forbidden_title_characters: &'static [char],
    /// How many posts the publisher sends to one account at the same time. One where the
    /// platform paces posting per account (Telegram's message a second per chat, YouTube's
    /// and TikTok's upload quotas) or where a token may rotate mid-run (X's OAuth 2.0);
    /// a few where the API takes parallel calls and counts only their number.
    pub concurrency: usize,
}

const MB: u64 = 1_000_000;
const MIB: u64 = 1024 * 1024;
use MediaFormat::{Avif, Gif, Heic, Jpeg, Mov, Mp4, Png, Webm, Webp};

impl Limits {
    /// The defaults of a platform.
    pub fn of(platform: Platform) -> Limits {
        let text = |max, counting| vec![TextLimit { max, counting }];
        let none = Limits {
            caption: Vec::new(),
            caption_without_media: None,
            title: Vec::new(),
            min_media: 0,
            max_media: usize::MAX,
            max_videos: usize::MAX,
            image_formats: &[Jpeg, Png, Gif, Webp, Heic, Avif],
            video_formats: &[Mp4, Mov, Webm],
            max_image_bytes: None,
            max_video_bytes: None,
            max_hashtags: None,
            forbidden_title_characters: &[],
            concurrency: 1,
        };
        match platform {
            Platform::Facebook => Limits {
                caption: text(63_206, Counting::Characters),
                image_formats: &[Jpeg, Png, Gif],
                video_formats: &[Mp4, Mov],
                max_image_bytes: Some(4 * MB),
                concurrency: 8,
                ..none
            },
            Platform::Instagram => Limits {
                caption: text(2_200, Counting::Characters),
                min_media: 1,
                max_media: 10,
                image_formats: &[Jpeg],
                video_formats: &[Mp4, Mov],
                max_image_bytes: Some(8 * MB),
                max_hashtags: Some(30),
                concurrency: 2,
                ..none
            },
            Platform::X => Limits {
                caption: text(280, Counting::XWeighted),
                max_media: 4,
                max_videos: 1,
                image_formats: &[Jpeg, Png, Gif, Webp],
                video_formats: &[Mp4],
                max_image_bytes: Some(5 * MB),
                max_video_bytes: Some(512 * MB),
                ..none
            },
            Platform::Youtube => Limits {
                caption: text(5_000, Counting::Bytes),
                title: text(100, Counting::Characters),
                min_media: 1,
                max_media: 1,
                image_formats: &[],
                video_formats: &[Mp4, Mov, Webm],
                forbidden_title_characters: &['<', '>'],
                ..none
            },
            // Video posts (what siaran sends to TikTok): the caption is the video's title,
            // at most 2,200 UTF-16 units. Photo posts are not sent, so photos are refused here.
            Platform::Tiktok => Limits {
                caption: text(2_200, Counting::Utf16),
                title: text(90, Counting::Utf16),
                min_media: 1,
                max_media: 1,
                max_videos: 1,
                image_formats: &[],
                video_formats: &[Mp4, Mov, Webm],
                ..none
            },
            Platform::Mastodon => Limits {
                caption: text(500, Counting::CharactersUrls23),
                max_media: 4,
                max_videos: 1,
                image_formats: &[Jpeg, Png, Gif, Webp, Heic, Avif],
                video_formats: &[Mp4, Mov, Webm],
                max_image_bytes: Some(16 * MB),
                max_video_bytes: Some(99 * MB),
                concurrency: 4,
                ..none
            },
            Platform::Bluesky => Limits {
                caption: vec![
                    TextLimit { max: 300, counting: Counting::Graphemes },
                    TextLimit { max: 3_000, counting: Counting::Bytes },
                ],
                max_media: 4,
                max_videos: 1,
                image_formats: &[Jpeg, Png, Webp, Gif],
                video_formats: &[Mp4],
                max_image_bytes: Some(2 * MB),
                max_video_bytes: Some(300 * MB),
                concurrency: 8,
                ..none
            },
            Platform::Telegram => Limits {
                caption: text(1_024, Counting::Characters),
                caption_without_media: Some(text(4_096, Counting::Characters)),
                max_media: 10,
                image_formats: &[Jpeg, Png, Webp],
                video_formats: &[Mp4],
                max_image_bytes: Some(10 * MIB),
                max_video_bytes: Some(50 * MIB),
                ..none
            },
            Platform::WhatsappShare => none,
            Platform::Webhook => Limits { concurrency: 8, ..none },
        }
    }
}

/// X's weighted length (twitter-text v3): each URL counts 23; code points in the Latin,
/// general-punctuation and similar ranges count 1; everything else (CJK, emoji) counts 2,
/// with an emoji sequence (joined by ZWJ or modifiers) counted once.
pub fn x_weighted_length(text: &str) -> usize {
    with_urls_as_23(text, |part| {
        part.graphemes(true)
            .map(|grapheme| {
                let mut characters = grapheme.chars();
                let first = characters.next().map_or(0, u32::from);
                if grapheme.chars().any(|c| u32::from(c) >= 0x1F000) {
                    2
                } else {
                    let weight = |code: u32| {
                        if matches!(code, 0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247) { 1 } else { 2 }
                    };
                    weight(first) + characters.map(|c| weight(u32::from(c))).sum::<usize>()
                }
            })
            .sum()
    })
}

/// Applies `count` to the text between URLs and adds 23 for each URL.
fn with_urls_as_23(text: &str, count: impl Fn(&str) -> usize) -> usize {
    let mut total = 0;
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        total += count(&rest[..start]);
        let url_length = rest[start..].find(char::is_whitespace).unwrap_or(rest.len() - start);
        let url = rest[start..start + url_length].trim_end_matches(['.', ',', ')', '!', '?', ';', ':']);
        total += 23;
        rest = &rest[start + url.len()..];
    }
    total + count(rest)
}

fn find_url(text: &str) -> Option<usize> {
    ["https://", "http://", "www."]
        .iter()
        .filter_map(|prefix| {
            text.match_indices(prefix)
                .find(|(index, _)| *index == 0 || text[..*index].ends_with(|c: char| c.is_whitespace() || c == '('))
                .map(|(index, _)| index)
        })
        .min()
}

/// The hashtags in a caption (`#` followed by letters or digits, after a space or at the start).
pub fn hashtag_count(text: &str) -> usize {
    text.match_indices('#')
        .filter(|(index, _)| *index == 0 || text[..*index].ends_with(char::is_whitespace))
        .filter(|(index, _)| text[index + 1..].starts_with(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn x_counts_urls_cjk_and_emoji() {
        assert_eq!(x_weighted_length("halo"), 4);
        assert_eq!(x_weighted_length("cek https://cekdptonline.kpu.example/path?a=1 ya"), 4 + 23 + 3);
        assert_eq!(x_weighted_length("日本"), 4);
        assert_eq!(x_weighted_length("👍"), 2);
        assert_eq!(x_weighted_length("👨‍👩‍👧"), 2);
        assert_eq!(x_weighted_length("Pemilu—damai"), 12);
    }

    #[test]
    fn bluesky_counts_graphemes_not_bytes() {
        assert_eq!(Counting::Graphemes.count("é👨‍👩‍👧"), 2);
        assert_eq!(Counting::Bytes.count("é"), 2);
        assert_eq!(Counting::CharactersUrls23.count("lihat https://a.example/very/long/path"), 6 + 23);
    }

    #[test]
    fn hashtags_are_counted_at_word_starts() {
        assert_eq!(hashtag_count("#Pemilu2029 ayo #cekDPT bukan#ini # kosong"), 2);
    }

    proptest! {
        #[test]
        fn x_weight_is_between_one_and_two_per_character_without_urls(text in "[a-zA-Z0-9 ßéñ一-龥]{0,200}") {
            let characters = text.chars().count();
            let weighted = x_weighted_length(&text);
            prop_assert!(weighted >= characters && weighted <= 2 * characters);
        }

        #[test]
        fn counting_never_panics(text in any::<String>()) {
            for counting in [Counting::Characters, Counting::XWeighted, Counting::Graphemes, Counting::CharactersUrls23, Counting::Utf16, Counting::Bytes] {
                let _ = counting.count(&text);
            }
        }
    }
}
