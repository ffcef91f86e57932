use std::process::ExitCode;
use xtask::regen;

const HELP: &str = "\
cargo xtask — volcgen's maintainer commands

USAGE:
    cargo xtask <COMMAND>

COMMANDS:
    regen   Parse every page under spec/docs/ into the IR (spec/ir/*.yaml) and generate the client
            code (generated-client/src/generated/). Nothing is written if any page fails; changed
            files are replaced atomically; outputs no page produces are removed.
    check   Do the same in memory and compare with the committed files. Exits 1 with a unified diff
            per stale file if anything differs; run `cargo xtask regen` to fix it.
    help    Print this help.

A page that breaks the format is reported as `file:line: what is wrong`, every page at once.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = regen::repo_root();
    match args.first().map(String::as_str) {
        Some("regen") if args.len() == 1 => match regen::regen(&root) {
            Ok(report) => {
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
            Err(e) => {
                eprintln!("{e}\nregen: nothing was written");
                ExitCode::FAILURE
            }
        },
        Some("check") if args.len() == 1 => match regen::check(&root) {
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
