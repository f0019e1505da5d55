//! The explorer's fault alphabets: the faults it may add before one step
//! of a run. "Exhaustive" means exhaustive over exactly these. There are
//! two, and a search says which it used.
//!
//! **Focused** (the default): faults that land where the step acts.
//!
//! - **each message the step sends**: dropped, duplicated, or delayed by
//!   the lab's standard delay;
//! - **the actor the step wakes** (a message delivered to it, or its
//!   timer): crashed just before (down from the end of the step before),
//!   restarted the lab's standard downtime after the step's moment, so
//!   the step's message is lost or its timer gone;
//! - **each link the step sends a message on**: cut both ways by a
//!   partition from the step's moment for the lab's standard duration,
//!   so what the step sends on it is lost (when the step shares its
//!   millisecond with the step before, the cut starts 1 ms later: a cut
//!   from then would have stopped that step's messages too).
//!
//! **Every**: the message faults as above, and before every step a crash
//! of **each actor that is up** (down from the end of the step before,
//! restarted the standard downtime after that) and a partition of **each
//! link the fault-free run uses** (a pair of actors that exchange a
//! message) from 1 ms after the step before.
//!
//! Every adds crashes of actors while they are idle and cuts of links the
//! step sends nothing on: their effect shows later (on the actor's next
//! message or timer, the link's next message), at other moments than
//! focused ones give. Focused keeps the cases where a fault meets the
//! work it breaks, and is a quarter of the size at K = 3 (Payments'
//! happy path: 43,429 schedules, against 161,899).
//!
//! Every fault is plain scenario data ([`Fault`]), so a schedule the
//! search finds is a run's fault plan, opened and shared like any other.

use crate::engine::Simulation;
pub use crate::explore_link::Alphabet;
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
    alphabet: Alphabet,
) -> Vec<(Letter, Fault)> {
    Offer::before(before, scales, links, alphabet).after(after, scales)
}

/// The faults to try before one step, taken in two halves so the search
/// can note them while it steps one simulation on (no copy of the state
/// before the step): the crashes and partitions, which the state before
/// the step decides, then the message faults (and, in the focused
/// alphabet, which crashes and cuts meet the step's work), once the step
/// shows what it does.
pub struct Offer {
    alphabet: Alphabet,
    /// Messages sent before the step, the step's index, and the time before it.
    sent: usize,
    step: u32,
    now: u64,
    /// With [`Alphabet::Every`]: every crash and cut.
    crashes_and_partitions: Vec<(Letter, Fault)>,
}

impl Offer {
    /// Note what the state before the step offers.
    pub fn before(
        before: &Simulation,
        scales: FaultScales,
        links: &[(u16, u16)],
        alphabet: Alphabet,
    ) -> Offer {
        let (step, now) = (before.next_step(), before.now());
        let mut crashes_and_partitions = Vec::new();
        if alphabet == Alphabet::Every {
            for (i, name) in before.names().iter().enumerate() {
                if before.is_up(i as u16) {
                    crashes_and_partitions.push(crash(step, now, name));
                }
            }
            let names = before.names();
            for &(a, b) in links {
                let (a, b) = (&names[a as usize], &names[b as usize]);
                crashes_and_partitions.push(partition(now + 1, scales, a, b));
            }
        }
        Offer {
            alphabet,
            sent: before.flights().len(),
            step,
            now,
            crashes_and_partitions,
        }
    }

    /// Every fault to try, in the alphabet's order (message faults, then
    /// crashes, then partitions), given `after`, the run once the step is
    /// taken without a new fault.
    pub fn after(self, after: &Simulation, scales: FaultScales) -> Vec<(Letter, Fault)> {
        let mut out = Vec::new();
        message_faults(self.sent, after, scales, &mut out);
        match self.alphabet {
            Alphabet::Every => out.extend(self.crashes_and_partitions),
            Alphabet::Focused if after.next_step() > self.step => {
                // At the step's own moment: the crashed actor is down from
                // the step before until `downtime_ms` after this one, and
                // the cut stops what the step sends (unless it shares its
                // millisecond with the step before: a cut from then would
                // have stopped that step's messages too).
                let at = after.now();
                if let Some(actor) = after.woken() {
                    out.push(crash(self.step, at, actor));
                }
                let names = after.names();
                let mut cut: Vec<(u16, u16)> = Vec::new();
                for f in &after.flights()[self.sent..] {
                    let link = (f.from.min(f.to), f.from.max(f.to));
                    if link.0 != link.1 && !cut.contains(&link) {
                        cut.push(link);
                        let (a, b) = (&names[link.0 as usize], &names[link.1 as usize]);
                        out.push(partition(at.max(self.now + 1), scales, a, b));
                    }
                }
            }
            // The run ended without another step: nothing to crash or cut.
            Alphabet::Focused => {}
        }
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

/// `actor` crashed just before step `step` (it goes down as the step
/// before ends); `at_ms` is the moment its restart counts from.
fn crash(step: u32, at_ms: u64, actor: &str) -> (Letter, Fault) {
    (
        Letter::Crash,
        Fault::AtStep {
            step,
            then: Box::new(Fault::Crash {
                at_ms,
                actor: actor.to_string(),
            }),
        },
    )
}

/// The link between `a` and `b` cut both ways for the lab's standard time
/// from `from_ms`.
fn partition(from_ms: u64, scales: FaultScales, a: &str, b: &str) -> (Letter, Fault) {
    (
        Letter::Partition,
        Fault::Partition {
            from_ms,
            until_ms: from_ms + scales.partition_ms,
            side_a: vec![a.to_string()],
            side_b: vec![b.to_string()],
        },
    )
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
