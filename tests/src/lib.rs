//! Test support shared by volcgen's golden tests.

pub mod capture;
pub mod json;
pub mod server;

use codegen::ir::{Method, Page, RequestExample};
use serde_json::Value;
use std::path::{Path, PathBuf};
use volcengine_runtime::dynamic::ActionEntry;
use volcengine_runtime::{HttpMethod, Operation};

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

pub use volcgen_services::{ServiceUnderTest, SERVICES};

/// The folders of `spec/ir/`, sorted: one per service.
pub fn ir_folders() -> Vec<String> {
    let dir = repo_root().join(xtask::regen::IR_DIR);
    let mut folders: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable IR folder"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    folders
}

/// Every page of the committed IR of every service, by folder, then file name.
pub fn committed_ir() -> Vec<Page> {
    ir_folders()
        .iter()
        .flat_map(|f| committed_ir_of(f))
        .collect()
}

/// Every page of the committed IR of one service folder, sorted by file name.
pub fn committed_ir_of(service: &str) -> Vec<Page> {
    let dir = repo_root().join(xtask::regen::IR_DIR).join(service);
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

/// The service crate a page is generated into (by the folder of its source).
pub fn service_under_test(page: &Page) -> &'static ServiceUnderTest {
    let folder = xtask::regen::service_of(&page.source.path);
    SERVICES
        .iter()
        .find(|s| s.service.name == folder)
        .unwrap_or_else(|| {
            panic!(
                "{}: service `{folder}` is not in SERVICES",
                page.source.path
            )
        })
}

/// The generated Action entry of a page.
pub fn action_entry(page: &Page) -> &'static ActionEntry {
    let actions = service_under_test(page).service.actions;
    volcengine_runtime::dynamic::find(actions, &page.action, Some(&page.version))
        .unwrap_or_else(|| panic!("no generated type for {} {}", page.action, page.version))
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
    page.examples
        .request
        .as_ref()
        .map(|example| example_json(page, example))
}

/// Every documented request example, the first one first, as [`request_example`] reads it: a
/// page with scenario examples has several (`examples.more_requests`).
pub fn request_examples(page: &Page) -> Vec<Value> {
    page.examples
        .request
        .iter()
        .chain(&page.examples.more_requests)
        .map(|example| example_json(page, example))
        .collect()
}

fn example_json(page: &Page, example: &RequestExample) -> Value {
    match (page.method, &example.body) {
        (_, Some(body)) => serde_json::from_str(body).expect("the IR holds valid JSON"),
        (Method::Get, None) => json::query_to_json(page, &example.url)
            .unwrap_or_else(|e| panic!("{}: request example URL: {e}", page.source.path)),
        (Method::Post, None) => Value::Object(Default::default()),
    }
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
/// `new` takes every required field, each named (with two or more), in a struct that has no
/// `Default` and no field left out:
///
/// ```compile_fail
/// use volcengine_rtc::api::get_app_token::{GetAppTokenRequest, GetAppTokenRequired};
/// let request = GetAppTokenRequest::new(GetAppTokenRequired { app_id: 1, user_id: 2 });
/// ```
///
/// and not as positional arguments, which two of one type could swap:
///
/// ```compile_fail
/// use volcengine_rtc::api::get_app_token::GetAppTokenRequest;
/// let request = GetAppTokenRequest::new(1, 2, 3);
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
/// use volcengine_rtc::api::get_app_token::{
///     GetAppTokenRequest, GetAppTokenRequired, GetAppTokenResult,
/// };
/// use volcengine_rtc::api::register_users::{RegisterUsersRequest, RegisterUsersRequired, User};
/// let request = GetAppTokenRequest::new(GetAppTokenRequired {
///     app_id: 1,
///     user_id: 2,
///     expire_time: 3,
/// })
/// .with_user_id_str("2");
/// let users = RegisterUsersRequest::new(RegisterUsersRequired {
///     app_id: 1,
///     users: vec![User::new(7).with_nick_name("seven")],
/// });
/// let mut result = GetAppTokenResult::default();
/// result.token = Some("t".into());
/// # let _ = (request, users, result);
/// ```
#[cfg(doctest)]
pub struct CompileTimeGuarantees;
