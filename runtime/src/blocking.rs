//! The same calls for programs that do not run an async runtime (feature `blocking`).
//!
//! [`blocking::Client`](Client) wraps the async [`Client`](crate::Client) with an internal
//! current-thread tokio runtime and blocks the calling thread on each call. Build one with
//! [`ClientBuilder::build_blocking`](crate::ClientBuilder::build_blocking) (all the async
//! client's settings apply) or [`Client::new`].
//!
//! It wraps a service crate's client `C` (a `blocking::Client<volcengine_rtc::Client>` is what
//! `volcengine_rtc::Client::builder().build_blocking()` gives). Call any generated operation
//! with [`Client::call`], which hands the closure the async client and blocks on the future it
//! returns (`client.call(|c| c.get_app_token(&request))`); or any Action with
//! [`Client::request`], [`Client::send`] or [`Client::invoke_json`]:
//!
//! ```no_run
//! use volcengine_runtime::{blocking, Client, Credentials, HttpMethod, Operation};
//!
//! # fn main() -> Result<(), volcengine_runtime::Error> {
//! # static OPERATION: Operation = Operation { action: "GetAppToken", version: "2020-12-01",
//! #     method: HttpMethod::Post, host: "open.volcengineapi.com", service: "rtc",
//! #     region: "cn-north-1", query_fields: &[], qps_limit: None, read_only: true,
//! #     idempotency_key: None, endpoints: &[] };
//! let client: blocking::Client = Client::builder()
//!     .credentials(Credentials::new("AKLT…", "secret"))
//!     .build_blocking()?;
//! let token = client.send::<_, serde_json::Value>(
//!     &OPERATION,
//!     &serde_json::json!({"AppId": 123456, "UserId": 10001}),
//! )?;
//! println!("{} (request id {:?})", token["Token"], token.request_id());
//! # Ok(()) }
//! ```
//!
//! The client is `Send + Sync` and cheap to clone; several threads may call at once (calls
//! then take turns driving the one runtime). It works on any thread where blocking is
//! allowed, including `tokio::task::spawn_blocking`'s; calling it from an async task (where
//! blocking would stall the runtime, and tokio would panic) is an error ([`Error::Config`]),
//! not a panic: use the async client there.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::client::ClientBuilder;
use super::error::{ConfigError, Error};
use super::operation::Operation;
use super::output::Output;
use super::retry::RetryConfig;
use super::service::ServiceClient;

/// A blocking client over a service crate's client `C`; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct Client<C = crate::Client> {
    inner: C,
    runtime: Arc<Runtime>,
}

/// The internal runtime; shut down in the background when the last clone goes, so dropping
/// a client never blocks or panics (not even inside an async context).
#[derive(Debug)]
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl<C: ServiceClient> ClientBuilder<C> {
    /// Builds a [`blocking::Client`](Client) with these settings (feature `blocking`).
    ///
    /// # Errors
    ///
    /// As [`build`](ClientBuilder::build), and a configuration error when the runtime cannot
    /// be started.
    pub fn build_blocking(self) -> Result<Client<C>, Error> {
        Client::new(self.build()?)
    }
}

