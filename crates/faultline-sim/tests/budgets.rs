//! The performance gates are pinned: lowering a floor in the benchmark or
//! raising a budget in the instruction count would let a slower engine pass
//! the test command unnoticed, so a change to either must change this test
//! too (and be explained in the note).

/// The value of `const NAME: f64 = …;` (or a Python dict entry) in `text`.
fn number_after(text: &str, marker: &str) -> f64 {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} not found"));
    let digits: String = text[at + marker.len()..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '_' || *c == '.')
        .filter(|c| *c != '_')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {marker:?}"))
}

#[test]
fn throughput_floors_are_the_agreed_ones() {
    let bench = include_str!("../benches/throughput.rs");
    assert_eq!(number_after(bench, "const LEAN_GATE: f64 ="), 800_000.0);
    assert_eq!(number_after(bench, "const FULL_GATE: f64 ="), 400_000.0);
}

#[test]
fn instruction_budgets_are_the_agreed_ones() {
    let script = include_str!("../../../scripts/work_per_event.py");
    assert_eq!(number_after(script, "\"full\":"), 6_600.0);
    assert_eq!(number_after(script, "\"lean\":"), 3_300.0);
}
