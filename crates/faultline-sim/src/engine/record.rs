//! Recording the trace: what one step accumulates while its handlers run,
//! committing it (states, rows, verdicts), and the finished `Run`.

use super::model::Model;
use super::sim::Sim;
use crate::actor::{ActorId, CtxOutput};
use crate::fault::Fault;
use crate::lab::TraceSoFar;
use crate::lines::Lines;
use crate::trace::{
    CutMark, End, Fired, Flight, LoggedRow, RowChange, Run, Span, Step, StepKind, TableSchema,
    TimerMark, UndefinedTransition, Violation,
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
    static LAST_SIZES: Cell<Sizes> = const {
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
    rows: Vec<RowChange>,
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
fn span(start: usize, fill: impl FnOnce() -> usize) -> Span {
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
fn lanes(mut bits: u128) -> impl Iterator<Item = ActorId> {
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

impl Sim<'_> {
    /// Log the rows an actor changed during the step being recorded.
    fn log_rows(&mut self, model: &mut dyn Model, actor: ActorId) {
        let step = self.rec.next_step();
        if !self.rec.detail {
            model.changed_rows(actor, None);
            return;
        }
        let mut rows = std::mem::take(&mut self.rec.rows);
        model.changed_rows(actor, Some(&mut rows));
        self.rec.row_log.extend(rows.drain(..).map(|r| LoggedRow {
            step,
            table: r.table,
            id: r.id,
            cells: r.cells,
        }));
        self.rec.rows = rows;
    }

    /// Record a step, then re-check the invariants if it changed anything.
    pub(super) fn commit_step(&mut self, model: &mut dyn Model, mut rec: StepRecord) {
        let changed = rec.data_changed || rec.moved != 0 || self.rec.steps.is_empty();
        let index = self.rec.next_step();
        let moved =
            rec.moved != 0 || matches!(rec.kind, StepKind::Crash | StepKind::Restart) || index == 0;
        // Who changed, for the checks: writers and machines that moved.
        let mut who = std::mem::take(&mut self.rec.who);
        who.clear();
        if changed {
            if index == 0 {
                who.extend(0..self.names.len() as ActorId);
            } else {
                who.extend(lanes(rec.wrote | rec.moved));
            }
        }
        if !self.rec.detail {
            rec.summary.clear();
        }
        // The step's narration and transitions join the run's lists; the
        // buffers, cleared, serve the next step.
        let narration = span(self.rec.text.len(), || {
            if self.rec.detail {
                self.rec.text.push_str(rec.narration.said().as_str());
            }
            self.rec.text.len()
        });
        rec.narration.clear();
        self.spare_lines = std::mem::take(&mut rec.narration);
        let transitions = span(self.rec.fired.len(), || {
            if self.rec.detail {
                self.rec.fired.append(&mut rec.transitions);
            }
            self.rec.fired.len()
        });
        rec.transitions.clear();
        self.spare_fired = std::mem::take(&mut rec.transitions);
        if rec.data_changed {
            for a in lanes(rec.wrote) {
                self.log_rows(model, a);
            }
        }
        for (actor, state, event) in rec.undefined {
            self.rec.undefined.push(UndefinedTransition {
                step: index,
                actor,
                state,
                event,
            });
        }
        // States are recorded only when a machine may have moved (a step
        // with no transition, crash or write keeps the previous ones):
        // `Run::states_at` looks back to the last step that recorded them.
        let states = span(self.rec.state_bytes.len(), || {
            if self.rec.detail && moved {
                model.states(&mut self.rec.state_bytes);
            }
            self.rec.state_bytes.len()
        });
        let down = if self.up.contains(&false) {
            (0..self.names.len())
                .filter(|&i| !self.up[i])
                .map(|i| i as ActorId)
                .collect()
        } else {
            Vec::new()
        };
        self.rec.steps.push(Step {
            index,
            time: self.now,
            kind: rec.kind,
            actor: rec.actor,
            flight: rec.flight,
            summary: rec.summary,
            narration,
            states,
            transitions,
            down,
        });
        // A step that changed neither data nor a state machine cannot change
        // a verdict (actors flag every write), so it is not re-checked; one
        // that did tells the lab which actors changed.
        if changed {
            self.check(model, false, &who);
        }
        self.rec.who = who;
    }

    /// Evaluate the lab's invariants (or, at the end, its end properties).
    pub(super) fn check(&mut self, model: &dyn Model, at_end: bool, changed: &[ActorId]) {
        let trace = TraceSoFar {
            changed,
            steps: &self.rec.steps,
            flights: &self.rec.flights,
            now_ms: self.now,
            broken: &self.rec.violations,
        };
        let broken = model.check(at_end, &trace);
        for (id, msg) in broken {
            self.rec.violation(id, msg, self.now);
        }
    }

    pub(super) fn finish(self, model: &dyn Model) -> Run {
        let actors = model.infos();
        let lane = |n: &String| self.names.iter().position(|x| x == n).map(|i| i as ActorId);
        let cuts = self
            .scenario
            .faults
            .iter()
            .filter_map(|f| match f {
                Fault::Partition {
                    from_ms,
                    until_ms,
                    side_a,
                    side_b,
                } => Some(CutMark {
                    from_ms: *from_ms,
                    until_ms: *until_ms,
                    side_a: side_a.iter().filter_map(lane).collect(),
                    side_b: side_b.iter().filter_map(lane).collect(),
                }),
                _ => None,
            })
            .collect();
        let rec = self.rec;
        LAST_SIZES.set(Sizes {
            steps: rec.steps.len(),
            flights: rec.flights.len(),
            timers: rec.timers.len(),
            rows: if rec.detail {
                rec.row_log.len()
            } else {
                LAST_SIZES.get().rows
            },
            queue: self.queue_peak,
            text: rec.text.len(),
            state_bytes: rec.state_bytes.len(),
            fired: rec.fired.len(),
        });
        Run {
            scenario: self.scenario.clone(),
            actors,
            steps: rec.steps,
            flights: rec.flights,
            timers: rec.timers,
            table_schema: rec.table_schema,
            row_log: rec.row_log,
            violations: rec.violations,
            cuts,
            undefined_transitions: rec.undefined,
            end: rec.end,
            text: rec.text,
            state_bytes: rec.state_bytes,
            fired: rec.fired,
        }
    }
}
