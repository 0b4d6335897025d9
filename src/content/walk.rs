//! Finding the posts: every `index.md` under `content/`. A post's id is its folder's path
//! under `content/` with `/` separators, e.g. `2026/11/rapat-pleno-dpt`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

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
/// diagnostics; hidden files and folders are skipped, and symbolic links are not followed.
///
/// Folders are read in parallel, each subtree on its own, and the results are joined in
/// name order: the same list, in the same order, as one walk through the folders sorted
/// by name, but the file system's latency is paid on every core at once.
pub fn find_posts(root: &Path, diagnostics: &mut Diagnostics) -> Vec<PostFile> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Vec::new();
    }
    let found = walk(&Place { root, content: &content }, &content);
    for problem in found.problems {
        diagnostics.push(problem);
    }
    found.posts
}

/// Where the walk is.
struct Place<'a> {
    root: &'a Path,
    content: &'a Path,
}

/// What a subtree holds.
#[derive(Default)]
struct Found {
    posts: Vec<PostFile>,
    problems: Vec<Diagnostic>,
}

impl Found {
    fn join(mut self, other: Found) -> Found {
        self.posts.extend(other.posts);
        self.problems.extend(other.problems);
        self
    }
}

/// One entry of a folder, in name order: a post file or a folder to walk.
enum Entry {
    Post(PathBuf),
    Folder(PathBuf),
}

fn walk(place: &Place<'_>, folder: &Path) -> Found {
    let mut listed: Vec<(std::ffi::OsString, Entry)> = Vec::new();
    let read = std::fs::read_dir(folder).and_then(|entries| {
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let file_type = entry.file_type()?;
            if file_type.is_dir() {
                listed.push((name, Entry::Folder(entry.path())));
            } else if file_type.is_file() && name == "index.md" {
                listed.push((name, Entry::Post(entry.path())));
            }
        }
        Ok(())
    });
    if let Err(error) = read {
        return Found { posts: Vec::new(), problems: vec![unreadable(place, folder, &error)] };
    }
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    listed
        .into_par_iter()
        .map(|(_, entry)| match entry {
            Entry::Folder(path) => walk(place, &path),
            Entry::Post(path) => post_file(place, path),
        })
        .reduce(Found::default, Found::join)
}

fn unreadable(place: &Place<'_>, folder: &Path, error: &std::io::Error) -> Diagnostic {
    let relative = folder
        .strip_prefix(place.root)
        .map_or_else(|_| CONTENT_DIR.to_string(), |path| path.to_string_lossy().replace('\\', "/"));
    Diagnostic::error(Code::FileUnreadable, relative, 0, 0, format!("cannot read: {error}"))
        .with_hint("check the folder's permissions")
}

/// The post file at `path` (an `index.md`), or why it cannot be a post.
fn post_file(place: &Place<'_>, path: PathBuf) -> Found {
    let problem = |diagnostic: Diagnostic| Found { posts: Vec::new(), problems: vec![diagnostic] };
    let Some(bundle) = path.parent().map(Path::to_path_buf) else {
        return Found::default();
    };
    let Ok(under_content) = bundle.strip_prefix(place.content) else {
        return Found::default();
    };
    let Some(id) = under_content.to_str().map(|id| id.replace('\\', "/")) else {
        return problem(
            Diagnostic::error(
                Code::FileNameNotUtf8,
                format!("{CONTENT_DIR}/{}", under_content.to_string_lossy()),
                0,
                0,
                "the post's folder name is not valid UTF-8",
            )
            .with_hint("rename the folder using letters, digits and hyphens"),
        );
    };
    if id.is_empty() {
        return problem(
            Diagnostic::error(
                Code::FieldInvalid,
                format!("{CONTENT_DIR}/index.md"),
                0,
                0,
                "a post cannot live directly in content/",
            )
            .with_hint("move it into its own folder, e.g. content/2026/11/judul-singkat/index.md"),
        );
    }
    Found {
        posts: vec![PostFile { relative: format!("{CONTENT_DIR}/{id}/index.md"), id, bundle, path }],
        problems: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, relative: &str) {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "---\n---\n").unwrap();
    }

    fn ids(root: &Path) -> (Vec<String>, Vec<String>) {
        let mut diagnostics = Diagnostics::default();
        let posts = find_posts(root, &mut diagnostics);
        let problems = diagnostics.iter().map(|d| format!("{} {}", d.file, d.message)).collect();
        (posts.into_iter().map(|post| post.id).collect(), problems)
    }

    #[test]
    fn posts_come_in_the_order_of_a_walk_through_folders_sorted_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for relative in [
            "content/2026/11/b/index.md",
            "content/2026/11/a-2/index.md",
            "content/2026/11/a/index.md",
            "content/2026/11/a/nested/index.md",
            "content/2025/12/z/index.md",
            "content/2026/02/m/index.md",
            "content/2026/02/m/foto.jpg",
        ] {
            write(root, relative);
        }
        let (ids, problems) = ids(root);
        assert_eq!(ids, ["2025/12/z", "2026/02/m", "2026/11/a", "2026/11/a/nested", "2026/11/a-2", "2026/11/b"]);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn hidden_folders_and_links_are_skipped_and_a_post_at_the_top_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "content/.draf/x/index.md");
        write(root, "content/2026/.index.md/index.md");
        write(root, "content/2026/11/a/index.md");
        write(root, "content/index.md");
        write(root, "elsewhere/b/index.md");
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("elsewhere"), root.join("content/2026/link")).unwrap();
        let (ids, problems) = ids(root);
        assert_eq!(ids, ["2026/11/a"]);
        assert_eq!(problems, ["content/index.md a post cannot live directly in content/"]);
    }

    #[test]
    fn no_content_folder_means_no_posts() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(ids(dir.path()), (Vec::new(), Vec::new()));
    }
}
