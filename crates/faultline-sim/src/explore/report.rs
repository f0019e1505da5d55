//! The explorer's reports as JSON: what the helper worker answers the
//! page and what the headless runner prints with `--json`, one form for
//! both; and a search's digest, which the native tests and the browser's
//! wasm must agree on.

use super::because::because;
use super::montecarlo::{first_example, Histogram, MonteCarloConfig, MonteCarloReport};
use super::search::SearchReport;
use super::words;
use crate::permalink;
use crate::scenario::Scenario;
use serde_json::{json, Value};

/// The properties a search or Monte Carlo run checks in this scenario's
/// configuration: (id, text), the invariants that apply, then the lab's
/// bounded properties.
pub fn properties(scenario: &Scenario) -> Vec<(&'static str, &'static str)> {
    let Some(info) = crate::lab(&scenario.lab) else {
        return Vec::new();
    };
    let bounded = crate::registry::explorer_terms(&scenario.lab).map_or(Vec::new(), |t| t.1);
    info.invariants
        .iter()
        .chain(bounded.iter())
        .filter(|p| (p.not_checked)(&info, &scenario.config).is_none())
        .map(|p| (p.id, p.text))
        .collect()
}

/// A search's report: each broken property's smallest schedule (its
/// faults in words, its "because" chain, the link that opens it at the
/// violating step), the properties kept, and what the search cost.
pub fn search_json(
    scenario: &Scenario,
    r: &SearchReport,
    max_faults: u8,
    alphabet: super::Alphabet,
) -> Value {
    let props = properties(scenario);
    let text = |id: &str| props.iter().find(|p| p.0 == id).map_or("", |p| p.1);
    let broken: Vec<Value> = r
        .found
        .iter()
        .map(|c| {
            let shown = c.scenario(scenario);
            let chain = crate::simulate(&shown).map_or(Vec::new(), |run| because(&run, c.step));
            json!({
                "property": c.property,
                "text": text(c.property),
                "message": c.message,
                "size": c.size(),
                "step": c.step,
                "faults": c.faults.iter().map(words::fault).collect::<Vec<_>>(),
                "because": chain,
                "plan": c.faults,
                "link": permalink::encode(&shown, c.step),
            })
        })
        .collect();
    let kept: Vec<Value> = props
        .iter()
        .filter(|p| !r.found.iter().any(|c| c.property == p.0))
        .map(|p| json!({"property": p.0, "text": p.1}))
        .collect();
    json!({
        "lab": scenario.lab,
        "seed": scenario.seed,
        "max_faults": max_faults,
        "alphabet": alphabet.name(),
        "schedules": r.schedules,
        "states": r.states,
        "distinct": r.distinct,
        "merged": r.merged,
        "hit_bounds": r.hit_bounds,
        "stopped": r.stopped,
        "full": r.full,
        "broken": broken,
        "kept": kept,
        "digest": search_digest(r),
    })
}

/// A digest of what a search found and how far it went: each smallest
/// counterexample's property, size, step and plan, and the counts.
pub fn search_digest(r: &SearchReport) -> String {
    let found: Vec<Value> = r
        .found
        .iter()
        .map(|c| json!([c.property, c.size(), c.step, c.faults]))
        .collect();
    let all = json!([r.schedules, r.states, r.distinct, r.merged, found]);
    crate::digest::fnv1a(all.to_string().as_bytes())
}

/// A Monte Carlo report: outcomes with the link of each first example,
/// the histograms, the sweep.
pub fn monte_carlo_json(
    scenario: &Scenario,
    config: &MonteCarloConfig,
    r: &MonteCarloReport,
) -> Value {
    let outcomes: Vec<Value> = r
        .outcomes
        .iter()
        .map(|o| {
            json!({
                "property": o.property,
                "runs": o.runs,
                "first_seed": o.first_seed,
                "link": permalink::encode(&first_example(scenario, config, o), 0),
            })
        })
        .collect();
    let hist = |h: &Histogram| json!({"what": h.what, "unit": h.unit, "bins": h.bins});
    let sweep: Vec<Value> = r
        .sweep
        .iter()
        .map(|p| {
            json!({
                "value": p.value,
                "runs": p.runs,
                "broken": p.broken,
                "messages_per_run": p.messages_per_run,
            })
        })
        .collect();
    json!({
        "lab": scenario.lab,
        "runs": r.runs,
        "hit_bounds": r.hit_bounds,
        "stopped": r.stopped,
        "outcomes": outcomes,
        "duration": hist(&r.duration),
        "messages": hist(&r.messages),
        "measure": r.measure.as_ref().map(hist),
        "sweep": sweep,
    })
}
