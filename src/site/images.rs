//! Thumbnails. Each photo is published as it is (so its bytes can be checked against the
//! signed manifest) and also as JPEG thumbnails at a few widths, turned upright by its
//! EXIF orientation. Thumbnails are named by the photo's content hash and kept in a cache
//! beside the repository, so an unchanged photo is never decoded again, even when the
//! output folder is new.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageDecoder, ImageReader, imageops::FilterType};

use crate::content::Sha256Hash;
use crate::content::fingerprint::{hex, sha256_from_hex};

/// The widths thumbnails are made at (only those narrower than the photo).
pub const WIDTHS: [u32; 3] = [360, 720, 1200];

/// JPEG quality of thumbnails.
const QUALITY: u8 = 82;

/// A photo's thumbnails, planned from its header alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImagePlan {
    /// The photo's width and height, upright.
    pub width: u32,
    /// See `width`.
    pub height: u32,
    /// Each thumbnail: its width, height and path in the site.
    pub thumbs: Vec<Thumb>,
}

/// One thumbnail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thumb {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Its path in the site, e.g. `thumbs/3fa9c0d1e2b4a5f6-720.jpg`.
    pub path: String,
}

/// Why a thumbnail could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The photo could not be read or decoded.
    #[error("cannot read {path}: {source}")]
    Decode {
        /// The photo.
        path: PathBuf,
        /// Why.
        source: image::ImageError,
    },
    /// The cache could not be written.
    #[error("cannot write the thumbnail cache: {0}")]
    Cache(#[from] std::io::Error),
}

/// A photo's upright width and height, read from its header (no pixels are decoded).
pub fn upright_size(path: &Path) -> Result<(u32, u32), ImageError> {
    let mut decoder = open_decoder(path)?;
    let (raw_width, raw_height) = decoder.dimensions();
    let turned = decoder.orientation().is_ok_and(|orientation| {
        use image::metadata::Orientation::*;
        matches!(orientation, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
    });
    Ok(if turned { (raw_height, raw_width) } else { (raw_width, raw_height) })
}

/// The thumbnails of a photo of this upright size and content hash.
pub fn plan_for(width: u32, height: u32, hash: &Sha256Hash) -> ImagePlan {
    let name = &hex(hash)[..16];
    let thumbs = WIDTHS
        .iter()
        .filter(|target| **target < width)
        .map(|target| Thumb {
            width: *target,
            height: (u64::from(height) * u64::from(*target) / u64::from(width.max(1))).max(1) as u32,
            path: format!("thumbs/{name}-{target}.jpg"),
        })
        .collect();
    ImagePlan { width, height, thumbs }
}

/// The longest side a cached size may have; anything else in the cache file is ignored.
const MAX_SIDE: u32 = 1 << 16;

/// Each photo's upright size by content hash, kept in the cache folder between builds: a
/// photo's header is read once, however many posts show it and however often the site is
/// built. The content hash decides the size, so an entry can never be out of date.
#[derive(Debug, Default)]
pub struct SizeCache {
    file: PathBuf,
    sizes: std::collections::HashMap<Sha256Hash, (u32, u32)>,
}

impl SizeCache {
    /// The cache in `cache_dir` (empty when missing or unreadable).
    pub fn load(cache_dir: &Path) -> SizeCache {
        let file = cache_dir.join("image-sizes.json");
        let stored: std::collections::BTreeMap<String, (u32, u32)> =
            std::fs::read(&file).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
        let sizes = stored
            .into_iter()
            .filter(|(_, (width, height))| (1..=MAX_SIDE).contains(width) && (1..=MAX_SIDE).contains(height))
            .filter_map(|(key, size)| Some((sha256_from_hex(&key)?, size)))
            .collect();
        SizeCache { file, sizes }
    }

    /// The sizes of `photos` (content hash → file): known ones from the cache, the others
    /// read in parallel. A photo whose header cannot be read has no size.
    pub fn sizes(
        &mut self,
        photos: &std::collections::BTreeMap<Sha256Hash, &Path>,
    ) -> std::collections::HashMap<Sha256Hash, (u32, u32)> {
        use rayon::prelude::*;
        let unknown: Vec<(Sha256Hash, &Path)> = photos
            .iter()
            .filter(|(hash, _)| !self.sizes.contains_key(*hash))
            .map(|(hash, path)| (*hash, *path))
            .collect();
        let read: Vec<(Sha256Hash, (u32, u32))> =
            unknown.par_iter().filter_map(|(hash, path)| Some((*hash, upright_size(path).ok()?))).collect();
        self.sizes.extend(read);
        photos.keys().filter_map(|hash| Some((*hash, *self.sizes.get(hash)?))).collect()
    }

    /// Saves the sizes of `used` photos only, so the cache does not grow with photos gone.
    pub fn save(&self, used: &std::collections::HashMap<Sha256Hash, (u32, u32)>) -> Result<(), ImageError> {
        let stored: std::collections::BTreeMap<String, (u32, u32)> =
            used.iter().map(|(hash, size)| (hex(hash), *size)).collect();
        let bytes = serde_json::to_vec(&stored).unwrap_or_default();
        if std::fs::read(&self.file).is_ok_and(|existing| existing == bytes) {
            return Ok(());
        }
        if let Some(parent) = self.file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        crate::source::file::write_atomic(&self.file, &bytes)?;
        Ok(())
    }
}

/// The bytes of each planned thumbnail, from the cache or made now (and then cached).
pub fn produce(photo: &Path, plan: &ImagePlan, cache: &Path) -> Result<Vec<(String, Vec<u8>)>, ImageError> {
    let mut out = Vec::with_capacity(plan.thumbs.len());
    let mut decoded: Option<DynamicImage> = None;
    for thumb in &plan.thumbs {
        let cached = cache.join(thumb.path.trim_start_matches("thumbs/"));
        if let Ok(bytes) = std::fs::read(&cached) {
            out.push((thumb.path.clone(), bytes));
            continue;
        }
        let image = match &decoded {
            Some(image) => image,
            None => decoded.insert(decode_upright(photo)?),
        };
        let resized = image.resize(thumb.width, thumb.height, FilterType::Lanczos3).to_rgb8();
        let mut bytes = Vec::new();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut bytes), QUALITY);
        resized
            .write_with_encoder(encoder)
            .map_err(|error| ImageError::Decode { path: photo.to_path_buf(), source: error })?;
        std::fs::create_dir_all(cache)?;
        crate::source::file::write_atomic(&cached, &bytes)?;
        out.push((thumb.path.clone(), bytes));
    }
    Ok(out)
}

