//! `cargo xtask fetch`: downloads the official pages that `spec/services/<service>.yaml` maps to
//! the documentation site (`sources:`), into `spec/docs/<service>/<Action>.md`.
//!
//! The documentation site (`https://www.volcengine.com/docs/<library>/<document>`) renders each
//! page in the browser from JSON its own front end asks for:
//!
//! - `GET {docs-url}/api/doc/getDocDetail?DocumentID={document}&LibraryID={library}&lang=zh`
//!   answers `{"Result": {"DocumentID", "LibraryID", "Title", "MDContent", "UpdatedTime", …}}`,
//!   where `MDContent` is the page's Markdown source. In some libraries `Content` holds the page
//!   as rich-text JSON instead and `MDContent` is empty: such a page is refused, since the
//!   parser reads Markdown only.
//! - `GET {docs-url}/api/doc/getDocList?LibraryID={library}&lang=zh` lists a library's pages
//!   (each node has a `DocumentID`; folders are nodes without Markdown).
//!
//! These are the site's own endpoints, not a documented API: they may change without notice,
//! and this command then fails saying what it got.
//!
//! Requests are serial and paced (one per `--pace` seconds, 1 by default), time out after
//! `--timeout` seconds (30), and are retried `--retries` times (4) after an HTTP 429 or 5xx
//! answer or a timeout, waiting the answer's `Retry-After` or twice as long as the time before
//! (from `--backoff`, 2 seconds). A site that cannot be reached at all (no network, no DNS) ends
//! the run at the first request. `--docs-url` points the command at another address (the tests'
//! loopback server).
//!
//! A page is written atomically and only when it changed; the report says, per page, whether it
//! is new, changed or unchanged, with the site's `UpdatedTime`. A downloaded page must be an
//! Action page: one a documentation family's reader accepts (see [`crate::parser::read_outline`]),
//! and for a mapped Action, one that names that Action. What makes a page an Action page is the
//! parser's decision, not a heuristic of this command: a page it refuses (a rendered copy, a
//! REST data-plane page, several Actions, no known family) is reported with the parser's reason.
//!
//! `fetch --new <service> <library>` lists the library and adds every Action page it holds that
//! the service does not map yet: it writes the page and adds its `sources:` entry to the
//! service's settings (the `sources:` block is rewritten, sorted; keep comments above it).
//! Pages that are not Action pages are listed as skipped, with why. Whether an added page makes
//! a client is `cargo xtask regen`'s to say: run it next, then `cargo xtask diff`.

use crate::regen::{self, DOCS_DIR};
use crate::services::{self, Source, SERVICES_DIR};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The documentation site.
pub const DEFAULT_DOCS_URL: &str = "https://www.volcengine.com";

/// How to call the site.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The site's address, without a trailing `/`.
    pub docs_url: String,
    /// The least time between the starts of two requests.
    pub pace: Duration,
    /// How long one request may take, answer included.
    pub timeout: Duration,
    /// How many times a request is repeated after a 429, a 5xx or a timeout.
    pub retries: u32,
    /// The wait before the first repetition (without `Retry-After`); doubled each time.
    pub backoff: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            docs_url: DEFAULT_DOCS_URL.to_owned(),
            pace: Duration::from_secs(1),
            timeout: Duration::from_secs(30),
            retries: 4,
            backoff: Duration::from_secs(2),
        }
    }
}

/// What to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// The mapped pages of these services (every service with `sources:` when empty).
    Mapped(Vec<String>),
    /// The Action pages of a library that the service does not map yet.
    New { service: String, library: u64 },
}

/// The command line, after `fetch`.
pub const USAGE: &str = "\
usage: cargo xtask fetch [SERVICE…] [OPTIONS]
       cargo xtask fetch --new SERVICE LIBRARY [OPTIONS]
