//! The typed error of a call.
//!
//! [`Error`] tells apart what went wrong: the service refused the call ([`ServiceError`]), the
//! call ran out of time ([`TimeoutError`]), the call never completed ([`TransportError`]), the
//! answer could not be read ([`DecodeError`], [`ResponseTooLargeError`]), the server redirected
//! the call ([`RedirectError`]), the client's own rate limit refused it
//! ([`RateLimitedError`]), or the call could not even start ([`CredentialsError`],
//! [`EncodeError`], [`UnknownActionError`], [`EndpointError`], [`ConfigError`]).
//! No variant ever carries a secret key or session token.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use super::operation::Operation;

/// Longest body excerpt kept in an error, in characters.
pub(crate) const EXCERPT_CHARS: usize = 256;

/// Why a call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error: `ResponseMetadata.Error` (even under HTTP 200) or a
    /// non-2xx status.
    Service(Box<ServiceError>),
    /// The call, one attempt of it, or connecting ran out of time.
    Timeout(TimeoutError),
    /// The request could not be sent or the answer not received (connection refused, reset or
    /// closed in the middle of the answer).
    Transport(TransportError),
    /// The answer was not the expected envelope or `Result` (empty, truncated, not JSON).
    Decode(Box<DecodeError>),
    /// The answer's body was larger than the client's
    /// [`max_response_size`](crate::ClientBuilder::max_response_size).
    ResponseTooLarge(ResponseTooLargeError),
    /// The server answered with a redirection (3xx). The client follows none: the signed
    /// request, its session token and its body go only to the configured endpoint. Also an
    /// answer that came from elsewhere because an HTTP client given to
    /// [`http_client`](crate::ClientBuilder::http_client) followed a redirection
    /// ([`RedirectError::followed`]).
    Redirect(RedirectError),
    /// The client's own rate limit ([`RateLimitConfig`](crate::RateLimitConfig)) could not
    /// give the call a token before its deadline; nothing was sent.
    RateLimited(RateLimitedError),
    /// No usable credentials.
    Credentials(CredentialsError),
    /// The request could not be encoded (serialisation failed, not a JSON object, a value not
    /// allowed in a header).
    Encode(EncodeError),
    /// [`Client::invoke_json`](crate::Client::invoke_json) was given an Action or Version that
    /// was not generated.
    UnknownAction(UnknownActionError),
    /// The configured endpoint is not a usable base URL.
    InvalidEndpoint(EndpointError),
    /// The client is configured or used in a way that cannot work (e.g. a region that cannot
    /// appear in a header, a blocking call inside an async runtime).
    Config(ConfigError),
}

