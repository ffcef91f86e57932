//! Calls one Action through its typed call function and prints the `Result` as JSON.
//!
//! ```text
//! cargo run -p volcengine-rtc --example call -- [--endpoint URL] [--version V] <Action> '<json>'
//! ```
//!
//! Credentials come from the environment (`VOLC_ACCESSKEY` / `VOLC_SECRETKEY`, optionally
//! `VOLC_SESSION_TOKEN`). The JSON is decoded into the Action's request type first, so a request
//! that does not match the documentation fails before anything is sent.

use std::process::ExitCode;
use volcengine_rtc::Client;

const USAGE: &str =
    "usage: call [--endpoint URL] [--version VERSION] <Action> '<request json>'\n\nActions:";

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    for entry in volcengine_rtc::api::ACTIONS {
        let op = entry.operation();
        eprintln!("  {} (Version {})", op.action, op.version);
    }
    ExitCode::from(2)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut endpoint = None;
    let mut version = None;
    let mut positional = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--endpoint" => endpoint = args.next(),
            "--version" => version = args.next(),
            "-h" | "--help" => return usage(),
            _ => positional.push(arg),
        }
    }
    let [action, json] = positional.as_slice() else {
        return usage();
    };
    let request: serde_json::Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("the request is not JSON: {e}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Client::builder();
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint(endpoint);
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match client
        .invoke_json(action, version.as_deref(), request)
        .await
    {
        Ok(result) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&result).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
