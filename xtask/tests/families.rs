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

/// Copies the tracked files under `from` to `to` (the fixture checkout is small).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Trailing spaces (a Markdown line break, or what a copy leaves) and HTML comments change
/// nothing a page says: with a comment and spaces after every line outside its code blocks,
/// every page gives the same IR.
#[test]
fn trailing_spaces_and_comments_change_no_page() {
    // The families' pages, and the shipped real pages (with their overrides).
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (root, name) in [(root(), "families"), (real, "real")] {
        unchanged_by_spaces_and_comments(&root, name);
    }
}

fn unchanged_by_spaces_and_comments(root: &Path, name: &str) {
    let copy = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-trailing-spaces"));
    if copy.exists() {
        std::fs::remove_dir_all(&copy).unwrap();
    }
    copy_dir(&root.join("spec"), &copy.join("spec"));
    for (path, text) in regen::read_docs(&copy).unwrap_or_else(|e| panic!("{e}")) {
        let mut in_fence = false;
        let mut spaced = String::new();
        for line in text.lines() {
            let fence = line.trim_start().starts_with("```");
            spaced.push_str(line);
            if !in_fence && !fence {
                spaced.push_str("  <!-- an editor's note -->  ");
            }
            spaced.push('\n');
            in_fence ^= fence;
        }
        std::fs::write(copy.join(&path), spaced).unwrap();
    }
    let ir = |root: &Path| -> Vec<(String, String)> {
        regen::build(root)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|f| f.path.starts_with(regen::IR_DIR))
            .map(|f| (f.path, f.contents))
            .collect()
    };
    let (plain, spaced) = (ir(root), ir(&copy));
    assert_eq!(plain.len(), spaced.len());
    for ((path, a), (_, b)) in plain.iter().zip(&spaced) {
        if a != b {
            let diff = similar::TextDiff::from_lines(a, b)
                .unified_diff()
                .to_string();
            panic!("{path} changed with trailing spaces and comments:\n{diff}");
        }
    }
}
