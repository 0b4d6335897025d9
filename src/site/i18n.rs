//! The archive's interface language: every fixed string of the templates, in Indonesian
//! (the default) and English, chosen by `site.language`, and dates written the way readers
//! of each language expect: "21 November 2026, 09.00 WIB" (Indonesian uses a dot between
//! hours and minutes) or "21 November 2026, 09:00 WIB".

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, TimeZone, Timelike};
use chrono_tz::Tz;

use crate::config::Language;
use crate::source::time;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The language's code, for `<html lang>` and the search index.
pub fn code(language: Language) -> &'static str {
    match language {
        Language::Indonesian => "id",
        Language::English => "en",
    }
}

/// The name of a month (1 to 12).
pub fn month_name(language: Language, month: u32) -> &'static str {
    let names = match language {
        Language::Indonesian => &time::MONTHS_ID,
        Language::English => &MONTHS_EN,
    };
    names.get(month.saturating_sub(1) as usize).copied().unwrap_or_default()
}

/// The short name of the office's zone: WIB, WITA, WIT, or the zone's own abbreviation.
pub fn zone_name(zone: Tz, at: DateTime<FixedOffset>) -> String {
    match zone.name() {
        "Asia/Jakarta" | "Asia/Pontianak" => "WIB".to_string(),
        "Asia/Makassar" => "WITA".to_string(),
        "Asia/Jayapura" => "WIT".to_string(),
        _ => zone.from_utc_datetime(&at.naive_utc()).format("%Z").to_string(),
    }
}

/// "21 November 2026, 09.00 WIB".
pub fn date_time(language: Language, zone: Tz, at: DateTime<FixedOffset>) -> String {
    let local = at.with_timezone(&zone);
    let separator = if language == Language::Indonesian { '.' } else { ':' };
    format!(
        "{} {} {}, {:02}{separator}{:02} {}",
        local.day(),
        month_name(language, local.month()),
        local.year(),
        local.hour(),
        local.minute(),
        zone_name(zone, at)
    )
}

/// "21 November 2026".
pub fn date(language: Language, zone: Tz, at: DateTime<FixedOffset>) -> String {
    let local = at.with_timezone(&zone);
    format!("{} {} {}", local.day(), month_name(language, local.month()), local.year())
}

/// Every fixed string of the templates, by key.
pub fn strings(language: Language) -> BTreeMap<&'static str, &'static str> {
    let index = usize::from(language == Language::English);
    STRINGS.iter().map(|(key, texts)| (*key, texts[index])).collect()
}

