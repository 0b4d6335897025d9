//! Indonesian text for generated posts: titles, captions and bodies of the lengths an office
//! really writes, assembled from phrases of a KPU office's everyday work. A small seeded
//! generator makes the same corpus from the same seed on every machine.

/// SplitMix64: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_5EED_5EED_5EED)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const ACTIVITIES: &[&str] = &[
    "Sosialisasi Pendidikan Pemilih",
    "Rapat Pleno Rekapitulasi Daftar Pemilih Berkelanjutan",
    "Rapat Koordinasi Pemutakhiran Data Pemilih",
    "Bimbingan Teknis Badan Adhoc",
    "Uji Publik Rancangan Daerah Pemilihan",
    "KPU Goes to School",
    "KPU Goes to Campus",
    "Kunjungan Kerja",
    "Apel Pagi dan Pembinaan Pegawai",
    "Diskusi Publik Partisipasi Pemilih",
    "Sosialisasi Pemilih Disabilitas",
    "Rumah Pintar Pemilu Menerima Kunjungan",
    "Coklit Terbatas",
    "Forum Warga Peduli Pemilu",
    "Evaluasi Pelaksanaan Pemilihan",
];

const PLACES: &[&str] = &[
    "Kecamatan Sukamaju",
    "Desa Mekarsari",
    "SMA Negeri 1 Contoh",
    "Universitas Contoh Raya",
    "Aula Kantor KPU Kabupaten Contoh",
    "Kelurahan Tanjung Harapan",
    "Pondok Pesantren Nurul Ilmi",
    "Balai Desa Sumberjaya",
    "Gedung Serbaguna Kabupaten Contoh",
    "Kecamatan Pantai Indah",
    "Desa Lembah Hijau",
    "SMK Negeri 2 Contoh",
];

const SUBJECTS: &[&str] = &[
    "KPU Kabupaten Contoh",
    "Ketua KPU Kabupaten Contoh",
    "Anggota KPU Divisi Sosialisasi dan Partisipasi Masyarakat",
    "Sekretaris KPU Kabupaten Contoh",
    "Tim Rumah Pintar Pemilu",
    "Petugas Pemutakhiran Data Pemilih",
    "Panitia Pemilihan Kecamatan",
    "Jajaran sekretariat",
];

const VERBS: &[&str] = &[
    "menyelenggarakan",
    "mengikuti",
    "membuka secara resmi",
    "memaparkan hasil",
    "menjelaskan tahapan",
    "mengajak masyarakat untuk mendukung",
    "menyampaikan materi tentang",
    "melaksanakan evaluasi",
    "menerima masukan mengenai",
    "mendampingi pelaksanaan",
];

const OBJECTS: &[&str] = &[
    "pemutakhiran data pemilih berkelanjutan",
    "pentingnya partisipasi pemilih pemula",
    "tahapan pemilihan serentak",
    "layanan informasi publik",
    "pencegahan hoaks kepemiluan",
    "hak pilih penyandang disabilitas",
    "pengecekan data pemilih secara daring",
    "netralitas penyelenggara pemilu",
    "rekapitulasi daftar pemilih triwulan",
    "pendidikan pemilih berbasis keluarga",
    "penguatan kapasitas badan adhoc",
    "keterbukaan informasi publik",
];

const CLOSINGS: &[&str] = &[
    "Kegiatan berlangsung lancar dan mendapat sambutan hangat dari peserta.",
    "Peserta aktif bertanya tentang cara memastikan namanya terdaftar sebagai pemilih.",
    "Hasil kegiatan ini akan menjadi bahan evaluasi untuk tahapan berikutnya.",
    "Masyarakat dapat mengecek data pemilih melalui laman resmi cek data pemilih.",
    "Informasi lebih lanjut dapat diperoleh di kantor KPU Kabupaten Contoh pada jam layanan.",
    "Seluruh rangkaian kegiatan didokumentasikan dan dilaporkan kepada KPU Provinsi.",
    "Kegiatan ditutup dengan sesi foto bersama dan pembagian bahan sosialisasi.",
];

