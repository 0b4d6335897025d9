//! The folders of src/ are layers; each may use only the layers listed before it
//! (see `src/lib.rs`). Cargo cannot enforce that inside one crate, so this test reads
//! every source file of each layer and fails on a reference to a higher layer.

use std::path::Path;

/// Lowest first.
const LAYERS: [&str; 10] =
    ["source", "config", "content", "chain", "check", "ledger", "publish", "report", "site", "daemon"];

#[test]
fn layers_only_use_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    let mut files_read = 0;
    for (position, layer) in LAYERS.iter().enumerate() {
        let folder = src.join(layer);
        if !folder.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&folder) {
            let entry = entry.expect("walk src");
            if entry.path().extension().is_none_or(|extension| extension != "rs") {
                continue;
            }
            files_read += 1;
            let text = std::fs::read_to_string(entry.path()).expect("read source");
            for higher in &LAYERS[position + 1..] {
                for pattern in [format!("crate::{higher}::"), format!("crate::{higher};"), format!("crate::{{{higher}")]
                {
                    if text.contains(&pattern) {
                        violations.push(format!("{} uses `{pattern}`", entry.path().display()));
                    }
                }
            }
            if text.contains("crate::cli") || text.contains("siaran::") {
                violations.push(format!("{} reaches into the binary or names the crate", entry.path().display()));
            }
        }
    }
    assert!(files_read >= 20, "read only {files_read} files");
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}