options: --docs-url URL (default https://www.volcengine.com), --pace SECONDS (1),
         --timeout SECONDS (30), --retries N (4), --backoff SECONDS (2)";

/// Reads the arguments after `fetch`.
pub fn parse_args(args: &[String]) -> Result<(Command, Options), String> {
    let mut options = Options::default();
    let mut positional = Vec::new();
    let mut new = false;
    let mut args = args.iter();
    let seconds = |flag: &str, value: Option<&String>| -> Result<Duration, String> {
        let value = value.ok_or_else(|| format!("{flag} needs a number of seconds"))?;
        value
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0 && *s < 86_400.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| format!("{flag} `{value}` is not a number of seconds"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--new" => new = true,
            "--docs-url" => {
                let url = args.next().ok_or("--docs-url needs a URL")?;
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(format!("--docs-url `{url}` is not an http(s) URL"));
                }
                options.docs_url = url.trim_end_matches('/').to_owned();
            }
            "--pace" => options.pace = seconds("--pace", args.next())?,
            "--timeout" => {
                options.timeout = seconds("--timeout", args.next())?;
                if options.timeout.is_zero() {
                    return Err("--timeout must be more than 0".into());
                }
            }
            "--backoff" => options.backoff = seconds("--backoff", args.next())?,
            "--retries" => {
                let n = args.next().ok_or("--retries needs a number")?;
                options.retries = n
                    .parse()
                    .ok()
                    .filter(|n| *n <= 10)
                    .ok_or_else(|| format!("--retries `{n}` is not a number from 0 to 10"))?;
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
            _ => positional.push(arg.clone()),
        }
    }
    let command = if new {
        let [service, library] = &positional[..] else {
            return Err("--new takes a service and a library id".into());
        };
        let library = library
            .parse()
            .ok()
            .filter(|l| *l > 0)
            .ok_or_else(|| format!("library `{library}` is not a library id (a number)"))?;
        Command::New {
            service: service.clone(),
            library,
        }
    } else {
        Command::Mapped(positional)
    };
    for service in match &command {
        Command::Mapped(services) => services.clone(),
        Command::New { service, .. } => vec![service.clone()],
    } {
        if !codegen::service_crate::is_crate_name(&service) {
            return Err(format!(
                "`{service}` is not a service folder name (lowercase letters, digits and `-`)"
            ));
        }
    }
    Ok((command, options))
}

/// `cargo xtask fetch …` in `root`: prints as it goes, and what failed at the end.
pub fn main(root: &Path, args: &[String]) -> ExitCode {
    let (command, options) = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut log = |line: &str| println!("{line}");
    match run(root, &command, &options, &mut log) {
        Ok(summary) => {
            println!("{summary}");
            if summary.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                for e in &summary.failed {
                    eprintln!("error: {e}");
                }
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}\nfetch: stopped");
            ExitCode::FAILURE
        }
    }
}

/// What a run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Pages written that were not there.
    pub new: Vec<String>,
    /// Pages rewritten because the site's differs.
    pub changed: Vec<String>,
    /// Pages the site has as they are.
    pub unchanged: Vec<String>,
    /// Documents of a library that `--new` did not add, each with why.
    pub skipped: Vec<String>,
    /// `sources:` entries `--new` added, as `service.Action`.
    pub mapped: Vec<String>,
    /// Pages that could not be fetched or were refused, each with why.
    pub failed: Vec<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "fetch: {} new, {} changed, {} unchanged, {} skipped, {} failed",
            self.new.len(),
            self.changed.len(),
            self.unchanged.len(),
            self.skipped.len(),
            self.failed.len()
        )?;
        if !self.new.is_empty() || !self.changed.is_empty() {
            write!(
                f,
                "\nnext: `cargo xtask regen`, then `cargo xtask diff` for what changed in the crates"
            )?;
        }
        Ok(())
    }
}

