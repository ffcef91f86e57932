//! The one code path behind `cargo xtask regen` and `cargo xtask check`: build every output in
//! memory from the inputs, then either write what changed or report what is stale.
//!
//! Inputs: the pages under `spec/docs/<service>/`, `spec/overrides.yaml` and
//! `spec/services/<service>.yaml`. Outputs: the IR under `spec/ir/<service>/` and one crate per
//! service under `generated-client/<service>/`. Every file under those two output folders is
//! generated: one the build does not produce is stale.

use crate::overrides::{OverrideError, Overrides, OVERRIDES_FILE};
use crate::parser::{self, ParseError};
use crate::services::{self, ServiceSettings};
use codegen::{CodegenError, GeneratedFile, CRATES_DIR};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use volcgen_ir::Page;

/// Documentation pages, the input: one folder per service.
pub const DOCS_DIR: &str = "spec/docs";
/// The IR, one YAML file per Action and Version, one folder per service.
pub const IR_DIR: &str = "spec/ir";
/// The command that brings committed output up to date.
pub const FIX_COMMAND: &str = "cargo xtask regen";

/// Output folders: every file under them is generated.
const MANAGED: &[&str] = &[
    IR_DIR,
    CRATES_DIR,
    codegen::service_crate::SERVICES_UNDER_TEST_DIR,
];

/// How temporary files end: an output is written to `.{name}.{random}.volcgen-tmp` beside it, then
/// renamed over it.
const TEMP_SUFFIX: &str = ".volcgen-tmp";

/// Held while `regen` runs, so two runs in one checkout do not interleave.
const LOCK_FILE: &str = "target/volcgen-regen.lock";

/// Why outputs could not be built or written. Nothing is written when this is returned from the
/// build stage.
#[derive(Debug)]
pub enum Error {
    /// One or more pages break the format; every one is listed.
    Parse(Vec<ParseError>),
    /// The IR could not be turned into code.
    Codegen(CodegenError),
    /// A file could not be read or written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Two pages document the same Action and Version, or the IR does not survive YAML.
    Inconsistent(String),
    /// `spec/overrides.yaml` does not parse.
    OverridesFile(String),
    /// Overrides that no longer apply; every one is listed.
    Overrides(Vec<OverrideError>),
    /// `spec/services/*.yaml` are malformed or disagree with a page; every problem is listed.
    Services(Vec<String>),
    /// Files under `spec/docs/` that cannot be taken as pages (symbolic links); every one is
    /// listed.
    Docs(Vec<String>),
    /// Pages that contradict themselves where no rule says which side is right; every one is
    /// listed with the override that settles it.
    Conflicts(Vec<(String, volcgen_ir::Conflict)>),
    /// Writing stopped part way: some outputs may already be written or removed.
    Write(Box<PartialWrite>),
}

