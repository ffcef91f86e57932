//! Building a [`Client`]: the settings, checked once, and the HTTP client they make.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::{
    is_reserved, unknown_region, CallOptions, Client, Shared, DEFAULT_ATTEMPT_TIMEOUT,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_REQUEST_SIZE, DEFAULT_TIMEOUT,
};
use crate::credentials::Credentials;
use crate::credentials_cache::CredentialsCache;
use crate::environment::Environment;
use crate::error::{ConfigError, EndpointError, Error, TransportError};
use crate::interceptor::Interceptor;
use crate::provider::{DefaultCredentialsChain, ProvideCredentials};
use crate::rate_limit::{RateLimitConfig, RateLimiter};
use crate::retry::RetryConfig;
use crate::service::ServiceClient;
use crate::transport::DEFAULT_MAX_RESPONSE_SIZE;

/// Which proxy the client sends through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ProxySetting {
    /// `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` (and `NO_PROXY`), as the process environment
    /// says when the client is built.
    FromEnvironment,
    /// None: connect directly.
    Direct,
    /// This proxy URL for every request.
    Url(String),
}

impl ProxySetting {
    /// For `Debug`: never the URL, which may carry a password.
    pub(super) fn describe(&self) -> &'static str {
        match self {
            ProxySetting::FromEnvironment => "from the environment",
            ProxySetting::Direct => "none",
            ProxySetting::Url(_) => "configured",
        }
    }
}

/// A parsed endpoint override.
#[derive(Debug, Clone)]
pub(super) struct Endpoint {
    /// `scheme://host[:port]`, no trailing slash.
    pub(super) base: String,
    /// `host[:port]`, the port only when not the scheme's default: the `Host` header.
    pub(super) authority: String,
    /// `scheme://host[:port]/`, parsed once; each call adds its query.
    pub(super) url: reqwest::Url,
}

impl Endpoint {
    pub(super) fn parse(endpoint: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| {
            Error::InvalidEndpoint(EndpointError {
                endpoint: endpoint.to_owned(),
                reason: reason.to_owned(),
            })
        };
        let url = reqwest::Url::parse(endpoint).map_err(|error| invalid(&error.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        let host = url.host_str().ok_or_else(|| invalid("no host"))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("user info is not supported"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "only scheme://host[:port] is supported (no path, query or fragment)",
            ));
        }
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let base = format!("{}://{authority}", url.scheme());
        let mut url = url;
        url.set_query(None);
        Ok(Endpoint {
            base,
            authority,
            url,
        })
    }
}

/// Where a builder's credentials come from.
#[derive(Debug, Clone)]
enum CredentialsSource {
    Fixed(Credentials),
    Provider(Arc<dyn ProvideCredentials>),
}

/// Builds a [`Client`], or a service crate's client `C` over one; see [`Client::builder`].
pub struct ClientBuilder<C = Client> {
    settings: Settings,
    client: PhantomData<fn() -> C>,
}

/// What a builder has been told.
#[derive(Debug, Clone)]
struct Settings {
    credentials: Option<CredentialsSource>,
    environment: Environment,
    endpoint: Option<String>,
    region: Option<String>,
    timeout: Duration,
    /// `None`: the default, which a shorter call timeout simply cuts short.
    attempt_timeout: Option<Duration>,
    /// `None`: the default (and no conflict with a supplied HTTP client).
    connect_timeout: Option<Duration>,
    retry: RetryConfig,
    rate_limit: RateLimitConfig,
    max_request_size: usize,
    max_response_size: usize,
    proxy: ProxySetting,
    strict_decoding: bool,
    http_client: Option<reqwest::Client>,
    headers: ExtraHeaders,
    user_agent_suffix: Option<String>,
    interceptors: Interceptors,
}

/// The extra headers, as given (checked by `build`). `Debug` shows only their names: a value
/// may be a key.
#[derive(Clone, Default)]
struct ExtraHeaders(Vec<(String, String)>);

impl fmt::Debug for ExtraHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| name))
            .finish()
    }
}

