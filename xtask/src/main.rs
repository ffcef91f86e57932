use std::process::ExitCode;

use xtask::regen;

const HELP: &str = "\
cargo xtask — volcgen's maintainer commands

USAGE:
    cargo xtask <COMMAND>

COMMANDS:
    regen   Parse every page under spec/docs/<service>/ into the IR (spec/ir/<service>/*.yaml) and
            generate one crate per service (generated-client/<service>/). Nothing is written if
            any page fails; changed files are replaced atomically; outputs no page produces are
            removed.
    check   Do the same in memory and compare with the committed files. Exits 1 with a unified diff
            per stale file if anything differs; run `cargo xtask regen` to fix it.
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
    help    Print this help.

OPTIONS:
    --root DIR   Work on DIR (regen, check, bench-corpus, bench-build). Without it, the
                 repository is the nearest folder, from the current one up, whose Cargo.toml has
                 [workspace].

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
        Some("check") if args.len() == 1 => match root().map(|root| regen::check(&root)) {
            Err(code) => code,
            Ok(Ok(stale)) if stale.is_empty() => {
                println!("check: generated files are up to date");
                ExitCode::SUCCESS
            }
            Ok(Ok(stale)) => {
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
            Ok(Err(e)) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
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
