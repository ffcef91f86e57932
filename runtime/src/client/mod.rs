//! The [`Client`]: encodes a request, signs it, sends it and decodes the answer, retrying,
//! pacing and timing the call as configured.
//!
//! One call goes through these steps (each in its own module):
//!
//! 1. encode the request (`request`);
//! 2. get the current credentials (`credentials_cache`), within the call's deadline;
//! 3. per attempt: take a token of the Action's bucket ([`rate_limit`](super::rate_limit)),
//!    sign ([`signing`](super::signing)), exchange ([`transport`]) and
//!    decode (`response`);
//! 4. on a retryable failure, wait ([`retry`](super::retry)) and go back to 3.
//!
//! Every call and attempt runs in a `tracing` span ([`telemetry`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST,
    USER_AGENT,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::Instrument;

mod builder;

pub use builder::ClientBuilder;
use builder::{Endpoint, ProxySetting};

use super::credentials_cache::CredentialsCache;
use super::error::{
    ConfigError, EncodeError, EndpointError, Error, RateLimitedError, RedirectError,
    ResponseTooLargeError, TimeoutError, TimeoutKind, TransportError,
};
use super::interceptor::{Interceptor, RequestParts, ResponseParts};
use super::operation::{ActionRequest, HttpMethod, Operation};
use super::output::Output;
use super::rate_limit::{RateLimitConfig, RateLimiter};
use super::request::{encode, encode_json, plain_query, EncodedRequest};
use super::response::{self, Answer};
use super::retry::RetryConfig;
use super::service::Service;
use super::signing::{format_x_date, write_x_date, Signer, SigningRequest};
use super::telemetry::{self, Outcome, TARGET};
use super::transport::{self, ExchangeError, HttpAnswer};

/// Default limit on a whole call: every attempt, the waits between them and for the rate
/// limiter.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit on one attempt: connecting, sending and reading the whole answer.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit on connecting.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default limit on a request's size (its JSON body, or its query string for a `GET`).
pub const DEFAULT_MAX_REQUEST_SIZE: usize = 10 * 1024 * 1024;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

const X_DATE: HeaderName = HeaderName::from_static("x-date");
const X_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-content-sha256");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");

/// The headers the runtime sets itself, which neither the builder's
/// [`header`](ClientBuilder::header) nor an interceptor may: the signature's and the body's.
const RESERVED_HEADERS: [HeaderName; 7] = [
    HOST,
    AUTHORIZATION,
    X_DATE,
    X_CONTENT_SHA256,
    X_SECURITY_TOKEN,
    CONTENT_TYPE,
    CONTENT_LENGTH,
];

fn is_reserved(name: &HeaderName) -> bool {
    RESERVED_HEADERS.contains(name)
}

/// A signed client for the Volcengine OpenAPI.
///
/// Cheap to clone: clones share the connection pool, the credentials and the rate limiter.
/// The generated API adds one `async fn` per Action; [`Client::send`] calls any Action from its
/// [`Operation`]. [`with_timeout`](Client::with_timeout),
/// [`with_attempt_timeout`](Client::with_attempt_timeout) and
/// [`with_retry`](Client::with_retry) give a clone with other settings for some calls.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    options: CallOptions,
}

/// What clones share.
struct Shared {
    /// The service this client was built for ([`Service::NONE`] for a plain runtime client).
    service: &'static Service,
    http: reqwest::Client,
    /// Whether `http` was given to the builder: it may follow redirections, so each answer's
    /// URL is checked.
    supplied_http: bool,
    credentials: CredentialsCache,
    endpoint: Option<Endpoint>,
    region: Option<String>,
    limiter: RateLimiter,
    /// `None` with a supplied HTTP client, whose limit is its own.
    connect_timeout: Option<Duration>,
    max_request_size: usize,
    max_response_size: usize,
    /// How the proxy was configured (for `Debug`).
    proxy: ProxySetting,
    /// The service's `User-Agent`, with the builder's suffix.
    user_agent: HeaderValue,
    /// The builder's extra headers.
    headers: HeaderMap,
    interceptors: Vec<Arc<dyn Interceptor>>,
    /// `https://{host}/` of the operations' default hosts, parsed once each.
    host_urls: Mutex<Vec<(&'static str, reqwest::Url)>>,
    /// What every call of an operation whose query is only `Action` and `Version` sends to:
    /// by Action, Version and host (the operation's, or its region's), made at its first call.
    plain_targets: Mutex<PlainTargets>,
}

/// The plain targets of [`Shared`], by Action, Version and host (the operation's, before any
/// endpoint override).
type PlainTargets = HashMap<(&'static str, &'static str, &'static str), Arc<Target>>;

/// What a call is sent to: its URL (with the canonical query) and `Host` header.
struct Target {
    url: reqwest::Url,
    host_header: HeaderValue,
}

impl Target {
    /// The canonical query, as signed: the URL's (a canonical query is all characters a URL
    /// keeps as they are).
    fn query(&self) -> &str {
        self.url.query().unwrap_or_default()
    }
}

/// At most this many operations' plain targets are kept (a service's Actions and Versions).
const PLAIN_TARGETS: usize = 1024;

/// `mutex`'s guard, also after a panic elsewhere (what it guards is a cache).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Where one call goes: its [`Target`], the host as signed, and the region.
struct CallTarget<'a> {
    target: Arc<Target>,
    host: &'a str,
    region: &'a str,
}

impl Shared {
    /// The operation's host (its own, or its region's in its endpoints table, before any
    /// endpoint override) and the region a call is signed for.
    fn host_and_region(
        &self,
        operation: &'static Operation,
    ) -> Result<(&'static str, &str), Error> {
        Ok(match self.region.as_deref() {
            None => (operation.host, operation.region),
            Some(region) if operation.endpoints.is_empty() => (operation.host, region),
            Some(region) => match operation.endpoints.iter().find(|(name, _)| *name == region) {
                Some((_, host)) => (*host, region),
                None => {
                    let known: Vec<&str> =
                        operation.endpoints.iter().map(|(name, _)| *name).collect();
                    return Err(unknown_region(region, &known));
                }
            },
        })
    }

