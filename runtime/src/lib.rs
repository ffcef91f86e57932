//! The hand-written runtime shared by every generated Volcengine service crate
//! (`volcengine-rtc`, …): request signing (Volcengine `HMAC-SHA256`), credentials (explicit,
//! environment, `~/.volc` files, refreshing providers), retries with back-off, timeouts per
//! connect, attempt and call, per-Action rate limits, `tracing` spans, the response envelope and
//! typed errors.
//!
//! It never names a service and never sees generated code: a service crate describes itself
//! with a [`Service`] (its Actions, through [`dynamic::ActionEntry`]) and wraps [`Client`] in
//! its own `Client` type ([`ServiceClient`]), which adds one `async fn` per Action.
//!
//! Features: `blocking` adds [`blocking::Client`](crate#features) for programs without an async
//! runtime; `test-util` adds `test_util::MockServer`, a loopback server answering each Action
//! with its documented example; `call-example` adds `call::main`, the `call` example of every
//! service crate; `native-roots` makes the HTTP client the builder makes trust the system's
//! certificate store instead of the bundled Mozilla roots.
//!
//! One concept per module:
//!
//! - [`operation`]: the static facts of one Action ([`Operation`], [`HttpMethod`]).
//! - [`credentials`]: access keys ([`Credentials`]).
//! - [`environment`]: where variables and the home directory are read ([`Environment`]).
//! - [`provider`]: where credentials come from ([`ProvideCredentials`], the
//!   [`DefaultCredentialsChain`]).
//! - `credentials_cache`: the credentials signed with now, refreshed before they expire.
//! - [`signing`]: the Volcengine `HMAC-SHA256` request signature, and its verification.
//! - `request`: encoding a request into a query string and a body.
//! - [`transport`]: one HTTP exchange, with a cap on the answer's size.
//! - [`envelope`]: the `ResponseMetadata` / `Result` envelope every answer comes in.
//! - `response`: decoding an answer into a `Result` or an error.
//! - [`output`]: what a successful call gives, its `Result` and `ResponseMetadata`
//!   ([`Output`]).
//! - [`retry`]: which failures are retried, and the back-off between attempts
//!   ([`RetryConfig`]).
//! - [`rate_limit`]: the per-Action token bucket ([`RateLimitConfig`]).
//! - [`telemetry`]: the `tracing` spans of calls and attempts.
//! - [`redact`]: `Debug` of generated types with secret fields ([`Redacted`]).
//! - [`de`] and [`ser`]: decoding and encoding generated types through a field map or list,
//!   compiled once rather than per type.
//! - [`open_enum`](mod@open_enum): enums of documented values that keep undocumented ones.
//! - [`setters`](mod@setters): how a generated request type is made, `new` and its `with_…`
//!   setters.
//! - [`error`]: the typed [`Error`] of a call.
//! - [`interceptor`]: hooks into every attempt ([`Interceptor`]).
//! - [`client`]: the [`Client`] that runs a call through all of the above.
//! - [`service`]: what a generated service crate tells the runtime ([`Service`],
//!   [`ServiceClient`]).
//! - [`dynamic`]: every Action of a service by name ([`dynamic::ActionEntry`]), and
//!   [`Client::invoke_json`].
#![cfg_attr(
    feature = "blocking",
    doc = "- [`blocking`]: the same calls without an async runtime."
)]
#![cfg_attr(
    feature = "test-util",
    doc = "- [`test_util`]: a mock server answering documented examples."
)]
#![cfg_attr(
    feature = "call-example",
    doc = "- [`call`]: the `call` example of every service crate."
)]
#![warn(missing_docs)]

pub mod client;
pub mod credentials;
pub(crate) mod credentials_cache;
pub mod de;
pub mod dynamic;
pub mod envelope;
pub mod environment;
pub mod error;
pub mod interceptor;
pub mod open_enum;
pub mod operation;
pub mod output;
pub mod paginate;
pub(crate) mod profile;
pub mod provider;
pub mod rate_limit;
pub mod redact;
pub(crate) mod request;
pub(crate) mod response;
pub mod retry;
pub mod ser;
pub mod service;
pub mod setters;
pub mod signing;
pub mod telemetry;
pub mod transport;

#[cfg(feature = "blocking")]
pub mod blocking;
#[cfg(feature = "call-example")]
pub mod call;
#[cfg(feature = "test-util")]
pub mod test_util;

/// reqwest, the HTTP client: for [`ClientBuilder::http_client`] and the headers of
/// [`interceptor`]s, at the version the runtime uses.
pub use reqwest;
/// serde, for the `Deserialize` and `Serialize` impls that [`deserialize_via_fields!`] and
/// [`serialize_via_fields!`] write in generated crates.
#[doc(hidden)]
pub use serde;
/// serde_json, for the `Decode` impls that [`open_enum!`](macro@open_enum) writes in generated crates.
#[doc(hidden)]
pub use serde_json;

pub use client::{Client, ClientBuilder};
pub use credentials::Credentials;
pub use de::Mismatch;
pub use envelope::{Response, ResponseError, ResponseMetadata};
pub use environment::Environment;
pub use error::{
    ConfigError, CredentialsError, CredentialsErrorKind, DecodeError, EncodeError, EndpointError,
    Error, RateLimitedError, RedirectError, ResponseTooLargeError, ServiceError, TimeoutError,
    TimeoutKind, TransportError, UnknownActionError,
};
pub use interceptor::{Interceptor, RequestParts, ResponseParts};
pub use operation::{ActionRequest, HttpMethod, Operation};
pub use output::Output;
pub use provider::{
    provide_credentials_fn, DefaultCredentialsChain, EnvironmentCredentials, ProfileCredentials,
    ProvideCredentials, ProvideCredentialsFn, ProvideCredentialsFuture,
};
pub use rate_limit::RateLimitConfig;
pub use redact::Redacted;
pub use retry::RetryConfig;
pub use service::{Service, ServiceClient};
