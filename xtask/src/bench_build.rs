//! `cargo xtask bench-build`: what the generated crate costs its users to build (issue #10).
//!
//! For each page count N it makes a workspace under `target/bench-build/N/`: a copy of the
//! checkout with N bench-corpus pages as the RTC pages, regenerated. It then builds that crate alone, its dependencies already built,
//! with `CARGO_INCREMENTAL=0`, in release, debug and check, and reports CPU time per page.
//!
//! CPU time is the user + system time of the build's whole process tree (cargo, the rustc it
//! runs, every thread of each): the kernel adds a reaped child's times, including those of the
//! descendants it reaped, to its parent's `cutime`/`cstime` in `/proc/self/stat`, so the
//! difference across one `cargo build` is exactly that build's CPU time (Linux only; in clock
//! ticks, 10 ms at the usual 100 per second). A no-op build (the crate already built) measures
//! cargo's fixed cost of resolving and fingerprinting, which the per-page figure leaves out:
//! `(cpu(N) - cpu(no-op)) / N`.
//!
//! The `caller` mode (not in the default set) builds, in release, a program beside the crate
//! that takes every Action's typed call: what a user's program pays per Action it calls, since a
//! typed call's encoding, future and decoding are compiled where it is called. Its client crate
//! is built first, unmeasured.

use crate::regen::{self, DOCS_DIR};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

/// The service whose pages the corpus varies, and whose crate is built.
const SERVICE: &str = "rtc";
/// The client crate's package name, for `cargo clean -p`.
const PACKAGE: &str = "volcengine-rtc";
/// The program that calls every Action of the client crate ([`Mode::Caller`]), in its own
/// folder of each corpus workspace.
const CALLER: &str = "volcgen-bench-caller";
const CALLER_DIR: &str = "bench-caller";
/// Where the corpus workspaces and their shared target folder go, under the repository.
pub const OUT_DIR: &str = "target/bench-build";

/// The usage line, for errors.
pub const USAGE: &str =
    "usage: cargo xtask bench-build [--pages 10,100,500] [--modes release,debug,check,caller] [--runs N]";

/// One way of building the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `cargo build --lib --release`
    Release,
    /// `cargo build --lib`
    Debug,
    /// `cargo check --lib`
    Check,
    /// `cargo build --release` of a program that calls every Action once (each typed call
    /// compiled): what a user's program pays per Action it calls, on top of the crate.
    Caller,
}

impl Mode {
    /// Its name on the command line and in the report.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Release => "release",
            Mode::Debug => "debug",
            Mode::Check => "check",
            Mode::Caller => "caller",
        }
    }

    fn parse(name: &str) -> Option<Mode> {
        [Mode::Release, Mode::Debug, Mode::Check, Mode::Caller]
            .into_iter()
            .find(|m| m.name() == name)
    }

    /// Issue #10's target, CPU milliseconds per page: half of progenitor's per-operation cost.
    /// The caller has none: it is there to see what a change costs a user's program.
    pub fn target_ms(self) -> Option<f64> {
        match self {
            Mode::Release => Some(80.0),
            Mode::Debug => Some(27.0),
            Mode::Check => Some(17.0),
            Mode::Caller => None,
        }
    }

    /// The package this mode builds.
    fn package(self) -> &'static str {
        match self {
            Mode::Caller => CALLER,
            _ => PACKAGE,
        }
    }

    /// The cargo arguments that build the library in this mode.
    fn build_args(self) -> &'static [&'static str] {
        match self {
            Mode::Release => &["build", "--lib", "--release", "-p", PACKAGE],
            Mode::Debug => &["build", "--lib", "-p", PACKAGE],
            Mode::Check => &["check", "--lib", "-p", PACKAGE],
            Mode::Caller => &["build", "--release", "-p", CALLER],
        }
    }

    /// The cargo arguments that remove the crate's own artifacts for this mode's profile.
    fn clean_args(self) -> &'static [&'static str] {
        match self {
            Mode::Release => &["clean", "-p", PACKAGE, "--release"],
            Mode::Debug | Mode::Check => &["clean", "-p", PACKAGE],
            Mode::Caller => &["clean", "-p", CALLER, "--release"],
        }
    }
}