    /// Where one call of `operation` goes, whose canonical query is `query`: the endpoint
    /// override's host or the operation's host, or the host of the configured region in the
    /// operation's [`endpoints`](Operation::endpoints) table; with the region it is signed for
    /// and its `Host` header. A plain query (`None`: only `Action` and `Version`) is the same
    /// for every call of the operation, so its target is made once and kept.
    fn call_target(
        &self,
        operation: &'static Operation,
        query: Option<String>,
    ) -> Result<CallTarget<'_>, Error> {
        let (operation_host, region) = self.host_and_region(operation)?;
        let host = match &self.endpoint {
            Some(endpoint) => endpoint.authority.as_str(),
            None => operation_host,
        };
        let key = (operation.action, operation.version, operation_host);
        let plain = query.is_none();
        if plain {
            if let Some(target) = lock(&self.plain_targets).get(&key) {
                return Ok(CallTarget {
                    target: Arc::clone(target),
                    host,
                    region,
                });
            }
        }
        let query = query.unwrap_or_else(|| plain_query(operation));
        let mut url = match &self.endpoint {
            Some(endpoint) => endpoint.url.clone(),
            None => self.host_url(operation_host)?,
        };
        url.set_query(Some(&query));
        let host_header = HeaderValue::from_str(host).map_err(|_| {
            Error::Encode(EncodeError::new(
                operation.action,
                "the Host header value is not valid in HTTP".to_owned(),
            ))
        })?;
        let target = Arc::new(Target { url, host_header });
        if plain {
            let mut targets = lock(&self.plain_targets);
            if targets.len() < PLAIN_TARGETS {
                targets.insert(key, Arc::clone(&target));
            }
        }
        Ok(CallTarget {
            target,
            host,
            region,
        })
    }

    /// `https://{host}/`, parsed at its first use.
    fn host_url(&self, host: &'static str) -> Result<reqwest::Url, Error> {
        let mut urls = lock(&self.host_urls);
        if let Some((_, url)) = urls.iter().find(|(known, _)| *known == host) {
            return Ok(url.clone());
        }
        let url = reqwest::Url::parse(&format!("https://{host}/")).map_err(|error| {
            Error::InvalidEndpoint(EndpointError {
                endpoint: format!("https://{host}"),
                reason: error.to_string(),
            })
        })?;
        urls.push((host, url.clone()));
        Ok(url)
    }
}

/// What may differ between clones: the per-call settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CallOptions {
    timeout: Duration,
    attempt_timeout: Duration,
    retry: RetryConfig,
    strict_decoding: bool,
}

/// The configuration error of a region no table knows.
fn unknown_region(region: &str, known: &[&str]) -> Error {
    Error::Config(ConfigError::new(format!(
        "unknown region {region:?}; known regions: {}",
        known.join(", ")
    )))
}

/// Decodes one answer into the caller's output slot; returns the `RequestId` for telemetry.
type DecodeFn<'a> = dyn FnMut(Answer<'_>) -> Result<Option<String>, Error> + Send + 'a;

