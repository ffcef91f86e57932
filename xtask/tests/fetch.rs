//! `cargo xtask fetch` against a loopback server answering with the recorded answers under
//! `fixtures/fetch/` (never the real site): both content shapes, errors, 429 and 5xx then
//! success, a timeout, a page that is not an Action page, a site that cannot be reached, pacing,
//! and `--new`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xtask::fetch::{self, Command, Options, Summary};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fetch");

/// What the server answers.
enum Reply {
    /// Status, extra headers, body.
    Answer(u16, Vec<(&'static str, String)>, String),
    /// Nothing, for this long (then the connection closes).
    Hang(Duration),
}

/// The recorded answer `name`.
fn recorded(name: &str) -> Reply {
    let body = std::fs::read_to_string(Path::new(FIXTURES).join(name)).unwrap();
    Reply::Answer(200, Vec::new(), body)
}

/// The recorded answer to a request, by its path and query: `getDocDetail-<DocumentID>.json` or
/// `getDocList-<LibraryID>.json`; 404 when there is none.
fn by_file(target: &str) -> Reply {
    let param = |key: &str| {
        target
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix(&format!("{key}=")))
            .unwrap_or_default()
            .to_owned()
    };
    let name = if target.starts_with("/api/doc/getDocDetail?") {
        assert_eq!(param("lang"), "zh", "{target}");
        assert!(!param("LibraryID").is_empty(), "{target}");
        format!("getDocDetail-{}.json", param("DocumentID"))
    } else if target.starts_with("/api/doc/getDocList?") {
        format!("getDocList-{}.json", param("LibraryID"))
    } else {
        String::new()
    };
    if Path::new(FIXTURES).join(&name).is_file() && !name.is_empty() {
        recorded(&name)
    } else {
        Reply::Answer(404, Vec::new(), "no such page".into())
    }
}

/// A loopback HTTP/1.1 server: each request (its target and how many times that target was
/// asked before) answered by `route`, each connection on a thread of its own.
struct Server {
    url: String,
    /// Every request's target and when it arrived.
    log: Arc<Mutex<Vec<(String, Instant)>>>,
}

impl Server {
    fn start(route: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
        let route = Arc::new(route);
        let requests = Arc::clone(&log);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let route = Arc::clone(&route);
                let requests = Arc::clone(&requests);
                std::thread::spawn(move || serve(stream, &*route, &requests));
            }
        });
        Server { url, log }
    }

    fn targets(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|(t, _)| t.clone())
            .collect()
    }
}

fn serve(
    mut stream: TcpStream,
    route: &(dyn Fn(&str, usize) -> Reply + Send + Sync),
    log: &Mutex<Vec<(String, Instant)>>,
) {
    let mut head = Vec::new();
    let mut byte = [0];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let seen = {
        let mut log = log.lock().unwrap();
        let seen = log.iter().filter(|(t, _)| *t == target).count();
        log.push((target.clone(), Instant::now()));
        seen
    };
    match route(&target, seen) {
        Reply::Hang(time) => std::thread::sleep(time),
        Reply::Answer(status, headers, body) => {
            let mut answer = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                answer.push_str(&format!("{k}: {v}\r\n"));
            }
            answer.push_str("\r\n");
            answer.push_str(&body);
            let _ = stream.write_all(answer.as_bytes());
        }
    }
}

/// A fresh checkout for one test, removed when dropped: a workspace `Cargo.toml` and the
/// settings of the service `demo`.
struct Checkout(PathBuf);

