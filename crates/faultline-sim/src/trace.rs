//! What a run produces: an ordered list of steps plus what the views need
//! to show any cursor position instantly (state labels, table snapshots,
//! message flights), and the invariant verdicts. The rows actors report
//! and the run logs are in `rows.rs`.

use crate::lines::Said;
use crate::machine::{StateMachine, Transition};
use crate::message::{Mark, Message, MsgClass};
use crate::rows::{LoggedRow, TableSchema};
use crate::scenario::Scenario;
use serde::Serialize;
use std::rc::Rc;

/// What a timer is for; the diagram draws each kind differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum TimerKind {
    /// Giving up on waiting for an answer.
    Timeout,
    /// Waiting before a retry.
    Backoff,
    /// Something lapses: a key's retention, a lease, a token's lifetime.
    Expiry,
    /// Recurring work: a sweep, a relay's poll, a heartbeat.
    Periodic,
    /// Work that takes time (a processor authorizing a card).
    Work,
}

impl TimerKind {
    /// Housekeeping (an expiry sweep, a periodic job): it fires while the
    /// story goes on, but does not keep a run alive on its own. A run ends
    /// when only such timers are left.
    pub fn is_background(self) -> bool {
        matches!(self, TimerKind::Expiry | TimerKind::Periodic)
    }
}

/// How the views should treat an actor that runs many instances of one
/// machine (a request per API call, a record per key, a saga per order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Instances {
    /// What one instance is called ("request", "key").
    pub noun: &'static str,
    /// Whether instances survive a crash of their actor (durable records)
    /// or vanish with it (requests held in memory).
    pub durable: bool,
}

/// One lane of the sequence diagram.
#[derive(Clone, Debug, Serialize)]
pub struct ActorInfo {
    pub name: String,
    pub title: String,
    pub machine: &'static StateMachine,
    /// Set when the actor runs many instances of its machine.
    pub instances: Option<Instances>,
}

/// A transition taken during a step, by an actor (and, for actors that run
/// many instances of one machine, by which instance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Fired {
    pub actor: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<u32>,
    pub transition: Transition,
}

/// A network partition as the diagram draws it: lanes on each side of the
/// cut and the time window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CutMark {
    pub from_ms: u64,
    pub until_ms: u64,
    pub side_a: Vec<u16>,
    pub side_b: Vec<u16>,
}

/// An event an actor fired that its state machine's table does not allow:
/// a bug in the lab (the property tests require there are none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UndefinedTransition {
    pub step: u32,
    pub actor: u16,
    pub state: &'static str,
    pub event: &'static str,
}

/// What kind of event a step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Start,
    Deliver,
    Lost,
    Timer,
    Crash,
    Restart,
    LabFault,
}

/// What became of a message on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Delivered,
    /// Lost in the network (scripted or random drop).
    Dropped,
    /// Arrived at an actor that was down.
    ReceiverDown,
    /// Still in flight when the run ended.
    InFlight,
}

/// A message's full text, rendered on demand: building every message's
/// headers and body up front was a third of a full run's cost, and a view
/// only ever shows one message at a time. The engine keeps a run's
/// messages in one shared log ([`MessageLog`]), so a flight holds only an
/// index into it (no allocation per message).
#[derive(Clone, Default)]
pub struct LazyMessage(Option<(Rc<dyn MessageLog>, u32)>);

/// Messages that can be rendered by index (a run's log of messages, or
/// one closure that makes its single message).
pub trait MessageLog {
    fn message(&self, index: u32) -> Message;
    /// Its short arrow label ("POST /v1/charges #2").
    fn label(&self, index: u32) -> String;
    /// Its tag, drawn before the label (`LabMsg::tag`).
    fn tag(&self, index: u32) -> Option<&'static str>;
}

impl LazyMessage {
    /// Message `index` of a shared log.
    pub fn logged(log: Rc<dyn MessageLog>, index: u32) -> Self {
        Self(Some((log, index)))
    }

    /// The message (an empty request in lean runs, which keep no text).
    pub fn get(&self) -> Message {
        self.0
            .as_ref()
            .map_or_else(|| Message::request(""), |(log, i)| log.message(*i))
    }

    /// Its short arrow label (empty in lean runs).
    pub fn label(&self) -> String {
        self.0
            .as_ref()
            .map_or_else(String::new, |(log, i)| log.label(*i))
    }

