//! Test your code without a network (feature `test-util`).
//!
//! [`MockServer`] is an HTTP server on `127.0.0.1` (its own thread and runtime, so it serves
//! async and blocking clients alike). It answers each Action with its
//! documented response example, or with what the test sets; it checks every request's
//! signature and records the requests. [`MockServer::client`] is a [`Client`]
//! pointed at it.
//!
//! A service crate names it for its own client (`volcengine_rtc::test_util::MockServer`), whose
//! `start()` knows every documented example and whose `client()` is that crate's `Client`. Over
//! the runtime alone:
//!
//! ```
//! use volcengine_runtime::test_util::{MockAnswer, MockServer};
//! use volcengine_runtime::{HttpMethod, Operation};
//!
//! static OPERATION: Operation = Operation {
//!     action: "GetAppToken", version: "2020-12-01", method: HttpMethod::Post,
//!     host: "open.volcengineapi.com", service: "rtc", region: "cn-north-1",
//!     query_fields: &[], qps_limit: None, read_only: true, idempotency_key: None,
//!     endpoints: &[],
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mock: MockServer = MockServer::with_examples([(
//!     &OPERATION,
//!     r#"{"ResponseMetadata": {"RequestId": "r1"}, "Result": {"Token": "documented"}}"#,
//! )])?;
//! let client = mock.client()?;
//! let request = serde_json::json!({"AppId": 123456, "UserId": 10001});
//!
//! // The documented example:
//! let token = client.send::<_, serde_json::Value>(&OPERATION, &request).await?;
//! assert_eq!(token["Token"], "documented");
//! assert_eq!(token.request_id(), Some("r1"));
//!
//! // What the test sets:
//! mock.set_result(&OPERATION, &serde_json::json!({"Token": "t"}));
//! let token = client.send::<_, serde_json::Value>(&OPERATION, &request).await?;
//! assert_eq!(token["Token"], "t");
//! mock.set_answer(
//!     &OPERATION,
//!     MockAnswer::error(400, "InvalidParameter", "AppId is invalid").with_code_n(100004),
//! );
//! let error = client.send::<_, serde_json::Value>(&OPERATION, &request).await.unwrap_err();
//! assert_eq!(error.code(), Some("InvalidParameter"));
//! assert_eq!(error.code_n(), Some(100004));
//!
//! // What the code sent:
//! let sent = mock.requests_for(&OPERATION);
//! assert_eq!(sent.len(), 3);
//! assert_eq!(sent[0].body_json().unwrap()["UserId"], 10001);
//! # Ok(()) }
//! ```

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde_json::{json, Value};

use super::client::{Client, ClientBuilder};
use super::credentials::Credentials;
use super::error::Error;
use super::operation::Operation;
use super::rate_limit::RateLimitConfig;
use super::retry::RetryConfig;
use super::service::ServiceClient;
use super::signing::{decode_query, verify, WireRequest};

/// The access key id of [`MockServer::credentials`].
pub const MOCK_ACCESS_KEY_ID: &str = "AKLTmockserver";
/// The secret access key of [`MockServer::credentials`].
pub const MOCK_SECRET_ACCESS_KEY: &str = "bW9jay1zZXJ2ZXItc2VjcmV0";

/// Largest request body the mock reads.
const MAX_REQUEST_BODY: usize = 16 * 1024 * 1024;

/// One answer the mock gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockAnswer {
    status: u16,
    content_type: String,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl MockAnswer {
    /// An answer with this status, `Content-Type` and body, exactly.
    pub fn raw(status: u16, content_type: impl Into<String>, body: impl Into<Bytes>) -> Self {
        MockAnswer {
            status,
            content_type: content_type.into(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A JSON answer with this status.
    pub fn json(status: u16, body: &Value) -> Self {
        Self::raw(status, "application/json", body.to_string())
    }

    /// A success: `result` in an envelope naming `operation`.
    ///
    /// # Panics
    ///
    /// If `result` cannot be serialised to JSON (a bug in the test, not in the code tested).
    pub fn result<T: Serialize + ?Sized>(operation: &Operation, result: &T) -> Self {
        let result = serde_json::to_value(result)
            .unwrap_or_else(|error| panic!("the mock result does not serialise: {error}"));
        Self::json(
            200,
            &json!({
                "ResponseMetadata": metadata(operation),
                "Result": result,
            }),
        )
    }

    /// A service error: `ResponseMetadata.Error` with `code` and `message`, under `status`
    /// (use 200 for an error inside a successful HTTP answer).
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(
            status,
            &json!({
                "ResponseMetadata": {
                    "RequestId": "mock-error",
                    "Error": {"Code": code, "Message": message},
                },
            }),
        )
    }

    /// Sets `ResponseMetadata.Error.CodeN`, the service's numeric error code (e.g. `100004`).
    ///
    /// # Panics
    ///
    /// If the answer is not an error envelope (a bug in the test).
    #[must_use]
    pub fn with_code_n(self, code_n: i64) -> Self {
        self.with_metadata(
            "with_code_n needs an error made by MockAnswer::error",
            |metadata| match metadata.get_mut("Error") {
                Some(Value::Object(error)) => {
                    error.insert("CodeN".to_owned(), code_n.into());
                    true
                }
                _ => false,
            },
        )
    }

    /// Sets `ResponseMetadata.RequestId` (the mock's own is `mock-request`, or `mock-error`
    /// for an error).
    ///
    /// # Panics
    ///
    /// If the answer is not a JSON envelope (a bug in the test).
    #[must_use]
    pub fn with_request_id(self, request_id: &str) -> Self {
        self.with_metadata(
            "with_request_id needs a JSON answer with ResponseMetadata",
            |metadata| {
                metadata.insert("RequestId".to_owned(), request_id.into());
                true
            },
        )
    }

    /// The answer with its `ResponseMetadata` changed by `change`, which says whether it could;
    /// `needs` says what it needs when it cannot.
    fn with_metadata(
        mut self,
        needs: &str,
        change: impl FnOnce(&mut serde_json::Map<String, Value>) -> bool,
    ) -> Self {
        let mut body: Value = serde_json::from_slice(&self.body).unwrap_or_default();
        let changed = match body.get_mut("ResponseMetadata") {
            Some(Value::Object(metadata)) => change(metadata),
            _ => false,
        };
        assert!(changed, "MockAnswer::{needs}");
        self.body = body.to_string().into();
        self
    }

    /// Adds a header (e.g. `Retry-After`).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// The `ResponseMetadata` of a success: the Action's own service and region, as the real
/// service answers.
fn metadata(operation: &Operation) -> Value {
    json!({
        "RequestId": "mock-request",
        "Action": operation.action,
        "Version": operation.version,
        "Service": operation.service,
        "Region": operation.region,
    })
}

/// One request the mock received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockRequest {
    /// The `Action` query parameter.
    pub action: String,
    /// The `Version` query parameter.
    pub version: String,
    /// `GET` or `POST`.
    pub method: String,
    /// The query pairs, decoded, in wire order (`Action` and `Version` included).
    pub query: Vec<(String, String)>,
    /// The headers (names lower case); `Authorization` and `X-Security-Token` are left out.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl MockRequest {
    /// The body as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Every value of query parameter `name`.
    pub fn query_values(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

/// What the mock answers one Action and Version with.
#[derive(Debug, Default)]
struct Slot {
    /// One-shot answers, in order, before the standing one.
    queue: VecDeque<MockAnswer>,
    standing: Option<MockAnswer>,
}

struct State {
    examples: Vec<(&'static Operation, &'static str)>,
    slots: Mutex<HashMap<(String, String), Slot>>,
    requests: Mutex<Vec<MockRequest>>,
    verify_signatures: AtomicBool,
    record_requests: AtomicBool,
    served: AtomicU64,
}

/// The mock server of a service crate's client `C`; see the [module docs](self). It stops
/// when dropped. A service crate names it `test_util::MockServer` for its own `Client`.
pub struct MockServer<C = Client> {
    address: SocketAddr,
    state: Arc<State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for MockServer<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl<C: ServiceClient> MockServer<C> {
    /// Starts a mock answering every Action of `C`'s service with its documented response
    /// example ([`ActionEntry::response_example`](crate::dynamic::ActionEntry::response_example)).
    ///
    /// # Errors
    ///
    /// When no loopback port can be bound or the server thread cannot start.
    pub fn start() -> io::Result<Self> {
        Self::with_examples(
            C::SERVICE
                .actions
                .iter()
                .filter_map(|entry| Some((entry.operation(), entry.response_example()?))),
        )
    }

    /// Starts a mock answering with `examples` (Action, Version and the answer's JSON text).
    ///
    /// # Errors
    ///
    /// As [`start`](Self::start).
    pub fn with_examples(
        examples: impl IntoIterator<Item = (&'static Operation, &'static str)>,
    ) -> io::Result<Self> {
        let examples = examples.into_iter().collect();
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let state = Arc::new(State {
            examples,
            slots: Mutex::new(HashMap::new()),
            requests: Mutex::new(Vec::new()),
            verify_signatures: AtomicBool::new(true),
            record_requests: AtomicBool::new(true),
            served: AtomicU64::new(0),
        });
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("volcengine-mock".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    tokio::spawn(accept_loop(listener, serving));
                    // Until the server is dropped; dropping the runtime then ends every task.
                    let _ = stopped.await;
                });
            })?;
        Ok(MockServer {
            address,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
            client: PhantomData,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The credentials the mock checks signatures against.
    pub fn credentials() -> Credentials {
        Credentials::new(MOCK_ACCESS_KEY_ID, MOCK_SECRET_ACCESS_KEY)
    }

    /// A client builder for this mock: its endpoint and [`credentials`](Self::credentials),
    /// no retries and no rate limit (so a test sees each answer once and never waits); change
    /// any of it before building.
    pub fn client_builder(&self) -> ClientBuilder<C> {
        ClientBuilder::new()
            .endpoint(self.url())
            .credentials(Self::credentials())
            .retry(RetryConfig::disabled())
            .rate_limit(RateLimitConfig::disabled())
            .timeout(Duration::from_secs(10))
    }

    /// A client for this mock; see [`client_builder`](Self::client_builder).
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build`].
    pub fn client(&self) -> Result<C, Error> {
        self.client_builder().build()
    }

    /// Answers every later call of `operation`'s Action and Version with `answer`.
    pub fn set_answer(&self, operation: &Operation, answer: MockAnswer) {
        lock(&self.state.slots)
            .entry(key(operation))
            .or_default()
            .standing = Some(answer);
    }

    /// Answers the next call of `operation` with `answer`, once, before any standing answer
    /// (queued answers are given in order): e.g. a 429, then the example.
    pub fn push_answer(&self, operation: &Operation, answer: MockAnswer) {
        lock(&self.state.slots)
            .entry(key(operation))
            .or_default()
            .queue
            .push_back(answer);
    }

    /// Answers every later call of `operation` with `result` in a success envelope.
    ///
    /// # Panics
    ///
    /// If `result` cannot be serialised to JSON.
    pub fn set_result<T: Serialize + ?Sized>(&self, operation: &Operation, result: &T) {
        self.set_answer(operation, MockAnswer::result(operation, result));
    }

    /// Goes back to the documented example for `operation` (and forgets queued answers).
    pub fn reset(&self, operation: &Operation) {
        lock(&self.state.slots).remove(&key(operation));
    }

    /// Whether requests must carry a valid signature by [`credentials`](Self::credentials)
    /// (default yes; a bad one is answered 401 `SignatureDoesNotMatch`).
    pub fn verify_signatures(&self, verify: bool) {
        self.state
            .verify_signatures
            .store(verify, Ordering::Relaxed);
    }

    /// Whether to keep every request for [`requests`](Self::requests) (default yes; turn it
    /// off for long runs so memory stays flat).
    pub fn record_requests(&self, record: bool) {
        self.state.record_requests.store(record, Ordering::Relaxed);
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<MockRequest> {
        lock(&self.state.requests).clone()
    }

    /// The requests for `operation`'s Action and Version.
    pub fn requests_for(&self, operation: &Operation) -> Vec<MockRequest> {
        lock(&self.state.requests)
            .iter()
            .filter(|request| {
                request.action == operation.action && request.version == operation.version
            })
            .cloned()
            .collect()
    }

    /// Forgets the recorded requests (the mock keeps every request until then).
    pub fn clear_requests(&self) {
        lock(&self.state.requests).clear();
    }

    /// How many requests the mock has answered.
    pub fn served(&self) -> u64 {
        self.state.served.load(Ordering::Relaxed)
    }
}

impl<C> Drop for MockServer<C> {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn key(operation: &Operation) -> (String, String) {
    (operation.action.to_owned(), operation.version.to_owned())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

async fn accept_loop(listener: tokio::net::TcpListener, state: Arc<State>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // E.g. out of file descriptors: wait a little rather than spin.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(request, Arc::clone(&state)));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    request: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let answer = match receive(request).await {
        Ok(received) => state.answer(received),
        Err(reason) => MockAnswer::error(400, "InvalidRequest", &reason),
    };
    state.served.fetch_add(1, Ordering::Relaxed);
    let mut response = Response::new(Full::new(answer.body));
    *response.status_mut() =
        hyper::StatusCode::from_u16(answer.status).unwrap_or(hyper::StatusCode::OK);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&answer.content_type) {
        headers.insert(CONTENT_TYPE, value);
    }
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    Ok(response)
}

/// A request as received, with the raw parts needed to verify its signature.
struct Received {
    method: String,
    path: String,
    raw_query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn receive(request: Request<Incoming>) -> Result<Received, String> {
    let (parts, body) = request.into_parts();
    let mut headers = Vec::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        let value = value
            .to_str()
            .map_err(|_| format!("header {name} is not text"))?;
        headers.push((name.as_str().to_owned(), value.to_owned()));
    }
    let body = Limited::new(body, MAX_REQUEST_BODY)
        .collect()
        .await
        .map_err(|error| format!("cannot read the body: {error}"))?
        .to_bytes()
        .to_vec();
    Ok(Received {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        raw_query: parts.uri.query().unwrap_or_default().to_owned(),
        headers,
        body,
    })
}

impl State {
    fn answer(&self, received: Received) -> MockAnswer {
        if self.verify_signatures.load(Ordering::Relaxed) {
            let headers: Vec<(&str, &str)> = received
                .headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();
            let wire = WireRequest {
                method: &received.method,
                path: &received.path,
                query: &received.raw_query,
                headers: &headers,
                body: &received.body,
            };
            let verified = verify(&wire, |access_key_id| {
                (access_key_id == MOCK_ACCESS_KEY_ID).then(|| MOCK_SECRET_ACCESS_KEY.to_owned())
            });
            if let Err(error) = verified {
                return MockAnswer::error(401, "SignatureDoesNotMatch", &error.to_string());
            }
        }
        let query = decode_query(&received.raw_query);
        let find = |name: &str| {
            query
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        let (action, version) = (find("Action"), find("Version"));
        let request = MockRequest {
            action: action.clone(),
            version: version.clone(),
            method: received.method,
            query,
            headers: received
                .headers
                .into_iter()
                .filter(|(name, _)| name != "authorization" && name != "x-security-token")
                .collect(),
            body: received.body,
        };
        if self.record_requests.load(Ordering::Relaxed) {
            lock(&self.requests).push(request);
        }

        let key = (action, version);
        if let Some(slot) = lock(&self.slots).get_mut(&key) {
            if let Some(answer) = slot.queue.pop_front() {
                return answer;
            }
            if let Some(answer) = &slot.standing {
                return answer.clone();
            }
        }
        let (action, version) = key;
        match self
            .examples
            .iter()
            .find(|(operation, _)| operation.action == action && operation.version == version)
        {
            Some((_, example)) => MockAnswer::raw(200, "application/json", *example),
            None => MockAnswer::error(
                404,
                "InvalidActionOrVersion",
                &format!(
                    "the mock has no answer for Action {action:?} Version {version:?}; \
                     set one with MockServer::set_answer"
                ),
            ),
        }
    }
}

/// Decodes `a=b&c=%20d` (`+` stays `+`: the client percent-encodes it).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        assert_eq!(
            decode_query("Action=A&Room=a%20b%2Bc&Flag&X=1+2&Bad=%zz"),
            [
                ("Action".to_owned(), "A".to_owned()),
                ("Room".to_owned(), "a b+c".to_owned()),
                ("Flag".to_owned(), String::new()),
                ("X".to_owned(), "1+2".to_owned()),
                ("Bad".to_owned(), "%zz".to_owned()),
            ]
        );
    }
}
