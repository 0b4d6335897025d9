//! Every page of the site, as a list of *jobs*: a template and how to make its context, or
//! bytes, or a file to copy. Nothing is rendered or written here; the build decides what has
//! changed. A job is small: a post's page and a list's cards are made into a context only
//! while that page is fingerprinted and rendered, so the contexts of all pages are never in
//! memory at once.
//! Pages: the home page and each list (by kind, tag, platform and month), paginated
//! newest first; one page per post; one per SOP workflow; the search page; the 404 page.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::{Value, json};

use super::i18n;
use super::images::ImagePlan;
use super::public::SitePost;
use super::view::{self, CardView, LinkView, Urls};
use crate::check::Repository;
use crate::content::Sha256Hash;

/// Posts per page of a list.
pub const PAGE_SIZE: usize = 12;

/// One thing to put in the site.
#[derive(Clone, Debug)]
pub enum Job {
    /// Render `template` with the context to `path`.
    Render {
        /// Site path, e.g. `2026/11/x/index.html`.
        path: String,
        /// Template name.
        template: &'static str,
        /// How to make its context.
        context: PageContext,
    },
    /// Write these bytes.
    Bytes {
        /// Site path.
        path: String,
        /// Content.
        bytes: Vec<u8>,
    },
    /// Write the public approval data of the post at this index.
    Approval {
        /// Site path.
        path: String,
        /// The post's index in [`SiteData::posts`].
        post: usize,
    },
    /// Copy a file whose content hash is known.
    Copy {
        /// Site path.
        path: String,
        /// Where it is.
        from: PathBuf,
        /// Its SHA-256.
        hash: Sha256Hash,
    },
}

impl Job {
    /// The site path.
    pub fn path(&self) -> &str {
        match self {
            Job::Render { path, .. }
            | Job::Bytes { path, .. }
            | Job::Approval { path, .. }
            | Job::Copy { path, .. } => path,
        }
    }
}

/// A page's context, or how to make it from the site data.
#[derive(Clone, Debug)]
pub enum PageContext {
    /// Made already.
    Ready(Value),
    /// The page of the post at this index.
    Post(usize),
    /// A list page: `base` with the cards of these posts (by index) as `posts`.
    Cards {
        /// Everything but the cards.
        base: Value,
        /// The posts shown, in order.
        posts: Vec<usize>,
    },
}

impl PageContext {
    /// The context itself.
    pub fn value(&self, data: &SiteData<'_>) -> Value {
        match self {
            PageContext::Ready(value) => value.clone(),
            PageContext::Post(index) => post_context(data, *index),
            PageContext::Cards { base, posts } => {
                let mut value = base.clone();
                if let Value::Object(map) = &mut value {
                    let cards: Vec<&CardView> = posts.iter().filter_map(|index| data.cards.get(*index)).collect();
                    map.insert("posts".to_string(), serde_json::to_value(cards).unwrap_or(Value::Null));
                }
                value
            }
        }
    }
}

/// A post page's context: its page values and its full view.
fn post_context(data: &SiteData<'_>, index: usize) -> Value {
    let (Some(site_post), Some(card)) = (data.posts.get(index), data.cards.get(index)) else { return Value::Null };
    let plans = data.plans.get(index).map_or(&[][..], Vec::as_slice);
    let view = view::post_view(site_post, card, &data.repository.config, data.urls, plans);
    let mut meta = page(data, &view.path, &view.title, &view.summary, "");
    meta.image = view.image.clone();
    meta.og_type = "article";
    meta.is_draft = view.is_draft;
    meta.noindex |= view.is_draft;
    let rounds = site_post.checked.chain.rounds.len();
    let mut post = serde_json::to_value(&view).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut post {
        map.insert("rounds".to_string(), json!(rounds));
        map.insert("year".to_string(), json!(view.date_iso.get(..4).unwrap_or_default()));
    }
    json!({ "page": meta, "post": post })
}

/// Everything the pages are made from.
pub struct SiteData<'a> {
    /// The repository.
    pub repository: &'a Repository,
    /// The posts shown, newest first.
    pub posts: &'a [SitePost<'a>],
    /// Their cards, in the same order.
    pub cards: &'a [CardView],
    /// Each post's media plans, in the same order.
    pub plans: &'a [Vec<Option<ImagePlan>>],
    /// The site's addresses.
    pub urls: &'a Urls,
    /// Whether this is a draft preview.
    pub drafts: bool,
    /// Whether the search page is built.
    pub search: bool,
}

