//! Generates a benchmark corpus: a complete office repository of N posts, the same from the
//! same seed on every machine. Posts have Indonesian text of realistic lengths, kinds and
//! tags, one to six small photos (hard links to a small pool, so the corpus stays small on
//! disk), and a chain of five sign-offs signed with the corpus's own keys; about one post in twelve
//! stops mid-chain. Published posts have their copies in the ledger. With `--hugo DIR` the
//! same posts are also written as a Hugo site, for timing both on one corpus.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --posts 10000 --out /tmp/korpus --seed 1 [--hugo /tmp/korpus-hugo]
//! ```
//!
//! The private keys are in `OUT/.kunci-korpus/`, so an edited post can be signed again:
//! `cargo run --release --example sign_fixture -- --root OUT --keys OUT/.kunci-korpus FILE`.

mod hugo;
mod office;
mod text;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use rayon::prelude::*;

use text::Rng;

/// One generated post, before it is written.
pub struct PostSpec {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    pub tags: Vec<&'static str>,
    pub caption: String,
    pub body: String,
    /// Pool photo numbers, in order.
    pub photos: Vec<usize>,
    /// Sign-offs: step index, person, time.
    pub signoffs: Vec<(usize, &'static str, DateTime<FixedOffset>)>,
    /// Targets it went to, when its chain is complete.
    pub published: Vec<&'static str>,
    pub published_at: DateTime<FixedOffset>,
}

const KINDS: &[&str] = &["berita", "berita", "berita", "informasi-kegiatan", "infografis", "pengumuman", "publikasi"];

/// Posts are generated and written this many at a time, to bound memory at 100k posts.
const BATCH: usize = 5_000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("gen_corpus: {error}");
            ExitCode::FAILURE
        }
    }
}

struct Options {
    posts: usize,
    out: PathBuf,
    seed: u64,
    hugo: Option<PathBuf>,
}

fn options() -> Result<Options, String> {
    let mut options = Options { posts: 1_000, out: PathBuf::from("korpus"), seed: 1, hugo: None };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--posts" => options.posts = value.parse().map_err(|_| format!("--posts {value}: not a number"))?,
            "--out" => options.out = PathBuf::from(value),
            "--seed" => options.seed = value.parse().map_err(|_| format!("--seed {value}: not a number"))?,
            "--hugo" => options.hugo = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown option {arg}; use --posts N --out DIR --seed S [--hugo DIR]")),
        }
    }
    Ok(options)
}

fn ensure_empty(dir: &Path) -> Result<(), String> {
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| e.to_string())?.next().is_some() {
        return Err(format!("{} is not empty; choose a new folder", dir.display()));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn run() -> Result<(), String> {
    let options = options()?;
    ensure_empty(&options.out)?;
    if let Some(hugo) = &options.hugo {
        ensure_empty(hugo)?;
        hugo::write_skeleton(hugo)?;
    }
    let root = &options.out;
    let keys = office::write_office(root, options.seed)?;
    let pool = office::write_photo_pool(root)?;
    let mut diagnostics = siaran::source::Diagnostics::default();
    let config = siaran::config::load(root, &mut diagnostics).ok_or("the generated siaran.yaml does not load")?;
    let mut rng = Rng::new(options.seed);
    let mut ledger = office::LedgerLines::default();
    let mut used = std::collections::HashSet::new();
    let mut done = 0;
    while done < options.posts {
        let count = BATCH.min(options.posts - done);
        let specs: Vec<PostSpec> =
            (done..done + count).map(|index| spec(&mut rng, index, options.posts, &mut used)).collect();
        specs.par_iter().try_for_each(|spec| office::write_post(root, spec, &pool, &config, &keys))?;
        if let Some(hugo) = &options.hugo {
            specs.par_iter().try_for_each(|spec| hugo::write_post(hugo, spec, &pool))?;
        }
        for spec in &specs {
            ledger.record(spec);
        }
        done += count;
        eprintln!("gen_corpus: {done}/{} posts", options.posts);
    }
    ledger.write(root)?;
    println!("{} posts in {}", options.posts, root.display());
    Ok(())
}

/// The office's time zone (WIB).
pub fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| unreachable!())
}

/// Post `index` of `total`: dates spread evenly from 2019 to October 2026.
fn spec(rng: &mut Rng, index: usize, total: usize, used: &mut std::collections::HashSet<String>) -> PostSpec {
    let start = wib().with_ymd_and_hms(2019, 1, 2, 8, 0, 0).single().unwrap_or_else(|| unreachable!());
    let span = Duration::days(365 * 7 + 290);
    let offset = span.num_minutes() * index as i64 / total.max(1) as i64;
    let drafted = start + Duration::minutes(offset) + Duration::minutes(rng.range(0, 240) as i64);
    let year = drafted.format("%Y").to_string();
    let title = text::title(rng, year.parse().unwrap_or(2026));
    let mut slug: String = text::slug(&title).chars().take(60).collect();
    slug = slug.trim_end_matches('-').to_string();
    let mut id = format!("{}/{slug}", drafted.format("%Y/%m"));
    let mut suffix = 2;
    while !used.insert(id.clone()) {
        id = format!("{}/{slug}-{suffix}", drafted.format("%Y/%m"));
        suffix += 1;
    }
    let kind = *rng.pick(KINDS);
    let mut tags: Vec<&'static str> = (0..rng.range(1, 4)).map(|_| *rng.pick(text::TAGS)).collect();
    tags.sort_unstable();
    tags.dedup();
    let caption = text::caption(rng, &tags);
    let body = text::body(rng);
    let photos = (0..rng.range(1, 6)).map(|_| rng.range(0, office::POOL_SIZE as u64 - 1) as usize).collect();
    let steps = if rng.chance(8) { rng.range(1, 4) as usize } else { office::STEPS.len() };
    let mut at = drafted;
    let signoffs = (0..steps)
        .map(|step| {
            if step > 0 {
                at += Duration::minutes(rng.range(20, 600) as i64);
            }
            let holders = office::STEPS[step].1;
            (step, *rng.pick(holders), at)
        })
        .collect();
    let published = if steps == office::STEPS.len() {
        let mut targets = vec!["instagram", "facebook"];
        if rng.chance(40) && caption.chars().count() <= 1_000 {
            targets.push("telegram");
        }
        targets
    } else {
        Vec::new()
    };
    PostSpec {
        id,
        title,
        kind,
        tags,
        caption,
        body,
        photos,
        signoffs,
        published,
        published_at: at + Duration::minutes(3),
    }
}