    /// Its tag (none in lean runs).
    pub fn tag(&self) -> Option<&'static str> {
        self.0.as_ref().and_then(|(log, i)| log.tag(*i))
    }
}

impl std::fmt::Debug for LazyMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl Serialize for LazyMessage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

/// One message from send to arrival (or loss): an arrow on the diagram.
#[derive(Clone, Debug)]
pub struct Flight {
    pub id: u32,
    pub from: u16,
    pub to: u16,
    pub sent_at: u64,
    pub arrives_at: u64,
    pub send_step: u32,
    pub fate: Fate,
    /// Request or response (for styling and fault matching).
    pub class: MsgClass,
    /// A refusal or a replay, marked in the diagram (not serialized: the
    /// lab's messages say it again when the run is imported).
    pub mark: Mark,
    /// The full message, built only when someone reads it.
    pub message: LazyMessage,
    /// Why this message behaved unusually ("duplicated by a fault").
    pub note: Option<String>,
    /// Set on the second copy when a message was duplicated.
    pub duplicate_of: Option<u32>,
}

/// Serialized with its label, in the order the fields had when the label
/// was stored (golden digests hash this form).
impl Serialize for Flight {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut f = s.serialize_struct("Flight", 12)?;
        f.serialize_field("id", &self.id)?;
        f.serialize_field("from", &self.from)?;
        f.serialize_field("to", &self.to)?;
        f.serialize_field("sent_at", &self.sent_at)?;
        f.serialize_field("arrives_at", &self.arrives_at)?;
        f.serialize_field("send_step", &self.send_step)?;
        f.serialize_field("fate", &self.fate)?;
        f.serialize_field("label", &self.label())?;
        f.serialize_field("class", &self.class)?;
        f.serialize_field("message", &self.message)?;
        f.serialize_field("note", &self.note)?;
        f.serialize_field("duplicate_of", &self.duplicate_of)?;
        f.end()
    }
}

impl Flight {
    /// Its short arrow label ("POST /v1/charges #2"), made when shown
    /// (empty in lean runs).
    pub fn label(&self) -> String {
        self.message.label()
    }

    /// A word drawn before its label ("pivot"), if its lab gives one.
    pub fn tag(&self) -> Option<&'static str> {
        self.message.tag()
    }
}

/// A timer set by an actor: a mark on its lane.
#[derive(Clone, Debug, Serialize)]
pub struct TimerMark {
    pub actor: u16,
    pub set_at: u64,
    /// Step during which it was set.
    pub set_step: u32,
    pub due_at: u64,
    pub kind: TimerKind,
    pub label: String,
    /// Step at which it fired, if it did (cancelled or lost otherwise).
    pub fired_step: Option<u32>,
}

/// A table of an actor's data as the views show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    /// Rows keyed by their first cell; the key lets the view spot changes.
    pub rows: Vec<Vec<String>>,
}

/// Where a step's part lies in one of the run's shared lists (its
/// narration in `Run::text`, its states in `Run::state_bytes`, its
/// transitions in `Run::fired`): a run allocates those lists once instead
/// of three small ones per step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One event of the run.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub index: u32,
    pub time: u64,
    pub kind: StepKind,
    pub actor: Option<u16>,
    /// The message handled (deliver/lost), if any.
    pub flight: Option<u32>,
    /// A short line for the log; empty for deliveries, losses and timers,
    /// whose line [`Run::summary`] derives from the flight or timer.
    pub summary: String,
    /// Its narration ([`Run::narration`]).
    pub narration: Span,
    /// State index of every actor after this step, when it may have changed
    /// (empty otherwise: see [`Run::states_at`]).
    pub states: Span,
    /// Transitions taken during this step, by actor and instance
    /// ([`Run::transitions`]).
    pub transitions: Span,
    /// Actors that are down after this step.
    pub down: Vec<u16>,
}

/// A broken invariant, at the first step that broke it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub step: u32,
    pub time: u64,
    pub invariant: &'static str,
    pub message: String,
}

/// Why a run stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum End {
    /// Nothing left to happen.
    Quiet,
    /// The event bound was hit.
    EventLimit { limit: u32 },
    /// The virtual-time bound was hit.
    TimeLimit { limit_ms: u64 },
}

