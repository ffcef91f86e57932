//! volcgen's maintainer commands as a library, so tests run exactly what `cargo xtask` runs.
//!
//! - [`parser`]: one Markdown page → one [`volcgen_ir::Page`].
//! - [`overrides`]: maintainer fixes from `spec/overrides.yaml`, applied to the parsed pages.
//! - [`consistency`]: what a page says twice, differently (its examples against its tables),
//!   with the override that settles it.
//! - [`services`]: per-service settings from `spec/services/`, applied after the overrides.
//! - [`regen`]: every page under `spec/docs/` → IR files and generated code, written atomically
//!   (`cargo xtask regen`) or compared with what is committed (`cargo xtask check`).
//! - [`diff`]: what changed in each crate's API between two trees, the version bump that needs
//!   (`cargo xtask diff`, and the version check of `cargo xtask check`).
//! - [`fetch`]: the official pages from the documentation site (`cargo xtask fetch`).
//! - [`metadata`], [`crosscheck`]: the pages against the API metadata of Volcengine's CLI
//!   (`cargo xtask extract-metadata`, `cargo xtask crosscheck`).
//! - [`bench_build`]: what the generated crate costs its users to build (`cargo xtask bench-build`).

pub mod bench_build;
pub mod bench_corpus;
pub mod consistency;
pub mod crosscheck;
pub mod diff;
pub mod fetch;
pub mod metadata;
pub mod overrides;
pub mod parser;
pub mod regen;
pub mod services;
pub mod value_names;