impl ExtraHeaders {
    /// The headers as a map; a name or value HTTP cannot carry, or a header the runtime
    /// computes, is a configuration error.
    fn to_map(&self) -> Result<HeaderMap, Error> {
        let invalid = |message: String| Error::Config(ConfigError::new(message));
        let mut map = HeaderMap::with_capacity(self.0.len());
        for (name, value) in &self.0 {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(format!("header: {name:?} is not a header name")))?;
            if is_reserved(&header) {
                return Err(invalid(format!(
                    "header: {header} is set by the runtime (it is part of the signature or \
                     of the body), so it cannot be given"
                )));
            }
            // Visible ASCII only, so that it can be signed as text.
            let value = HeaderValue::from_str(value)
                .ok()
                .filter(|value| value.to_str().is_ok())
                .ok_or_else(|| {
                    invalid(format!("header: the value of {name} is not visible ASCII"))
                })?;
            map.append(header, value);
        }
        Ok(map)
    }
}

/// The registered interceptors; `Debug` shows how many.
#[derive(Clone, Default)]
struct Interceptors(Vec<Arc<dyn Interceptor>>);

impl fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} interceptors", self.0.len())
    }
}

impl Settings {
    /// Settings that cannot work are configuration errors naming the setting, not silently
    /// something else. Returns the attempt timeout to use.
    fn check(&self) -> Result<Duration, Error> {
        let invalid = |message: String| Err(Error::Config(ConfigError::new(message)));
        let zero = [
            ("timeout", self.timeout.is_zero()),
            (
                "attempt_timeout",
                self.attempt_timeout == Some(Duration::ZERO),
            ),
            (
                "connect_timeout",
                self.connect_timeout == Some(Duration::ZERO),
            ),
            ("max_request_size", self.max_request_size == 0),
            ("max_response_size", self.max_response_size == 0),
            ("retry's max_attempts", self.retry.max_attempts() == 0),
        ];
        if let Some((setting, _)) = zero.iter().find(|(_, zero)| *zero) {
            return invalid(format!("{setting} must be more than zero"));
        }
        match self.attempt_timeout {
            Some(attempt) if attempt > self.timeout => invalid(format!(
                "attempt_timeout ({attempt:?}) is longer than the call's timeout ({:?}), \
                 which would cut every attempt short",
                self.timeout
            )),
            Some(attempt) => Ok(attempt),
            None => Ok(DEFAULT_ATTEMPT_TIMEOUT),
        }
    }
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            settings: self.settings.clone(),
            client: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientBuilder")
            .field(&self.settings)
            .finish()
    }
}

impl<C: ServiceClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            settings: Settings {
                credentials: None,
                environment: Environment::process(),
                endpoint: None,
                region: None,
                timeout: DEFAULT_TIMEOUT,
                attempt_timeout: None,
                connect_timeout: None,
                retry: RetryConfig::standard(),
                rate_limit: RateLimitConfig::documented(),
                max_request_size: DEFAULT_MAX_REQUEST_SIZE,
                max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
                proxy: ProxySetting::FromEnvironment,
                strict_decoding: false,
                http_client: None,
                headers: ExtraHeaders::default(),
                user_agent_suffix: None,
                interceptors: Interceptors::default(),
            },
            client: PhantomData,
        }
    }
}

