//! The client-side rate limit: a token bucket per Action.
//!
//! The documentation states a limit per Action (`QPS 不得超过 100`, as
//! [`Operation::qps_limit`]). By default a client paces each Action to that limit, shared by
//! all clones of the [`Client`](crate::Client), so the service is not asked to throttle.
//! Every attempt takes a token, retries included.
//!
//! Each bucket holds `burst` tokens (default 1) and refills at the Action's rate, so in any
//! one-second window at most `qps + burst - 1` requests leave. A call waits for its token (the
//! wait counts against the call's [timeout](crate::ClientBuilder::timeout); a call whose
//! token would come after its deadline fails at once with
//! [`Error::RateLimited`](crate::Error::RateLimited), nothing sent, which the client does not
//! retry: the caller may try again later). Waiting callers are served in arrival order.
//!
//! A token is spent only when its attempt is sent. A call cancelled while it waits for its
//! token (its future dropped, e.g. by `tokio::time::timeout`), or ending before it sends,
//! gives the token back, so cancelled calls never delay the ones after them.
//!
//! The bucket is kept in its "virtual scheduling" form: one instant per Action, the time at
//! which the bucket would be full again; taking a token is one comparison and one addition,
//! giving back the last one booked one subtraction.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::operation::Operation;

/// How a client limits its request rate; see the [module docs](self).
///
/// ```
/// use volcengine_runtime::{Client, RateLimitConfig};
///
/// // The documented limits, with some burst:
/// let limits = RateLimitConfig::documented().with_burst(5);
/// // A stricter limit for one Action, and one for Actions with no documented limit:
/// let limits = limits.with_qps("StartWebcast", 10).with_default_qps(Some(20));
/// let builder = Client::builder().rate_limit(limits);
/// // Or none at all (e.g. when a proxy enforces limits):
/// let builder = builder.rate_limit(RateLimitConfig::disabled());
/// # let _ = builder;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitConfig {
    enabled: bool,
    burst: u32,
    default_qps: Option<u32>,
    overrides: Vec<(String, u32)>,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self::documented()
    }
}

impl RateLimitConfig {
    /// Each Action limited to its documented QPS, burst 1; Actions without a documented limit
    /// are not limited.
    pub fn documented() -> Self {
        RateLimitConfig {
            enabled: true,
            burst: 1,
            default_qps: None,
            overrides: Vec::new(),
        }
    }

    /// No client-side limit.
    pub fn disabled() -> Self {
        RateLimitConfig {
            enabled: false,
            ..Self::documented()
        }
    }

    /// Limits `action` to `qps` requests per second instead of its documented limit; `0`
    /// lifts the limit for that Action.
    pub fn with_qps(mut self, action: impl Into<String>, qps: u32) -> Self {
        let action = action.into();
        self.overrides.retain(|(name, _)| *name != action);
        self.overrides.push((action, qps));
        self
    }

    /// The limit of Actions without a documented one (`None`: unlimited, the default).
    pub fn with_default_qps(mut self, qps: Option<u32>) -> Self {
        self.default_qps = qps.filter(|qps| *qps > 0);
        self
    }

    /// How many requests may leave at once before pacing starts (`0` counts as `1`).
    pub fn with_burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// Whether the client limits its rate at all.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The limit applied to `operation`, in requests per second (`None`: unlimited).
    pub fn qps_for(&self, operation: &Operation) -> Option<u32> {
        if !self.enabled {
            return None;
        }
        let overridden = self
            .overrides
            .iter()
            .find(|(name, _)| name == operation.action)
            .map(|(_, qps)| *qps);
        match overridden {
            Some(0) => None,
            Some(qps) => Some(qps),
            None => operation.qps_limit.or(self.default_qps).filter(|q| *q > 0),
        }
    }
}

/// One Action's bucket.
#[derive(Debug)]
struct Bucket {
    /// Time between two tokens.
    interval: Duration,
    /// How far ahead of now the bucket may be booked: `(burst - 1) × interval`.
    tolerance: Duration,
    /// When the bucket is full again (the "theoretical arrival time"); each booked token moves
    /// it one `interval` on, so it is also the end of the last token's slot.
    full_at: Instant,
    /// Slot ends of tokens given back while later ones were still booked: the bucket gives
    /// them up too once every later token is given back (until then they stay booked, so the
    /// rate is never exceeded).
    given_back: Vec<Instant>,
}

impl Bucket {
    fn new(qps: u32, burst: u32, now: Instant) -> Self {
        let interval = Duration::from_secs(1) / qps.max(1);
        Bucket {
            interval,
            tolerance: interval.saturating_mul(burst.max(1) - 1),
            full_at: now,
            given_back: Vec::new(),
        }
    }

