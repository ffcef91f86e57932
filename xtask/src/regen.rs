//! The one code path behind `cargo xtask regen` and `cargo xtask check`: build every output in
//! memory, then either write what changed or report what is stale.

use crate::overrides::{OverrideError, Overrides, OVERRIDES_FILE};
use crate::parser::{self, ParseError};
use crate::services;
use codegen::ir::Page;
use codegen::{CodegenError, GeneratedFile, GENERATED_DIR};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// Documentation pages, the input.
pub const DOCS_DIR: &str = "spec/docs";
/// The IR, one YAML file per Action and Version.
pub const IR_DIR: &str = "spec/ir";
/// The command that brings committed output up to date.
pub const FIX_COMMAND: &str = "cargo xtask regen";

/// Output folders and the file extension each holds: a file there that the build does not
/// produce is stale.
const MANAGED: &[(&str, &str)] = &[(IR_DIR, "yaml"), (GENERATED_DIR, "rs")];

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

/// The pages under `spec/docs/`, sorted by file name, as (repository-relative path, text).
pub fn read_docs(root: &Path) -> Result<Vec<(String, String)>, Error> {
    let dir = root.join(DOCS_DIR);
    let mut names = Vec::new();
    for entry in fs::read_dir(&dir).map_err(io(&dir))? {
        let entry = entry.map_err(io(&dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && entry.file_type().map_err(io(&dir))?.is_file() {
            names.push(name);
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let text = fs::read_to_string(&path).map_err(io(&path))?;
            Ok((format!("{DOCS_DIR}/{name}"), text))
        })
        .collect()
}

/// `f` over `items` on all cores, in order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    codegen::parallel::map(items, codegen::parallel::default_threads(), f)
}

/// Parses every page, on all cores; every page's error is collected, not just the first.
pub fn parse_all(docs: &[(String, String)]) -> Result<Vec<Page>, Error> {
    let results = par_map(docs, |(path, text)| parser::parse_page(path, text));
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

/// Every output file, built in memory from the pages.
pub fn build_outputs(pages: &[Page]) -> Result<Vec<GeneratedFile>, Error> {
    build_outputs_reusing(
        pages,
        par_map(pages, Page::to_yaml),
        &|_: &str, _: &[&Page]| None,
    )
}

/// [`build_outputs`] with the IR texts already made (`ir[i]` is `pages[i]`'s), reusing the code
/// files `reuse` vouches for.
fn build_outputs_reusing(
    pages: &[Page],
    ir: Vec<String>,
    reuse: &(dyn Fn(&str, &[&Page]) -> Option<String> + Sync),
) -> Result<Vec<GeneratedFile>, Error> {
    // That the IR reads back unchanged is a test (`ir_survives_yaml`), not work done per run.
    let mut files: Vec<GeneratedFile> = pages
        .iter()
        .zip(ir)
        .map(|(page, yaml)| GeneratedFile {
            path: format!("{IR_DIR}/{}", page.ir_file_name()),
            contents: yaml,
        })
        .collect();
    let threads = codegen::parallel::default_threads();
    files.extend(codegen::generate_reusing(pages, IR_DIR, threads, reuse).map_err(Error::Codegen)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Remembers, across runs, which generated file each input produced, so files whose IR did not
/// change are not generated again. Keyed by the generator's fingerprint, the file and a hash of
/// the IR of its pages; trusted only while the file on disk still hashes to what was generated. Lives under
/// `target/`, never committed; losing it only costs time.
struct Cache {
    path: PathBuf,
    entries: std::collections::BTreeMap<String, (u64, u64)>,
}

const CACHE_FILE: &str = "target/volcgen-cache/codegen.tsv";

impl Cache {
    fn load(root: &Path) -> Cache {
        let path = root.join(CACHE_FILE);
        let entries = fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let mut parts = line.split('\t');
                let file = parts.next()?.to_owned();
                let key = u64::from_str_radix(parts.next()?, 16).ok()?;
                let output = u64::from_str_radix(parts.next()?, 16).ok()?;
                Some((file, (key, output)))
            })
            .collect();
        Cache { path, entries }
    }

    /// Best effort: a cache that cannot be written is only a slower next run.
    fn save(&self) {
        let text: String = self
            .entries
            .iter()
            .map(|(file, (key, output))| format!("{file}\t{key:016x}\t{output:016x}\n"))
            .collect();
        if let Some(dir) = self.path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let tmp = self.path.with_extension("tmp");
        if fs::write(&tmp, text).is_ok() {
            let _ = fs::rename(&tmp, &self.path);
        }
    }
}

/// What the outputs depend on besides the pages: this parser and that generator.
fn tool_fingerprint() -> u64 {
    PARSER_SOURCES
        .iter()
        .fold(codegen::fingerprint(), |h, (_, text)| {
            codegen::fnv1a(h, text.as_bytes())
        })
}

/// The parser's and the overrides' sources, by path under `src/` (a test checks none is missing).
const PARSER_SOURCES: &[(&str, &str)] = &[
    ("overrides.rs", include_str!("overrides.rs")),
    ("parser/json.rs", include_str!("parser/json.rs")),
    ("parser/mod.rs", include_str!("parser/mod.rs")),
    ("parser/semantics.rs", include_str!("parser/semantics.rs")),
    ("parser/table.rs", include_str!("parser/table.rs")),
    ("parser/types.rs", include_str!("parser/types.rs")),
    ("parser/values.rs", include_str!("parser/values.rs")),
    ("services.rs", include_str!("services.rs")),
];

/// Key of the whole build: the tools, every page (name and text), the overrides and the
/// service settings.
fn build_key(root: &Path, docs: &[(String, String)]) -> u64 {
    let overrides = fs::read(root.join(OVERRIDES_FILE)).unwrap_or_default();
    let mut key = codegen::fnv1a(codegen::hash(&tool_fingerprint().to_le_bytes()), &overrides);
    let services = services::read_files(root).unwrap_or_default();
    for (path, text) in services.iter().chain(docs) {
        key = codegen::fnv1a(key, path.as_bytes());
        key = codegen::fnv1a(key, &(text.len() as u64).to_le_bytes());
        key = codegen::fnv1a(key, text.as_bytes());
    }
    key
}

const BUILD_ENTRY: &str = "@build";

/// The outputs of the last build, if nothing it depended on changed and every file on disk is
/// still what it wrote.
fn unchanged_build(root: &Path, cache: &Cache, key: u64) -> Option<Vec<GeneratedFile>> {
    if cache.entries.get(BUILD_ENTRY)?.0 != key {
        return None;
    }
    let files: Vec<(&String, u64)> = cache
        .entries
        .iter()
        .filter(|(path, _)| path.as_str() != BUILD_ENTRY)
        .map(|(path, (_, output))| (path, *output))
        .collect();
    let outputs: Option<Vec<GeneratedFile>> = par_map(&files, |(path, output)| {
        let contents = fs::read_to_string(root.join(path)).ok()?;
        (codegen::hash(contents.as_bytes()) == *output).then(|| GeneratedFile {
            path: (*path).clone(),
            contents,
        })
    })
    .into_iter()
    .collect();
    outputs.filter(|o| !o.is_empty())
}

/// [`build`], generating only the code files whose inputs changed since the last run, and
/// nothing at all when no page, override or tool changed.
pub fn build_incremental(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    Ok(build_from_cache(root)?.0)
}

/// Paths of outputs whose contents were just read from disk (and hash-checked): they need no
/// second read to tell whether they are up to date.
type ReadFromDisk = std::collections::BTreeSet<String>;

/// [`build_incremental`], also saying which outputs it read from disk.
fn build_from_cache(root: &Path) -> Result<(Vec<GeneratedFile>, ReadFromDisk), Error> {
    let docs = read_docs(root)?;
    let key = build_key(root, &docs);
    let mut cache = Cache::load(root);
    if let Some(outputs) = unchanged_build(root, &cache, key) {
        let read = outputs.iter().map(|f| f.path.clone()).collect();
        return Ok((outputs, read));
    }
    let pages = parse_pages(root, &docs)?;
    let ir = par_map(&pages, Page::to_yaml);
    let ir_hash: std::collections::BTreeMap<(&str, &str), u64> = pages
        .iter()
        .zip(&ir)
        .map(|(p, y)| {
            let page = (p.action.as_str(), p.version.as_str());
            (page, codegen::hash(y.as_bytes()))
        })
        .collect();
    let fingerprint = codegen::fingerprint().to_le_bytes();
    let keys = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let read = std::sync::Mutex::new(ReadFromDisk::new());
    let reuse = |file: &str, sources: &[&Page]| -> Option<String> {
        let mut key = codegen::fnv1a(codegen::hash(&fingerprint), file.as_bytes());
        for p in sources {
            let ir = ir_hash.get(&(p.action.as_str(), p.version.as_str()))?;
            key = codegen::fnv1a(key, &ir.to_le_bytes());
        }
        keys.lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(file.to_owned(), key);
        let (cached_key, output) = *cache.entries.get(file)?;
        if cached_key != key {
            return None;
        }
        let on_disk = fs::read_to_string(root.join(file)).ok()?;
        if codegen::hash(on_disk.as_bytes()) != output {
            return None;
        }
        read.lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(file.to_owned());
        Some(on_disk)
    };
    let outputs = build_outputs_reusing(&pages, ir, &reuse)?;
    let keys = keys.into_inner().unwrap_or_else(|e| e.into_inner());
    // IR files have no key of their own: the build key vouches for them.
    cache.entries = outputs
        .iter()
        .map(|f| {
            let file_key = keys.get(&f.path).copied().unwrap_or(key);
            (
                f.path.clone(),
                (file_key, codegen::hash(f.contents.as_bytes())),
            )
        })
        .collect();
    cache.entries.insert(BUILD_ENTRY.to_owned(), (key, 0));
    cache.save();
    Ok((
        outputs,
        read.into_inner().unwrap_or_else(|e| e.into_inner()),
    ))
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

/// Every page under `spec/docs/`, parsed, with the overrides and the service settings applied.
pub fn parse_pages(root: &Path, docs: &[(String, String)]) -> Result<Vec<Page>, Error> {
    let overrides = read_overrides(root)?;
    let settings = services::read_files(root)
        .map_err(|e| Error::Services(vec![e]))
        .and_then(|files| services::parse(&files).map_err(Error::Services))?;
    let mut pages = parse_all(docs)?;
    apply_overrides(&mut pages, &overrides)?;
    services::apply(&mut pages, &settings).map_err(Error::Services)?;
    Ok(pages)
}

/// Reads, parses and generates everything, writing nothing and trusting no cache.
pub fn build(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let docs = read_docs(root)?;
    build_outputs(&parse_pages(root, &docs)?)
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

/// Files in the managed folders that the build did not produce.
fn leftovers(root: &Path, outputs: &[GeneratedFile]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for (dir, ext) in MANAGED {
        let abs = root.join(dir);
        let entries = match fs::read_dir(&abs) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(Error::Io {
                    path: abs,
                    source: e,
                })
            }
        };
        for entry in entries {
            let entry = entry.map_err(io(&abs))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{dir}/{name}");
            if name.ends_with(&format!(".{ext}")) && !outputs.iter().any(|o| o.path == rel) {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Compares the outputs with the files on disk.
pub fn compare(root: &Path, outputs: &[GeneratedFile]) -> Result<Vec<Stale>, Error> {
    compare_except(root, outputs, &ReadFromDisk::new())
}

/// [`compare`], taking the files in `current` as known to match the disk.
fn compare_except(
    root: &Path,
    outputs: &[GeneratedFile],
    current: &ReadFromDisk,
) -> Result<Vec<Stale>, Error> {
    let mut stale = Vec::new();
    for file in outputs.iter().filter(|f| !current.contains(&f.path)) {
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
    for path in leftovers(root, outputs)? {
        stale.push(Stale {
            diff: format!("{path} is not produced by any page and should be removed\n"),
            path,
        });
    }
    Ok(stale)
}

/// Writes every changed output atomically (a temporary file renamed over the old one) and removes
/// outputs no page produces. Call only after the whole build succeeded.
pub fn write_outputs(root: &Path, outputs: &[GeneratedFile]) -> Result<Written, Error> {
    write_outputs_except(root, outputs, &ReadFromDisk::new())
}

/// [`write_outputs`], taking the files in `current` as known to match the disk.
fn write_outputs_except(
    root: &Path,
    outputs: &[GeneratedFile],
    current: &ReadFromDisk,
) -> Result<Written, Error> {
    let mut report = Written::default();
    let dirs: std::collections::BTreeSet<&Path> = outputs
        .iter()
        .filter_map(|f| Path::new(&f.path).parent())
        .collect();
    for dir in dirs {
        let dir = root.join(dir);
        fs::create_dir_all(&dir).map_err(io(&dir))?;
    }
    for file in outputs {
        let path = root.join(&file.path);
        if current.contains(&file.path)
            || fs::read(&path).ok().as_deref() == Some(file.contents.as_bytes())
        {
            report.unchanged += 1;
            continue;
        }
        // A complete temporary file renamed over the old one: never a half-written output.
        let tmp = path.with_extension("volcgen-tmp");
        fs::write(&tmp, &file.contents).map_err(io(&tmp))?;
        fs::rename(&tmp, &path).map_err(io(&path))?;
        report.written.push(file.path.clone());
    }
    for rel in leftovers(root, outputs)? {
        let path = root.join(&rel);
        fs::remove_file(&path).map_err(io(&path))?;
        report.removed.push(rel);
    }
    Ok(report)
}

/// `cargo xtask regen`.
pub fn regen(root: &Path) -> Result<Written, Error> {
    let (outputs, read) = build_from_cache(root)?;
    write_outputs_except(root, &outputs, &read)
}

/// `cargo xtask check`: the stale files, empty when everything is up to date.
pub fn check(root: &Path) -> Result<Vec<Stale>, Error> {
    let (outputs, read) = build_from_cache(root)?;
    compare_except(root, &outputs, &read)
}

/// The repository root: the folder above `xtask/`.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_parser_source_is_fingerprinted() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut on_disk: Vec<String> = std::fs::read_dir(src.join("parser"))
            .expect("src/parser/")
            .map(|e| format!("parser/{}", e.expect("entry").file_name().to_string_lossy()))
            .filter(|name| name.ends_with(".rs"))
            .chain(["overrides.rs".to_owned(), "services.rs".to_owned()])
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = super::PARSER_SOURCES
            .iter()
            .map(|(name, _)| *name)
            .collect();
        assert_eq!(
            on_disk, listed,
            "add new parser files to PARSER_SOURCES, so caches notice them"
        );
    }
}