/// What to measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Page counts, ascending, each once.
    pub pages: Vec<usize>,
    /// Modes, in the order given, each once.
    pub modes: Vec<Mode>,
    /// Measured builds per page count and mode.
    pub runs: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pages: vec![10, 100, 500],
            modes: vec![Mode::Release, Mode::Debug, Mode::Check],
            runs: 1,
        }
    }
}

/// Reads the arguments after `bench-build`. The error says what is wrong (a usage error).
pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut i = 0;
    while i < args.len() {
        let (flag, inline) = match args[i].split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (args[i].as_str(), None),
        };
        if !matches!(flag, "--pages" | "--modes" | "--runs") {
            return Err(format!("unknown argument `{}`", args[i]));
        }
        let value = match inline {
            Some(value) => value,
            None => {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))?
            }
        };
        match flag {
            "--pages" => {
                let mut pages = Vec::new();
                for item in value.split(',') {
                    match item.trim().parse::<usize>() {
                        Ok(n) if n > 0 => pages.push(n),
                        _ => {
                            return Err(format!(
                            "--pages takes page counts above 0 separated by commas, not `{item}`"
                        ))
                        }
                    }
                }
                pages.sort_unstable();
                pages.dedup();
                options.pages = pages;
            }
            "--modes" => {
                let mut modes = Vec::new();
                for item in value.split(',') {
                    let mode = Mode::parse(item.trim()).ok_or_else(|| {
                        format!(
                            "unknown mode `{item}` (the modes are release, debug, check and caller)"
                        )
                    })?;
                    if !modes.contains(&mode) {
                        modes.push(mode);
                    }
                }
                options.modes = modes;
            }
            _ => {
                options.runs = match value.trim().parse::<usize>() {
                    Ok(n) if n > 0 => n,
                    _ => return Err(format!("--runs takes a number above 0, not `{value}`")),
                };
            }
        }
        i += 1;
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------------
// The corpus workspace.

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> String + '_ {
    move |e| format!("error: {}: {e}", path.display())
}

fn copy_file(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir).map_err(io_error(dir))?;
    }
    fs::copy(from, to).map_err(io_error(from))?;
    Ok(())
}

/// Runs cargo, capturing its output; an error (with cargo's output) when it fails.
fn run_cargo(mut command: Command, what: &str) -> Result<Output, String> {
    let output = command
        .output()
        .map_err(|e| format!("error: cannot run cargo ({what}): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "error: {what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(output)
}

/// Where cargo is: the one running this command when there is one.
fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// Whether `cargo run` set this variable for this command (its package's manifest and metadata).
fn set_by_cargo_run(name: &str) -> bool {
    ["CARGO_PKG_", "CARGO_MANIFEST_"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || matches!(
            name,
            "CARGO_CRATE_NAME"
                | "CARGO_BIN_NAME"
                | "CARGO_PRIMARY_PACKAGE"
                | "CARGO_RUSTC_CURRENT_DIR"
        )
}

/// A cargo command with the environment a user's shell would give it: without what `cargo run`
/// set for this command. Build scripts see those variables (ring's reruns when
/// `CARGO_MANIFEST_DIR` changes), so leaving them would rebuild dependencies built from a shell.
fn cargo_command() -> Command {
    let mut command = Command::new(cargo_program());
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_run) {
            command.env_remove(name);
        }
    }
    command
}

/// Makes the workspace for `pages` pages at `dir`: a copy of the checkout's tracked files (so the
/// same manifests and `Cargo.lock` apply and every build runs `--locked --offline`), with the RTC
/// pages replaced by bench-corpus pages and without their overrides (they name the real pages,
/// which the corpus renames), regenerated. Returns how many files `regen` wrote.
pub fn prepare(root: &Path, dir: &Path, pages: usize) -> Result<usize, String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(io_error(dir))?;
    }
    let listed = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("error: cannot run git ls-files: {e}"))?;
    if !listed.status.success() {
        return Err(format!(
            "error: git ls-files failed in {}: {}",
            root.display(),
            String::from_utf8_lossy(&listed.stderr).trim()
        ));
    }
    for rel in listed.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let rel = String::from_utf8_lossy(rel);
        let from = root.join(rel.as_ref());
        if from.is_file() {
            copy_file(&from, &dir.join(rel.as_ref()))?;
        }
    }
    for generated in [
        format!("{DOCS_DIR}/{SERVICE}"),
        format!("spec/ir/{SERVICE}"),
    ] {
        let path = dir.join(generated);
        if path.exists() {
            fs::remove_dir_all(&path).map_err(io_error(&path))?;
        }
    }
    drop_overrides_of(&dir.join(crate::overrides::OVERRIDES_FILE), SERVICE)?;
    let seeds = crate::bench_corpus::seeds(root).map_err(|e| e.to_string())?;
    let written = crate::bench_corpus::write_from(&seeds, dir, pages).map_err(|e| e.to_string())?;
    if written != pages {
        return Err(format!(
            "error: the corpus has {written} pages, not {pages}: a page under {DOCS_DIR} has no Action"
        ));
    }
    let report = regen::regen_corpus(dir).map_err(|e| e.to_string())?;
    write_caller(dir)?;
    Ok(report.written.len())
}

