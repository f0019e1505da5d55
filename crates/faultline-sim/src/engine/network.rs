//! The network: what happens to a message between send and arrival.
//! Latency comes from the seeded generator; its fate (deliver, drop,
//! duplicate, delay) from the scripted fault plan, partitions, per-link
//! rules and random trouble, in that order. Draws happen only in event
//! order, and rules that start at `t` draw only for messages sent at or
//! after `t`, so the past of a run never changes when a fault is added.

use crate::actor::ActorId;
use crate::fault::{Fault, LinkRule, NetAction};
use crate::message::MsgClass;
use crate::rng::SimRng;
use crate::scenario::{Latency, Scenario};

/// Why a message a scripted fault took behaved so (its flight's note).
pub(super) const SCRIPTED: &str = "scripted fault";

/// A partition resolved to lane numbers.
#[derive(Clone, Debug, Hash)]
pub(super) struct Partition {
    from_ms: u64,
    pub(super) until_ms: u64,
    side_a: Vec<ActorId>,
    side_b: Vec<ActorId>,
}

impl Partition {
    fn cuts(&self, now: u64, from: ActorId, to: ActorId) -> bool {
        (self.from_ms..self.until_ms).contains(&now)
            && (self.side_a.contains(&from) && self.side_b.contains(&to)
                || self.side_b.contains(&from) && self.side_a.contains(&to))
    }
}

/// A per-link rule with its ends resolved to lane numbers.
#[derive(Clone, Debug, Hash)]
pub(super) struct LinkLanes {
    from: ActorId,
    to: ActorId,
    pub(super) rule: LinkRule,
}

/// What the network decided for one message.
pub(super) struct Routing {
    pub latency: u64,
    /// The fate, if not a plain delivery, and why (for the flight's note).
    pub action: Option<(NetAction, &'static str)>,
    /// An actor to crash at the moment of sending (`CrashOnSend`), and
    /// when it restarts after the crash.
    pub crash: Option<Crash>,
}

/// An actor a send crashes, and how long after the crash it restarts.
pub(super) type Crash = (ActorId, Option<u64>);

#[derive(Clone)]
pub(super) struct Network {
    latency: Latency,
    pub(super) partitions: Vec<Partition>,
    pub(super) links: Vec<LinkLanes>,
    /// How many matching messages each message-triggered fault has seen.
    pub(super) hits: Vec<u32>,
    /// Message-triggered faults that have acted.
    pub(super) done: Vec<bool>,
    /// Flights a scripted fault took (dropped, duplicated or delayed):
    /// faults later in the plan do not count them (for faults added mid-run).
    #[cfg(feature = "explore")]
    pub(super) claimed: Vec<u32>,
}

impl Network {
    pub fn new(scenario: &Scenario, names: &[String]) -> Self {
        let mut net = Self {
            latency: scenario.latency,
            partitions: Vec::new(),
            links: Vec::new(),
            hits: Vec::with_capacity(scenario.faults.len()),
            done: Vec::with_capacity(scenario.faults.len()),
            #[cfg(feature = "explore")]
            claimed: Vec::new(),
        };
        for f in &scenario.faults {
            net.add(f, names, 0);
        }
        net
    }

    /// Take the plan's next fault into account; `hits` of its matches have
    /// already been sent (none, unless it is added to a run under way).
    pub(super) fn add(&mut self, fault: &Fault, names: &[String], hits: u32) {
        let id = |n: &String| names.iter().position(|x| x == n).map(|i| i as ActorId);
        let ids = |v: &[String]| v.iter().filter_map(id).collect::<Vec<_>>();
        self.hits.push(hits);
        self.done.push(false);
        match fault {
            Fault::Partition {
                from_ms,
                until_ms,
                side_a,
                side_b,
            } => self.partitions.push(Partition {
                from_ms: *from_ms,
                until_ms: *until_ms,
                side_a: ids(side_a),
                side_b: ids(side_b),
            }),
            Fault::Link(rule) => {
                if let (Some(from), Some(to)) = (id(&rule.from), id(&rule.to)) {
                    self.links.push(LinkLanes {
                        from,
                        to,
                        rule: rule.clone(),
                    });
                }
            }
            _ => {}
        }
    }

    /// Decide a message's latency and fate.
    #[allow(clippy::too_many_arguments)]
    pub fn route(
        &mut self,
        scenario: &Scenario,
        names: &[String],
        rng: &mut SimRng,
        now: u64,
        from: ActorId,
        to: ActorId,
        class: MsgClass,
    ) -> Routing {
        // (latency, loss, duplication) of the link rule in force, if any.
        let link = self
            .links
            .iter()
            .find(|l| l.from == from && l.to == to && l.rule.active(now))
            .map(|l| {
                (
                    l.rule.latency,
                    l.rule.drop_permille,
                    l.rule.duplicate_permille,
                )
            });
        let lat = link.and_then(|l| l.0).unwrap_or(self.latency);
        let latency = rng.between(lat.min_ms, lat.max_ms);
        let (mut action, crash) = self.scripted(scenario, names, now, from, to, class);
        if self.partitions.iter().any(|p| p.cuts(now, from, to)) {
            return Routing {
                latency,
                action: Some((NetAction::Drop, "cut by a network partition")),
                crash,
            };
        }
        if action.is_none() {
            if let Some((_, drop, duplicate)) = link {
                if rng.chance_permille(drop) {
                    action = Some((NetAction::Drop, "link rule"));
                } else if rng.chance_permille(duplicate) {
                    action = Some((NetAction::Duplicate, "link rule"));
                }
            }
        }
        let random = &scenario.random;
        if action.is_none() && !random.is_off() {
            action = random.draw(rng);
        }
        Routing {
            latency,
            action,
            crash,
        }
    }

    /// Extra latency of a duplicate's second copy.
    pub fn duplicate_extra(&self, rng: &mut SimRng) -> u64 {
        rng.between(self.latency.min_ms, self.latency.max_ms)
    }

    /// Match the message against the scripted, message-triggered faults.
    fn scripted(
        &mut self,
        scenario: &Scenario,
        names: &[String],
        now: u64,
        from: ActorId,
        to: ActorId,
        class: MsgClass,
    ) -> (Option<(NetAction, &'static str)>, Option<Crash>) {
        let mut action = None;
        let mut crash = None;
        for (i, f) in scenario.faults.iter().enumerate() {
            if self.done[i] {
                continue;
            }
            let (on, is_crash) = match f {
                Fault::Net { on, .. } => (on, false),
                Fault::CrashOnSend { on, .. } => (on, true),
                _ => continue,
            };
            if is_crash && crash.is_some() || !is_crash && action.is_some() {
                continue;
            }
            if !on.accepts(now, &names[from as usize], &names[to as usize], class) {
                continue;
            }
            self.hits[i] += 1;
            if self.hits[i] < on.nth {
                continue;
            }
            self.done[i] = true;
            match f {
                Fault::Net { action: a, .. } => action = Some((a.clone(), SCRIPTED)),
                Fault::CrashOnSend {
                    actor,
                    restart_after_ms,
                    ..
                } => {
                    crash = names
                        .iter()
                        .position(|n| n == actor)
                        .map(|i| (i as ActorId, *restart_after_ms))
                }
                _ => {}
            }
        }
        (action, crash)
    }
}