impl Error {
    /// The service error, if the service answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(error) => Some(error),
            _ => None,
        }
    }

    /// The Action of the failed call, when known.
    pub fn action(&self) -> Option<&str> {
        match self {
            Error::Service(error) => Some(error.action),
            Error::Timeout(error) => Some(error.action),
            Error::Transport(error) => error.action,
            Error::Decode(error) => Some(error.action),
            Error::ResponseTooLarge(error) => Some(error.action),
            Error::Redirect(error) => Some(error.action),
            Error::RateLimited(error) => Some(error.action),
            Error::Encode(error) => error.action,
            Error::UnknownAction(error) => Some(&error.action),
            Error::Credentials(_) | Error::InvalidEndpoint(_) | Error::Config(_) => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            Error::ResponseTooLarge(error) => Some(error.status),
            Error::Redirect(error) => Some(error.status),
            Error::Transport(error) => error.source.status().map(|status| status.as_u16()),
            _ => None,
        }
    }

    /// The service's `RequestId`, when the answer carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(error) => error.request_id(),
            Error::Decode(error) => error.request_id(),
            _ => None,
        }
    }

    /// The service's error `Code` (e.g. `InvalidParameter`), for a service error.
    pub fn code(&self) -> Option<&str> {
        self.service_error().and_then(ServiceError::code)
    }

    /// The service's numeric `CodeN` (e.g. `100004`), for a service error.
    pub fn code_n(&self) -> Option<i64> {
        self.service_error().and_then(ServiceError::code_n)
    }

    /// The service's `ResponseMetadata.Error.Description`, for a service error that has one.
    pub fn description(&self) -> Option<&str> {
        self.service_error().and_then(ServiceError::description)
    }

    /// Whether the call (or one attempt of it, or connecting) timed out.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout(_) => true,
            Error::Transport(error) => error.is_timeout(),
            _ => false,
        }
    }

    /// Whether trying the same call again later may succeed: connection failures, timeouts,
    /// HTTP 429, 500, 502, 503 and 504, and the service's throttling or internal-error codes.
    /// Never for a request the service rejected for a client reason (bad parameters, bad
    /// signature, no permission), nor for an answer that cannot be decoded.
    ///
    /// The client retries these by itself (see [`RetryConfig`](crate::RetryConfig)); this
    /// tells whether trying again *later* is worth it once its attempts are used up. A
    /// [`RateLimited`](Error::RateLimited) call is not retryable by the client (nothing was
    /// sent, the limit is the caller's own); the caller may try it again later.
    ///
    /// Whether the client retries a failure *of a given Action* is
    /// [`is_retryable_for`](Self::is_retryable_for).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(error) => error.is_retryable(),
            Error::Timeout(_) => true,
            Error::Transport(error) => error.is_retryable(),
            _ => false,
        }
    }

    /// Whether the request may have reached the service and been acted on. `false` only when
    /// it certainly was not: connecting failed (refused, DNS, TLS handshake, connect timeout),
    /// the client's own rate limit or credentials stopped it, it could not be encoded, or the
    /// service refused it before acting (HTTP 429 or a throttling code such as
    /// `FlowLimitExceeded`, or a client error such as a bad parameter). A 5xx or an internal
    /// error code, a timeout after the request was sent and a connection broken before or
    /// during the answer may have been applied.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::Service(error) => {
                error.status >= 500 || (error.is_retryable() && !error.is_throttled())
            }
            Error::Timeout(error) => error.kind != TimeoutKind::Connect,
            Error::Transport(error) => !error.is_connect() && !error.source.is_builder(),
            // An answer came: the service saw the request.
            Error::Decode(_) | Error::ResponseTooLarge(_) | Error::Redirect(_) => true,
            Error::RateLimited(_)
            | Error::Credentials(_)
            | Error::Encode(_)
            | Error::UnknownAction(_)
            | Error::InvalidEndpoint(_)
            | Error::Config(_) => false,
        }
    }

    /// Whether the client retries this failure of a call to `operation` (attempts and the
    /// call's timeout permitting): a [retryable](Self::is_retryable) failure of a
    /// [read-only](Operation::read_only) Action or of one with an
    /// [idempotency key](Operation::idempotency_key); for any other Action, only a retryable
    /// failure that certainly was not applied (see
    /// [`may_have_been_applied`](Self::may_have_been_applied)), so a write is never sent
    /// twice.
    pub fn is_retryable_for(&self, operation: &Operation) -> bool {
        self.is_retryable()
            && (operation.read_only
                || operation.idempotency_key.is_some()
                || !self.may_have_been_applied())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(error) => error.fmt(f),
            Error::Timeout(error) => error.fmt(f),
            Error::Transport(error) => error.fmt(f),
            Error::Decode(error) => error.fmt(f),
            Error::ResponseTooLarge(error) => error.fmt(f),
            Error::Redirect(error) => error.fmt(f),
            Error::RateLimited(error) => error.fmt(f),
            Error::Credentials(error) => error.fmt(f),
            Error::Encode(error) => error.fmt(f),
            Error::UnknownAction(error) => error.fmt(f),
            Error::InvalidEndpoint(error) => error.fmt(f),
            Error::Config(error) => error.fmt(f),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            // The variants' own Display already says everything but the transport cause.
            Error::Transport(error) => error.source(),
            _ => None,
        }
    }
}

impl From<ServiceError> for Error {
    fn from(error: ServiceError) -> Self {
        Error::Service(Box::new(error))
    }
}

impl From<DecodeError> for Error {
    fn from(error: DecodeError) -> Self {
        Error::Decode(Box::new(error))
    }
}

/// The service refused a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub(crate) action: &'static str,
    pub(crate) status: u16,
    pub(crate) code: Option<String>,
    pub(crate) code_n: Option<i64>,
    pub(crate) message: String,
    pub(crate) description: Option<String>,
    pub(crate) request_id: Option<String>,
}

impl ServiceError {
    /// The Action that failed, e.g. `BatchGetConversations`.
    pub fn action(&self) -> &str {
        self.action
    }

