//! End to end over loopback, for every page in the IR: the generated call function signs and sends
//! the documented request example; an in-process server re-derives the signature from the request
//! exactly as received, checks it carries the documented example, and answers the documented
//! response example; the call returns exactly that example's `Result`.

use codegen::ir::{Method, Page};
use serde_json::{json, Value};
use std::sync::Arc;
use volcengine_rtc::{Client, Credentials};
use volcgen_tests::json::{first_difference, query_pairs, remove_paths};
use volcgen_tests::server::{json_reply, ReceivedRequest, Reply, TestServer};
use volcgen_tests::{committed_ir_of, request_example, request_examples, undocumented, SERVICES};

const ACCESS_KEY: &str = "AKLTgoldenloopback";
const SECRET_KEY: &str = "Z29sZGVuLWxvb3BiYWNrLXNlY3JldA==";

fn rejection(code: &str, message: String) -> Reply {
    json_reply(
        400,
        &json!({"ResponseMetadata": {"RequestId": "loopback", "Error": {"Code": code, "Message": message}}}),
    )
}

/// What the documented service would do with this request.
fn answer(pages: &[Page], request: &ReceivedRequest) -> Reply {
    if let Err(reason) = request.verify_signature(SECRET_KEY) {
        return rejection("SignatureDoesNotMatch", reason);
    }
    let action = request.query_values("Action").pop().unwrap_or_default();
    let version = request.query_values("Version").pop().unwrap_or_default();
    let Some(page) = pages
        .iter()
        .find(|p| p.action == action && p.version == version)
    else {
        return rejection("InvalidActionOrVersion", format!("{action} {version}"));
    };
    if request.method != page.method.as_str() {
        return rejection("InvalidMethod", request.method.clone());
    }
    // The request must be one of the page's documented examples (a page with scenario
    // examples has several).
    match page.method {
        Method::Post => {
            let body = request.body_json().unwrap_or(Value::Null);
            let undocumented = undocumented(page, "request");
            let mut first = None;
            let matched = request_examples(page).into_iter().any(|mut expected| {
                remove_paths(&mut expected, &undocumented);
                let difference = first_difference(&expected, &body);
                let none = difference.is_none();
                first = first.take().or(difference);
                none
            });
            if !matched {
                let d = first.unwrap_or_default();
                return rejection("InvalidParameter", format!("body is not an example: {d}"));
            }
        }
        Method::Get => {
            let mut received = request.query_pairs();
            received.sort();
            let documented: Vec<Vec<(String, String)>> = page
                .examples
                .request
                .iter()
                .chain(&page.examples.more_requests)
                .map(|example| {
                    let mut pairs = query_pairs(&example.url);
                    pairs.sort();
                    pairs
                })
                .collect();
            if !documented.contains(&received) {
                return rejection(
                    "InvalidParameter",
                    format!("query {received:?} is not one of the examples' {documented:?}"),
                );
            }
            if !request.body.is_empty() {
                return rejection("InvalidParameter", "a GET with a body".into());
            }
        }
    }
    let body = page
        .examples
        .response
        .clone()
        .expect("checked by the caller");
    (
        200,
        vec![("Content-Type".into(), "application/json".into())],
        body.into_bytes(),
    )
}

#[tokio::test]
async fn every_action_calls_through_a_verifying_loopback_server() {
    let mut called = 0;
    for under_test in SERVICES {
        called += call_every_action(under_test).await;
    }
    assert!(called > 0, "no page has both examples");
}

/// Calls every Action of one service that has both examples through its own loopback server;
/// returns how many.
async fn call_every_action(under_test: &volcgen_tests::ServiceUnderTest) -> usize {
    let pages: Arc<Vec<Page>> = Arc::new(
        committed_ir_of(under_test.service.name)
            .into_iter()
            .filter(|p| p.examples.request.is_some() && p.examples.response.is_some())
            .collect(),
    );
    let server = TestServer::start({
        let pages = Arc::clone(&pages);
        move |request| answer(&pages, request)
    })
    .await;
    let client = (under_test.client)(server.url(), ACCESS_KEY, SECRET_KEY);

    let mut failures = Vec::new();
    let mut sent = 0;
    for page in pages.iter() {
        let mut response: Value =
            serde_json::from_str(page.examples.response.as_deref().expect("filtered above"))
                .expect("the IR holds valid JSON");
        // Fields no table documents are listed in the IR; they are left out on both sides (the
        // dynamic call returns the answer's JSON as it came, they included).
        let undocumented_response = undocumented(page, "response");
        remove_paths(&mut response, &undocumented_response);
        let in_result: Vec<&str> = undocumented_response
            .iter()
            .filter_map(|p| p.strip_prefix("Result."))
            .collect();
        let expected = response.get("Result").cloned().unwrap_or(Value::Null);
        // Every documented request example, scenario examples included.
        for (n, request) in request_examples(page).into_iter().enumerate() {
            let result = client
                .invoke_json(&page.action, Some(&page.version), request)
                .await;
            sent += 1;
            match result {
                Ok(actual) => {
                    let mut result = (*actual).clone();
                    remove_paths(&mut result, &in_result);
                    if let Some(d) = first_difference(&expected, &result) {
                        failures.push(format!(
                            "{} (example {}): result differs: {d}",
                            page.source.path,
                            n + 1
                        ));
                    }
                    let request_id = response["ResponseMetadata"]["RequestId"].as_str();
                    if actual.request_id() != request_id {
                        failures.push(format!(
                            "{}: request id {:?}, not {request_id:?}",
                            page.source.path,
                            actual.request_id()
                        ));
                    }
                }
                Err(e) => failures.push(format!("{} (example {}): {e}", page.source.path, n + 1)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        server.requests().len(),
        sent,
        "one request per documented example"
    );
    pages.len()
}

#[tokio::test]
async fn a_wrong_secret_is_rejected_by_the_server() {
    let server = TestServer::start(|request| match request.verify_signature(SECRET_KEY) {
        Ok(()) => json_reply(200, &json!({"ResponseMetadata": {}, "Result": "ok"})),
        Err(reason) => rejection("SignatureDoesNotMatch", reason),
    })
    .await;
    let client = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, "not-the-secret"))
        .endpoint(server.url())
        .build()
        .expect("client");
    let page = committed_ir_of("rtc")
        .into_iter()
        .find(|p| p.examples.request.is_some())
        .expect("a page");
    let request = request_example(&page).expect("an example");
    let error = client
        .invoke_json(&page.action, Some(&page.version), request)
        .await
        .expect_err("a bad signature must fail");
    assert_eq!(error.code(), Some("SignatureDoesNotMatch"), "{error}");
    assert!(
        !error.to_string().contains("not-the-secret"),
        "secret leaked: {error}"
    );
}
