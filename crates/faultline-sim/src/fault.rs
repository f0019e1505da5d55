//! Faults as data. A fault plan is a list of values, so it can be stored in
//! a permalink, appended to by a click, shared between two configs and
//! enumerated by an explorer.

use crate::config::{Config, Latency};
use crate::message::MsgClass;
use serde::Serialize;

// Read by hand (`crate::read` implements `Deserialize`): serde derives only
// `Serialize` here.

/// Which message a network fault (or a message-triggered fault) applies to:
/// the `nth` message sent at or after `after_ms` that matches every filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct MsgMatch {
    pub after_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<MsgClass>,
    pub nth: u32,
}

impl MsgMatch {
    /// The next message of `class` sent at or after `after_ms`.
    pub fn next(after_ms: u64, class: Option<MsgClass>) -> Self {
        Self {
            after_ms,
            from: None,
            to: None,
            class,
            nth: 1,
        }
    }

    pub fn from(mut self, actor: &str) -> Self {
        self.from = Some(actor.to_string());
        self
    }

    pub fn to(mut self, actor: &str) -> Self {
        self.to = Some(actor.to_string());
        self
    }

    pub fn nth(mut self, n: u32) -> Self {
        self.nth = n.max(1);
        self
    }

    /// Does a message sent at `now` from `from` to `to` pass the filters?
    pub fn accepts(&self, now: u64, from: &str, to: &str, class: MsgClass) -> bool {
        now >= self.after_ms
            && self.from.as_deref().is_none_or(|f| f == from)
            && self.to.as_deref().is_none_or(|t| t == to)
            && self.class.is_none_or(|c| c == class)
    }
}

/// What happens to a matched message on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum NetAction {
    Drop,
    Duplicate,
    Delay { ms: u64 },
}

/// One scripted fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
// Externally tagged (`{"crash": {...}}`): an internally tagged enum makes
// serde buffer the input, which costs several KB of WebAssembly.
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Drop, duplicate or delay one message.
    Net { on: MsgMatch, action: NetAction },
    /// Crash an actor at a time: its volatile state and timers are lost.
    Crash { at_ms: u64, actor: String },
    /// Crash an actor at the moment a matching message is sent (for example
    /// "between the charge and the key record"), and, if given, restart it
    /// that many ms after the crash (not after the fault was added: the
    /// crash may come much later).
    CrashOnSend {
        on: MsgMatch,
        actor: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        restart_after_ms: Option<u64>,
    },
    /// Restart a crashed actor from its durable state.
    Restart { at_ms: u64, actor: String },
    /// A lab-specific fault ("expire-keys", "change-amount") handed to one
    /// actor, with optional parameters (`{"amount": 5000}`).
    Lab {
        at_ms: u64,
        actor: String,
        name: String,
        #[serde(skip_serializing_if = "Config::is_empty")]
        args: Config,
    },
    /// A network partition: from `from_ms` until `until_ms`, every message
    /// between an actor of `side_a` and an actor of `side_b` (either way)
    /// is lost. Drawn as a cut on the diagram.
    Partition {
        from_ms: u64,
        until_ms: u64,
        side_a: Vec<String>,
        side_b: Vec<String>,
    },
    /// Rules for one link (messages from `from` to `to`) during a window:
    /// its own latency range, loss and duplication chances.
    Link(LinkRule),
    /// A crash, restart or lab fault that acts as step `step` of the run
    /// (just before the event that would have been that step), whatever
    /// its own time says.
    AtStep { step: u32, then: Box<Fault> },
}

impl Fault {
    /// A lab fault without parameters.
    pub fn lab(at_ms: u64, actor: &str, name: &str) -> Self {
        Fault::Lab {
            at_ms,
            actor: actor.to_string(),
            name: name.to_string(),
            args: Config::new(),
        }
    }

    /// The earliest virtual time at which this fault can act.
    pub fn earliest_ms(&self) -> u64 {
        match self {
            Fault::Net { on, .. } | Fault::CrashOnSend { on, .. } => on.after_ms,
            Fault::Crash { at_ms, .. }
            | Fault::Restart { at_ms, .. }
            | Fault::Lab { at_ms, .. } => *at_ms,
            Fault::Partition { from_ms, .. } | Fault::Link(LinkRule { from_ms, .. }) => *from_ms,
            Fault::AtStep { then, .. } => then.earliest_ms(),
        }
    }

    /// Whether this fault may be the inner fault of [`Fault::AtStep`].
    pub fn acts_at_a_moment(&self) -> bool {
        matches!(
            self,
            Fault::Crash { .. } | Fault::Restart { .. } | Fault::Lab { .. }
        )
    }

    /// The actor this fault names, if any (validated against the lab).
    pub fn actors(&self) -> Vec<&str> {
        match self {
            Fault::Net { on, .. } => on
                .from
                .iter()
                .chain(on.to.iter())
                .map(String::as_str)
                .collect(),
            Fault::CrashOnSend { on, actor, .. } => {
                let mut v: Vec<&str> = on
                    .from
                    .iter()
                    .chain(on.to.iter())
                    .map(String::as_str)
                    .collect();
                v.push(actor);
                v
            }
            Fault::Crash { actor, .. }
            | Fault::Restart { actor, .. }
            | Fault::Lab { actor, .. } => vec![actor],
            Fault::Partition { side_a, side_b, .. } => {
                side_a.iter().chain(side_b).map(String::as_str).collect()
            }
            Fault::Link(rule) => vec![&rule.from, &rule.to],
            Fault::AtStep { then, .. } => then.actors(),
        }
    }
}

/// A per-link rule: from `from_ms` until `until_ms`, messages from `from`
/// to `to` get this latency range and these chances of loss and
/// duplication.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct LinkRule {
    pub from: String,
    pub to: String,
    pub from_ms: u64,
    pub until_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
    pub drop_permille: u16,
    pub duplicate_permille: u16,
}

impl LinkRule {
    /// Whether the rule covers a message sent at `now`.
    pub fn active(&self, now: u64) -> bool {
        (self.from_ms..self.until_ms).contains(&now)
    }
}

/// Random network trouble, drawn from the seeded generator, per message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RandomFaults {
    pub drop_permille: u16,
    pub duplicate_permille: u16,
    pub delay_permille: u16,
    pub delay_ms: u64,
}

impl RandomFaults {
    /// Only losses: each message lost with a chance of `permille` in 1000.
    pub fn losing(permille: u16) -> Self {
        Self {
            drop_permille: permille,
            duplicate_permille: 0,
            delay_permille: 0,
            delay_ms: 0,
        }
    }

    pub fn is_off(&self) -> bool {
        self.drop_permille == 0 && self.duplicate_permille == 0 && self.delay_permille == 0
    }

    /// Draw one message's random fate (in this order: drop, duplicate, delay).
    pub(crate) fn draw(&self, rng: &mut crate::rng::SimRng) -> Option<(NetAction, &'static str)> {
        if rng.chance_permille(self.drop_permille) {
            Some((NetAction::Drop, "random fault"))
        } else if rng.chance_permille(self.duplicate_permille) {
            Some((NetAction::Duplicate, "random fault"))
        } else if rng.chance_permille(self.delay_permille) {
            Some((NetAction::Delay { ms: self.delay_ms }, "random fault"))
        } else {
            None
        }
    }
}
