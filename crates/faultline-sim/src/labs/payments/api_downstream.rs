//! The payment API's side of its calls to the database and the card
//! processor: what it does with each answer (a claimed key, a hold, a
//! written row, a decline, a refused write), which answers a request is
//! still waiting for, and what it does when none comes in time.

use super::api::{error_code, Api, Sent};
use super::config::money;
use super::msg::{Claim, Key, PayMsg, StoredResponse};
use crate::actor::Ctx;
use crate::lines::say;

impl Api {
    /// Whether `reply` answers a request that is waiting for exactly it.
    pub(super) fn expects(&self, reply: &PayMsg) -> bool {
        let (req, states): (u32, &[&str]) = match reply {
            PayMsg::Claimed { req, .. } => (*req, &["checking_key"]),
            PayMsg::Authorized { req, .. }
            | PayMsg::Declined { req }
            | PayMsg::KeyReusedDownstream { req } => (*req, &["authorizing"]),
            PayMsg::ChargeWritten { req, .. } => (*req, &["recording_charge"]),
            PayMsg::KeyCompleted { req } => (*req, &["recording_key"]),
            PayMsg::CommitRefused { req, .. } => (*req, &["recording_charge", "recording_key"]),
            _ => return true,
        };
        self.pending
            .get(&req)
            .is_some_and(|p| states.contains(&p.machine.current))
    }

    pub(super) fn on_claimed(&mut self, req: u32, claim: Claim, ctx: &mut Ctx<PayMsg>) {
        let Some(p) = self.pending.get(&req) else {
            return;
        };
        let (amount, passed) = (p.amount, p.downstream_key.is_some());
        match claim {
            Claim::Claimed { token, fresh } => {
                let mut key = None;
                if let Some(p) = self.pending.get_mut(&req) {
                    p.token = token;
                    key = p.key;
                }
                if fresh {
                    // A new record: its first response is yet to be sent.
                    self.first_sent.retain(|f| Some(f.0) != key);
                }
                self.fire(req, "claimed", ctx);
                ctx.say_with(|| {
                    let how = if passed {
                        "passing the same key on"
                    } else {
                        "without passing the key on"
                    };
                    format!(
                        "Key claimed. The API asks the card processor to authorize {}, {how}.",
                        money(amount)
                    )
                });
                self.authorize(req, ctx);
            }
            Claim::InFlight => {
                self.fire(req, "in_flight_409", ctx);
                ctx.say("The key is IN_FLIGHT: an earlier attempt with it is still running. The API answers 409 Conflict instead of running it twice.");
                self.refuse(req, 409, "idempotency_key_in_use", ctx);
            }
            Claim::Unresolved => {
                self.fire(req, "in_flight_409", ctx);
                ctx.say("The API cannot check the earlier attempt's outcome, so it answers 409 Conflict rather than guess \"not charged\".");
                self.refuse(req, 409, "idempotency_key_in_use", ctx);
            }
            Claim::Completed(stored) => {
                self.fire(req, "completed_replay", ctx);
                say!(ctx, "The key is COMPLETED: the API replays the stored response ({}) with Idempotent-Replayed: true. Nothing new is held.",
                    stored.status);
                let error = error_code(stored.status);
                self.answer(req, stored, Sent::Replay, error, ctx);
            }
            Claim::Mismatch => {
                self.fire(req, "mismatch_422", ctx);
                ctx.say("This key was first used with a different request body. The API answers 422 Unprocessable Content and executes nothing.");
                self.refuse(req, 422, "idempotency_key_reused_with_different_body", ctx);
            }
        }
    }

