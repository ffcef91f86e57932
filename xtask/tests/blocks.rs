//! The block layer over every real page and every fixture page: blocks come in page order, the
//! top-level ones never overlap, every non-blank line is in one, and every family reads the same
//! kinds of block the same way (a heading is a heading on every page).

use std::path::{Path, PathBuf};
use xtask::parser::blocks::{Blocks, Kind};

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            pages(&path, out);
        } else if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
}

fn all_pages() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace");
    let mut out = Vec::new();
    pages(&root.join("spec/docs"), &mut out);
    pages(&root.join("xtask/tests/fixtures"), &mut out);
    out
}

#[test]
fn every_line_of_every_page_is_in_one_top_level_block() {
    let files = all_pages();
    assert!(files.len() > 50, "{} pages", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let page = Blocks::read(&text);
        let mut covered = 0u32;
        let mut previous_line = 0u32;
        for block in page.blocks() {
            assert!(block.line <= block.end, "{}: {block:?}", path.display());
            assert!(block.line >= previous_line, "{}: {block:?}", path.display());
            previous_line = block.line;
            if block.depth == 0 {
                assert!(
                    block.line > covered,
                    "{}: {block:?} overlaps the block before it",
                    path.display()
                );
                for no in covered + 1..block.line {
                    assert!(
                        page.line(no).trim().is_empty(),
                        "{}:{no}: in no block",
                        path.display()
                    );
                }
                covered = block.end;
            } else {
                assert!(block.end <= covered, "{}: {block:?}", path.display());
            }
        }
        for no in covered + 1..=page.line_count() {
            assert!(
                page.line(no).trim().is_empty(),
                "{}:{no}: in no block",
                path.display()
            );
        }
    }
}

#[test]
fn headings_tables_and_fences_are_where_their_lines_say() {
    for path in all_pages() {
        let text = std::fs::read_to_string(&path).unwrap();
        let page = Blocks::read(&text);
        for block in page.blocks().iter().filter(|b| b.depth == 0) {
            let first = page.line(block.line);
            match &block.kind {
                Kind::Heading { level, .. } => {
                    let hashes = first.trim_start().bytes().take_while(|&b| b == b'#');
                    assert_eq!(hashes.count(), usize::from(*level), "{}", path.display());
                }
                // A run of `|` lines, or a GFM table without leading pipes.
                Kind::Table => {
                    let lines = page.lines_of(block);
                    let pipes = lines.iter().all(|l| l.trim_start().starts_with('|'));
                    let delimiter = lines.get(1).is_some_and(|l| {
                        l.contains("---") && l.chars().all(|c| "|-: ".contains(c))
                    });
                    assert!(pipes || delimiter, "{}:{}", path.display(), block.line);
                }
                Kind::Code {
                    fence: Some(fence),
                    closed,
                    ..
                } => {
                    assert!(
                        first.trim_start().starts_with(&fence.as_written()),
                        "{}",
                        path.display()
                    );
                    assert!(*closed, "{}:{}", path.display(), block.line);
                }
                _ => {}
            }
        }
    }
}

#[test]
fn a_long_page_of_every_block_kind_reads_in_linear_time() {
    // Each kind of boundary the layer cuts pulldown-cmark's stretches at, many times over: the
    // stretches must each be parsed once.
    let unit = "para\n| a | b |\n|---|---|\n- item\n<span id=\"x\"></span>\n## H\n:::tip\n```\n| in code |\n```\n:::\n";
    let text = unit.repeat(5_000);
    let started = std::time::Instant::now();
    let page = Blocks::read(&text);
    let headings = page
        .blocks()
        .iter()
        .filter(|b| {
            matches!(
                b.kind,
                Kind::Heading {
                    anchor: Some(_),
                    ..
                }
            )
        })
        .count();
    assert_eq!(headings, 5_000);
    let tables = page
        .blocks()
        .iter()
        .filter(|b| b.kind == Kind::Table)
        .count();
    assert_eq!(tables, 5_000);
    // Generous: a quadratic layer takes minutes here.
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}