/// (key, [Indonesian, English]).
const STRINGS: &[(&str, [&str; 2])] = &[
    ("home", ["Beranda", "Home"]),
    ("latest", ["Unggahan terbaru", "Latest posts"]),
    ("archive", ["Arsip", "Archive"]),
    ("kinds", ["Jenis konten", "Kinds of content"]),
    ("platforms", ["Platform", "Platforms"]),
    ("tags", ["Tag", "Tags"]),
    ("months", ["Arsip bulanan", "Monthly archive"]),
    ("sops", ["Alur SOP", "SOP workflows"]),
    ("flowchart", ["Bagan alir", "Flowchart"]),
    ("timeline", ["Perjalanan konten ini melalui alur SOP", "This post's way through the SOP"]),
    ("recaps", ["Rekapitulasi bulanan", "Monthly recaps"]),
    (
        "recap_public_note",
        [
            "Rekap ini memuat konten yang telah terbit di arsip ini. Alasan kegagalan unggah tidak dimuat; tanggapan tertulis atas penolakan dimuat sebagaimana tercantum pada jejak persetujuan setiap konten.",
            "This recap covers the posts published on this archive. Reasons for failed uploads are left out; written responses to rejections are shown as they appear in each post's approval trail.",
        ],
    ),
    ("search", ["Cari", "Search"]),
    ("search_placeholder", ["Cari unggahan…", "Search posts…"]),
    ("search_label", ["Kata yang dicari (judul, narasi, tag)", "Words to find (title, narrative, tags)"]),
    ("search_offline", ["Pencarian memerlukan JavaScript.", "Search needs JavaScript."]),
    ("published_on", ["Diunggah", "Published"]),
    ("kind", ["Jenis", "Kind"]),
    ("year", ["Tahun", "Year"]),
    ("copies", ["Salinan di media sosial", "Copies on social media"]),
    ("no_copies", ["Hanya diterbitkan di situs arsip ini.", "Published on this archive only."]),
    ("gallery", ["Foto dan video", "Photos and videos"]),
    ("trail", ["Jejak persetujuan", "Approval trail"]),
    ("step", ["Langkah", "Step"]),
    ("role", ["Peran", "Role"]),
    ("name", ["Nama", "Name"]),
    ("time", ["Waktu", "Time"]),
    ("decision", ["Keputusan", "Decision"]),
    ("approve", ["Disetujui", "Approved"]),
    ("reject", ["Dikembalikan", "Sent back"]),
    ("round", ["Putaran", "Round"]),
    ("note", ["Catatan", "Note"]),
    ("verified", ["Tanda tangan terverifikasi", "Signature verified"]),
    ("unverified", ["Belum terverifikasi", "Not verified"]),
    ("verify_how", ["Cara memeriksa sendiri", "Check it yourself"]),
    (
        "verify_text",
        [
            "Setiap persetujuan ditandatangani dengan kunci SSH pejabat yang bersangkutan atas isi unggahan ini. Data persetujuan dan daftar kunci penanda tangan tersedia untuk diperiksa siapa pun.",
            "Each approval is signed with the official's own SSH key over this post's content. The approval data and the list of signing keys are open for anyone to check.",
        ],
    ),
    ("approval_data", ["Data persetujuan (JSON)", "Approval data (JSON)"]),
    ("signers", ["Kunci penanda tangan", "Signing keys"]),
    ("tags_label", ["Tag", "Tags"]),
    ("newer", ["Lebih baru", "Newer"]),
    ("older", ["Lebih lama", "Older"]),
    ("page", ["Halaman", "Page"]),
    ("of", ["dari", "of"]),
    ("posts_count", ["unggahan", "posts"]),
    ("empty", ["Belum ada unggahan.", "No posts yet."]),
    ("read_more", ["Baca selengkapnya", "Read more"]),
    ("not_found", ["Halaman tidak ditemukan", "Page not found"]),
    (
        "not_found_text",
        [
            "Maaf, halaman yang Anda cari tidak ada. Mungkin alamatnya salah ketik atau halaman sudah dipindahkan.",
            "Sorry, the page you are looking for does not exist. The address may be mistyped, or the page has moved.",
        ],
    ),
    ("draft_banner", ["DRAF — belum terbit", "DRAFT — not published"]),
    ("workflow", ["Alur", "Workflow"]),
    ("revision", ["Revisi", "Revision"]),
    ("effective", ["Berlaku sejak", "In force from"]),
    ("source", ["Dasar", "Source"]),
    ("within", ["Batas waktu", "Time budget"]),
    ("action", ["Kegiatan", "Action"]),
    ("who", ["Pelaksana", "Who"]),
    ("feed", ["Umpan Atom", "Atom feed"]),
    ("skip", ["Langsung ke isi", "Skip to content"]),
    ("about", ["Arsip resmi unggahan media sosial", "Official archive of the social-media posts of"]),
    (
        "home_intro",
        [
            "Setiap unggahan tercatat di sini bersama salinannya di tiap platform dan jejak persetujuannya, yang ditandatangani secara digital sesuai SOP.",
            "Every post is recorded here with its copies on each platform and its approval trail, digitally signed as the SOP requires.",
        ],
    ),
    (
        "legal",
        [
            "Arsip ini disediakan sebagai bagian dari keterbukaan informasi publik (UU No. 14 Tahun 2008).",
            "This archive is provided as part of public information openness (Law No. 14 of 2008).",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let at = DateTime::parse_from_rfc3339("2026-11-21T02:00:00Z").unwrap();
        assert_eq!(date_time(Language::Indonesian, chrono_tz::Asia::Jakarta, at), "21 November 2026, 09.00 WIB");
        assert_eq!(date_time(Language::Indonesian, chrono_tz::Asia::Makassar, at), "21 November 2026, 10.00 WITA");
        assert_eq!(date_time(Language::English, chrono_tz::Asia::Jayapura, at), "21 November 2026, 11:00 WIT");
        assert_eq!(month_name(Language::Indonesian, 8), "Agustus");
        assert!(strings(Language::English).values().all(|text| !text.is_empty()));
    }
}
