//! Fitting the caller's stack, over loopback: their own reqwest client (and what happens when
//! it follows redirections), extra headers, a `User-Agent` suffix, and interceptors.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tracing::instrument::WithSubscriber;
use volcengine_rtc::{Client, ClientBuilder, Credentials, Error, Operation, RetryConfig};
use volcengine_runtime::interceptor::{Interceptor, RequestParts, ResponseParts};
use volcengine_runtime::reqwest;
use volcengine_runtime::reqwest::header::HeaderValue;
use volcgen_tests::capture::Capture;
use volcgen_tests::server::{json_reply, Reply, TestServer};
use volcgen_tests::RTC_OPERATION;

const ACCESS_KEY: &str = "AKLTstack";
const SECRET_KEY: &str = "c3RhY2stc2VjcmV0";
const SESSION_TOKEN: &str = "STS-stack-token";

static GET_APP_TOKEN: Operation = Operation {
    action: "GetAppToken",
    version: "2020-12-01",
    read_only: true,
    ..RTC_OPERATION
};

fn ok() -> Reply {
    json_reply(
        200,
        &json!({"ResponseMetadata": {"RequestId": "r-ok"}, "Result": {"Token": "t"}}),
    )
}

/// A server that answers signed requests with success, and 401 with the reason otherwise.
async fn checking_server() -> TestServer {
    TestServer::start(|request| match request.verify_signature(SECRET_KEY) {
        Ok(()) => ok(),
        Err(reason) => json_reply(401, &json!({ "reason": reason })),
    })
    .await
}

fn builder(server: &TestServer) -> ClientBuilder {
    Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY).with_session_token(SESSION_TOKEN))
        .endpoint(server.url())
        .retry(RetryConfig::disabled())
}

async fn call(client: &Client) -> Result<Value, Error> {
    client
        .send::<_, Value>(&GET_APP_TOKEN, &json!({"AppId": 1}))
        .await
        .map(|output| output.into_inner())
}

fn signed_headers(authorization: &str) -> Vec<&str> {
    let list = authorization
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("SignedHeaders");
    list.split(';').collect()
}

#[tokio::test]
async fn a_supplied_http_client_sends_the_calls() {
    let server = checking_server().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client");
    let client = builder(&server).http_client(http).build().expect("client");
    assert_eq!(call(&client).await.expect("a success")["Token"], "t");
    assert_eq!(call(&client).await.expect("a success")["Token"], "t");
    assert_eq!(server.request_count(), 2);
    let user_agent = server.requests()[0].header("User-Agent").map(str::to_owned);
    assert!(
        user_agent
            .as_deref()
            .is_some_and(|ua| ua.starts_with("volcengine-rtc-rust/")),
        "{user_agent:?}"
    );
}

/// A 307 to `elsewhere`, which answers with success.
async fn redirecting_to(elsewhere: &TestServer) -> TestServer {
    let location = format!("{}/", elsewhere.url());
    TestServer::start(move |_| {
        (
            307,
            vec![("Location".to_owned(), location.clone())],
            Vec::new(),
        )
    })
    .await
}

#[tokio::test]
async fn a_supplied_client_that_follows_redirections_has_its_answer_refused() {
    let elsewhere = TestServer::start(|_| ok()).await;
    let server = redirecting_to(&elsewhere).await;
    // reqwest's default policy follows redirections.
    let client = builder(&server)
        .http_client(reqwest::Client::new())
        .build()
        .expect("client");
    let capture = Capture::default();
    let error = call(&client)
        .with_subscriber(capture.clone())
        .await
        .unwrap_err();
    let Error::Redirect(redirect) = &error else {
        panic!("{error:?}")
    };
    assert!(redirect.followed(), "{error}");
    assert_eq!(redirect.status(), 200);
    assert_eq!(
        redirect.location(),
        Some(format!("{}/", elsewhere.url()).as_str())
    );
    assert!(error.to_string().contains("Policy::none()"), "{error}");
    assert!(
        capture.events().iter().any(|event| event.level == "WARN"),
        "a warning: {:?}",
        capture.events()
    );
    // Why the docs insist on `Policy::none()`: the request, session token included, went there.
    let leaked = elsewhere.requests();
    assert_eq!(leaked.len(), 1);
    assert_eq!(leaked[0].header("X-Security-Token"), Some(SESSION_TOKEN));
}

#[tokio::test]
async fn redirections_are_refused_unfollowed_by_the_built_client_and_a_safe_supplied_one() {
    let elsewhere = TestServer::start(|_| ok()).await;
    let server = redirecting_to(&elsewhere).await;
    let safe = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client");
    for client in [
        builder(&server).build().expect("client"),
        builder(&server).http_client(safe).build().expect("client"),
    ] {
        let error = call(&client).await.unwrap_err();
        let Error::Redirect(redirect) = &error else {
            panic!("{error:?}")
        };
        assert!(!redirect.followed());
        assert_eq!(redirect.status(), 307);
    }
    assert_eq!(elsewhere.request_count(), 0);
}

#[test]
fn settings_of_the_replaced_client_fail_the_build() {
    let with_http = || {
        Client::builder()
            .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
            .http_client(reqwest::Client::new())
    };
    for builder in [
        with_http().connect_timeout(Duration::from_secs(1)),
        with_http().no_proxy(),
        with_http().proxy("http://127.0.0.1:3128"),
    ] {
        let error = builder.build().unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error}");
        assert!(error.to_string().contains("http_client"), "{error}");
    }
}

