//! The actor contract: a state machine that, on a message, a timer or a
//! lifecycle event, records commands in a context and returns. It never
//! touches a clock, randomness or the DOM; the engine performs everything.

use crate::lines::Lines;
use crate::machine::MachineState;
use crate::message::{Message, MsgClass};
use crate::rng::SimRng;
use crate::scenario::Config;
// What a timer is for and how an actor's instances are shown are words of
// the trace (it records them); actors use them from here.
use crate::rows::{RowChange, TableSchema};
use crate::trace::Fired;
pub use crate::trace::{Instances, TimerKind};

/// Index of an actor in its lab's actor list.
pub type ActorId = u16;

/// What one handler call produced, for the engine to carry out (its
/// narration and transitions went straight into the step's lists).
pub(crate) struct CtxOutput<M> {
    pub(crate) commands: Vec<Command<M>>,
    /// A machine moved (also in lean runs, which keep no transitions).
    pub(crate) moved: bool,
    pub(crate) undefined: Vec<(&'static str, &'static str)>,
    pub(crate) data_changed: bool,
}

/// A lab's message type: typed for the actors, displayable for the trace.
pub trait LabMsg: Clone + std::fmt::Debug + std::hash::Hash + 'static {
    fn class(&self) -> MsgClass;
    /// The full message as the learner reads it.
    fn display(&self) -> Message;
    /// A short arrow label.
    fn label(&self) -> String;
    /// Whether the message refuses or replays (the diagram marks it).
    fn mark(&self) -> crate::message::Mark {
        crate::message::Mark::Plain
    }
    /// The parameters that matter at this step, which the view highlights
    /// in the message's text (see `Message::focus`).
    fn focus(&self) -> &'static [&'static str] {
        &[]
    }
    /// A word the diagram draws before the arrow's label, for what the
    /// message stands for in the lesson (a saga step's kind: "pivot").
    fn tag(&self) -> Option<&'static str> {
        None
    }
}

/// What an actor asks the engine to do.
#[derive(Clone, Debug)]
pub enum Command<M> {
    Send {
        to: ActorId,
        msg: M,
    },
    SetTimer {
        after_ms: u64,
        tag: u32,
        kind: TimerKind,
        label: String,
    },
    CancelTimer {
        tag: u32,
    },
}

/// Handed to an actor for one event; collects its commands.
pub struct Ctx<'a, M> {
    now: u64,
    /// False in lean runs: narration is not even formatted.
    detail: bool,
    me: ActorId,
    rng: &'a mut SimRng,
    commands: Vec<Command<M>>,
    /// The step's narration and transitions: a handler appends to them
    /// (no list of its own to allocate, free and copy over).
    narration: &'a mut Lines,
    transitions: &'a mut Vec<Fired>,
    moved: bool,
    undefined: Vec<(&'static str, &'static str)>,
    data_changed: bool,
}

impl<'a, M> Ctx<'a, M> {
    /// A context that records into `commands` (an empty buffer the engine
    /// reuses between handler calls, so recording allocates nothing) and
    /// appends narration and transitions to the step's.
    pub(crate) fn new(
        now: u64,
        me: ActorId,
        rng: &'a mut SimRng,
        detail: bool,
        commands: Vec<Command<M>>,
        narration: &'a mut Lines,
        transitions: &'a mut Vec<Fired>,
    ) -> Self {
        Self {
            now,
            detail,
            me,
            rng,
            commands,
            narration,
            transitions,
            moved: false,
            undefined: Vec::new(),
            data_changed: false,
        }
    }

    /// Current virtual time in ms.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// This actor's id.
    pub fn me(&self) -> ActorId {
        self.me
    }

    pub fn send(&mut self, to: ActorId, msg: M) {
        self.commands.push(Command::Send { to, msg });
    }

    /// Start (or restart) the timer `tag`, due `after_ms` from now.
    pub fn set_timer(&mut self, after_ms: u64, tag: u32, kind: TimerKind, label: &str) {
        self.set_timer_with(after_ms, tag, kind, || label.to_string());
    }

    /// Like `set_timer`, building the label only when the run keeps it.
    pub fn set_timer_with(
        &mut self,
        after_ms: u64,
        tag: u32,
        kind: TimerKind,
        label: impl FnOnce() -> String,
    ) {
        let label = if self.detail { label() } else { String::new() };
        self.commands.push(Command::SetTimer {
            after_ms,
            tag,
            kind,
            label,
        });
    }

    pub fn cancel_timer(&mut self, tag: u32) {
        self.commands.push(Command::CancelTimer { tag });
    }

    /// One line of narration for the learner.
    pub fn say(&mut self, line: impl AsRef<str>) {
        if self.detail {
            self.narration.push(line.as_ref());
        }
    }

    /// Narration built only when the run keeps it. `say!` (`crate::lines`) is
    /// cheaper for a plain `format!`: it writes in place.
    pub fn say_with(&mut self, line: impl FnOnce() -> String) {
        if self.detail {
            self.narration.push(&line());
        }
    }

    /// Whether this run keeps narration and labels (false in lean runs).
    pub fn detailed(&self) -> bool {
        self.detail
    }

