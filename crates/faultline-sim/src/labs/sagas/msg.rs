//! The Sagas lab's messages: publishes to the broker and its deliveries
//! (each carrying one command or event, an [`Env`]), and the two-phase
//! commit's PREPARE, votes, decisions and acknowledgements.

use super::saga::{step, StepKind};
use crate::actor::{ActorId, LabMsg};
use crate::message::{Mark, Message, MsgClass};
use std::fmt;

/// What a brokered message asks or tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A command: run step Ti.
    Do,
    /// A command: run compensation Ci.
    Undo,
    /// An event: Ti committed.
    Did,
    /// An event: Ti failed (nothing to undo for it).
    Failed,
    /// An event: Ci committed.
    Undid,
}

/// A command or event as the broker carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Env {
    /// Message id: the same on every copy and redelivery.
    pub id: u32,
    /// The order (and its saga), from 1.
    pub saga: u8,
    /// Step 1..=5.
    pub step: u8,
    pub kind: Kind,
    /// The consumer the broker delivers it to (for an event on a topic,
    /// the broker until it makes a copy for each subscriber).
    pub to: ActorId,
    /// The step whose failure started the compensation (0: none).
    pub why: u8,
    /// A choreography's event goes to this topic, not to a named consumer.
    pub topic: Option<&'static str>,
}

impl fmt::Display for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(topic) = self.topic {
            return write!(f, "o{} {topic}", self.saga);
        }
        let s = step(self.step);
        let (t, what) = match self.kind {
            Kind::Do => ('T', s.name),
            Kind::Undo => ('C', s.compensation.unwrap_or("")),
            Kind::Did => ('T', "done"),
            Kind::Failed => ('T', "failed"),
            Kind::Undid => ('C', "done"),
        };
        write!(f, "o{} {t}{} {what}", self.saga, self.step)
    }
}

#[derive(Clone, Debug, Hash)]
pub enum SagaMsg {
    /// Producer to broker: store this message.
    Publish(Env),
    /// Broker to producer: stored durably (publisher confirm).
    Stored(u32),
    /// Broker to consumer: queue entry `q`.
    Deliver {
        q: u32,
        env: Env,
    },
    /// Consumer to broker: entry `q` processed.
    Ack(u32),
    Prepare(u8),
    Vote {
        saga: u8,
        yes: bool,
    },
    Decide {
        saga: u8,
        commit: bool,
    },
    Done(u8),
}

impl LabMsg for SagaMsg {
    fn class(&self) -> MsgClass {
        match self {
            SagaMsg::Publish(_)
            | SagaMsg::Deliver { .. }
            | SagaMsg::Prepare(_)
            | SagaMsg::Decide { .. } => MsgClass::Request,
            _ => MsgClass::Response,
        }
    }

    fn display(&self) -> Message {
        let line = self.label();
        let m = match self.class() {
            MsgClass::Request => Message::request(line),
            _ => Message::response(line),
        };
        // The label names the message and order; a command also carries
        // its step's kind (compensatable, pivot, retriable).
        match self {
            SagaMsg::Publish(e) | SagaMsg::Deliver { env: e, .. } if e.kind == Kind::Do => {
                m.field("step_kind", step(e.step).kind.label())
            }
            _ => m,
        }
    }

    fn label(&self) -> String {
        match self {
            SagaMsg::Publish(e) => format!("publish m{}: {e}", e.id),
            SagaMsg::Stored(id) => format!("stored m{id}"),
            SagaMsg::Deliver { env, .. } => format!("m{}: {env}", env.id),
            SagaMsg::Ack(q) => format!("ack #{q}"),
            SagaMsg::Prepare(s) => format!("PREPARE o{s}"),
            SagaMsg::Vote { saga, yes } => format!("{} o{saga}", if *yes { "YES" } else { "NO" }),
            SagaMsg::Decide { saga, commit } => {
                format!("{} o{saga}", if *commit { "COMMIT" } else { "ABORT" })
            }
            SagaMsg::Done(s) => format!("ACK o{s}"),
        }
    }

    /// The kind of the step a command runs (where it is delivered) or an
    /// event reports (where it is published), so the diagram shows which
    /// step is the pivot, which can be undone and which only retried.
    fn tag(&self) -> Option<&'static str> {
        match self {
            SagaMsg::Deliver { env: e, .. } if e.kind == Kind::Do => {
                Some(step(e.step).kind.label())
            }
            SagaMsg::Publish(e) if matches!(e.kind, Kind::Did | Kind::Failed) => {
                Some(step(e.step).kind.label())
            }
            _ => None,
        }
    }

    fn mark(&self) -> Mark {
        match self {
            SagaMsg::Publish(e) | SagaMsg::Deliver { env: e, .. } if e.kind == Kind::Failed => {
                Mark::Refused
            }
            SagaMsg::Vote { yes: false, .. } | SagaMsg::Decide { commit: false, .. } => {
                Mark::Refused
            }
            _ => Mark::Plain,
        }
    }
}

impl StepKind {
    /// The kind as the diagram labels it.
    pub fn label(self) -> &'static str {
        match self {
            StepKind::Compensatable => "compensatable",
            StepKind::Pivot => "pivot",
            StepKind::Retriable => "retriable",
        }
    }
}
