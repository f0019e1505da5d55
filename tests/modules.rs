//! The module graph has no cycle, in any crate: a module (one `.rs` file)
//! may use modules below it, never one that uses it back, however far
//! round. An edge is a path a module names: `crate::a::b` (the longest
//! prefix that is a module), `super::…` (resolved from the module's
//! place), or `use child::…` for a module it declares. Test modules
//! (`#[cfg(test)] mod tests { … }` at a file's end) are left out: a test
//! may reach anything. Prints the figure for ARCHITECTURE.md.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every module of the crate whose sources are in `src`, by path
/// (`engine::sim`; the crate root is ""), with its code (test module and
/// comments removed).
fn modules(src: &Path) -> BTreeMap<String, String> {
    fn walk(dir: &Path, src: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(&path, src, out);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path
                .strip_prefix(src)
                .expect("under src")
                .with_extension("");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            let code = match text.find("#[cfg(test)]\nmod tests") {
                Some(i) => &text[..i],
                None => &text[..],
            };
            let code: String = code
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            out.insert(parts.join("::"), code);
        }
    }
    let mut out = BTreeMap::new();
    walk(src, src, &mut out);
    out
}

/// The identifier paths that start at byte `at` of `code`: one ("a::b::c"),
/// or, for a group (`{a::b, c}`), each of its members.
fn paths_at(code: &str, at: usize) -> Vec<Vec<&str>> {
    let rest = &code[at..];
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut start = 0;
        let mut out = Vec::new();
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    out.push(&group[start..i]);
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(&group[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return out
            .into_iter()
            .map(|m| {
                m.trim()
                    .split("::")
                    .map(|p| p.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_')))
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .collect();
    }
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(rest.len());
    vec![rest[..end].split("::").filter(|s| !s.is_empty()).collect()]
}

/// The module `path` (from module `base`) names: the longest prefix that
/// is a module, else `base` itself (an item of it).
fn resolve(mods: &BTreeMap<String, String>, base: &[&str], path: &[&str]) -> Option<String> {
    (0..=path.len()).rev().find_map(|k| {
        let mut full: Vec<&str> = base.to_vec();
        full.extend_from_slice(&path[..k]);
        let name = full.join("::");
        mods.contains_key(&name).then_some(name)
    })
}

fn edges(mods: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, code) in mods {
        let here: Vec<&str> = if m.is_empty() {
            Vec::new()
        } else {
            m.split("::").collect()
        };
        let mut to = BTreeSet::new();
        for (i, _) in code.match_indices("crate::") {
            if code[..i].ends_with("pub(in ") {
                continue; // a visibility, not a use
            }
            for p in paths_at(code, i + "crate::".len()) {
                to.extend(resolve(mods, &[], &p));
            }
        }
        for (i, _) in code.match_indices("super::") {
            // `super::super::x` climbs twice.
            let mut up = 1;
            let mut at = i + "super::".len();
            while code[at..].starts_with("super::") {
                up += 1;
                at += "super::".len();
            }
            if i >= "super::".len() && code[..i].ends_with("super::") {
                continue; // counted from the first `super::`
            }
            let base = &here[..here.len().saturating_sub(up)];
            for p in paths_at(code, at) {
                to.extend(resolve(mods, base, &p));
            }
        }
        // `child::…` for a module this one declares (in a `use` or inline).
        let children = mods.keys().filter(|k| {
            k.len() > m.len()
                && (m.is_empty() || k.starts_with(&format!("{m}::")))
                && !k[if m.is_empty() { 0 } else { m.len() + 2 }..].contains("::")
        });
        for child in children {
            let name = child.rsplit("::").next().expect("a name");
            for (i, _) in code.match_indices(&format!("{name}::")) {
                let before = code[..i].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue; // part of a longer path or name
                }
                to.insert(child.clone());
            }
        }
        to.retain(|t| t != m && !t.is_empty());
        out.insert(m.clone(), to);
    }
    out
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        t.on.insert(v);
        for w in &t.g[v] {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = t.stack.pop().expect("on the stack");
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn crates() -> Vec<(String, PathBuf)> {
    let mut out = vec![("faultline".to_string(), root().join("src"))];
    for c in std::fs::read_dir(root().join("crates")).expect("crates/") {
        let dir = c.expect("a crate").path();
        if dir.join("src").is_dir() {
            out.push((
                dir.file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned(),
                dir.join("src"),
            ));
        }
    }
    out
}

#[test]
fn no_module_cycle_in_any_crate() {
    let mut found = Vec::new();
    for (name, src) in crates() {
        let mods = modules(&src);
        let g = edges(&mods);
        let n_edges: usize = g.values().map(BTreeSet::len).sum();
        let cyc = cycles(&g);
        println!(
            "FIGURE: crate {name}: {} modules, {n_edges} edges between them, {} cycles",
            mods.len(),
            cyc.len()
        );
        for c in cyc {
            let ties: Vec<String> = c
                .iter()
                .flat_map(|a| {
                    g[a].iter()
                        .filter(|b| c.contains(b))
                        .map(move |b| format!("{a} -> {b}"))
                })
                .collect();
            found.push(format!(
                "{name}: {} modules in a cycle: {}",
                c.len(),
                ties.join(", ")
            ));
        }
    }
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}

/// The check sees a cycle when there is one (two modules naming each
/// other, and a longer loop through a parent's `use child::`).
#[test]
fn the_cycle_check_can_fail() {
    let mods: BTreeMap<String, String> = [
        ("".to_string(), "mod a; mod b; mod c;".to_string()),
        ("a".to_string(), "use crate::b::X;".to_string()),
        ("b".to_string(), "fn f() { crate::a::g() }".to_string()),
        ("c".to_string(), "use super::c::d::Y;".to_string()),
        ("c::d".to_string(), "use super::Z;".to_string()),
        // A group naming only siblings is no edge to the parent.
        ("e".to_string(), "mod f; mod g; use f::X;".to_string()),
        ("e::f".to_string(), "use super::{g, g::Y};".to_string()),
        ("e::g".to_string(), "".to_string()),
    ]
    .into_iter()
    .collect();
    let found = cycles(&edges(&mods));
    assert_eq!(
        found,
        vec![
            vec!["a".to_string(), "b".to_string()],
            vec!["c".to_string(), "c::d".to_string()]
        ]
    );
}
