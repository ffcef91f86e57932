//! Typed, signed Rust client for the Volcengine RTC OpenAPI, generated from its documentation.
//!
//! The [`api`] module is generated: one request and one result type per Action, and one
//! `async fn` per Action on [`Client`]. Everything else is the hand-written [`runtime`]:
//! request signing (Volcengine `HMAC-SHA256`), credentials (explicit, environment, `~/.volc`
//! files, refreshing providers), retries with back-off ([`RetryConfig`]), timeouts per
//! connect, attempt and call, the documented per-Action rate limits ([`RateLimitConfig`]),
//! `tracing` spans, the response envelope and typed errors.
//!
//! Features: `blocking` adds `blocking::Client` for programs without an async runtime;
//! `test-util` adds `test_util::MockServer`, a loopback server answering each Action with its
//! documented example, for testing code that uses the client.
//!
//! ```no_run
//! use std::time::Duration;
//! use volcengine_rtc::{Client, Credentials, Error};
//!
//! # async fn run() -> Result<(), Error> {
//! // Credentials from VOLC_ACCESSKEY / VOLC_SECRETKEY, ~/.volc/credentials or ~/.volc/config
//! // (or pass `.credentials(...)`).
//! let client = Client::builder()
//!     .region("cn-north-1")
//!     .timeout(Duration::from_secs(5))
//!     .build()?;
//!
//! // Each Action is a method, e.g. `client.batch_get_conversations(&request).await?`.
//! // Any Action can also be called from its `Operation` with `Client::send`.
//! # let _ = client;
//! # let _ = Credentials::new("AKLT...", "...");
//! # Ok(())
//! # }
//! ```
//!
//! Errors tell the Action, the service's `Code`/`CodeN`/`Message` and the `RequestId`:
//!
//! ```no_run
//! # async fn run(client: volcengine_rtc::Client, op: &'static volcengine_rtc::Operation) {
//! match client.send::<_, serde_json::Value>(op, &serde_json::json!({})).await {
//!     Ok(result) => println!("{result}"),
//!     Err(error) if error.is_retryable() => eprintln!("try again later: {error}"),
//!     Err(error) => eprintln!("{error}"),
//! }
//! # }
//! ```

#![warn(missing_docs)]

pub mod runtime;

pub mod dynamic;

// Generated code is formatted by prettyplease when it is generated.
#[rustfmt::skip]
#[path = "generated/mod.rs"]
#[allow(missing_docs)]
pub mod api;

pub use runtime::{
    provide_credentials_fn, ActionRequest, Client, ClientBuilder, ConfigError, Credentials,
    CredentialsError, CredentialsErrorKind, DecodeError, DefaultCredentialsChain, EncodeError,
    EndpointError, Environment, EnvironmentCredentials, Error, HttpMethod, Operation,
    ProfileCredentials, ProvideCredentials, ProvideCredentialsFn, ProvideCredentialsFuture,
    RateLimitConfig, RateLimitedError, Redacted, RedirectError, Response, ResponseError,
    ResponseMetadata, ResponseTooLargeError, RetryConfig, ServiceError, TimeoutError, TimeoutKind,
    TransportError, UnknownActionError,
};

#[cfg(feature = "blocking")]
pub use runtime::blocking;

/// The README's Rust examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
#[cfg(feature = "test-util")]
pub use runtime::test_util;
