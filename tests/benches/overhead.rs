//! The client's own cost per call on loopback: a typed call through `Client` (encode, sign,
//! send, read, decode, with retries, timeouts and tracing spans armed) against a raw `reqwest`
//! POST of the same bytes to the same server (send, read the body, nothing else).
//!
//! `cargo bench -p volcgen-tests --bench overhead` (set `BENCH_QUICK=1`
//! for a smoke run). Target (issue #19): the client costs at most 5 % more per call than the raw
//! POST, in every run of three.
//! A third contender is the floor under any client that does the same work: the same call
//! written by hand, each step once and nothing around it (`serde` derive types, the runtime's
//! signer, `reqwest`), with no retries, deadlines, rate limit, spans or lenient decoding. What
//! the client costs above it is its own structure; what the floor costs above the raw POST is
//! the work itself (encode, sign, decode), as it runs between two round trips.
//!
//! The server is the crate's `MockServer` (its own thread) answering the documented example,
//! with signature checking and request recording off. The raw POST carries the same headers
//! as the client's (signed once, up front), so both cost the server the same and the
//! difference is the client's own work.

#[path = "support/harness.rs"]
mod harness;

use harness::{compare, verdict, Contender, Plan};
use volcengine_rtc::api::get_app_token::{GetAppTokenRequest, GetAppTokenRequired, OPERATION};
use volcengine_rtc::test_util::MockServer;
use volcengine_rtc::{RateLimitConfig, RetryConfig};
use volcengine_runtime::signing::{format_x_date, Signer, SigningRequest};