/// The common context of every page: the site and the UI strings.
pub fn common_context(data: &SiteData<'_>) -> Value {
    let config = &data.repository.config;
    let language = config.site.language;
    let strings = i18n::strings(language);
    let urls = data.urls;
    let mut nav = vec![
        LinkView { label: strings["home"].to_string(), url: urls.link("") },
        LinkView { label: strings["kinds"].to_string(), url: urls.link("jenis/") },
        LinkView { label: strings["archive"].to_string(), url: urls.link("arsip/") },
        LinkView { label: strings["sops"].to_string(), url: urls.link("sop/") },
    ];
    if !data.drafts {
        nav.push(LinkView { label: strings["recaps"].to_string(), url: urls.link("rekap/") });
    }
    if data.search {
        nav.push(LinkView { label: strings["search"].to_string(), url: urls.link("cari/") });
    }
    let initials: String = config
        .site
        .office
        .split_whitespace()
        .filter(|word| word.chars().next().is_some_and(char::is_uppercase))
        .filter_map(|word| word.chars().next())
        .take(3)
        .collect();
    json!({
        "site": {
            "title": config.site.title,
            "office": config.site.office,
            "initials": initials,
            "lang": i18n::code(language),
            "locale": if language == crate::config::Language::English { "en_US" } else { "id_ID" },
            "home": urls.link(""),
            "feed": urls.link("atom.xml"),
            "signers": urls.link("allowed_signers"),
            "css": urls.link("assets/style.css"),
            "nav": nav,
        },
        "t": strings,
    })
}

/// The page-level values every template reads.
#[derive(Serialize)]
pub(super) struct PageMeta {
    title: String,
    description: String,
    canonical: String,
    noindex: bool,
    image: Option<String>,
    og_type: &'static str,
    is_home: bool,
    is_draft: bool,
    section: Option<String>,
}

pub(super) fn page(data: &SiteData<'_>, path: &str, title: &str, description: &str, section: &str) -> PageMeta {
    PageMeta {
        title: title.to_string(),
        description: description.to_string(),
        canonical: data.urls.absolute(path),
        noindex: data.drafts,
        image: None,
        og_type: "website",
        is_home: path.is_empty(),
        is_draft: false,
        section: (!section.is_empty() || path.is_empty()).then(|| data.urls.link(section)),
    }
}

