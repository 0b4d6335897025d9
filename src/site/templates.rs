//! The templates of the archive: built-in defaults compiled into the binary, so a new
//! repository builds at once, and the repository's own `templates/` folder, whose files
//! replace the defaults of the same name. `templates/static/` holds files copied into the
//! site as they are (a logo, extra CSS). Templates are Tera 2, HTML-escaped by default.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tera::Tera;

use crate::content::Sha256Hash;

/// The built-in templates, by name.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("card.html", include_str!("templates/card.html")),
    ("pagination.html", include_str!("templates/pagination.html")),
    ("list.html", include_str!("templates/list.html")),
    ("terms.html", include_str!("templates/terms.html")),
    ("post.html", include_str!("templates/post.html")),
    ("sop.html", include_str!("templates/sop.html")),
    ("recap.html", include_str!("templates/recap.html")),
    ("search.html", include_str!("templates/search.html")),
    ("404.html", include_str!("templates/404.html")),
];

/// Built-in static files, by site path.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[("assets/style.css", include_bytes!("static/style.css"))];

/// The folder of a repository's own templates.
pub const TEMPLATES_DIR: &str = "templates";

/// A problem with a template.
#[derive(Debug, thiserror::Error)]
#[error("template {name}: {message}")]
pub struct TemplateError {
    /// The template's name (a file under `templates/` when it is the repository's own).
    pub name: String,
    /// The file, when it is the repository's own.
    pub file: Option<PathBuf>,
    /// What is wrong.
    pub message: String,
}

/// The loaded templates and a fingerprint of all of them (a change to any template
/// re-renders every page).
pub struct Templates {
    /// The Tera instance.
    pub tera: Tera,
    /// The hash of every template's name and text.
    pub fingerprint: Sha256Hash,
    /// Static files: site path and bytes.
    pub statics: Vec<(String, Vec<u8>)>,
}

/// Loads the defaults, then the repository's overrides.
pub fn load(root: &Path) -> Result<Templates, TemplateError> {
    let mut sources: Vec<(String, String, Option<PathBuf>)> =
        DEFAULT_TEMPLATES.iter().map(|(name, text)| (name.to_string(), text.to_string(), None)).collect();
    let folder = root.join(TEMPLATES_DIR);
    let mut statics: Vec<(String, Vec<u8>)> =
        DEFAULT_STATIC.iter().map(|(path, bytes)| (path.to_string(), bytes.to_vec())).collect();
    if folder.is_dir() {
        for entry in walkdir::WalkDir::new(&folder).sort_by_file_name().into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(&folder) else { continue };
            let name = relative.to_string_lossy().replace('\\', "/");
            let read_error = |error: std::io::Error| TemplateError {
                name: name.clone(),
                file: Some(entry.path().to_path_buf()),
                message: error.to_string(),
            };
            if let Some(static_path) = name.strip_prefix("static/") {
                let bytes = std::fs::read(entry.path()).map_err(read_error)?;
                statics.retain(|(path, _)| path != static_path);
                statics.push((static_path.to_string(), bytes));
            } else if name.ends_with(".html") {
                let text = std::fs::read_to_string(entry.path()).map_err(read_error)?;
                sources.retain(|(existing, _, _)| *existing != name);
                sources.push((name, text, Some(entry.path().to_path_buf())));
            }
        }
    }
    let mut hasher = Sha256::new();
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    for (name, text, _) in &sources {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    tera.add_raw_templates(sources.iter().map(|(name, text, _)| (name.as_str(), text.as_str()))).map_err(|error| {
        let message = error_chain(&error);
        let culprit = sources.iter().find(|(name, _, _)| message.contains(name.as_str()));
        TemplateError {
            name: culprit.map_or_else(|| "templates".to_string(), |(name, _, _)| name.clone()),
            file: culprit.and_then(|(_, _, file)| file.clone()),
            message,
        }
    })?;
    for (path, bytes) in &statics {
        hasher.update(path.as_bytes());
        hasher.update(bytes);
    }
    Ok(Templates { tera, fingerprint: hasher.finalize().into(), statics })
}

/// An error and its causes on one line.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
