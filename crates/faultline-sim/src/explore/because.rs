//! A counterexample's "because" chain: the steps that lead from its
//! faults to the broken property, each in the run's own words ("lost in
//! the network: approved auth_1", then "client-1: timer … fires", …).
//!
//! The chain is the faults' own steps (a message lost or cut, a crash, a
//! restart, a duplicate or delayed message arriving) and the steps that
//! led to the violating step by messages and timers (each delivery back
//! to its send, each timer back to where it was set), from the first
//! fault on.

use crate::trace::{Fate, Run, StepKind};

/// The most steps a chain lists (the first and the last are always in).
const MOST: usize = 8;

/// The chain of steps up to `step`, each as "step N: what happened".
pub fn because(run: &Run, step: u32) -> Vec<String> {
    let mut chosen: Vec<u32> = Vec::new();
    // The faults' own steps.
    for s in run.steps.iter().take(step as usize + 1) {
        let flight = s.flight.and_then(|f| run.flights.get(f as usize));
        let by_fault = match s.kind {
            StepKind::Crash | StepKind::Restart | StepKind::LabFault => true,
            StepKind::Lost => flight.is_some_and(|f| f.fate == Fate::Dropped),
            StepKind::Deliver => {
                flight.is_some_and(|f| f.duplicate_of.is_some() || f.note.is_some())
            }
            _ => false,
        };
        if by_fault {
            chosen.push(s.index);
        }
    }
    let first = chosen.first().copied().unwrap_or(0);
    // Back from the violating step by messages and timers.
    let mut at = Some(step);
    while let Some(i) = at.filter(|i| *i >= first) {
        chosen.push(i);
        let s = &run.steps[i as usize];
        at = match s.kind {
            StepKind::Deliver => s
                .flight
                .and_then(|f| run.flights.get(f as usize))
                .map(|f| f.send_step)
                .filter(|p| *p < i),
            StepKind::Timer => run
                .timers
                .iter()
                .find(|t| t.fired_step == Some(i))
                .map(|t| t.set_step)
                .filter(|p| *p < i),
            _ => None,
        };
    }
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.len() > MOST {
        // Keep the first steps and the last one.
        let last = *chosen.last().expect("not empty");
        chosen.truncate(MOST - 1);
        chosen.push(last);
    }
    chosen
        .into_iter()
        .map(|i| {
            let s = &run.steps[i as usize];
            let note = s
                .flight
                .and_then(|f| run.flights.get(f as usize))
                .and_then(|f| f.note.as_deref())
                .map_or(String::new(), |n| format!(" ({n})"));
            format!("step {i}: {}{note}", run.summary(s))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_answer_is_followed_to_the_double_charge() {
        let s = crate::preset("payments", "lost-response-no-key").unwrap();
        let run = crate::simulate(&s).unwrap();
        let v = run
            .violations
            .iter()
            .find(|v| v.invariant == "one-charge-per-order")
            .unwrap();
        let chain = because(&run, v.step);
        assert!(chain[0].contains("lost in the network"), "{chain:?}");
        // Back from the second hold by messages and timers: the client's
        // timeout, its retry, the API's second authorization.
        for said in ["timeout #1", "POST /v1/charges #2", "authorize"] {
            assert!(chain.iter().any(|l| l.contains(said)), "{said}: {chain:?}");
        }
        assert!(
            chain
                .last()
                .unwrap()
                .starts_with(&format!("step {}:", v.step)),
            "{chain:?}"
        );
        assert!(chain.len() <= MOST);
    }
}
