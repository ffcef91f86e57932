//! Test support shared by volcgen's golden tests.

pub mod capture;
pub mod json;
pub mod server;

use codegen::ir::{Method, Page};
use serde_json::Value;
use std::path::{Path, PathBuf};
use volcengine_rtc::{HttpMethod, Operation};

/// An RTC `Operation` for tests that need one of their own: `POST` to `rtc.volcengineapi.com` in
/// `cn-north-1`, no query fields, no rate limit, not read-only, no idempotency key, no region
/// table. A test names its Action and sets what it
/// exercises with struct update syntax: `Operation { qps_limit: Some(1), ..RTC_OPERATION }`.
pub const RTC_OPERATION: Operation = Operation {
    action: "SendMessage",
    version: "2020-12-01",
    method: HttpMethod::Post,
    host: "rtc.volcengineapi.com",
    service: "rtc",
    region: "cn-north-1",
    query_fields: &[],
    qps_limit: None,
    read_only: false,
    idempotency_key: None,
    endpoints: &[],
};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
        .to_owned()
}

/// Every page of the committed IR of the RTC crate, sorted by file name.
pub fn committed_ir() -> Vec<Page> {
    let dir = repo_root().join(xtask::regen::IR_DIR).join("rtc");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable IR folder").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no IR under {}", dir.display());
    paths
        .iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            Page::from_yaml(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

/// The example paths the IR reports as undocumented, for one side (`request` or `response`).
pub fn undocumented<'a>(page: &'a Page, side: &str) -> Vec<&'a str> {
    let prefix = format!("{side}: ");
    page.examples
        .undocumented
        .iter()
        .filter_map(|p| p.strip_prefix(prefix.as_str()))
        .collect()
}

/// The request example as the JSON the request type reads: the body, or a GET's query string.
pub fn request_example(page: &Page) -> Option<Value> {
    let example = page.examples.request.as_ref()?;
    Some(match (page.method, &example.body) {
        (_, Some(body)) => serde_json::from_str(body).expect("the IR holds valid JSON"),
        (Method::Get, None) => json::query_to_json(page, &example.url)
            .unwrap_or_else(|e| panic!("{}: request example URL: {e}", page.source.path)),
        (Method::Post, None) => Value::Object(Default::default()),
    })
}

/// The README's Rust examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// What the generated types rule out at compile time, as doc tests that must not compile.
///
/// A request with required fields has no `Default`:
///
/// ```compile_fail
/// use volcengine_rtc::api::get_app_token::GetAppTokenRequest;
/// let request = GetAppTokenRequest::default();
/// ```
///
/// and no struct literal outside its crate (`#[non_exhaustive]`), even with every field:
///
/// ```compile_fail
/// use volcengine_rtc::api::get_app_token::GetAppTokenRequest;
/// let request = GetAppTokenRequest {
///     app_id: 1,
///     user_id: 2,
///     user_id_str: None,
///     expire_time: 3,
/// };
/// ```
///
/// nor do the structs a request uses with required fields of their own:
///
/// ```compile_fail
/// use volcengine_rtc::api::register_users::User;
/// let user = User::default();
/// ```
///
/// `new` takes every required field:
///
/// ```compile_fail
/// use volcengine_rtc::api::get_app_token::GetAppTokenRequest;
/// let request = GetAppTokenRequest::new(1, 2);
/// ```
///
/// Results are `#[non_exhaustive]` too, so a new field in a page is not a breaking change:
///
/// ```compile_fail
/// use volcengine_rtc::api::get_app_token::GetAppTokenResult;
/// let result = GetAppTokenResult {
///     app_id: None,
///     user_id: None,
///     user_id_str: None,
///     token: None,
/// };
/// ```
///
/// What does compile, for comparison:
///
/// ```
/// use volcengine_rtc::api::get_app_token::{GetAppTokenRequest, GetAppTokenResult};
/// use volcengine_rtc::api::register_users::{RegisterUsersRequest, User};
/// let request = GetAppTokenRequest::new(1, 2, 3).with_user_id_str("2");
/// let users = RegisterUsersRequest::new(1, [User::new(7).with_nick_name("seven")]);
/// let mut result = GetAppTokenResult::default();
/// result.token = Some("t".into());
/// # let _ = (request, users, result);
/// ```
#[cfg(doctest)]
pub struct CompileTimeGuarantees;
