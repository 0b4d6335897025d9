//! Media formats: what a file is, judged by its extension and confirmed by its first bytes
//! (a `.jpg` that is really a PNG is refused by Instagram, so siaran refuses it first).

use serde::Serialize;

/// A media format siaran knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaFormat {
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// GIF image (animated or not).
    Gif,
    /// WebP image.
    Webp,
    /// HEIC/HEIF image.
    Heic,
    /// AVIF image.
    Avif,
    /// MP4 video.
    Mp4,
    /// QuickTime video.
    Mov,
    /// WebM video.
    Webm,
}

impl MediaFormat {
    /// The format an extension names (case-insensitive), if any.
    pub fn from_extension(extension: &str) -> Option<MediaFormat> {
        Some(match extension.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => MediaFormat::Jpeg,
            "png" => MediaFormat::Png,
            "gif" => MediaFormat::Gif,
            "webp" => MediaFormat::Webp,
            "heic" | "heif" => MediaFormat::Heic,
            "avif" => MediaFormat::Avif,
            "mp4" | "m4v" => MediaFormat::Mp4,
            "mov" => MediaFormat::Mov,
            "webm" => MediaFormat::Webm,
            _ => return None,
        })
    }

    /// The format the first bytes of a file show, if recognisable.
    pub fn sniff(head: &[u8]) -> Option<MediaFormat> {
        let brand = head.get(8..12);
        Some(match head {
            [0xFF, 0xD8, 0xFF, ..] => MediaFormat::Jpeg,
            [0x89, b'P', b'N', b'G', ..] => MediaFormat::Png,
            [b'G', b'I', b'F', b'8', ..] => MediaFormat::Gif,
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => MediaFormat::Webp,
            [0x1A, 0x45, 0xDF, 0xA3, ..] => MediaFormat::Webm,
            [_, _, _, _, b'f', b't', b'y', b'p', ..] => match brand {
                Some(b"heic" | b"heix" | b"mif1" | b"msf1" | b"hevc") => MediaFormat::Heic,
                Some(b"avif" | b"avis") => MediaFormat::Avif,
                Some(b"qt  ") => MediaFormat::Mov,
                _ => MediaFormat::Mp4,
            },
            _ => return None,
        })
    }

    /// Its MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            MediaFormat::Jpeg => "image/jpeg",
            MediaFormat::Png => "image/png",
            MediaFormat::Gif => "image/gif",
            MediaFormat::Webp => "image/webp",
            MediaFormat::Heic => "image/heic",
            MediaFormat::Avif => "image/avif",
            MediaFormat::Mp4 => "video/mp4",
            MediaFormat::Mov => "video/quicktime",
            MediaFormat::Webm => "video/webm",
        }
    }

    /// Whether it is a still image (a "photo" in the SOPs' needs).
    pub fn is_image(self) -> bool {
        !self.is_video()
    }

    /// Whether it is a video.
    pub fn is_video(self) -> bool {
        matches!(self, MediaFormat::Mp4 | MediaFormat::Mov | MediaFormat::Webm)
    }

    /// The usual name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            MediaFormat::Jpeg => "JPEG",
            MediaFormat::Png => "PNG",
            MediaFormat::Gif => "GIF",
            MediaFormat::Webp => "WebP",
            MediaFormat::Heic => "HEIC",
            MediaFormat::Avif => "AVIF",
            MediaFormat::Mp4 => "MP4",
            MediaFormat::Mov => "MOV",
            MediaFormat::Webm => "WebM",
        }
    }

    /// Whether a file that sniffs as `actual` may carry this format's extension
    /// (MP4 and QuickTime share one container format, so either extension is accepted).
    pub fn accepts_content(self, actual: MediaFormat) -> bool {
        self == actual
            || matches!((self, actual), (MediaFormat::Mp4, MediaFormat::Mov) | (MediaFormat::Mov, MediaFormat::Mp4))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_formats() {
        assert_eq!(MediaFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(MediaFormat::Jpeg));
        assert_eq!(MediaFormat::sniff(b"\x89PNG\r\n\x1a\n"), Some(MediaFormat::Png));
        assert_eq!(MediaFormat::sniff(b"\0\0\0\x18ftypisom"), Some(MediaFormat::Mp4));
        assert_eq!(MediaFormat::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(MediaFormat::Webp));
        assert_eq!(MediaFormat::sniff(b"hello"), None);
        assert_eq!(MediaFormat::from_extension("JPG"), Some(MediaFormat::Jpeg));
    }
}