impl<C: ServiceClient> ClientBuilder<C> {
    /// A builder with default settings for the service of `C`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The credentials to sign with. Without this or a
    /// [`credentials_provider`](Self::credentials_provider), [`build`](Self::build) looks them
    /// up with the [`DefaultCredentialsChain`] (environment variables, `~/.volc/credentials`,
    /// `~/.volc/config`).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.settings.credentials = Some(CredentialsSource::Fixed(credentials));
        self
    }

    /// A source of (temporary) credentials, asked at the first call and again shortly before
    /// the credentials it returned expire. See [`ProvideCredentials`].
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.settings.credentials = Some(CredentialsSource::Provider(Arc::new(provider)));
        self
    }

    /// Where the [`DefaultCredentialsChain`] looks (variables and home directory); the process
    /// environment unless set. For tests: [`Environment::from_vars`].
    pub fn environment(mut self, environment: Environment) -> Self {
        self.settings.environment = environment;
        self
    }

    /// Sends every Action to this `scheme://host[:port]` instead of `https://{operation.host}`
    /// (e.g. `http://127.0.0.1:8080` for a local mock).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.settings.endpoint = Some(endpoint.into());
        self
    }

    /// Calls every Action in this region instead of the operation's default (e.g.
    /// `ap-southeast-1`): requests are signed for it, and an Action whose service has a
    /// (region, host) table ([`Operation::endpoints`](crate::Operation::endpoints)) goes to that region's host.
    ///
    /// A region that no generated Action's table knows fails [`build`](Self::build) with a
    /// configuration error listing the known ones (and a call to an Action whose table lacks
    /// it fails the same way). For an Action whose service has no table, only the signing
    /// region changes. An [`endpoint`](Self::endpoint) still decides the host.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.settings.region = Some(region.into());
        self
    }

    /// Limit on a whole call: every attempt, the waits between them and for the rate limiter.
    /// Default 30 s. A call also fails at once, with [`Error::RateLimited`] and without sending
    /// anything, when its rate-limit token would come too late.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// Limit on one attempt: connecting, sending and reading the whole answer. Default 10 s
    /// (or the call's [`timeout`](Self::timeout), when that is shorter). An attempt that times
    /// out is retried (within the call's timeout). One set longer than the call's timeout
    /// fails [`build`](Self::build).
    pub fn attempt_timeout(mut self, attempt_timeout: Duration) -> Self {
        self.settings.attempt_timeout = Some(attempt_timeout);
        self
    }

    /// Limit on connecting. Default 5 s. Not with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.settings.connect_timeout = Some(connect_timeout);
        self
    }

    /// How failed attempts are retried. Default [`RetryConfig::standard`] (3 attempts);
    /// [`RetryConfig::disabled`] for none.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.settings.retry = retry;
        self
    }

    /// How the request rate is limited. Default [`RateLimitConfig::documented`] (each
    /// Action's documented QPS); [`RateLimitConfig::disabled`] for none.
    pub fn rate_limit(mut self, rate_limit: RateLimitConfig) -> Self {
        self.settings.rate_limit = rate_limit;
        self
    }

    /// Whether a `Result` field whose value is not of its documented JSON type fails the call
    /// with [`Error::Decode`] (`true`), or is decoded as `None` and listed in
    /// [`Output::mismatches`](crate::Output::mismatches), the rest of the `Result` decoded
    /// (`false`, the default: the types come from documentation, which is often wrong). Only
    /// answers: requests are always encoded as their types say. Per call:
    /// [`Client::with_strict_decoding`].
    pub fn strict_decoding(mut self, strict: bool) -> Self {
        self.settings.strict_decoding = strict;
        self
    }

    /// Sends with this HTTP client (its proxies, TLS roots, connection pool) instead of one
    /// the builder makes. [`connect_timeout`](Self::connect_timeout), [`proxy`](Self::proxy)
    /// and [`no_proxy`](Self::no_proxy) then fail [`build`](Self::build): they configure the
    /// client the builder makes; set them on this one.
    ///
    /// **Redirections: build it with `redirect(reqwest::redirect::Policy::none())`.** The
    /// runtime follows no redirection, so that the signed request, session token
    /// (`X-Security-Token`) included, goes only to the endpoint; but reqwest's default policy
    /// (`reqwest::Client::new()`) follows up to 10, re-sending the request, its headers and its
    /// body wherever the `Location` points, before the runtime sees the answer. The runtime then
    /// refuses an answer that came from another URL than the one it asked, with
    /// [`Error::Redirect`] ([`followed`](crate::RedirectError::followed) is `true`) and a
    /// `WARN` event, but the request has already gone there.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), volcengine_runtime::Error> {
    /// use volcengine_runtime::reqwest;
    ///
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .pool_max_idle_per_host(4)
    ///     .build()
    ///     .expect("an HTTP client");
    /// let client = volcengine_runtime::Client::builder().http_client(http).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.settings.http_client = Some(http);
        self
    }

    /// Sends this header with every request. Like every header, it is signed when the
    /// Volcengine signature covers it (`X-…` headers), else sent unsigned. The headers the
    /// runtime sets (`Host`, `Authorization`, `X-Date`, `X-Content-Sha256`,
    /// `X-Security-Token`, `Content-Type`, `Content-Length`) fail [`build`](Self::build) with
    /// [`Error::Config`], as do a name or value that is not visible ASCII. Given twice, both
    /// values are sent. `User-Agent` given here replaces the runtime's (see
    /// [`user_agent_suffix`](Self::user_agent_suffix)).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.headers.0.push((name.into(), value.into()));
        self
    }

    /// Adds ` {suffix}` to the `User-Agent` (`volcengine-rtc-rust/0.1.0 my-app/2.3`).
    pub fn user_agent_suffix(mut self, suffix: &str) -> Self {
        self.settings.user_agent_suffix = Some(suffix.to_owned());
        self
    }

    /// Adds an [`Interceptor`], called on every attempt of every call, after those added
    /// before. Its [`before_send`](Interceptor::before_send) runs before signing: the headers
    /// it sets are signed (when the signature covers them), and it never sees the credentials
    /// nor the signature.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.settings.interceptors.0.push(Arc::new(interceptor));
        self
    }

    /// Connects directly, ignoring the `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` environment
    /// variables (which a client otherwise honours, sending its signed requests, session
    /// token included, through the proxy they name).
    pub fn no_proxy(mut self) -> Self {
        self.settings.proxy = ProxySetting::Direct;
        self
    }

    /// Sends every request through the proxy at `url` (e.g. `http://proxy.internal:3128`),
    /// whatever the environment says. [`build`](Self::build) fails with an invalid-endpoint
    /// error when the URL is not usable.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.settings.proxy = ProxySetting::Url(url.into());
        self
    }

    /// Largest request sent, in bytes (its JSON body, or its query string for a `GET`); a
    /// larger one fails the call before anything is sent, with [`Error::Encode`] naming its
    /// size and this limit. Default 10 MiB.
    pub fn max_request_size(mut self, bytes: usize) -> Self {
        self.settings.max_request_size = bytes;
        self
    }

    /// Largest answer body read, in bytes; a larger one fails the call with
    /// [`Error::ResponseTooLarge`] (not retried). Default 10 MiB.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.settings.max_response_size = bytes;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// - a credentials error when none were given and the [`DefaultCredentialsChain`] found
    ///   none (the message lists where it looked) or found a malformed source, or when they
    ///   contain characters an HTTP header cannot carry;
    /// - an invalid-endpoint error when the endpoint is not `http(s)://host[:port]`;
    /// - a configuration error naming the setting when a timeout or a size limit is zero,
    ///   the retry's `max_attempts` is zero, or the attempt timeout is longer than the call's;
    /// - a configuration error when the region cannot appear in a header, or is in no
    ///   generated Action's region table (the message lists the known regions);
    /// - an invalid-endpoint error when the [`proxy`](Self::proxy) URL is not usable;
    /// - a configuration error for a [`header`](Self::header) the runtime sets or HTTP cannot
    ///   carry, a [`user_agent_suffix`](Self::user_agent_suffix) that is not visible ASCII, or
    ///   [`http_client`](Self::http_client) with a setting of the client it replaces;
    /// - a transport error when the HTTP client cannot be set up (TLS backend; with the feature
    ///   `native-roots`, a system trust store with no usable certificate).
    pub fn build(self) -> Result<C, Error> {
        let service = C::SERVICE;
        let settings = self.settings;
        let attempt_timeout = settings.check()?;
        let credentials = match settings.credentials {
            Some(CredentialsSource::Fixed(credentials)) => CredentialsCache::fixed(credentials)?,
            Some(CredentialsSource::Provider(provider)) => CredentialsCache::provided(provider),
            None => CredentialsCache::fixed(
                DefaultCredentialsChain::new(settings.environment).resolve()?,
            )?,
        };
        let endpoint = settings
            .endpoint
            .as_deref()
            .map(Endpoint::parse)
            .transpose()?;
        if let Some(region) = &settings.region {
            if region.is_empty() || region.contains('/') || HeaderValue::from_str(region).is_err() {
                return Err(Error::Config(ConfigError::new(format!(
                    "region {region:?} cannot appear in a credential scope"
                ))));
            }
            let known = service.regions();
            if !known.is_empty() && !known.contains(&region.as_str()) {
                return Err(unknown_region(region, &known));
            }
        }
        let headers = settings.headers.to_map()?;
        let user_agent = match &settings.user_agent_suffix {
            None => service.user_agent.to_owned(),
            Some(suffix) => format!("{} {suffix}", service.user_agent),
        };
        let user_agent = HeaderValue::from_str(&user_agent)
            .ok()
            .filter(|value| value.to_str().is_ok())
            .ok_or_else(|| {
                Error::Config(ConfigError::new(format!(
                    "the User-Agent {user_agent:?} (with user_agent_suffix) is not visible ASCII"
                )))
            })?;
        let supplied_http = settings.http_client.is_some();
        let (http, connect_timeout) = match settings.http_client {
            Some(http) => {
                let conflicting = [
                    ("connect_timeout", settings.connect_timeout.is_some()),
                    (
                        "proxy or no_proxy",
                        settings.proxy != ProxySetting::FromEnvironment,
                    ),
                ];
                if let Some((setting, _)) = conflicting.iter().find(|(_, set)| *set) {
                    return Err(Error::Config(ConfigError::new(format!(
                        "{setting} configures the HTTP client the builder makes, which \
                         http_client replaces: set it on the client given to http_client"
                    ))));
                }
                (http, None)
            }
            None => {
                let connect_timeout = settings.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
                (
                    http_client(&settings.proxy, connect_timeout)?,
                    Some(connect_timeout),
                )
            }
        };
        Ok(C::from(Client {
            shared: Arc::new(Shared {
                service,
                http,
                supplied_http,
                credentials,
                endpoint,
                region: settings.region,
                limiter: RateLimiter::new(settings.rate_limit),
                connect_timeout,
                max_request_size: settings.max_request_size,
                max_response_size: settings.max_response_size,
                proxy: settings.proxy,
                user_agent,
                headers,
                interceptors: settings.interceptors.0,
                host_urls: Mutex::new(Vec::new()),
                plain_targets: Mutex::new(HashMap::default()),
            }),
            options: CallOptions {
                timeout: settings.timeout,
                attempt_timeout,
                retry: settings.retry,
                strict_decoding: settings.strict_decoding,
            },
        }))
    }
}

/// The HTTP client the builder makes: no redirection followed, the proxy as configured, and
/// with the feature `native-roots` the system's trust store instead of the bundled roots.
fn http_client(proxy: &ProxySetting, connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    let mut http = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        // Signed requests go to the configured endpoint only: no redirect is followed.
        .redirect(reqwest::redirect::Policy::none());
    #[cfg(feature = "native-roots")]
    {
        http = http.tls_built_in_webpki_certs(false);
    }
    match proxy {
        ProxySetting::FromEnvironment => {}
        ProxySetting::Direct => http = http.no_proxy(),
        ProxySetting::Url(url) => {
            let proxy = reqwest::Proxy::all(url.as_str()).map_err(|error| {
                Error::InvalidEndpoint(EndpointError {
                    endpoint: url.clone(),
                    reason: format!("not a usable proxy: {error}"),
                })
            })?;
            http = http.proxy(proxy);
        }
    }
    http.build().map_err(|source| {
        Error::Transport(TransportError {
            action: None,
            source,
        })
    })
}