/// Runs `command`, logging a line per page. `Err` when the run stopped (the settings are
/// wrong, or the site cannot be reached); what failed per page is in [`Summary::failed`].
pub fn run(
    root: &Path,
    command: &Command,
    options: &Options,
    log: &mut dyn FnMut(&str),
) -> Result<Summary, String> {
    let settings = regen::read_services(root).map_err(|e| e.to_string())?;
    let mut site = Site::new(options)?;
    let mut summary = Summary::default();
    match command {
        Command::Mapped(names) => {
            let mut chosen = Vec::new();
            for name in names {
                match settings.iter().find(|s| &s.service == name) {
                    Some(s) if !s.sources.is_empty() => chosen.push(s),
                    _ => {
                        return Err(format!(
                        "{SERVICES_DIR}/{name}.yaml maps no Action to a page (`sources:`); add them, or run `cargo xtask fetch --new {name} LIBRARY`"
                    ))
                    }
                }
            }
            if names.is_empty() {
                chosen = settings.iter().filter(|s| !s.sources.is_empty()).collect();
                if chosen.is_empty() {
                    return Err(format!(
                        "no file under {SERVICES_DIR}/ maps an Action to a page (`sources:`)"
                    ));
                }
            }
            for s in chosen {
                for (action, source) in &s.sources {
                    fetch_mapped(
                        root,
                        &mut site,
                        &s.service,
                        action,
                        source,
                        &mut summary,
                        log,
                    )?;
                }
            }
        }
        Command::New { service, library } => {
            let current = settings
                .iter()
                .find(|s| &s.service == service)
                .map(|s| s.sources.clone())
                .unwrap_or_default();
            // What was added is recorded even when the run stops part way.
            let mut added = BTreeMap::new();
            let stopped = fetch_new(
                root,
                &mut site,
                service,
                *library,
                &current,
                &mut added,
                &mut summary,
                log,
            );
            if !added.is_empty() {
                let mut all = current;
                all.extend(added.iter().map(|(a, s)| (a.clone(), *s)));
                write_sources(root, service, &all)?;
                for action in added.keys() {
                    summary.mapped.push(format!("{service}.{action}"));
                }
                log(&format!(
                    "{SERVICES_DIR}/{service}.yaml: {} `sources:` entries added",
                    added.len()
                ));
            }
            stopped?;
        }
    }
    Ok(summary)
}

/// Fetches one mapped page; a page-level failure goes into the summary, an unreachable site
/// stops the run.
fn fetch_mapped(
    root: &Path,
    site: &mut Site,
    service: &str,
    action: &str,
    source: &Source,
    summary: &mut Summary,
    log: &mut dyn FnMut(&str),
) -> Result<(), String> {
    let rel = format!("{DOCS_DIR}/{service}/{action}.md");
    let what = format!(
        "{rel} (document {}, library {})",
        source.document, source.library
    );
    let doc = match site.detail(source.library, source.document, log) {
        Ok(doc) => doc,
        Err(FetchError::Unreachable(e)) => return Err(e),
        Err(FetchError::Failed(e)) => {
            summary.failed.push(format!("{what}: {e}"));
            return Ok(());
        }
    };
    if let Err(why) = doc.markdown() {
        summary.failed.push(format!(
            "{what}: {why}; nothing written (fix `sources.{action}` in {SERVICES_DIR}/{service}.yaml if it names the wrong page)"
        ));
        return Ok(());
    }
    match crate::parser::read_outline(&rel, &doc.markdown) {
        Err(e) => summary.failed.push(format!(
            "{what}: not an Action page (the parser says: {}); nothing written",
            e.message
        )),
        Ok(outline) if outline.request_line.action != action => summary.failed.push(format!(
            "{what}: the page documents `{}`, not `{action}`; nothing written (fix `sources.{action}` in {SERVICES_DIR}/{service}.yaml)",
            outline.request_line.action
        )),
        Ok(_) => write_page(root, &rel, &doc, summary, log)?,
    }
    Ok(())
}

