//! The `call` example every service crate ships (feature `call-example`): calls one Action
//! through its typed request and prints the `Result` as JSON (and its `RequestId` on standard
//! error).
//!
//! ```text
//! cargo run -p volcengine-<service> --example call-<service> -- [--endpoint URL] [--version V] <Action> '<json>'
//! ```
//!
//! Credentials come from the environment (`VOLC_ACCESSKEY` / `VOLC_SECRETKEY`, optionally
//! `VOLC_SESSION_TOKEN`) or `~/.volc`. The JSON is decoded into the Action's request type first,
//! so a request that does not match the documentation fails before anything is sent.

use std::process::ExitCode;

use crate::{ClientBuilder, ServiceClient};

const USAGE: &str =
    "usage: call [--endpoint URL] [--version VERSION] <Action> '<request json>'\n\nActions:";

fn usage<C: ServiceClient>() -> ExitCode {
    eprintln!("{USAGE}");
    for entry in C::SERVICE.actions {
        let op = entry.operation();
        eprintln!("  {} (Version {})", op.action, op.version);
    }
    ExitCode::from(2)
}

/// The parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Args {
    endpoint: Option<String>,
    version: Option<String>,
    action: String,
    json: String,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Parsed {
    Call(Args),
    Help,
    /// A usage error, with what is wrong.
    Usage(String),
}

/// Parses the arguments after the program name. An option without its value (at the end, or
/// followed by another option) is a usage error, never a silent fall-back.
fn parse_args(args: impl IntoIterator<Item = String>) -> Parsed {
    let mut endpoint = None;
    let mut version = None;
    let mut positional = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let slot = match arg.as_str() {
            "--endpoint" => &mut endpoint,
            "--version" => &mut version,
            "-h" | "--help" => return Parsed::Help,
            _ => {
                positional.push(arg);
                continue;
            }
        };
        match args.next() {
            Some(value) if !value.is_empty() && !value.starts_with("--") => *slot = Some(value),
            _ => return Parsed::Usage(format!("{arg} needs a value")),
        }
    }
    match <[String; 2]>::try_from(positional) {
        Ok([action, json]) => Parsed::Call(Args {
            endpoint,
            version,
            action,
            json,
        }),
        Err(positional) => Parsed::Usage(format!(
            "expected an Action and a JSON request, got {} argument(s)",
            positional.len()
        )),
    }
}

/// Runs the example for the service of `C` with the process's arguments; the exit code is 2 for
/// a usage error, 1 when the call fails.
pub fn main<C: ServiceClient>() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start an async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run::<C>(std::env::args().skip(1)))
}

async fn run<C: ServiceClient>(args: impl IntoIterator<Item = String>) -> ExitCode {
    let Args {
        endpoint,
        version,
        action,
        json,
    } = match parse_args(args) {
        Parsed::Call(args) => args,
        Parsed::Help => return usage::<C>(),
        Parsed::Usage(problem) => {
            eprintln!("{problem}");
            return usage::<C>();
        }
    };
    let action = action.as_str();
    let request: serde_json::Value = match serde_json::from_str(&json) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("the request is not JSON: {e}");
            return ExitCode::from(2);
        }
    };
    let mut builder = ClientBuilder::<C>::new();
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
        .as_ref()
        .invoke_json(action, version.as_deref(), request)
        .await
    {
        Ok(output) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&*output).unwrap_or_default()
            );
            if let Some(request_id) = output.request_id() {
                eprintln!("RequestId: {request_id}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Parsed {
        parse_args(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn options_and_positionals() {
        assert_eq!(
            parse(&[
                "--endpoint",
                "http://127.0.0.1:1",
                "--version",
                "2020-12-01",
                "GetAppToken",
                "{}"
            ]),
            Parsed::Call(Args {
                endpoint: Some("http://127.0.0.1:1".into()),
                version: Some("2020-12-01".into()),
                action: "GetAppToken".into(),
                json: "{}".into(),
            })
        );
        assert_eq!(parse(&["--help"]), Parsed::Help);
    }

    #[test]
    fn an_option_without_its_value_is_a_usage_error() {
        for args in [
            &["GetAppToken", "{}", "--endpoint"][..],
            &["--endpoint", "--version", "v", "GetAppToken", "{}"],
            &["GetAppToken", "{}", "--version"],
            &["--endpoint", "", "GetAppToken", "{}"],
        ] {
            assert!(
                matches!(parse(args), Parsed::Usage(ref problem) if problem.contains("needs a value")),
                "{args:?}: {:?}",
                parse(args)
            );
        }
        assert!(matches!(parse(&["GetAppToken"]), Parsed::Usage(_)));
    }
}
