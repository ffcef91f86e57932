//! Retrying failed attempts: how many, how long to wait between them, and which failures.
//!
//! A failure may be retried when its reason may go away
//! ([`Error::is_retryable`](crate::Error::is_retryable)): connecting failed, the connection
//! broke, an attempt timed out, HTTP 429, 500, 502, 503 or 504, or the service's throttling or
//! internal-error codes (also under HTTP 200). A request the service rejected for a client
//! reason (a bad parameter, a bad signature, no permission), an answer that cannot be decoded,
//! a redirection and the client's own rate-limit refusal are never retried.
//!
//! Which of those are retried depends on the Action
//! ([`Error::is_retryable_for`](crate::Error::is_retryable_for)), so that a write is never
//! applied twice:
//!
//! - a [read-only](crate::Operation::read_only) Action (`Get…`, `List…`, …) and one with an
//!   [idempotency key](crate::Operation::idempotency_key): every retryable failure;
//! - any other Action: only failures where the request certainly was not acted on
//!   ([`Error::may_have_been_applied`](crate::Error::may_have_been_applied) is false):
//!   connecting failed (refused, DNS, connect timeout), or the service refused it for its rate
//!   (HTTP 429, `FlowLimitExceeded` and other throttling codes). A 5xx, a timeout after sending
//!   and a connection broken before the whole answer came end the call.
//!
//! Idempotency tokens: when an Action has an idempotency key (e.g. `SendMessage`'s
//! `ClientMsgId`) and the caller leaves it absent, `null` or empty, the client fills it with a
//! fresh random token (32 hex digits) once per call, before the first attempt, so every
//! attempt of the call carries the same token and the service applies it at most once. A
//! token the caller set is never replaced; set one to make retries *across* calls safe too.
//!
//! Between attempts the client waits with exponential back-off and full jitter: before retry
//! `n` (1-based) a uniformly random delay in `[0, min(max_delay, base_delay × 2^(n-1))]`. A
//! `Retry-After` header (seconds or an HTTP date) replaces that delay, but never waits less
//! than `min(max_delay, base_delay × 2^(n-1))` (so `Retry-After: 0` cannot remove the
//! back-off); when it asks for more than `max_delay`, the client stops and returns the error
//! instead. Retrying also stops when the wait would end after the call's
//! [timeout](crate::ClientBuilder::timeout).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Default number of attempts (the first one included).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Default base of the exponential back-off.
pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(100);
/// Default cap on one wait between attempts (and on an honoured `Retry-After`).
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(20);

/// How a client retries; see the [module docs](self).
///
/// ```
/// use std::time::Duration;
/// use volcengine_runtime::{Client, RetryConfig};
///
/// let retry = RetryConfig::standard()
///     .with_max_attempts(5)
///     .with_base_delay(Duration::from_millis(50))
///     .with_max_delay(Duration::from_secs(2));
/// let builder = Client::builder().retry(retry);
/// // Or no retries at all:
/// let builder = builder.retry(RetryConfig::disabled());
/// # let _ = builder;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryConfig {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// 3 attempts, back-off base 100 ms, at most 20 s between attempts.
    pub const fn standard() -> Self {
        RetryConfig {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: DEFAULT_BASE_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
        }
    }

    /// One attempt, no retries.
    pub const fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// Attempts in all, the first one included. `0` makes no sense: it fails
    /// [`ClientBuilder::build`](crate::ClientBuilder::build) (a client given it by
    /// [`Client::with_retry`](crate::Client::with_retry) still makes one attempt).
    pub const fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// The base of the exponential back-off.
    pub const fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// The longest wait between two attempts, and the longest `Retry-After` honoured.
    pub const fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// Attempts in all, the first one included.
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The base of the exponential back-off.
    pub const fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest wait between two attempts.
    pub const fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The wait before retry `retry` (1 for the second attempt), given the server's
    /// `Retry-After` if any; `None` when the server asks for more than `max_delay`. A
    /// `Retry-After` shorter than the back-off's ceiling for this retry waits the ceiling.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        match retry_after {
            Some(asked) if asked > self.max_delay => None,
            Some(asked) => Some(asked.max(self.ceiling(retry))),
            None => Some(self.backoff(retry, random_unit())),
        }
    }

    /// `min(max_delay, base_delay × 2^(retry-1))`.
    fn ceiling(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        self.base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay)
    }

    /// Full jitter: `unit` (in `[0, 1)`) of `min(max_delay, base_delay × 2^(retry-1))`.
    pub(crate) fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let ceiling = self.ceiling(retry);
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * unit.clamp(0.0, 1.0))
            .unwrap_or(ceiling)
            .min(ceiling)
    }
}

