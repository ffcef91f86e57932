//! volcgen's code generator: the YAML IR of Volcengine API pages ([`ir`]), the Rust emitter
//! ([`emit`]) that turns a service's pages into its `api` module, and the rest of each service's
//! crate ([`service_crate`]: manifest, `lib.rs`, `call` example).
//!
//! Stages are pure functions: `xtask` parses Markdown into [`ir::Page`]s and owns all file I/O;
//! [`service_crate::crate_files`] turns a service's pages into formatted files.
//! The emitter writes each item with `quote!`, parses each file's tokens once with `syn` and
//! formats it with prettyplease; struct fields, its hot spot, are built as syntax trees by hand
//! (the private `syntax` module).

pub mod emit;
mod example;
/// The IR (the `volcgen-ir` crate, which needs none of the emitter's dependencies).
pub use volcgen_ir as ir;
pub mod naming;
pub mod parallel;
mod syntax;

pub mod service_crate;
pub mod shared;

pub use emit::{generate, generate_with_threads, CodegenError, GeneratedFile};
pub use service_crate::{crate_files, ServiceCrate, CRATES_DIR};
