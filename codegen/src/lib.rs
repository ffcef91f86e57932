//! volcgen's code generator: the YAML IR of Volcengine API pages ([`ir`]) and the Rust emitter
//! ([`emit`]) that turns it into the `volcengine-rtc` client's generated module.
//!
//! Stages are pure functions: `xtask` parses Markdown into [`ir::Page`]s and owns all file I/O;
//! [`emit::generate`] turns pages into formatted files.

pub mod emit;
pub mod ir;
pub mod naming;
pub mod parallel;
mod syntax;

pub use emit::{
    generate, generate_reusing, generate_with_threads, CodegenError, GeneratedFile, GENERATED_DIR,
};

/// Identifies this generator: a hash of its sources and of the workspace's locked dependencies
/// (prettyplease's output is part of ours). Caches of generated output are valid only for the
/// fingerprint that made them.
pub fn fingerprint() -> u64 {
    SOURCES
        .iter()
        .map(|(_, text)| text)
        .chain([&include_str!("../../Cargo.lock")])
        .fold(FNV_OFFSET, |h, p| fnv1a(h, p.as_bytes()))
}

/// Every source file of this crate, by name (a test checks none is missing).
const SOURCES: &[(&str, &str)] = &[
    ("emit.rs", include_str!("emit.rs")),
    ("ir.rs", include_str!("ir.rs")),
    ("lib.rs", include_str!("lib.rs")),
    ("naming.rs", include_str!("naming.rs")),
    ("parallel.rs", include_str!("parallel.rs")),
    ("syntax.rs", include_str!("syntax.rs")),
];

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a over `bytes`, continuing from `hash`: a fast, stable (not cryptographic) hash for cache
/// keys.
pub fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// [`fnv1a`] from the standard starting value.
pub fn hash(bytes: &[u8]) -> u64 {
    fnv1a(FNV_OFFSET, bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_source_file_is_fingerprinted() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("src/")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".rs"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = super::SOURCES.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            on_disk, listed,
            "add new files to SOURCES, so caches notice them"
        );
    }
}