/// What a `regen` that failed while writing had done, and had not.
#[derive(Debug)]
pub struct PartialWrite {
    /// What stopped it.
    pub cause: Error,
    /// Outputs replaced before it stopped.
    pub written: Vec<String>,
    /// Stale outputs removed before it stopped.
    pub removed: Vec<String>,
    /// Changed outputs still as they were.
    pub not_written: Vec<String>,
    /// Stale outputs still there.
    pub not_removed: Vec<String>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// One `error:` line per item.
        fn lines<T: fmt::Display>(f: &mut fmt::Formatter<'_>, errors: &[T]) -> fmt::Result {
            for (i, e) in errors.iter().enumerate() {
                if i > 0 {
                    writeln!(f)?;
                }
                write!(f, "error: {e}")?;
            }
            Ok(())
        }
        match self {
            Error::Parse(errors) => lines(f, errors),
            Error::Codegen(e) => write!(f, "error: code generation failed: {e}"),
            Error::Io { path, source } => write!(f, "error: {}: {source}", path.display()),
            Error::Inconsistent(m) => write!(f, "error: {m}"),
            Error::OverridesFile(m) => write!(f, "error: {m}"),
            Error::Overrides(errors) => lines(f, errors),
            Error::Services(errors) => lines(f, errors),
            Error::Docs(errors) => lines(f, errors),
            Error::Conflicts(conflicts) => {
                for (i, (file, conflict)) in conflicts.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{}", conflict_report(file, conflict))?;
                }
                Ok(())
            }
            Error::Write(partial) => {
                let PartialWrite {
                    cause,
                    written,
                    removed,
                    not_written,
                    not_removed,
                } = partial.as_ref();
                write!(f, "{cause}")?;
                if written.is_empty() && removed.is_empty() {
                    return write!(f, "\nregen: nothing was written");
                }
                for (what, paths) in [
                    ("written", written),
                    ("removed", removed),
                    ("NOT written (still the old version)", not_written),
                    ("NOT removed", not_removed),
                ] {
                    if !paths.is_empty() {
                        write!(f, "\nregen: {} {what}:", paths.len())?;
                        for path in paths {
                            write!(f, "\n    {path}")?;
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// The pages under `spec/docs/<service>/`, sorted by path, as (repository-relative path, text).
/// A page directly under `spec/docs/`, a symbolic link or a folder whose name cannot name a crate
/// is an error: every one is listed.
pub fn read_docs(root: &Path) -> Result<Vec<(String, String)>, Error> {
    let dir = root.join(DOCS_DIR);
    let mut problems = Vec::new();
    let mut paths = Vec::new();
    for entry in sorted_entries(&dir)? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().map_err(io(&entry.path()))?;
        let rel = format!("{DOCS_DIR}/{name}");
        if kind.is_symlink() {
            problems.push(format!(
                "{rel}: is a symbolic link; copy it into {DOCS_DIR}/ instead"
            ));
        } else if kind.is_dir() {
            // The folder names the crate `volcengine-<name>`.
            if !codegen::service_crate::is_crate_name(&name) {
                problems.push(format!(
                    "{rel}: a service folder is named like a crate: lowercase letters, digits and `-`, starting with a letter"
                ));
                continue;
            }
            for page in sorted_entries(&entry.path())? {
                let file = page.file_name().to_string_lossy().into_owned();
                if !file.ends_with(".md") {
                    continue;
                }
                let rel = format!("{rel}/{file}");
                if page.file_type().map_err(io(&page.path()))?.is_symlink() {
                    problems.push(format!(
                        "{rel}: is a symbolic link; copy the page into {DOCS_DIR}/{name}/ instead"
                    ));
                } else {
                    paths.push((rel, page.path()));
                }
            }
        } else if name.ends_with(".md") {
            problems.push(format!(
                "{rel}: pages live in a folder per service; move it to {DOCS_DIR}/<service>/{name}"
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Docs(problems));
    }
    paths
        .into_iter()
        .map(|(rel, path)| {
            let text = fs::read_to_string(&path).map_err(io(&path))?;
            Ok((rel, text))
        })
        .collect()
}

/// A folder's entries sorted by name; a missing folder has none.
fn sorted_entries(dir: &Path) -> Result<Vec<fs::DirEntry>, Error> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::Io {
                path: dir.to_owned(),
                source: e,
            })
        }
    };
    let mut entries = entries.collect::<Result<Vec<_>, _>>().map_err(io(dir))?;
    entries.sort_by_key(fs::DirEntry::file_name);
    Ok(entries)
}

/// The service folder of a page: `rtc` for `spec/docs/rtc/SendMessage.md`.
pub fn service_of(page_path: &str) -> &str {
    page_path
        .strip_prefix(DOCS_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
}

/// `f` over `items` on all cores, in order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    codegen::parallel::map(items, codegen::parallel::default_threads(), f)
}

/// Parses every page, on all cores, each with what its service's settings supply; every page's
/// error is collected, not just the first.
pub fn parse_all(
    docs: &[(String, String)],
    settings: &[ServiceSettings],
) -> Result<Vec<Page>, Error> {
    parse_all_with(docs, settings, &BTreeMap::new())
}

/// [`parse_all`], giving each page the nesting `spec/overrides.yaml` declares for it.
pub fn parse_all_with(
    docs: &[(String, String)],
    settings: &[ServiceSettings],
    nesting: &BTreeMap<String, parser::nesting::Nesting>,
) -> Result<Vec<Page>, Error> {
    let results = par_map(docs, |(path, text)| {
        let mut context = services::context_of(service_of(path), settings);
        context.nesting = nesting.get(path).cloned();
        parser::parse_page_in(path, text, &context)
    });
    let mut pages = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(p) => pages.push(p),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Parse(errors));
    }
    let mut seen = std::collections::BTreeMap::new();
    for p in &pages {
        if let Some(first) = seen.insert(
            (p.action.as_str(), p.version.as_str()),
            p.source.path.as_str(),
        ) {
            return Err(Error::Inconsistent(format!(
                "{}: `{}` Version `{}` is also documented in {first}; give each Version its own page",
                p.source.path, p.action, p.version
            )));
        }
    }
    Ok(pages)
}

/// Reads `spec/overrides.yaml` (absent means none).
pub fn read_overrides(root: &Path) -> Result<Overrides, Error> {
    let path = root.join(OVERRIDES_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => Overrides::from_yaml(&text).map_err(Error::OverridesFile),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Overrides::default()),
        Err(e) => Err(Error::Io { path, source: e }),
    }
}

