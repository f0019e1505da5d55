//! Checking a scenario against its lab before it runs: format version,
//! settings against the lab's schema, bounds, latency, the fault plan and
//! the actors it names. Every refusal is a [`ScenarioError`] a learner can
//! act on. Above the scenario and the lab's description, below the engine.

use crate::config::Latency;
use crate::fault::Fault;
use crate::lab::LabInfo;
use crate::scenario::*;

/// Check a scenario against its lab's schema and actor names before it
/// runs: every refusal is a [`ScenarioError`] with a message.
pub fn validate(
    scenario: &Scenario,
    info: &LabInfo,
    names: &[String],
) -> Result<(), ScenarioError> {
    if scenario.v != FORMAT_VERSION {
        return Err(ScenarioError::UnsupportedVersion(scenario.v));
    }
    info.validate_config(&scenario.config)?;
    if names.len() > MAX_ACTORS {
        return Err(ScenarioError::TooManyActors(names.len()));
    }
    let b = scenario.bounds;
    if b.max_events == 0
        || b.max_events > MAX_EVENTS
        || b.max_time_ms == 0
        || b.max_time_ms > MAX_TIME_MS
    {
        return Err(ScenarioError::BadBounds);
    }
    if !latency_ok(&scenario.latency) {
        return Err(ScenarioError::BadLatency);
    }
    if scenario.faults.len() > MAX_FAULTS {
        return Err(ScenarioError::TooManyFaults(scenario.faults.len()));
    }
    let r = &scenario.random;
    if r.drop_permille > 1000
        || r.duplicate_permille > 1000
        || r.delay_permille > 1000
        || r.delay_ms > MAX_DELAY_MS
    {
        return Err(ScenarioError::BadRandomFaults);
    }
    for f in &scenario.faults {
        validate_fault(f, info)?;
        for a in f.actors() {
            if !names.iter().any(|n| n == a) {
                return Err(ScenarioError::UnknownActor(a.chars().take(40).collect()));
            }
        }
    }
    Ok(())
}

fn latency_ok(l: &Latency) -> bool {
    l.min_ms <= l.max_ms && l.max_ms <= MAX_LATENCY_MS
}

fn window_ok(what: &'static str, from_ms: u64, until_ms: u64) -> Result<(), ScenarioError> {
    if until_ms <= from_ms || until_ms - from_ms > MAX_WINDOW_MS {
        return Err(ScenarioError::BadWindow {
            what,
            from_ms,
            until_ms,
        });
    }
    Ok(())
}

fn validate_fault(f: &Fault, info: &LabInfo) -> Result<(), ScenarioError> {
    use crate::fault::NetAction;
    match f {
        Fault::Net {
            action: NetAction::Delay { ms },
            ..
        } if *ms > MAX_DELAY_MS => Err(ScenarioError::BadDelay(*ms)),
        Fault::Partition {
            from_ms,
            until_ms,
            side_a,
            side_b,
        } => {
            window_ok("partition", *from_ms, *until_ms)?;
            if side_a.is_empty() || side_b.is_empty() || side_a.iter().any(|a| side_b.contains(a)) {
                return Err(ScenarioError::EmptyPartitionSide);
            }
            Ok(())
        }
        Fault::Link(rule) => {
            window_ok("link rule", rule.from_ms, rule.until_ms)?;
            if rule.drop_permille > 1000
                || rule.duplicate_permille > 1000
                || rule.latency.as_ref().is_some_and(|l| !latency_ok(l))
            {
                return Err(ScenarioError::BadLinkRule);
            }
            Ok(())
        }
        Fault::AtStep { step, then } => {
            if !then.acts_at_a_moment() || *step > MAX_EVENTS {
                return Err(ScenarioError::BadStepFault);
            }
            validate_fault(then, info)
        }
        Fault::CrashOnSend {
            restart_after_ms: Some(ms),
            ..
        } if *ms == 0 || *ms > MAX_WINDOW_MS => Err(ScenarioError::BadWindow {
            what: "restart after a crash",
            from_ms: 0,
            until_ms: *ms,
        }),
        Fault::Lab { name, args, .. } => info.validate_lab_fault(name, args),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The actor limit holds exactly: no shipped lab's schema reaches it
    /// (the most is 33 lanes), so it is checked here with names alone.
    #[test]
    fn at_most_max_actors_lanes() {
        let scenario = crate::registry::preset("payments", "happy-path").unwrap();
        let info = crate::registry::lab("payments").unwrap();
        let names = |n: usize| (0..n).map(|i| format!("a{i}")).collect::<Vec<_>>();
        assert!(validate(&scenario, &info, &names(MAX_ACTORS)).is_ok());
        assert_eq!(
            validate(&scenario, &info, &names(MAX_ACTORS + 1)),
            Err(ScenarioError::TooManyActors(MAX_ACTORS + 1))
        );
    }
}