    /// Books a token: how long to wait for it and the end of its slot, or, when the wait would
    /// exceed `max_wait`, the wait it would need (nothing is booked then).
    fn take(&mut self, now: Instant, max_wait: Duration) -> Result<(Duration, Instant), Duration> {
        if self.full_at <= now {
            // Every slot is in the past: nothing left to give back.
            self.given_back.clear();
        }
        let full_at = self.full_at.max(now);
        let ready_at = full_at.checked_sub(self.tolerance).unwrap_or(now).max(now);
        let wait = ready_at - now;
        if wait > max_wait {
            return Err(wait);
        }
        self.full_at = full_at.checked_add(self.interval).unwrap_or(full_at);
        Ok((wait, self.full_at))
    }

    /// Gives back the token whose slot ends at `slot_end`.
    fn give_back(&mut self, slot_end: Instant) {
        if slot_end != self.full_at {
            self.given_back.push(slot_end);
            return;
        }
        self.full_at = slot_end.checked_sub(self.interval).unwrap_or(slot_end);
        while let Some(index) = self.given_back.iter().position(|end| *end == self.full_at) {
            self.given_back.swap_remove(index);
            self.full_at = self
                .full_at
                .checked_sub(self.interval)
                .unwrap_or(self.full_at);
        }
    }
}

/// The buckets of one client and its clones.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    config: RateLimitConfig,
    /// Keyed by Action name.
    buckets: Mutex<HashMap<&'static str, Bucket>>,
}

/// A booked token of one Action's bucket: given back when dropped unless
/// [`spent`](Token::spend), so a call that never sends (cancelled while it waits, or out of
/// time) does not hold its slot.
#[derive(Debug)]
pub(crate) struct Token<'a> {
    limiter: &'a RateLimiter,
    action: &'static str,
    wait: Duration,
    /// The end of the token's slot; `None` for an unlimited Action or a spent token.
    slot_end: Option<Instant>,
}

impl<'a> Token<'a> {
    /// The token of an Action that is not limited: no wait, nothing to give back.
    fn unlimited(limiter: &'a RateLimiter, operation: &'static Operation) -> Self {
        Token {
            limiter,
            action: operation.action,
            wait: Duration::ZERO,
            slot_end: None,
        }
    }

    /// How long to wait before using the token.
    pub(crate) fn wait(&self) -> Duration {
        self.wait
    }

    /// Uses the token: the attempt is about to be sent.
    pub(crate) fn spend(mut self) {
        self.slot_end = None;
    }
}

impl Drop for Token<'_> {
    fn drop(&mut self) {
        if let Some(slot_end) = self.slot_end {
            if let Some(bucket) = self.limiter.lock().get_mut(self.action) {
                bucket.give_back(slot_end);
            }
        }
    }
}