/// Applies the overrides and refreshes what depends on them.
pub fn apply_overrides(pages: &mut [Page], overrides: &Overrides) -> Result<(), Error> {
    overrides.apply(pages).map_err(Error::Overrides)?;
    for page in pages.iter_mut() {
        page.examples.undocumented = parser::undocumented_fields(page);
    }
    Ok(())
}

/// Reads and checks `spec/services/*.yaml`.
pub fn read_services(root: &Path) -> Result<Vec<ServiceSettings>, Error> {
    let files = services::read_files(root).map_err(|e| Error::Services(vec![e]))?;
    let mut settings = services::parse(&files).map_err(Error::Services)?;
    services::read_changelogs(root, &mut settings).map_err(Error::Services)?;
    Ok(settings)
}

/// Every page under `spec/docs/`, parsed, with the overrides and the service settings applied.
pub fn parse_pages(root: &Path, docs: &[(String, String)]) -> Result<Vec<Page>, Error> {
    parse_with(root, docs, &read_services(root)?, true)
}

/// [`parse_pages`] with the service settings already read.
/// With `check_unused`, a `value_names` entry of the settings that names no value is an error.
fn parse_with(
    root: &Path,
    docs: &[(String, String)],
    settings: &[ServiceSettings],
    check_unused: bool,
) -> Result<Vec<Page>, Error> {
    let overrides = read_overrides(root)?;
    let nesting = overrides.nesting_by_page().map_err(Error::Overrides)?;
    let mut pages = parse_all_with(docs, settings, &nesting)?;
    apply_overrides(&mut pages, &overrides)?;
    services::apply(&mut pages, settings).map_err(Error::Services)?;
    crate::value_names::apply(&mut pages, settings, check_unused).map_err(Error::Services)?;
    let conflicts: Vec<(String, volcgen_ir::Conflict)> = pages
        .iter()
        .flat_map(|page| {
            let found = page
                .conflicts
                .iter()
                .cloned()
                .chain(crate::consistency::conflicts(page));
            found.map(|c| (page.source.path.clone(), c))
        })
        .collect();
    if !conflicts.is_empty() {
        return Err(Error::Conflicts(conflicts));
    }
    Ok(pages)
}

/// A conflict as `regen` reports it: where, what, and the override to paste into
/// `spec/overrides.yaml` (with its `why` still to write).
pub fn conflict_report(file: &str, conflict: &volcgen_ir::Conflict) -> String {
    let mut out = format!(
        "error: {file}:{}: {}
  settle it in {OVERRIDES_FILE} (say why; `set` is the parser's choice, change it if the page's other side is right):
",
        conflict.line, conflict.message
    );
    let mut yaml = format!(
        "  - page: {file}
    target: {}
    why: >-
      <why the page is wrong>
",
        conflict.target
    );
    for (key, pairs) in [("expect", &conflict.expect), ("set", &conflict.set)] {
        if pairs.is_empty() {
            continue;
        }
        yaml.push_str(&format!(
            "    {key}:
"
        ));
        for (k, v) in pairs {
            yaml.push_str(&yaml_pair(k, v, 6));
        }
    }
    out.push_str(&yaml);
    out.trim_end().to_owned()
}

/// `key: value` at `indent`, as YAML: multi-line values as a block scalar, others quoted when
/// YAML would read them as something else.
fn yaml_pair(key: &str, value: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    if value.contains('\n') {
        let mut out = format!("{pad}{key}: |-\n");
        for line in value.lines() {
            out.push_str(&format!("{pad}  {line}\n"));
        }
        return out;
    }
    let plain = serde_yaml::from_str::<String>(value).is_ok_and(|v| v == value)
        || matches!(value, "true" | "false")
        || value.parse::<f64>().is_ok();
    if plain {
        format!("{pad}{key}: {value}\n")
    } else {
        format!("{pad}{key}: '{}'\n", value.replace('\'', "''"))
    }
}

