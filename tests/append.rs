//! Appending sign-offs keeps every other byte of the post file.

mod common;

use common::added_lines;
use proptest::prelude::*;
use siaran::content::Decision;
use siaran::content::append::{AppendError, NewSignOff, append_signoff, remove_signoffs};

const SIGNATURE: &str = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n";

fn signoff(note: &str) -> NewSignOff<'_> {
    NewSignOff {
        step: "terima",
        by: "fajar",
        at: "2026-11-20T09:30:00+07:00",
        decision: Decision::Approve,
        note,
        digest: "sha256:00",
        signature: SIGNATURE,
    }
}

#[test]
fn appends_after_the_last_item_keeping_comments_and_later_keys() {
    let text = "---\ntitle: a # judul\nsignoffs:\n  # pertama\n  - step: serah\n    by: rina\n    note: |\n      baris\n\n# kunci berikut\ntags: [x]\n---\nBody\n";
    let out = append_signoff(text, &signoff("")).unwrap();
    let added = added_lines(text, &out);
    assert_eq!(added[0], "  - step: terima\n");
    assert!(out.contains("      baris\n  - step: terima\n"), "{out}");
    assert!(out.contains("\n\n# kunci berikut\ntags: [x]\n---\nBody\n"));
    assert!(out.contains("    signature: |\n      -----BEGIN SSH SIGNATURE-----\n"));
}

#[test]
fn keeps_the_lists_own_indentation() {
    let text = "---\ntitle: a\nsignoffs:\n- step: serah\n  by: rina\n---\n";
    let out = append_signoff(text, &signoff("")).unwrap();
    assert!(out.contains("  by: rina\n- step: terima\n  by: fajar\n"), "{out}");
}

#[test]
fn replaces_an_empty_flow_list_and_keeps_its_comment() {
    let text = "---\ntitle: a\nsignoffs: [] # belum ada\ntags: []\n---\n";
    let out = append_signoff(text, &signoff("")).unwrap();
    assert!(out.starts_with("---\ntitle: a\nsignoffs: # belum ada\n  - step: terima\n"), "{out}");
    assert!(out.ends_with("-----END SSH SIGNATURE-----\ntags: []\n---\n"), "{out}");
}

#[test]
fn adds_the_key_when_there_is_none_and_keeps_crlf() {
    let text = "---\r\ntitle: a\r\n---\r\nBody\r\n";
    let out = append_signoff(text, &signoff("")).unwrap();
    assert!(out.starts_with("---\r\ntitle: a\r\nsignoffs:\r\n  - step: terima\r\n"), "{out}");
    assert!(out.ends_with("-----END SSH SIGNATURE-----\r\n---\r\nBody\r\n"));
    assert!(!out.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
}

#[test]
fn refuses_a_one_line_list() {
    let text = "---\ntitle: a\nsignoffs: [{step: serah}]\n---\n";
    assert_eq!(append_signoff(text, &signoff("")), Err(AppendError::FlowStyle(3)));
    assert_eq!(append_signoff("title: a\n", &signoff("")), Err(AppendError::NoFrontMatter));
}

proptest! {
    #[test]
    fn any_note_reads_back_exactly(note in "\\PC*|[\\x00-\\x7f\\u{80}-\\u{a0}\\u{feff}\\n\\r\\t]*") {
        let text = "---\ntitle: a\nsignoffs: []\n---\n";
        let out = append_signoff(text, &signoff(&note)).unwrap();
        let yaml = siaran::content::front_matter::split(&out).unwrap().yaml;
        let value: serde_json::Value = siaran::source::yaml::from_str(yaml).unwrap();
        prop_assert_eq!(value["signoffs"][0]["note"].as_str(), Some(note.as_str()));
        prop_assert_eq!(value["signoffs"][0]["signature"].as_str(), Some(SIGNATURE));
    }
}

#[test]
fn removing_then_appending_gives_a_block_list() {
    let text = "---\ntitle: a\nsignoffs:\n  - step: serah\n    by: rina\ntags: [x]\n---\nBody\n";
    assert_eq!(remove_signoffs(text), "---\ntitle: a\ntags: [x]\n---\nBody\n");
    assert_eq!(remove_signoffs("---\nsignoffs: []\n---\n"), "---\n---\n");
}