    /// The HTTP status of the answer (200 when the error came in the envelope of a 200).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// `ResponseMetadata.Error.Code`, e.g. `InvalidParameter`; `None` when the answer had no
    /// error envelope (e.g. an HTML page from a gateway).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// `ResponseMetadata.Error.CodeN`, e.g. `100004`.
    pub fn code_n(&self) -> Option<i64> {
        self.code_n
    }

    /// `ResponseMetadata.Error.Message`; without an error envelope, an excerpt of the body
    /// (at most 256 characters).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `ResponseMetadata.Error.Description`, a longer explanation some services send beside
    /// `Message`.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// `ResponseMetadata.RequestId`, when the answer carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Whether the service refused the call for its rate before acting on it: HTTP 429 or a
    /// throttling code (`FlowLimitExceeded`, `…Throttl…`, `TooManyRequests`).
    pub fn is_throttled(&self) -> bool {
        if self.status == 429 {
            return true;
        }
        const THROTTLING_PARTS: [&str; 3] = ["FlowLimitExceeded", "Throttl", "TooManyRequests"];
        self.code
            .as_deref()
            .is_some_and(|code| THROTTLING_PARTS.iter().any(|part| code.contains(part)))
    }

    /// Whether trying again later may succeed: HTTP 429, 500, 502, 503 or 504, or a
    /// throttling / internal error code (`FlowLimitExceeded`, `…Throttl…`, `TooManyRequests`,
    /// `ServiceUnavailable…`, `InternalError`, `InternalServiceError`,
    /// `InternalServiceTimeout`).
    pub fn is_retryable(&self) -> bool {
        if matches!(self.status, 429 | 500 | 502 | 503 | 504) {
            return true;
        }
        let Some(code) = self.code.as_deref() else {
            return false;
        };
        const RETRYABLE_PARTS: [&str; 5] = [
            "FlowLimitExceeded",
            "Throttl",
            "TooManyRequests",
            "ServiceUnavailable",
            "InternalServiceTimeout",
        ];
        code == "InternalError"
            || code == "InternalServiceError"
            || RETRYABLE_PARTS.iter().any(|part| code.contains(part))
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed", self.action)?;
        match (&self.code, self.code_n) {
            (Some(code), Some(code_n)) => write!(f, ": {code} (CodeN {code_n})")?,
            (Some(code), None) => write!(f, ": {code}")?,
            (None, Some(code_n)) => write!(f, ": CodeN {code_n}")?,
            (None, None) => write!(f, " without an error code")?,
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(description) = self.description.as_deref().filter(|d| !d.is_empty()) {
            write!(f, "; {description}")?;
        }
        match &self.request_id {
            Some(request_id) => write!(f, " (request id {request_id}, HTTP {})", self.status),
            None => write!(f, " (HTTP {})", self.status),
        }
    }
}

impl StdError for ServiceError {}

/// A call that never completed: connection refused, timeout, broken connection.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) action: Option<&'static str>,
    pub(crate) source: reqwest::Error,
}

impl TransportError {
    /// The Action being called, if the failure happened during a call (and not while building
    /// the client).
    pub fn action(&self) -> Option<&str> {
        self.action
    }

    /// Whether the call (or connecting) timed out.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    /// Whether connecting to the endpoint failed.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }

    /// Whether the connection failed while the answer was being read (e.g. closed in the
    /// middle of the body).
    pub fn is_body(&self) -> bool {
        self.source.is_body() || self.source.is_decode()
    }

    /// Whether trying again later may succeed: connecting failed, or the connection failed
    /// while sending the request or reading the answer. Not when the HTTP client could not be
    /// set up.
    pub fn is_retryable(&self) -> bool {
        !self.source.is_builder()
            && (self.source.is_timeout()
                || self.source.is_connect()
                || self.source.is_request()
                || self.is_body())
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.source.is_timeout() {
            "timed out"
        } else if self.source.is_connect() {
            "could not connect"
        } else if self.source.is_builder() {
            "could not set up the HTTP client"
        } else if self.is_body() {
            "connection failed while reading the answer"
        } else {
            "transport failure"
        };
        // reqwest's own message, then its causes (where the I/O error says what happened).
        let mut detail = self.source.to_string();
        let mut cause = self.source.source();
        while let Some(error) = cause {
            let text = error.to_string();
            if !detail.contains(&text) {
                detail.push_str(": ");
                detail.push_str(&text);
            }
            cause = error.source();
        }
        match self.action {
            Some(action) => write!(f, "{action} {what}: {detail}"),
            None => write!(f, "{what}: {detail}"),
        }
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.source()
    }
}

