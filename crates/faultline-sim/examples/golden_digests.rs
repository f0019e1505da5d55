//! Print `tests/golden.json` as it should be now: every preset's golden
//! digest, by lab, with the lab's model version. Run it (with the test lab)
//! after bumping a lab's `MODEL_VERSION`:
//! `cargo run -p faultline-sim --features testlab,sagaslab --example golden_digests > crates/faultline-sim/tests/golden.json`
fn main() {
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&faultline_sim::digest::preset_digests_json()).expect("json");
    let mut labs = serde_json::Map::new();
    for r in rows {
        let lab = r["lab"].as_str().unwrap_or_default().to_string();
        let entry = labs
            .entry(lab)
            .or_insert_with(|| serde_json::json!({ "model": r["model"], "presets": {} }));
        entry["presets"][r["preset"].as_str().unwrap_or_default()] = r["digest"].clone();
    }
    let file = serde_json::json!({
        "about": "Golden digests of every preset (full run without its scenario, FNV-1a 64 over its JSON). Checked natively by tests/golden.rs and in the browser by e2e/golden.test.mjs. A changed digest means the lab's model changed: bump its MODEL_VERSION, then regenerate with the golden_digests example.",
        "labs": labs,
    });
    println!("{}", serde_json::to_string_pretty(&file).expect("json"));
}
