//! Recording the trace: what one step accumulates while its handlers run,
//! committing it (states, rows, verdicts), and the finished `Run`.

use crate::actor::{ActorId, CtxOutput};
use crate::lines::Lines;
use crate::rows::{LoggedRow, RowChange, TableSchema};
use crate::trace::{
    End, Fired, Flight, Span, Step, StepKind, TimerMark, UndefinedTransition, Violation,
};
use std::cell::Cell;

/// How long a run's lists grew: steps, flights, timers, rows, queue.
#[derive(Clone, Copy, Default)]
pub(super) struct Sizes {
    pub steps: usize,
    pub flights: usize,
    pub timers: usize,
    pub rows: usize,
    pub queue: usize,
    /// Bytes of narration, state snapshots and transitions.
    pub text: usize,
    pub state_bytes: usize,
    pub fired: usize,
}

thread_local! {
    /// The sizes of the last run on this thread: the next run reserves a
    /// little more up front instead of growing (and copying) its lists
    /// step by step; a re-simulation after a click is about as long as the
    /// run before it. Capacities are not part of a run, so this cannot
    /// change one.
    pub(super) static LAST_SIZES: Cell<Sizes> = const {
        Cell::new(Sizes {
            steps: 0,
            flights: 0,
            timers: 0,
            rows: 0,
            queue: 0,
            text: 0,
            state_bytes: 0,
            fired: 0,
        })
    };
}

/// What to reserve for a run: the last run's sizes and a quarter more.
pub(super) fn expected_sizes() -> Sizes {
    let s = LAST_SIZES.get();
    let more = |n: usize| n + n / 4;
    Sizes {
        steps: more(s.steps),
        flights: more(s.flights),
        timers: more(s.timers),
        rows: more(s.rows),
        queue: more(s.queue),
        text: more(s.text),
        state_bytes: more(s.state_bytes),
        fired: more(s.fired),
    }
}

/// Everything recorded so far.
#[derive(Clone)]
pub(super) struct Recorder {
    pub detail: bool,
    pub steps: Vec<Step>,
    pub flights: Vec<Flight>,
    pub timers: Vec<TimerMark>,
    pub table_schema: Vec<TableSchema>,
    pub row_log: Vec<LoggedRow>,
    pub violations: Vec<Violation>,
    pub undefined: Vec<UndefinedTransition>,
    pub end: End,
    /// Every step's narration, states and transitions (steps keep spans).
    pub text: String,
    pub state_bytes: Vec<u8>,
    pub fired: Vec<Fired>,
    /// Scratch list of the actors a step changed (reused between steps).
    pub who: Vec<ActorId>,
    /// Scratch list of the rows an actor changed (reused between calls).
    pub(super) rows: Vec<RowChange>,
}

impl Recorder {
    pub fn new(detail: bool) -> Self {
        let size = expected_sizes();
        Self {
            detail,
            steps: Vec::with_capacity(size.steps),
            flights: Vec::with_capacity(size.flights),
            timers: Vec::with_capacity(size.timers),
            table_schema: Vec::new(),
            row_log: Vec::with_capacity(if detail { size.rows } else { 0 }),
            violations: Vec::new(),
            undefined: Vec::new(),
            end: End::Quiet,
            text: String::with_capacity(if detail { size.text } else { 0 }),
            state_bytes: Vec::with_capacity(if detail { size.state_bytes } else { 0 }),
            fired: Vec::with_capacity(if detail { size.fired } else { 0 }),
            who: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Index the next step will have.
    pub fn next_step(&self) -> u32 {
        self.steps.len() as u32
    }

    pub fn violation(&mut self, id: &'static str, message: String, now: u64) {
        if self.violations.iter().any(|v| v.invariant == id) {
            return;
        }
        self.violations.push(Violation {
            step: self.steps.len().saturating_sub(1) as u32,
            time: now,
            invariant: id,
            message,
        });
    }
}

/// What one step accumulates before it is committed.
pub(super) struct StepRecord {
    pub kind: StepKind,
    pub actor: Option<ActorId>,
    pub flight: Option<u32>,
    pub summary: String,
    pub narration: Lines,
    pub transitions: Vec<Fired>,
    pub undefined: Vec<(ActorId, &'static str, &'static str)>,
    pub data_changed: bool,
    /// Actors whose data changed (bit per lane; labs have at most 128).
    pub wrote: u128,
    /// Actors whose machine moved (bit per lane).
    pub moved: u128,
}

impl Default for StepRecord {
    fn default() -> Self {
        Self {
            kind: StepKind::Start,
            actor: None,
            flight: None,
            summary: String::new(),
            narration: Lines::default(),
            transitions: Vec::new(),
            undefined: Vec::new(),
            data_changed: false,
            wrote: 0,
            moved: 0,
        }
    }
}

/// The span from `start` to where `fill` leaves its list.
pub(super) fn span(start: usize, fill: impl FnOnce() -> usize) -> Span {
    Span {
        start: start as u32,
        end: fill() as u32,
    }
}

/// The bit of lane `a` in a step's actor sets.
pub(super) fn bit(a: ActorId) -> u128 {
    debug_assert!(a < 128, "a lab has at most 128 actors");
    1u128 << (a & 127)
}

/// The lanes set in `bits`, in order.
pub(super) fn lanes(mut bits: u128) -> impl Iterator<Item = ActorId> {
    std::iter::from_fn(move || {
        (bits != 0).then(|| {
            let a = bits.trailing_zeros() as ActorId;
            bits &= bits - 1;
            a
        })
    })
}

impl StepRecord {
    /// Note what an actor's handler did (its narration and transitions
    /// are already in the step's lists).
    pub fn add_handler<M>(&mut self, me: ActorId, out: &CtxOutput<M>) {
        self.undefined
            .extend(out.undefined.iter().map(|(s, e)| (me, *s, *e)));
        if out.data_changed {
            self.data_changed = true;
            self.wrote |= bit(me);
        }
        if out.moved {
            self.moved |= bit(me);
        }
    }
}
