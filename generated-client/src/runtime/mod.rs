//! Hand-written runtime of the client: everything the generated call functions rely on.
//!
//! One concept per module:
//!
//! - [`operation`]: the static facts of one Action ([`Operation`], [`HttpMethod`]).
//! - [`credentials`]: access keys ([`Credentials`]).
//! - [`signing`]: the Volcengine `HMAC-SHA256` request signature, and its verification.
//! - [`envelope`]: the `ResponseMetadata` / `Result` envelope every answer comes in.
//! - [`error`]: the typed [`Error`] of a call.
//! - [`client`]: the [`Client`] that encodes, signs, sends and decodes a call.

pub mod client;
pub mod credentials;
pub mod envelope;
pub mod error;
pub mod operation;
pub mod signing;

pub use client::{Client, ClientBuilder};
pub use credentials::Credentials;
pub use envelope::{Response, ResponseError, ResponseMetadata};
pub use error::{
    CredentialsError, DecodeError, EncodeError, EndpointError, Error, ServiceError, TransportError,
};
pub use operation::{HttpMethod, Operation};
