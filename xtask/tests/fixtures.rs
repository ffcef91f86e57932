//! Format variations seen in real pages, as fixture pages under `tests/fixtures/`: each parses to
//! the IR snapshot beside it (`Name.ir.yaml`), and together with the family fixture checkout's
//! pages (`tests/fixtures/families/`, see `families.rs`) they generate a whole crate,
//! `tests/fixtures/volcengine-fixtures/` (two Versions of one Action side by side, reserved names,
//! keywords, a GET page, error codes), a workspace member that the `volcgen-tests` crate calls
//! (`tests/tests/fixture_code.rs`). `VOLCGEN_BLESS=1` rewrites the snapshots.

use codegen::ir::Page;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 3, "fixtures missing");
    out
}

fn bless() -> bool {
    std::env::var_os("VOLCGEN_BLESS").is_some()
}

/// A unified diff of a stale snapshot.
fn diff(path: &Path, committed: &str, made: &str) -> String {
    let diff = similar::TextDiff::from_lines(committed, made)
        .unified_diff()
        .header("committed", "made")
        .to_string();
    format!("{}:\n{diff}", path.display())
}

const BLESS: &str =
    "If the change is intended, run `VOLCGEN_BLESS=1 cargo test -p xtask --test fixtures`";

fn parse(path: &Path, text: &str) -> Page {
    let name = format!("fixtures/{}", path.file_name().unwrap().to_string_lossy());
    xtask::parser::parse_page(&name, text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn fixtures_match_their_ir_snapshots() {
    let mut stale = Vec::new();
    for (path, text) in fixtures() {
        let yaml = parse(&path, &text).to_yaml();
        let snapshot = path.with_extension("ir.yaml");
        if bless() {
            std::fs::write(&snapshot, &yaml).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if committed != yaml {
            stale.push(diff(&snapshot, &committed, &yaml));
        }
    }
    assert!(stale.is_empty(), "{}\n{BLESS}", stale.join("\n"));
}

/// Where the fixture crate lives, relative to this package: a whole generated crate
/// (`volcengine-fixtures`), a member of the workspace.
const FIXTURE_CRATE: &str = "tests/fixtures/volcengine-fixtures";

/// The family fixture checkout's pages (`tests/fixtures/families/`), read as `regen` reads the
/// repository's: with its settings, overrides and conflicts checked.
fn family_pages() -> Vec<Page> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/families");
    let docs = xtask::regen::read_docs(&root).unwrap_or_else(|e| panic!("{e}"));
    xtask::regen::parse_pages(&root, &docs).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn fixture_crate_matches_its_snapshot() {
    // The seed-format fixtures and every family's fixture pages: one crate that compiles them all.
    let mut pages: Vec<Page> = fixtures().iter().map(|(p, t)| parse(p, t)).collect();
    pages.extend(family_pages());
    let krate = codegen::ServiceCrate {
        service: "fixtures".into(),
        crate_name: "volcengine-fixtures".into(),
        title: "Volcengine fixtures".into(),
        version: "0.1.0".into(),
        changelog: None,
    };
    let generated = codegen::crate_files(&krate, &pages, "xtask/tests/fixtures", 1).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE_CRATE);
    // The crate's files, under its folder; its own `rustfmt.toml` keeps `cargo fmt` off them.
    let mut files: Vec<(PathBuf, String)> = generated
        .iter()
        .map(|f| {
            let rel = f
                .path
                .strip_prefix(&format!("{}/", krate.dir()))
                .unwrap_or_else(|| panic!("{} is outside the crate", f.path));
            (PathBuf::from(rel), f.contents.clone())
        })
        .collect();
    let rustfmt = codegen::service_crate::rustfmt_toml();
    files.push((PathBuf::from("rustfmt.toml"), rustfmt.contents));
    let mut stale = Vec::new();
    for (rel, contents) in &files {
        let path = root.join(rel);
        if bless() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, contents).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if &committed != contents {
            stale.push(diff(&path, &committed, contents));
        }
    }
    // Nothing else in the folder.
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if !files.iter().any(|(rel, _)| root.join(rel) == path) {
                if bless() {
                    std::fs::remove_file(&path).unwrap();
                } else {
                    stale.push(format!("{}: no longer generated", path.display()));
                }
            }
        }
    }
    assert!(stale.is_empty(), "{}\n{BLESS}", stale.join("\n"));
}

