//! `siaran report` and `siaran sop render` on a fixed office: the October recap of
//! `tests/fixtures/valid/rekap-oktober` (posts, a ledger with a rate-limit retry, an
//! unsettled post and a missed one, a rejection with its written response), read back in
//! every format.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::{TestRepo, run_siaran_at};

const CLOCK: &str = "2026-11-01T08:00:00+07:00";

fn office() -> TestRepo {
    TestRepo::copy_of("valid/rekap-oktober")
}

#[test]
fn the_october_recap_in_markdown_and_csv() {
    let office = office();
    let markdown = run_siaran_at(office.path(), CLOCK, &["report", "--month", "2026-10"]);
    assert_eq!(markdown.exit_code, 0, "{}", markdown.stderr);
    insta::assert_snapshot!("recap_october_md", markdown.stdout);
    let csv = run_siaran_at(office.path(), CLOCK, &["report", "--month", "2026-10", "--format", "csv"]);
    assert_eq!(csv.exit_code, 0, "{}", csv.stderr);
    assert!(csv.stdout.starts_with('\u{feff}'), "a byte-order mark for spreadsheet programs");
    insta::assert_snapshot!("recap_october_csv", csv.stdout);
}

#[test]
fn the_missed_and_the_unsettled_are_listed_with_their_reasons() {
    let office = office();
    let run = run_siaran_at(office.path(), CLOCK, &["report", "--month", "2026-10"]);
    let problems = run.stdout.split("## Gagal, terlewat dan belum pasti").nth(1).expect("the problems table");
    let problems = problems.split("\n## ").next().unwrap_or_default();
    assert!(problems.contains("| X kpukabcontoh | belum pasti | tidak ada jawaban dalam 30 detik |"), "{problems}");
    assert!(problems.contains("| Telegram kpukabcontoh\\_info | terlewat | lebih dari 6 jam terlambat"), "{problems}");
    assert_eq!(problems.matches("\n| 2026-").count(), 2, "only those two: {problems}");
}

#[test]
fn the_workbook_has_a_sheet_per_table_with_excel_dates_numbers_and_links() {
    let office = office();
    let path = office.path().join("rekap.xlsx");
    let out = path.to_string_lossy().into_owned();
    let run = run_siaran_at(office.path(), CLOCK, &["report", "--month", "2026-10", "--format", "xlsx", "--out", &out]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("ditulis ke"), "{}", run.stderr);
    let bytes = std::fs::read(&path).expect("the workbook");
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx calamine reads");
    assert_eq!(workbook.sheet_names(), ["Rekap", "Per akun", "Per jenis", "Masalah", "SLA", "Penolakan"]);

    let posts = workbook.worksheet_range("Rekap").expect("the Rekap sheet");
    assert_eq!(
        posts.get_size(),
        (6, 11),
        "a header and five posts; date, title, kind, workflow, six accounts, approvals"
    );
    assert_eq!(posts.get((0, 0)), Some(&Data::String("Tanggal".to_string())));
    match posts.get((1, 0)) {
        Some(Data::DateTime(date)) => {
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("Excel's epoch");
            let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 2).expect("a day");
            let expected = (day - epoch).num_days() as f64 + 13.0 / 24.0;
            let seconds_off = (date.as_f64() - expected) * 86_400.0;
            assert!((0.0..60.0).contains(&seconds_off), "13:00 in the office's zone: {}", date.as_f64());
        }
        other => panic!("the date is an Excel date, not {other:?}"),
    }
    assert_eq!(posts.get((1, 4)), Some(&Data::String("terbit".to_string())), "the link's text");
    assert_eq!(posts.get((3, 9)), Some(&Data::String("belum pasti".to_string())));

    let accounts = workbook.worksheet_range("Per akun").expect("the accounts sheet");
    assert_eq!(accounts.get((1, 0)), Some(&Data::String("Facebook".to_string())));
    assert_eq!(accounts.get((1, 2)), Some(&Data::Float(4.0)), "counts are numbers");

    let sla = workbook.worksheet_range("SLA").expect("the SLA sheet");
    assert_eq!(sla.get((0, 3)), Some(&Data::String("Batas waktu".to_string())));
    match sla.get((1, 3)) {
        Some(Data::DateTime(budget)) => assert!((budget.as_f64() - 2.0).abs() < 1e-9, "two days as an Excel duration"),
        other => panic!("a budget is an Excel duration, not {other:?}"),
    }
    match sla.get((1, 7)) {
        Some(Data::Float(share)) => assert!((share - 1.0).abs() < 1e-9),
        other => panic!("a share is a number, not {other:?}"),
    }
    let rejections = workbook.worksheet_range("Penolakan").expect("the rejections sheet");
    assert!(matches!(rejections.get((1, 4)), Some(Data::String(note)) if note.starts_with("Foto ketiga buram")));
}