/// Lists `library` and fetches its Action pages that `current` does not map, putting the
/// entries to add into `added`.
#[allow(clippy::too_many_arguments)]
fn fetch_new(
    root: &Path,
    site: &mut Site,
    service: &str,
    library: u64,
    current: &BTreeMap<String, Source>,
    added: &mut BTreeMap<String, Source>,
    summary: &mut Summary,
    log: &mut dyn FnMut(&str),
) -> Result<(), String> {
    let nodes = match site.list(library, log) {
        Ok(nodes) => nodes,
        Err(FetchError::Unreachable(e) | FetchError::Failed(e)) => {
            return Err(format!("listing library {library}: {e}"))
        }
    };
    log(&format!(
        "library {library}: {} documents listed",
        nodes.len()
    ));
    for (document, title) in nodes {
        let what = format!("document {document} “{title}”");
        let skip = |summary: &mut Summary, log: &mut dyn FnMut(&str), why: String| {
            log(&format!("skipped   {what}: {why}"));
            summary.skipped.push(format!("{what}: {why}"));
        };
        if let Some((action, _)) = current.iter().find(|(_, s)| s.document == document) {
            skip(
                summary,
                log,
                format!(
                    "already the page of `{action}` (`cargo xtask fetch {service}` refreshes it)"
                ),
            );
            continue;
        }
        let doc = match site.detail(library, document, log) {
            Ok(doc) => doc,
            Err(FetchError::Unreachable(e)) => return Err(e),
            Err(FetchError::Failed(e)) => {
                summary.failed.push(format!("{what}: {e}"));
                continue;
            }
        };
        if let Err(why) = doc.markdown() {
            skip(summary, log, why);
            continue;
        }
        let probe = format!("{DOCS_DIR}/{service}/{document}.md");
        let action = match crate::parser::read_outline(&probe, &doc.markdown) {
            Ok(outline) => outline.request_line.action,
            Err(e) => {
                skip(
                    summary,
                    log,
                    format!("not an Action page: {}", first_line(&e.message)),
                );
                continue;
            }
        };
        if let Some(source) = current.get(&action).or_else(|| added.get(&action)) {
            skip(
                summary,
                log,
                format!(
                    "documents `{action}`, whose page is already document {}",
                    source.document
                ),
            );
            continue;
        }
        let rel = format!("{DOCS_DIR}/{service}/{action}.md");
        write_page(root, &rel, &doc, summary, log)?;
        added.insert(action, Source { library, document });
    }
    Ok(())
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Writes a page if it differs from the file, logging what it did.
fn write_page(
    root: &Path,
    rel: &str,
    doc: &Doc,
    summary: &mut Summary,
    log: &mut dyn FnMut(&str),
) -> Result<(), String> {
    let path = root.join(rel);
    let old = std::fs::read(&path).ok();
    let updated = if doc.updated.is_empty() {
        String::new()
    } else {
        format!(", updated {}", doc.updated)
    };
    let status = match &old {
        Some(old) if old == doc.markdown.as_bytes() => {
            summary.unchanged.push(rel.to_owned());
            "unchanged"
        }
        _ => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            regen::write_atomically(&path, doc.markdown.as_bytes()).map_err(|e| e.to_string())?;
            if old.is_some() {
                summary.changed.push(rel.to_owned());
                "changed"
            } else {
                summary.new.push(rel.to_owned());
                "new"
            }
        }
    };
    log(&format!(
        "{status:<9} {rel} (document {}{updated})",
        doc.document
    ));
    Ok(())
}

/// Adds `sources` to the service's settings file (made when there is none), checking that the
/// result still reads as the same settings plus the entries.
fn write_sources(
    root: &Path,
    service: &str,
    sources: &BTreeMap<String, Source>,
) -> Result<(), String> {
    let rel = format!("{SERVICES_DIR}/{service}.yaml");
    let path = root.join(&rel);
    let old = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => format!("service: {service}\n"),
        Err(e) => return Err(format!("{rel}: {e}")),
    };
    let new = with_sources(&old, sources);
    let parsed = services::parse(&[(rel.clone(), new.clone())]).map_err(|e| {
        format!(
            "{rel}: the `sources:` block could not be added: {}",
            e.join("; ")
        )
    })?;
    if parsed.first().map(|s| &s.sources) != Some(sources) {
        return Err(format!(
            "{rel}: the `sources:` block could not be added (it does not read back); add the entries by hand"
        ));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    regen::write_atomically(&path, new.as_bytes()).map_err(|e| e.to_string())
}

