//! The generated office: its `siaran.yaml` with twelve people and a workflow of five signed steps and the upload, its
//! accounts, its signing keys (derived from the seed), a small pool of photos, each post's
//! folder signed step by step, and the ledger of what went out.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use siaran::chain::{sign_all, signature};
use siaran::config::Config;
use siaran::content::PostFile;
use siaran::ledger::{Event, EventKind};
use ssh_key::private::{Ed25519Keypair, KeypairData};
use ssh_key::{LineEnding, PrivateKey};

use super::{PostSpec, wib};

/// The workflow's signed steps: id and the people who may sign it. The sixth step, the
/// upload, is recorded by the publisher in the ledger.
pub const STEPS: &[(&str, &[&str])] = &[
    ("draf", &["rina", "bayu"]),
    ("terima", &["sari", "fajar"]),
    ("koreksi", &["hendra", "lestari"]),
    ("verifikasi", &["agus", "wati"]),
    ("putus", &["yohana", "rudi"]),
];

const PEOPLE: &[(&str, &str, &str)] = &[
    ("rina", "Rina Marlina", "tim-pelaksana"),
    ("bayu", "Bayu Pratama", "tim-pelaksana"),
    ("sari", "Sari Wulandari", "admin-medsos"),
    ("fajar", "Fajar Nugroho", "admin-medsos"),
    ("hendra", "Hendra Saputra", "wakil-pimpinan-redaksi"),
    ("lestari", "Lestari Handayani", "wakil-pimpinan-redaksi"),
    ("yohana", "Yohana Simanjuntak", "pimpinan-redaksi"),
    ("rudi", "Rudi Hartono", "pimpinan-redaksi"),
    ("agus", "Agus Setiawan", "sekretaris"),
    ("wati", "Wati Kusumawati", "sekretaris"),
    ("dewi", "Dewi Anggraini", "operator"),
    ("joko", "Joko Susilo", "operator"),
];

/// Photos in the pool.
pub const POOL_SIZE: usize = 24;

/// Where the private keys go, under the corpus root.
pub const KEYS_DIR: &str = ".kunci-korpus";

fn io(path: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |error| format!("{}: {error}", path.display())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    std::fs::write(path, text).map_err(io(path))
}