#[tokio::test]
async fn extra_headers_are_sent_and_signed_when_the_signature_covers_them() {
    let server = checking_server().await;
    let client = builder(&server)
        .header("X-Tenant", "team-a")
        .header("Accept-Language", "zh-CN")
        .user_agent_suffix("my-app/2.3")
        .build()
        .expect("client");
    call(&client)
        .await
        .expect("a success with a valid signature");
    let request = &server.requests()[0];
    assert_eq!(request.header("X-Tenant"), Some("team-a"));
    assert_eq!(request.header("Accept-Language"), Some("zh-CN"));
    let user_agent = request.header("User-Agent").expect("User-Agent");
    assert!(
        user_agent.starts_with("volcengine-rtc-rust/") && user_agent.ends_with(" my-app/2.3"),
        "{user_agent}"
    );
    let signed = signed_headers(request.header("Authorization").expect("signed"));
    assert!(signed.contains(&"x-tenant"), "{signed:?}");
    assert!(!signed.contains(&"accept-language"), "{signed:?}");
}

#[test]
fn headers_the_runtime_sets_cannot_be_given() {
    for name in [
        "Host",
        "Authorization",
        "X-Date",
        "x-content-sha256",
        "X-Security-Token",
        "Content-Type",
        "Content-Length",
    ] {
        let error = Client::builder()
            .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
            .header(name, "v")
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{name}: {error}");
    }
    for (name, value) in [("bad name", "v"), ("X-Ok", "line\nbreak"), ("X-Ok", "中文")] {
        let error = Client::builder()
            .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
            .header(name, value)
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{name}: {error}");
        assert!(!error.to_string().contains("line\nbreak"), "{error}");
    }
    let error = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .user_agent_suffix("bad\r\nX-Injected: 1")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
}

/// What an interceptor saw, per attempt.
#[derive(Default)]
struct Seen {
    sent: Vec<(String, u32, bool, bool)>,
    received: Vec<(u32, u16, Option<String>, usize)>,
}

struct Recording(Arc<Mutex<Seen>>);

impl Interceptor for Recording {
    fn before_send(&self, request: &mut RequestParts<'_>) {
        let no_signature = !request.headers().contains_key("authorization")
            && !request.headers().contains_key("x-security-token");
        let has_action = request
            .url()
            .query()
            .is_some_and(|query| query.contains("Action=GetAppToken"));
        self.0.lock().unwrap().sent.push((
            request.operation().action.to_owned(),
            request.attempt(),
            no_signature && has_action,
            request.body().starts_with(b"{"),
        ));
        let trace = format!("trace-{}", request.attempt());
        request.headers_mut().insert(
            "x-trace-id",
            HeaderValue::from_str(&trace).expect("a header value"),
        );
    }

    fn after_receive(&self, response: &ResponseParts<'_>) {
        self.0.lock().unwrap().received.push((
            response.attempt(),
            response.status(),
            response
                .headers()
                .get("content-type")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
            response.body().len(),
        ));
    }
}

#[tokio::test]
async fn interceptors_see_every_attempt_and_their_headers_are_signed() {
    let attempts = Arc::new(Mutex::new(0));
    let server = TestServer::start({
        let attempts = Arc::clone(&attempts);
        move |request| {
            if let Err(reason) = request.verify_signature(SECRET_KEY) {
                return json_reply(401, &json!({ "reason": reason }));
            }
            let mut attempts = attempts.lock().unwrap();
            *attempts += 1;
            if *attempts == 1 {
                json_reply(
                    503,
                    &json!({"ResponseMetadata": {"Error": {"Code": "ServiceUnavailable"}}}),
                )
            } else {
                ok()
            }
        }
    })
    .await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let client = builder(&server)
        .retry(RetryConfig::standard().with_base_delay(Duration::from_millis(1)))
        .interceptor(Recording(Arc::clone(&seen)))
        .build()
        .expect("client");
    call(&client)
        .await
        .expect("a success on the second attempt");

    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.sent,
        [
            ("GetAppToken".to_owned(), 1, true, true),
            ("GetAppToken".to_owned(), 2, true, true)
        ]
    );
    assert_eq!(seen.received.len(), 2);
    assert_eq!((seen.received[0].0, seen.received[0].1), (1, 503));
    assert_eq!((seen.received[1].0, seen.received[1].1), (2, 200));
    assert_eq!(seen.received[1].2.as_deref(), Some("application/json"));
    assert!(seen.received[1].3 > 0);

    let requests = server.requests();
    for (request, trace) in requests.iter().zip(["trace-1", "trace-2"]) {
        assert_eq!(request.header("X-Trace-Id"), Some(trace));
        let signed = signed_headers(request.header("Authorization").expect("signed"));
        assert!(signed.contains(&"x-trace-id"), "{signed:?}");
    }
}

struct SetsHost;

impl Interceptor for SetsHost {
    fn before_send(&self, request: &mut RequestParts<'_>) {
        request
            .headers_mut()
            .insert("host", HeaderValue::from_static("evil.example"));
    }
}

#[tokio::test]
async fn an_interceptor_cannot_set_a_header_the_runtime_sets() {
    let server = checking_server().await;
    let client = builder(&server)
        .interceptor(SetsHost)
        .build()
        .expect("client");
    let error = call(&client).await.unwrap_err();
    assert!(matches!(error, Error::Encode(_)), "{error}");
    assert!(error.to_string().contains("host"), "{error}");
    assert_eq!(server.request_count(), 0, "nothing sent");
}