    pub(super) fn on_authorized(&mut self, req: u32, auth: u32, ctx: &mut Ctx<PayMsg>) {
        let Some(p) = self.pending.get_mut(&req) else {
            return;
        };
        p.auth = Some(auth);
        let msg_fields = (p.order, p.amount, p.key, p.fingerprint);
        let token = p.token;
        self.fire(req, "approved", ctx);
        let (order, amount, key, fingerprint) = msg_fields;
        if key.is_none() {
            ctx.say("Approved. The API writes a ledger row for the hold.");
            let commit = PayMsg::CommitAtomic {
                req,
                order,
                amount,
                key,
                fingerprint,
                token,
                auth,
            };
            self.call(req, self.cfg.db(), commit, ctx);
        } else if self.cfg.atomic {
            ctx.say("Approved. The API writes the ledger row and completes the key in one database transaction.");
            let commit = PayMsg::CommitAtomic {
                req,
                order,
                amount,
                key,
                fingerprint,
                token,
                auth,
            };
            self.call(req, self.cfg.db(), commit, ctx);
        } else {
            ctx.say("Approved. The API writes the ledger row now and will complete the key in a second, separate write.");
            let insert = PayMsg::InsertCharge {
                req,
                order,
                amount,
                key,
                fingerprint,
                token,
                auth,
            };
            self.call(req, self.cfg.db(), insert, ctx);
        }
    }

    pub(super) fn on_charge_written(&mut self, req: u32, charge_id: u32, ctx: &mut Ctx<PayMsg>) {
        let Some(p) = self.pending.get_mut(&req) else {
            return;
        };
        p.charge_id = Some(charge_id);
        let response = StoredResponse {
            status: 200,
            charge_id: Some(charge_id),
            amount: p.amount,
        };
        let token = p.token;
        match p.key {
            Some(key) if !self.cfg.atomic => {
                self.fire(req, "charge_written", ctx);
                say!(ctx, "Ledger row ch_{charge_id} is written. Now the API records the key as COMPLETED, in a second write.");
                self.complete_key(req, key, response, token, ctx);
            }
            _ => {
                self.fire(req, "committed", ctx);
                say!(
                    ctx,
                    "Ledger row ch_{charge_id} committed. The API answers 200 OK."
                );
                self.answer(req, response, Sent::Outcome, None, ctx);
            }
        }
    }

    /// Ask the database to complete `key` with `response`, fenced by the
    /// request's claim `token`.
    fn complete_key(
        &self,
        req: u32,
        key: Key,
        response: StoredResponse,
        token: u32,
        ctx: &mut Ctx<PayMsg>,
    ) {
        let msg = PayMsg::CompleteKey {
            req,
            key,
            response,
            token,
        };
        self.call(req, self.cfg.db(), msg, ctx);
    }

    /// The processor held nothing: the card was declined (402), or the
    /// key it was given was first used for another amount (422). Store
    /// the outcome under the key (so a retry with it gets the same
    /// answer), or answer at once when there is no key.
    pub(super) fn on_declined(&mut self, req: u32, status: u16, ctx: &mut Ctx<PayMsg>) {
        let Some(p) = self.pending.get_mut(&req) else {
            return;
        };
        let response = StoredResponse {
            status,
            charge_id: None,
            amount: p.amount,
        };
        match p.key {
            Some(key) => {
                p.result = Some(response.clone());
                let token = p.token;
                self.fire(req, "declined_record_key", ctx);
                if status == 402 {
                    ctx.say("Declined. The API stores the decline under the key, so a retry with this key gets the same answer.");
                } else {
                    ctx.say("The card processor refused: it knows this key with another amount. The API stores 422 under the key; nothing is held.");
                }
                self.complete_key(req, key, response, token, ctx);
            }
            None => {
                self.fire(req, "declined_402", ctx);
                ctx.say("Declined. The API answers 402 Payment Required.");
                self.answer(req, response, Sent::Outcome, Some("card_declined"), ctx);
            }
        }
    }

    pub(super) fn on_key_completed(&mut self, req: u32, ctx: &mut Ctx<PayMsg>) {
        if !self.pending.contains_key(&req) {
            return;
        }
        let response = self.outcome(req);
        self.fire(req, "key_completed", ctx);
        let status = response.status;
        say!(
            ctx,
            "The key is COMPLETED with the outcome stored. The API answers {status} {}.",
            super::msg::reason(status)
        );
        let error = error_code(response.status);
        self.answer(req, response, Sent::Outcome, error, ctx);
    }

