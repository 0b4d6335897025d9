//! Making new things: a post bundle with a commented front-matter template (`siaran new`)
//! and a whole working repository for one preset (`siaran init`). Nothing is overwritten:
//! an existing post folder or a non-empty target folder is an error.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::front_matter::Kind;
use crate::config::{Config, Preset, StepKind};

/// Why scaffolding failed.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The post folder exists already.
    #[error("{0} already exists; choose another title or edit that post")]
    PostExists(PathBuf),
    /// The title has no letters or digits to make a folder name from.
    #[error("the title \"{0}\" has no letters or digits to name the post's folder")]
    EmptySlug(String),
    /// `init` was pointed at a folder that already has files.
    #[error("{0} is not empty; `siaran init` only writes into a new or empty folder")]
    NotEmpty(PathBuf),
    /// No built-in preset by that name.
    #[error("no built-in preset `{0}`; see `siaran sop list`")]
    UnknownPreset(String),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// A folder name from a title: lowercase ASCII letters and digits joined by hyphens.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for character in title.chars() {
        let folded = match character {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ò' | 'Ó' | 'Ô' | 'Ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
            other => other.to_ascii_lowercase(),
        };
        if folded.is_ascii_alphanumeric() {
            slug.push(folded);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// Creates `content/YYYY/MM/slug/index.md` (date in the site's time zone) and returns its path.
pub fn new_post(
    root: &Path,
    config: &Config,
    title: &str,
    kind: Kind,
    now: DateTime<FixedOffset>,
) -> Result<PathBuf, ScaffoldError> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(ScaffoldError::EmptySlug(title.to_string()));
    }
    let local = now.with_timezone(&config.site.timezone);
    let bundle = root
        .join(super::CONTENT_DIR)
        .join(local.format("%Y").to_string())
        .join(local.format("%m").to_string())
        .join(&slug);
    if bundle.exists() {
        return Err(ScaffoldError::PostExists(bundle));
    }
    let targets: Vec<&str> = config.targets.keys().map(String::as_str).collect();
    let today = local.format("%Y-%m-%d").to_string();
    let offset = local.format("%:z").to_string();
    let setting =
        TemplateSetting { workflow: &config.default_workflow, targets: &targets, today: &today, offset: &offset };
    let text = post_template(title, kind, &setting);
    let path = bundle.join("index.md");
    write_new(&path, &text)?;
    Ok(path)
}

/// What a new post's template says about its repository and day.
struct TemplateSetting<'a> {
    workflow: &'a str,
    targets: &'a [&'a str],
    today: &'a str,
    offset: &'a str,
}

fn post_template(title: &str, kind: Kind, setting: &TemplateSetting<'_>) -> String {
    let TemplateSetting { workflow, targets, today, offset } = setting;
    let kinds: Vec<&str> = Kind::ALL.iter().map(|kind| kind.as_str()).collect();
    let quoted = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "---\n\
title: \"{quoted}\"\n\
kind: {kind}            # {kinds}\n\
# workflow: {workflow}    # alur SOP; bila dihapus memakai default_workflow\n\
event_date: {today}     # hari kegiatan (H)\n\
# publish_at: {today}T09:00:00{offset}   # kapan diunggah; tanpa ini: segera setelah disetujui\n\
platforms: []           # akun tujuan dari publish-targets/: {targets}\n\
caption: \"\"             # teks untuk media sosial\n\
media: []               # - {{ file: foto-1.jpg, alt: \"Keterangan foto untuk pembaca tunanetra\" }}\n\
tags: []\n\
# Persetujuan (signoffs) ditambahkan oleh `siaran approve`; jangan ditulis tangan.\n\
---\n\
Tulis narasi berita di sini.\n",
        kind = kind.as_str(),
        kinds = kinds.join(" | "),
        targets = if targets.is_empty() { "(belum ada)".to_string() } else { format!("[{}]", targets.join(", ")) },
    )
}

/// Example people for a preset's roles: fictional names, one person per role.
const EXAMPLE_PEOPLE: [(&str, &str); 8] = [
    ("ani", "Ani Susanti"),
    ("budi", "Budi Hartono"),
    ("citra", "Citra Permata"),
    ("dedi", "Dedi Kurniawan"),
    ("eka", "Eka Putri"),
    ("fitri", "Fitri Handayani"),
    ("gilang", "Gilang Ramadhan"),
    ("hana", "Hana Safitri"),
];

/// The pull-request gate for a repository made by `init` (installs siaran from crates.io).
pub const CHECK_WORKFLOW: &str = include_str!("scaffold/check.yml");