/// Writes the caller program beside the regenerated crate, a member of the workspace (so that
/// the crates it depends on are the ones the other modes built), whose `main` takes a typed call
/// function per Action and Version, and adds it to the workspace's `Cargo.lock`.
fn write_caller(dir: &Path) -> Result<(), String> {
    let api = dir.join(format!("generated-client/{SERVICE}/src/api"));
    let mut files: Vec<PathBuf> = fs::read_dir(&api)
        .map_err(io_error(&api))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    let krate = PACKAGE.replace('-', "_");
    let mut paths = Vec::new();
    for file in &files {
        let Some(module) = file.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        let text = fs::read_to_string(file).map_err(io_error(file))?;
        paths.extend(
            request_types(&text)
                .into_iter()
                .map(|(version, ty)| format!("{krate}::api::{module}::{version}::{ty}")),
        );
    }
    if paths.is_empty() {
        return Err(format!(
            "error: no `impl crate::ActionRequest` in {}: the generated code changed shape",
            api.display()
        ));
    }
    let caller = dir.join(CALLER_DIR);
    let manifest = format!(
        "[package]\nname = \"{CALLER}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{PACKAGE} = {{ path = \"../generated-client/{SERVICE}\" }}\n"
    );
    let mut main = String::from(
        "//! Takes every Action's typed call, so that each is compiled, as a program calling them\n\
         //! all would. Written by `cargo xtask bench-build`.\n\
         use std::future::Future;\nuse std::pin::Pin;\n\n",
    );
    let _ = writeln!(
        main,
        "use {krate}::{{ActionRequest, Client, Error, Output}};\n\n\
         type Call<'a, T> =\n    Pin<Box<dyn Future<Output = Result<Output<<T as ActionRequest>::Result>, Error>> + Send + 'a>>;\n\n\
         fn call<'a, T: ActionRequest + Sync>(client: &'a Client, request: &'a T) -> Call<'a, T> {{\n    \
         Box::pin(client.request(request))\n}}\n\nfn main() {{"
    );
    for path in &paths {
        let _ = writeln!(
            main,
            "    std::hint::black_box(call::<{path}> as for<'a> fn(&'a Client, &'a {path}) -> Call<'a, {path}>);"
        );
    }
    main.push_str("}\n");
    for (name, text) in [("Cargo.toml", manifest), ("src/main.rs", main)] {
        let path = caller.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        fs::write(&path, text).map_err(io_error(&path))?;
    }
    let root_manifest = dir.join("Cargo.toml");
    let text = fs::read_to_string(&root_manifest).map_err(io_error(&root_manifest))?;
    let Some(with_caller) = text.contains("members = [").then(|| {
        text.replacen(
            "members = [",
            &format!("members = [\n    \"{CALLER_DIR}\","),
            1,
        )
    }) else {
        return Err(format!(
            "error: {} has no `members = [` line to add the caller to",
            root_manifest.display()
        ));
    };
    fs::write(&root_manifest, with_caller).map_err(io_error(&root_manifest))?;
    // Only the workspace's own packages: every other version stays as locked.
    let mut update = cargo_command();
    update
        .args(["update", "--workspace", "--offline", "--manifest-path"])
        .arg(&root_manifest);
    run_cargo(
        update,
        "cargo update --workspace (adding the caller to Cargo.lock)",
    )
    .map(drop)
}

