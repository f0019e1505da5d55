//! No function of logic is longer than 70 lines, and no source file
//! longer than 600, in any crate: a longer one is split into parts that
//! each say what they do (a file by concern, its tests apart). Tables of data (a
//! lab's presets, its settings, its fault palette) are long by nature and
//! are named below with the reason; tests (`#[test]`) are left out. A
//! function runs from its `fn` line to the `}` at the same indent.

mod source;

use source::{all_rust_files, root};

const MAX_LINES: usize = 70;
const MAX_FILE_LINES: usize = 600;

/// Functions that are data, not logic: (file from the repo root, name).
const DATA: &[(&str, &str)] = &[
    // One entry per preset: its name, story, settings and faults.
    ("crates/faultline-sim/src/labs/oauth/presets.rs", "presets"),
    (
        "crates/faultline-sim/src/labs/payments/presets.rs",
        "presets",
    ),
    // One entry per setting: its key, label, range and help.
    ("crates/faultline-sim/src/labs/payments/config.rs", "fields"),
    ("crates/faultline-sim/src/labs/oauth/config.rs", "fields"),
    // One entry per fault button: its label, help and the fault it adds.
    ("crates/faultline-sim/src/labs/oauth/faults.rs", "palette"),
    (
        "crates/faultline-sim/src/labs/payments/presets.rs",
        "palette",
    ),
];

/// The name of the function a line starts (not a declaration ending in `;`).
fn fn_name(line: &str) -> Option<&str> {
    let mut words = line.split_whitespace();
    while let Some(w) = words.next() {
        match w {
            "pub" | "const" | "async" | "unsafe" => continue,
            w if w.starts_with("pub(") => continue,
            "fn" => {
                let name = words.next()?;
                let end = name.find(['(', '<']).unwrap_or(name.len());
                return (!line.trim_end().ends_with(';')).then_some(&name[..end]);
            }
            _ => return None,
        }
    }
    None
}

/// Every function of `text` over the limit: (name, first line, length).
fn long_functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        let is_test = i > 0 && lines[i - 1].trim() == "#[test]";
        let indent = line.len() - line.trim_start().len();
        let close = format!("{}}}", " ".repeat(indent));
        let end = lines[i..]
            .iter()
            .position(|l| l.starts_with(&close) && l.len() - l.trim_start().len() == indent)
            .map_or(lines.len(), |j| i + j);
        let length = end - i + 1;
        if length > MAX_LINES && !is_test {
            out.push((name.to_string(), i + 1, length));
        }
    }
    out
}

#[test]
fn no_function_of_logic_is_over_70_lines() {
    let files = all_rust_files();
    let mut long = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(root())
            .expect("in the repo")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).expect("a source file");
        for (name, at, length) in long_functions(&text) {
            if !DATA.contains(&(rel.as_str(), name.as_str())) {
                long.push(format!("{rel}:{at} {name}: {length} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_LINES} lines (split them, or name a table of data in DATA):\n{}",
        long.join("\n")
    );
}

#[test]
fn no_source_file_is_over_600_lines() {
    let files = all_rust_files();
    let long: Vec<String> = files
        .iter()
        .map(|f| {
            (
                f,
                std::fs::read_to_string(f)
                    .expect("a source file")
                    .lines()
                    .count(),
            )
        })
        .filter(|(_, n)| *n > MAX_FILE_LINES)
        .map(|(f, n)| format!("{}: {n} lines", f.display()))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines (split them by concern):\n{}",
        long.join("\n")
    );
}

#[test]
fn a_long_function_is_found_and_a_short_one_is_not() {
    let body = |n: usize| "    let x = 1;\n".repeat(n);
    let long = format!("pub fn big(a: u8) -> u8 {{\n{}}}\n", body(70));
    let short = format!("fn small() {{\n{}}}\n", body(68));
    let test = format!("#[test]\nfn a_test() {{\n{}}}\n", body(80));
    assert_eq!(long_functions(&long), vec![("big".to_string(), 1, 72)]);
    assert!(long_functions(&short).is_empty());
    assert!(long_functions(&test).is_empty());
    assert!(long_functions("    fn declared(&self);\n").is_empty());
}
