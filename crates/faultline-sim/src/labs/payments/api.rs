//! The payment API: claims the idempotency key, asks the card processor to
//! authorize, records the charge, and answers. Per DOMAIN.md §1: replay with
//! `Idempotent-Replayed: true`, 409 while in flight, 422 on a changed body,
//! 400 when a required key is missing, 503 when over capacity. Its calls
//! to the database and the processor have a timeout: an unknown outcome is
//! retried with the same downstream key, or answered 504 with the key left
//! IN_FLIGHT for a later retry to resolve (never assumed "not charged").

use super::config::{money, PaymentsConfig};
use super::msg::{fingerprint, short, Claim, Fingerprint, Key, PayMsg, StoredResponse};
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::lines::say;
use crate::machine::{MachineState, StateMachine, Transition};
use crate::small_map::SmallMap;
use crate::trace::{RowChange, TableSchema};

/// The life of one request inside the API (the panel shows the latest one).
pub static API_MACHINE: StateMachine = StateMachine {
    name: "Payment API (one request)",
    states: &[
        "received",
        "checking_key",
        "authorizing",
        "recording_charge",
        "recording_key",
        "answered",
    ],
    transitions: &[
        Transition::new("received", "has_key", "checking_key"),
        Transition::new("received", "no_key", "authorizing"),
        Transition::new("received", "key_missing_400", "answered"),
        Transition::new("received", "over_capacity_503", "answered"),
        Transition::new("checking_key", "claimed", "authorizing"),
        Transition::new("checking_key", "in_flight_409", "answered"),
        Transition::new("checking_key", "completed_replay", "answered"),
        Transition::new("checking_key", "mismatch_422", "answered"),
        Transition::new("authorizing", "approved", "recording_charge"),
        Transition::new("recording_charge", "committed", "answered"),
        Transition::new("recording_charge", "refused_409", "answered"),
        Transition::new("authorizing", "declined_record_key", "recording_key"),
        Transition::new("authorizing", "declined_402", "answered"),
        Transition::new("recording_charge", "charge_written", "recording_key"),
        Transition::new("recording_key", "key_completed", "answered"),
        Transition::new("recording_key", "not_stored", "answered"),
        Transition::new("authorizing", "retry_same_key", "authorizing"),
        Transition::new("checking_key", "timeout_504", "answered"),
        Transition::new("authorizing", "timeout_504", "answered"),
        Transition::new("recording_charge", "timeout_504", "answered"),
        Transition::new("recording_key", "timeout_504", "answered"),
    ],
};

/// A request the API is working on (volatile: lost in a crash).
#[derive(Clone, Debug)]
struct Pending {
    client: ActorId,
    order: u32,
    amount: u64,
    attempt: u32,
    key: Option<Key>,
    fingerprint: Fingerprint,
    machine: MachineState,
    charge_id: Option<u32>,
    token: u32,
    /// The outcome to send once the key is completed.
    result: Option<StoredResponse>,
    /// The key given to the card processor (the payment's key, when the
    /// API passes it on): what makes asking the processor again safe.
    downstream_key: Option<Key>,
    /// The processor's hold, once it answered.
    auth: Option<u32>,
    /// Whether the processor call was already retried once.
    retried: bool,
}

#[derive(Clone, Debug)]
pub struct Api {
    cfg: PaymentsConfig,
    /// Volatile: requests in progress.
    pending: SmallMap<u32, Pending>,
    /// Correlation counter (kept across crashes so ids never repeat).
    next_req: u32,
    /// The machine of the request touched last, shown in the panel.
    shown: MachineState,
    pub peak_in_flight: usize,
    pub rejected_503: u32,
    pub requests_seen: u32,
    /// The load figures last reported as rows (views only).
    reported: [Option<usize>; 4],
    /// What arrived per order, as the API's access log records it (kept
    /// across crashes, like logs shipped off the machine): the attempt
    /// numbers and the idempotency keys seen. The attempts-capped
    /// invariant reads this, not the client's own counter.
    /// (A list, not a map: a few dozen orders at most, and each map type
    /// costs kilobytes of WebAssembly.)
    pub received: Vec<Received>,
    /// The first outcome (a charge, a decline) the API sent for each key,
    /// as it went out: order, response, error code. Never overwritten; a
    /// key claimed afresh (after expiry) starts again. Replays are compared
    /// with it (replay-identical).
    pub first_sent: Vec<(Key, u32, StoredResponse, Option<&'static str>)>,
    /// Every replay sent, as it went out: when, key, order, attempt,
    /// response, error code (judged at the step it is sent).
    pub replays: Vec<Replay>,
}

/// A replayed answer as it went out.
pub type Replay = (u64, Key, u32, u32, StoredResponse, Option<&'static str>);

/// The attempts and keys the API received for one order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Received {
    pub order: u32,
    /// When the last request for the order arrived.
    pub last_at: u64,
    pub attempts: Vec<u32>,
    pub keys: Vec<Option<Key>>,
}

impl Api {
    pub fn new(cfg: &PaymentsConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            pending: SmallMap::new(),
            next_req: 1,
            shown: MachineState::new(&API_MACHINE),
            peak_in_flight: 0,
            rejected_503: 0,
            requests_seen: 0,
            reported: [None; 4],
            received: Vec::new(),
            first_sent: Vec::new(),
            replays: Vec::new(),
        }
    }