/// An answer that was not the expected envelope or `Result`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub(crate) action: &'static str,
    pub(crate) status: u16,
    pub(crate) message: String,
    /// `None` for a body that looks like JSON: see [`DecodeError::body_excerpt`].
    pub(crate) body_excerpt: Option<String>,
    pub(crate) truncated: bool,
    pub(crate) request_id: Option<String>,
    pub(crate) content_type: Option<String>,
}

impl DecodeError {
    /// The Action whose answer could not be decoded.
    pub fn action(&self) -> &str {
        self.action
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// What the JSON decoder said: where (path, line and column) and what it expected, without
    /// the value it found.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The start of a body that is not JSON (an HTML page from a proxy), at most 256
    /// characters (cut on a character boundary). `None` for a body that looks like JSON: its
    /// values may be fields the page marks secret (a token), which the runtime cannot tell
    /// from the others, so none is ever shown.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.body_excerpt.as_deref()
    }

    /// `ResponseMetadata.RequestId`, if it could be found in the body.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The answer's `Content-Type` header, if it had one (e.g. `text/html` from a proxy).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: cannot decode the answer (HTTP {}): {}",
            self.action, self.status, self.message
        )?;
        if let Some(content_type) = &self.content_type {
            if !is_json(content_type) {
                write!(f, " (Content-Type {content_type:?}, not JSON)")?;
            }
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request id {request_id})")?;
        }
        if let Some(excerpt) = &self.body_excerpt {
            let ellipsis = if self.truncated { "…" } else { "" };
            write!(f, "; body: {excerpt:?}{ellipsis}")?;
        }
        Ok(())
    }
}

impl StdError for DecodeError {}

/// No usable credentials: none found, a malformed source, or a failing provider.
///
/// The message says where the client looked (environment variables, files) and what was wrong;
/// it never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    message: String,
}

/// What kind of [`CredentialsError`] it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// No source had credentials.
    NotFound,
    /// A source exists but is unusable: a half-set pair of variables, a file that does not
    /// parse, a profile without a key, a value an HTTP header cannot carry.
    Malformed,
    /// A credentials provider (e.g. one fetching STS credentials) failed.
    Provider,
}

impl CredentialsError {
    /// No source had credentials; `message` says where the client looked.
    pub fn not_found(message: impl Into<String>) -> Self {
        CredentialsError {
            kind: CredentialsErrorKind::NotFound,
            message: message.into(),
        }
    }

    /// A source exists but is unusable; `message` says which and why (never the secret).
    pub fn malformed(message: impl Into<String>) -> Self {
        CredentialsError {
            kind: CredentialsErrorKind::Malformed,
            message: message.into(),
        }
    }

    /// A provider failed; for implementations of
    /// [`ProvideCredentials`](crate::ProvideCredentials).
    pub fn provider(message: impl Into<String>) -> Self {
        CredentialsError {
            kind: CredentialsErrorKind::Provider,
            message: message.into(),
        }
    }

    /// What kind of error it is.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// The message (without the `credentials: ` prefix of `Display`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "credentials: {}", self.message)
    }
}

impl StdError for CredentialsError {}

impl From<CredentialsError> for Error {
    fn from(error: CredentialsError) -> Self {
        Error::Credentials(error)
    }
}

/// A request that could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    pub(crate) action: Option<&'static str>,
    pub(crate) message: String,
}

impl EncodeError {
    pub(crate) fn new(action: &'static str, message: impl Into<String>) -> Self {
        EncodeError {
            action: Some(action),
            message: message.into(),
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.action {
            Some(action) => write!(f, "{action}: cannot encode the request: {}", self.message),
            None => write!(f, "cannot encode the request: {}", self.message),
        }
    }
}

impl StdError for EncodeError {}

/// An endpoint that is not a usable base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    pub(crate) endpoint: String,
    pub(crate) reason: String,
}

impl EndpointError {
    /// The endpoint as configured.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid endpoint {:?}: {}", self.endpoint, self.reason)
    }
}

impl StdError for EndpointError {}

/// What ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Connecting to the endpoint ([`connect_timeout`](crate::ClientBuilder::connect_timeout)).
    Connect,
    /// One attempt: sending the request and reading the whole answer
    /// ([`attempt_timeout`](crate::ClientBuilder::attempt_timeout)); the client may have
    /// retried before giving up.
    Attempt,
    /// The whole call, all attempts, back-off and rate-limit waits included
    /// ([`timeout`](crate::ClientBuilder::timeout)).
    Call,
}