impl RateLimiter {
    pub(crate) fn new(config: RateLimitConfig) -> Self {
        RateLimiter {
            config,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, Bucket>> {
        match self.buckets.lock() {
            Ok(buckets) => buckets,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Books a token of `operation`'s bucket now (with no wait when the Action is not
    /// limited), or `Err(wait needed)` when the token would come after `deadline`.
    pub(crate) fn take(
        &self,
        operation: &'static Operation,
        deadline: Option<Instant>,
    ) -> Result<Token<'_>, Duration> {
        if self.config.qps_for(operation).is_none() {
            return Ok(Token::unlimited(self, operation));
        }
        let now = Instant::now();
        let max_wait = deadline.map_or(Duration::MAX, |deadline| {
            deadline.saturating_duration_since(now)
        });
        self.take_at(operation, now, max_wait)
    }

    /// [`take`](Self::take) at `now`, waiting at most `max_wait`.
    pub(crate) fn take_at(
        &self,
        operation: &'static Operation,
        now: Instant,
        max_wait: Duration,
    ) -> Result<Token<'_>, Duration> {
        let mut token = Token::unlimited(self, operation);
        let Some(qps) = self.config.qps_for(operation) else {
            return Ok(token);
        };
        let (wait, slot_end) = self
            .lock()
            .entry(operation.action)
            .or_insert_with(|| Bucket::new(qps, self.config.burst, now))
            .take(now, max_wait)?;
        token.wait = wait;
        token.slot_end = Some(slot_end);
        Ok(token)
    }

    pub(crate) fn config(&self) -> &RateLimitConfig {
        &self.config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static LIMITED: Operation = Operation {
        qps_limit: Some(10),
        ..crate::operation::TEST_OPERATION
    };
    static OTHER_VERSION: Operation = Operation {
        version: "2023-11-01",
        ..LIMITED
    };
    static UNLIMITED: Operation = Operation {
        action: "GetAppToken",
        qps_limit: None,
        ..LIMITED
    };

    const FOREVER: Duration = Duration::from_secs(3600);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Books a token and spends it (as an attempt that is sent): its wait.
    fn book(
        limiter: &RateLimiter,
        operation: &'static Operation,
        now: Instant,
        max_wait: Duration,
    ) -> Result<Duration, Duration> {
        limiter.take_at(operation, now, max_wait).map(|token| {
            let wait = token.wait();
            token.spend();
            wait
        })
    }

    #[test]
    fn paces_at_the_documented_rate() {
        let limiter = RateLimiter::new(RateLimitConfig::documented());
        let t0 = Instant::now();
        // Ten callers at once: one token every 100 ms.
        let waits: Vec<Duration> = (0..4)
            .map(|_| book(&limiter, &LIMITED, t0, FOREVER).expect("booked"))
            .collect();
        assert_eq!(waits, [ms(0), ms(100), ms(200), ms(300)]);
        // Versions of one Action share its bucket.
        assert_eq!(book(&limiter, &OTHER_VERSION, t0, FOREVER), Ok(ms(400)));
        // After a quiet second the bucket is full again.
        let later = t0 + Duration::from_secs(2);
        assert_eq!(book(&limiter, &LIMITED, later, FOREVER), Ok(ms(0)));
        assert_eq!(book(&limiter, &LIMITED, later, FOREVER), Ok(ms(100)));
        // Unlimited Actions never wait.
        for _ in 0..100 {
            assert_eq!(book(&limiter, &UNLIMITED, t0, FOREVER), Ok(ms(0)));
        }
    }

    #[test]
    fn burst_lets_requests_leave_at_once() {
        let limiter = RateLimiter::new(RateLimitConfig::documented().with_burst(3));
        let t0 = Instant::now();
        let waits: Vec<Duration> = (0..5)
            .map(|_| book(&limiter, &LIMITED, t0, FOREVER).expect("booked"))
            .collect();
        assert_eq!(waits, [ms(0), ms(0), ms(0), ms(100), ms(200)]);
        // Within any second: at most qps + burst - 1.
        let t1 = t0 + Duration::from_secs(1);
        let immediate = (0..20)
            .filter(|_| book(&limiter, &LIMITED, t1, FOREVER) == Ok(ms(0)))
            .count();
        assert!(immediate <= 3, "{immediate}");
    }

    #[test]
    fn a_wait_beyond_the_deadline_books_nothing() {
        let limiter = RateLimiter::new(RateLimitConfig::documented());
        let t0 = Instant::now();
        assert_eq!(book(&limiter, &LIMITED, t0, ms(50)), Ok(ms(0)));
        assert_eq!(book(&limiter, &LIMITED, t0, ms(50)), Err(ms(100)));
        assert_eq!(
            book(&limiter, &LIMITED, t0, ms(50)),
            Err(ms(100)),
            "not booked"
        );
        assert_eq!(book(&limiter, &LIMITED, t0, FOREVER), Ok(ms(100)));
    }

    #[test]
    fn overrides_and_switches() {
        let config = RateLimitConfig::documented()
            .with_qps("SendMessage", 2)
            .with_default_qps(Some(50));
        assert_eq!(config.qps_for(&LIMITED), Some(2));
        assert_eq!(config.qps_for(&UNLIMITED), Some(50));
        let config = config.with_qps("SendMessage", 0);
        assert_eq!(config.qps_for(&LIMITED), None, "0 lifts the limit");
        assert_eq!(RateLimitConfig::disabled().qps_for(&LIMITED), None);
        let limiter = RateLimiter::new(RateLimitConfig::disabled());
        let t0 = Instant::now();
        for _ in 0..100 {
            assert_eq!(book(&limiter, &LIMITED, t0, Duration::ZERO), Ok(ms(0)));
        }
    }

    #[test]
    fn tokens_never_spent_are_given_back() {
        let limiter = RateLimiter::new(RateLimitConfig::documented());
        let t0 = Instant::now();
        assert_eq!(book(&limiter, &LIMITED, t0, FOREVER), Ok(ms(0)));
        // Calls cancelled one after the other while waiting: each gives its slot back.
        for _ in 0..5 {
            let token = limiter.take_at(&LIMITED, t0, FOREVER).expect("booked");
            assert_eq!(token.wait(), ms(100));
        }
        assert_eq!(book(&limiter, &LIMITED, t0, FOREVER), Ok(ms(100)));

        // Cancelled together, in any order: a slot given back before later ones stays booked
        // until they are given back too, then all of them go.
        let waiting: Vec<Token<'_>> = (0..4)
            .map(|_| limiter.take_at(&LIMITED, t0, FOREVER).expect("booked"))
            .collect();
        let waits: Vec<Duration> = waiting.iter().map(Token::wait).collect();
        assert_eq!(waits, [ms(200), ms(300), ms(400), ms(500)]);
        let mut waiting = waiting.into_iter();
        let (first, second) = (waiting.next(), waiting.next());
        drop(first);
        assert_eq!(
            book(&limiter, &LIMITED, t0, ms(550)),
            Err(ms(600)),
            "later slots are still booked"
        );
        drop(waiting);
        drop(second);
        assert_eq!(book(&limiter, &LIMITED, t0, FOREVER), Ok(ms(200)));
        // A spent token stays spent.
        assert_eq!(book(&limiter, &LIMITED, t0, FOREVER), Ok(ms(300)));
    }
}