    /// One line of narration formatted in place (see `say!` (`crate::lines`)).
    pub fn say_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        if self.detail {
            self.narration.push_fmt(args);
        }
    }

    /// Hand back what the actor asked for, releasing the generator.
    pub(crate) fn finish(self) -> CtxOutput<M> {
        CtxOutput {
            commands: self.commands,
            moved: self.moved,
            undefined: self.undefined,
            data_changed: self.data_changed,
        }
    }

    /// A random value in `0..n` from the engine's seeded generator.
    pub fn random_below(&mut self, n: u64) -> u64 {
        self.rng.below(n)
    }

    /// Raw random bits from the engine's seeded generator.
    pub fn random_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Advance `machine` by `event` through its table, recording the
    /// transition for the views. The table is the authority: an event it
    /// does not allow from the current state is a bug in the actor (a
    /// debug assertion, and recorded in the run for the property tests).
    pub fn fire(&mut self, machine: &mut MachineState, event: &'static str) -> bool {
        self.fire_at(machine, None, event)
    }

    /// Like [`Ctx::fire`], for one instance (request, key, saga) of an
    /// actor that runs many; the views let the learner pick an instance.
    pub fn fire_instance(
        &mut self,
        machine: &mut MachineState,
        instance: u32,
        event: &'static str,
    ) -> bool {
        self.fire_at(machine, Some(instance), event)
    }

    fn fire_at(
        &mut self,
        machine: &mut MachineState,
        instance: Option<u32>,
        event: &'static str,
    ) -> bool {
        match machine.fire(event) {
            Some(t) => {
                self.moved = true;
                if self.detail {
                    self.transitions.push(Fired {
                        actor: self.me,
                        instance,
                        transition: t,
                    });
                }
                true
            }
            None => {
                debug_assert!(
                    false,
                    "{}: the event \"{event}\" is not allowed from state \"{}\"",
                    machine.machine.name, machine.current
                );
                self.undefined.push((machine.current, event));
                false
            }
        }
    }

    /// Tell the engine this actor's tables changed (re-snapshot them).
    pub fn data_changed(&mut self) {
        self.data_changed = true;
    }
}

/// A simulated service or client.
pub trait Actor {
    type Msg: LabMsg;

    /// Stable id used in faults and permalinks ("payment-api").
    fn name(&self) -> &str;
    /// Human title for the lane ("Payment API").
    fn title(&self) -> String;
    /// The state machine panel's current state (its table is inside).
    fn machine(&self) -> &MachineState;

    fn on_start(&mut self, _ctx: &mut Ctx<Self::Msg>) {}
    fn on_message(&mut self, from: ActorId, msg: Self::Msg, ctx: &mut Ctx<Self::Msg>);
    fn on_timer(&mut self, _tag: u32, _ctx: &mut Ctx<Self::Msg>) {}
    /// Lose volatile state. Durable state must survive.
    fn on_crash(&mut self);
    /// Come back from durable state.
    fn on_restart(&mut self, _ctx: &mut Ctx<Self::Msg>) {}
    /// A lab-specific fault with its parameters; returns false if this
    /// actor ignores it.
    fn on_lab_fault(&mut self, _name: &str, _args: &Config, _ctx: &mut Ctx<Self::Msg>) -> bool {
        false
    }
    /// Set when this actor runs many instances of its machine.
    fn instances(&self) -> Option<Instances> {
        None
    }
    /// The tables this actor writes rows to.
    fn schema(&self) -> Vec<TableSchema> {
        Vec::new()
    }
    /// Rows changed since the last call, keyed by their first cell. With
    /// `None` (a lean run) the actor only forgets what changed.
    fn changed_rows(&mut self, _out: Option<&mut Vec<RowChange>>) {}
}

/// Implements [`Actor`] for a lab's enum of actors (each variant holds one
/// actor type) by forwarding every call to the variant's actor: static
/// dispatch, written once for every lab.
// Unused when no lab is compiled in (a build with none, or the test lab alone).
#[allow(unused_macros)]
macro_rules! forward_actor {
    ($enum:ident, $msg:ty, [$($v:ident),+ $(,)?]) => {
        impl $crate::actor::Actor for $enum {
            type Msg = $msg;

            fn name(&self) -> &str {
                match self { $(Self::$v(a) => a.name()),+ }
            }
            fn title(&self) -> String {
                match self { $(Self::$v(a) => a.title()),+ }
            }
            fn machine(&self) -> &$crate::machine::MachineState {
                match self { $(Self::$v(a) => a.machine()),+ }
            }
            fn on_start(&mut self, ctx: &mut $crate::actor::Ctx<$msg>) {
                match self { $(Self::$v(a) => a.on_start(ctx)),+ }
            }
            fn on_message(
                &mut self,
                from: $crate::actor::ActorId,
                msg: $msg,
                ctx: &mut $crate::actor::Ctx<$msg>,
            ) {
                match self { $(Self::$v(a) => a.on_message(from, msg, ctx)),+ }
            }
            fn on_timer(&mut self, tag: u32, ctx: &mut $crate::actor::Ctx<$msg>) {
                match self { $(Self::$v(a) => a.on_timer(tag, ctx)),+ }
            }
            fn on_crash(&mut self) {
                match self { $(Self::$v(a) => a.on_crash()),+ }
            }
            fn on_restart(&mut self, ctx: &mut $crate::actor::Ctx<$msg>) {
                match self { $(Self::$v(a) => a.on_restart(ctx)),+ }
            }
            fn on_lab_fault(
                &mut self,
                name: &str,
                args: &$crate::scenario::Config,
                ctx: &mut $crate::actor::Ctx<$msg>,
            ) -> bool {
                match self { $(Self::$v(a) => a.on_lab_fault(name, args, ctx)),+ }
            }
            fn instances(&self) -> Option<$crate::actor::Instances> {
                match self { $(Self::$v(a) => a.instances()),+ }
            }
            fn schema(&self) -> Vec<$crate::rows::TableSchema> {
                match self { $(Self::$v(a) => a.schema()),+ }
            }
            fn changed_rows(&mut self, out: Option<&mut Vec<$crate::rows::RowChange>>) {
                match self { $(Self::$v(a) => a.changed_rows(out)),+ }
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use forward_actor;
