//! The payment API: claims the idempotency key, asks the card processor to
//! authorize, records the charge, and answers. Per DOMAIN.md §1: replay with
//! `Idempotent-Replayed: true`, 409 while in flight, 422 on a changed body,
//! 400 when a required key is missing, 503 when over capacity. Its calls
//! to the database and the processor have a timeout: an unknown outcome is
//! retried with the same downstream key, or answered 504 with the key left
//! IN_FLIGHT for a later retry to resolve (never assumed "not charged").
//! Here: the request as it arrives, the calls and the answer it sends;
//! what it does with each downstream answer is in `api_downstream.rs`.

use super::config::PaymentsConfig;
use super::msg::{fingerprint, short, Fingerprint, Key, PayMsg, StoredResponse};
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::lines::say;
use crate::machine::{MachineState, StateMachine, Transition};
use crate::rows::{RowChange, TableSchema};
use crate::small_map::SmallMap;

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
#[derive(Clone, Debug, Hash)]
pub(super) struct Pending {
    client: ActorId,
    pub(super) order: u32,
    pub(super) amount: u64,
    attempt: u32,
    pub(super) key: Option<Key>,
    pub(super) fingerprint: Fingerprint,
    pub(super) machine: MachineState,
    pub(super) charge_id: Option<u32>,
    pub(super) token: u32,
    /// The outcome to send once the key is completed.
    pub(super) result: Option<StoredResponse>,
    /// The key given to the card processor (the payment's key, when the
    /// API passes it on): what makes asking the processor again safe.
    pub(super) downstream_key: Option<Key>,
    /// The processor's hold, once it answered.
    pub(super) auth: Option<u32>,
    /// Whether the processor call was already retried once.
    pub(super) retried: bool,
}

#[derive(Clone, Debug, Hash)]
pub struct Api {
    pub(super) cfg: PaymentsConfig,
    /// Volatile: requests in progress.
    pub(super) pending: SmallMap<u32, Pending>,
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
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

    pub(super) fn fire(&mut self, req: u32, event: &'static str, ctx: &mut Ctx<PayMsg>) {
        if let Some(p) = self.pending.get_mut(&req) {
            ctx.fire_instance(&mut p.machine, req, event);
            self.shown = p.machine;
        }
    }

    /// Send `msg` to a downstream actor and wait for it with a timeout.
    pub(super) fn call(&self, req: u32, to: ActorId, msg: PayMsg, ctx: &mut Ctx<PayMsg>) {
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
    pub(super) fn authorize(&self, req: u32, ctx: &mut Ctx<PayMsg>) {
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
    pub(super) fn answer(
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

    /// `POST /v1/charges` arrives: logged, taken in as a request (refused
    /// with 503 over capacity), then its key claimed, or required, or the
    /// payment run without one.
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
        self.log_arrival(order, attempt, key, ctx.now());
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
        self.check_key(req, key, attempt, fp, ctx);
    }

    /// The access log's entry for `order`: when a request last arrived,
    /// and the attempt numbers and keys seen.
    fn log_arrival(&mut self, order: u32, attempt: u32, key: Option<Key>, now: u64) {
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
        log.last_at = now;
        crate::rows::mark_changed(&mut log.attempts, attempt);
        crate::rows::mark_changed(&mut log.keys, key);
    }

    /// Request `req`'s key: claimed in the database; when missing, refused
    /// (400) if keys are required, or the payment run as new.
    fn check_key(
        &mut self,
        req: u32,
        key: Option<Key>,
        attempt: u32,
        fp: Fingerprint,
        ctx: &mut Ctx<PayMsg>,
    ) {
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
    pub(super) fn refuse(
        &mut self,
        req: u32,
        status: u16,
        code: &'static str,
        ctx: &mut Ctx<PayMsg>,
    ) {
        let amount = self.pending.get(&req).map_or(0, |p| p.amount);
        let response = StoredResponse {
            status,
            charge_id: None,
            amount,
        };
        self.answer(req, response, Sent::Refusal, Some(code), ctx);
    }
}

/// What kind of answer the API sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Sent {
    /// The outcome of running the payment (a charge, a decline): what a
    /// replay of its key must repeat.
    Outcome,
    /// The stored outcome of an earlier request, replayed.
    Replay,
    /// An error that ran nothing (400, 409, 422 mismatch, 503, 504).
    Refusal,
}

/// The error code a stored outcome carries on the wire.
pub(super) fn error_code(status: u16) -> Option<&'static str> {
    match status {
        402 => Some("card_declined"),
        422 => Some("idempotency_key_reused_with_different_body"),
        _ => None,
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
