//! The *site* layer: the public archive. From the loaded, validated repository and the
//! ledger it makes a static site — a page per public post with its photos, its copies on
//! each platform and its signed approval trail; lists by kind, tag, platform and month;
//! a page per SOP; Atom feeds, a sitemap and robots.txt; an offline search index; and the
//! data anyone needs to verify each approval (see [`approval`]).
//!
//! The build is incremental: see [`output`]. Rendering goes Markdown → ammonia → Tera
//! templates (defaults compiled in, the repository's `templates/` overriding them).

pub mod approval;
pub mod feeds;
pub mod i18n;
pub mod images;
mod inputs;
pub mod markdown;
pub mod output;
pub mod pages;
pub mod public;
pub mod recaps;
pub mod search;
pub mod serve;
pub mod templates;
pub mod verify;
pub mod view;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::check::Repository;
use crate::content::fingerprint::hex;
use crate::ledger::Ledger;
use inputs::PostInputs;
use pages::{Job, PageContext, SiteData};

/// Where caches live, under the repository root (not committed).
pub const CACHE_DIR: &str = ".siaran/cache";

/// How to build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The output folder.
    pub out: PathBuf,
    /// Include posts that are not public, marked as drafts (previews only).
    pub drafts: bool,
    /// Build the search index.
    pub search: bool,
    /// Make the search index into the site's `pagefind/` (with `search`). Without it the
    /// pages still link the search page: the preview makes its index apart, in the
    /// background, so that a save shows without waiting for it.
    pub index: bool,
}

/// What a build did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildReport {
    /// Public posts in the site.
    pub posts: usize,
    /// Draft posts in the site (previews only).
    pub drafts: usize,
    /// Files in the site.
    pub files: usize,
    /// Files rendered or produced this time.
    pub produced: usize,
    /// Files written because their bytes changed.
    pub written: usize,
    /// Files removed because the site no longer has them.
    pub removed: usize,
}

