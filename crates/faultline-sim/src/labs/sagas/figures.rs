//! What a two-phase commit costs, as figures beside the narration: the
//! participants blocked at a step with the locks they hold, the orders
//! waiting behind those locks, and the time spent blocked so far. Derived
//! from the run's own transitions (a participant is blocked from the vote
//! that makes it PREPARED until the decision reaches it).

use super::records::TPC_M;
use super::saga::{NAMES, PARTICIPANTS};
use crate::lab::Figure;
use crate::trace::Run;
use crate::units::secs;

/// The 2PC figures at `cursor` (none for a saga run).
pub fn two_phase(run: &Run, cursor: u32) -> Vec<Figure> {
    let two_pc = PARTICIPANTS.iter().all(|&a| {
        run.actors
            .get(usize::from(a))
            .is_some_and(|info| info.machine.name == TPC_M.name)
    });
    if !two_pc {
        return Vec::new();
    }
    let now = run.steps.get(cursor as usize).map_or(0, |s| s.time);
    // (participant, order, since) of each lock held and each order waiting.
    let mut held: Vec<(u16, u32, u64)> = Vec::new();
    let mut waiting: Vec<(u16, u32)> = Vec::new();
    let (mut total_ms, mut longest_ms) = (0u64, 0u64);
    for s in run.steps.iter().take(cursor as usize + 1) {
        for f in run.transitions(s) {
            let Some(order) = f.instance else { continue };
            if !PARTICIPANTS.contains(&f.actor) {
                continue;
            }
            let key = (f.actor, order);
            if let Some(i) = held.iter().position(|h| (h.0, h.1) == key) {
                let blocked = s.time - held.remove(i).2;
                total_ms += blocked;
                longest_ms = longest_ms.max(blocked);
            }
            waiting.retain(|w| *w != key);
            match f.transition.to {
                "PREPARED" => held.push((f.actor, order, s.time)),
                "WAITING" => waiting.push(key),
                _ => {}
            }
        }
    }
    for h in &held {
        total_ms += now - h.2;
        longest_ms = longest_ms.max(now - h.2);
    }
    let names = |v: &mut dyn Iterator<Item = (u16, u32)>| {
        let all: Vec<String> = v
            .map(|(a, o)| format!("{} · o{o}", NAMES[usize::from(a)]))
            .collect();
        match all.len() {
            0 => "none".to_string(),
            n => format!("{n}: {}", all.join(", ")),
        }
    };
    vec![
        Figure {
            label: "Blocked now, lock held",
            value: names(&mut held.iter().map(|h| (h.0, h.1))),
        },
        Figure {
            label: "Waiting for a lock",
            value: names(&mut waiting.iter().copied()),
        },
        Figure {
            label: "Time blocked so far (all participants)",
            value: secs(total_ms),
        },
        Figure {
            label: "Longest block",
            value: secs(longest_ms),
        },
    ]
}