    fn fire(&mut self, req: u32, event: &'static str, ctx: &mut Ctx<PayMsg>) {
        if let Some(p) = self.pending.get_mut(&req) {
            ctx.fire_instance(&mut p.machine, req, event);
            self.shown = p.machine;
        }
    }

    /// Send `msg` to a downstream actor and wait for it with a timeout.
    fn call(&self, req: u32, to: ActorId, msg: PayMsg, ctx: &mut Ctx<PayMsg>) {
        ctx.send(to, msg);
        let attempt = self.pending.get(&req).map_or(0, |p| p.attempt);
        let waits_for = if to == self.cfg.processor() {
            "processor"
        } else {
            "database"
        };
        ctx.set_timer_with(
            self.cfg.downstream_timeout_ms,
            req,
            TimerKind::Timeout,
            || format!("API call for #{attempt} waits for the {waits_for}"),
        );
    }

    /// Ask the card processor to authorize the payment of `req`.
    fn authorize(&self, req: u32, ctx: &mut Ctx<PayMsg>) {
        if let Some(p) = self.pending.get(&req) {
            let msg = PayMsg::Authorize {
                req,
                order: p.order,
                amount: p.amount,
                key: p.downstream_key,
            };
            self.call(req, self.cfg.processor(), msg, ctx);
        }
    }

    /// Send the final answer for `req` and forget it.
    fn answer(
        &mut self,
        req: u32,
        response: StoredResponse,
        sent: Sent,
        error: Option<&'static str>,
        ctx: &mut Ctx<PayMsg>,
    ) {
        ctx.cancel_timer(req);
        let replayed = sent == Sent::Replay;
        if let Some(p) = self.pending.remove(&req) {
            match (p.key, sent) {
                (Some(key), Sent::Outcome) if !self.first_sent.iter().any(|f| f.0 == key) => {
                    self.first_sent
                        .push((key, p.order, response.clone(), error));
                }
                (Some(key), Sent::Replay) => {
                    let at = ctx.now();
                    self.replays
                        .push((at, key, p.order, p.attempt, response.clone(), error));
                }
                _ => {}
            }
            ctx.send(
                p.client,
                PayMsg::ChargeReply {
                    order: p.order,
                    attempt: p.attempt,
                    response,
                    replayed,
                    error,
                },
            );
        }
        ctx.data_changed();
    }

    fn on_charge(
        &mut self,
        from: ActorId,
        order: u32,
        amount: u64,
        key: Option<Key>,
        attempt: u32,
        ctx: &mut Ctx<PayMsg>,
    ) {
        let req = self.next_req;
        self.next_req += 1;
        self.requests_seen += 1;
        let log = match self.received.iter().position(|r| r.order == order) {
            Some(i) => &mut self.received[i],
            None => {
                self.received.push(Received {
                    order,
                    ..Received::default()
                });
                self.received.last_mut().expect("just pushed")
            }
        };
        log.last_at = ctx.now();
        crate::trace::mark_changed(&mut log.attempts, attempt);
        crate::trace::mark_changed(&mut log.keys, key);
        let over = self.pending.len() >= self.cfg.capacity;
        let fp = fingerprint(order, amount);
        self.pending.insert(
            req,
            Pending {
                client: from,
                order,
                amount,
                attempt,
                key,
                fingerprint: fp,
                machine: MachineState::new(&API_MACHINE),
                charge_id: None,
                token: 0,
                result: None,
                downstream_key: key.filter(|_| self.cfg.pass_key),
                auth: None,
                retried: false,
            },
        );
        self.peak_in_flight = self
            .peak_in_flight
            .max(self.pending.len().min(self.cfg.capacity));
        ctx.data_changed();
        if over {
            self.fire(req, "over_capacity_503", ctx);
            self.rejected_503 += 1;
            say!(ctx, "The payment API is already working on {} requests, its capacity, so it refuses attempt {attempt} with 503 Service Unavailable.",
                self.cfg.capacity);
            self.refuse(req, 503, "overloaded", ctx);
            return;
        }
        match key {
            Some(k) => {
                self.fire(req, "has_key", ctx);
                say!(ctx, "The payment API receives attempt {attempt} with key {} and asks its database to claim the key.", short(&k));
                let claim = PayMsg::ClaimKey {
                    req,
                    key: k,
                    fingerprint: fp,
                };
                self.call(req, self.cfg.db(), claim, ctx);
            }
            None if self.cfg.require_key => {
                self.fire(req, "key_missing_400", ctx);
                ctx.say("The payment API requires an Idempotency-Key on payments and this request has none: 400 Bad Request, nothing charged.");
                self.refuse(req, 400, "idempotency_key_missing", ctx);
            }
            None => {
                self.fire(req, "no_key", ctx);
                say!(ctx, "The payment API receives attempt {attempt} with no key: it cannot tell a retry from a new payment, so it processes it as new.");
                self.authorize(req, ctx);
            }
        }
    }

