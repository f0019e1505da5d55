//! The Sagas lab's bounded property, which the explorer searches beside
//! the invariants (a lab run does not report it): no participant holds a
//! two-phase-commit lock longer than 2 s. A prepared participant cannot
//! abort alone, so a coordinator that goes quiet leaves it holding the
//! lock; a saga takes no locks (it commits each step and compensates).

use super::actors::SagaActor;
use crate::actor::Actor;
use crate::lab::{always, InvariantInfo};

pub const LOCK_HELD_AT_MOST_2S: &str = "lock-held-at-most-2s";

/// How long a participant may hold its lock.
const LIMIT_MS: u64 = 2_000;

pub fn list() -> Vec<InvariantInfo> {
    vec![InvariantInfo {
        id: LOCK_HELD_AT_MOST_2S,
        text: "No participant holds a two-phase-commit lock longer than 2 s (a bounded property: the explorer checks it).",
        not_checked: always,
    }]
}

/// How long a participant's record held its lock, up to `now_ms`: since
/// it voted yes while still prepared, until its outcome came otherwise.
fn held(r: &super::records::Rec, now_ms: u64) -> u64 {
    if r.m.current == "PREPARED" {
        now_ms.saturating_sub(r.since)
    } else {
        r.blocked_ms.unwrap_or(0)
    }
}

/// The longest any participant has held a 2PC lock, up to `now_ms` (0
/// when none was taken: a saga): the explorer's histogram of time blocked.
pub fn longest_hold(actors: &[SagaActor], now_ms: u64) -> u64 {
    actors
        .iter()
        .filter_map(|a| match a {
            SagaActor::Svc(s) => s.recs.iter().map(|(_, r)| held(r, now_ms)).max(),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// The property, if broken at `now_ms`.
pub fn check(actors: &[SagaActor], now_ms: u64) -> Vec<(&'static str, String)> {
    for a in actors {
        let SagaActor::Svc(s) = a else { continue };
        for (order, r) in s.recs.iter() {
            let held = held(r, now_ms);
            if held > LIMIT_MS {
                return vec![(
                    LOCK_HELD_AT_MOST_2S,
                    format!(
                        "{} has held its lock for order {order} for {held} ms, longer than 2 s: it voted YES and cannot decide alone.",
                        s.title()
                    ),
                )];
            }
        }
    }
    Vec::new()
}