impl Checkout {
    fn new(test: &str, settings: &str) -> Checkout {
        let dir = std::env::temp_dir().join(format!("volcgen-fetch-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("spec/services")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        std::fs::write(dir.join("spec/services/demo.yaml"), settings).unwrap();
        Checkout(dir)
    }

    fn page(&self, action: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(format!("spec/docs/demo/{action}.md"))).ok()
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn options(server: &Server) -> Options {
    Options {
        docs_url: server.url.clone(),
        pace: Duration::ZERO,
        timeout: Duration::from_secs(10),
        retries: 2,
        backoff: Duration::from_millis(10),
    }
}

fn run(checkout: &Checkout, command: Command, options: &Options) -> (Summary, Vec<String>) {
    let mut lines = Vec::new();
    let summary = fetch::run(&checkout.0, &command, options, &mut |l| {
        lines.push(l.to_owned())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    (summary, lines)
}

/// The Markdown of the recorded Action page.
fn action_page() -> String {
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(FIXTURES).join("getDocDetail-1001.json")).unwrap(),
    )
    .unwrap();
    json["Result"]["MDContent"].as_str().unwrap().to_owned()
}

const ONE_SOURCE: &str = "service: demo\nsources:\n  GetThing: {library: 900, document: 1001}\n";

#[test]
fn a_mapped_page_is_written_when_new_or_changed_only() {
    let server = Server::start(|target, _| by_file(target));
    let checkout = Checkout::new("mapped", ONE_SOURCE);
    let all = Command::Mapped(Vec::new());

    let (summary, lines) = run(&checkout, all.clone(), &options(&server));
    assert_eq!(summary.new, ["spec/docs/demo/GetThing.md"], "{lines:?}");
    assert_eq!(checkout.page("GetThing").unwrap(), action_page());
    assert!(
        lines[0].starts_with("new")
            && lines[0].contains("(document 1001, updated 2024-11-28 10:48:38)"),
        "{lines:?}"
    );
    assert_eq!(
        server.targets(),
        ["/api/doc/getDocDetail?DocumentID=1001&LibraryID=900&lang=zh"]
    );

    // The same page again: nothing written.
    let (summary, _) = run(
        &checkout,
        Command::Mapped(vec!["demo".into()]),
        &options(&server),
    );
    assert_eq!(summary.unchanged, ["spec/docs/demo/GetThing.md"]);
    assert!(summary.new.is_empty() && summary.changed.is_empty());

    // A local edit is replaced by the site's page.
    let path = checkout.0.join("spec/docs/demo/GetThing.md");
    std::fs::write(&path, "edited").unwrap();
    let (summary, _) = run(&checkout, all, &options(&server));
    assert_eq!(summary.changed, ["spec/docs/demo/GetThing.md"]);
    assert_eq!(checkout.page("GetThing").unwrap(), action_page());
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["GetThing.md"]);
}

#[test]
fn a_429_and_a_5xx_are_retried_with_backoff() {
    let server = Server::start(|target, seen| match seen {
        0 => Reply::Answer(
            429,
            vec![("Retry-After", "0".into())],
            "{\"message\": \"too many requests\"}".into(),
        ),
        1 => Reply::Answer(503, Vec::new(), "unavailable".into()),
        _ => by_file(target),
    });
    let checkout = Checkout::new("retry", ONE_SOURCE);
    let (summary, lines) = run(&checkout, Command::Mapped(Vec::new()), &options(&server));
    assert_eq!(summary.new, ["spec/docs/demo/GetThing.md"], "{lines:?}");
    assert_eq!(server.targets().len(), 3);
    assert!(
        lines[0].starts_with("retry") && lines[0].contains("HTTP 429"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("HTTP 503") && lines[1].contains("(2 of 2)"),
        "{lines:?}"
    );

    // A server that keeps failing: the page fails after the retries, saying so.
    let failing = Server::start(|_, _| Reply::Answer(500, Vec::new(), "boom".into()));
    let checkout = Checkout::new("retry-fails", ONE_SOURCE);
    let (summary, _) = run(&checkout, Command::Mapped(Vec::new()), &options(&failing));
    assert_eq!(summary.failed.len(), 1);
    assert!(
        summary.failed[0].contains("HTTP 500") && summary.failed[0].contains("(3 attempts)"),
        "{:?}",
        summary.failed
    );
    assert_eq!(failing.targets().len(), 3);
    assert!(checkout.page("GetThing").is_none());
}

#[test]
fn rich_text_other_pages_and_errors_are_refused() {
    let server = Server::start(|target, _| by_file(target));
    let checkout = Checkout::new(
        "refused",
        "service: demo\nsources:\n  Intro: {library: 900, document: 1002}\n  Overview: {library: 900, document: 1003}\n  Gone: {library: 900, document: 1006}\n  Other: {library: 900, document: 1001}\n  Missing: {library: 900, document: 1007}\n",
    );
    let (summary, _) = run(&checkout, Command::Mapped(Vec::new()), &options(&server));
    let failed = summary.failed.join("\n");
    assert_eq!(summary.failed.len(), 5, "{failed}");
    for expected in [
        "spec/docs/demo/Gone.md (document 1006, library 900): the site answered DocumentNotFound: the document does not exist",
        "spec/docs/demo/Intro.md (document 1002, library 900): its Markdown source (`MDContent`) is empty: the library keeps this page as rich text (`Content`)",
        "spec/docs/demo/Missing.md (document 1007, library 900): http://",
        "spec/docs/demo/Other.md (document 1001, library 900): the page documents `GetThing`, not `Other`; nothing written",
        "spec/docs/demo/Overview.md (document 1003, library 900): not an Action page (the parser says:",
    ] {
        assert!(failed.contains(expected), "{expected}\nin\n{failed}");
    }
    assert!(failed.contains("HTTP 404"), "{failed}");
    assert!(!checkout.0.join("spec/docs").exists(), "nothing is written");
}

#[test]
fn a_request_that_times_out_fails_after_its_retries() {
    let server = Server::start(|_, _| Reply::Hang(Duration::from_secs(5)));
    let checkout = Checkout::new("timeout", ONE_SOURCE);
    let options = Options {
        timeout: Duration::from_millis(300),
        retries: 1,
        ..options(&server)
    };
    let started = Instant::now();
    let (summary, lines) = run(&checkout, Command::Mapped(Vec::new()), &options);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the timeout holds"
    );
    assert_eq!(summary.failed.len(), 1, "{lines:?}");
    assert!(
        summary.failed[0].contains("no answer within 300ms (2 attempts)"),
        "{:?}",
        summary.failed
    );
    assert_eq!(server.targets().len(), 2);
}

#[test]
fn a_site_that_cannot_be_reached_stops_the_run_clearly() {
    // A port nothing listens on any more.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let checkout = Checkout::new(
        "unreachable",
        "service: demo\nsources:\n  A: {library: 900, document: 1}\n  B: {library: 900, document: 2}\n",
    );
    let options = Options {
        docs_url: format!("http://{closed}"),
        ..Options::default()
    };
    let started = Instant::now();
    let error = fetch::run(
        &checkout.0,
        &Command::Mapped(Vec::new()),
        &options,
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        error.starts_with(&format!("cannot reach http://{closed}: "))
            && error.ends_with("; check the network (or --docs-url)"),
        "{error}"
    );
    // Not retried, and the second page not tried (no pacing wait either).
    assert!(started.elapsed() < Duration::from_secs(1));

    // The command says the same and fails.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fetch", "--docs-url", &format!("http://{closed}")])
        .current_dir(&checkout.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: cannot reach") && stderr.contains("fetch: stopped"),
        "{stderr}"
    );
}

#[test]
fn requests_are_paced() {
    let server = Server::start(|target, _| by_file(target));
    let checkout = Checkout::new(
        "paced",
        "service: demo\nsources:\n  GetThing: {library: 900, document: 1001}\n  Overview: {library: 900, document: 1003}\n",
    );
    let options = Options {
        pace: Duration::from_millis(250),
        ..options(&server)
    };
    run(&checkout, Command::Mapped(Vec::new()), &options);
    let times: Vec<Instant> = server.log.lock().unwrap().iter().map(|(_, t)| *t).collect();
    assert_eq!(times.len(), 2);
    assert!(
        times[1] - times[0] >= Duration::from_millis(240),
        "{:?}",
        times[1] - times[0]
    );
}

#[test]
fn new_adds_the_action_pages_of_a_library_and_says_why_it_skips_the_rest() {
    let server = Server::start(|target, _| by_file(target));
    let settings = "# The demo service.\nservice: demo\ntitle: Demo\n";
    let checkout = Checkout::new("new", settings);
    let new = Command::New {
        service: "demo".into(),
        library: 900,
    };
    let (summary, lines) = run(&checkout, new.clone(), &options(&server));
    assert_eq!(summary.new, ["spec/docs/demo/GetThing.md"], "{lines:?}");
    assert_eq!(summary.mapped, ["demo.GetThing"]);
    assert_eq!(checkout.page("GetThing").unwrap(), action_page());
    let skipped = summary.skipped.join("\n");
    assert_eq!(summary.skipped.len(), 3, "{skipped}");
    for expected in [
        "document 1004 “API 参考”: it has no Markdown source (`MDContent` is empty): a folder of the library",
        "document 1002 “产品简介”: its Markdown source (`MDContent`) is empty: the library keeps this page as rich text",
        "document 1003 “接口概览”: not an Action page: ",
    ] {
        assert!(skipped.contains(expected), "{expected}\nin\n{skipped}");
    }
    assert!(
        lines.iter().any(|l| l == "library 900: 4 documents listed"),
        "{lines:?}"
    );
    // The mapping is added to the settings, which keep what they had.
    let text = std::fs::read_to_string(checkout.0.join("spec/services/demo.yaml")).unwrap();
    assert!(text.starts_with(settings), "{text}");
    assert!(
        text.ends_with("sources:\n  GetThing: {library: 900, document: 1001}\n"),
        "{text}"
    );

    // Again: the mapped page is left to `fetch demo`, the rest skipped as before.
    let (summary, _) = run(&checkout, new, &options(&server));
    assert!(summary.new.is_empty() && summary.mapped.is_empty());
    assert!(
        summary.skipped[1].contains("already the page of `GetThing`"),
        "{:?}",
        summary.skipped
    );
    // And the mapping drives a plain `fetch`.
    let (summary, _) = run(&checkout, Command::Mapped(Vec::new()), &options(&server));
    assert_eq!(summary.unchanged, ["spec/docs/demo/GetThing.md"]);
}

#[test]
fn a_service_without_sources_is_an_error_naming_the_settings() {
    let server = Server::start(|target, _| by_file(target));
    let checkout = Checkout::new("nosources", "service: demo\n");
    let error = fetch::run(
        &checkout.0,
        &Command::Mapped(vec!["demo".into()]),
        &options(&server),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        error.contains("spec/services/demo.yaml maps no Action to a page (`sources:`)")
            && error.contains("cargo xtask fetch --new demo LIBRARY"),
        "{error}"
    );
    assert!(server.targets().is_empty());
}

/// What `fetch` takes for an Action page, it takes for every shipped page: each is recognised
/// as the page of the Action it is named after (RTC's versioned pages after the `_`).
#[test]
fn every_shipped_page_is_recognised_as_its_actions_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let docs = xtask::regen::read_docs(root).unwrap();
    assert!(docs.len() > 80);
    for (path, text) in docs {
        let outline = xtask::parser::read_outline(&path, &text)
            .unwrap_or_else(|e| panic!("{path}: not recognised: {e}"));
        let stem = path.rsplit('/').next().unwrap().trim_end_matches(".md");
        let action = stem.split('_').next().unwrap();
        assert_eq!(outline.request_line.action, action, "{path}");
    }
}
