//! A `tracing` subscriber that records every span and event with its fields, for asserting on
//! what the client logs (and what it never logs).
//!
//! ```no_run
//! # async fn run(future: impl std::future::Future<Output = ()>) {
//! use tracing::instrument::WithSubscriber;
//! use volcgen_tests::capture::Capture;
//!
//! let capture = Capture::default();
//! future.with_subscriber(capture.clone()).await;
//! for span in capture.spans() {
//!     println!("{} {:?}", span.name, span.fields);
//! }
//! # }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// One span: its name and fields (values as `Debug` text, strings without quotes).
#[derive(Debug, Clone, PartialEq)]
pub struct CapturedSpan {
    /// The span's name, e.g. `volcengine_rtc.call`.
    pub name: &'static str,
    /// Its fields, as recorded at creation and later.
    pub fields: BTreeMap<String, String>,
}

/// One event: its fields (the message under `message`).
#[derive(Debug, Clone, PartialEq)]
pub struct CapturedEvent {
    /// Level, e.g. `DEBUG`.
    pub level: String,
    /// Its fields.
    pub fields: BTreeMap<String, String>,
}

#[derive(Default)]
struct Captured {
    spans: BTreeMap<u64, CapturedSpan>,
    events: Vec<CapturedEvent>,
}

/// The recording subscriber; clones share the record.
#[derive(Clone)]
pub struct Capture {
    captured: Arc<Mutex<Captured>>,
    next_id: Arc<AtomicU64>,
}

impl Default for Capture {
    fn default() -> Self {
        Bystander::install();
        Capture {
            captured: Arc::default(),
            next_id: Arc::default(),
        }
    }
}

/// The process's global subscriber while captures run: it records nothing, but keeps every
/// callsite's interest at "sometimes". Without it, a test on another thread that reaches a
/// callsite first, with no subscriber, can cache "never" for it while a capture is being set
/// up (`tracing` computes a new callsite's interest and publishes the callsite in two steps),
/// and the capture then misses that event: a test that fails by test order.
struct Bystander;

impl Bystander {
    fn install() {
        static INSTALLED: std::sync::Once = std::sync::Once::new();
        INSTALLED.call_once(|| {
            // Another global subscriber, if a test set one, serves as well.
            let _ = tracing::subscriber::set_global_default(Bystander);
            tracing::callsite::rebuild_interest_cache();
        });
    }
}

impl Subscriber for Bystander {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        false
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

impl fmt::Debug for Capture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Capture").finish_non_exhaustive()
    }
}

impl Capture {
    fn lock(&self) -> MutexGuard<'_, Captured> {
        match self.captured.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Every span, in creation order.
    pub fn spans(&self) -> Vec<CapturedSpan> {
        self.lock().spans.values().cloned().collect()
    }

    /// The spans called `name`, in creation order.
    pub fn spans_named(&self, name: &str) -> Vec<CapturedSpan> {
        self.spans()
            .into_iter()
            .filter(|span| span.name == name)
            .collect()
    }

    /// Every event, in order.
    pub fn events(&self) -> Vec<CapturedEvent> {
        self.lock().events.clone()
    }

    /// Everything recorded, as one text (to check what never appears).
    pub fn text(&self) -> String {
        format!("{:?} {:?}", self.spans(), self.events())
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        self.lock().spans.insert(
            id,
            CapturedSpan {
                name: attributes.metadata().name(),
                fields,
            },
        );
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(captured) = self.lock().spans.get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut captured.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.lock().events.push(CapturedEvent {
            level: event.metadata().level().to_string(),
            fields,
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