/// Writes `siaran.yaml`, the accounts and the keys; returns each person's private key.
pub fn write_office(root: &Path, seed: u64) -> Result<BTreeMap<&'static str, PrivateKey>, String> {
    let mut keys = BTreeMap::new();
    let mut people = String::new();
    for (index, (id, name, role)) in PEOPLE.iter().enumerate() {
        let mut key_seed = [0u8; 32];
        key_seed[..8].copy_from_slice(&seed.to_le_bytes());
        key_seed[8] = index as u8;
        key_seed[9..17].copy_from_slice(b"korpus!!");
        let keypair = Ed25519Keypair::from_seed(&key_seed);
        let key = PrivateKey::new(KeypairData::Ed25519(keypair), format!("{id}@korpus.example"))
            .map_err(|e| e.to_string())?;
        let public = key.public_key().to_openssh().map_err(|e| e.to_string())?;
        let private = key.to_openssh(LineEnding::LF).map_err(|e| e.to_string())?;
        write(&root.join(KEYS_DIR).join(id), &private)?;
        people.push_str(&format!("  {id}:\n    name: \"{name}\"\n    roles: [{role}]\n    keys: [\"{public}\"]\n"));
        keys.insert(*id, key);
    }
    let config = format!(
        r#"# Korpus uji kinerja: kantor rekaan dengan {count} orang dan satu alur lima langkah.
site:
  title: "Arsip Media Sosial KPU Kabupaten Contoh (korpus uji)"
  office: "KPU Kabupaten Contoh"
  base_url: "https://arsip.kpu-contoh.example/"
  language: id
  timezone: Asia/Jakarta
roles:
  tim-pelaksana: "Tim Pelaksana"
  admin-medsos: "Admin Medsos"
  wakil-pimpinan-redaksi: "Wakil Pimpinan Redaksi"
  pimpinan-redaksi: "Pimpinan Redaksi"
  sekretaris: "Sekretaris"
  operator: "Operator Unggah"
people:
{people}workflows:
  berita:
    title: "Alur Konten Berita dan Kegiatan"
    revisions:
      - effective: 2018-01-01
        source: "SOP Pengelolaan Media Sosial KPU Kabupaten Contoh"
        steps:
          - {{ id: draf,       role: tim-pelaksana,          kind: submit,  within: 1d, action: "Menyusun draf dan dokumentasi" }}
          - {{ id: terima,     role: admin-medsos,           kind: review,  within: 1d, action: "Menerima dan memeriksa draf" }}
          - {{ id: koreksi,    role: wakil-pimpinan-redaksi, kind: review,  within: 1d, action: "Mengoreksi konten" }}
          - {{ id: verifikasi, role: sekretaris,             kind: review,  within: 1d, action: "Memverifikasi kesesuaian dengan kebijakan kantor" }}
          - {{ id: putus,      role: pimpinan-redaksi,       kind: approve, within: 1d, action: "Memutuskan konten diunggah" }}
          - {{ id: unggah,     role: operator,               kind: publish, within: 1d, action: "Mengunggah ke akun resmi" }}
default_workflow: berita
schedule:
  publish: "0 * * * * *"
  build: "0 */15 * * * *"
  report: "0 0 7 1 * *"
publish:
  max_delay: 6h
"#,
        count = PEOPLE.len()
    );
    write(&root.join("siaran.yaml"), &config)?;
    let targets = [
        (
            "instagram",
            "api_base: https://graph.facebook.com/v21.0\ncredentials: { token_env: SIARAN_INSTAGRAM_TOKEN, ig_user_id: \"17841400000000001\" }",
        ),
        (
            "facebook",
            "api_base: https://graph.facebook.com/v21.0\ncredentials: { token_env: SIARAN_FACEBOOK_TOKEN, page_id: \"100000000000001\" }",
        ),
        (
            "telegram",
            "api_base: https://api.telegram.org\ncredentials: { token_env: SIARAN_TELEGRAM_TOKEN, chat_id: \"@kpukabcontoh_info\" }",
        ),
    ];
    for (platform, rest) in targets {
        write(
            &root.join("publish-targets").join(format!("{platform}.yaml")),
            &format!("platform: {platform}\naccount: kpukabcontoh\n{rest}\n"),
        )?;
    }
    write(&root.join(".gitattributes"), "ledger/*.jsonl merge=union\n")?;
    Ok(keys)
}