/// A uniformly distributed number in `[0, 1)`, for jitter (not for anything secret).
fn random_unit() -> f64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = *SEED.get_or_init(|| RandomState::new().hash_one(0x5eed_u64));
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // SplitMix64 over (seed + n·golden ratio).
    let mut z = seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    // The top 53 bits as a fraction.
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// A fresh idempotency token: 32 lowercase hex digits (128 bits).
///
/// Unique, not secret: the bits come from the standard library's randomly seeded `RandomState`
/// (fresh keys per thread, varied per use), mixed with a process-wide counter, the time and the
/// process id, so two calls never share a token in practice; nothing relies on it being
/// unpredictable.
pub(crate) fn idempotency_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let id = std::process::id();
    let high = RandomState::new().hash_one((n, nanos, id, 1u8));
    let low = RandomState::new().hash_one((n, nanos, id, 2u8));
    format!("{high:016x}{low:016x}")
}

/// Parses a `Retry-After` value: delay-seconds, or an IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`) taken relative to `now` (a date in the past is zero).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses an IMF-fixdate, the HTTP date format servers send.
fn parse_http_date(value: &str) -> Option<SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = value.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let (day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if parts.next().is_some() || zone != "GMT" || day.len() != 2 || year.len() != 4 {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|name| *name == month)? as u32 + 1;
    let day: u32 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let mut clock = time.split(':');
    let (hours, minutes, seconds): (u64, u64, u64) = (
        clock.next()?.parse().ok()?,
        clock.next()?.parse().ok()?,
        clock.next()?.parse().ok()?,
    );
    if clock.next().is_some() || day == 0 || day > 31 || hours > 23 || minutes > 59 || seconds > 60
    {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    let seconds = days * 86_400 + hours * 3_600 + minutes * 60 + seconds;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_under_the_cap() {
        let config = RetryConfig::standard()
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_millis(350));
        // The ceiling: unit just below 1.
        let top = |retry| config.backoff(retry, 1.0);
        assert_eq!(top(1), Duration::from_millis(100));
        assert_eq!(top(2), Duration::from_millis(200));
        assert_eq!(top(3), Duration::from_millis(350), "capped");
        assert_eq!(top(60), Duration::from_millis(350), "no overflow");
        let unbounded = RetryConfig::standard()
            .with_base_delay(Duration::MAX)
            .with_max_delay(Duration::MAX);
        assert!(
            unbounded.backoff(3, 1.0) <= Duration::MAX,
            "no panic at the extremes"
        );
        assert_eq!(
            config.backoff(2, 0.0),
            Duration::ZERO,
            "full jitter reaches zero"
        );
        assert_eq!(config.backoff(2, 0.5), Duration::from_millis(100));
    }

    #[test]
    fn jitter_is_in_range_and_varies() {
        let values: Vec<f64> = (0..1000).map(|_| random_unit()).collect();
        assert!(values.iter().all(|value| (0.0..1.0).contains(value)));
        let low = values.iter().filter(|value| **value < 0.5).count();
        assert!(
            (300..700).contains(&low),
            "roughly uniform: {low} of 1000 below 0.5"
        );
    }

    #[test]
    fn retry_after_replaces_the_backoff_up_to_the_cap() {
        let config = RetryConfig::standard().with_max_delay(Duration::from_secs(5));
        assert_eq!(
            config.delay(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(config.delay(1, Some(Duration::from_secs(6))), None);
        assert_eq!(
            config.delay(3, Some(Duration::from_millis(50))),
            Some(Duration::from_millis(400)),
            "a short Retry-After waits the back-off's ceiling"
        );
        assert!(config
            .delay(1, None)
            .is_some_and(|d| d <= DEFAULT_BASE_DELAY));
    }

    #[test]
    fn retry_after_zero_keeps_a_floor() {
        let config = RetryConfig::standard()
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(1));
        let zero = Some(Duration::ZERO);
        assert_eq!(config.delay(1, zero), Some(Duration::from_millis(100)));
        assert_eq!(config.delay(2, zero), Some(Duration::from_millis(200)));
        assert_eq!(
            config.delay(5, zero),
            Some(Duration::from_secs(1)),
            "capped"
        );
        // A longer Retry-After is honoured as it is.
        assert_eq!(
            config.delay(1, Some(Duration::from_millis(700))),
            Some(Duration::from_millis(700))
        );
    }

    #[test]
    fn idempotency_tokens_are_hex_and_distinct() {
        let tokens: std::collections::HashSet<String> =
            (0..1000).map(|_| idempotency_token()).collect();
        assert_eq!(tokens.len(), 1000);
        assert!(tokens
            .iter()
            .all(|t| t.len() == 32 && t.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))));
    }

    #[test]
    fn attempts_as_configured() {
        assert_eq!(
            RetryConfig::standard().with_max_attempts(0).max_attempts(),
            0,
            "kept, for build() to reject"
        );
        assert_eq!(RetryConfig::disabled().max_attempts(), 1);
        assert_eq!(RetryConfig::default().max_attempts(), 3);
    }

    #[test]
    fn retry_after_values() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past"
        );
        assert_eq!(
            parse_retry_after("Thu, 29 Feb 2024 12:00:00 GMT", UNIX_EPOCH),
            Some(Duration::from_secs(1_709_208_000))
        );
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }
}