/// The request types of one generated Action file, with the Version module each is in: every
/// `impl crate::ActionRequest for T` after a `pub mod v…` line.
fn request_types(text: &str) -> Vec<(String, String)> {
    let mut version: Option<&str> = None;
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("pub mod ") {
            let name = rest.trim_end_matches(|c: char| c == '{' || c.is_whitespace());
            if name.starts_with('v') {
                version = Some(name);
            }
        } else if let Some(rest) = line.strip_prefix("impl crate::ActionRequest for ") {
            let ty = rest.trim_end_matches(|c: char| c == '{' || c.is_whitespace());
            if let Some(version) = version {
                found.push((version.to_owned(), ty.to_owned()));
            }
        }
    }
    found
}

/// Removes from the overrides file at `path` the overrides and nesting entries of `service`'s
/// pages, which the corpus replaces; the other services' pages keep theirs, without which
/// they would not regenerate.
fn drop_overrides_of(path: &Path, service: &str) -> Result<(), String> {
    if !path.exists() {
        return Ok(());
    }
    let text = fs::read_to_string(path).map_err(io_error(path))?;
    let mut file: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("error: {}: {e}", path.display()))?;
    let prefix = format!("{DOCS_DIR}/{service}/");
    for list in ["overrides", "nesting"] {
        if let Some(entries) = file.get_mut(list).and_then(|l| l.as_sequence_mut()) {
            entries.retain(|entry| {
                !entry
                    .get("page")
                    .and_then(|page| page.as_str())
                    .is_some_and(|page| page.starts_with(&prefix))
            });
        }
    }
    let text =
        serde_yaml::to_string(&file).map_err(|e| format!("error: {}: {e}", path.display()))?;
    fs::write(path, text).map_err(io_error(path))
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/// CPU and wall time of one cargo run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// User + system CPU seconds of the whole process tree.
    pub cpu: f64,
    /// Wall seconds.
    pub wall: f64,
}

/// The clock ticks per second `/proc/self/stat` counts in (`getconf CLK_TCK`; 100, the Linux
/// user-space value on every common architecture, if `getconf` is missing).
fn clock_ticks() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .filter(|&t| t > 0)
        .unwrap_or(100)
}

/// `cutime + cstime` from a `/proc/<pid>/stat` line: the user and system clock ticks of every
/// reaped child, each including the reaped children of its own.
fn children_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) is in parentheses and may hold spaces or parentheses: count
    // fields from the last `)`. What follows starts at field 3; cutime and cstime are 16 and 17.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let cutime: u64 = fields.get(16 - 3)?.parse().ok()?;
    let cstime: u64 = fields.get(17 - 3)?.parse().ok()?;
    Some(cutime + cstime)
}

fn read_children_ticks() -> Result<u64, String> {
    let stat = fs::read_to_string("/proc/self/stat").map_err(|e| {
        format!("error: bench-build reads CPU time from /proc/self/stat (Linux only): {e}")
    })?;
    children_ticks(&stat).ok_or_else(|| "error: cannot read /proc/self/stat".to_owned())
}

/// The one-minute load average, to tell a quiet machine from a busy one (CPU time suffers less
/// from other work than wall time, but not nothing).
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// The crates a cargo run compiled or checked, from its status lines.
fn compiled_crates(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            match words.next() {
                Some("Compiling" | "Checking") => words.next().map(str::to_owned),
                _ => None,
            }
        })
        .collect()
}

/// Builds corpus workspaces and times the builds.
struct Bench {
    target_dir: PathBuf,
    ticks_per_second: u64,
}

impl Bench {
    fn command(&self, workspace: &Path, args: &[&str]) -> Command {
        let mut command = cargo_command();
        command
            .args(args)
            .arg("--manifest-path")
            .arg(workspace.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&self.target_dir)
            .args(["--locked", "--offline", "--color", "never"])
            .env("CARGO_INCREMENTAL", "0")
            // The status lines say what was built; they must not be silenced.
            .env_remove("CARGO_TERM_QUIET");
        command
    }

