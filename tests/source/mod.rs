//! The repository's Rust sources, for the tests that read them as text
//! (`codemap.rs`, `function_length.rs`).

use std::path::{Path, PathBuf};

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, added to `out`.
pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The app's `src/` and each crate's `src/`.
pub fn source_roots() -> Vec<PathBuf> {
    let mut roots = vec![root().join("src")];
    for c in std::fs::read_dir(root().join("crates")).expect("crates/") {
        let src = c.expect("a crate").path().join("src");
        if src.is_dir() {
            roots.push(src);
        }
    }
    roots
}

/// Every `.rs` file of every source root.
#[allow(dead_code)] // not every test file that shares this module uses it
pub fn all_rust_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for r in source_roots() {
        rust_files(&r, &mut files);
    }
    files
}