/// Writes a complete working repository for `preset_id` into `dir` and returns the files written.
pub fn init_repository(dir: &Path, preset_id: &str, now: DateTime<FixedOffset>) -> Result<Vec<PathBuf>, ScaffoldError> {
    let preset =
        crate::config::presets::find(preset_id).ok_or_else(|| ScaffoldError::UnknownPreset(preset_id.to_string()))?;
    if dir.exists() && std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(true) {
        return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
    }
    let mut written = Vec::new();
    let mut write = |relative: &str, text: &str| -> Result<(), ScaffoldError> {
        let path = dir.join(relative);
        write_new(&path, text)?;
        written.push(path);
        Ok(())
    };
    write("siaran.yaml", &config_template(&preset))?;
    write("publish-targets/instagram.yaml", INSTAGRAM_TARGET)?;
    write("publish-targets/facebook.yaml", FACEBOOK_TARGET)?;
    write("publish-targets/x.yaml", X_TARGET)?;
    write("ledger/.gitkeep", "")?;
    write(".gitattributes", "ledger/*.jsonl merge=union\n")?;
    write(".gitignore", "public/\n")?;
    write(".github/workflows/check.yml", CHECK_WORKFLOW)?;
    let local = now.with_timezone(&chrono_tz::Asia::Jakarta);
    let sample = format!("content/{}/contoh-pengumuman-jam-layanan/index.md", local.format("%Y/%m"));
    let today = local.format("%Y-%m-%d").to_string();
    let setting = TemplateSetting {
        workflow: "utama",
        targets: &["instagram", "facebook", "x"],
        today: &today,
        offset: "+07:00",
    };
    let sample_text = post_template("Contoh: Jam Layanan Informasi Publik", Kind::Pengumuman, &setting)
        .replace("Tulis narasi berita di sini.", SAMPLE_BODY);
    write(&sample, &sample_text)?;
    Ok(written)
}

const SAMPLE_BODY: &str = "Layanan informasi publik dibuka setiap hari kerja pukul 08.00–16.00.\n\n\
Ini contoh unggahan. Lengkapi caption dan foto, lalu minta persetujuan sesuai SOP dengan `siaran approve`.";

fn config_template(preset: &Preset) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "# Pengaturan siaran untuk alur SOP \"{}\" ({}).", preset.title, preset.document);
    let _ = writeln!(text, "# Ganti nama kantor, alamat arsip, zona waktu dan orang-orang di bawah ini.");
    let _ = writeln!(text, "site:");
    let _ = writeln!(text, "  title: \"Arsip Media Sosial KPU Kabupaten Baru\"");
    let _ = writeln!(text, "  office: \"KPU Kabupaten Baru\"");
    let _ = writeln!(text, "  base_url: \"https://arsip.kpu-baru.example/\"");
    let _ = writeln!(text, "  language: id                 # id | en");
    let _ = writeln!(text, "  timezone: Asia/Jakarta       # WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura");
    let _ =
        writeln!(text, "people:                        # satu orang per peran; tambahkan kunci SSH (keys) tiap orang");
    let mut roles: Vec<&String> = Vec::new();
    for step in preset.steps.iter().filter(|step| step.kind != StepKind::Publish) {
        if !roles.contains(&&step.role) {
            roles.push(&step.role);
        }
    }
    for (role, (id, name)) in roles.iter().zip(EXAMPLE_PEOPLE.iter().cycle()) {
        let _ = writeln!(
            text,
            "  {id}: {{ name: \"{name}\", roles: [{role}] }}   # {}",
            preset.roles.get(*role).map_or("", String::as_str)
        );
    }
    let _ = writeln!(text, "workflows:");
    let _ = writeln!(text, "  utama:");
    let _ = writeln!(
        text,
        "    preset: {}          # `siaran sop show {}` menampilkan langkah-langkahnya",
        preset.id, preset.id
    );
    let _ = writeln!(text, "default_workflow: utama");
    let _ = writeln!(text, "schedule:                      # cron dengan detik, dalam zona waktu kantor");
    let _ = writeln!(text, "  publish: \"0 * * * * *\"");
    let _ = writeln!(text, "  build: \"0 */15 * * * *\"");
    let _ = writeln!(text, "  report: \"0 0 7 1 * *\"");
    let _ = writeln!(text, "publish:");
    let _ = writeln!(text, "  max_delay: 6h                # lebih terlambat dari ini: tidak diunggah otomatis");
    text
}

const INSTAGRAM_TARGET: &str = "# Akun Instagram resmi. Token hanya lewat variabel lingkungan, jangan ditulis di sini.\n\
platform: instagram\naccount: kpukabbaru\napi_base: https://graph.facebook.com/v21.0\n\
credentials: { token_env: SIARAN_INSTAGRAM_TOKEN, ig_user_id: \"17841400000000000\" }\n";
const FACEBOOK_TARGET: &str = "# Halaman Facebook resmi.\nplatform: facebook\naccount: kpukabbaru\n\
api_base: https://graph.facebook.com/v21.0\ncredentials: { token_env: SIARAN_FACEBOOK_TOKEN, page_id: \"100000000000000\" }\n";
const X_TARGET: &str = "# Akun X resmi.\nplatform: x\naccount: kpukabbaru\napi_base: https://api.x.com\n\
credentials: { client_id_env: SIARAN_X_CLIENT_ID, refresh_token_env: SIARAN_X_REFRESH_TOKEN }\n";

fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    let error = |source| ScaffoldError::Write { path: path.to_path_buf(), source };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(error)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain() {
        assert_eq!(
            slugify("Rapat Pleno Terbuka: Rekapitulasi DPT (Triwulan IV)"),
            "rapat-pleno-terbuka-rekapitulasi-dpt-triwulan-iv"
        );
        assert_eq!(slugify("Café — Sosialisasi"), "cafe-sosialisasi");
        assert_eq!(slugify("!!!"), "");
    }
}
