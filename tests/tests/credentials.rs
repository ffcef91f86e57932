//! Where credentials come from: explicit keys, then the environment variables, then
//! `~/.volc/credentials`, then `~/.volc/config`; clear errors for missing and malformed
//! sources; refreshing temporary credentials from a provider.
//!
//! Every test uses an isolated [`Environment`] (its own variables and a fresh temporary home
//! directory), so none reads the real home directory or the process environment, and none
//! depends on another's order or on the clock.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use volcengine_rtc::{
    provide_credentials_fn, Client, Credentials, CredentialsError, CredentialsErrorKind,
    DefaultCredentialsChain, Environment, Error, Operation, ProfileCredentials, RateLimitConfig,
    RetryConfig,
};
use volcgen_tests::server::{json_reply, ReceivedRequest, TestServer};
use volcgen_tests::RTC_OPERATION;

static GET_APP_TOKEN: Operation = Operation {
    action: "GetAppToken",
    version: "2020-12-01",
    ..RTC_OPERATION
};

/// A fresh, empty home directory, removed when dropped.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "volcgen-credentials-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join(".volc")).expect("create a temporary home");
        Home(path)
    }

    fn write(&self, file: &str, text: &str) -> PathBuf {
        let path = self.0.join(".volc").join(file);
        std::fs::write(&path, text).expect("write a credentials file");
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// An environment with only `vars` and this home.
    fn env(&self, vars: &[(&str, &str)]) -> Environment {
        Environment::from_vars(vars.iter().copied()).with_home(self.path())
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const CREDENTIALS_FILE: &str = "\
# written by `volc configure`
[default]
access_key_id = AKLTfromfile
secret_access_key = c2VjcmV0LWZyb20tZmlsZQ==

[staging]
access_key_id = AKLTstaging
secret_access_key = c3RhZ2luZw==
session_token = STS-staging
";

const CONFIG_FILE: &str = r#"{"ak": "AKLTfromconfig", "sk": "c2VjcmV0LWZyb20tY29uZmln"}"#;

fn chain(home: &Home, vars: &[(&str, &str)]) -> Result<Credentials, CredentialsError> {
    DefaultCredentialsChain::new(home.env(vars)).resolve()
}

fn build(home: &Home, vars: &[(&str, &str)]) -> Result<Client, Error> {
    Client::builder().environment(home.env(vars)).build()
}

#[test]
fn explicit_keys_come_first() {
    let home = Home::new("explicit");
    home.write("credentials", CREDENTIALS_FILE);
    let client = Client::builder()
        .environment(home.env(&[("VOLC_ACCESSKEY", "AKLTenv"), ("VOLC_SECRETKEY", "sk")]))
        .credentials(Credentials::new("AKLTexplicit", "sk"))
        .build()
        .expect("client");
    assert_eq!(client.access_key_id().as_deref(), Some("AKLTexplicit"));
}

#[test]
fn environment_variables_come_before_the_files() {
    let home = Home::new("env-first");
    home.write("credentials", CREDENTIALS_FILE);
    home.write("config", CONFIG_FILE);
    let client = build(
        &home,
        &[("VOLC_ACCESSKEY", "AKLTvolc"), ("VOLC_SECRETKEY", "sk")],
    )
    .expect("client");
    assert_eq!(client.access_key_id().as_deref(), Some("AKLTvolc"));

    let credentials = chain(
        &home,
        &[
            ("VOLCENGINE_ACCESS_KEY", "AKLTvolcengine"),
            ("VOLCENGINE_SECRET_KEY", "sk2"),
            ("VOLCENGINE_SESSION_TOKEN", "STS-env"),
        ],
    )
    .expect("credentials");
    assert_eq!(credentials.access_key_id(), "AKLTvolcengine");
    assert_eq!(credentials.session_token(), Some("STS-env"));
}

#[test]
fn credentials_file_comes_before_the_config_file() {
    let home = Home::new("files");
    home.write("credentials", CREDENTIALS_FILE);
    home.write("config", CONFIG_FILE);
    let credentials = chain(&home, &[]).expect("credentials");
    assert_eq!(credentials.access_key_id(), "AKLTfromfile");
    assert_eq!(credentials.secret_access_key(), "c2VjcmV0LWZyb20tZmlsZQ==");
    assert_eq!(credentials.session_token(), None);

    let staging = DefaultCredentialsChain::new(home.env(&[]))
        .with_profile("staging")
        .resolve()
        .expect("staging profile");
    assert_eq!(staging.access_key_id(), "AKLTstaging");
    assert_eq!(staging.session_token(), Some("STS-staging"));
}

#[test]
fn config_file_is_the_last_resort() {
    let home = Home::new("config");
    home.write("config", CONFIG_FILE);
    let client = build(&home, &[]).expect("client");
    assert_eq!(client.access_key_id().as_deref(), Some("AKLTfromconfig"));

    // A credentials file without the profile falls through to the config file too.
    home.write(
        "credentials",
        "[other]\naccess_key_id = x\nsecret_access_key = y\n",
    );
    assert_eq!(
        chain(&home, &[]).expect("credentials").access_key_id(),
        "AKLTfromconfig"
    );
}

#[test]
fn nothing_anywhere_lists_every_place_looked() {
    let home = Home::new("nothing");
    let error = build(&home, &[]).expect_err("no credentials");
    let Error::Credentials(credentials) = &error else {
        panic!("expected a credentials error, got {error:?}");
    };
    assert_eq!(credentials.kind(), CredentialsErrorKind::NotFound);
    let message = error.to_string();
    for place in [
        "VOLC_ACCESSKEY/VOLC_SECRETKEY",
        "VOLCENGINE_ACCESS_KEY/VOLCENGINE_SECRET_KEY",
    ] {
        assert!(message.contains(place), "{message}");
    }
    let files = ProfileCredentials::new(home.env(&[]));
    for file in [files.credentials_file(), files.config_file()] {
        let file = file.expect("a home directory");
        assert!(
            message.contains(&file.display().to_string()),
            "{message} should name {}",
            file.display()
        );
    }
    assert!(message.contains("no such file"), "{message}");
}

#[test]
fn half_set_variables_are_malformed() {
    let home = Home::new("half");
    home.write("credentials", CREDENTIALS_FILE);
    let error = chain(&home, &[("VOLCENGINE_ACCESS_KEY", "AKLT")]).expect_err("malformed");
    assert_eq!(error.kind(), CredentialsErrorKind::Malformed);
    assert!(error.message().contains("VOLCENGINE_SECRET_KEY"), "{error}");
}

#[test]
fn malformed_credentials_file_names_file_and_line() {
    let home = Home::new("bad-ini");
    let path = home.write(
        "credentials",
        "[default]\naccess_key_id = AKLT\nthis line is not a pair\n",
    );
    let error = chain(&home, &[]).expect_err("malformed");
    assert_eq!(error.kind(), CredentialsErrorKind::Malformed);
    assert!(
        error
            .message()
            .starts_with(&format!("{}:3: ", path.display())),
        "{error}"
    );

    home.write("credentials", "[default]\naccess_key_id = AKLT\n");
    let error = chain(&home, &[]).expect_err("no secret");
    assert!(
        error
            .message()
            .ends_with("profile [default] has no secret_access_key"),
        "{error}"
    );
}

#[test]
fn malformed_config_file_is_reported_without_its_secret() {
    let home = Home::new("bad-json");
    let path = home.write("config", r#"{"ak": "AKLTx", "sk": "top-secret-value""#);
    let error = build(&home, &[]).expect_err("malformed");
    let message = format!("{error} {error:?}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("not valid JSON"), "{message}");
    assert!(!message.contains("top-secret-value"), "{message}");

    home.write("config", r#"{"ak": "AKLTx"}"#);
    let error = chain(&home, &[]).expect_err("no sk");
    assert_eq!(error.kind(), CredentialsErrorKind::Malformed);
    assert!(error.message().contains("`sk` is not"), "{error}");
}

#[test]
fn no_home_directory_is_reported() {
    let error = DefaultCredentialsChain::new(Environment::from_vars::<_, &str, &str>([]))
        .resolve()
        .expect_err("nothing");
    assert!(error.message().contains("no home directory"), "{error}");
}

/// A server accepting any of `keys` (access key id → secret); answers the AK that signed.
async fn multi_key_server(keys: &'static [(&'static str, &'static str)]) -> TestServer {
    TestServer::start(move |request: &ReceivedRequest| {
        let signed_by = keys
            .iter()
            .find(|(_, secret)| request.verify_signature(secret).is_ok());
        match signed_by {
            Some((access_key, _)) => json_reply(
                200,
                &json!({"ResponseMetadata": {}, "Result": {
                    "SignedBy": access_key,
                    "Token": request.header("X-Security-Token"),
                }}),
            ),
            None => json_reply(
                401,
                &json!({"ResponseMetadata": {"Error": {"Code": "SignatureDoesNotMatch"}}}),
            ),
        }
    })
    .await
}

fn client_for(server: &TestServer, builder: volcengine_rtc::ClientBuilder) -> Client {
    builder
        .endpoint(server.url())
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimitConfig::disabled())
        .build()
        .expect("client")
}

#[tokio::test]
async fn expiring_credentials_are_refreshed_from_the_provider() {
    static KEYS: &[(&str, &str)] = &[("AKTP-1", "s1"), ("AKTP-2", "s2"), ("AKTP-3", "s3")];
    let server = multi_key_server(KEYS).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let provider = provide_credentials_fn({
        let asked = Arc::clone(&asked);
        move || {
            let n = asked.fetch_add(1, Ordering::SeqCst);
            let (access_key, secret) = KEYS[n % KEYS.len()];
            // Long expired whatever the clock says: every call needs fresh credentials.
            async move {
                Ok(Credentials::new(access_key, secret)
                    .with_session_token(format!("STS-{access_key}"))
                    .with_expiry(SystemTime::UNIX_EPOCH))
            }
        }
    });
    let client = client_for(&server, Client::builder().credentials_provider(provider));
    assert_eq!(
        client.access_key_id(),
        None,
        "nothing asked before the first call"
    );
    for expected in ["AKTP-1", "AKTP-2", "AKTP-3"] {
        let result = client
            .send::<_, Value>(&GET_APP_TOKEN, &json!({}))
            .await
            .expect("call")
            .into_inner();
        assert_eq!(result["SignedBy"], expected);
        assert_eq!(result["Token"], format!("STS-{expected}"));
    }
    assert_eq!(asked.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn long_lived_credentials_are_asked_for_once() {
    static KEYS: &[(&str, &str)] = &[("AKTP-long", "long-secret")];
    let server = multi_key_server(KEYS).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let provider = provide_credentials_fn({
        let asked = Arc::clone(&asked);
        move || {
            asked.fetch_add(1, Ordering::SeqCst);
            // Far enough in the future for any clock.
            let expiry = SystemTime::now() + Duration::from_secs(10 * 365 * 24 * 3600);
            async move { Ok(Credentials::new("AKTP-long", "long-secret").with_expiry(expiry)) }
        }
    });
    let client = client_for(&server, Client::builder().credentials_provider(provider));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = client.clone();
        calls.spawn(async move { client.send::<_, Value>(&GET_APP_TOKEN, &json!({})).await });
    }
    while let Some(result) = calls.join_next().await {
        let result = result.expect("no panic").expect("call");
        assert_eq!(result["SignedBy"], "AKTP-long");
    }
    assert_eq!(
        asked.load(Ordering::SeqCst),
        1,
        "one refresh for concurrent callers"
    );
    assert_eq!(client.access_key_id().as_deref(), Some("AKTP-long"));
}

#[tokio::test]
async fn a_failing_provider_fails_the_call_before_sending() {
    let server = multi_key_server(&[]).await;
    let provider = provide_credentials_fn(|| async {
        Err(CredentialsError::provider("STS AssumeRole answered 403"))
    });
    let client = client_for(&server, Client::builder().credentials_provider(provider));
    let error = client
        .send::<_, Value>(&GET_APP_TOKEN, &json!({}))
        .await
        .expect_err("provider error");
    let Error::Credentials(credentials) = &error else {
        panic!("expected a credentials error, got {error:?}");
    };
    assert_eq!(credentials.kind(), CredentialsErrorKind::Provider);
    assert!(error.to_string().contains("STS AssumeRole answered 403"));
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn provided_credentials_that_cannot_be_sent_are_rejected() {
    let server = multi_key_server(&[]).await;
    let provider = provide_credentials_fn(|| async {
        Ok(Credentials::new("AKTP", "secret").with_session_token("bad\ntoken"))
    });
    let client = client_for(&server, Client::builder().credentials_provider(provider));
    let error = client
        .send::<_, Value>(&GET_APP_TOKEN, &json!({}))
        .await
        .expect_err("malformed");
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    assert!(!error.to_string().contains("bad\ntoken"));
    assert_eq!(server.request_count(), 0);
}

#[test]
fn files_with_a_byte_order_mark_are_read() {
    let home = Home::new("bom-credentials");
    home.write("credentials", &format!("\u{feff}{CREDENTIALS_FILE}"));
    let client = build(&home, &[]).expect("a BOM before [default]");
    assert_eq!(client.access_key_id().as_deref(), Some("AKLTfromfile"));

    let home = Home::new("bom-config");
    home.write("config", &format!("\u{feff}{CONFIG_FILE}"));
    let client = build(&home, &[]).expect("a BOM before the JSON");
    assert_eq!(client.access_key_id().as_deref(), Some("AKLTfromconfig"));
}

#[test]
fn a_secret_with_a_trailing_newline_is_rejected_at_build() {
    let home = Home::new("newline");
    let secret = "c2VjcmV0LXdpdGgtbmV3bGluZQ==";
    let error = build(
        &home,
        &[
            ("VOLCENGINE_ACCESS_KEY", "AKLTnewline"),
            ("VOLCENGINE_SECRET_KEY", &format!("{secret}\n")),
        ],
    )
    .expect_err("a trailing newline");
    let Error::Credentials(credentials) = &error else {
        panic!("expected a credentials error, got {error:?}");
    };
    assert_eq!(credentials.kind(), CredentialsErrorKind::Malformed);
    assert!(
        error.to_string().contains("VOLCENGINE_SECRET_KEY"),
        "{error}"
    );
    assert!(!format!("{error} {error:?}").contains(secret), "{error:?}");
}