impl TimeoutKind {
    fn describe(self) -> &'static str {
        match self {
            TimeoutKind::Connect => "could not connect within the connect timeout",
            TimeoutKind::Attempt => "got no complete answer within the attempt timeout",
            TimeoutKind::Call => "did not complete within the call timeout",
        }
    }
}

/// A call that ran out of time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutError {
    pub(crate) action: &'static str,
    pub(crate) kind: TimeoutKind,
    pub(crate) limit: Duration,
}

impl TimeoutError {
    /// The Action being called.
    pub fn action(&self) -> &str {
        self.action
    }

    /// What ran out of time.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// The limit that was exceeded.
    pub fn limit(&self) -> Duration {
        self.limit
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} timed out: {} of {:?}",
            self.action,
            self.kind.describe(),
            self.limit
        )
    }
}

impl StdError for TimeoutError {}

/// An answer whose body was larger than the configured limit; the client stopped reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseTooLargeError {
    pub(crate) action: &'static str,
    pub(crate) status: u16,
    pub(crate) limit: usize,
    pub(crate) content_length: Option<u64>,
}

impl ResponseTooLargeError {
    /// The Action whose answer was too large.
    pub fn action(&self) -> &str {
        self.action
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The configured limit, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The answer's `Content-Length`, when it announced one.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }
}

impl fmt::Display for ResponseTooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the answer (HTTP {}) is larger than the limit of {} bytes",
            self.action, self.status, self.limit
        )?;
        if let Some(length) = self.content_length {
            write!(f, " (Content-Length {length})")?;
        }
        Ok(())
    }
}

impl StdError for ResponseTooLargeError {}

/// A redirection (3xx) the client did not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectError {
    pub(crate) action: &'static str,
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) followed: bool,
}

impl RedirectError {
    /// The Action whose answer was a redirection.
    pub fn action(&self) -> &str {
        self.action
    }

    /// The HTTP status, e.g. 307; when [`followed`](Self::followed), that of the answer from
    /// where the redirection led.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Location` header, when the answer had one; when [`followed`](Self::followed), the
    /// URL the answer came from.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// Whether the HTTP client (one given to
    /// [`http_client`](crate::ClientBuilder::http_client)) followed the redirection: the
    /// signed request, session token included, was then sent to [`location`](Self::location)
    /// too, and its answer was refused.
    pub fn followed(&self) -> bool {
        self.followed
    }
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.followed {
            return write!(
                f,
                "{}: the HTTP client followed a redirection to {:?} (HTTP {} there), sending the \
                 signed request there too; its answer was refused. Build the client given to \
                 `http_client` with `redirect(reqwest::redirect::Policy::none())`",
                self.action,
                self.location.as_deref().unwrap_or_default(),
                self.status
            );
        }
        write!(
            f,
            "{}: the server answered with a redirection (HTTP {}",
            self.action, self.status
        )?;
        match &self.location {
            Some(location) => write!(f, " to {location:?}")?,
            None => write!(f, " without a Location")?,
        }
        write!(f, "), which the client does not follow; check the endpoint")
    }
}

impl StdError for RedirectError {}

/// A call the client's own rate limit refused: its token would have come after the call's
/// deadline. Nothing was sent; the caller may try again later (or raise the call's timeout or
/// the Action's limit in [`RateLimitConfig`](crate::RateLimitConfig)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitedError {
    pub(crate) action: &'static str,
    pub(crate) qps: u32,
    pub(crate) wait: Duration,
}

impl RateLimitedError {
    /// The Action being called.
    pub fn action(&self) -> &str {
        self.action
    }

    /// The Action's limit, in requests per second.
    pub fn qps(&self) -> u32 {
        self.qps
    }

    /// How long the call would have had to wait for its token.
    pub fn wait(&self) -> Duration {
        self.wait
    }
}

impl fmt::Display for RateLimitedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: not sent: the client's rate limit of {} requests per second has no token \
             within the call's timeout (next in {:?}); try again later",
            self.action, self.qps, self.wait
        )
    }
}

impl StdError for RateLimitedError {}

/// An Action or Version [`Client::invoke_json`](crate::Client::invoke_json) does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownActionError {
    pub(crate) action: String,
    pub(crate) version: Option<String>,
}

