//! The recap as tables, in the order the SOPs' recap sheets list them: the posts, totals per
//! account and per kind, the problems (office only), SLA compliance per step, and the
//! rejections with their written responses.

use std::collections::BTreeMap;

use super::recap::{Audience, Outcome, Recap};
use super::table::{Cell, Table};

/// Names of the tables, also the XLSX sheet names.
pub mod names {
    /// One row per post.
    pub const POSTS: &str = "Rekap";
    /// Totals per account.
    pub const ACCOUNTS: &str = "Per akun";
    /// Totals per kind.
    pub const KINDS: &str = "Per jenis";
    /// Failed, missed and unknown publications.
    pub const PROBLEMS: &str = "Masalah";
    /// SLA compliance.
    pub const SLA: &str = "SLA";
    /// Rejections.
    pub const REJECTIONS: &str = "Penolakan";
}

/// Every table of the recap.
pub fn tables(recap: &Recap) -> Vec<Table> {
    let mut tables = vec![posts(recap), accounts(recap), kinds(recap)];
    if recap.audience == Audience::Office {
        tables.push(problems(recap));
    }
    tables.push(sla(recap));
    tables.push(rejections(recap));
    tables
}

fn posts(recap: &Recap) -> Table {
    let mut columns = vec!["Tanggal".to_string(), "Judul".to_string(), "Jenis".to_string(), "Alur".to_string()];
    columns.extend(recap.accounts.iter().map(|account| format!("{} {}", account.platform, account.handle)));
    columns.push("Persetujuan".to_string());
    let mut table = Table::new(names::POSTS, "Rekapitulasi konten", &[], "Tidak ada konten pada periode ini.");
    table.columns = columns;
    for line in &recap.posts {
        let mut row = vec![
            Cell::Time(line.date),
            Cell::text(&line.title),
            Cell::text(line.kind.label()),
            Cell::text(&line.workflow),
        ];
        for account in &recap.accounts {
            let cell = match line.outcomes.iter().find(|(target, _)| *target == account.target) {
                None => Cell::Empty,
                Some((_, Outcome::Published { url })) if !url.is_empty() => {
                    Cell::Link { text: "terbit".to_string(), url: url.clone() }
                }
                Some((_, outcome)) if recap.audience == Audience::Public => {
                    Cell::text(if matches!(outcome, Outcome::Published { .. }) { "terbit" } else { "—" })
                }
                Some((_, Outcome::Failed { class, .. })) => Cell::text(format!("gagal ({})", class_label(*class))),
                Some((_, outcome)) => Cell::text(outcome.label()),
            };
            row.push(cell);
        }
        let approvals: Vec<String> = line
            .approvals
            .iter()
            .map(|approval| format!("{}: {} {}", approval.step, approval.name, approval.at.format("%d-%m %H:%M")))
            .collect();
        row.push(Cell::text(approvals.join("; ")));
        table.push(row);
    }
    table
}

fn accounts(recap: &Recap) -> Table {
    let mut table = Table::new(
        names::ACCOUNTS,
        "Jumlah per akun",
        &["Platform", "Akun", "Terbit", "Gagal", "Terlewat", "Belum pasti", "Menunggu"],
        "Tidak ada unggahan pada periode ini.",
    );
    for account in &recap.accounts {
        let mut counts = [0u64; 5];
        for line in &recap.posts {
            if let Some((_, outcome)) = line.outcomes.iter().find(|(target, _)| *target == account.target) {
                let slot = match outcome {
                    Outcome::Published { .. } => 0,
                    Outcome::Failed { .. } => 1,
                    Outcome::Missed { .. } => 2,
                    Outcome::Unknown { .. } => 3,
                    Outcome::Pending => 4,
                };
                counts[slot] += 1;
            }
        }
        let mut row = vec![Cell::text(&account.platform), Cell::text(&account.handle)];
        if recap.audience == Audience::Public {
            row.push(Cell::Count(counts[0]));
        } else {
            row.extend(counts.iter().map(|count| Cell::Count(*count)));
        }
        table.push(row);
    }
    if recap.audience == Audience::Public {
        table.columns.truncate(3);
    }
    table
}

