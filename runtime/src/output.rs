//! What a successful call gives: its `Result` and the answer's `ResponseMetadata`.

use std::ops::{Deref, DerefMut};

use crate::de::Mismatch;
use crate::envelope::ResponseMetadata;

/// A successful call: the Action's `Result` (`T`) and the answer's [`ResponseMetadata`]
/// (`RequestId`, `Action`, `Version`, `Service`, `Region`).
///
/// It dereferences to the `Result`, so its fields read as they are (`output.token`);
/// [`request_id`](Self::request_id) and [`metadata`](Self::metadata) say who answered, and
/// [`into_inner`](Self::into_inner) (or [`into_parts`](Self::into_parts)) takes the `Result`
/// out. [`mismatches`](Self::mismatches) lists the fields that came with another JSON type than
/// documented, which the (default, lenient) decoding set to `None`.
///
/// ```
/// use volcengine_runtime::{Output, ResponseMetadata};
///
/// let metadata = ResponseMetadata {
///     request_id: Some("20230604110420010010023228002".into()),
///     ..ResponseMetadata::default()
/// };
/// let output = Output::new(serde_json::json!({"Token": "t"}), metadata);
/// assert_eq!(output["Token"], "t");
/// assert_eq!(output.request_id(), Some("20230604110420010010023228002"));
/// let result: serde_json::Value = output.into_inner();
/// # let _ = result;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Output<T> {
    result: T,
    metadata: ResponseMetadata,
    mismatches: Vec<Mismatch>,
}

impl<T> Output<T> {
    /// A `Result` with the metadata of the answer it came in (tests and mocks make their own).
    pub fn new(result: T, metadata: ResponseMetadata) -> Self {
        Output {
            result,
            metadata,
            mismatches: Vec::new(),
        }
    }

    /// The same output, with the values its decoding set aside.
    pub(crate) fn with_mismatches(mut self, mismatches: Vec<Mismatch>) -> Self {
        self.mismatches = mismatches;
        self
    }

    /// The `Result`'s fields whose value was not of their documented JSON type, each with its
    /// path (`Result.List[3].Amount`), the documented type and the value; decoding set them to
    /// `None` and went on. Empty when everything fit, and always with
    /// [`strict_decoding`](crate::ClientBuilder::strict_decoding) (a mismatch is then the
    /// call's [`Decode`](crate::Error::Decode) error).
    pub fn mismatches(&self) -> &[Mismatch] {
        &self.mismatches
    }

    /// `ResponseMetadata.RequestId`: the service's id of this call; quote it when asking for
    /// support. `None` only when the answer did not carry one.
    pub fn request_id(&self) -> Option<&str> {
        self.metadata.request_id.as_deref()
    }

    /// The answer's `ResponseMetadata` (its `error` is always `None`: this call succeeded).
    pub fn metadata(&self) -> &ResponseMetadata {
        &self.metadata
    }

    /// The `Result`, without the metadata.
    pub fn into_inner(self) -> T {
        self.result
    }

    /// The `Result` and the metadata.
    pub fn into_parts(self) -> (T, ResponseMetadata) {
        (self.result, self.metadata)
    }

    /// The same metadata and mismatches with the `Result` changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Output<U> {
        Output {
            result: f(self.result),
            metadata: self.metadata,
            mismatches: self.mismatches,
        }
    }
}

impl<T> Deref for Output<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.result
    }
}

impl<T> DerefMut for Output<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.result
    }
}

impl<T> AsRef<T> for Output<T> {
    fn as_ref(&self) -> &T {
        &self.result
    }
}
