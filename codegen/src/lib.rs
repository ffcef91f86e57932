//! volcgen's code generator: the YAML IR of Volcengine API pages ([`ir`]) and the Rust emitter
//! ([`emit`]) that turns it into the `volcengine-rtc` client's generated module.
//!
//! Stages are pure functions: `xtask` parses Markdown into [`ir::Page`]s and owns all file I/O;
//! [`emit::generate`] turns pages into formatted files.

pub mod emit;
pub mod ir;
pub mod naming;

pub use emit::{generate, generate_with_threads, CodegenError, GeneratedFile, GENERATED_DIR};
