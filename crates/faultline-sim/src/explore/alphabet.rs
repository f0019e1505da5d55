//! The explorer's fault alphabet: the faults it may add before one step of
//! a run. "Exhaustive" means exhaustive over exactly these:
//!
//! - **each message the step sends**: dropped, duplicated, or delayed by
//!   the lab's standard delay;
//! - **each actor that is up**: crashed just before the step, restarted
//!   the lab's standard downtime later;
//! - **each link the fault-free run uses** (a pair of actors that exchange
//!   a message): cut both ways by a partition that starts 1 ms after the
//!   previous step and lasts the lab's standard duration.
//!
//! Every fault is plain scenario data ([`Fault`]), so a schedule the
//! search finds is a run's fault plan, opened and shared like any other.

use crate::engine::Simulation;
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::FaultScales;

/// One letter of the alphabet, as the explorer's report names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Letter {
    Drop,
    Duplicate,
    Delay,
    Crash,
    Partition,
}

/// The faults to try before the step `before` is about to take, given
/// `after`, the same run one step on without a new fault (which shows the
/// messages the step sends). `links` are the pairs of lanes to partition.
pub fn choices(
    before: &Simulation,
    after: &Simulation,
    scales: FaultScales,
    links: &[(u16, u16)],
) -> Vec<(Letter, Fault)> {
    Offer::before(before, scales, links).after(after, scales)
}

/// The faults to try before one step, taken in two halves so the search
/// can note them while it steps one simulation on (no copy of the state
/// before the step): the crashes and partitions, which the state before
/// the step decides, then the message faults, once the step shows what it
/// sends.
pub struct Offer {
    /// Messages sent before the step.
    sent: usize,
    crashes_and_partitions: Vec<(Letter, Fault)>,
}

impl Offer {
    /// Note what the state before the step offers.
    pub fn before(before: &Simulation, scales: FaultScales, links: &[(u16, u16)]) -> Offer {
        let mut crashes_and_partitions = Vec::new();
        crash_faults(before, &mut crashes_and_partitions);
        partition_faults(before, scales, links, &mut crashes_and_partitions);
        Offer {
            sent: before.flights().len(),
            crashes_and_partitions,
        }
    }

    /// Every fault to try, in the alphabet's order (message faults first),
    /// given `after`, the run once the step is taken without a new fault.
    pub fn after(self, after: &Simulation, scales: FaultScales) -> Vec<(Letter, Fault)> {
        let mut out = Vec::new();
        message_faults(self.sent, after, scales, &mut out);
        out.extend(self.crashes_and_partitions);
        out
    }
}

/// Each message `after`'s step sent (not a network copy, not one a fault
/// already took): dropped, duplicated, or delayed by the lab's delay.
fn message_faults(
    sent_before: usize,
    after: &Simulation,
    scales: FaultScales,
    out: &mut Vec<(Letter, Fault)>,
) {
    let names = after.names();
    let flights = after.flights();
    for f in &flights[sent_before..] {
        if f.duplicate_of.is_some() || after.is_claimed(f.id) {
            continue; // a copy the network made, or a message a fault already took
        }
        let mut on = MsgMatch::next(f.sent_at, Some(f.class))
            .from(&names[f.from as usize])
            .to(&names[f.to as usize]);
        // It is the nth message the fault's filters accept.
        let earlier = flights[..f.id as usize]
            .iter()
            .filter(|g| {
                g.duplicate_of.is_none()
                    && !after.is_claimed(g.id)
                    && on.accepts(
                        g.sent_at,
                        &names[g.from as usize],
                        &names[g.to as usize],
                        g.class,
                    )
            })
            .count() as u32;
        on = on.nth(earlier + 1);
        for (letter, action) in [
            (Letter::Drop, NetAction::Drop),
            (Letter::Duplicate, NetAction::Duplicate),
            (
                Letter::Delay,
                NetAction::Delay {
                    ms: scales.delay_ms,
                },
            ),
        ] {
            out.push((
                letter,
                Fault::Net {
                    on: on.clone(),
                    action,
                },
            ));
        }
    }
}

/// Each actor up before the step, crashed at it.
fn crash_faults(before: &Simulation, out: &mut Vec<(Letter, Fault)>) {
    let names = before.names();
    let step = before.next_step();
    let now = before.now();
    for (i, name) in names.iter().enumerate() {
        if !before.is_up(i as u16) {
            continue;
        }
        out.push((
            Letter::Crash,
            Fault::AtStep {
                step,
                then: Box::new(Fault::Crash {
                    at_ms: now,
                    actor: name.clone(),
                }),
            },
        ));
    }
}

/// Each link in `links`, cut for the lab's standard time from just after now.
fn partition_faults(
    before: &Simulation,
    scales: FaultScales,
    links: &[(u16, u16)],
    out: &mut Vec<(Letter, Fault)>,
) {
    let (names, now) = (before.names(), before.now());
    for &(a, b) in links {
        out.push((
            Letter::Partition,
            Fault::Partition {
                from_ms: now + 1,
                until_ms: now + 1 + scales.partition_ms,
                side_a: vec![names[a as usize].clone()],
                side_b: vec![names[b as usize].clone()],
            },
        ));
    }
}

/// The restart that goes with a crash letter: the crashed actor comes back
/// after the lab's standard downtime.
pub fn restart_for(crash: &Fault, scales: FaultScales) -> Option<Fault> {
    match crash {
        Fault::AtStep { then, .. } => match then.as_ref() {
            Fault::Crash { at_ms, actor } => Some(Fault::Restart {
                at_ms: at_ms + scales.downtime_ms,
                actor: actor.clone(),
            }),
            _ => None,
        },
        _ => None,
    }
}

/// The links a run used: each pair of lanes that exchanged a message,
/// lower lane first, in order of first use.
pub fn links_of(flights: &[crate::trace::Flight]) -> Vec<(u16, u16)> {
    let mut links = Vec::new();
    for f in flights {
        let pair = (f.from.min(f.to), f.from.max(f.to));
        if pair.0 != pair.1 && !links.contains(&pair) {
            links.push(pair);
        }
    }
    links
}