    /// Answer `req` with an error status and code; nothing is charged.
    fn refuse(&mut self, req: u32, status: u16, code: &'static str, ctx: &mut Ctx<PayMsg>) {
        let amount = self.pending.get(&req).map_or(0, |p| p.amount);
        let response = StoredResponse {
            status,
            charge_id: None,
            amount,
        };
        self.answer(req, response, Sent::Refusal, Some(code), ctx);
    }

    fn on_claimed(&mut self, req: u32, claim: Claim, ctx: &mut Ctx<PayMsg>) {
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

    fn on_authorized(&mut self, req: u32, auth: u32, ctx: &mut Ctx<PayMsg>) {
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

    fn on_charge_written(&mut self, req: u32, charge_id: u32, ctx: &mut Ctx<PayMsg>) {
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
    fn on_declined(&mut self, req: u32, status: u16, ctx: &mut Ctx<PayMsg>) {
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

    fn on_key_completed(&mut self, req: u32, ctx: &mut Ctx<PayMsg>) {
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
    fn on_refused(&mut self, req: u32, ctx: &mut Ctx<PayMsg>) {
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
    fn on_timeout(&mut self, req: u32, ctx: &mut Ctx<PayMsg>) {
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

/// What kind of answer the API sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sent {
    /// The outcome of running the payment (a charge, a decline): what a
    /// replay of its key must repeat.
    Outcome,
    /// The stored outcome of an earlier request, replayed.
    Replay,
    /// An error that ran nothing (400, 409, 422 mismatch, 503, 504).
    Refusal,
}

/// The error code a stored outcome carries on the wire.
fn error_code(status: u16) -> Option<&'static str> {
    match status {
        402 => Some("card_declined"),
        422 => Some("idempotency_key_reused_with_different_body"),
        _ => None,
    }
}

impl Api {
    /// Whether `reply` answers a request that is waiting for exactly it.
    fn expects(&self, reply: &PayMsg) -> bool {
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
}

impl Actor for Api {
    type Msg = PayMsg;

    fn name(&self) -> &str {
        "payment-api"
    }

    fn title(&self) -> String {
        "Payment API".into()
    }

    fn machine(&self) -> &MachineState {
        &self.shown
    }

    fn on_message(&mut self, from: ActorId, msg: PayMsg, ctx: &mut Ctx<PayMsg>) {
        match msg {
            PayMsg::Charge {
                order,
                amount,
                key,
                attempt,
            } => self.on_charge(from, order, amount, key, attempt, ctx),
            // A reply for a request that is no longer waiting for it (the
            // network duplicated it, or the request was answered already)
            // changes nothing: acting on it twice would authorize twice.
            ref reply if !self.expects(reply) => {
                ctx.say("The payment API ignores this reply: no request of its own is waiting for it (a duplicate, or a reply to a request it no longer holds).");
            }
            PayMsg::Claimed { req, claim } => self.on_claimed(req, claim, ctx),
            PayMsg::Authorized { req, auth } => self.on_authorized(req, auth, ctx),
            PayMsg::ChargeWritten { req, charge_id } => self.on_charge_written(req, charge_id, ctx),
            PayMsg::KeyCompleted { req } => self.on_key_completed(req, ctx),
            PayMsg::Declined { req } => self.on_declined(req, 402, ctx),
            PayMsg::KeyReusedDownstream { req } => self.on_declined(req, 422, ctx),
            PayMsg::CommitRefused { req } => self.on_refused(req, ctx),
            PayMsg::Voided { auth } => {
                say!(ctx, "The card processor confirms auth_{auth} is voided.")
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, req: u32, ctx: &mut Ctx<PayMsg>) {
        self.on_timeout(req, ctx);
    }

    fn on_crash(&mut self) {
        self.pending.clear(); // the load rows change: the engine flags crashes
        self.shown.reset();
    }

    fn on_restart(&mut self, ctx: &mut Ctx<PayMsg>) {
        ctx.say("The payment API starts with no requests in progress. Replies still on their way for the old requests will find nobody waiting.");
        ctx.data_changed();
    }

    fn schema(&self) -> Vec<TableSchema> {
        vec![LOAD_TABLE]
    }

    fn instances(&self) -> Option<Instances> {
        Some(Instances {
            noun: "request",
            durable: false,
        })
    }

    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        let Some(out) = out else { return };
        let now = [
            self.requests_seen as usize,
            self.pending.len(),
            self.peak_in_flight,
            self.rejected_503 as usize,
        ];
        const MEASURES: [&str; 4] = [
            "requests received",
            "in progress now",
            "peak in progress",
            "refused with 503",
        ];
        // Only the figures that moved since the last report become rows.
        for (i, value) in now.iter().enumerate() {
            if self.reported[i] != Some(*value) {
                self.reported[i] = Some(*value);
                out.push(RowChange::new(
                    LOAD_TABLE.title,
                    vec![MEASURES[i].to_string(), value.to_string()],
                ));
            }
        }
    }
}

pub const LOAD_TABLE: TableSchema = TableSchema {
    title: "Payment API load",
    columns: &["measure", "value"],
};
