//! Proxies: the client honours `HTTP_PROXY` & co. from the environment unless `.no_proxy()`
//! says otherwise, and `.proxy(url)` names one explicitly.
//!
//! reqwest reads the proxy variables from the process environment when a client is built, with
//! no way to inject them, and changing this process's environment would race with other tests.
//! So the environment test runs itself again as a child process with the variables set (the
//! child is this same test, selected with `--exact`, told its part by a variable).

use std::process::Command;

use serde_json::{json, Value};
use volcengine_rtc::{Client, Credentials, Error, Operation, RateLimitConfig, RetryConfig};
use volcgen_tests::server::{json_reply, TestServer};
use volcgen_tests::RTC_OPERATION;

static GET_APP_TOKEN: Operation = Operation {
    action: "GetAppToken",
    version: "2020-12-01",
    read_only: true,
    ..RTC_OPERATION
};

/// Set in the child: `environment` (build as usual) or `no_proxy` (build with `.no_proxy()`).
const CHILD_MODE: &str = "VOLCGEN_PROXY_TEST_MODE";
/// Set in the child: the endpoint to call (a closed loopback port).
const CHILD_TARGET: &str = "VOLCGEN_PROXY_TEST_TARGET";

fn builder(endpoint: &str) -> volcengine_rtc::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new("AKLTproxy", "cHJveHktc2VjcmV0"))
        .endpoint(endpoint)
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimitConfig::disabled())
}

/// A proxy stand-in: answers every request itself with a success envelope.
async fn proxy() -> TestServer {
    TestServer::start(|_| {
        json_reply(
            200,
            &json!({"ResponseMetadata": {"RequestId": "via-proxy"}, "Result": {"Token": "t"}}),
        )
    })
    .await
}

/// A loopback port nobody listens on.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    format!("http://{address}")
}

#[tokio::test]
async fn an_explicit_proxy_gets_the_request_and_no_proxy_bypasses_it() {
    let proxy = proxy().await;
    let target = closed_port_url();
    let client = builder(&target).proxy(proxy.url()).build().expect("client");
    let result = client
        .send::<_, Value>(&GET_APP_TOKEN, &json!({"AppId": 1}))
        .await
        .expect("answered by the proxy")
        .into_inner();
    assert_eq!(result, json!({"Token": "t"}));
    let requests = proxy.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].target.starts_with(&format!("{target}/?")),
        "an absolute-form request for the endpoint: {}",
        requests[0].target
    );

    let direct = builder(&target)
        .proxy(proxy.url())
        .no_proxy()
        .build()
        .expect("client");
    let error = direct
        .send::<_, Value>(&GET_APP_TOKEN, &json!({"AppId": 1}))
        .await
        .expect_err("nobody listens on the endpoint");
    assert!(
        matches!(&error, Error::Transport(t) if t.is_connect()),
        "{error:?}"
    );
    assert_eq!(proxy.request_count(), 1, "the proxy saw nothing more");

    let error = builder(&target)
        .proxy("not a url")
        .build()
        .expect_err("an unusable proxy");
    assert!(matches!(error, Error::InvalidEndpoint(_)), "{error:?}");
}

/// The child's part: call the target through whatever the environment says.
async fn child(mode: &str) {
    let target = std::env::var(CHILD_TARGET).expect("the parent sets the target");
    let builder = builder(&target);
    let builder = match mode {
        "no_proxy" => builder.no_proxy(),
        _ => builder,
    };
    let outcome = builder
        .build()
        .expect("client")
        .send::<_, Value>(&GET_APP_TOKEN, &json!({"AppId": 1}))
        .await;
    match mode {
        "no_proxy" => {
            let error = outcome.expect_err("direct to a closed port");
            assert!(
                matches!(&error, Error::Transport(t) if t.is_connect()),
                "{error:?}"
            );
        }
        _ => assert_eq!(
            *outcome.expect("answered by the proxy from HTTP_PROXY"),
            json!({"Token": "t"})
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environment_proxy_is_used_unless_switched_off() {
    if let Ok(mode) = std::env::var(CHILD_MODE) {
        child(&mode).await;
        return;
    }
    let proxy = proxy().await;
    let target = closed_port_url();
    let exe = std::env::current_exe().expect("this test binary");
    for (mode, requests_at_proxy) in [("environment", 1), ("no_proxy", 1)] {
        let mut command = Command::new(&exe);
        command
            .args([
                "the_environment_proxy_is_used_unless_switched_off",
                "--exact",
                "--test-threads=1",
            ])
            .env(CHILD_MODE, mode)
            .env(CHILD_TARGET, &target)
            .env("HTTP_PROXY", proxy.url())
            .env("ALL_PROXY", proxy.url());
        for name in [
            "http_proxy",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
            "REQUEST_METHOD",
        ] {
            command.env_remove(name);
        }
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .expect("join")
            .expect("run the child");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "{mode}: child failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(proxy.request_count(), requests_at_proxy, "{mode}");
    }
}
