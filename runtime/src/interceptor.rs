//! Hooks into every attempt of every call: [`Interceptor`], registered with
//! [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor).
//!
//! An interceptor sees each attempt's request before it is signed and each answer before it is
//! decoded. It never sees the credentials: [`before_send`](Interceptor::before_send) runs before
//! the signature headers (`Authorization`, `X-Date`, `X-Content-Sha256`, `X-Security-Token`)
//! exist, and what it adds is signed with the rest (the Volcengine signature covers
//! `Content-Type` and every `X-…` header; others, such as `traceparent`, travel unsigned).
//!
//! ```
//! use volcengine_runtime::interceptor::{Interceptor, RequestParts, ResponseParts};
//! use volcengine_runtime::reqwest::header::HeaderValue;
//!
//! struct Trace;
//!
//! impl Interceptor for Trace {
//!     fn before_send(&self, request: &mut RequestParts<'_>) {
//!         let id = format!("{}-{}", request.operation().action, request.attempt());
//!         if let Ok(value) = HeaderValue::from_str(&id) {
//!             request.headers_mut().insert("x-trace-id", value);
//!         }
//!     }
//!
//!     fn after_receive(&self, response: &ResponseParts<'_>) {
//!         println!("{}: HTTP {}", response.operation().action, response.status());
//!     }
//! }
//!
//! # fn run() -> Result<(), volcengine_runtime::Error> {
//! let client = volcengine_runtime::Client::builder().interceptor(Trace).build()?;
//! # let _ = client; Ok(()) }
//! ```

use std::fmt;

use reqwest::header::HeaderMap;

use crate::operation::Operation;

/// Called on every attempt of every call of a client (and its clones), in the order
/// registered. Both methods do nothing unless implemented.
pub trait Interceptor: Send + Sync + 'static {
    /// Before an attempt is signed and sent: may add, change or remove headers, which are then
    /// signed with the request. Setting a header the runtime computes (`Host`, `Authorization`,
    /// `X-Date`, `X-Content-Sha256`, `X-Security-Token`, `Content-Type`, `Content-Length`) fails
    /// the call with [`Error::Encode`](crate::Error::Encode).
    fn before_send(&self, request: &mut RequestParts<'_>) {
        let _ = request;
    }

    /// After an answer was read whole (any status but a redirection, which is refused unread,
    /// and within `max_response_size`), before it is decoded.
    fn after_receive(&self, response: &ResponseParts<'_>) {
        let _ = response;
    }
}

/// One attempt's request, before it is signed. `Debug` shows the Action, the attempt, the
/// header names and the body's size, never a value.
pub struct RequestParts<'a> {
    pub(crate) operation: &'static Operation,
    pub(crate) attempt: u32,
    pub(crate) url: &'a reqwest::Url,
    pub(crate) body: &'a [u8],
    pub(crate) headers: &'a mut HeaderMap,
}

impl RequestParts<'_> {
    /// The Action being called.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Where it goes, with its query (`Action`, `Version`, and a `GET`'s fields).
    pub fn url(&self) -> &reqwest::Url {
        self.url
    }

    /// The body (empty for a `GET`).
    pub fn body(&self) -> &[u8] {
        self.body
    }

    /// The headers so far: the builder's [`header`](crate::ClientBuilder::header)s and what
    /// earlier interceptors set; the runtime adds its own after.
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The headers, to change.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers
    }
}

/// One answer, before it is decoded. `Debug` shows the Action, the attempt, the status, the
/// header names and the body's size, never a value.
pub struct ResponseParts<'a> {
    pub(crate) operation: &'static Operation,
    pub(crate) attempt: u32,
    pub(crate) status: u16,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

impl ResponseParts<'_> {
    /// The Action called.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The answer's body. It may hold secrets a page marks as such (`GetAppToken`'s `Token`).
    pub fn body(&self) -> &[u8] {
        self.body
    }
}

/// The names of `headers`, for `Debug`.
fn names(headers: &HeaderMap) -> Vec<&str> {
    headers.keys().map(|name| name.as_str()).collect()
}

impl fmt::Debug for RequestParts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestParts")
            .field("action", &self.operation.action)
            .field("attempt", &self.attempt)
            .field("headers", &names(self.headers))
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ResponseParts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseParts")
            .field("action", &self.operation.action)
            .field("attempt", &self.attempt)
            .field("status", &self.status)
            .field("headers", &names(self.headers))
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}