    /// Runs one build in `mode`, timed; an error unless it compiled exactly `expect`.
    fn timed(&self, workspace: &Path, mode: Mode, expect: &[&str]) -> Result<Sample, String> {
        let command = self.command(workspace, mode.build_args());
        let before = read_children_ticks()?;
        let start = Instant::now();
        // Waits for cargo: its times, and those of everything it reaped, are now ours.
        let output = run_cargo(command, &format!("the {} build", mode.name()))?;
        let wall = start.elapsed();
        let after = read_children_ticks()?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let built = compiled_crates(&stderr);
        if built != expect {
            return Err(format!(
                "error: the {} build of {} compiled {built:?}, expected {expect:?}; it said:\n{stderr}",
                mode.name(),
                workspace.display()
            ));
        }
        Ok(Sample {
            cpu: after.saturating_sub(before) as f64 / self.ticks_per_second as f64,
            wall: wall.as_secs_f64(),
        })
    }

    fn clean(&self, workspace: &Path, mode: Mode) -> Result<(), String> {
        if mode == Mode::Caller {
            // The client crate's artifacts are shared by every workspace (its path relative to
            // the workspace is the same), so this workspace's crate is built first, unmeasured.
            self.clean(workspace, Mode::Release)?;
            let command = self.command(workspace, Mode::Release.build_args());
            run_cargo(command, "the client crate's build before the caller's").map(drop)?;
        }
        let command = self.command(workspace, mode.clean_args());
        run_cargo(command, &format!("cargo clean -p {}", mode.package())).map(drop)
    }

    /// Builds everything, so the measured builds find the dependencies built.
    fn warm_up(&self, workspace: &Path, mode: Mode) -> Result<(), String> {
        let command = self.command(workspace, mode.build_args());
        run_cargo(command, &format!("the {} warm-up build", mode.name())).map(drop)
    }
}

/// One measured build and the no-op build after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    pub build: Sample,
    pub noop: Sample,
}

/// CPU milliseconds per page: the build's CPU time less cargo's fixed cost (the no-op build's),
/// over the page count.
pub fn per_page_ms(build_cpu: f64, noop_cpu: f64, pages: usize) -> f64 {
    (build_cpu - noop_cpu) * 1000.0 / pages as f64
}

/// Minimum, median and maximum (the mean of the middle two for an even count); zeros when empty.
pub fn summary(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    (sorted[0], median, sorted[n - 1])
}

/// How the build grew from one page count to a larger one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    /// How many times the pages.
    pub pages: f64,
    /// How many times the net CPU time (build less no-op).
    pub net: f64,
    /// How many times the CPU time per page: near 1 when growth is linear.
    pub per_page: f64,
    /// CPU milliseconds each added page cost: the net CPU time's growth over the pages added,
    /// without the fixed part of the crate (`lib.rs`) that per-page figures still carry.
    pub marginal_ms: f64,
}

/// From `from` to `to` pages (each with its CPU ms per page, `to` the larger count).
pub fn growth(from: (usize, f64), to: (usize, f64)) -> Growth {
    let (net_from, net_to) = (from.0 as f64 * from.1, to.0 as f64 * to.1);
    Growth {
        pages: to.0 as f64 / from.0 as f64,
        net: net_to / net_from,
        per_page: to.1 / from.1,
        marginal_ms: (net_to - net_from) / (to.0 - from.0) as f64,
    }
}

/// Every run of one page count in one mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub pages: usize,
    pub mode: Mode,
    pub runs: Vec<Run>,
}

impl Measured {
    fn per_page(&self) -> Vec<f64> {
        self.runs
            .iter()
            .map(|r| per_page_ms(r.build.cpu, r.noop.cpu, self.pages))
            .collect()
    }
}

/// A figure: one value, or min/median/max over several runs.
fn cell(values: &[f64], decimals: usize) -> String {
    let (min, median, max) = summary(values);
    if values.len() == 1 {
        format!("{median:.decimals$}")
    } else {
        format!("{min:.decimals$}/{median:.decimals$}/{max:.decimals$}")
    }
}

