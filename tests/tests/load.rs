//! Load: 10,048 typed calls from 64 concurrent tasks against a signature-verifying loopback
//! server. Every call succeeds, connections are reused (the server accepts at most a couple per
//! task), and memory stays flat between warm-up and the end (Linux: `VmRSS`).
//!
//! The only time bound is a generous guard against a hang; nothing asserts on speed.

use std::sync::Arc;
use std::time::Duration;

use volcengine_rtc::api::get_app_token::{GetAppTokenRequest, GetAppTokenRequired, OPERATION};
use volcengine_rtc::{Client, Credentials, RateLimitConfig};
use volcgen_tests::server::{json_reply, RawReply, ServerOptions, TestServer};

const ACCESS_KEY: &str = "AKLTloadtest";
const SECRET_KEY: &str = "bG9hZC10ZXN0LXNlY3JldA==";
const TASKS: usize = 64;
const CALLS_PER_TASK: usize = 157; // 64 × 157 = 10,048
const WARM_UP_CALLS_PER_TASK: usize = 16;

/// Resident memory of this process in bytes (Linux only).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn example() -> &'static str {
    volcengine_rtc::api::ACTIONS
        .iter()
        .find(|entry| entry.operation().action == OPERATION.action)
        .and_then(|entry| entry.response_example())
        .expect("GetAppToken has a documented response example")
}

/// `calls` typed calls from each of `TASKS` tasks; returns how many failed (with the first
/// error).
async fn run(client: &Client, calls: usize) -> (usize, Option<String>) {
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let client = client.clone();
        tasks.spawn(async move {
            let mut failures = (0, None);
            for call in 0..calls {
                let request = GetAppTokenRequest::new(GetAppTokenRequired {
                    app_id: 123456,
                    user_id: (task * calls + call) as i64,
                    expire_time: 1_700_000_000_000,
                });
                match client.get_app_token(&request).await {
                    Ok(result) if result.token.is_some() => {}
                    Ok(result) => {
                        failures.0 += 1;
                        failures.1.get_or_insert(format!("no token in {result:?}"));
                    }
                    Err(error) => {
                        failures.0 += 1;
                        failures.1.get_or_insert(error.to_string());
                    }
                }
            }
            failures
        });
    }
    let mut total = (0, None);
    while let Some(joined) = tasks.join_next().await {
        let (failed, first) = joined.expect("no task panics");
        total.0 += failed;
        if total.1.is_none() {
            total.1 = first;
        }
    }
    total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_over_64_tasks() {
    let body: Arc<serde_json::Value> =
        Arc::new(serde_json::from_str(example()).expect("the example is JSON"));
    let server = TestServer::start_with(
        ServerOptions {
            record_requests: false,
        },
        move |request| {
            RawReply::Reply(match request.verify_signature(SECRET_KEY) {
                Ok(()) => json_reply(200, &body),
                Err(reason) => json_reply(401, &serde_json::json!({"reason": reason})),
            })
        },
    )
    .await;
    let client = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .endpoint(server.url())
        .rate_limit(RateLimitConfig::disabled())
        .build()
        .expect("client");

    let load = async {
        let (failed, first) = run(&client, WARM_UP_CALLS_PER_TASK).await;
        assert_eq!(failed, 0, "warm-up failures, first: {first:?}");
        let warm = resident_bytes();

        let (failed, first) = run(&client, CALLS_PER_TASK).await;
        assert_eq!(failed, 0, "failures, first: {first:?}");
        (warm, resident_bytes())
    };
    let (warm, end) = tokio::time::timeout(Duration::from_secs(300), load)
        .await
        .expect("the load test does not hang");

    let calls = TASKS * (WARM_UP_CALLS_PER_TASK + CALLS_PER_TASK);
    assert_eq!(
        server.request_count(),
        calls,
        "one request per call, no retries"
    );
    let connections = server.accepted_connections();
    assert!(
        connections <= 2 * TASKS,
        "{connections} connections for {calls} calls: the pool does not reuse them"
    );
    if let (Some(warm), Some(end)) = (warm, end) {
        // Generous for allocator noise (typically < 1 MiB here), yet below what keeping ~1 KiB
        // per call would cost over 10,048 calls (10 MiB).
        let growth = end.saturating_sub(warm);
        assert!(
            growth < 8 * 1024 * 1024,
            "RSS grew by {growth} bytes over {calls} calls ({warm} → {end})"
        );
    }
}
