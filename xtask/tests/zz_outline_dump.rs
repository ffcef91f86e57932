//! Temporary: dumps the outline (or error) of every page and of line-level variants of it, so a
//! reader port can be checked to change nothing. `OUTLINE_DUMP=dir cargo test -p xtask --test
//! zz_outline_dump -- --ignored`.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use xtask::parser::{read_outline, reader_for};

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            pages(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

fn show(file: &str, text: &str) -> String {
    let reader = reader_for(text).map(|r| r.name());
    format!("{reader:?}\n{:#?}", read_outline(file, text))
}

fn hash(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// The variant `kind` (0 prefix, 1 deleted, 2 doubled, 3 blanked, 4 trimmed) at line index `i`.
fn variant(text: &str, kind: usize, i: usize) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    match kind {
        0 => lines[..i].concat(),
        1 => lines[..i].concat() + &lines[i + 1..].concat(),
        2 => lines[..=i].concat() + &lines[i..].concat(),
        3 => lines[..i].concat() + "\n" + &lines[i..].concat(),
        _ => lines[..i].concat() + lines[i].trim_start() + &lines[i + 1..].concat(),
    }
}

/// `OUTLINE_ONE=path:kind:i`: prints that variant's outline.
#[test]
#[ignore]
fn one() {
    let Ok(spec) = std::env::var("OUTLINE_ONE") else {
        return;
    };
    let mut parts = spec.split(':');
    let path = parts.next().unwrap();
    let kind: usize = parts.next().unwrap().parse().unwrap();
    let i: usize = parts.next().unwrap().parse().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    let text = if kind == 9 { text } else { variant(&text, kind, i) };
    let shown = show(path, &text);
    println!("{:016x}\n{}", hash(&shown), shown);
}

#[test]
#[ignore]
fn dump() {
    let Ok(out) = std::env::var("OUTLINE_DUMP") else {
        return;
    };
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    pages(&root.join("spec/docs"), &mut files);
    pages(&root.join("xtask/tests/fixtures"), &mut files);
    for path in files {
        let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let name = rel.replace('/', "__");
        std::fs::write(out.join(format!("{name}.full")), show(&rel, &text)).unwrap();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut variants = String::new();
        for i in 0..lines.len() {
            let prefix: String = lines[..i].concat();
            let deleted: String = lines[..i].concat() + &lines[i + 1..].concat();
            let doubled: String = lines[..=i].concat() + &lines[i..].concat();
            let blanked: String = lines[..i].concat() + "\n" + &lines[i..].concat();
            let trimmed: String =
                lines[..i].concat() + lines[i].trim_start() + &lines[i + 1..].concat();
            let _ = writeln!(
                variants,
                "{i} {:016x} {:016x} {:016x} {:016x} {:016x}",
                hash(&show(&rel, &prefix)),
                hash(&show(&rel, &deleted)),
                hash(&show(&rel, &doubled)),
                hash(&show(&rel, &blanked)),
                hash(&show(&rel, &trimmed)),
            );
        }
        std::fs::write(out.join(format!("{name}.variants")), variants).unwrap();
    }
}
