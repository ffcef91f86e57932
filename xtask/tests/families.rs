//! The format-example pages of every documentation family (their Actions and fields invented to
//! show a layout, so they ship in no crate) as a checkout of their own,
//! `tests/fixtures/families/`: `spec/docs/<service>/`, `spec/services/` and `spec/overrides.yaml`
//! as in the repository. `regen`'s own build reads them, settles their conflicts with their
//! overrides and generates their crates; their IR must equal the snapshots under
//! `spec/ir/` there. `VOLCGEN_BLESS=1` rewrites the snapshots.

use std::path::{Path, PathBuf};
use xtask::regen;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/families")
}

#[test]
fn every_family_builds_and_matches_its_ir_snapshots() {
    let root = root();
    let outputs = regen::build(&root).unwrap_or_else(|e| panic!("{e}"));
    let ir: Vec<_> = outputs
        .iter()
        .filter(|f| f.path.starts_with(regen::IR_DIR))
        .collect();
    assert!(ir.len() >= 10, "every family's pages: {}", ir.len());
    let bless = std::env::var_os("VOLCGEN_BLESS").is_some();
    let mut stale = Vec::new();
    for file in &ir {
        let path = root.join(&file.path);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &file.contents).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != file.contents {
            let diff = similar::TextDiff::from_lines(&committed, &file.contents)
                .unified_diff()
                .header("committed", "made")
                .to_string();
            stale.push(format!("{}:\n{diff}", path.display()));
        }
    }
    // No snapshot of a page that is gone.
    for service in std::fs::read_dir(root.join(regen::IR_DIR))
        .into_iter()
        .flatten()
    {
        for entry in std::fs::read_dir(service.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if !ir.iter().any(|f| f.path == rel) {
                if bless {
                    std::fs::remove_file(&path).unwrap();
                } else {
                    stale.push(format!("{rel}: no page makes it any more"));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nIf the change is intended, run `VOLCGEN_BLESS=1 cargo test -p xtask --test families`",
        stale.join("\n")
    );
}

#[test]
fn every_family_is_read_by_its_own_reader() {
    let root = root();
    let docs = regen::read_docs(&root).unwrap_or_else(|e| panic!("{e}"));
    let mut families: Vec<&str> = docs
        .iter()
        .map(|(_, text)| {
            xtask::parser::reader_for(text)
                .unwrap_or_else(|e| panic!("{e}"))
                .name()
        })
        .collect();
    families.sort_unstable();
    families.dedup();
    assert_eq!(families.len(), 4, "{families:?}");
}
