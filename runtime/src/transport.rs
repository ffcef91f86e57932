//! One HTTP exchange: send a signed request, read the answer's head and at most
//! `max_response_size` bytes of its body.
//!
//! Redirections are never followed (the HTTP client the runtime builds has no redirect policy):
//! a 3xx answer ends the exchange with its status and `Location`, so the signed request, its
//! session token and its body go only to the configured endpoint. An HTTP client the caller
//! supplied may follow them (reqwest's default policy does, up to 10): the exchange then checks
//! that the answer came from the URL it asked, and refuses one that did not.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};

use super::retry::parse_retry_after;

/// Default cap on an answer's body.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 10 * 1024 * 1024;

/// An answer as received.
#[derive(Debug)]
pub(crate) struct HttpAnswer {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// Why an exchange failed.
#[derive(Debug)]
pub(crate) enum ExchangeError {
    /// Connecting, sending or reading failed (or timed out).
    Http(reqwest::Error),
    /// The body is larger than the cap; reading stopped (the connection is not reused).
    TooLarge {
        status: u16,
        content_length: Option<u64>,
    },
    /// A redirection (3xx), not followed; its body is not read.
    Redirect {
        status: u16,
        location: Option<String>,
    },
    /// The HTTP client followed a redirection: the answer (`status`) came from `url`.
    Followed { status: u16, url: String },
}

impl From<reqwest::Error> for ExchangeError {
    fn from(error: reqwest::Error) -> Self {
        ExchangeError::Http(error)
    }
}

/// Sends `request` with `http` and reads the answer, refusing bodies over `max_size` bytes,
/// and, with `sent_to`, an answer from any other URL (a redirection the HTTP client followed).
pub(crate) async fn exchange(
    http: &reqwest::Client,
    request: reqwest::Request,
    max_size: usize,
    sent_to: Option<&reqwest::Url>,
) -> Result<HttpAnswer, ExchangeError> {
    let mut response = http.execute(request).await?;
    let status = response.status().as_u16();
    if sent_to.is_some_and(|url| url != response.url()) {
        return Err(ExchangeError::Followed {
            status,
            url: response.url().to_string(),
        });
    }
    let headers = response.headers();
    let text = |name| {
        headers
            .get(name)
            .and_then(|value: &reqwest::header::HeaderValue| value.to_str().ok())
    };
    if (300..400).contains(&status) {
        return Err(ExchangeError::Redirect {
            status,
            location: text(LOCATION).map(str::to_owned),
        });
    }
    let retry_after =
        text(RETRY_AFTER).and_then(|value| parse_retry_after(value, SystemTime::now()));
    let content_length = response.content_length();
    // Taken, not copied: the body is read without them.
    let headers = std::mem::take(response.headers_mut());
    let too_large = || ExchangeError::TooLarge {
        status,
        content_length,
    };
    if content_length.is_some_and(|length| length > max_size as u64) {
        return Err(too_large());
    }

    // Usually the whole body is one chunk: keep it without copying.
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut size = 0usize;
    while let Some(chunk) = response.chunk().await? {
        size = size.saturating_add(chunk.len());
        if size > max_size {
            return Err(too_large());
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            None => joined.extend_from_slice(&chunk),
            Some(previous) => {
                let expected = content_length.map_or(0, |length| length as usize);
                joined.reserve(expected.max(previous.len() + chunk.len()));
                joined.extend_from_slice(&previous);
                joined.extend_from_slice(&chunk);
            }
        }
    }
    let body = match first {
        Some(only) => only,
        None => Bytes::from(joined),
    };
    Ok(HttpAnswer {
        status,
        retry_after,
        headers,
        body,
    })
}