const NUMBERS: &[&str] = &["dua puluh", "tiga puluh lima", "lima puluh", "seratus", "dua ratus", "empat puluh dua"];

pub const TAGS: &[&str] = &[
    "sosialisasi",
    "pemilih-pemula",
    "data-pemilih",
    "coklit",
    "rumah-pintar-pemilu",
    "badan-adhoc",
    "ppid",
    "partisipasi-masyarakat",
    "disabilitas",
    "pendidikan-pemilih",
    "rapat-pleno",
    "hari-besar",
    "kunjungan",
    "pemilihan-serentak",
    "cek-dpt",
    "literasi-digital",
    "hoaks",
    "perempuan-dan-pemilu",
    "sekolah",
    "kampus",
    "desa",
    "evaluasi",
    "bimtek",
    "keterbukaan-informasi",
];

pub fn title(rng: &mut Rng, year: i32) -> String {
    match rng.range(0, 2) {
        0 => format!("{} di {}", rng.pick(ACTIVITIES), rng.pick(PLACES)),
        1 => format!("{} Tahun {year}", rng.pick(ACTIVITIES)),
        _ => format!("{} {} bersama Warga {}", rng.pick(SUBJECTS), rng.pick(VERBS), rng.pick(PLACES)),
    }
}

pub fn sentence(rng: &mut Rng) -> String {
    match rng.range(0, 4) {
        0 => format!("{} {} {} di {}.", rng.pick(SUBJECTS), rng.pick(VERBS), rng.pick(OBJECTS), rng.pick(PLACES)),
        1 => {
            format!("Sebanyak {} peserta hadir dalam kegiatan yang membahas {}.", rng.pick(NUMBERS), rng.pick(OBJECTS))
        }
        2 => format!(
            "Dalam kesempatan tersebut, {} menegaskan bahwa {} adalah tanggung jawab bersama.",
            rng.pick(SUBJECTS).to_lowercase(),
            rng.pick(OBJECTS)
        ),
        3 => format!(
            "Menurutnya, {} perlu terus diperkuat agar kepercayaan publik terhadap penyelenggara pemilu tetap terjaga.",
            rng.pick(OBJECTS)
        ),
        _ => rng.pick(CLOSINGS).to_string(),
    }
}

/// A paragraph of `low..=high` sentences.
fn paragraph(rng: &mut Rng, low: u64, high: u64) -> String {
    let sentences = rng.range(low, high);
    (0..sentences).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

/// A caption of roughly 200–900 characters with the office's hashtags.
pub fn caption(rng: &mut Rng, tags: &[&str]) -> String {
    let mut text = paragraph(rng, 2, 5);
    text.push_str("\n\n");
    text.push_str(&paragraph(rng, 1, 2));
    text.push_str("\n\n#KPUKabupatenContoh");
    for tag in tags {
        text.push_str(" #");
        text.push_str(&tag.replace('-', ""));
    }
    text
}

/// A body of roughly 150–900 words: paragraphs, now and then a heading, a list or a table.
pub fn body(rng: &mut Rng) -> String {
    let mut parts = Vec::new();
    for index in 0..rng.range(3, 9) {
        if index > 0 && rng.chance(15) {
            parts.push(format!("## {}", rng.pick(ACTIVITIES)));
        }
        if rng.chance(10) {
            let items: Vec<String> = (0..rng.range(3, 5)).map(|_| format!("- {}", rng.pick(OBJECTS))).collect();
            parts.push(items.join("\n"));
        } else if rng.chance(5) {
            let mut table = String::from("| Kecamatan | Pemilih |\n|---|---:|");
            for _ in 0..rng.range(3, 6) {
                table.push_str(&format!("\n| {} | {} |", rng.pick(PLACES), rng.range(1_000, 40_000)));
            }
            parts.push(table);
        }
        parts.push(paragraph(rng, 3, 7));
    }
    parts.join("\n\n") + "\n"
}

/// A URL-safe slug of a title.
pub fn slug(title: &str) -> String {
    let mut slug = String::new();
    for word in title.split(|c: char| !c.is_ascii_alphanumeric()).filter(|word| !word.is_empty()) {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    slug
}