/// A decoder for the photo at `path`, its format guessed from its bytes.
fn open_decoder(path: &Path) -> Result<impl ImageDecoder, ImageError> {
    let decode = |source| ImageError::Decode { path: path.to_path_buf(), source };
    let reader = ImageReader::open(path).map_err(|error| decode(image::ImageError::IoError(error)))?;
    let reader = reader.with_guessed_format().map_err(|error| decode(image::ImageError::IoError(error)))?;
    reader.into_decoder().map_err(decode)
}

fn decode_upright(path: &Path) -> Result<DynamicImage, ImageError> {
    let mut decoder = open_decoder(path)?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder)
        .map_err(|source| ImageError::Decode { path: path.to_path_buf(), source })?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG `width`×`height` whose EXIF says "rotate 90° clockwise to view" (orientation 6).
    fn sideways_jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 255) as u8, 80, 120]));
        let mut jpeg = Vec::new();
        image.write_with_encoder(image::codecs::jpeg::JpegEncoder::new(Cursor::new(&mut jpeg))).unwrap();
        let tiff: &[u8] = &[b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(tiff);
        let length = (app1.len() + 2) as u16;
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn thumbnails_are_upright_and_cached_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("foto.jpg");
        std::fs::write(&photo, sideways_jpeg(800, 400)).unwrap();
        let (width, height) = upright_size(&photo).unwrap();
        let plan = plan_for(width, height, &[7; 32]);
        assert_eq!((plan.width, plan.height), (400, 800), "EXIF orientation turns the photo upright");
        assert_eq!(plan.thumbs.iter().map(|thumb| (thumb.width, thumb.height)).collect::<Vec<_>>(), [(360, 720)]);
        assert_eq!(plan.thumbs[0].path, "thumbs/0707070707070707-360.jpg");
        let cache = dir.path().join("cache");
        let made = produce(&photo, &plan, &cache).unwrap();
        let thumb = image::load_from_memory(&made[0].1).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (360, 720));
        // The cache serves it again without the photo.
        std::fs::remove_file(&photo).unwrap();
        assert_eq!(produce(&photo, &plan, &cache).unwrap(), made);
    }

    #[test]
    fn a_photo_header_is_read_once_per_content_hash_and_a_bad_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("foto.jpg");
        std::fs::write(&photo, sideways_jpeg(800, 400)).unwrap();
        let cache = dir.path().join("cache");
        let photos = std::collections::BTreeMap::from([([7; 32], photo.as_path())]);
        let mut sizes = SizeCache::load(&cache);
        let first = sizes.sizes(&photos);
        assert_eq!(first.get(&[7; 32]), Some(&(400, 800)));
        sizes.save(&first).unwrap();
        // The next build takes the size from the cache: the header is not read again.
        std::fs::write(&photo, b"not a photo any more").unwrap();
        assert_eq!(SizeCache::load(&cache).sizes(&photos), first);
        // A photo that cannot be read has no size; a cache that cannot be read is empty;
        // sizes out of range and malformed hashes in it are ignored.
        std::fs::write(cache.join("image-sizes.json"), "{ not json").unwrap();
        assert!(SizeCache::load(&cache).sizes(&photos).is_empty());
        let seven = "07".repeat(32);
        let planted = format!(r#"{{"{seven}": [0, 4000000000], "zz{}": [10, 10]}}"#, &seven[2..]);
        std::fs::write(cache.join("image-sizes.json"), planted).unwrap();
        assert!(SizeCache::load(&cache).sizes.is_empty());
    }
}