    /// The outcome `req` reached: its decline, or its charge.
    fn outcome(&self, req: u32) -> StoredResponse {
        let p = &self.pending[&req];
        p.result.clone().unwrap_or(StoredResponse {
            status: 200,
            charge_id: p.charge_id,
            amount: p.amount,
        })
    }

    /// The database refused a fenced write: a newer request claimed the key.
    pub(super) fn on_refused(&mut self, req: u32, ctx: &mut Ctx<PayMsg>) {
        let Some(p) = self.pending.get(&req) else {
            return;
        };
        if p.machine.current == "recording_key" {
            // The charge (or decline) already happened: it stands, and the
            // client is told it; only the key cannot hold it for replays.
            let response = self.outcome(req);
            self.fire(req, "not_stored", ctx);
            ctx.say("The key could not be completed: a newer request claimed it meanwhile. What happened stands, so the API answers it, but the key will not replay it.");
            let error = error_code(response.status);
            self.answer(req, response, Sent::Outcome, error, ctx);
            return;
        }
        // Nothing was recorded. A hold placed without a downstream key is
        // this request's alone: release it. With the key passed on, the
        // newer request gets the same hold back and records it.
        let own_hold = p.auth.filter(|_| p.downstream_key.is_none());
        self.fire(req, "refused_409", ctx);
        match own_hold {
            Some(auth) => {
                say!(ctx, "The database refused the commit: a newer request claimed the key. Nothing is recorded, so the API voids its own hold auth_{auth} and answers 409.");
                ctx.send(self.cfg.processor(), PayMsg::Void { auth });
            }
            None => ctx.say("The database refused the commit: a newer request claimed the key and will finish the payment. Nothing is recorded here; the API answers 409."),
        }
        self.refuse(req, 409, "idempotency_key_in_use", ctx);
    }

    /// A downstream call of `req` got no answer in time.
    pub(super) fn on_timeout(&mut self, req: u32, ctx: &mut Ctx<PayMsg>) {
        let Some(p) = self.pending.get_mut(&req) else {
            return;
        };
        let state = p.machine.current;
        if state == "authorizing" && p.downstream_key.is_some() && !p.retried {
            p.retried = true;
            self.fire(req, "retry_same_key", ctx);
            ctx.say("The card processor has not answered in time. The outcome is unknown, so the API asks again with the same downstream key: if the first call went through, the processor returns that hold instead of placing a second one.");
            self.authorize(req, ctx);
            return;
        }
        let (retried, has_key) = (p.retried, p.key.is_some());
        self.fire(req, "timeout_504", ctx);
        let (code, why) = match state {
            "checking_key" => ("database_timeout", "The database did not answer in time, so the API cannot tell whether it claimed the key. It answers 504 Gateway Timeout; a retry may find the key IN_FLIGHT (409)."),
            "authorizing" if retried => ("processor_timeout", "The card processor did not answer the second call either. The card may or may not be held: the API answers 504 Gateway Timeout and leaves the key IN_FLIGHT."),
            "authorizing" => ("processor_timeout", "The card processor did not answer in time and the API has no key it could safely ask again with. The card may or may not be held: the API answers 504 Gateway Timeout and leaves the key IN_FLIGHT."),
            _ => ("database_timeout", "The database did not confirm the write in time: it may or may not have landed. The API answers 504 Gateway Timeout and leaves the key as it is."),
        };
        // What a retry after the lock lapses will do, as configured.
        let then = if !has_key {
            ""
        } else if self.cfg.rerun_lapsed {
            " After the lock lapses, a retry runs the payment again as if nothing was charged."
        } else if self.cfg.pass_key {
            " After the lock lapses, a retry asks the card processor again with the same key."
        } else {
            " Retries get 409 until reconciliation settles it."
        };
        say!(ctx, "{why}{then}");
        self.refuse(req, 504, code, ctx);
    }
}
