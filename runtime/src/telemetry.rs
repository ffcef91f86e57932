//! `tracing` spans and events of calls and attempts.
//!
//! Every call runs in a `volcengine.call` span and every attempt in a `volcengine.attempt`
//! span inside it, both at `DEBUG` level, for every service: a span's name must be static, so
//! the service is a field. Their target, and that of the events below, is
//! `volcengine_runtime` ([`TARGET`]): `RUST_LOG=volcengine_runtime=debug` shows them with
//! `tracing-subscriber`'s `EnvFilter`, `RUST_LOG='volcengine_runtime[{service=rtc}]=debug'`
//! only those of one service.
//!
//! | field | call | attempt |
//! | --- | --- | --- |
//! | `service` (e.g. `rtc`), `action`, `version` | ✓ | ✓ |
//! | `attempt` (1-based) | | ✓ |
//! | `attempts` (how many were made) | ✓ | |
//! | `status` (HTTP status, when there was an answer) | ✓ | ✓ |
//! | `request_id` (the service's `RequestId`, when the answer had one) | ✓ | ✓ |
//! | `latency_ms` | ✓ | ✓ |
//! | `error` (the error's `Display`, on failure) | ✓ | ✓ |
//!
//! Each attempt ends with a `DEBUG` event (`attempt finished`), and a retry is announced with
//! one (`retrying`, with `delay_ms`). Nothing here ever records a secret key, a session token,
//! a signature, a header or any part of a JSON body: only the fields above, and errors, which
//! never hold secrets.

use std::time::Duration;

use tracing::field::Empty;
use tracing::Span;

use super::operation::Operation;

/// The target of every span and event here.
pub const TARGET: &str = "volcengine_runtime";

/// Whether anybody listens at `DEBUG` (so latencies are worth measuring).
pub(crate) fn enabled() -> bool {
    tracing::enabled!(target: TARGET, tracing::Level::DEBUG)
}

/// The span of one call to `service`.
pub(crate) fn call_span(service: &str, operation: &Operation) -> Span {
    tracing::debug_span!(
        target: TARGET,
        "volcengine.call",
        service,
        action = operation.action,
        version = operation.version,
        attempts = Empty,
        status = Empty,
        request_id = Empty,
        latency_ms = Empty,
        error = Empty,
    )
}

/// The span of one attempt of a call to `service`.
pub(crate) fn attempt_span(service: &str, operation: &Operation, attempt: u32) -> Span {
    tracing::debug_span!(
        target: TARGET,
        "volcengine.attempt",
        service,
        action = operation.action,
        version = operation.version,
        attempt,
        status = Empty,
        request_id = Empty,
        latency_ms = Empty,
        error = Empty,
    )
}

/// What is known at the end of an attempt or a call.
#[derive(Debug, Default, Clone)]
pub(crate) struct Outcome<'a> {
    pub(crate) status: Option<u16>,
    pub(crate) request_id: Option<&'a str>,
    pub(crate) error: Option<&'a super::error::Error>,
}

/// Records `outcome` and `latency` on `span` (a no-op when nobody listens).
pub(crate) fn record(span: &Span, outcome: &Outcome<'_>, latency: Duration) {
    if span.is_disabled() {
        return;
    }
    if let Some(status) = outcome.status {
        span.record("status", status);
    }
    if let Some(request_id) = outcome.request_id {
        span.record("request_id", request_id);
    }
    span.record("latency_ms", latency.as_secs_f64() * 1000.0);
    if let Some(error) = outcome.error {
        span.record("error", tracing::field::display(error));
    }
}

/// The event closing an attempt.
pub(crate) fn attempt_finished(outcome: &Outcome<'_>, latency: Duration) {
    tracing::debug!(
        target: TARGET,
        status = outcome.status,
        request_id = outcome.request_id,
        latency_ms = latency.as_secs_f64() * 1000.0,
        error = outcome.error.map(tracing::field::display),
        "attempt finished"
    );
}

/// The event announcing a retry.
pub(crate) fn retrying(next_attempt: u32, delay: Duration) {
    tracing::debug!(
        target: TARGET,
        next_attempt,
        delay_ms = delay.as_secs_f64() * 1000.0,
        "retrying"
    );
}
