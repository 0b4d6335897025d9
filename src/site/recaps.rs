//! The archive's recap pages: `/rekap/` lists the months, `/rekap/YYYY/MM/` shows the
//! month's recap as the HTML report draws it, for the public. Only posts public on the
//! archive appear; failures and their platform messages stay internal (they are in the
//! office's own `siaran report`); rejections and their written responses appear, as they
//! already do in each post's approval trail.

use chrono::Datelike;
use rayon::prelude::*;
use serde_json::{Value, json};

use super::i18n;
use super::pages::{Job, PageContext, SiteData, page};
use crate::ledger::Ledger;
use crate::report::{self, Audience, Period, Recap};

/// The recap pages: one per month holding a public post, and their index.
pub fn jobs(data: &SiteData<'_>, ledger: &Ledger) -> Vec<Job> {
    let config = &data.repository.config;
    let language = config.site.language;
    let strings = i18n::strings(language);
    let zone = config.site.timezone;
    // The public posts of each month, so that each month's recap looks only at its own.
    let mut by_month: std::collections::BTreeMap<(i32, u32), Vec<&crate::check::CheckedPost>> =
        std::collections::BTreeMap::new();
    for post in data.posts.iter().filter(|post| !post.is_draft) {
        let local = post.date.with_timezone(&zone);
        by_month.entry((local.year(), local.month())).or_default().push(post.checked);
    }
    let months: Vec<((i32, u32), Vec<&crate::check::CheckedPost>)> = by_month.into_iter().rev().collect();
    // Months are independent: made side by side, kept newest first.
    let made: Vec<(Job, Value)> = months
        .par_iter()
        .filter_map(|((year, month), posts)| {
            let (year, month) = (*year, *month);
            let period = Period::Month { year, month };
            let recap = Recap::build_from(data.repository, ledger, period, Audience::Public, posts.iter().copied());
            let tables = report::tables::tables(&recap);
            let content = report::html::fragment(&recap, &tables).ok()?;
            let path = format!("rekap/{year:04}/{month:02}/");
            let label = format!("{} {year}", i18n::month_name(language, month));
            let title = format!("{}: {label}", strings["recaps"]);
            let link = json!({ "label": label, "url": data.urls.link(&path), "count": recap.posts.len() });
            let job = Job::Render {
                path: format!("{path}index.html"),
                template: "recap.html",
                context: PageContext::Ready(json!({
                    "page": page(data, &path, &title, &title, "rekap/"),
                    "heading": title,
                    "note": strings["recap_public_note"],
                    "content": content,
                })),
            };
            Some((job, link))
        })
        .collect();
    let (mut jobs, links): (Vec<Job>, Vec<Value>) = made.into_iter().unzip();
    jobs.push(Job::Render {
        path: "rekap/index.html".to_string(),
        template: "terms.html",
        context: PageContext::Ready(json!({
            "page": page(data, "rekap/", strings["recaps"], strings["recaps"], "rekap/"),
            "heading": strings["recaps"],
            "terms": links,
        })),
    });
    jobs
}
