//! In-process phases, timed by criterion on the example office in the project root:
//!
//! - **load**: `check::load` of the whole repository (config, every post parsed, hashed,
//!   its limits and chain checked, every signature verified);
//! - **one post**: `check::check_text` of one signed post from its text;
//! - **signatures**: 128 posts' sign-offs verified as one batch per post, and as one batch
//!   for all 128 (what `check` does): the gain of batching across posts;
//! - **markdown**: one post body rendered to HTML and sanitised.
//!
//! ```text
//! cargo bench --bench phases
//! ```

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use criterion::{Criterion, criterion_group, criterion_main};
use siaran::chain::signature::SignatureBatch;
use siaran::chain::{self, Verification};
use siaran::check::{self, Repository};
use siaran::content::PostFile;

const POSTS_PER_BATCH: usize = 128;

/// The tests' fixed "now".
fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(common::CLOCK).unwrap_or_default()
}

fn example_office() -> Repository {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match check::load(root, now()).repository {
        Some(repository) => repository,
        None => panic!("the example office must load"),
    }
}

fn phases(criterion: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repository = example_office();
    let complete: Vec<&check::CheckedPost> =
        repository.posts.iter().filter(|checked| checked.chain.is_complete && checked.is_valid).collect();
    assert!(!complete.is_empty(), "the example office has approved posts");
    let sample = &complete[0].post;

    criterion.bench_function("load: the example office", |bench| bench.iter(|| check::load(root, now())));

    let file = PostFile {
        id: sample.id.clone(),
        relative: sample.file.clone(),
        bundle: root.join(&sample.bundle),
        path: root.join(&sample.file),
    };
    let text = std::fs::read_to_string(&file.path).unwrap_or_default();
    criterion.bench_function("one post: parse, hash, limits, chain", |bench| {
        bench.iter(|| check::check_text(&file, &text, &repository.config, now()))
    });

    let batches: Vec<SignatureBatch> = complete
        .iter()
        .cycle()
        .take(POSTS_PER_BATCH)
        .filter_map(|checked| chain::evaluate_with(&checked.post, &repository.config, now(), Verification::Deferred).2)
        .collect();
    assert_eq!(batches.len(), POSTS_PER_BATCH, "every approved post's sign-offs form a batch");
    let mut group = criterion.benchmark_group("signatures of 128 posts");
    group.bench_function("one batch per post", |bench| {
        bench.iter(|| batches.iter().all(|batch| SignatureBatch::verify_together(&[batch])))
    });
    let all: Vec<&SignatureBatch> = batches.iter().collect();
    group.bench_function("one batch for all", |bench| bench.iter(|| SignatureBatch::verify_together(&all)));
    group.finish();

    let body = siaran::content::front_matter::split(&text).map(|split| split.body.to_string()).unwrap_or_default();
    criterion.bench_function("markdown: render and sanitise one body", |bench| {
        bench.iter(|| siaran::site::markdown::sanitize(&siaran::site::markdown::render(&body)))
    });
}

criterion_group!(benches, phases);
criterion_main!(benches);
