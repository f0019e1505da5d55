//! A service as a two-phase commit participant: it votes on PREPARE,
//! holds its lock while PREPARED (it gave up its right to abort alone),
//! applies the coordinator's decision and, with heuristic decisions on,
//! aborts alone after a wait, as an operator freeing a lock would.

use super::msg::SagaMsg;
use super::saga::{AMOUNT, INVENTORY, ORCH, PAYMENT};
use super::service::{Service, HEURISTIC};
use crate::actor::{Ctx, TimerKind};

/// How long a participant stays PREPARED before a heuristic decision.
const HEURISTIC_MS: u64 = 3_000;

impl Service {
    /// 2PC: PREPARE arrives (again, for a repeat).
    pub(super) fn prepare(&mut self, saga: u8, ctx: &mut Ctx<SagaMsg>) {
        match self.state(saga) {
            "PREPARED" | "COMMITTED" => ctx.send(ORCH, SagaMsg::Vote { saga, yes: true }),
            "ABORTED" => ctx.send(ORCH, SagaMsg::Vote { saga, yes: false }),
            "WAITING" => {}
            _ => self.try_prepare(saga, ctx),
        }
    }

    fn try_prepare(&mut self, saga: u8, ctx: &mut Ctx<SagaMsg>) {
        let id = self.id;
        let yes = match id {
            INVENTORY if self.take_fault("out-of-stock") => false,
            INVENTORY if self.available > 0 => {
                self.units(-1, ctx);
                self.rec(saga).qty = 1;
                true
            }
            INVENTORY if self.recs.iter().any(|(_, r)| r.m.current == "PREPARED") => {
                if self.state(saga) != "WAITING" {
                    self.fire(saga, "wait", ctx);
                    ctx.say("The order waits: the last unit is locked by a prepared transaction.");
                }
                return;
            }
            INVENTORY => false,
            PAYMENT => !self.take_fault("decline-next"),
            _ => true,
        };
        self.rec(saga).since = ctx.now();
        self.fire(saga, if yes { "prepare" } else { "vote_no" }, ctx);
        if yes && self.cfg.heuristic {
            ctx.set_timer(
                HEURISTIC_MS,
                HEURISTIC + u32::from(saga),
                TimerKind::Timeout,
                "heuristic decision",
            );
        }
        ctx.say(if yes {
            "PREPARED: the participant votes YES and holds its lock. It gave up its right to abort alone: only the coordinator knows the outcome."
        } else {
            "The participant cannot do its part and votes NO."
        });
        ctx.send(ORCH, SagaMsg::Vote { saga, yes });
    }

    /// 2PC: the coordinator's decision.
    pub(super) fn decide(&mut self, saga: u8, commit: bool, ctx: &mut Ctx<SagaMsg>) {
        match self.state(saga) {
            "PREPARED" => {
                let now = ctx.now();
                let heuristic = self.cfg.heuristic;
                let (id, r) = (self.id, self.rec(saga));
                let blocked = now - r.since;
                r.blocked_ms = Some(blocked);
                let units = r.qty;
                if commit && id == PAYMENT {
                    r.qty = AMOUNT;
                }
                if heuristic {
                    ctx.cancel_timer(HEURISTIC + u32::from(saga));
                }
                if !commit {
                    r.qty = 0;
                    if id == INVENTORY {
                        self.units(units, ctx);
                    }
                }
                self.fire(saga, if commit { "commit" } else { "abort" }, ctx);
                ctx.say("The participant applies the decision and releases its lock.");
            }
            "idle" | "WAITING" if !commit => {
                self.fire(saga, "abort", ctx);
                ctx.say("The participant aborts.");
            }
            "ABORTED" if commit => {
                ctx.say("COMMIT reaches a participant that already aborted on its own: the order is half committed.");
            }
            _ => {}
        }
        ctx.send(ORCH, SagaMsg::Done(saga));
        let waiting: Vec<u8> = self
            .recs
            .iter()
            .filter(|(_, r)| r.m.current == "WAITING")
            .map(|(k, _)| *k)
            .collect();
        for k in waiting {
            self.try_prepare(k, ctx);
        }
    }

    /// 2PC with heuristic decisions: still PREPARED after the wait, an
    /// operator aborts alone to free the lock.
    pub(super) fn heuristic(&mut self, saga: u8, ctx: &mut Ctx<SagaMsg>) {
        if self.state(saga) != "PREPARED" {
            return;
        }
        let now = ctx.now();
        let (id, r) = (self.id, self.rec(saga));
        r.blocked_ms = Some(now - r.since);
        let units = std::mem::take(&mut r.qty);
        if id == INVENTORY {
            self.units(units, ctx);
        }
        self.fire(saga, "heuristic_abort", ctx);
        ctx.say("No decision after 3 s: an operator forces a heuristic ABORT to free the lock, blind to the outcome.");
    }
}