/// `text` with its top-level `sources:` block replaced by `sources` (sorted, one flow mapping a
/// line), or with the block appended when it has none.
pub fn with_sources(text: &str, sources: &BTreeMap<String, Source>) -> String {
    let mut block = String::from("sources:\n");
    for (action, s) in sources {
        block.push_str(&format!(
            "  {action}: {{library: {}, document: {}}}\n",
            s.library, s.document
        ));
    }
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| l.starts_with("sources:") && !l.starts_with("sources::"))
    else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(
            "# sources: each Action's page on the documentation site (`cargo xtask fetch`).\n",
        );
        out.push_str(&block);
        return out;
    };
    // The block: its indented lines, and the blank lines between them.
    let mut end = start + 1;
    let mut last = start + 1;
    while end < lines.len() {
        let line = lines[end];
        if line.trim().is_empty() {
            end += 1;
        } else if line.starts_with(' ') || line.starts_with('\t') {
            end += 1;
            last = end;
        } else {
            break;
        }
    }
    let mut out = String::new();
    for line in &lines[..start] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&block);
    for line in &lines[last..] {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// One page as the site answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Doc {
    document: u64,
    title: String,
    markdown: String,
    /// `UpdatedTime` as the site writes it (empty when absent).
    updated: String,
    /// `Content` holds something (rich-text JSON, in some libraries).
    has_content: bool,
}

impl Doc {
    /// Why the page has no Markdown to write, if it has none.
    fn markdown(&self) -> Result<(), String> {
        if !self.markdown.trim().is_empty() {
            return Ok(());
        }
        Err(if self.has_content {
            "its Markdown source (`MDContent`) is empty: the library keeps this page as rich text (`Content`), which volcgen does not read".to_owned()
        } else {
            "it has no Markdown source (`MDContent` is empty): a folder of the library, or an empty page".to_owned()
        })
    }
}

/// Why a request failed.
enum FetchError {
    /// The site cannot be reached at all: the run stops.
    Unreachable(String),
    /// This request failed; the others may not.
    Failed(String),
}

/// The documentation site, asked serially and paced.
struct Site {
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    options: Options,
    last: Option<Instant>,
}

impl Site {
    fn new(options: &Options) -> Result<Site, String> {
        let client = reqwest::Client::builder()
            .timeout(options.timeout)
            .user_agent(concat!("volcgen-xtask/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP client's runtime: {e}"))?;
        Ok(Site {
            client,
            runtime,
            options: options.clone(),
            last: None,
        })
    }

    fn detail(
        &mut self,
        library: u64,
        document: u64,
        log: &mut dyn FnMut(&str),
    ) -> Result<Doc, FetchError> {
        let url = format!(
            "{}/api/doc/getDocDetail?DocumentID={document}&LibraryID={library}&lang=zh",
            self.options.docs_url
        );
        let json = self.get_json(&url, log)?;
        let result = result_of(&json).map_err(FetchError::Failed)?;
        let text = |key: &str| match result.get(key) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        if let Some(id) = result.get("DocumentID").and_then(id_of) {
            if id != document {
                return Err(FetchError::Failed(format!(
                    "the site answered with document {id}"
                )));
            }
        }
        let has_content = match result.get("Content") {
            Some(serde_json::Value::String(s)) => !s.trim().is_empty(),
            Some(serde_json::Value::Null) | None => false,
            Some(_) => true,
        };
        Ok(Doc {
            document,
            title: text("Title"),
            markdown: text("MDContent"),
            updated: text("UpdatedTime"),
            has_content,
        })
    }

