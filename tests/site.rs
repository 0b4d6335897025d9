//! The public archive: what is public and what never is, links, safety, incremental
//! rebuilds, languages, template overrides and offline verification.

mod common;

use std::path::{Path, PathBuf};

use common::{TestRepo, run_siaran_with_env};

fn office() -> TestRepo {
    TestRepo::copy_from(&common::project_root())
}

fn build(repo: &TestRepo, extra: &[&str]) -> common::Run {
    let mut args = vec!["build", "--no-search"];
    args.extend_from_slice(extra);
    let run = repo.siaran(&args);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    run
}

/// Every file under `dir`, as paths relative to it.
fn files(dir: &Path) -> Vec<String> {
    common::relative_paths(dir, |entry| entry.file_type().is_file())
}

fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir).into_iter().map(|file| (file.clone(), std::fs::read(dir.join(&file)).expect("read"))).collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}

#[test]
fn only_approved_published_posts_are_public() {
    let repo = office();
    let run = build(&repo, &[]);
    assert!(run.stdout.contains("11 unggahan publik"), "{}", run.stdout);
    let public = repo.path().join("public");
    for pending in [
        "2026/11/infografis-layanan-ppid-2026",
        "2026/11/kpu-goes-to-campus-universitas-contoh-raya",
        "2026/11/kunjungan-siswa-smp-rumah-pintar-pemilu",
        "2026/11/pengumuman-magang-mahasiswa",
        "2026/11/sosialisasi-pemilih-disabilitas",
    ] {
        assert!(!public.join(pending).exists(), "{pending} is not approved and must not be public");
    }
    // Not one sentence of a draft anywhere in the site.
    let draft_phrase = "juru bahasa isyarat";
    for (file, bytes) in read_all(&public) {
        assert!(!contains(&bytes, draft_phrase), "draft text in {file}");
        assert!(!contains(&bytes, "DRAF"), "a draft banner in {file}");
    }
    let home = std::fs::read_to_string(public.join("index.html")).expect("home");
    assert!(home.contains("KPU Kabupaten Contoh Gelar Upacara Peringatan Hari Pahlawan 2026"));
    let post = std::fs::read_to_string(public.join("2026/11/upacara-hari-pahlawan-2026/index.html")).expect("post");
    assert!(post.contains("10 November 2026, 16.00 WIB"), "the date in Indonesian, in WIB");
    assert!(post.contains("https://x.com/kpukabcontoh/status/"), "links to the copies from the ledger");
    assert!(post.contains("Hendra Saputra") && post.contains("Wakil Pimpinan Redaksi"), "the approval trail");
    assert!(post.contains("<meta property=\"og:image\""), "a link preview image");
}