impl End {
    pub fn message(&self) -> String {
        match self {
            End::Quiet => "The run finished: nothing was left to happen.".into(),
            End::EventLimit { limit } => {
                format!("The run was stopped after {limit} events (the event limit), so it may not have finished.")
            }
            End::TimeLimit { limit_ms } => format!(
                "The run was stopped at {} s of simulated time (the time limit), so it may not have finished.",
                limit_ms / 1000
            ),
        }
    }
}

/// A whole simulated run.
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    pub scenario: Scenario,
    pub actors: Vec<ActorInfo>,
    pub steps: Vec<Step>,
    pub flights: Vec<Flight>,
    pub timers: Vec<TimerMark>,
    /// The tables the actors show, in lane order.
    pub table_schema: Vec<TableSchema>,
    /// Every row written, in step order (only rows that changed are logged,
    /// so recording costs the same however large a table grows).
    pub row_log: Vec<LoggedRow>,
    /// First violation of each invariant, in step order.
    pub violations: Vec<Violation>,
    /// Network partitions in the fault plan, for the diagram.
    pub cuts: Vec<CutMark>,
    /// Events the labs fired against their own tables (must be empty).
    pub undefined_transitions: Vec<UndefinedTransition>,
    pub end: End,
    /// Every step's narration, one after the other (see [`Step::narration`]).
    pub text: String,
    /// Every recorded state snapshot, one after the other.
    pub state_bytes: Vec<u8>,
    /// Every transition taken, in order (steps hold their range).
    pub fired: Vec<Fired>,
}

/// A step as it serializes for digests and export: its narration, states
/// and transitions in place (the form golden digests were made from).
#[derive(Serialize)]
pub struct StepJson<'a> {
    pub index: u32,
    pub time: u64,
    pub kind: StepKind,
    pub actor: Option<u16>,
    pub flight: Option<u32>,
    pub summary: &'a str,
    pub narration: Said<'a>,
    pub states: &'a [u8],
    pub transitions: &'a [Fired],
    pub down: &'a [u16],
}

impl Run {
    /// A step's narration.
    pub fn narration(&self, step: &Step) -> Said<'_> {
        Said::new(self.text.get(step.narration.range()).unwrap_or(""))
    }

    /// The transitions taken during a step.
    pub fn transitions(&self, step: &Step) -> &[Fired] {
        self.fired.get(step.transitions.range()).unwrap_or(&[])
    }

    /// The states a step recorded (empty if it recorded none).
    pub fn step_states(&self, step: &Step) -> &[u8] {
        self.state_bytes.get(step.states.range()).unwrap_or(&[])
    }

    /// A step with its parts in place, as it serializes.
    pub fn step_json<'a>(&'a self, step: &'a Step) -> StepJson<'a> {
        StepJson {
            index: step.index,
            time: step.time,
            kind: step.kind,
            actor: step.actor,
            flight: step.flight,
            summary: &step.summary,
            narration: self.narration(step),
            states: self.step_states(step),
            transitions: self.transitions(step),
            down: &step.down,
        }
    }

    /// The first invariant violation, if any.
    pub fn first_violation(&self) -> Option<&Violation> {
        self.violations.first()
    }

    /// Virtual time at which the run ended.
    pub fn end_time(&self) -> u64 {
        self.steps.last().map_or(0, |s| s.time)
    }

    /// Last step whose time is at or before `t` (0 if none).
    pub fn step_at_time(&self, t: u64) -> u32 {
        let n = self.steps.partition_point(|s| s.time <= t);
        n.saturating_sub(1) as u32
    }

    /// All tables as they stand after `step`: the row log replayed.
    pub fn tables_at(&self, step: u32) -> Vec<Table> {
        let mut out: Vec<Table> = self
            .table_schema
            .iter()
            .map(|t| Table {
                title: t.title.to_string(),
                columns: t.columns.iter().map(|c| c.to_string()).collect(),
                rows: Vec::new(),
            })
            .collect();
        let end = self.row_log.partition_point(|r| r.step <= step);
        // The latest version of each row, in order of first appearance;
        // only those are formatted.
        // (Each row found by its id in a map: a long run's tables have
        // hundreds of rows, looked up for every change logged. A hash map,
        // not a tree: the page has hash maps' code already, and a
        // `BTreeMap` brought 22 KB of WebAssembly for this alone.)
        let mut latest: Vec<Vec<&LoggedRow>> = vec![Vec::new(); out.len()];
        let mut slot: Vec<crate::fingerprinter::NumberMap<u64, usize>> =
            vec![Default::default(); out.len()];
        for entry in &self.row_log[..end] {
            let Some(t) = out.iter().position(|t| t.title == entry.table) else {
                continue;
            };
            match slot[t].get(&entry.id) {
                Some(&i) => latest[t][i] = entry,
                None => {
                    slot[t].insert(entry.id, latest[t].len());
                    latest[t].push(entry);
                }
            }
        }
        for (table, rows) in out.iter_mut().zip(latest) {
            table.rows = rows.into_iter().map(|e| e.cells.get()).collect();
        }
        out
    }

    /// Rows written by `step` itself: (table, row key, whether it is new).
    pub fn row_changes_at(&self, step: u32) -> Vec<(String, String, bool)> {
        let start = self.row_log.partition_point(|r| r.step < step);
        let end = self.row_log.partition_point(|r| r.step <= step);
        self.row_log[start..end]
            .iter()
            .map(|e| {
                let new = !self.row_log[..start]
                    .iter()
                    .any(|o| o.table == e.table && o.id == e.id);
                (e.table.to_string(), e.key(), new)
            })
            .collect()
    }

    /// Serialized form, for export and determinism checks.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// One instance of a many-instance actor as it stands at a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceAt {
    pub id: u32,
    pub state: &'static str,
    /// The transition that brought it here.
    pub last: Transition,
    /// Step of its last transition.
    pub step: u32,
    /// Not in a terminal state (and not lost in a crash).
    pub live: bool,
}

