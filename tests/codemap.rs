//! ARCHITECTURE.md's codemap names every source file and nothing that is
//! gone: each `.rs` file under `src/` and `crates/*/src/` is named in the
//! codemap, by its path from its crate's `src/` (`engine/sim.rs`) or by
//! its name in the row of its folder (`client.rs` in the `labs/payments/`
//! row); and each `*.rs` the codemap names exists.

mod source;

use source::{root, rust_files, source_roots};

fn codemap() -> String {
    let arch = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let start = arch.find("## Codemap").expect("a Codemap section");
    let end = arch[start + 3..]
        .find("\n## ")
        .map_or(arch.len(), |i| start + 3 + i);
    arch[start..end].to_string()
}

/// The codemap's section for the crate whose sources are in `src` (its
/// heading names that folder: "### `crates/faultline-sim/src/`").
fn section<'a>(map: &'a str, src: &str) -> &'a str {
    let heading = format!("### `{src}/`");
    let start = map
        .find(&heading)
        .unwrap_or_else(|| panic!("the codemap has no section {heading}"));
    let end = map[start + 4..]
        .find("\n### ")
        .map_or(map.len(), |i| start + 4 + i);
    &map[start..end]
}

/// A file is named in its crate's section by a row of its own (the row's
/// first cell is its path from `src/`) or in the row of its folder (the
/// first cell is the folder, and the row names the file).
fn named(section: &str, rel: &str) -> bool {
    let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    section.lines().any(|row| {
        let first = row.split('|').nth(1).map(str::trim).unwrap_or("");
        first == format!("`{rel}`")
            || (!folder.is_empty()
                && first == format!("`{folder}/`")
                && row.contains(&format!("`{name}`")))
    })
}

#[test]
fn the_codemap_names_every_source_file() {
    let map = codemap();
    let mut missing = Vec::new();
    for src in source_roots() {
        let rel_src = src
            .strip_prefix(root())
            .expect("in the repo")
            .to_string_lossy()
            .replace('\\', "/");
        let section = section(&map, &rel_src);
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for f in files {
            let rel = f
                .strip_prefix(&src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            if !named(section, &rel) {
                missing.push(format!("{rel_src}/{rel}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's codemap does not name: {missing:?}"
    );
}

#[test]
fn every_file_the_codemap_names_exists() {
    let map = codemap();
    let mut all = Vec::new();
    for dir in ["src", "crates", "tests"] {
        rust_files(&root().join(dir), &mut all);
    }
    all.push(root().join("build.rs"));
    let names: Vec<String> = all
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let mut stale = Vec::new();
    for piece in map.split('`').skip(1).step_by(2) {
        if piece.ends_with(".rs")
            && !piece.contains([' ', '$'])
            && !names.iter().any(|n| n.ends_with(&format!("/{piece}")))
        {
            stale.push(piece.to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "the codemap names files that do not exist: {stale:?}"
    );
}