#[test]
fn a_future_or_unpublished_post_stays_out_until_its_time() {
    let repo = office();
    // The site-only announcement is due at 10:55 on 7 October 2026.
    let post = "2026/10/keputusan-rekapitulasi-dpb-triwulan-iii";
    let run = common::run_siaran_at(repo.path(), "2026-10-07T10:54:00+07:00", &["build", "--no-search"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(!repo.path().join("public").join(post).exists());
    let run = common::run_siaran_at(repo.path(), "2026-10-07T10:56:00+07:00", &["build", "--no-search"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(repo.path().join("public").join(post).join("index.html").is_file());
    // Without a ledger, posts meant for the platforms are not public yet.
    std::fs::remove_dir_all(repo.path().join("ledger")).expect("remove ledger");
    let run = build(&repo, &[]);
    assert!(run.stdout.contains(": 1 unggahan publik"), "{}", run.stdout);
}

#[test]
fn every_internal_link_resolves() {
    let repo = office();
    build(&repo, &[]);
    let public = repo.path().join("public");
    let mut checked = 0;
    for file in files(&public).iter().filter(|file| file.ends_with(".html")) {
        let html = scraper::Html::parse_document(&std::fs::read_to_string(public.join(file)).expect("read"));
        let selector = scraper::Selector::parse("a[href], link[href], img[src], img[srcset], video[src], script[src]")
            .expect("selector");
        for element in html.select(&selector) {
            let value = element.value();
            let mut targets: Vec<String> =
                ["href", "src"].iter().filter_map(|name| value.attr(name)).map(str::to_string).collect();
            if let Some(srcset) = value.attr("srcset") {
                targets.extend(srcset.split(',').filter_map(|part| part.split_whitespace().next()).map(str::to_string));
            }
            for target in targets.into_iter().filter(|target| target.starts_with('/')) {
                let path = target.split(['#', '?']).next().unwrap_or_default().trim_start_matches('/');
                let resolved = if path.is_empty() || path.ends_with('/') {
                    public.join(path).join("index.html")
                } else {
                    public.join(path)
                };
                assert!(resolved.is_file(), "{file} links to {target}, which is not in the site");
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
    // The sitemap lists only pages that exist.
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).expect("sitemap");
    for location in sitemap.split("<loc>").skip(1).map(|rest| rest.split("</loc>").next().unwrap_or_default()) {
        let path = location.trim_start_matches("https://arsip.kpu-contoh.example/");
        assert!(public.join(path).join("index.html").is_file(), "sitemap lists {location}");
    }
}

/// A complete, signed, site-only post with hostile text in every field readers see.
fn hostile_post(repo: &TestRepo) -> &'static str {
    let file = "content/2026/11/uji-keamanan/index.md";
    repo.write(
        file,
        "---\ntitle: \"Uji <script>alert('judul')</script>\"\nkind: pengumuman\nworkflow: cepat\nplatforms: []\npublish_at: 2026-11-20T09:00:00+07:00\ncaption: \"Caption <img src=x onerror=alert('caption')>\"\nmedia:\n  - { file: foto.jpg, alt: \"\\\"><script>alert('alt')</script>\" }\nsignoffs:\n  - { step: draf, by: bayu, at: 2026-11-20T08:00:00+07:00, decision: approve }\n  - { step: periksa, by: hendra, at: 2026-11-20T08:20:00+07:00, decision: approve }\n  - { step: setujui, by: agus, at: 2026-11-20T08:40:00+07:00, decision: approve }\n---\nNarasi <script>alert('narasi')</script> <img src=x onerror=\"alert('onerror')\"> [tautan](javascript:alert('js')) <iframe src=\"https://jahat.example\"></iframe> <a href=\"/\" onclick=\"alert('klik')\">ok</a>\n",
    );
    std::fs::copy(
        repo.path().join("content/2026/11/upacara-hari-pahlawan-2026/foto-1.jpg"),
        repo.path().join("content/2026/11/uji-keamanan/foto.jpg"),
    )
    .expect("photo");
    repo.sign(file);
    "2026/11/uji-keamanan"
}

#[test]
fn script_and_event_handler_html_is_neutralised_everywhere() {
    let repo = office();
    let post = hostile_post(&repo);
    assert_eq!(repo.siaran(&["check", "--gate", &format!("content/{post}")]).exit_code, 0);
    build(&repo, &[]);
    let public = repo.path().join("public");
    assert!(public.join(post).join("index.html").is_file(), "the hostile post is public");
    for (file, bytes) in
        read_all(&public).into_iter().filter(|(file, _)| file.ends_with(".html") || file.ends_with(".xml"))
    {
        for payload in ["<script>alert", "onerror=", "onclick=", "javascript:alert", "<iframe"] {
            assert!(!contains(&bytes, payload), "{payload} in {file}");
        }
    }
    let page = std::fs::read_to_string(public.join(post).join("index.html")).expect("page");
    assert!(page.contains("Uji &lt;script&gt;alert("), "the title is shown as text");
}

#[test]
fn attachments_and_secrets_never_reach_the_site() {
    let repo = TestRepo::copy_of("valid/pinrang-jdih-2022");
    let post = "2026/11/infografis-peraturan-kpu-tentang-pemutakhiran-data-pemilih";
    let platforms = repo.read(&format!("content/{post}/index.md"));
    assert!(platforms.contains("attachments:"), "the fixture has internal attachments");
    repo.write(
        "ledger/2026-11.jsonl",
        format!("{{\"at\":\"2026-11-21T09:00:05+07:00\",\"post\":\"{post}\",\"target\":\"instagram\",\"event\":\"published\",\"remote_id\":\"1\",\"url\":\"https://www.instagram.com/p/Contoh1234/\"}}\n"),
    );
    let secret = "rahasia-token-9f8e7d6c5b4a";
    let env = [("SIARAN_INSTAGRAM_TOKEN", secret), ("SIARAN_FACEBOOK_TOKEN", secret), ("SIARAN_X_TOKEN", secret)];
    let run = run_siaran_with_env(repo.path(), common::CLOCK, &["build"], &env);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 unggahan publik"), "{}", run.stdout);
    let public = repo.path().join("public");
    let all = files(&public);
    assert!(!all.iter().any(|file| file.ends_with(".pdf")), "an attachment was copied: {all:?}");
    for (file, bytes) in read_all(&public) {
        assert!(!contains(&bytes, secret), "a secret in {file}");
        assert!(!contains(&bytes, "%PDF"), "attachment bytes in {file}");
    }
    let approval = std::fs::read_to_string(public.join(post).join("persetujuan.json")).expect("approval data");
    assert!(approval.contains("attachment "), "attachments appear in the manifest as hashes only");
}

#[test]
fn drafts_are_previewed_apart_and_marked() {
    let repo = office();
    let run = repo.siaran(&["build", "--no-search", "--drafts", "--out", "public"]);
    assert_eq!(run.exit_code, 2, "a preview never goes to public/: {}", run.stderr);
    assert!(!repo.path().join("public").exists());
    let run = repo.siaran(&["build", "--no-search", "--drafts"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("11 unggahan publik, 6 draf"), "{}", run.stdout);
    let preview = repo.path().join(".siaran/pratinjau");
    let page = std::fs::read_to_string(preview.join("2026/11/sosialisasi-pemilih-disabilitas/index.html"))
        .expect("draft page");
    assert!(page.contains("DRAF — belum terbit"));
    assert!(page.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
    assert_eq!(std::fs::read_to_string(preview.join("robots.txt")).expect("robots"), "User-agent: *\nDisallow: /\n");
}

#[test]
fn rebuilding_touches_only_what_changed_and_removes_what_is_gone() {
    let repo = office();
    build(&repo, &[]);
    let public = repo.path().join("public");
    let before: Vec<(String, std::time::SystemTime)> = files(&public)
        .into_iter()
        .map(|file| {
            let modified = std::fs::metadata(public.join(&file)).and_then(|m| m.modified()).expect("mtime");
            (file, modified)
        })
        .collect();
    let run = build(&repo, &[]);
    assert!(run.stdout.contains("(0 dibuat ulang, 0 ditulis, 0 dihapus)"), "nothing changed: {}", run.stdout);
    for (file, modified) in &before {
        let now = std::fs::metadata(public.join(file)).and_then(|m| m.modified()).expect("mtime");
        assert_eq!(&now, modified, "{file} was rewritten");
    }
    // Edit one post (and sign it again): its page changes, and the lists that show it.
    let file = "content/2026/11/upacara-hari-pahlawan-2026/index.md";
    repo.replace(file, "berlangsung khidmat", "berlangsung dengan khidmat");
    repo.sign(file);
    let run = build(&repo, &[]);
    let produced: usize = run
        .stdout
        .split(" dibuat ulang")
        .next()
        .and_then(|s| s.rsplit('(').next())
        .and_then(|n| n.parse().ok())
        .expect("count");
    assert!(
        produced > 0 && produced * 10 < before.len(),
        "{produced} of {} files made again: {}",
        before.len(),
        run.stdout
    );
    let page = std::fs::read_to_string(public.join("2026/11/upacara-hari-pahlawan-2026/index.html")).expect("page");
    assert!(page.contains("berlangsung dengan khidmat"));
    // Delete a post: everything it had in the site goes, and so do files and folders the
    // site never had; folders that still hold pages stay.
    std::fs::remove_dir_all(repo.path().join("content/2026/11/upacara-hari-pahlawan-2026")).expect("remove");
    std::fs::create_dir_all(public.join("lama/kosong")).expect("stray folders");
    std::fs::write(public.join("lama/sisa.html"), "sisa").expect("stray file");
    let run = build(&repo, &[]);
    assert!(!public.join("2026/11/upacara-hari-pahlawan-2026").exists(), "{}", run.stdout);
    assert!(!public.join("lama").exists(), "stray files and folders are removed");
    assert!(public.join("2026/11").is_dir(), "the month's other posts keep their folder");
    assert!(!run.stdout.contains(" 0 dihapus"), "{}", run.stdout);
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).expect("sitemap");
    assert!(!sitemap.contains("upacara-hari-pahlawan-2026"));
}

#[test]
fn a_rebuild_follows_the_configuration_into_unchanged_posts() {
    // A post page is skipped when what it is made from is unchanged; a person's name lives
    // in siaran.yaml, not in the post, and must still reach every trail that shows it.
    let repo = office();
    build(&repo, &[]);
    let page = "public/2026/11/upacara-hari-pahlawan-2026/index.html";
    assert!(repo.read(page).contains("Rina Marlina"), "the fixture's trail names her");
    repo.replace("siaran.yaml", "name: \"Rina Marlina\"", "name: \"Rina Marlina Sari\"");
    let run = build(&repo, &[]);
    assert!(repo.read(page).contains("Rina Marlina Sari"), "{}", run.stdout);
    let approval = repo.read("public/2026/11/upacara-hari-pahlawan-2026/persetujuan.json");
    assert!(approval.contains("Rina Marlina Sari"), "the approval record names signers too");
}

#[test]
fn an_output_folder_with_other_files_is_refused() {
    let repo = office();
    repo.write("keluaran/catatan-pribadi.txt", "jangan dihapus");
    let run = repo.siaran(&["build", "--no-search", "--out", &repo.path().join("keluaran").display().to_string()]);
    assert_eq!(run.exit_code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("not empty and was not made by siaran"), "{}", run.stderr);
    assert_eq!(repo.read("keluaran/catatan-pribadi.txt"), "jangan dihapus");
}

#[test]
fn english_interface_and_month_names() {
    let repo = office();
    repo.replace("siaran.yaml", "language: id", "language: en");
    build(&repo, &[]);
    let public = repo.path().join("public");
    let post = std::fs::read_to_string(public.join("2026/11/upacara-hari-pahlawan-2026/index.html")).expect("post");
    assert!(
        post.contains("<html lang=\"en\">")
            && post.contains("Approval trail")
            && post.contains("10 November 2026, 16:00 WIB")
    );
    let months = std::fs::read_to_string(public.join("arsip/index.html")).expect("months");
    assert!(months.contains("October 2026") && !months.contains("Oktober"), "{months}");
}

#[test]
fn a_repository_template_overrides_the_default_and_a_broken_one_is_reported() {
    let repo = office();
    repo.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Tidak ada di sini</h1>{% endblock main %}",
    );
    build(&repo, &[]);
    assert!(repo.read("public/404.html").contains("<h1>Tidak ada di sini</h1>"));
    repo.write("templates/404.html", "{% extends \"base.html\" %}{% block main %}{{ </h1>{% endblock main %}");
    let run = repo.siaran(&["build", "--no-search"]);
    assert_eq!(run.exit_code, 1);
    assert!(run.stderr.contains("404.html"), "{}", run.stderr);
}

fn built_office() -> (TestRepo, PathBuf) {
    let repo = office();
    build(&repo, &[]);
    let public = repo.path().join("public");
    (repo, public)
}

#[test]
fn a_built_site_verifies_offline_and_tampering_is_caught() {
    let (repo, public) = built_office();
    let site = public.display().to_string();
    let run = repo.siaran(&["verify", "--site", &site]);
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("11 unggahan diperiksa, 0 bermasalah."), "{}", run.stdout);
    assert!(
        run.stdout.contains("✓ 2026/10/rakor-pdpb-bawaslu-partai-politik: 6 tanda tangan terverifikasi"),
        "{}",
        run.stdout
    );

    // A swapped photo on the site.
    let photo = public.join("2026/11/upacara-hari-pahlawan-2026/foto-2.jpg");
    std::fs::copy(public.join("2026/11/upacara-hari-pahlawan-2026/foto-3.jpg"), &photo).expect("swap");
    let run = repo.siaran(&["verify", "--site", &site, "2026/11/upacara-hari-pahlawan-2026"]);
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("media file foto-2.jpg does not match the signed manifest"), "{}", run.stdout);

    // An edited narrative in the published data.
    let data = public.join("2026/11/kpu-menyapa-desa-mekarsari/persetujuan.json");
    let text = std::fs::read_to_string(&data).expect("data");
    std::fs::write(&data, text.replacen("KPU Kabupaten Contoh", "KPU Kabupaten Lain", 1)).expect("edit");
    let run = repo.siaran(&["verify", "--site", &site, "2026/11/kpu-menyapa-desa-mekarsari"]);
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("does not match the signed manifest"), "{}", run.stdout);

    // A key missing from allowed_signers.
    let signers = public.join("allowed_signers");
    let text = std::fs::read_to_string(&signers).expect("signers");
    std::fs::write(&signers, text.lines().filter(|line| !line.starts_with("agus ")).collect::<Vec<_>>().join("\n"))
        .expect("edit");
    let run = repo.siaran(&["verify", "--site", &site, "2026/10/pengumuman-jam-layanan-ppid"]);
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("does not verify with agus's keys"), "{}", run.stdout);
}

#[test]
fn ssh_keygen_accepts_the_published_allowed_signers() {
    if !common::has_tool("ssh-keygen") {
        return;
    }
    let (_repo, public) = built_office();
    let signers = std::fs::read_to_string(public.join("allowed_signers")).expect("signers");
    assert!(signers.lines().any(|line| line.starts_with("hendra namespaces=\"siaran\" ssh-ed25519 ")), "{signers}");
    let output = std::process::Command::new("ssh-keygen")
        .args(["-Y", "find-principals", "-f"])
        .arg(public.join("allowed_signers"))
        .args(["-n", "siaran", "-s"])
        .arg({
            let data: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(public.join("2026/11/upacara-hari-pahlawan-2026/persetujuan.json"))
                    .expect("data"),
            )
            .expect("json");
            let path = public.join("tanda.sig");
            std::fs::write(&path, data["signoffs"][2]["signature"].as_str().expect("signature")).expect("write");
            path
        })
        .output()
        .expect("ssh-keygen");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "hendra");
}

#[test]
fn rendered_pages_are_reviewed() {
    let (_repo, public) = built_office();
    for (name, path) in [
        ("site_home", "index.html"),
        ("site_post", "2026/10/rakor-pdpb-bawaslu-partai-politik/index.html"),
        ("site_list_kind", "jenis/berita/index.html"),
        ("site_sop", "sop/cepat/index.html"),
    ] {
        let html = std::fs::read_to_string(public.join(path)).expect("page");
        insta::assert_snapshot!(name, html);
    }
    let feed = std::fs::read_to_string(public.join("atom.xml")).expect("feed");
    assert!(feed.starts_with("<?xml") && feed.matches("<entry>").count() == 11);
}

#[test]
fn a_repository_from_init_builds_with_the_built_in_templates() {
    let repo = TestRepo::empty();
    let run = repo.siaran(&["init", ".", "--preset", "pinrang-jdih-2022"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let run = repo.siaran(&["build"]);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(": 0 unggahan publik"), "{}", run.stdout);
    let home = repo.read("public/index.html");
    assert!(home.contains("Belum ada unggahan."), "{home}");
    assert!(repo.path().join("public/sop/utama/index.html").is_file());
}