/// Writes the photo pool: small JPEGs of different colours and patterns.
pub fn write_photo_pool(root: &Path) -> Result<Vec<PathBuf>, String> {
    let folder = root.join(".foto-korpus");
    std::fs::create_dir_all(&folder).map_err(io(&folder))?;
    (0..POOL_SIZE)
        .map(|number| {
            let (width, height) = if number % 3 == 0 { (480, 480) } else { (480, 360) };
            let image = image::RgbImage::from_fn(width, height, |x, y| {
                let band = ((x / 40 + y / 40 + number as u32) % 6) as u8;
                image::Rgb([(x * 255 / width) as u8, band * 40, ((number * 37) % 255) as u8 ^ (y as u8)])
            });
            let path = folder.join(format!("foto-{number:02}.jpg"));
            image.save(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(path)
        })
        .collect()
}

/// Links (or copies) pool photo `number` to `path`.
pub fn link_photo(pool: &[PathBuf], number: usize, path: &Path) -> Result<(), String> {
    let source = &pool[number % pool.len()];
    std::fs::hard_link(source, path).or_else(|_| std::fs::copy(source, path).map(|_| ())).map_err(io(path))
}

/// The post's front matter and body, its sign-offs not yet signed.
fn unsigned_text(spec: &PostSpec) -> String {
    let mut text = String::from("---\n");
    text.push_str(&format!("title: \"{}\"\nkind: {}\nworkflow: berita\n", spec.title, spec.kind));
    let platforms = if spec.published.is_empty() { vec!["instagram", "facebook"] } else { spec.published.clone() };
    text.push_str(&format!("platforms: [{}]\n", platforms.join(", ")));
    text.push_str("caption: |-\n");
    for line in spec.caption.lines() {
        text.push_str(if line.is_empty() { "" } else { "  " });
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("media:\n");
    for (index, _) in spec.photos.iter().enumerate() {
        text.push_str(&format!(
            "  - {{ file: foto-{}.jpg, alt: \"Dokumentasi kegiatan {}, foto {}\" }}\n",
            index + 1,
            spec.title.to_lowercase(),
            index + 1
        ));
    }
    text.push_str(&format!("tags: [{}]\nsignoffs:\n", spec.tags.join(", ")));
    for (step, person, at) in &spec.signoffs {
        text.push_str(&format!(
            "  - step: {}\n    by: {person}\n    at: {}\n    decision: approve\n    note: \"\"\n",
            STEPS[*step].0,
            at.to_rfc3339()
        ));
    }
    text.push_str("---\n");
    text.push_str(&spec.body);
    text
}

/// Writes one post's folder and signs its chain.
pub fn write_post(
    root: &Path,
    spec: &PostSpec,
    pool: &[PathBuf],
    config: &Config,
    keys: &BTreeMap<&'static str, PrivateKey>,
) -> Result<(), String> {
    let bundle = root.join("content").join(&spec.id);
    std::fs::create_dir_all(&bundle).map_err(io(&bundle))?;
    for (index, number) in spec.photos.iter().enumerate() {
        link_photo(pool, *number, &bundle.join(format!("foto-{}.jpg", index + 1)))?;
    }
    let path = bundle.join("index.md");
    let text = unsigned_text(spec);
    let file =
        PostFile { id: spec.id.clone(), relative: format!("content/{}/index.md", spec.id), bundle, path: path.clone() };
    let (checked, diagnostics) = siaran::check::check_text(&file, &text, config, spec.published_at);
    let post = checked.ok_or_else(|| format!("{}: {diagnostics:?}", spec.id))?.post;
    let signed = sign_all::sign_all(&text, &post, signature::NAMESPACE, |person| keys.get(person).cloned())
        .map_err(|e| format!("{}: {e}", spec.id))?;
    write(&path, &signed)
}

/// The ledger lines of published posts, by month file.
#[derive(Default)]
pub struct LedgerLines {
    months: BTreeMap<String, Vec<String>>,
    counter: u64,
}

impl LedgerLines {
    pub fn record(&mut self, spec: &PostSpec) {
        for (index, target) in spec.published.iter().enumerate() {
            self.counter += 1;
            let at = spec.published_at + chrono::Duration::seconds(4 * index as i64);
            let (remote_id, url) = match *target {
                "instagram" => {
                    let id = format!("179{:014}", self.counter);
                    (id.clone(), format!("https://www.instagram.com/p/K{:010}/", self.counter))
                }
                "facebook" => {
                    let id = format!("100000000000001_{}", 122_000_000_000 + self.counter);
                    (id.clone(), format!("https://www.facebook.com/{id}"))
                }
                _ => (self.counter.to_string(), format!("https://t.me/kpukabcontoh_info/{}", self.counter)),
            };
            let attempt = EventKind::Attempt {
                attempt: 1,
                idempotency_key: format!("siaran-korpus-{:016x}", self.counter),
                handle: BTreeMap::new(),
            };
            let published = EventKind::Published { remote_id, url };
            let month = at.with_timezone(&wib()).format("%Y-%m").to_string();
            let lines = self.months.entry(month).or_default();
            for (kind, offset) in [(attempt, 0), (published, 2)] {
                let event = Event {
                    at: at + chrono::Duration::seconds(offset),
                    post: spec.id.clone(),
                    target: target.to_string(),
                    kind,
                };
                lines.push(serde_json::to_string(&event).unwrap_or_default());
            }
        }
    }

    pub fn write(&self, root: &Path) -> Result<(), String> {
        let folder = root.join("ledger");
        std::fs::create_dir_all(&folder).map_err(io(&folder))?;
        for (month, lines) in &self.months {
            let path = folder.join(format!("{month}.jsonl"));
            let mut file = std::fs::File::create(&path).map_err(io(&path))?;
            for line in lines {
                writeln!(file, "{line}").map_err(io(&path))?;
            }
        }
        Ok(())
    }
}