/// Why the site could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A template does not parse.
    #[error(transparent)]
    Template(#[from] templates::TemplateError),
    /// A page could not be rendered.
    #[error("cannot render {path} with {template}: {message}")]
    Render {
        /// The site path.
        path: String,
        /// The template.
        template: String,
        /// Why.
        message: String,
    },
    /// The output folder could not be used.
    #[error(transparent)]
    Output(#[from] output::OutputError),
    /// A thumbnail could not be made.
    #[error(transparent)]
    Image(#[from] images::ImageError),
    /// The search index could not be built.
    #[error(transparent)]
    Search(#[from] search::SearchError),
}

/// What a build leaves for the next one in the same process (the preview's): the record of
/// the output folder, so that it is neither read again nor the folder walked, and each
/// post's card by its page's input, so that an unchanged post's card is not made again.
/// A build given an empty one starts from the record on disk, as `siaran build` does.
#[derive(Default)]
pub struct Kept {
    record: Option<output::Record>,
    cards: std::collections::HashMap<String, view::CardView>,
}

impl Kept {
    /// Saves the output folder's record, so that a later process starts from it; the
    /// preview does this once edits pause.
    pub fn save(&mut self) -> Result<(), SiteError> {
        if let Some(record) = &mut self.record {
            record.save()?;
        }
        Ok(())
    }
}

/// Builds the site into `options.out`.
pub fn build(repository: &Repository, ledger: &Ledger, options: &BuildOptions) -> Result<BuildReport, SiteError> {
    let mut kept = Kept::default();
    let report = build_keeping(repository, ledger, options, &mut kept)?;
    kept.save()?;
    Ok(report)
}

/// Builds the site into `options.out`, starting from what the last build in this process
/// kept, and keeping what the next one needs.
pub fn build_keeping(
    repository: &Repository,
    ledger: &Ledger,
    options: &BuildOptions,
    kept: &mut Kept,
) -> Result<BuildReport, SiteError> {
    let config = &repository.config;
    let templates = templates::load(&repository.root)?;
    let urls = view::Urls::new(&config.site.base_url);
    let posts = public::select(repository, ledger, options.drafts);
    let cache = repository.root.join(CACHE_DIR);
    let plans = image_plans(&posts, &cache)?;
    let mut data = SiteData {
        repository,
        posts: &posts,
        cards: &[],
        plans: &plans,
        urls: &urls,
        drafts: options.drafts,
        search: options.search,
    };
    let common = pages::common_context(&data);
    let common_text = serde_json::to_string(&common).unwrap_or_default();
    let shared = inputs::Shared {
        config,
        drafts: options.drafts,
        search: options.search,
        templates: &templates.fingerprint,
        common: &common_text,
    };
    let inputs = PostInputs::new(&shared, &posts, &plans);
    // A card is made from part of what its post page's input identifies.
    let previous_cards = std::mem::take(&mut kept.cards);
    let cards: Vec<view::CardView> = posts
        .par_iter()
        .zip(plans.par_iter())
        .enumerate()
        .map(|(index, (site_post, plans))| {
            let known = inputs.post_page(index).and_then(|input| previous_cards.get(input));
            known.cloned().unwrap_or_else(|| view::card_view(site_post, config, &urls, plans))
        })
        .collect();
    drop(previous_cards);
    data.cards = &cards;
    let mut jobs = pages::jobs(&data);
    if !options.drafts {
        jobs.extend(recaps::jobs(&data, ledger));
    }
    jobs.extend(extra_jobs(&data, &templates));
    let page_paths: Vec<String> = jobs
        .iter()
        .filter_map(|job| match job {
            Job::Render { path, template, .. } if *template != "404.html" => {
                Some(path.trim_end_matches("index.html").to_string())
            }
            _ => None,
        })
        .collect();
    for (path, xml) in feeds::sitemaps(&urls, &page_paths) {
        jobs.push(Job::Bytes { path, bytes: xml.into_bytes() });
    }

    let mut output = output::Output::open(&options.out, &cache, kept.record.take())?;
    let base_context = tera::Context::from_serialize(&common).map_err(|error| render_error("*", "*", &error))?;

    // Each job in parallel: make its input (a page's context, made only now), compare its
    // fingerprint with the last build's, and render and write it only when it changed. Only
    // the records are kept, not the contexts or the bytes.
    let made: Vec<Result<Option<output::Written>, SiteError>> =
        jobs.par_iter().map(|job| make_if_changed(job, &data, &output, &templates, &inputs, &base_context)).collect();
    let mut post_pages: Vec<String> = Vec::new();
    for (job, made) in jobs.iter().zip(made) {
        if matches!(job, Job::Render { template: "post.html", .. }) {
            post_pages.push(job.path().to_string());
        }
        match made? {
            Some(written) => output.record(written),
            None => output.keep(job.path()),
        }
    }

    // Thumbnails, shared by content hash.
    let mut thumbs: BTreeMap<String, (PathBuf, images::ImagePlan)> = BTreeMap::new();
    for (site_post, post_plans) in posts.iter().zip(&plans) {
        for (media, plan) in site_post.checked.post.media.iter().zip(post_plans) {
            if let (Some(found), Some(plan)) = (&media.found, plan)
                && let Some(first) = plan.thumbs.first()
            {
                thumbs.entry(first.path.clone()).or_insert_with(|| (found.path.clone(), plan.clone()));
            }
        }
    }
    let thumb_cache = cache.join("thumbs");
    let mut stale = Vec::new();
    for (source, plan) in thumbs.values() {
        if plan.thumbs.iter().all(|thumb| output.is_current(&thumb.path, &thumb.path)) {
            plan.thumbs.iter().for_each(|thumb| output.keep(&thumb.path));
        } else {
            stale.push((source, plan));
        }
    }
    let made: Vec<Result<Vec<output::Written>, SiteError>> = stale
        .par_iter()
        .map(|(source, plan)| {
            images::produce(source, plan, &thumb_cache)?
                .into_iter()
                .map(|(path, bytes)| Ok(output.write_bytes(&path, &path, &bytes)?))
                .collect()
        })
        .collect();
    for written in made {
        written?.into_iter().for_each(|written| output.record(written));
    }

    if options.search && options.index {
        search_bundle(&mut output, post_pages, &options.out, config.site.language)?;
    }
    let files = output.files();
    let (produced, written) = (output.produced, output.written);
    let (removed, record) = output.finish()?;
    kept.record = Some(record);
    kept.cards = inputs.into_post_pages().into_iter().zip(cards).collect();
    Ok(BuildReport {
        posts: posts.iter().filter(|post| !post.is_draft).count(),
        drafts: posts.iter().filter(|post| post.is_draft).count(),
        files,
        produced,
        written,
        removed,
    })
}

/// Each post's media plans (by index): thumbnails for its photos, `None` for other media.
/// A photo's size comes from the size cache, or from its header once per content hash.
fn image_plans(posts: &[public::SitePost<'_>], cache: &Path) -> Result<Vec<Vec<Option<images::ImagePlan>>>, SiteError> {
    let photos: BTreeMap<crate::content::Sha256Hash, &Path> = posts.iter().flat_map(post_photos).flatten().collect();
    let mut size_cache = images::SizeCache::load(cache);
    let sizes = size_cache.sizes(&photos);
    size_cache.save(&sizes)?;
    Ok(posts
        .par_iter()
        .map(|site_post| {
            post_photos(site_post)
                .map(|photo| {
                    let (hash, _) = photo?;
                    let (width, height) = sizes.get(&hash)?;
                    Some(images::plan_for(*width, *height, &hash))
                })
                .collect()
        })
        .collect())
}

/// Each media item of a post: its content hash and file when it is a photo that was found.
fn post_photos<'a>(
    site_post: &'a public::SitePost<'_>,
) -> impl Iterator<Item = Option<(crate::content::Sha256Hash, &'a Path)>> + 'a {
    let post = &site_post.checked.post;
    let hashes = post.fingerprint.as_ref().map(|fingerprint| &fingerprint.media);
    post.media.iter().enumerate().map(move |(index, media)| {
        let is_image = media.format.is_some_and(|format| format.is_image());
        let found = media.found.as_ref().filter(|_| is_image)?;
        let hash = hashes.and_then(|hashes| hashes.get(index)).and_then(|file| file.hash)?;
        Some((hash, found.path.as_path()))
    })
}

/// The search bundle, made from every post page as written (read back one at a time, so the
/// pages are never all in memory). Its input is the post pages' own bytes (as recorded), so
/// it is kept as it is when no post page changed.
fn search_bundle(
    output: &mut output::Output,
    mut post_pages: Vec<String>,
    out: &Path,
    language: crate::config::Language,
) -> Result<(), SiteError> {
    post_pages.sort();
    let mut hasher = Sha256::new();
    for path in &post_pages {
        hasher.update(path.as_bytes());
        hasher.update(output.recorded_output(path).unwrap_or_default().as_bytes());
    }
    let input = format!("search:{}", hex(&hasher.finalize()));
    let previous: Vec<String> =
        output.previous_paths().filter(|path| path.starts_with("pagefind/")).map(str::to_string).collect();
    if !previous.is_empty() && previous.iter().all(|path| output.is_current(path, &input)) {
        previous.iter().for_each(|path| output.keep(path));
        return Ok(());
    }
    let pages = post_pages.into_iter().map(|path| {
        let html = std::fs::read_to_string(out.join(&path)).unwrap_or_default();
        (path, html)
    });
    for (path, bytes) in search::index(pages, language)? {
        output.put(&path, &input, &bytes)?;
    }
    Ok(())
}

/// Makes one file of the site when its input changed since the last build: renders, copies
/// or writes it. `None` when the file from the last build is current.
fn make_if_changed(
    job: &Job,
    data: &SiteData<'_>,
    output: &output::Output,
    templates: &templates::Templates,
    inputs: &PostInputs,
    base: &tera::Context,
) -> Result<Option<output::Written>, SiteError> {
    let path = job.path();
    let written = match job {
        Job::Render { template, context, .. } => {
            // A post page is decided by what it is made from, a list by its values and the
            // posts it shows, any other page by its context.
            let input = match context {
                PageContext::Post(index) if *template == inputs::POST_TEMPLATE => {
                    inputs.post_page(*index).map(str::to_string)
                }
                PageContext::Cards { base, posts } => Some(inputs.cards_page(template, base, posts)),
                _ => None,
            };
            let (context, input) = match input {
                Some(input) if output.is_current(path, &input) => return Ok(None),
                Some(input) => (context.value(data), input),
                None => {
                    let context = context.value(data);
                    let input = inputs.page(template, &context);
                    if output.is_current(path, &input) {
                        return Ok(None);
                    }
                    (context, input)
                }
            };
            let mut tera_context = base.clone();
            tera_context
                .extend(tera::Context::from_serialize(&context).map_err(|error| render_error(path, template, &error))?);
            let bytes =
                templates.tera.render(template, &tera_context).map_err(|error| render_error(path, template, &error))?;
            output.write_bytes(path, &input, bytes.as_bytes())?
        }
        Job::Bytes { bytes, .. } => return write_if_changed(output, path, bytes),
        Job::Approval { post, .. } => {
            let (Some(site_post), Some(input)) = (data.posts.get(*post), inputs.approval(*post)) else {
                return Ok(None);
            };
            if output.is_current(path, &input) {
                return Ok(None);
            }
            output.write_bytes(path, &input, &approval_bytes(site_post, data))?
        }
        Job::Copy { from, hash, .. } => {
            let input = hex(hash);
            if output.is_current(path, &input) {
                return Ok(None);
            }
            output.copy_file(path, &input, from, &input)?
        }
    };
    Ok(Some(written))
}

/// Writes bytes whose input is the bytes themselves, unless the last build wrote the same.
fn write_if_changed(output: &output::Output, path: &str, bytes: &[u8]) -> Result<Option<output::Written>, SiteError> {
    let input = hex(&Sha256::digest(bytes));
    if output.is_current(path, &input) {
        return Ok(None);
    }
    Ok(Some(output.write_bytes(path, &input, bytes)?))
}

/// A post's public approval data, as its `persetujuan.json`.
fn approval_bytes(site_post: &public::SitePost<'_>, data: &SiteData<'_>) -> Vec<u8> {
    let Some(approval) = approval::approval_data(site_post.checked, &data.repository.config) else { return Vec::new() };
    let mut bytes = serde_json::to_vec_pretty(&approval).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn render_error(path: &str, template: &str, error: &dyn std::error::Error) -> SiteError {
    SiteError::Render { path: path.to_string(), template: template.to_string(), message: templates::error_chain(error) }
}

/// Media copies, approval data, feeds, sitemap, robots, signers and static files.
fn extra_jobs(data: &SiteData<'_>, templates: &templates::Templates) -> Vec<Job> {
    let config = &data.repository.config;
    let mut jobs = Vec::new();
    for (index, site_post) in data.posts.iter().enumerate() {
        let post = &site_post.checked.post;
        let path = view::post_path(&post.id);
        let hashes = post.fingerprint.as_ref().map(|fingerprint| &fingerprint.media);
        for (index, media) in post.media.iter().enumerate() {
            // Media only: attachments are internal and never copied.
            let hash = hashes.and_then(|hashes| hashes.get(index)).and_then(|file| file.hash);
            if let (Some(found), Some(hash)) = (&media.found, hash) {
                jobs.push(Job::Copy { path: format!("{path}{}", media.file), from: found.path.clone(), hash });
            }
        }
        // Approval data exists when every file of the post could be hashed (its manifest);
        // it is made when the job runs.
        if post.fingerprint.as_ref().and_then(crate::chain::digest::manifest).is_some() {
            jobs.push(Job::Approval { path: format!("{path}{}", approval::APPROVAL_FILE), post: index });
        }
    }
    let mut staged_paths = std::collections::BTreeSet::new();
    for checked in data.repository.posts.iter().filter(|checked| public::stages_media(checked, data.repository.now)) {
        let post = &checked.post;
        let hashes = post.fingerprint.as_ref().map(|fingerprint| &fingerprint.media);
        for ((index, media), staged) in post.media.iter().enumerate().zip(post.staged_media()) {
            let hash = hashes.and_then(|hashes| hashes.get(index)).and_then(|file| file.hash);
            if let (Some(found), Some(hash), Some(path)) = (&media.found, hash, staged)
                && staged_paths.insert(path.clone())
            {
                jobs.push(Job::Copy { path, from: found.path.clone(), hash });
            }
        }
    }
    // Feeds: the newest posts' full views, made for the entries only.
    let feed = |title: &str, path: &str, posts: &[usize]| {
        let views: Vec<view::PostView> = posts
            .iter()
            .take(feeds::FEED_ENTRIES)
            .filter_map(|index| {
                let (site_post, card) = (data.posts.get(*index)?, data.cards.get(*index)?);
                let plans = data.plans.get(*index).map_or(&[][..], Vec::as_slice);
                Some(view::post_view(site_post, card, config, data.urls, plans))
            })
            .collect();
        let views: Vec<&view::PostView> = views.iter().collect();
        Job::Bytes {
            path: path.to_string(),
            bytes: feeds::atom(title, &config.site.office, path, data.urls, &views).into_bytes(),
        }
    };
    let all: Vec<usize> = (0..data.posts.len()).collect();
    jobs.push(feed(&config.site.title, "atom.xml", &all));
    let mut kinds: BTreeMap<&str, (&str, Vec<usize>)> = BTreeMap::new();
    for (index, site_post) in data.posts.iter().enumerate() {
        let kind = site_post.checked.post.kind;
        kinds.entry(kind.as_str()).or_insert((view::kind_label(kind, config.site.language), Vec::new())).1.push(index);
    }
    for (kind, (label, posts)) in kinds {
        let title = format!("{} — {label}", config.site.title);
        jobs.push(feed(&title, &format!("jenis/{kind}/atom.xml"), &posts));
    }
    jobs.push(Job::Bytes {
        path: approval::SIGNERS_FILE.to_string(),
        bytes: approval::allowed_signers(config, data.urls).into_bytes(),
    });
    jobs.push(Job::Bytes { path: "robots.txt".to_string(), bytes: feeds::robots(data.urls, data.drafts).into_bytes() });
    for (path, bytes) in &templates.statics {
        jobs.push(Job::Bytes { path: path.clone(), bytes: bytes.clone() });
    }
    jobs
}
