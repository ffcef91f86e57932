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

/// How temporary files end: an output is written to `.{name}.{random}.volcgen-tmp` beside it, then
/// renamed over it.
const TEMP_SUFFIX: &str = ".volcgen-tmp";

/// Held while `regen` runs, so two runs in one checkout do not interleave.
const LOCK_FILE: &str = "target/volcgen-cache/regen.lock";

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

/// The pages under `spec/docs/`, sorted by file name, as (repository-relative path, text).
pub fn read_docs(root: &Path) -> Result<Vec<(String, String)>, Error> {
    let dir = root.join(DOCS_DIR);
    let mut names = Vec::new();
    let mut links = Vec::new();
    for entry in fs::read_dir(&dir).map_err(io(&dir))? {
        let entry = entry.map_err(io(&dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let file_type = entry.file_type().map_err(io(&dir))?;
        if !name.ends_with(".md") {
            continue;
        }
        // Skipping a link would silently drop its Action (and remove its outputs).
        if file_type.is_symlink() {
            links.push(format!(
                "{DOCS_DIR}/{name}: is a symbolic link; copy the page into {DOCS_DIR}/ instead"
            ));
        } else if file_type.is_file() {
            names.push(name);
        }
    }
    if !links.is_empty() {
        links.sort();
        return Err(Error::Docs(links));
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
/// `target/`, never committed; losing it only costs time. A file that does not parse or whose
/// checksum does not match is ignored as a whole, and `regen` removes no output on its word.
struct Cache {
    path: PathBuf,
    entries: std::collections::BTreeMap<String, (u64, u64)>,
}

const CACHE_FILE: &str = "target/volcgen-cache/codegen.tsv";

/// The cache file's first line, before the checksum of the rest.
const CACHE_HEADER: &str = "volcgen-cache 2 ";

impl Cache {
    fn load(root: &Path) -> Cache {
        let path = root.join(CACHE_FILE);
        let text = fs::read_to_string(&path).unwrap_or_default();
        let entries = Cache::parse(&text).unwrap_or_default();
        Cache { path, entries }
    }

    /// The entries, if the checksum matches and every line parses.
    fn parse(text: &str) -> Option<std::collections::BTreeMap<String, (u64, u64)>> {
        let (header, body) = text.split_once('\n')?;
        let checksum = u64::from_str_radix(header.strip_prefix(CACHE_HEADER)?, 16).ok()?;
        if codegen::hash(body.as_bytes()) != checksum {
            return None;
        }
        body.lines()
            .map(|line| {
                let mut parts = line.split('\t');
                let file = parts.next()?.to_owned();
                let key = u64::from_str_radix(parts.next()?, 16).ok()?;
                let output = u64::from_str_radix(parts.next()?, 16).ok()?;
                parts.next().is_none().then_some((file, (key, output)))
            })
            .collect()
    }

    /// Best effort: a cache that cannot be written is only a slower next run.
    fn save(&self) {
        let body: String = self
            .entries
            .iter()
            .map(|(file, (key, output))| format!("{file}\t{key:016x}\t{output:016x}\n"))
            .collect();
        let text = format!(
            "{CACHE_HEADER}{:016x}\n{body}",
            codegen::hash(body.as_bytes())
        );
        if let Some(dir) = self.path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let _ = write_atomically(&self.path, text.as_bytes());
    }
}

/// Writes `contents` to a new temporary file beside `path` and renames it over `path`. The
/// temporary file is created exclusively under a name no other run picks, so a file or link
/// planted there is never written through, and two writers never share one.
fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
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
    ("parser/examples.rs", include_str!("parser/examples.rs")),
    ("parser/json.rs", include_str!("parser/json.rs")),
    ("parser/lower.rs", include_str!("parser/lower.rs")),
    ("parser/mod.rs", include_str!("parser/mod.rs")),
    ("parser/outline.rs", include_str!("parser/outline.rs")),
    ("parser/seed.rs", include_str!("parser/seed.rs")),
    ("parser/semantics.rs", include_str!("parser/semantics.rs")),
    ("parser/structs.rs", include_str!("parser/structs.rs")),
    ("parser/table.rs", include_str!("parser/table.rs")),
    ("parser/types.rs", include_str!("parser/types.rs")),
    ("parser/values.rs", include_str!("parser/values.rs")),
    ("parser/vocabulary.rs", include_str!("parser/vocabulary.rs")),
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
    let outputs = outputs.filter(|o| !o.is_empty())?;
    // Only a fresh parse may say an output is no longer produced: a file the cache does not list
    // means a full build.
    match stray_files(root, &outputs) {
        Ok(strays) if strays.iter().all(|s| s.temporary) => Some(outputs),
        _ => None,
    }
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

/// A file in an output folder that the build did not produce.
struct Stray {
    path: String,
    /// A temporary file left by an interrupted run, or planted.
    temporary: bool,
}

/// Files in the managed folders that the build did not produce: outputs no page produces any
/// more, and temporary files.
fn stray_files(root: &Path, outputs: &[GeneratedFile]) -> Result<Vec<Stray>, Error> {
    let produced: std::collections::HashSet<&str> =
        outputs.iter().map(|o| o.path.as_str()).collect();
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
            let path = format!("{dir}/{name}");
            let temporary = name.ends_with(TEMP_SUFFIX);
            if temporary
                || (name.ends_with(&format!(".{ext}")) && !produced.contains(path.as_str()))
            {
                out.push(Stray { path, temporary });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
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
/// outputs no page produces, and temporary files left by interrupted runs. Call only after the
/// whole build succeeded. A failure part way is an [`Error::Write`] saying what was done.
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
    let mut changed = Vec::new();
    for file in outputs {
        if current.contains(&file.path)
            || fs::read(root.join(&file.path)).ok().as_deref() == Some(file.contents.as_bytes())
        {
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
    let dirs: std::collections::BTreeSet<&Path> = changed
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
    Ok(report)
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
    let (outputs, read) = build_from_cache(root)?;
    write_outputs_except(root, &outputs, &read)
}

/// `cargo xtask check`: the stale files, empty when everything is up to date. Trusts no cache:
/// it generates everything and compares it with the disk.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache that verifies but lists fewer outputs than the pages produce (say, written by a
    /// run over fewer pages) does not get the unlisted outputs removed.
    #[test]
    fn outputs_the_cache_does_not_list_are_kept() {
        let root = std::env::temp_dir().join(format!("volcgen-cache-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join(DOCS_DIR)).unwrap();
        let page = "## 请求说明\n- 请求方式：**POST**\n- 请求地址：**https://rtc.volcengineapi.com?Action=DoThing&Version=2024-01-01**\n";
        fs::write(root.join(DOCS_DIR).join("DoThing.md"), page).unwrap();
        regen(&root).unwrap();
        let mut cache = Cache::load(&root);
        let ir = format!("{IR_DIR}/DoThing.2024-01-01.yaml");
        assert!(cache.entries.remove(&ir).is_some());
        cache.save();
        assert_eq!(Cache::load(&root).entries, cache.entries, "it verifies");
        let report = regen(&root).unwrap();
        assert!(report.removed.is_empty(), "{report:?}");
        assert!(root.join(&ir).exists());
        assert!(check(&root).unwrap().is_empty());

        // A line added behind its back fails the checksum: the cache is ignored as a whole.
        let path = root.join(CACHE_FILE);
        let text =
            fs::read_to_string(&path).unwrap() + "x.rs\t0000000000000000\t0000000000000000\n";
        fs::write(&path, text).unwrap();
        assert!(Cache::load(&root).entries.is_empty());
        let _ = fs::remove_dir_all(&root);
    }

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
        let listed: Vec<&str> = PARSER_SOURCES.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            on_disk, listed,
            "add new parser files to PARSER_SOURCES, so caches notice them"
        );
    }
}