impl Client {
    /// A builder with default settings: timeouts 30 s per call, 10 s per attempt, 5 s to
    /// connect; 3 attempts; the documented rate limits; credentials from the
    /// [`DefaultCredentialsChain`](crate::DefaultCredentialsChain) unless given.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The service this client was built for.
    pub fn service(&self) -> &'static Service {
        self.shared.service
    }

    /// A client with default settings and credentials from the [`DefaultCredentialsChain`](crate::DefaultCredentialsChain).
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build`].
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().build()
    }

    /// The access key id this client signs with (`None` before a credentials provider was
    /// first asked).
    pub fn access_key_id(&self) -> Option<String> {
        self.shared.credentials.access_key_id()
    }

    /// A clone whose calls have this whole-call limit (see [`ClientBuilder::timeout`]); it
    /// shares everything else with `self`.
    ///
    /// ```no_run
    /// # async fn run(client: volcengine_runtime::Client, operation: &'static volcengine_runtime::Operation) -> Result<(), volcengine_runtime::Error> {
    /// use std::time::Duration;
    /// let quick = client.with_timeout(Duration::from_secs(2));
    /// let output = quick.send::<_, serde_json::Value>(operation, &serde_json::json!({})).await?;
    /// # let _ = output; Ok(()) }
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        let mut client = self.clone();
        client.options.timeout = timeout;
        client
    }

    /// A clone whose attempts have this limit (see [`ClientBuilder::attempt_timeout`]).
    pub fn with_attempt_timeout(&self, attempt_timeout: Duration) -> Client {
        let mut client = self.clone();
        client.options.attempt_timeout = attempt_timeout;
        client
    }

    /// A clone retrying as `retry` says (see [`ClientBuilder::retry`]).
    pub fn with_retry(&self, retry: RetryConfig) -> Client {
        let mut client = self.clone();
        client.options.retry = retry;
        client
    }

    /// A clone that decodes answers strictly (`true`: a `Result` field of another JSON type
    /// than documented fails the call) or leniently (see [`ClientBuilder::strict_decoding`]).
    pub fn with_strict_decoding(&self, strict: bool) -> Client {
        let mut client = self.clone();
        client.options.strict_decoding = strict;
        client
    }

    /// Whether answers are decoded strictly.
    pub fn strict_decoding(&self) -> bool {
        self.options.strict_decoding
    }

    /// The whole-call limit.
    pub fn timeout(&self) -> Duration {
        self.options.timeout
    }

    /// The per-attempt limit.
    pub fn attempt_timeout(&self) -> Duration {
        self.options.attempt_timeout
    }

    /// The retry settings.
    pub fn retry_config(&self) -> RetryConfig {
        self.options.retry
    }

    /// The rate-limit settings (shared by all clones).
    pub fn rate_limit_config(&self) -> &RateLimitConfig {
        self.shared.limiter.config()
    }

    /// Calls an Action: encodes `request`, signs, sends, and decodes the `Result`, retrying
    /// retryable failures. A success is the `Result` with the answer's `ResponseMetadata`
    /// ([`Output`], which dereferences to the `Result`).
    ///
    /// The request must serialise to a JSON object (or `null`, taken as no fields). For `GET`
    /// every field travels in the query string; for `POST` the fields named in
    /// [`Operation::query_fields`] do and the rest form the JSON body. Query values: strings
    /// as they are, numbers and booleans as text, arrays as one pair per element, objects as
    /// compact JSON, `null` left out. `Action` and `Version` come from `operation` (request
    /// fields of those names are not put in the query).
    ///
    /// ```no_run
    /// use volcengine_runtime::{Client, HttpMethod, Operation};
    ///
    /// static GET_APP_TOKEN: Operation = Operation {
    ///     action: "GetAppToken",
    ///     version: "2020-12-01",
    ///     method: HttpMethod::Post,
    ///     host: "rtc.volcengineapi.com",
    ///     service: "rtc",
    ///     region: "cn-north-1",
    ///     query_fields: &[],
    ///     qps_limit: None,
    ///     read_only: true,
    ///     idempotency_key: None,
    ///     endpoints: &[],
    /// };
    ///
    /// # async fn run(client: Client) -> Result<(), volcengine_runtime::Error> {
    /// let request = serde_json::json!({"AppId": 123456, "UserId": 10001});
    /// let output = client.send::<_, serde_json::Value>(&GET_APP_TOKEN, &request).await?;
    /// println!("{} (request id {:?})", output["Token"], output.request_id());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// Every [`Error`] variant: a service error when the answer carries
    /// `ResponseMetadata.Error` or has a non-2xx status, a timeout, a transport error when
    /// the call does not complete, a decode error when a 2xx answer is not an envelope whose
    /// `Result` fits `Res`, a response-too-large error, a credentials error when a provider
    /// fails, an encode error when the request is not a JSON object. After retries, the error
    /// of the last attempt.
    pub async fn send<Req, Res>(
        &self,
        operation: &'static Operation,
        request: &Req,
    ) -> Result<Output<Res>, Error>
    where
        Req: Serialize + ?Sized,
        Res: DeserializeOwned + Send,
    {
        let encoded = encode(operation, request, self.shared.max_request_size)?;
        self.send_encoded(operation, encoded).await
    }

    /// Calls an Action with a request already encoded as JSON text (a JSON object).
    pub(crate) async fn send_json<Res: DeserializeOwned + Send>(
        &self,
        operation: &'static Operation,
        json: Vec<u8>,
    ) -> Result<Output<Res>, Error> {
        let encoded = encode_json(operation, json, self.shared.max_request_size)?;
        self.send_encoded(operation, encoded).await
    }

    /// The typed end of a call: everything else is [`execute`](Self::execute), compiled once.
    async fn send_encoded<Res: DeserializeOwned + Send>(
        &self,
        operation: &'static Operation,
        encoded: EncodedRequest,
    ) -> Result<Output<Res>, Error> {
        let mut output: Option<Output<Res>> = None;
        let lenient = !self.options.strict_decoding;
        let mut decode = |answer: Answer<'_>| {
            let decoded = response::decode::<Res>(operation.action, answer, lenient)?;
            // Telemetry records the RequestId of a success, when it is on.
            let request_id = match &decoded.metadata.request_id {
                Some(request_id) if telemetry::enabled() => Some(request_id.clone()),
                _ => None,
            };
            output = Some(
                Output::new(decoded.result, decoded.metadata).with_mismatches(decoded.mismatches),
            );
            Ok(request_id)
        };
        self.execute(operation, encoded, &mut decode).await?;
        output.ok_or_else(|| {
            Error::Encode(EncodeError::new(
                operation.action,
                "internal: a successful call left no result",
            ))
        })
    }

    /// Calls the Action and Version that a generated request type names, as its typed call
    /// function does: `client.request(&request)` is `client.get_app_token(&request)` for a
    /// `GetAppTokenRequest`. Useful in code generic over Actions.
    ///
    /// ```no_run
    /// use volcengine_runtime::{ActionRequest, Client, Error};
    ///
    /// async fn logged<R: ActionRequest>(client: &Client, request: &R) -> Result<R::Result, Error> {
    ///     println!("calling {}", R::OPERATION.action);
    ///     let output = client.request(request).await?;
    ///     println!("request id {:?}", output.request_id());
    ///     Ok(output.into_inner())
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn request<R: ActionRequest>(&self, request: &R) -> Result<Output<R::Result>, Error> {
        self.send(R::OPERATION, request).await
    }

    /// The name of the service `operation` belongs to, for telemetry: the client's
    /// [`Service`], or for a client built without one the service it signs for.
    fn service_name(&self, operation: &'static Operation) -> &'static str {
        match self.shared.service.name {
            "" => operation.service,
            name => name,
        }
    }

    /// The retry loop, monomorphic: `decode` stores the typed result.
    async fn execute(
        &self,
        operation: &'static Operation,
        encoded: EncodedRequest,
        decode: &mut DecodeFn<'_>,
    ) -> Result<(), Error> {
        let span = telemetry::call_span(self.service_name(operation), operation);
        let started = Instant::now();
        let mut attempts = 0;
        let result = self
            .attempts(operation, encoded, decode, started, &mut attempts)
            .instrument(span.clone())
            .await;
        if !span.is_disabled() {
            span.record("attempts", attempts);
            let outcome = match &result {
                Ok((status, request_id)) => Outcome {
                    status: Some(*status),
                    request_id: request_id.as_deref(),
                    error: None,
                },
                Err(error) => Outcome {
                    status: error.status(),
                    request_id: error.request_id(),
                    error: Some(error),
                },
            };
            telemetry::record(&span, &outcome, started.elapsed());
        }
        result.map(|_| ())
    }

    /// Attempts until success, a final error, or the deadline. On success: the status and
    /// `RequestId`.
    async fn attempts(
        &self,
        operation: &'static Operation,
        encoded: EncodedRequest,
        decode: &mut DecodeFn<'_>,
        started: Instant,
        attempts: &mut u32,
    ) -> Result<(u16, Option<String>), Error> {
        let shared = &*self.shared;
        let options = self.options;
        let deadline = started.checked_add(options.timeout);
        let call_timeout = || {
            Error::Timeout(TimeoutError {
                action: operation.action,
                kind: TimeoutKind::Call,
                limit: options.timeout,
            })
        };
        let remaining = || match deadline {
            Some(deadline) => deadline.saturating_duration_since(Instant::now()),
            None => Duration::MAX,
        };

        let signer = match shared.credentials.fixed_signer() {
            Some(signer) => signer,
            None => match tokio::time::timeout(remaining(), shared.credentials.signer()).await {
                Ok(signer) => signer?,
                Err(_) => return Err(call_timeout()),
            },
        };
        let CallTarget {
            target,
            host,
            region,
        } = shared.call_target(operation, encoded.query)?;
        let prepared = Prepared {
            operation,
            target,
            host,
            region,
            body: Bytes::from(encoded.body),
            signer: &signer,
        };

        let mut last_error: Option<Error> = None;
        loop {
            let attempt = *attempts + 1;
            // A token of the Action's bucket, within the deadline. Until it is spent, dropping
            // it (this future cancelled, or returning) gives it back.
            let token = match shared.limiter.take(operation, deadline) {
                Ok(token) => token,
                Err(wait) => {
                    // Nothing sent: the client's own limit, not the service, refused.
                    return Err(last_error.unwrap_or_else(|| {
                        Error::RateLimited(RateLimitedError {
                            action: operation.action,
                            qps: shared.limiter.config().qps_for(operation).unwrap_or(0),
                            wait,
                        })
                    }));
                }
            };
            if !token.wait().is_zero() {
                tokio::time::sleep(token.wait()).await;
            }
            let left = remaining();
            if left.is_zero() {
                return Err(last_error.unwrap_or_else(call_timeout));
            }
            token.spend();
            let (limit, kind) = if options.attempt_timeout < left {
                (options.attempt_timeout, TimeoutKind::Attempt)
            } else {
                (options.timeout, TimeoutKind::Call)
            };
            *attempts = attempt;

            let span = telemetry::attempt_span(self.service_name(operation), operation, attempt);
            // Timed only for telemetry.
            let attempt_started = telemetry::enabled().then(Instant::now);
            let exchanged = self
                .exchange(
                    &prepared,
                    attempt,
                    left.min(options.attempt_timeout),
                    limit,
                    kind,
                )
                .instrument(span.clone())
                .await;
            let (result, status, retry_after) = match exchanged {
                Ok(answer) => {
                    for interceptor in &shared.interceptors {
                        interceptor.after_receive(&ResponseParts {
                            operation,
                            attempt,
                            status: answer.status,
                            headers: &answer.headers,
                            body: &answer.body,
                        });
                    }
                    let decoded = decode(Answer {
                        status: answer.status,
                        content_type: answer
                            .headers
                            .get(CONTENT_TYPE)
                            .and_then(|value| value.to_str().ok()),
                        body: &answer.body,
                    });
                    (decoded, Some(answer.status), answer.retry_after)
                }
                Err(error) => (Err(error), None, None),
            };
            if let Some(attempt_started) = attempt_started {
                let latency = attempt_started.elapsed();
                let _entered = span.enter();
                let outcome = match &result {
                    Ok(request_id) => Outcome {
                        status,
                        request_id: request_id.as_deref(),
                        error: None,
                    },
                    Err(error) => Outcome {
                        status,
                        request_id: error.request_id(),
                        error: Some(error),
                    },
                };
                telemetry::record(&span, &outcome, latency);
                telemetry::attempt_finished(&outcome, latency);
            }

            let error = match result {
                Ok(request_id) => return Ok((status.unwrap_or_default(), request_id)),
                Err(error) => error,
            };
            let final_attempt = attempt >= options.retry.max_attempts()
                || !error.is_retryable_for(operation)
                || matches!(&error, Error::Timeout(timeout) if timeout.kind == TimeoutKind::Call);
            if final_attempt {
                return Err(error);
            }
            let Some(delay) = options.retry.delay(attempt, retry_after) else {
                // The server asks for a longer pause than the client is willing to wait.
                return Err(error);
            };
            if delay >= remaining() {
                return Err(error);
            }
            telemetry::retrying(attempt + 1, delay);
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            last_error = Some(error);
        }
    }

    /// One signed HTTP exchange, limited to `budget`; a timeout is reported as `kind` with
    /// `limit`.
    async fn exchange(
        &self,
        prepared: &Prepared<'_>,
        attempt: u32,
        budget: Duration,
        limit: Duration,
        kind: TimeoutKind,
    ) -> Result<HttpAnswer, Error> {
        let shared = &*self.shared;
        let operation = prepared.operation;
        let content_type = match operation.method {
            HttpMethod::Get => FORM,
            HttpMethod::Post => JSON,
        };
        let body: &[u8] = match operation.method {
            HttpMethod::Get => &[],
            HttpMethod::Post => &prepared.body,
        };
        let now = SystemTime::now();
        let mut fixed = [0u8; 16];
        let formatted;
        let x_date = match write_x_date(now, &mut fixed) {
            Some(x_date) => x_date,
            None => {
                formatted = format_x_date(now);
                formatted.as_str()
            }
        };
        let encode_error =
            |message: String| Error::Encode(EncodeError::new(operation.action, message));
        // The builder's headers, and what the interceptors make of them.
        let mut headers = shared.headers.clone();
        if !shared.interceptors.is_empty() {
            let mut parts = RequestParts {
                operation,
                attempt,
                url: &prepared.target.url,
                body,
                headers: &mut headers,
            };
            for interceptor in &shared.interceptors {
                interceptor.before_send(&mut parts);
            }
            if let Some(name) = headers.keys().find(|name| is_reserved(name)) {
                return Err(encode_error(format!(
                    "an interceptor set the {name} header, which the runtime sets"
                )));
            }
        }
        // Given to the signer with the rest: it signs those the algorithm covers (`X-…`).
        let only_content_type = [("Content-Type", content_type)];
        let with_headers: Vec<(&str, &str)>;
        let signed: &[(&str, &str)] = if headers.is_empty() {
            &only_content_type
        } else {
            let mut all = Vec::with_capacity(headers.len() + 1);
            all.push(only_content_type[0]);
            for (name, value) in &headers {
                let value = value.to_str().map_err(|_| {
                    encode_error(format!("the {name} header value is not visible ASCII"))
                })?;
                all.push((name.as_str(), value));
            }
            with_headers = all;
            &with_headers
        };
        let signature = prepared.signer.sign(
            &SigningRequest {
                method: operation.method.as_str(),
                host: prepared.host,
                path: "/",
                canonical_query: prepared.target.query(),
                headers: signed,
                body,
                x_date,
            },
            prepared.region,
            operation.service,
        );

        let invalid =
            |name: &str| encode_error(format!("the {name} header value is not valid in HTTP"));
        let header =
            |name: &str, value: &str| HeaderValue::from_str(value).map_err(|_| invalid(name));
        // Slices of the signature's buffer: no copy.
        let [x_date, content_sha256, authorization] = signature.into_header_bytes();
        let shared_header = |name: &str, value: Bytes| {
            HeaderValue::from_maybe_shared(value).map_err(|_| invalid(name))
        };
        headers.reserve(7);
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, shared.user_agent.clone());
        }
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(HOST, prepared.target.host_header.clone());
        headers.insert(X_DATE, shared_header("X-Date", x_date)?);
        headers.insert(
            X_CONTENT_SHA256,
            shared_header("X-Content-Sha256", content_sha256)?,
        );
        if let Some(token) = prepared.signer.credentials().session_token() {
            let mut value = header("X-Security-Token", token)?;
            value.set_sensitive(true);
            headers.insert(X_SECURITY_TOKEN, value);
        }
        let mut authorization = shared_header("Authorization", authorization)?;
        authorization.set_sensitive(true);
        headers.insert(AUTHORIZATION, authorization);

        // A request made whole, rather than through a `RequestBuilder`, which would copy the
        // headers into its own map one by one.
        let mut request = reqwest::Request::new(
            match operation.method {
                HttpMethod::Get => reqwest::Method::GET,
                HttpMethod::Post => reqwest::Method::POST,
            },
            prepared.target.url.clone(),
        );
        *request.headers_mut() = headers;
        if operation.method == HttpMethod::Post {
            *request.body_mut() = Some(prepared.body.clone().into());
        }
        let timeout = || {
            Error::Timeout(TimeoutError {
                action: operation.action,
                kind,
                limit,
            })
        };
        let sent_to = shared.supplied_http.then_some(&prepared.target.url);
        let exchanged = tokio::time::timeout(
            budget,
            transport::exchange(&shared.http, request, shared.max_response_size, sent_to),
        )
        .await;
        match exchanged {
            Err(_elapsed) => Err(timeout()),
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(ExchangeError::TooLarge {
                status,
                content_length,
            })) => Err(Error::ResponseTooLarge(ResponseTooLargeError {
                action: operation.action,
                status,
                limit: shared.max_response_size,
                content_length,
            })),
            Ok(Err(ExchangeError::Redirect { status, location })) => {
                Err(Error::Redirect(RedirectError {
                    action: operation.action,
                    status,
                    location,
                    followed: false,
                }))
            }
            Ok(Err(ExchangeError::Followed { status, url })) => {
                tracing::warn!(
                    target: TARGET,
                    action = operation.action,
                    "the HTTP client given to http_client followed a redirection: the signed \
                     request went to another URL; build it with redirect::Policy::none()"
                );
                Err(Error::Redirect(RedirectError {
                    action: operation.action,
                    status,
                    location: Some(url),
                    followed: true,
                }))
            }
            Ok(Err(ExchangeError::Http(source))) if source.is_timeout() => {
                Err(Error::Timeout(TimeoutError {
                    action: operation.action,
                    kind: if source.is_connect() {
                        TimeoutKind::Connect
                    } else {
                        kind
                    },
                    // A supplied client's connect limit is its own: report the attempt's.
                    limit: match shared.connect_timeout {
                        Some(connect_timeout) if source.is_connect() => connect_timeout,
                        _ => limit,
                    },
                }))
            }
            Ok(Err(ExchangeError::Http(source))) => Err(Error::Transport(TransportError {
                action: Some(operation.action),
                source,
            })),
        }
    }
}

