//! Search, built in process with the `pagefind` crate: the post pages are indexed with
//! Indonesian (or English) stemming, with filters for kind, platform and year, and the
//! index and Pagefind's search UI are written into `pagefind/` of the site, so search works
//! offline from the output folder alone.

use super::i18n;
use crate::config::Language;

/// One file of the search bundle: its site path and bytes.
pub type SearchFile = (String, Vec<u8>);

/// Why the index could not be built.
#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(String);

/// Indexes `pages` (site path and HTML of each post page) and returns the bundle's files.
pub fn index(
    pages: impl IntoIterator<Item = (String, String)>,
    language: Language,
) -> Result<Vec<SearchFile>, SearchError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| SearchError(error.to_string()))?;
    runtime.block_on(async move {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .force_language(i18n::code(language).to_string())
            .keep_index_url(false)
            .build();
        let mut index =
            pagefind::api::PagefindIndex::new(Some(options)).map_err(|error| SearchError(error.to_string()))?;
        for (path, html) in pages {
            index.add_html_file(Some(path), None, html).await.map_err(|error| SearchError(error.to_string()))?;
        }
        let files = index.get_files().await.map_err(|error| SearchError(error.to_string()))?;
        Ok(files
            .into_iter()
            .map(|file| {
                let name = file.filename.to_string_lossy().replace('\\', "/");
                let name = name.trim_start_matches('/');
                let path = if name.starts_with("pagefind/") { name.to_string() } else { format!("pagefind/{name}") };
                (path, file.contents)
            })
            .collect())
    })
}