fn main() {
    let mock = MockServer::start().expect("mock server");
    mock.verify_signatures(false);
    mock.record_requests(false);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let client = mock
        .client_builder()
        .retry(RetryConfig::standard())
        .rate_limit(RateLimitConfig::disabled())
        .build()
        .expect("client");
    let limited = mock
        .client_builder()
        .retry(RetryConfig::standard())
        .rate_limit(RateLimitConfig::documented().with_qps(OPERATION.action, 1_000_000))
        .build()
        .expect("client");
    let request = GetAppTokenRequest::new(GetAppTokenRequired {
        app_id: 123456,
        user_id: 10001,
        expire_time: 1_700_000_000_000,
    });
    let body = bytes::Bytes::from(serde_json::to_vec(&request).expect("JSON"));
    let url = format!(
        "{}/?Action={}&Version={}",
        mock.url(),
        OPERATION.action,
        OPERATION.version
    );
    // The same headers the client sends, computed once.
    let host = mock.url().trim_start_matches("http://").to_owned();
    let query = format!("Action={}&Version={}", OPERATION.action, OPERATION.version);
    let x_date = format_x_date(std::time::SystemTime::now());
    let signing = SigningRequest {
        method: "POST",
        host: &host,
        path: "/",
        canonical_query: &query,
        headers: &[("Content-Type", "application/json")],
        body: &body,
        x_date: &x_date,
    };
    let credentials = MockServer::credentials();
    let signature =
        Signer::new(credentials.clone()).sign(&signing, OPERATION.region, OPERATION.service);
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in signature.headers(&signing, &credentials) {
        headers.insert(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            reqwest::header::HeaderValue::from_str(&value).expect("header value"),
        );
    }
    let raw = reqwest::Client::builder()
        .user_agent(volcengine_rtc::SERVICE.user_agent)
        .build()
        .expect("reqwest client");

    let raw_post = || runtime.block_on(post(&raw, &url, &headers, &body));
    let floor_request = floor::Request {
        app_id: 123456,
        user_id: 10001,
        expire_time: 1_700_000_000_000,
    };
    assert_eq!(
        serde_json::to_vec(&floor_request).expect("JSON"),
        body,
        "the floor sends the client's bytes"
    );
    let signer = Signer::new(credentials.clone());
    let floor_call = || {
        let body = bytes::Bytes::from(serde_json::to_vec(&floor_request).expect("JSON"));
        let x_date = format_x_date(std::time::SystemTime::now());
        let signing = SigningRequest {
            body: &body,
            x_date: &x_date,
            ..signing
        };
        let signature = signer.sign(&signing, OPERATION.region, OPERATION.service);
        let header = |value: &str| reqwest::header::HeaderValue::from_str(value).expect("header");
        let mut headers = reqwest::header::HeaderMap::with_capacity(8);
        headers.insert("content-type", header("application/json"));
        headers.insert("host", header(&host));
        headers.insert("x-date", header(&x_date));
        headers.insert("x-content-sha256", header(signature.content_sha256()));
        headers.insert("authorization", header(signature.authorization()));
        let answer = runtime.block_on(async {
            raw.post(&url)
                .headers(headers)
                .body(body)
                .send()
                .await
                .expect("sent")
                .bytes()
                .await
                .expect("read")
        });
        let envelope: floor::Envelope = serde_json::from_slice(&answer).expect("decodes");
        assert!(envelope.result.token.is_some());
        envelope
    };
    // Both read the same answer alike.
    let (typed, metadata) = runtime
        .block_on(client.get_app_token(&request))
        .expect("call succeeds")
        .into_parts();
    let by_hand = floor_call();
    assert_eq!(
        (
            by_hand.result.app_id,
            by_hand.result.user_id,
            by_hand.result.user_id_str.as_deref(),
            by_hand.result.token.as_deref(),
        ),
        (
            typed.app_id,
            typed.user_id,
            typed.user_id_str.as_deref(),
            typed.token.as_deref(),
        )
    );
    assert_eq!(by_hand.metadata, metadata);

    let mut stats = compare(
        "One call on loopback (GetAppToken, documented example answer)",
        Plan::from_env(200),
        &mut [
            Contender::new("volcengine-rtc Client, typed call", || {
                runtime
                    .block_on(client.get_app_token(&request))
                    .expect("call succeeds")
            }),
            Contender::new("baseline: raw reqwest POST of the same bytes", raw_post),
            Contender::new(
                "floor: the same call by hand (derive, sign, POST)",
                floor_call,
            ),
        ],
    );
    let floor_stats = stats.pop().expect("three contenders");
    let with_limiter = compare(
        "The same with the client's rate limiter on (QPS 1e6, so it never waits)",
        Plan::from_env(100),
        &mut [
            Contender::new("volcengine-rtc Client, rate limiter on", || {
                runtime
                    .block_on(limited.get_app_token(&request))
                    .expect("call succeeds")
            }),
            Contender::new("baseline: raw reqwest POST of the same bytes", raw_post),
        ],
    );
    stats.extend(with_limiter);
    // What the client's two deadlines (the call's and the attempt's) cost by themselves: the
    // raw POST inside two `tokio::time::timeout`s, as the client runs an attempt.
    let timed = compare(
        "The raw POST inside two timeouts (what the call and attempt deadlines cost alone)",
        Plan::from_env(100),
        &mut [
            Contender::new("raw reqwest POST inside two tokio timeouts", || {
                runtime.block_on(async {
                    let deadline = std::time::Duration::from_secs(30);
                    tokio::time::timeout(
                        deadline,
                        tokio::time::timeout(deadline, post(&raw, &url, &headers, &body)),
                    )
                    .await
                    .expect("in time")
                    .expect("in time")
                })
            }),
            Contender::new("baseline: raw reqwest POST of the same bytes", raw_post),
        ],
    );
    stats.extend(timed);
    let (ours, raw_ns) = (stats[0].median_ns(), stats[1].median_ns());
    // Loopback latency in a VM swings with the host; the paired ratio (samples of the two
    // contenders taken back to back) cancels that drift.
    let (ratio, low, high) = stats[0].paired_ratio(&stats[1]);
    verdict(
        "client overhead ≤ 5 % over a raw reqwest POST (median paired ratio)",
        ratio <= 1.05,
        format!(
            "{:+.1} % (p10 {:+.1} %, p90 {:+.1} %); medians {:.1} µs vs {:.1} µs",
            (ratio - 1.0) * 100.0,
            (low - 1.0) * 100.0,
            (high - 1.0) * 100.0,
            ours / 1e3,
            raw_ns / 1e3,
        ),
    );
    let (floor_ratio, _, _) = floor_stats.paired_ratio(&stats[1]);
    let (over_floor, _, _) = stats[0].paired_ratio(&floor_stats);
    println!(
        "  [info] the floor (the same work by hand): {:+.1} % over the raw POST; the client {:+.1} % over the floor (median paired ratios)",
        (floor_ratio - 1.0) * 100.0,
        (over_floor - 1.0) * 100.0
    );
    let (limited, _, _) = stats[2].paired_ratio(&stats[3]);
    println!(
        "  [info] with the rate limiter on: {:+.1} % over the raw POST (median paired ratio)",
        (limited - 1.0) * 100.0
    );
    let (timed, _, _) = stats[4].paired_ratio(&stats[5]);
    println!(
        "  [info] the raw POST inside two timeouts: {:+.1} % over the raw POST (median paired ratio)",
        (timed - 1.0) * 100.0
    );
    println!("  [info] the mock served {} requests", mock.served());
}

/// The floor's types: what `#[derive]` makes of the request and the answer.
mod floor {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Request {
        pub app_id: i32,
        pub user_id: i64,
        pub expire_time: i64,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Envelope {
        /// The runtime's own type, a plain derive.
        #[serde(rename = "ResponseMetadata")]
        pub metadata: volcengine_runtime::ResponseMetadata,
        pub result: Result,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Result {
        pub app_id: Option<i32>,
        pub user_id: Option<i64>,
        pub user_id_str: Option<String>,
        pub token: Option<String>,
    }
}

/// The baseline: a raw POST of the request's bytes with the client's headers, its answer read.
async fn post(
    raw: &reqwest::Client,
    url: &str,
    headers: &reqwest::header::HeaderMap,
    body: &bytes::Bytes,
) -> bytes::Bytes {
    raw.post(url)
        .headers(headers.clone())
        .body(body.clone())
        .send()
        .await
        .expect("sent")
        .bytes()
        .await
        .expect("read")
}