impl Run {
    /// A step's one-line summary ("client-1 → payment-api: POST …").
    pub fn summary(&self, step: &Step) -> String {
        if !step.summary.is_empty() {
            return step.summary.clone();
        }
        let name = |a: u16| self.actors.get(a as usize).map_or("?", |x| x.name.as_str());
        let flight = step.flight.and_then(|f| self.flights.get(f as usize));
        match (step.kind, flight) {
            (StepKind::Deliver, Some(f)) => {
                format!("{} → {}: {}", name(f.from), name(f.to), f.label())
            }
            (StepKind::Lost, Some(f)) => format!("lost in the network: {}", f.label()),
            (StepKind::Timer, _) => {
                let timer = self
                    .timers
                    .iter()
                    .find(|t| t.fired_step == Some(step.index));
                format!(
                    "{}: timer \"{}\" fires",
                    name(step.actor.unwrap_or(0)),
                    timer.map_or("", |t| t.label.as_str())
                )
            }
            _ => String::new(),
        }
    }

    /// Every actor's state index after `step` (empty in lean runs).
    pub fn states_at(&self, step: u32) -> &[u8] {
        self.steps[..=(step as usize).min(self.steps.len().saturating_sub(1))]
            .iter()
            .rev()
            .find(|s| !s.states.is_empty())
            .map_or(&[], |s| self.step_states(s))
    }

    /// The instances of a many-instance actor after `step`, replayed from
    /// the transitions: each with its state and whether it is still live
    /// (not finished, and not held in memory by an actor that crashed).
    pub fn instances_at(&self, actor: u16, step: u32) -> Vec<InstanceAt> {
        let info = &self.actors[actor as usize];
        let durable = info.instances.is_some_and(|i| i.durable);
        let mut out: Vec<InstanceAt> = Vec::new();
        for s in self.steps.iter().take(step as usize + 1) {
            if s.kind == StepKind::Crash && s.actor == Some(actor) && !durable {
                for i in &mut out {
                    i.live = false;
                }
            }
            for f in self.transitions(s).iter().filter(|f| f.actor == actor) {
                let Some(id) = f.instance else { continue };
                let live = !info.machine.is_terminal(f.transition.to);
                let entry = InstanceAt {
                    id,
                    state: f.transition.to,
                    last: f.transition,
                    step: s.index,
                    live,
                };
                match out.iter_mut().find(|i| i.id == id) {
                    Some(i) => *i = entry,
                    None => out.push(entry),
                }
            }
        }
        out
    }
}
