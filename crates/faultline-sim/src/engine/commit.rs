//! Committing a step to the run: the rows it changed logged, its record
//! turned into the trace's step, the invariants checked after it, and the
//! finished run put together. Methods of the loop's `Sim`, kept apart from
//! the loop and from the recorder's own types.

use super::record::*;
use super::sim::{Model, Sim};
use crate::actor::ActorId;
use crate::fault::Fault;
use crate::lab::TraceSoFar;
use crate::rows::LoggedRow;
use crate::trace::{CutMark, Run, Span, Step, StepKind, UndefinedTransition};

impl Sim {
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
        let who = self.who_changed(&rec, index, changed);
        if !self.rec.detail {
            rec.summary.clear();
        }
        let (narration, transitions) = self.keep_text(&mut rec);
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
        let down = self.down_actors();
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

    /// Who changed at this step, for the checks: writers and machines that
    /// moved (everyone at the first step; no one if nothing changed). The
    /// list's buffer is the recorder's, handed back after the check.
    fn who_changed(&mut self, rec: &StepRecord, index: u32, changed: bool) -> Vec<ActorId> {
        let mut who = std::mem::take(&mut self.rec.who);
        who.clear();
        if changed {
            if index == 0 {
                who.extend(0..self.names.len() as ActorId);
            } else {
                who.extend(lanes(rec.wrote | rec.moved));
            }
        }
        who
    }

    /// The step's narration and transitions join the run's lists (when the
    /// run keeps detail); the buffers, cleared, serve the next step.
    /// Returns where each sits in the run's lists.
    fn keep_text(&mut self, rec: &mut StepRecord) -> (Span, Span) {
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
        (narration, transitions)
    }

    /// The actors down at this step (none, without allocating, when all are up).
    fn down_actors(&self) -> Vec<ActorId> {
        if self.up.contains(&false) {
            (0..self.names.len())
                .filter(|&i| !self.up[i])
                .map(|i| i as ActorId)
                .collect()
        } else {
            Vec::new()
        }
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
            scenario: self.scenario,
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