/// What every attempt of one call shares.
struct Prepared<'a> {
    operation: &'static Operation,
    target: Arc<Target>,
    /// The host as signed (the `Host` header is the target's).
    host: &'a str,
    region: &'a str,
    body: Bytes,
    signer: &'a Signer,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &*self.shared;
        f.debug_struct("Client")
            .field("credentials", &shared.credentials)
            .field("endpoint", &shared.endpoint.as_ref().map(|e| &e.base))
            .field("region", &shared.region)
            .field("timeout", &self.options.timeout)
            .field("attempt_timeout", &self.options.attempt_timeout)
            .field("connect_timeout", &shared.connect_timeout)
            .field("retry", &self.options.retry)
            .field("rate_limit", shared.limiter.config())
            .field("max_request_size", &shared.max_request_size)
            .field("max_response_size", &shared.max_response_size)
            .field("proxy", &shared.proxy.describe())
            .field("supplied_http_client", &shared.supplied_http)
            .field("strict_decoding", &self.options.strict_decoding)
            .field("headers", &shared.headers.keys().collect::<Vec<_>>())
            .field("interceptors", &shared.interceptors.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;

    static LIMITED: Operation = Operation {
        qps_limit: Some(10),
        ..crate::operation::TEST_OPERATION
    };

    #[test]
    fn clones_share_the_rate_limiter() {
        let client = Client::builder()
            .credentials(Credentials::new("AKLT", "sk"))
            .build()
            .expect("client");
        let clone = client.with_retry(RetryConfig::disabled());
        let now = Instant::now();
        let forever = Duration::from_secs(60);
        let take = |client: &Client| {
            let token = client.shared.limiter.take_at(&LIMITED, now, forever)?;
            let wait = token.wait();
            token.spend();
            Ok::<_, Duration>(wait)
        };
        assert_eq!(take(&client), Ok(Duration::ZERO));
        assert_eq!(take(&clone), Ok(Duration::from_millis(100)));
        assert_eq!(take(&client.clone()), Ok(Duration::from_millis(200)));
        // A separately built client has its own buckets.
        let other = Client::builder()
            .credentials(Credentials::new("AKLT", "sk"))
            .build()
            .expect("client");
        assert_eq!(take(&other), Ok(Duration::ZERO));
    }

    #[test]
    fn per_call_settings_leave_the_original_alone() {
        let client = Client::builder()
            .credentials(Credentials::new("AKLT", "sk"))
            .build()
            .expect("client");
        let quick = client
            .with_timeout(Duration::from_secs(1))
            .with_attempt_timeout(Duration::from_millis(300))
            .with_retry(RetryConfig::disabled());
        assert_eq!(quick.timeout(), Duration::from_secs(1));
        assert_eq!(quick.attempt_timeout(), Duration::from_millis(300));
        assert_eq!(quick.retry_config().max_attempts(), 1);
        assert_eq!(client.timeout(), DEFAULT_TIMEOUT);
        assert_eq!(client.attempt_timeout(), DEFAULT_ATTEMPT_TIMEOUT);
        assert_eq!(client.retry_config(), RetryConfig::standard());
    }

    #[test]
    fn bad_regions_are_configuration_errors() {
        for region in ["", "a/b", "line\nbreak"] {
            let error = Client::builder()
                .credentials(Credentials::new("AKLT", "sk"))
                .region(region)
                .build()
                .unwrap_err();
            assert!(matches!(error, Error::Config(_)), "{region:?}: {error}");
        }
    }

    static REGIONAL: Operation = Operation {
        endpoints: &[
            ("cn-north-1", "rtc.volcengineapi.com"),
            ("ap-southeast-1", "open-ap-singapore-1.volcengineapi.com"),
        ],
        ..crate::operation::TEST_OPERATION
    };

    static NORTH_ONLY: Operation = Operation {
        endpoints: &[("cn-north-1", "rtc.volcengineapi.com")],
        ..REGIONAL
    };

    static ONE_HOST: Operation = Operation {
        host: "imagex.volcengineapi.com",
        service: "imagex",
        endpoints: &[],
        ..REGIONAL
    };

    fn target(
        builder: ClientBuilder,
        operation: &'static Operation,
    ) -> Result<(String, String, String), Error> {
        let client = builder
            .credentials(Credentials::new("AKLT", "sk"))
            .build()?;
        let CallTarget {
            target,
            host,
            region,
        } = client.shared.call_target(operation, Some(String::new()))?;
        let mut url = target.url.clone();
        url.set_query(None);
        Ok((url.to_string(), host.to_owned(), region.to_owned()))
    }

    #[test]
    fn the_region_picks_the_host_from_the_table() {
        let owned = |url: &str, host: &str, region: &str| {
            (url.to_owned(), host.to_owned(), region.to_owned())
        };
        let target = |builder, operation| target(builder, operation).expect("a target");
        assert_eq!(
            target(Client::builder(), &REGIONAL),
            owned(
                "https://rtc.volcengineapi.com/",
                "rtc.volcengineapi.com",
                "cn-north-1"
            ),
            "without a region: the operation's host and region"
        );
        assert_eq!(
            target(Client::builder().region("ap-southeast-1"), &REGIONAL),
            owned(
                "https://open-ap-singapore-1.volcengineapi.com/",
                "open-ap-singapore-1.volcengineapi.com",
                "ap-southeast-1"
            )
        );
        assert_eq!(
            target(Client::builder().region("ap-southeast-1"), &ONE_HOST),
            owned(
                "https://imagex.volcengineapi.com/",
                "imagex.volcengineapi.com",
                "ap-southeast-1"
            ),
            "no table: the host stays, the signing region changes"
        );
        assert_eq!(
            target(
                Client::builder()
                    .region("ap-southeast-1")
                    .endpoint("http://127.0.0.1:8080"),
                &REGIONAL
            ),
            owned("http://127.0.0.1:8080/", "127.0.0.1:8080", "ap-southeast-1"),
            "an endpoint still decides the host"
        );
        let error = super::tests::target(Client::builder().region("ap-southeast-1"), &NORTH_ONLY)
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error}");
        assert!(
            error.to_string().contains("known regions: cn-north-1"),
            "{error}"
        );
    }

    /// `target`'s URL, its host (both as signed and as the `Host` header) and region.
    fn assert_target(target: &CallTarget<'_>, url: &str, host: &str, region: &str) {
        assert_eq!(target.target.url.as_str(), url);
        assert_eq!(target.target.host_header, host);
        assert_eq!((target.host, target.region), (host, region));
    }

    #[test]
    fn call_targets_carry_the_query_and_plain_ones_are_kept() {
        let client = Client::builder()
            .credentials(Credentials::new("AKLT", "sk"))
            .region("ap-southeast-1")
            .build()
            .expect("client");
        let shared = &*client.shared;
        let kept = || lock(&shared.plain_targets).len();
        for _ in 0..2 {
            let target = shared.call_target(&REGIONAL, None).expect("a target");
            assert_target(
                &target,
                "https://open-ap-singapore-1.volcengineapi.com/?Action=SendMessage&Version=2020-12-01",
                "open-ap-singapore-1.volcengineapi.com",
                "ap-southeast-1",
            );
            assert_eq!(kept(), 1);
        }
        // Another operation, another host; a query with fields is never kept.
        let target = shared.call_target(&ONE_HOST, None).expect("a target");
        assert_eq!(
            target.target.url.host_str(),
            Some("imagex.volcengineapi.com")
        );
        assert_eq!(kept(), 2);
        let query = "Action=SendMessage&AppId=7&Version=2020-12-01";
        let target = shared
            .call_target(&REGIONAL, Some(query.to_owned()))
            .expect("a target");
        assert_eq!(target.target.url.query(), Some(query));
        assert_eq!(kept(), 2);

        let client = Client::builder()
            .credentials(Credentials::new("AKLT", "sk"))
            .endpoint("http://127.0.0.1:8080")
            .build()
            .expect("client");
        let target = client
            .shared
            .call_target(&REGIONAL, None)
            .expect("a target");
        assert_target(
            &target,
            "http://127.0.0.1:8080/?Action=SendMessage&Version=2020-12-01",
            "127.0.0.1:8080",
            "cn-north-1",
        );
        // A region the operation's table lacks is still a configuration error.
        let client = Client::builder()
            .credentials(Credentials::new("AKLT", "sk"))
            .region("ap-southeast-1")
            .build()
            .expect("client");
        let error = client.shared.call_target(&NORTH_ONLY, None).err();
        assert!(matches!(error, Some(Error::Config(_))), "{error:?}");
    }

    /// A service of one Action served from two regions, as a generated crate describes one.
    mod two_regions {
        use crate::dynamic::{entry, ActionEntry};
        use crate::{ActionRequest, Client, Operation, Service, ServiceClient};

        static OPERATION: Operation = Operation {
            endpoints: &[
                ("cn-north-1", "rtc.volcengineapi.com"),
                ("ap-southeast-1", "open-ap-singapore-1.volcengineapi.com"),
            ],
            ..crate::operation::TEST_OPERATION
        };

        pub(super) struct Request {}
        crate::via_fields! { Request {} }

        impl ActionRequest for Request {
            type Result = serde_json::Value;
            const OPERATION: &'static Operation = &OPERATION;
        }

        static ACTIONS: [ActionEntry; 1] = [entry::<Request>()];
        static SERVICE: Service = Service {
            name: "test",
            user_agent: "test",
            actions: &ACTIONS,
        };

        #[derive(Clone, Debug)]
        pub(super) struct TestClient(Client);

        impl From<Client> for TestClient {
            fn from(client: Client) -> Self {
                TestClient(client)
            }
        }

        impl AsRef<Client> for TestClient {
            fn as_ref(&self) -> &Client {
                &self.0
            }
        }

        impl ServiceClient for TestClient {
            const SERVICE: &'static Service = &SERVICE;
        }
    }

    #[test]
    fn an_unknown_region_fails_at_build_listing_the_known_ones() {
        let error = ClientBuilder::<two_regions::TestClient>::new()
            .credentials(Credentials::new("AKLT", "sk"))
            .region("ap-singapore-1")
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error}");
        assert_eq!(
            error.to_string(),
            "client configuration: unknown region \"ap-singapore-1\"; \
             known regions: ap-southeast-1, cn-north-1"
        );
    }

    #[test]
    fn endpoints() {
        let endpoint = Endpoint::parse("http://127.0.0.1:8080").expect("valid");
        assert_eq!(endpoint.base, "http://127.0.0.1:8080");
        assert_eq!(endpoint.authority, "127.0.0.1:8080");
        let endpoint = Endpoint::parse("https://example.com:443/").expect("valid");
        assert_eq!(endpoint.authority, "example.com");
        let endpoint = Endpoint::parse("http://[::1]:9000").expect("valid");
        assert_eq!(endpoint.authority, "[::1]:9000");
        for bad in [
            "127.0.0.1:8080",
            "ftp://x",
            "http://x/path",
            "http://x/?q=1",
            "http://u:p@x",
        ] {
            assert!(
                matches!(Endpoint::parse(bad), Err(Error::InvalidEndpoint(_))),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let builder = Client::builder()
            .credentials(
                Credentials::new("AKLTvisible", "the-secret-key").with_session_token("the-token"),
            )
            .header("X-Api-Key", "the-header-key")
            .endpoint("http://127.0.0.1:1");
        let client = builder.clone().build().expect("client");
        let shown = format!("{client:?} {client:#?} {builder:?}");
        assert!(shown.contains("AKLTvisible"), "{shown}");
        assert!(shown.contains("x-api-key"), "{shown}");
        for secret in ["the-secret-key", "the-token", "the-header-key"] {
            assert!(!shown.contains(secret), "{secret}: {shown}");
        }
    }

    #[test]
    fn bad_credentials_are_rejected_at_build() {
        let error = Client::builder()
            .credentials(Credentials::new("AK", "sk").with_session_token("line\nbreak"))
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Credentials(_)), "{error}");
        assert!(!error.to_string().contains("line\nbreak"));
    }
}