#[test]
fn variations_are_understood() {
    let pages: Vec<Page> = fixtures().iter().map(|(p, t)| parse(p, t)).collect();
    let find = |action: &str, version: &str| {
        pages
            .iter()
            .find(|p| p.action == action && p.version == version)
            .unwrap()
    };
    let old = find("StartRecord", "2022-06-01");
    assert_eq!(old.qps_limit, Some(60));
    // Dotted rows become structs named after their parent, at any depth.
    let names: Vec<&str> = old.structs.iter().map(|s| s.name.as_str()).collect();
    // An array's element struct is named in the singular (`Regions` → `Region`).
    assert_eq!(names, ["Encode", "Region", "CustomLayout", "Layout"]);
    let regions = old.find_struct("Region").unwrap();
    assert!(regions.fields[0].required);
    assert_eq!(
        old.find_struct("CustomLayout").unwrap().fields[0]
            .ty
            .to_string(),
        "array<struct Region>"
    );

    let new = find("StartRecord", "2023-11-01");
    let body = &new.request.body;
    assert_eq!(body[1].ty.to_string(), "uint64");
    assert_eq!(body[2].description, "模式，取值 `a|b` 或 `c`；默认 `c`。");
    assert_eq!(body[3].description, "流列表\n最多 17 路");
    assert!(
        body[6].description.contains(":::tip"),
        "{}",
        body[6].description
    );
    assert_eq!(body[6].ty.to_string(), "struct Stream");
    let stream = new.find_struct("Stream").unwrap();
    assert_eq!(stream.fields[0].ty.to_string(), "struct StreamInfo");
    assert_eq!(new.find_struct("StreamInfo").unwrap().anchor, "stream-info");
    assert_eq!(new.error_codes.len(), 2);
    assert_eq!(new.error_codes[1].status, Some(429));
    assert_eq!(new.examples.undocumented, ["response: Result.Extra"]);

    let get = find("GetImage", "2018-08-01");
    assert_eq!(
        (get.service.as_str(), get.host.as_str()),
        ("imagex", "imagex.volcengineapi.com")
    );
    assert_eq!(get.request.query.len(), 3);
}

#[test]
fn fixtures_generate_side_by_side() {
    let pages: Vec<Page> = fixtures().iter().map(|(p, t)| parse(p, t)).collect();
    let files = codegen::generate(&pages, "fixtures", "generated", "fixtures").unwrap();
    let code = |name: &str| {
        files
            .iter()
            .find(|f| f.path.ends_with(name))
            .map(|f| f.contents.as_str())
            .unwrap()
    };
    let start_record = code("/start_record.rs");
    assert!(start_record.contains("pub use self::v2023_11_01::*;"));
    assert!(start_record.contains("pub mod v2022_06_01 {"));
    // Reserved names and keywords are renamed, wire names kept.
    let types = code("/types.rs");
    assert!(types.contains("pub struct OptionObject {"), "{types}");
    // Structs and value lists live in `types`, re-exported by each page's module.
    assert!(types.contains("crate::open_enum! {"), "{types}");
    assert!(start_record
        .contains("pub use crate::api::types::{Mode, OptionObject, Stream, StreamInfo};"));
    assert!(start_record.contains("pub type_: Option<String>,"));
    assert!(types.contains("self_ : optional \"self\";"));
    assert!(start_record
        .contains("pub const INVALID_PARAMETER_APP_ID: &str = \"InvalidParameter.AppId\";"));
    assert!(start_record.contains("pub task_id: u64,"));
    assert!(start_record.contains("impl crate::Client {"));
    assert!(start_record.contains("pub async fn start_record("));
    assert!(start_record.contains("pub async fn start_record_v2022_06_01("));
    let mod_rs = code("/mod.rs");
    assert!(mod_rs.contains("entry::<start_record::v2022_06_01::StartRecordRequest>(),"));
    assert!(mod_rs.contains("entry::<start_record::v2023_11_01::StartRecordRequest>(),"));
    // Same input, same bytes, whatever the thread count.
    assert_eq!(
        files,
        codegen::generate_with_threads(&pages, "fixtures", "generated", "fixtures", 1).unwrap()
    );
}