fn kinds(recap: &Recap) -> Table {
    let mut table = Table::new(
        names::KINDS,
        "Jumlah per jenis konten",
        &["Jenis", "Konten", "Terbit di setidaknya satu akun"],
        "Tidak ada konten pada periode ini.",
    );
    let mut counts: BTreeMap<_, (u64, u64)> = BTreeMap::new();
    for line in &recap.posts {
        let entry = counts.entry(line.kind).or_default();
        entry.0 += 1;
        let live = line.outcomes.is_empty()
            || line.outcomes.iter().any(|(_, outcome)| matches!(outcome, Outcome::Published { .. }));
        entry.1 += u64::from(live);
    }
    for (kind, (total, live)) in counts {
        table.push(vec![Cell::text(kind.label()), Cell::Count(total), Cell::Count(live)]);
    }
    table
}

fn problems(recap: &Recap) -> Table {
    let mut table = Table::new(
        names::PROBLEMS,
        "Gagal, terlewat dan belum pasti",
        &["Tanggal", "Judul", "Akun", "Keadaan", "Alasan"],
        "Tidak ada unggahan yang gagal, terlewat atau belum pasti.",
    );
    for line in &recap.posts {
        for (target, outcome) in &line.outcomes {
            let account = recap
                .accounts
                .iter()
                .find(|account| account.target == *target)
                .map_or_else(|| target.clone(), |account| format!("{} {}", account.platform, account.handle));
            let (state, reason) = match outcome {
                Outcome::Failed { class, message } => (format!("gagal ({})", class_label(*class)), message.clone()),
                Outcome::Missed { message } => ("terlewat".to_string(), message.clone()),
                Outcome::Unknown { message } => ("belum pasti".to_string(), message.clone()),
                Outcome::Published { .. } | Outcome::Pending => continue,
            };
            table.push(vec![
                Cell::Time(line.date),
                Cell::text(&line.title),
                Cell::Text(account),
                Cell::Text(state),
                Cell::Text(reason),
            ]);
        }
    }
    table
}

fn sla(recap: &Recap) -> Table {
    let mut table = Table::new(
        names::SLA,
        "Kepatuhan waktu per langkah SOP",
        &["Alur", "Langkah", "Peran", "Batas waktu", "Jumlah", "Median", "Persentil 90", "Dalam batas", "Ditolak"],
        "Tidak ada langkah yang dikerjakan pada periode ini.",
    );
    for step in &recap.steps {
        table.push(vec![
            Cell::text(&step.workflow),
            Cell::text(&step.step),
            Cell::text(&step.role),
            step.within.map_or(Cell::Empty, Cell::Duration),
            Cell::Count(step.taken.len() as u64),
            step.median().map_or(Cell::Empty, Cell::Duration),
            step.p90().map_or(Cell::Empty, Cell::Duration),
            step.share_within().map_or(Cell::Empty, Cell::Share),
            Cell::Count(step.rejections as u64),
        ]);
    }
    table
}

fn rejections(recap: &Recap) -> Table {
    let mut table = Table::new(
        names::REJECTIONS,
        "Penolakan dan tanggapan tertulis",
        &["Waktu", "Judul", "Langkah", "Oleh", "Tanggapan"],
        "Tidak ada penolakan pada periode ini.",
    );
    for rejection in &recap.rejections {
        table.push(vec![
            Cell::Time(rejection.at),
            Cell::text(&rejection.title),
            Cell::text(&rejection.step),
            Cell::text(&rejection.name),
            Cell::text(&rejection.note),
        ]);
    }
    table
}

fn class_label(class: crate::ledger::FailureClass) -> &'static str {
    use crate::ledger::FailureClass;
    match class {
        FailureClass::Auth => "akses",
        FailureClass::Content => "konten",
        FailureClass::RateLimited => "batas permintaan",
        FailureClass::Retryable => "sementara",
    }
}