#[test]
fn the_html_report_has_every_table_and_two_charts_that_parse() {
    let office = office();
    let run = run_siaran_at(office.path(), CLOCK, &["report", "--quarter", "2026Q4", "--format", "html"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let page = scraper::Html::parse_document(&run.stdout);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    let heading: String = page.select(&select("h1")).next().expect("a heading").text().collect();
    assert_eq!(heading, "Laporan Triwulan Media Sosial KPU Kabupaten Contoh: Triwulan IV 2026");
    assert_eq!(page.select(&select("table")).count(), 6);
    let links: Vec<_> = page.select(&select("td a")).filter_map(|a| a.value().attr("href")).collect();
    assert!(links.contains(&"https://x.com/kpukabcontoh/status/1863287218840373688"), "{links:?}");
    let charts: Vec<&str> = run.stdout.match_indices("<svg").map(|(start, _)| &run.stdout[start..]).collect();
    assert_eq!(charts.len(), 2, "posts per week and SLA against budget");
    for chart in charts {
        let end = chart.find("</svg>").expect("a closed svg") + "</svg>".len();
        roxmltree::Document::parse(&chart[..end]).expect("the chart is well-formed XML");
    }
    assert!(run.stdout.contains("@media print"), "styles for printing");
}

#[test]
fn an_empty_month_is_an_empty_report_with_a_clear_message() {
    let office = office();
    for format in ["md", "csv", "html"] {
        let run = run_siaran_at(office.path(), CLOCK, &["report", "--month", "2026-05", "--format", format]);
        assert_eq!(run.exit_code, 0, "{format}: {}", run.stderr);
        assert!(run.stderr.contains("Tidak ada konten pada Mei 2026: laporan kosong."), "{}", run.stderr);
    }
    let markdown = run_siaran_at(office.path(), CLOCK, &["report", "--month", "2026-05"]);
    assert!(markdown.stdout.contains("_Tidak ada konten pada periode ini._"), "{}", markdown.stdout);
    let out = office.path().join("kosong.xlsx");
    let run = run_siaran_at(
        office.path(),
        CLOCK,
        &["report", "--month", "2026-05", "--format", "xlsx", "--out", &out.to_string_lossy()],
    );
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(std::fs::read(&out).expect("written"))).expect("an xlsx");
    let posts = workbook.worksheet_range("Rekap").expect("the Rekap sheet");
    assert_eq!(posts.get((1, 0)), Some(&Data::String("Tidak ada konten pada periode ini.".to_string())));
}

#[test]
fn a_period_that_cannot_be_read_is_a_usage_error() {
    let office = office();
    let run = run_siaran_at(office.path(), CLOCK, &["report", "--month", "2026-13"]);
    assert_eq!(run.exit_code, 2);
    assert!(run.stderr.contains("`2026-13` is not a month written YYYY-MM, e.g. 2026-11"), "{}", run.stderr);
    let run = run_siaran_at(office.path(), CLOCK, &["report", "--quarter", "2026Q5"]);
    assert_eq!(run.exit_code, 2);
    assert!(run.stderr.contains("quarter written YYYYQn"), "{}", run.stderr);
}

#[test]
fn every_preset_renders_as_a_swimlane_flowchart() {
    let office = office();
    for preset in ["mentawai-2023", "pasaman-barat-2025", "pinrang-jdih-2022", "jateng-2021", "agam-2023"] {
        let run = run_siaran_at(office.path(), CLOCK, &["sop", "render", preset]);
        assert_eq!(run.exit_code, 0, "{preset}: {}", run.stderr);
        let svg = roxmltree::Document::parse(&run.stdout).expect("well-formed SVG");
        let texts: Vec<String> = svg
            .descendants()
            .filter(|node| node.has_tag_name("text"))
            .filter_map(|node| node.text())
            .map(String::from)
            .collect();
        for expected in ["MULAI", "SELESAI", "Kegiatan", "Waktu"] {
            assert!(texts.iter().any(|text| text == expected), "{preset}: no `{expected}`");
        }
        let diamonds = run.stdout.matches("class=\"keputusan\"").count();
        let rejects = texts.iter().filter(|text| *text == "Tolak").count();
        assert!(diamonds > 0 && diamonds == rejects, "{preset}: every decision has its reject path");
        insta::assert_snapshot!(format!("flowchart_{preset}"), run.stdout);
    }
}

#[test]
fn a_workflow_of_the_repository_renders_with_its_own_role_names_to_a_file() {
    let office = office();
    let out = office.path().join("alur.svg");
    let run = run_siaran_at(office.path(), CLOCK, &["sop", "render", "berita", "--out", &out.to_string_lossy()]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let svg = std::fs::read_to_string(&out).expect("written");
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert!(svg.contains("Alur Pengunggahan Konten Media Sosial"));
    let unknown = run_siaran_at(office.path(), CLOCK, &["sop", "render", "jatneg-2021"]);
    assert_eq!(unknown.exit_code, 2);
    assert!(unknown.stderr.contains("did you mean `jateng-2021`?"), "{}", unknown.stderr);
}

#[test]
fn the_archive_has_public_recaps_flowcharts_on_sop_pages_and_each_posts_timeline() {
    let office = office();
    let out = office.path().join("public");
    let run = run_siaran_at(office.path(), CLOCK, &["build", "--no-search", "--out", &out.to_string_lossy()]);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap_or_else(|_| panic!("{path} was built"));
    let svgs_of = |page: &str| -> Vec<String> {
        page.match_indices("<svg")
            .map(|(start, _)| {
                let rest = &page[start..];
                rest[..rest.find("</svg>").expect("closed") + "</svg>".len()].to_string()
            })
            .collect()
    };

    let index = read("rekap/index.html");
    assert!(index.contains("rekap/2026/10/"), "the index links the month");
    let recap = read("rekap/2026/10/index.html");
    assert!(recap.contains("Rapat Koordinasi PDPB bersama Bawaslu dan Partai Politik"));
    assert!(recap.contains("Foto ketiga buram"), "written responses are public, as in the approval trail");
    for internal in ["tidak ada jawaban", "max_delay", "Gagal, terlewat", "belum pasti", "terlewat"] {
        assert!(!recap.contains(internal), "`{internal}` is internal and stays off the archive");
    }
    let charts = svgs_of(&recap);
    assert_eq!(charts.len(), 2);
    for svg in charts {
        roxmltree::Document::parse(&svg).expect("a chart that parses");
    }

    let sop = read("sop/berita/index.html");
    let flowcharts = svgs_of(&sop);
    assert!(!flowcharts.is_empty(), "the SOP page embeds its flowchart");
    for svg in &flowcharts {
        let document = roxmltree::Document::parse(svg).expect("a flowchart that parses");
        assert!(document.descendants().any(|node| node.text() == Some("MULAI")));
    }

    let post = read("2026/10/rakor-pdpb-bawaslu-partai-politik/index.html");
    let timeline = svgs_of(&post).into_iter().next().expect("the post's timeline");
    let document = roxmltree::Document::parse(&timeline).expect("a timeline that parses");
    let texts: Vec<&str> = document.descendants().filter_map(|node| node.text()).collect();
    assert!(texts.contains(&"Realisasi"));
    assert!(texts.iter().any(|text| text.starts_with("Rina Marlina")), "who signed the first step: {texts:?}");
    assert!(
        texts.iter().any(|text| text.contains("(2h40m)")),
        "the first step of round two, timed from the reject: {texts:?}"
    );
}

#[test]
fn libreoffice_opens_the_workbook_and_prints_it_to_pdf() {
    if !common::has_tool("soffice") {
        return;
    }
    let office = office();
    let workbook = office.path().join("rekap-2026-10.xlsx");
    let run = run_siaran_at(
        office.path(),
        CLOCK,
        &["report", "--month", "2026-10", "--format", "xlsx", "--out", &workbook.to_string_lossy()],
    );
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let pdf_folder = office.path().join("pdf");
    let profile = format!("-env:UserInstallation=file://{}", office.path().join(".lo-profile").display());
    let converted = std::process::Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&pdf_folder)
        .arg(&workbook)
        .output()
        .expect("soffice runs");
    assert!(converted.status.success(), "{}", String::from_utf8_lossy(&converted.stderr));
    let pdf = std::fs::read(pdf_folder.join("rekap-2026-10.pdf")).expect("a PDF was written");
    assert!(pdf.starts_with(b"%PDF") && pdf.len() > 10_000, "a real PDF of the six sheets");
}
