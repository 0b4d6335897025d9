//! A *bundle* is a post's folder: `index.md` and the files it names. Media and
//! attachments are named relative to the bundle and must stay inside it: no absolute
//! paths, no `..`, no symbolic link that leads out. That keeps one post from publishing
//! another's files, or anything else on the machine.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::config::MediaFormat;

/// Why a named file cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleProblem {
    /// The path is absolute, climbs out with `..`, or is a link leading outside.
    Escapes,
    /// Nothing (or a folder) is there.
    Missing,
}

/// A file found inside a bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleFile {
    /// Its full path.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
}

/// Resolves `name` inside `bundle`.
pub fn resolve(bundle: &Path, name: &str) -> Result<BundleFile, BundleProblem> {
    let relative = Path::new(name);
    let is_plain = !name.is_empty()
        && !name.contains('\\')
        && relative.components().all(|component| matches!(component, Component::Normal(_) | Component::CurDir));
    if !is_plain {
        return Err(BundleProblem::Escapes);
    }
    let path = bundle.join(relative);
    let own = std::fs::symlink_metadata(&path).map_err(|_| BundleProblem::Missing)?;
    // The usual case, a plain file named directly in the bundle, involves no link at all.
    if own.is_file() && relative.components().filter(|c| matches!(c, Component::Normal(_))).count() == 1 {
        return Ok(BundleFile { path, size: own.len() });
    }
    // Any component may be a link (a folder linked elsewhere, or the file itself): resolve
    // them all and require the real path to stay inside the real bundle.
    let target = std::fs::canonicalize(&path).map_err(|_| BundleProblem::Missing)?;
    let inside = std::fs::canonicalize(bundle).map_err(|_| BundleProblem::Missing)?;
    if !target.starts_with(&inside) {
        return Err(BundleProblem::Escapes);
    }
    let metadata = std::fs::metadata(&path).map_err(|_| BundleProblem::Missing)?;
    if !metadata.is_file() {
        return Err(BundleProblem::Missing);
    }
    Ok(BundleFile { path, size: metadata.len() })
}

/// The format the file's first bytes show.
pub fn sniff(path: &Path) -> Option<MediaFormat> {
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path).ok()?;
    let read = file.read(&mut head).ok()?;
    MediaFormat::sniff(&head[..read])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("post");
        std::fs::create_dir(&bundle).unwrap();
        std::fs::write(bundle.join("foto.jpg"), b"x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"x").unwrap();
        assert_eq!(resolve(&bundle, "foto.jpg").map(|f| f.size), Ok(1));
        assert_eq!(resolve(&bundle, "./foto.jpg").map(|f| f.size), Ok(1));
        assert_eq!(resolve(&bundle, "../secret.txt"), Err(BundleProblem::Escapes));
        assert_eq!(resolve(&bundle, "/etc/passwd"), Err(BundleProblem::Escapes));
        assert_eq!(resolve(&bundle, ""), Err(BundleProblem::Escapes));
        assert_eq!(resolve(&bundle, "tidak-ada.jpg"), Err(BundleProblem::Missing));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), bundle.join("link.jpg")).unwrap();
            assert_eq!(resolve(&bundle, "link.jpg"), Err(BundleProblem::Escapes));
            std::os::unix::fs::symlink(dir.path(), bundle.join("sub")).unwrap();
            assert_eq!(resolve(&bundle, "sub/secret.txt"), Err(BundleProblem::Escapes));
            std::fs::create_dir(bundle.join("foto")).unwrap();
            std::fs::write(bundle.join("foto/a.jpg"), b"x").unwrap();
            std::os::unix::fs::symlink("foto", bundle.join("gambar")).unwrap();
            assert_eq!(resolve(&bundle, "gambar/a.jpg").map(|f| f.size), Ok(1), "a link that stays inside is fine");
        }
    }
}
