use std::process::ExitCode;

use xtask::{diff, regen};

const HELP: &str = "\
cargo xtask — volcgen's maintainer commands

USAGE:
    cargo xtask <COMMAND>

COMMANDS:
    regen   Parse every page under spec/docs/<service>/ into the IR (spec/ir/<service>/*.yaml) and
            generate one crate per service (generated-client/<service>/). Nothing is written if
            any page fails; changed files are replaced atomically; outputs no page produces are
            removed.
    check [--base REV]
            Do the same in memory and compare with the committed files. Exits 1 with a unified diff
            per stale file if anything differs; run `cargo xtask regen` to fix it. Also exits 1
            when a crate's API changed since REV while its version (spec/services/<service>.yaml)
            did not move as semver needs, or moved without a spec/changelog/<service>.md section.
            REV defaults to HEAD while spec/ has uncommitted changes, else HEAD~1 (on a fresh
            clone, as in CI: the last commit against its parent).
    diff [OLD [NEW]] [--json] [--changelog]
            What changed in each crate's API from OLD (default HEAD) to NEW (a git revision;
            default the working tree), each change breaking, additive or docs only, and the
            version bump that needs. --json: as JSON. --changelog: also write the changes into
            spec/changelog/<service>.md (NEW must be the working tree; then run regen).
    bench-corpus N [--out DIR]
            Write N distinct pages, varied from the RTC pages that parse without
            spec/overrides.yaml, under DIR/spec/docs/rtc/ (default target/bench-corpus/N) with
            RTC's settings, for benchmarks; `cargo xtask regen --root DIR` then runs the whole
            pipeline on them (N of at least twice the seeds, so that every value name is used).
    bench-build [--pages 10,100,500] [--modes release,debug,check] [--runs N]
            What the generated crate costs its users to build (issue #10). For each page count N,
            a workspace under target/bench-build/N holds N bench-corpus pages, the hand-written
            parts of generated-client/ and the code regen generates from the pages; the crate
            alone is then built (`cargo clean -p volcengine-rtc`, then `cargo build --lib
            --release`, `cargo build --lib` or `cargo check --lib`, CARGO_INCREMENTAL=0,
            dependencies already built in target/bench-build/target, --locked --offline).
            Reports the CPU time of each build (user + system, the whole process tree), a no-op
            build's for cargo's fixed cost, CPU ms per page net of it against the issue's targets,
            and the growth between page counts; with --runs N > 1, min/median/max. Linux only.
            Takes minutes: the release build of 500 pages alone needs over ten of CPU time.
    fetch [SERVICE…] [--docs-url URL] [--pace S] [--timeout S] [--retries N] [--backoff S]
            Download the official page of every Action that `sources:` in
            spec/services/<service>.yaml maps to the documentation site, into
            spec/docs/<service>/<Action>.md (written only when changed; reports each page's
            UpdatedTime). Uses the site's own JSON endpoints (not a documented API). Then run
            `regen`, then `diff`.
    fetch --new SERVICE LIBRARY [OPTIONS]
            List a documentation library and add its Action pages that SERVICE does not map
            yet (page and `sources:` entry); other pages are reported as skipped, with why.
    crosscheck [--metadata DIR] [--all]
            Compare the pages with the API metadata of Volcengine's CLI (default
            spec/metadata): fields missing or extra, types, required flags, method, Version.
            Fails on a finding neither an override nor spec/crosscheck.yaml settles, and on a
            stale acknowledgement. --all lists every finding.
    extract-metadata --from FILE [--from FILE…] [--out DIR]
            Write the metadata of the pages' services and Versions, trimmed to their Actions,
            from the CLI's go-bindata files (asset/asset.go, typeset/typeset.go,
            structset/structset.go) to spec/metadata (or DIR).
    help    Print this help.

OPTIONS:
    --root DIR   Work on DIR (every command). Without it, the repository is the nearest
                 folder, from the current one up, whose Cargo.toml has [workspace].

A page that breaks the format is reported as `file:line: what is wrong`, every page at once.
";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut root_arg = None;
    if let Some(i) = args.iter().position(|a| a == "--root") {
        match args.get(i + 1) {
            Some(dir) => root_arg = Some(std::path::PathBuf::from(dir)),
            None => {
                eprintln!("--root needs a folder");
                return ExitCode::from(2);
            }
        }
        args.drain(i..i + 2);
    }
    // The checkout this run was started in, not the one this binary was built from: checkouts
    // sharing a target folder share the binary.
    let root = || -> Result<std::path::PathBuf, ExitCode> {
        if let Some(root) = &root_arg {
            return Ok(root.clone());
        }
        let here = std::env::current_dir().map_err(|e| {
            eprintln!("error: cannot read the current folder: {e}");
            ExitCode::FAILURE
        })?;
        regen::find_root(&here).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        })
    };
    match args.first().map(String::as_str) {
        Some("regen") if args.len() == 1 => match root().map(|root| regen::regen(&root)) {
            Err(code) => code,
            Ok(Ok(report)) => {
                for path in &report.written {
                    println!("wrote   {path}");
                }
                for path in &report.removed {
                    println!("removed {path}");
                }
                println!(
                    "regen: {} written, {} unchanged, {} removed",
                    report.written.len(),
                    report.unchanged,
                    report.removed.len()
                );
                ExitCode::SUCCESS
            }
            Ok(Err(e @ regen::Error::Write(_))) => {
                // Says itself what was and was not written.
                eprintln!("{e}");
                ExitCode::FAILURE
            }
            Ok(Err(e)) => {
                eprintln!("{e}\nregen: nothing was written");
                ExitCode::FAILURE
            }
        },
        Some("check") if args.len() == 1 || (args.len() == 3 && args[1] == "--base") => {
            let root = match root() {
                Ok(root) => root,
                Err(code) => return code,
            };
            let fresh = check_fresh(&root);
            let versions = check_versions(&root, args.get(2).map(String::as_str));
            if fresh == ExitCode::SUCCESS {
                versions
            } else {
                fresh
            }
        }
        Some("diff") => diff(&args[1..], root),
        Some("bench-corpus") => {
            let n = args.get(1).and_then(|n| n.parse::<usize>().ok());
            let out = match (args.get(2).map(String::as_str), args.get(3)) {
                (Some("--out"), Some(dir)) => Some(std::path::PathBuf::from(dir)),
                (None, None) => None,
                _ => {
                    eprintln!("usage: cargo xtask bench-corpus N [--out DIR]");
                    return ExitCode::from(2);
                }
            };
            let Some(n) = n else {
                eprintln!("usage: cargo xtask bench-corpus N [--out DIR]");
                return ExitCode::from(2);
            };
            let root = match root() {
                Ok(root) => root,
                Err(code) => return code,
            };
            let out = out.unwrap_or_else(|| root.join("target/bench-corpus").join(n.to_string()));
            match xtask::bench_corpus::write(&root, &out, n) {
                Ok(written) => {
                    println!(
                        "bench-corpus: {written} pages under {}",
                        out.join(regen::DOCS_DIR).display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("bench-build") => {
            let options = match xtask::bench_build::parse_args(&args[1..]) {
                Ok(options) => options,
                Err(e) => {
                    eprintln!("{e}\n{}", xtask::bench_build::USAGE);
                    return ExitCode::from(2);
                }
            };
            let root = match root() {
                Ok(root) => root,
                Err(code) => return code,
            };
            match xtask::bench_build::run(&root, &options) {
                Ok(results) => {
                    print!("{}", xtask::bench_build::report(&results, options.runs));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(command @ ("fetch" | "crosscheck" | "extract-metadata")) => match root() {
            Err(code) => code,
            Ok(root) => match command {
                "fetch" => xtask::fetch::main(&root, &args[1..]),
                "crosscheck" => xtask::crosscheck::main(&root, &args[1..]),
                _ => xtask::metadata::main(&root, &args[1..]),
            },
        },
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command `{other}`\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}

/// `cargo xtask check`'s freshness half: every generated file as the build makes it.
fn check_fresh(root: &std::path::Path) -> ExitCode {
    match regen::check(root) {
        Ok(stale) if stale.is_empty() => {
            println!("check: generated files are up to date");
            ExitCode::SUCCESS
        }
        Ok(stale) => {
            for s in &stale {
                println!("{}", s.diff);
            }
            eprintln!(
                "check: {} file(s) are stale: {}\nRun `{}` and commit the result.",
                stale.len(),
                stale
                    .iter()
                    .map(|s| s.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                regen::FIX_COMMAND
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask check`'s version half: each crate's version against its API changes since
/// `base` (see [`diff::default_base`]). Skipped, saying why, where there is nothing to compare.
fn check_versions(root: &std::path::Path, base: Option<&str>) -> ExitCode {
    let base = match base.map_or_else(|| diff::default_base(root), |b| Ok(b.to_owned())) {
        Ok(base) => base,
        Err(why) => {
            println!("check: versions not checked: {why}");
            return ExitCode::SUCCESS;
        }
    };
    let check = diff::check_versions(root, &base);
    for skipped in check.iter().flat_map(|c| &c.skipped) {
        println!("check: version not checked: {skipped}");
    }
    match check {
        Ok(check) if check.problems.is_empty() => {
            println!(
                "check: crate versions fit their API changes since {}",
                check.base
            );
            ExitCode::SUCCESS
        }
        Ok(check) => {
            for problem in &check.problems {
                eprintln!("error: {problem}");
            }
            eprintln!(
                "check: {} crate(s) need a version or changelog change (compared with {})",
                check.problems.len(),
                check.base
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: comparing with {base}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask diff [OLD [NEW]] [--json] [--changelog]`.
fn diff(args: &[String], root: impl Fn() -> Result<std::path::PathBuf, ExitCode>) -> ExitCode {
    let json = args.iter().any(|a| a == "--json");
    let changelog = args.iter().any(|a| a == "--changelog");
    let revs: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if revs.len() > 2
        || args
            .iter()
            .any(|a| a.starts_with("--") && a != "--json" && a != "--changelog")
    {
        eprintln!("usage: cargo xtask diff [OLD [NEW]] [--json] [--changelog]");
        return ExitCode::from(2);
    }
    let old = diff::Tree::Rev(revs.first().map_or("HEAD".to_owned(), |r| r.to_string()));
    let new = revs
        .get(1)
        .map_or(diff::Tree::Work, |r| diff::Tree::Rev(r.to_string()));
    if changelog && new != diff::Tree::Work {
        eprintln!("--changelog writes into the working tree: compare OLD with it (no NEW)");
        return ExitCode::from(2);
    }
    let root = match root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    let reports = match diff::report(&root, &old, &new) {
        Ok(reports) => reports,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if json {
        println!("{}", diff::render_json(&old, &new, &reports));
    } else {
        print!("{}", diff::render(&old, &new, &reports));
    }
    if changelog {
        match diff::write_changelogs(&root, &reports) {
            Ok(written) => {
                for file in &written {
                    eprintln!("wrote   {file}");
                }
                if !written.is_empty() {
                    eprintln!("run `{}` to copy them into the crates", regen::FIX_COMMAND);
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
