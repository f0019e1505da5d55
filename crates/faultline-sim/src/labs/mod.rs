//! The labs. Each is a plug-in (see `crate::lab::Lab`); the registry in
//! `crate::registry` dispatches a scenario to its lab.

#[cfg(feature = "oauthlab")]
pub mod oauth;
#[cfg(feature = "paymentslab")]
pub mod payments;
#[cfg(feature = "sagaslab")]
pub mod sagas;
#[cfg(feature = "testlab")]
pub mod toy;

/// A preset's scenario for a lab's invariant cases (`labs/<lab>/cases.rs`),
/// read from the lab's own description (not the registry, which sits
/// above the labs): a case names a preset that must exist, so a missing
/// one is a test bug.
// Unused when only the test-only lab (which has no cases) is compiled in.
#[cfg_attr(
    not(any(feature = "paymentslab", feature = "oauthlab", feature = "sagaslab")),
    allow(dead_code)
)]
pub(crate) fn preset_for_case<L: crate::lab::Lab>(id: &str) -> crate::scenario::Scenario {
    let info = L::info();
    let p = info
        .preset(id)
        .unwrap_or_else(|| panic!("no {} preset {id}", info.id));
    (p.scenario)()
}