    /// The documents of a library, in the order listed: (id, title). Nodes may nest (folders
    /// holding pages): every object with a `DocumentID` at any depth is one.
    fn list(
        &mut self,
        library: u64,
        log: &mut dyn FnMut(&str),
    ) -> Result<Vec<(u64, String)>, FetchError> {
        let url = format!(
            "{}/api/doc/getDocList?LibraryID={library}&lang=zh",
            self.options.docs_url
        );
        let json = self.get_json(&url, log)?;
        let result = json
            .get("Result")
            .filter(|r| !r.is_null())
            .ok_or_else(|| FetchError::Failed(unexpected(&json, "no `Result`")))?;
        let mut out: Vec<(u64, String)> = Vec::new();
        fn walk(value: &serde_json::Value, out: &mut Vec<(u64, String)>) {
            match value {
                serde_json::Value::Object(map) => {
                    if let Some(id) = map.get("DocumentID").and_then(id_of) {
                        if !out.iter().any(|(d, _)| *d == id) {
                            let title = map.get("Title").and_then(|t| t.as_str()).unwrap_or("");
                            out.push((id, title.to_owned()));
                        }
                    }
                    map.values().for_each(|v| walk(v, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        walk(result, &mut out);
        if out.is_empty() {
            return Err(FetchError::Failed(unexpected(
                &json,
                "no document (`DocumentID`) in `Result`",
            )));
        }
        Ok(out)
    }

    /// GETs `url` as JSON, paced, retrying 429, 5xx and timeouts.
    fn get_json(
        &mut self,
        url: &str,
        log: &mut dyn FnMut(&str),
    ) -> Result<serde_json::Value, FetchError> {
        let mut wait = self.options.backoff;
        let mut attempt = 0;
        loop {
            self.pace();
            let client = &self.client;
            let answer = self.runtime.block_on(async {
                let response = client
                    .get(url)
                    .header("Accept", "application/json")
                    .send()
                    .await?;
                let status = response.status();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let body = response.bytes().await?;
                Ok::<_, reqwest::Error>((status, retry_after, body))
            });
            let (why, retry_after) = match answer {
                Ok((status, _, body)) if status.is_success() => {
                    return serde_json::from_slice(&body).map_err(|e| {
                        FetchError::Failed(format!(
                            "{url}: the answer is not JSON ({e}): {}",
                            snippet(&body)
                        ))
                    });
                }
                Ok((status, retry_after, body))
                    if status.as_u16() == 429 || status.is_server_error() =>
                {
                    (format!("HTTP {status}: {}", snippet(&body)), retry_after)
                }
                Ok((status, _, body)) => {
                    return Err(FetchError::Failed(format!(
                        "{url}: HTTP {status}: {}",
                        snippet(&body)
                    )))
                }
                Err(e) if e.is_timeout() => {
                    (format!("no answer within {:?}", self.options.timeout), None)
                }
                Err(e) if e.is_connect() => {
                    return Err(FetchError::Unreachable(format!(
                        "cannot reach {}: {}; check the network (or --docs-url)",
                        self.options.docs_url,
                        chain(&e)
                    )))
                }
                Err(e) => return Err(FetchError::Failed(format!("{url}: {}", chain(&e)))),
            };
            if attempt >= self.options.retries {
                let tries = attempt + 1;
                return Err(FetchError::Failed(format!(
                    "{url}: {why} ({tries} attempt{})",
                    if tries == 1 { "" } else { "s" }
                )));
            }
            attempt += 1;
            // A `Retry-After` longer than a minute is not waited for in full.
            let pause = retry_after
                .map(|r| r.min(Duration::from_secs(60)))
                .unwrap_or(wait);
            log(&format!(
                "retry     {url}: {why}; again in {:.1}s ({attempt} of {})",
                pause.as_secs_f64(),
                self.options.retries
            ));
            std::thread::sleep(pause);
            wait = wait.saturating_mul(2);
        }
    }

    /// Waits until `pace` has passed since the previous request started.
    fn pace(&mut self) {
        if let Some(last) = self.last {
            let next = last + self.options.pace;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
        self.last = Some(Instant::now());
    }
}

/// `Result` of an answer, or what the answer says instead.
fn result_of(
    json: &serde_json::Value,
) -> Result<&serde_json::Map<String, serde_json::Value>, String> {
    if let Some(error) = json.get("ResponseMetadata").and_then(|m| m.get("Error")) {
        if !error.is_null() {
            let field = |k: &str| error.get(k).and_then(|v| v.as_str()).unwrap_or("?");
            return Err(format!(
                "the site answered {}: {}",
                field("Code"),
                field("Message")
            ));
        }
    }
    json.get("Result")
        .and_then(|r| r.as_object())
        .ok_or_else(|| unexpected(json, "no `Result` object (no such document?)"))
}

fn unexpected(json: &serde_json::Value, what: &str) -> String {
    format!(
        "the answer has {what}: {}",
        snippet(json.to_string().as_bytes())
    )
}

/// A document id, written as a number or a string of digits.
fn id_of(value: &serde_json::Value) -> Option<u64> {
    match value {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The start of an answer, for an error message.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let mut out: String = text.chars().take(200).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    if out.is_empty() {
        out.push_str("(empty)");
    }
    out
}

/// An error and its causes, `: `-separated.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Checks the `sources:` of a settings file at `path`: Action names, ids, and no document
/// mapped twice.
pub fn check_sources(path: &str, sources: &BTreeMap<String, Source>) -> Vec<String> {
    let mut errors = Vec::new();
    let mut seen: BTreeMap<(u64, u64), &str> = BTreeMap::new();
    for (action, s) in sources {
        let is_action = action.starts_with(|c: char| c.is_ascii_uppercase())
            && action.chars().all(|c| c.is_ascii_alphanumeric());
        if !is_action {
            errors.push(format!(
                "{path}: `sources.{action}`: an Action is ASCII letters and digits, starting with a capital"
            ));
        }
        if s.library == 0 || s.document == 0 {
            errors.push(format!(
                "{path}: `sources.{action}`: `library` and `document` are the page's ids, from its address https://www.volcengine.com/docs/<library>/<document>"
            ));
        }
        if let Some(other) = seen.insert((s.library, s.document), action) {
            errors.push(format!(
                "{path}: `sources.{action}` and `sources.{other}` name the same page; a page documents one Action"
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn arguments() {
        let (command, options) = parse_args(&args("ark billing --pace 0.5")).unwrap();
        assert_eq!(
            command,
            Command::Mapped(vec!["ark".into(), "billing".into()])
        );
        assert_eq!(options.pace, Duration::from_millis(500));
        assert_eq!(options.docs_url, DEFAULT_DOCS_URL);
        let (command, options) = parse_args(&args(
            "--new ark 82379 --docs-url http://127.0.0.1:9/ --retries 0",
        ))
        .unwrap();
        assert_eq!(
            command,
            Command::New {
                service: "ark".into(),
                library: 82379
            }
        );
        assert_eq!(options.docs_url, "http://127.0.0.1:9");
        assert_eq!(options.retries, 0);
        for bad in [
            "--new ark",
            "--new ark x",
            "--docs-url ftp://x",
            "--pace -1",
            "--timeout 0",
            "--retries 99",
            "Ark",
            "--frobnicate",
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_sources_block_is_replaced_or_appended() {
        let one: BTreeMap<String, Source> = [(
            "B".to_owned(),
            Source {
                library: 1,
                document: 2,
            },
        )]
        .into();
        let appended = with_sources("service: x\n# tail\n", &one);
        assert_eq!(
            appended,
            "service: x\n# tail\n# sources: each Action's page on the documentation site (`cargo xtask fetch`).\nsources:\n  B: {library: 1, document: 2}\n"
        );
        let mut two = one.clone();
        two.insert(
            "A".into(),
            Source {
                library: 1,
                document: 3,
            },
        );
        let replaced = with_sources(
            &(appended.replace("\nsources:\n", "\nsources:\n\n") + "title: T\n"),
            &two,
        );
        assert!(
            replaced.ends_with(
                "sources:\n  A: {library: 1, document: 3}\n  B: {library: 1, document: 2}\ntitle: T\n"
            ),
            "{replaced}"
        );
        let parsed = services::parse(&[("spec/services/x.yaml".into(), replaced)]).unwrap();
        assert_eq!(parsed[0].sources, two);
    }

    #[test]
    fn sources_are_checked() {
        let errors = services::parse(&[(
            "spec/services/x.yaml".into(),
            "service: x\nsources:\n  lower: {library: 1, document: 2}\n  B: {library: 0, document: 2}\n  C: {library: 1, document: 2}\n".into(),
        )])
        .unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        for what in ["ASCII letters", "the page's ids", "name the same page"] {
            assert!(
                errors.iter().any(|e| e.contains(what)),
                "{what}: {errors:?}"
            );
        }
        assert!(services::parse(&[(
            "spec/services/x.yaml".into(),
            "service: x\nsources:\n  A: {library: 1, document: 2, lang: zh}\n".into(),
        )])
        .is_err());
    }
}
