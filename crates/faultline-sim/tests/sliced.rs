//! A run simulated a slice at a time (`registry::start`, as the page does
//! for long runs) is the run `simulate` gives, whatever the slices: every
//! preset of every lab, a run stopped by its event bound and one stopped
//! by its time bound.

use faultline_sim::registry::{labs, start};
use faultline_sim::scenario::{Bounds, Scenario};
use faultline_sim::simulate;

/// Simulate `s` in slices of `slice` events and compare with one go.
fn same_in_slices(s: &Scenario, slice: u32, what: &str) {
    let whole = simulate(s).expect("the scenario runs").to_json();
    let mut sim = start(s).expect("the scenario starts");
    let mut last = 0;
    let mut slices = 0;
    while !sim.advance(slice) {
        assert!(sim.events() >= last, "{what}: events only grow");
        last = sim.events();
        slices += 1;
        assert!(slices < 1_000_000, "{what}: the run ends");
    }
    assert!(sim.advance(slice), "{what}: a finished run stays finished");
    let sliced = sim.finish().to_json();
    assert!(
        sliced == whole,
        "{what}: sliced by {slice} differs from one go"
    );
}

#[test]
fn every_preset_is_the_same_run_in_slices() {
    let mut checked = 0;
    for lab in labs() {
        for preset in &lab.presets {
            let s = (preset.scenario)();
            for slice in [1, 7, 64] {
                same_in_slices(&s, slice, &format!("{}/{}", lab.id, preset.id));
            }
            checked += 1;
        }
    }
    assert!(checked >= 60, "presets checked: {checked}");
}

#[test]
fn runs_cut_by_their_bounds_are_the_same_in_slices() {
    let mut s = faultline_sim::preset("payments", "retry-storm").unwrap();
    s.bounds.max_events = 25;
    same_in_slices(&s, 4, "event bound");
    s.bounds = Bounds {
        max_events: 5_000,
        max_time_ms: 500,
    };
    same_in_slices(&s, 3, "time bound");
}

#[test]
fn finishing_early_runs_the_rest() {
    let s = faultline_sim::preset("sagas", "happy-path").unwrap();
    let mut sim = start(&s).unwrap();
    sim.advance(3);
    assert_eq!(sim.events(), 3);
    assert_eq!(sim.finish().to_json(), simulate(&s).unwrap().to_json());
}

#[test]
fn a_scenario_that_cannot_run_is_refused_before_it_starts() {
    let mut s = faultline_sim::preset("payments", "happy-path").unwrap();
    s.lab = "no-such-lab".into();
    assert!(start(&s).is_err());
}