/// Every output file, built in memory from the pages and the service settings: the IR and one
/// crate per service folder that has pages.
pub fn build_outputs(
    pages: &[Page],
    settings: &[ServiceSettings],
) -> Result<Vec<GeneratedFile>, Error> {
    let mut by_service: BTreeMap<&str, Vec<Page>> = BTreeMap::new();
    for page in pages {
        by_service
            .entry(service_of(&page.source.path))
            .or_default()
            .push(page.clone());
    }
    // That the IR reads back unchanged is a test (`ir_survives_yaml`), not work done per run.
    let mut files: Vec<GeneratedFile> = par_map(pages, |page| GeneratedFile {
        path: format!(
            "{IR_DIR}/{}/{}",
            service_of(&page.source.path),
            page.ir_file_name()
        ),
        contents: page.to_yaml(),
    });
    let threads = codegen::parallel::default_threads();
    for (service, pages) in &by_service {
        let krate = services::crate_of(service, settings);
        let ir_dir = format!("{IR_DIR}/{service}");
        files
            .extend(codegen::crate_files(&krate, pages, &ir_dir, threads).map_err(Error::Codegen)?);
    }
    if !by_service.is_empty() {
        files.push(codegen::service_crate::rustfmt_toml());
    }
    let crates: Vec<codegen::ServiceCrate> = by_service
        .keys()
        .map(|service| services::crate_of(service, settings))
        .collect();
    files.extend(codegen::service_crate::services_under_test(&crates).map_err(Error::Codegen)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Reads, parses and generates everything, writing nothing.
pub fn build(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    build_checking(root, true)
}

/// [`build`]; with `check_unused` false, `value_names` entries that name no value are allowed
/// (a benchmark corpus has only some of the service's pages).
fn build_checking(root: &Path, check_unused: bool) -> Result<Vec<GeneratedFile>, Error> {
    let docs = read_docs(root)?;
    let settings = read_services(root)?;
    let pages = parse_with(root, &docs, &settings, check_unused)?;
    build_outputs(&pages, &settings)
}

/// A committed file that differs from what the build produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub path: String,
    /// A unified diff from the committed file to the expected one.
    pub diff: String,
}

/// What `regen` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    pub written: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

/// A file under an output folder that the build did not produce.
struct Stray {
    path: String,
    /// A temporary file left by an interrupted run, or planted.
    temporary: bool,
}

/// Files under the output folders that the build did not produce: outputs no page produces any
/// more, and temporary files. Symbolic links are reported, never followed.
fn stray_files(root: &Path, outputs: &[GeneratedFile]) -> Result<Vec<Stray>, Error> {
    let produced: HashSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    let mut out = Vec::new();
    let mut todo: Vec<String> = MANAGED.iter().map(|d| (*d).to_owned()).collect();
    while let Some(dir) = todo.pop() {
        for entry in sorted_entries(&root.join(&dir))? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{dir}/{name}");
            let kind = entry.file_type().map_err(io(&entry.path()))?;
            if kind.is_dir() {
                todo.push(path);
            } else if !produced.contains(path.as_str()) {
                let temporary = name.ends_with(TEMP_SUFFIX);
                out.push(Stray { path, temporary });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Compares the outputs with the files on disk.
pub fn compare(root: &Path, outputs: &[GeneratedFile]) -> Result<Vec<Stale>, Error> {
    let mut stale = Vec::new();
    for file in outputs {
        let path = root.join(&file.path);
        let current = match fs::read_to_string(&path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::Io { path, source: e }),
        };
        if current.as_deref() != Some(file.contents.as_str()) {
            let old = current.unwrap_or_default();
            let diff = similar::TextDiff::from_lines(old.as_str(), file.contents.as_str())
                .unified_diff()
                .context_radius(3)
                .header(
                    &format!("a/{} (committed)", file.path),
                    &format!("b/{} (expected)", file.path),
                )
                .to_string();
            stale.push(Stale {
                path: file.path.clone(),
                diff,
            });
        }
    }
    for Stray { path, temporary } in stray_files(root, outputs)? {
        let diff = if temporary {
            format!("{path} is a temporary file left by an interrupted `{FIX_COMMAND}` (or planted); remove it\n")
        } else {
            format!("{path} is not produced by any page and should be removed\n")
        };
        stale.push(Stale { diff, path });
    }
    Ok(stale)
}

/// Writes every changed output atomically (a temporary file renamed over the old one) and removes
/// outputs no page produces, temporary files left by interrupted runs, and folders left empty.
/// Call only after the whole build succeeded. A failure part way is an [`Error::Write`] saying
/// what was done.
pub fn write_outputs(root: &Path, outputs: &[GeneratedFile]) -> Result<Written, Error> {
    let mut report = Written::default();
    let mut changed = Vec::new();
    for file in outputs {
        if fs::read(root.join(&file.path)).ok().as_deref() == Some(file.contents.as_bytes()) {
            report.unchanged += 1;
        } else {
            changed.push(file);
        }
    }
    let strays: Vec<String> = stray_files(root, outputs)?
        .into_iter()
        .map(|s| s.path)
        .collect();
    let stopped = |report: Written, cause: Error, not_written: &[&GeneratedFile], not_removed| {
        Error::Write(Box::new(PartialWrite {
            cause,
            written: report.written,
            removed: report.removed,
            not_written: not_written.iter().map(|f| f.path.clone()).collect(),
            not_removed,
        }))
    };
    let dirs: BTreeSet<&Path> = changed
        .iter()
        .filter_map(|f| Path::new(&f.path).parent())
        .collect();
    for dir in dirs {
        let dir = root.join(dir);
        if let Err(e) = fs::create_dir_all(&dir) {
            let cause = Error::Io {
                path: dir,
                source: e,
            };
            return Err(stopped(report, cause, &changed, strays));
        }
    }
    for (i, file) in changed.iter().enumerate() {
        if let Err(cause) = write_atomically(&root.join(&file.path), file.contents.as_bytes()) {
            return Err(stopped(report, cause, &changed[i..], strays));
        }
        report.written.push(file.path.clone());
    }
    for (i, rel) in strays.iter().enumerate() {
        let path = root.join(rel);
        if let Err(e) = fs::remove_file(&path) {
            let cause = Error::Io { path, source: e };
            return Err(stopped(report, cause, &[], strays[i..].to_vec()));
        }
        report.removed.push(rel.clone());
    }
    // Folders the removals emptied (a service or an Action gone); best effort.
    for rel in &report.removed {
        for dir in Path::new(rel).ancestors().skip(1) {
            if MANAGED.iter().any(|m| Path::new(m) == dir)
                || fs::remove_dir(root.join(dir)).is_err()
            {
                break;
            }
        }
    }
    Ok(report)
}

/// Writes `contents` to a new temporary file beside `path` and renames it over `path`. The
/// temporary file is created exclusively under a name no other run picks, so a file or link
/// planted there is never written through, and two writers never share one.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    use std::hash::{BuildHasher, Hasher};
    use std::io::Write;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut attempt = 0;
    let (tmp, mut file) = loop {
        // Random per process and per call: std seeds each `RandomState` from the OS.
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let tmp = path.with_file_name(format!(
            ".{name}.{}-{random:016x}{TEMP_SUFFIX}",
            std::process::id()
        ));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(e) => {
                return Err(Error::Io {
                    path: tmp,
                    source: e,
                })
            }
        }
    };
    let written = file
        .write_all(contents)
        .map_err(io(&tmp))
        .and_then(|()| fs::rename(&tmp, path).map_err(io(path)));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Held by a running `regen`: an advisory lock on a file under `target/`, released when this is
/// dropped or the process ends however it ends, so a killed run never blocks the next.
#[derive(Debug)]
pub struct RegenLock {
    _file: fs::File,
}

/// Takes the checkout's regen lock, waiting (and saying so) while another run holds it.
pub fn lock(root: &Path) -> Result<RegenLock, Error> {
    let path = root.join(LOCK_FILE);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!(
                "regen: waiting for another `{FIX_COMMAND}` in {} to finish (it holds {LOCK_FILE})",
                root.display()
            );
            file.lock().map_err(io(&path))?;
        }
        Err(fs::TryLockError::Error(e)) => return Err(Error::Io { path, source: e }),
    }
    Ok(RegenLock { _file: file })
}