/// Every page job of the site.
pub fn jobs(data: &SiteData<'_>) -> Vec<Job> {
    let config = &data.repository.config;
    let language = config.site.language;
    let strings = i18n::strings(language);
    let mut jobs = Vec::new();
    let all: Vec<usize> = (0..data.posts.len()).collect();

    // Home.
    let description = format!("{} {}. {}", strings["about"], config.site.office, strings["home_intro"]);
    let home = ListPage {
        path: "",
        title: &config.site.title,
        heading: strings["latest"],
        intro: Some(&description),
        section: "",
    };
    paginate(data, &mut jobs, &home, &all);

    // Posts.
    for (index, site_post) in data.posts.iter().enumerate() {
        jobs.push(Job::Render {
            path: format!("{}index.html", view::post_path(&site_post.checked.post.id)),
            template: "post.html",
            context: PageContext::Post(index),
        });
    }

    // Lists by kind, tag, platform and month, each with an index of its terms.
    let mut kinds: BTreeMap<&str, (String, Vec<usize>)> = BTreeMap::new();
    let mut tags: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    let mut platforms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    let mut months: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (index, site_post) in data.posts.iter().enumerate() {
        let kind = site_post.checked.post.kind;
        kinds
            .entry(kind.as_str())
            .or_insert_with(|| (view::kind_label(kind, language).to_string(), Vec::new()))
            .1
            .push(index);
        for tag in &site_post.checked.post.tags {
            tags.entry(view::slug(tag)).or_insert_with(|| (tag.clone(), Vec::new())).1.push(index);
        }
        for copy in &site_post.copies {
            let account = config.targets.get(&copy.target).map(|target| target.account.as_str()).unwrap_or_default();
            let label = format!("{} ({account})", copy.platform.display_name());
            platforms.entry(copy.target.clone()).or_insert_with(|| (label, Vec::new())).1.push(index);
        }
        let local = site_post.date.with_timezone(&config.site.timezone);
        use chrono::Datelike;
        let key = format!("{:04}/{:02}", local.year(), local.month());
        let label = format!("{} {}", i18n::month_name(language, local.month()), local.year());
        months.entry(key).or_insert_with(|| (label, Vec::new())).1.push(index);
    }
    let mut months: Vec<(String, (String, Vec<usize>))> = months.into_iter().collect();
    months.reverse();
    for (section, heading, terms) in [
        ("jenis", strings["kinds"], kinds.into_iter().map(|(key, value)| (key.to_string(), value)).collect::<Vec<_>>()),
        ("tag", strings["tags"], tags.into_iter().collect()),
        ("platform", strings["platforms"], platforms.into_iter().collect()),
        ("arsip", strings["months"], months),
    ] {
        let section_path = format!("{section}/");
        let links: Vec<Value> = terms
            .iter()
            .map(|(key, (label, posts))| json!({ "label": label, "url": data.urls.link(&format!("{section}/{key}/")), "count": posts.len() }))
            .collect();
        jobs.push(Job::Render {
            path: format!("{section}/index.html"),
            template: "terms.html",
            context: PageContext::Ready(
                json!({ "page": page(data, &section_path, heading, heading, &section_path), "heading": heading, "terms": links }),
            ),
        });
        for (key, (label, posts)) in &terms {
            let path = format!("{section}/{key}/");
            let title = format!("{heading}: {label}");
            let list = ListPage { path: &path, title: &title, heading: &title, intro: None, section: &section_path };
            paginate(data, &mut jobs, &list, posts);
        }
    }

    // SOP workflows.
    let workflow_links: Vec<Value> = config
        .workflows
        .values()
        .map(|workflow| {
            let count = data.posts.iter().filter(|post| post.checked.post.workflow == workflow.id).count();
            json!({ "label": workflow.title, "url": data.urls.link(&format!("sop/{}/", workflow.id)), "count": count })
        })
        .collect();
    jobs.push(Job::Render {
        path: "sop/index.html".to_string(),
        template: "terms.html",
        context: PageContext::Ready(
            json!({ "page": page(data, "sop/", strings["sops"], strings["sops"], "sop/"), "heading": strings["sops"], "terms": workflow_links }),
        ),
    });
    for workflow in config.workflows.values() {
        let path = format!("sop/{}/", workflow.id);
        let posts: Vec<usize> = (0..data.posts.len())
            .filter(|index| data.posts[*index].checked.post.workflow == workflow.id)
            .take(PAGE_SIZE)
            .collect();
        jobs.push(Job::Render {
            path: format!("{path}index.html"),
            template: "sop.html",
            context: PageContext::Cards {
                base: json!({
                    "page": page(data, &path, &workflow.title, &workflow.title, "sop/"),
                    "workflow": view::workflow_view(workflow, config, data.urls),
                }),
                posts,
            },
        });
    }

    if data.search {
        jobs.push(Job::Render {
            path: "cari/index.html".to_string(),
            template: "search.html",
            context: PageContext::Ready(json!({
                "page": page(data, "cari/", strings["search"], strings["search"], "cari/"),
                "search": { "css": data.urls.link("pagefind/pagefind-ui.css"), "js": data.urls.link("pagefind/pagefind-ui.js") },
            })),
        });
    }
    let mut not_found = page(data, "404.html", strings["not_found"], strings["not_found_text"], "");
    not_found.noindex = true;
    jobs.push(Job::Render {
        path: "404.html".to_string(),
        template: "404.html",
        context: PageContext::Ready(json!({ "page": not_found })),
    });
    jobs
}

/// A paginated list.
struct ListPage<'a> {
    /// Site path of page 1.
    path: &'a str,
    /// The page title.
    title: &'a str,
    /// The heading shown.
    heading: &'a str,
    /// A sentence under the heading.
    intro: Option<&'a str>,
    /// The navigation section.
    section: &'a str,
}

/// Pages of a list: its path (page 1), then `halaman/N/` under it.
fn paginate(data: &SiteData<'_>, jobs: &mut Vec<Job>, list: &ListPage<'_>, posts: &[usize]) {
    let pages = posts.len().div_ceil(PAGE_SIZE).max(1);
    let page_path =
        |number: usize| if number <= 1 { list.path.to_string() } else { format!("{}halaman/{number}/", list.path) };
    for number in 1..=pages {
        let current = page_path(number);
        let mut meta = page(data, &current, list.title, list.intro.unwrap_or(list.title), list.section);
        if number > 1 {
            meta.title =
                format!("{} — {} {number}", list.title, i18n::strings(data.repository.config.site.language)["page"]);
        }
        let pagination = json!({
            "current": number,
            "total": pages,
            "newer": (number > 1).then(|| data.urls.link(&page_path(number - 1))),
            "older": (number < pages).then(|| data.urls.link(&page_path(number + 1))),
        });
        jobs.push(Job::Render {
            path: format!("{current}index.html"),
            template: "list.html",
            context: PageContext::Cards {
                base: json!({
                    "page": meta,
                    "heading": list.heading,
                    "intro": if number == 1 { list.intro } else { None },
                    "pagination": pagination,
                }),
                posts: posts.iter().skip((number - 1) * PAGE_SIZE).take(PAGE_SIZE).copied().collect(),
            },
        });
    }
}