impl UnknownActionError {
    /// The Action asked for.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The Version asked for, if any.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
}

impl fmt::Display for UnknownActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no generated Action `{}`", self.action)?;
        if let Some(version) = &self.version {
            write!(f, " at Version {version}")?;
        }
        write!(f, "; see the service crate's api::ACTIONS")
    }
}

impl StdError for UnknownActionError {}

/// A client configured or used in a way that cannot work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub(crate) message: String,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "client configuration: {}", self.message)
    }
}

impl StdError for ConfigError {}

/// Whether a `Content-Type` is JSON (`application/json`, `…+json`, `text/json`).
pub(crate) fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// Whether `body` looks like JSON (its first non-blank byte opens an object, an array or a
/// string). Errors never show an excerpt of such a body: its values may be secrets.
pub(crate) fn looks_like_json(body: &[u8]) -> bool {
    matches!(
        body.iter().find(|byte| !byte.is_ascii_whitespace()),
        Some(b'{' | b'[' | b'"')
    )
}

/// serde's message without the values it quotes: `invalid type: string "661e…", expected
/// i32` becomes `invalid type: string, expected i32`. The value may be a secret (a token of
/// the wrong type); where it is and what was expected say enough.
pub(crate) fn without_values(message: &str) -> String {
    // serde's `Unexpected` shows these kinds with their value: strings quoted as by `Debug`,
    // the others between backticks.
    const KINDS: [&str; 5] = [
        "string",
        "integer",
        "floating point",
        "boolean",
        "character",
    ];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = ["invalid type: ", "invalid value: "]
        .iter()
        .filter_map(|marker| rest.find(marker).map(|at| at + marker.len()))
        .min()
    {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(kind) = KINDS.iter().find(|kind| {
            rest.strip_prefix(**kind)
                .is_some_and(|value| value.starts_with(" \"") || value.starts_with(" `"))
        }) else {
            continue;
        };
        out.push_str(kind);
        let value = &rest[kind.len() + 1..];
        rest = if value.starts_with('"') {
            skip_debug_string(value)
        } else {
            // A backtick, the value, a backtick; a character may itself be a backtick.
            let inner = &value[1..];
            let first = inner.chars().next().map_or(0, char::len_utf8);
            inner[first..]
                .find('`')
                .map_or("", |end| &inner[first + end + 1..])
        };
    }
    out.push_str(rest);
    out
}

/// What follows the `Debug`-quoted string `text` starts with.
fn skip_debug_string(text: &str) -> &str {
    let mut escaped = false;
    for (index, character) in text.char_indices().skip(1) {
        match character {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return &text[index + 1..],
            _ => {}
        }
    }
    ""
}