/// `cargo xtask regen`: one run at a time per checkout.
pub fn regen(root: &Path) -> Result<Written, Error> {
    let _lock = lock(root)?;
    let outputs = build(root)?;
    write_outputs(root, &outputs)
}

/// [`regen`] of a benchmark corpus, which has only some of the pages the service settings'
/// `value_names` are for: entries that name no value are allowed.
pub fn regen_corpus(root: &Path) -> Result<Written, Error> {
    let _lock = lock(root)?;
    let outputs = build_checking(root, false)?;
    write_outputs(root, &outputs)
}

/// `cargo xtask check`: the stale files, empty when everything is up to date.
pub fn check(root: &Path) -> Result<Vec<Stale>, Error> {
    compare(root, &build(root)?)
}

/// The repository to work on: the nearest folder, from `start` up, whose `Cargo.toml` has a
/// `[workspace]` table. Found at run time, so one build of this tool serves any checkout.
pub fn find_root(start: &Path) -> Result<PathBuf, String> {
    for dir in start.ancestors() {
        let is_workspace = fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|text| text.lines().any(|l| l.trim() == "[workspace]"));
        if is_workspace {
            return Ok(dir.to_owned());
        }
    }
    Err(format!(
        "no Cargo.toml with a [workspace] table in {} or any folder above it; run this inside the repository or pass --root DIR",
        start.display()
    ))
}