/// The report: one row per page count and mode, then the growth between page counts.
pub fn report(results: &[Measured], runs: usize) -> String {
    let mut rows = vec![[
        "pages".to_owned(),
        "mode".to_owned(),
        "CPU s".to_owned(),
        "no-op CPU s".to_owned(),
        "CPU ms/page".to_owned(),
        "wall s".to_owned(),
        "target".to_owned(),
    ]];
    for m in results {
        let cpu: Vec<f64> = m.runs.iter().map(|r| r.build.cpu).collect();
        let noop: Vec<f64> = m.runs.iter().map(|r| r.noop.cpu).collect();
        let wall: Vec<f64> = m.runs.iter().map(|r| r.build.wall).collect();
        let per_page = m.per_page();
        let (_, median, _) = summary(&per_page);
        let target = match m.mode.target_ms() {
            Some(target) if median <= target => format!("<= {target} ms pass"),
            Some(target) => format!("<= {target} ms FAIL"),
            None => "-".to_owned(),
        };
        rows.push([
            m.pages.to_string(),
            m.mode.name().to_owned(),
            cell(&cpu, 2),
            cell(&noop, 2),
            cell(&per_page, 1),
            cell(&wall, 2),
            target,
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    if runs > 1 {
        let _ = writeln!(
            out,
            "figures are min/median/max of {runs} runs; pass/fail is on the median"
        );
    }
    for row in &rows {
        let mut line = String::new();
        for (c, value) in row.iter().enumerate() {
            // Numbers right-aligned, words left.
            if c == 1 || c == 6 {
                let _ = write!(line, "{value:<w$}  ", w = widths[c]);
            } else {
                let _ = write!(line, "{value:>w$}  ", w = widths[c]);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "CPU ms/page = (CPU s - no-op CPU s) / pages; the no-op build is the same command with the crate already built.\n\
         It includes the crate's fixed part (lib.rs, the service's Client); the ms per added page below (from the medians) does not."
    );
    let mut modes: Vec<Mode> = Vec::new();
    for m in results {
        if !modes.contains(&m.mode) {
            modes.push(m.mode);
        }
    }
    for mode in modes {
        let points: Vec<(usize, f64)> = results
            .iter()
            .filter(|m| m.mode == mode)
            .map(|m| (m.pages, summary(&m.per_page()).1))
            .collect();
        for pair in points.windows(2) {
            let g = growth(pair[0], pair[1]);
            let _ = writeln!(
                out,
                "growth {:<7} {} -> {} pages: x{:.1} pages, net CPU x{:.2}, CPU per page x{:.2} (linear: x1.00); {:.1} ms per added page",
                mode.name(),
                pair[0].0,
                pair[1].0,
                g.pages,
                g.net,
                g.per_page,
                g.marginal_ms
            );
        }
    }
    out
}

/// `cargo xtask bench-build`: prepares every corpus, measures, prints the report. Progress goes
/// to stderr, the report to stdout.
pub fn run(root: &Path, options: &Options) -> Result<Vec<Measured>, String> {
    let out = root.join(OUT_DIR);
    let bench = Bench {
        target_dir: out.join("target"),
        ticks_per_second: clock_ticks(),
    };
    read_children_ticks()?;
    for var in ["RUSTC_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER"] {
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            eprintln!("bench-build: warning: {var} is set; a caching wrapper makes these figures meaningless");
        }
    }
    let version = cargo_command()
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    eprintln!(
        "bench-build: {version}; {} CPUs; CPU time in 1/{} s ticks",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        bench.ticks_per_second
    );

    let mut workspaces = Vec::new();
    for &pages in &options.pages {
        let dir = out.join(pages.to_string());
        let files = prepare(root, &dir, pages)?;
        eprintln!(
            "bench-build: {pages} pages: workspace {} ({files} files generated)",
            dir.display()
        );
        workspaces.push((pages, dir));
    }

    // The dependencies are built from a one-page workspace: the same dependencies, with the same
    // features and versions, so the measured workspaces find them built, without a first build
    // of the largest crate (the only one, at --pages 500) that would double the run.
    let warm_up = out.join("warm-up");
    prepare(root, &warm_up, 1)?;

    let mut results = Vec::new();
    for &mode in &options.modes {
        eprintln!(
            "bench-build: {}: building the dependencies (not measured)",
            mode.name()
        );
        bench.warm_up(&warm_up, mode)?;
        for (pages, dir) in &workspaces {
            let mut runs = Vec::new();
            for i in 0..options.runs {
                bench.clean(dir, mode)?;
                let load = load_average();
                let build = bench.timed(dir, mode, &[mode.package()])?;
                let noop = bench.timed(dir, mode, &[])?;
                eprintln!(
                    "bench-build: {:<7} {pages:>5} pages, run {}/{}: {:.2} s CPU, {:.2} s wall; no-op {:.2} s CPU; {:.1} ms/page (load {load} before)",
                    mode.name(),
                    i + 1,
                    options.runs,
                    build.cpu,
                    build.wall,
                    noop.cpu,
                    per_page_ms(build.cpu, noop.cpu, *pages)
                );
                runs.push(Run { build, noop });
            }
            results.push(Measured {
                pages: *pages,
                mode,
                runs,
            });
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn arguments() {
        assert_eq!(parse_args(&[]).unwrap(), Options::default());
        let options = parse_args(&args("--pages 100,10,100 --modes check,debug --runs 3")).unwrap();
        assert_eq!(options.pages, [10, 100]);
        assert_eq!(options.modes, [Mode::Check, Mode::Debug]);
        assert_eq!(options.runs, 3);
        let options = parse_args(&args("--modes=release --pages=500")).unwrap();
        assert_eq!(
            (options.pages, options.modes),
            (vec![500], vec![Mode::Release])
        );
        for bad in [
            "--pages",
            "--pages ten",
            "--pages 10,,100",
            "--pages 0",
            "--pages -5",
            "--modes fast",
            "--modes release,",
            "--runs 0",
            "--runs x",
            "--jobs 2",
            "100",
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn per_page_arithmetic() {
        assert!((per_page_ms(2.5, 0.5, 100) - 20.0).abs() < 1e-9);
        assert!((per_page_ms(1.0, 0.2, 10) - 80.0).abs() < 1e-9);
        assert_eq!(summary(&[3.0, 1.0, 2.0]), (1.0, 2.0, 3.0));
        assert_eq!(summary(&[4.0, 1.0, 2.0, 3.0]), (1.0, 2.5, 4.0));
        assert_eq!(summary(&[]), (0.0, 0.0, 0.0));
        // 200 ms net at 10 pages, 1,800 ms at 100: 1,600 ms for 90 more pages.
        let g = growth((10, 20.0), (100, 18.0));
        assert!((g.pages - 10.0).abs() < 1e-9);
        assert!((g.net - 9.0).abs() < 1e-9);
        assert!((g.per_page - 0.9).abs() < 1e-9);
        assert!((g.marginal_ms - 1600.0 / 90.0).abs() < 1e-9);
    }

    #[test]
    fn proc_stat_children_times() {
        // pid (comm) state ppid ... utime stime cutime cstime ...; a name with spaces and `)`.
        let stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194304 100 2000 0 0 7 3 \
                    1234 56 20 0 1 0 100 1000000 200 18446744073709551615";
        assert_eq!(children_ticks(stat), Some(1234 + 56));
        assert_eq!(children_ticks("garbage"), None);
    }

    #[test]
    fn the_caller_takes_each_versions_request_type() {
        let text = "pub use self::v2021_01_01::*;\n\
                    pub mod v2020_12_01 {\n    impl crate::ActionRequest for SendRequest {\n    }\n}\n\
                    pub mod v2021_01_01 {\n    pub struct SendRequest;\n    \
                    impl crate::ActionRequest for SendRequest {\n    }\n}\n";
        assert_eq!(
            request_types(text),
            [
                ("v2020_12_01".to_owned(), "SendRequest".to_owned()),
                ("v2021_01_01".to_owned(), "SendRequest".to_owned()),
            ]
        );
        assert!(request_types("impl crate::ActionRequest for Outside {}").is_empty());
        assert_eq!(
            parse_args(&args("--modes caller")).unwrap().modes,
            [Mode::Caller]
        );
        assert_eq!(Mode::Caller.target_ms(), None);
    }

    #[test]
    fn status_lines_name_what_was_built() {
        let stderr = "   Compiling serde v1.0.0\n    Checking volcengine-rtc v0.1.0 (/x)\nwarning: unused\n    Finished `dev` profile";
        assert_eq!(compiled_crates(stderr), ["serde", "volcengine-rtc"]);
        assert!(compiled_crates("    Finished `release` profile").is_empty());
    }
}