/// The start of `body` as text: at most [`EXCERPT_CHARS`] characters, cut on a character
/// boundary (invalid UTF-8 is replaced). Returns the excerpt and whether it was cut.
pub(crate) fn body_excerpt(body: &[u8]) -> (String, bool) {
    // 4 bytes per character at most: enough bytes for the excerpt without decoding all.
    let head = &body[..body.len().min(EXCERPT_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let cut = text
        .char_indices()
        .nth(EXCERPT_CHARS)
        .map(|(index, _)| index);
    match cut {
        Some(index) => (text[..index].to_owned(), true),
        None => (text.into_owned(), head.len() < body.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: Option<&str>, code_n: Option<i64>, status: u16) -> ServiceError {
        ServiceError {
            action: "BatchGetConversations",
            status,
            code: code.map(str::to_owned),
            code_n,
            message: "AppId is invalid".to_owned(),
            description: None,
            request_id: Some("202306041104200100100232280022D31".to_owned()),
        }
    }

    #[test]
    fn service_error_display_names_everything() {
        let error = Error::from(service(Some("InvalidParameter"), Some(100_004), 400));
        assert_eq!(
            error.to_string(),
            "BatchGetConversations failed: InvalidParameter (CodeN 100004): AppId is invalid \
             (request id 202306041104200100100232280022D31, HTTP 400)"
        );
        assert_eq!(error.code(), Some("InvalidParameter"));
        assert_eq!(error.code_n(), Some(100_004));
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.action(), Some("BatchGetConversations"));
        assert!(!error.is_retryable());
    }

    #[test]
    fn the_description_is_shown_after_the_message() {
        let mut error = service(Some("InvalidParameter"), None, 400);
        error.description = Some("AppId must be numeric".to_owned());
        let error = Error::from(error);
        assert_eq!(error.description(), Some("AppId must be numeric"));
        assert_eq!(
            error.to_string(),
            "BatchGetConversations failed: InvalidParameter: AppId is invalid; AppId must be \
             numeric (request id 202306041104200100100232280022D31, HTTP 400)"
        );
    }

    #[test]
    fn retryable_service_errors() {
        assert!(service(None, None, 503).is_retryable());
        assert!(service(None, None, 429).is_retryable());
        assert!(service(Some("AccountFlowLimitExceeded"), None, 200).is_retryable());
        assert!(service(Some("InternalError"), None, 200).is_retryable());
        assert!(!service(Some("InvalidParameter"), None, 200).is_retryable());
        assert!(
            !service(None, None, 501).is_retryable(),
            "not implemented stays so"
        );
        assert!(!service(Some("SignatureDoesNotMatch"), None, 401).is_retryable());
        assert!(!service(None, None, 404).is_retryable());
        let plain = service(None, None, 502);
        assert_eq!(
            plain.to_string(),
            "BatchGetConversations failed without an error code: AppId is invalid \
             (request id 202306041104200100100232280022D31, HTTP 502)"
        );
    }

    #[test]
    fn json_content_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/html; charset=utf-8"));
        assert!(!is_json(""));
    }

    #[test]
    fn timeout_display_names_the_limit() {
        let error = Error::Timeout(TimeoutError {
            action: "StartWebcast",
            kind: TimeoutKind::Attempt,
            limit: Duration::from_millis(250),
        });
        assert_eq!(
            error.to_string(),
            "StartWebcast timed out: got no complete answer within the attempt timeout of 250ms"
        );
        assert!(error.is_timeout() && error.is_retryable());
        assert_eq!(error.action(), Some("StartWebcast"));
    }

    #[test]
    fn excerpt_is_cut_on_char_boundary() {
        let body = "群".repeat(300);
        let (excerpt, truncated) = body_excerpt(body.as_bytes());
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS);
        assert!(truncated);
        let (excerpt, truncated) = body_excerpt(b"<html>bad gateway</html>");
        assert_eq!(excerpt, "<html>bad gateway</html>");
        assert!(!truncated);
        let (excerpt, _) = body_excerpt(&[0xff, b'a']);
        assert_eq!(excerpt, "\u{fffd}a");
    }

    #[test]
    fn decoder_messages_lose_their_values() {
        let cases = [
            (
                r#"at `AppId`: invalid type: string "661e****", expected i32 at line 1 column 9"#,
                "at `AppId`: invalid type: string, expected i32 at line 1 column 9",
            ),
            (
                r#"invalid type: string "a \"quoted\", expected x", expected u64"#,
                "invalid type: string, expected u64",
            ),
            (
                "at `Token`: invalid type: integer `12345`, expected a string",
                "at `Token`: invalid type: integer, expected a string",
            ),
            (
                "invalid value: integer `2147483648`, expected i32",
                "invalid value: integer, expected i32",
            ),
            (
                "invalid type: floating point `1.5`, expected u64",
                "invalid type: floating point, expected u64",
            ),
            (
                "invalid type: boolean `true`, expected a string",
                "invalid type: boolean, expected a string",
            ),
            (
                "invalid type: character `群`, expected u8",
                "invalid type: character, expected u8",
            ),
            (
                "invalid type: character ```, expected u8",
                "invalid type: character, expected u8",
            ),
            // Kinds without a value, and messages without any, stay as they are.
            (
                "at `Users`: invalid type: map, expected a sequence",
                "at `Users`: invalid type: map, expected a sequence",
            ),
            (
                "missing field `UserId` at line 1 column 2",
                "missing field `UserId` at line 1 column 2",
            ),
            ("EOF while parsing an object", "EOF while parsing an object"),
        ];
        for (message, expected) in cases {
            assert_eq!(without_values(message), expected, "{message}");
        }
    }

    #[test]
    fn json_bodies_are_recognised() {
        assert!(looks_like_json(b" \n{\"Result\":{}}"));
        assert!(looks_like_json(b"[1]"));
        assert!(looks_like_json(b"\"token\""));
        assert!(!looks_like_json(b"<html>bad gateway</html>"));
        assert!(!looks_like_json(b""));
    }
}