impl<C: ServiceClient> Client<C> {
    /// Wraps `client` with a new current-thread runtime.
    ///
    /// # Errors
    ///
    /// A configuration error when the runtime cannot be started.
    pub fn new(client: C) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| {
                Error::Config(ConfigError::new(format!(
                    "cannot start the blocking client's runtime: {error}"
                )))
            })?;
        Ok(Client {
            inner: client,
            runtime: Arc::new(Runtime(Some(runtime))),
        })
    }

    /// A builder of the async client; finish with
    /// [`build_blocking`](ClientBuilder::build_blocking).
    pub fn builder() -> ClientBuilder<C> {
        ClientBuilder::default()
    }

    /// A client with default settings and credentials from the
    /// [`DefaultCredentialsChain`](crate::DefaultCredentialsChain).
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build_blocking`].
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().build_blocking()
    }

    /// The async client inside (e.g. to use it from an async part of the program).
    pub fn async_client(&self) -> &C {
        &self.inner
    }

    /// Runs `future` to completion on the internal runtime, blocking this thread.
    ///
    /// # Errors
    ///
    /// A configuration error, without running `future`, when called from an async task
    /// (blocking there would stall its runtime). Inside `tokio::task::spawn_blocking`, where
    /// blocking is allowed, it runs.
    pub fn block_on<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        if in_async_task() {
            return Err(Error::Config(ConfigError::new(
                "a blocking::Client cannot be used in an async task; use its async_client() \
                 there, or call it from tokio::task::spawn_blocking",
            )));
        }
        match &self.runtime.0 {
            Some(runtime) => Ok(runtime.block_on(future)),
            None => Err(Error::Config(ConfigError::new(
                "the blocking client's runtime is shut down",
            ))),
        }
    }

    /// Calls a generated operation: `call(|c| c.get_app_token(&request))` hands `c`, the async
    /// client, to the closure and blocks on the call it starts.
    ///
    /// # Errors
    ///
    /// The call's error, or as [`block_on`](Self::block_on).
    pub fn call<'a, F, Fut, T>(&'a self, call: F) -> Result<T, Error>
    where
        F: FnOnce(&'a C) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        self.block_on(async { call(&self.inner).await })?
    }

    /// [`Client::request`](crate::Client::request), blocking: calls the Action and Version a
    /// generated request type names.
    ///
    /// # Errors
    ///
    /// As [`Client::send`](crate::Client::send) and [`block_on`](Self::block_on).
    pub fn request<R: crate::ActionRequest>(
        &self,
        request: &R,
    ) -> Result<Output<R::Result>, Error> {
        self.block_on(self.inner.as_ref().request(request))?
    }

    /// [`Client::send`](crate::Client::send), blocking.
    ///
    /// # Errors
    ///
    /// As [`Client::send`](crate::Client::send) and [`block_on`](Self::block_on).
    pub fn send<Req, Res>(
        &self,
        operation: &'static Operation,
        request: &Req,
    ) -> Result<Output<Res>, Error>
    where
        Req: Serialize + ?Sized,
        Res: DeserializeOwned + Send,
    {
        self.block_on(self.inner.as_ref().send(operation, request))?
    }

    /// [`Client::invoke_json`](crate::Client::invoke_json), blocking.
    ///
    /// # Errors
    ///
    /// As [`Client::invoke_json`](crate::Client::invoke_json) and
    /// [`block_on`](Self::block_on).
    pub fn invoke_json(
        &self,
        action: &str,
        version: Option<&str>,
        request: serde_json::Value,
    ) -> Result<Output<serde_json::Value>, Error> {
        self.block_on(self.inner.as_ref().invoke_json(action, version, request))?
    }

    /// A clone with another whole-call limit; see
    /// [`Client::with_timeout`](crate::Client::with_timeout).
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        self.with_inner(self.inner.as_ref().with_timeout(timeout))
    }

    /// A clone with another per-attempt limit; see
    /// [`Client::with_attempt_timeout`](crate::Client::with_attempt_timeout).
    pub fn with_attempt_timeout(&self, attempt_timeout: Duration) -> Self {
        self.with_inner(self.inner.as_ref().with_attempt_timeout(attempt_timeout))
    }

    /// A clone with other retry settings; see
    /// [`Client::with_retry`](crate::Client::with_retry).
    pub fn with_retry(&self, retry: RetryConfig) -> Self {
        self.with_inner(self.inner.as_ref().with_retry(retry))
    }

    /// A clone decoding answers strictly or leniently; see
    /// [`Client::with_strict_decoding`](crate::Client::with_strict_decoding).
    pub fn with_strict_decoding(&self, strict: bool) -> Self {
        self.with_inner(self.inner.as_ref().with_strict_decoding(strict))
    }

    fn with_inner(&self, inner: crate::Client) -> Self {
        Client {
            inner: C::from(inner),
            runtime: Arc::clone(&self.runtime),
        }
    }
}

/// Whether this thread is running an async task (or a runtime's `block_on`), where blocking
/// stalls the runtime and starting another runtime panics; not on a plain thread nor in
/// `spawn_blocking`, though a tokio handle is current there too.
///
/// tokio says so only through its cooperative budget: an async task has a limited one, which
/// runs out after at most 255 units (it starts at 128), while `spawn_blocking` and plain
/// threads have an unlimited one. The units taken here are restored (the guards put back, in
/// reverse order, the budget each found), so the task's budget is left as it was. A task the
/// caller made `tokio::task::unconstrained` cannot be told apart: tokio then panics.
fn in_async_task() -> bool {
    use std::task::{Context, Poll, Waker};
    if tokio::runtime::Handle::try_current().is_err() {
        return false;
    }
    let mut context = Context::from_waker(Waker::noop());
    let mut taken = Vec::new();
    let mut limited = false;
    for _ in 0..=u8::MAX {
        match tokio::task::coop::poll_proceed(&mut context) {
            Poll::Ready(guard) => taken.push(guard),
            Poll::Pending => {
                limited = true;
                break;
            }
        }
    }
    while let Some(guard) = taken.pop() {
        drop(guard);
    }
    limited
}
