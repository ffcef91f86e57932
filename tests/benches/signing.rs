//! Signing cost: the client's signer (derived key cached per date, region and service)
//! against the `aws-sigv4` crate signing the equivalent SigV4 request and against the in-tree
//! uncached `sign()` (which derives the key each time, as `aws-sigv4` does); and signing a
//! 1 MiB body against hashing the same bytes with SHA-256.
//!
//! `cargo bench -p volcgen-tests --bench signing` (set `BENCH_QUICK=1` for a smoke run).
//! Targets: small POST ≤ 1.0 µs and ≥ 4× faster than `aws-sigv4`; 1 MiB within 5 % of raw
//! SHA-256.

#[path = "support/harness.rs"]
mod harness;

use std::time::{Duration, SystemTime};

use harness::{compare, verdict, Contender, Plan};
use sha2::{Digest, Sha256};
use volcengine_rtc::Credentials;
use volcengine_runtime::signing::{canonical_query, sign, Signer, SigningRequest};

const ACCESS_KEY: &str = "AKLTYmVuY2htYXJrLWFjY2Vzcy1rZXk";
const SECRET_KEY: &str = "WW1WdVkyaHRZWEpyTFhObFkzSmxkQzFyWlhrPQ==";
const X_DATE: &str = "20231114T221320Z";
const BODY: &[u8] = br#"{"AppId":"661e****543cf","RoomId":"Room1","TaskId":"webcast-task-1","SourceURL":"https://example.com/live","VideoWidth":1280,"VideoHeight":720}"#;

fn aws_params(
    identity: &aws_smithy_runtime_api::client::identity::Identity,
) -> aws_sigv4::http_request::SigningParams<'_> {
    let mut settings = aws_sigv4::http_request::SigningSettings::default();
    // Hash the payload into a header, as the Volcengine signer does with X-Content-Sha256.
    settings.payload_checksum_kind = aws_sigv4::http_request::PayloadChecksumKind::XAmzSha256;
    aws_sigv4::sign::v4::SigningParams::builder()
        .identity(identity)
        .region("cn-north-1")
        .name("rtc")
        .time(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        .settings(settings)
        .build()
        .expect("valid SigV4 parameters")
        .into()
}

fn aws_sign(
    params: &aws_sigv4::http_request::SigningParams<'_>,
    url: &str,
    body: &[u8],
) -> aws_sigv4::SigningOutput<aws_sigv4::http_request::SigningInstructions> {
    let headers = [
        ("content-type", "application/json"),
        ("host", "rtc.volcengineapi.com"),
    ];
    let signable = aws_sigv4::http_request::SignableRequest::new(
        "POST",
        url,
        headers.into_iter(),
        aws_sigv4::http_request::SignableBody::Bytes(body),
    )
    .expect("signable request");
    aws_sigv4::http_request::sign(signable, params).expect("signs")
}

fn main() {
    let plan = Plan::from_env(100);
    let credentials = Credentials::new(ACCESS_KEY, SECRET_KEY);
    let signer = Signer::new(credentials.clone());
    let query = canonical_query(&[("Action", "StartWebcast"), ("Version", "2023-11-01")]);
    let request = |body: &'static [u8]| SigningRequest {
        method: "POST",
        host: "rtc.volcengineapi.com",
        path: "/",
        canonical_query: &query,
        headers: &[("Content-Type", "application/json")],
        body,
        x_date: X_DATE,
    };
    let small = request(BODY);

    let identity: aws_smithy_runtime_api::client::identity::Identity =
        aws_credential_types::Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "bench").into();
    let params = aws_params(&identity);
    let url = format!("https://rtc.volcengineapi.com/?{query}");

    let stats = compare(
        &format!("Signing a small POST ({} B body)", BODY.len()),
        plan,
        &mut [
            Contender::new("volcengine-rtc Signer (signing key cached)", || {
                signer.sign(&small, "cn-north-1", "rtc")
            }),
            Contender::new("baseline: aws-sigv4 1.x (derives the key per call)", || {
                aws_sign(&params, &url, BODY)
            }),
            Contender::new(
                "baseline: in-tree sign() (derives the key per call)",
                || sign(&small, &credentials, "cn-north-1", "rtc"),
            ),
        ],
    );
    let (ours, aws, naive) = (
        stats[0].median_ns(),
        stats[1].median_ns(),
        stats[2].median_ns(),
    );
    let mut ok = verdict(
        "small POST ≤ 1.0 µs",
        ours <= 1000.0,
        format!("{ours:.0} ns"),
    );
    let (paired, _, _) = stats[1].paired_ratio(&stats[0]);
    ok &= verdict(
        "≥ 4× faster than aws-sigv4",
        aws / ours >= 4.0,
        format!(
            "{:.1}× ({aws:.0} ns vs {ours:.0} ns; median paired ratio {paired:.1}×)",
            aws / ours
        ),
    );
    println!(
        "  [info] vs the uncached in-tree signer: {:.1}× ({naive:.0} ns)",
        naive / ours
    );

    let mib: &'static [u8] = Box::leak(vec![0x5a_u8; 1024 * 1024].into_boxed_slice());
    let large = request(mib);
    let plan_large = Plan {
        sample_target: plan.sample_target.max(Duration::from_millis(20)),
        ..Plan::from_env(40)
    };
    let stats = compare(
        "Signing a 1 MiB POST body",
        plan_large,
        &mut [
            Contender::new("volcengine-rtc Signer (1 MiB body)", || {
                signer.sign(&large, "cn-north-1", "rtc")
            }),
            Contender::new("baseline: raw SHA-256 of the same 1 MiB", || {
                Sha256::digest(mib)
            }),
        ],
    );
    let (ours, raw) = (stats[0].median_ns(), stats[1].median_ns());
    ok &= verdict(
        "1 MiB within 5 % of raw SHA-256",
        ours <= raw * 1.05,
        format!(
            "{:+.2} % ({:.3} ms vs {:.3} ms)",
            (ours / raw - 1.0) * 100.0,
            ours / 1e6,
            raw / 1e6
        ),
    );
    if !ok {
        println!("  (a FAIL above is a performance regression to look at)");
    }
}
