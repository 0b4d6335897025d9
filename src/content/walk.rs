//! Finding the posts: every `index.md` under `content/`. A post's id is its folder's path
//! under `content/` with `/` separators, e.g. `2026/11/rapat-pleno-dpt`.

use std::path::{Path, PathBuf};

use crate::source::{Code, Diagnostic, Diagnostics};

/// A post file found on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostFile {
    /// The post id.
    pub id: String,
    /// `content/<id>/index.md`, relative to the root.
    pub relative: String,
    /// The bundle folder.
    pub bundle: PathBuf,
    /// The `index.md` path.
    pub path: PathBuf,
}

/// The folder of posts under the root.
pub const CONTENT_DIR: &str = "content";

/// Lists every post file, sorted by id. Unreadable entries and non-UTF-8 names become
/// diagnostics; hidden files and folders are skipped.
pub fn find_posts(root: &Path, diagnostics: &mut Diagnostics) -> Vec<PostFile> {
    let content = root.join(CONTENT_DIR);
    let mut posts = Vec::new();
    if !content.is_dir() {
        return posts;
    }
    let walker = walkdir::WalkDir::new(&content).follow_links(false).sort_by_file_name().into_iter();
    let entries =
        walker.filter_entry(|entry| entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.'));
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let relative = error
                    .path()
                    .and_then(|path| path.strip_prefix(root).ok())
                    .map_or_else(|| CONTENT_DIR.to_string(), |path| path.to_string_lossy().replace('\\', "/"));
                diagnostics.push(
                    Diagnostic::error(Code::FileUnreadable, relative, 0, 0, format!("cannot read: {error}"))
                        .with_hint("check the folder's permissions"),
                );
                continue;
            }
        };
        if entry.file_name() != "index.md" || !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let Some(bundle) = path.parent().map(Path::to_path_buf) else {
            continue;
        };
        let Ok(under_content) = bundle.strip_prefix(&content) else {
            continue;
        };
        let Some(id) = under_content.to_str().map(|id| id.replace('\\', "/")) else {
            diagnostics.push(
                Diagnostic::error(
                    Code::FileNameNotUtf8,
                    format!("{CONTENT_DIR}/{}", under_content.to_string_lossy()),
                    0,
                    0,
                    "the post's folder name is not valid UTF-8",
                )
                .with_hint("rename the folder using letters, digits and hyphens"),
            );
            continue;
        };
        if id.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    Code::FieldInvalid,
                    format!("{CONTENT_DIR}/index.md"),
                    0,
                    0,
                    "a post cannot live directly in content/",
                )
                .with_hint("move it into its own folder, e.g. content/2026/11/judul-singkat/index.md"),
            );
            continue;
        }
        posts.push(PostFile { relative: format!("{CONTENT_DIR}/{id}/index.md"), id, bundle, path });
    }
    posts
}
