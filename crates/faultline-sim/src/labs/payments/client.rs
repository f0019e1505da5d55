//! The checkout client: pays for one order, waits with a timeout, retries
//! with capped exponential backoff (optionally with full jitter), and sends
//! the same Idempotency-Key on every attempt when configured to.

use super::config::{money, secs, PaymentsConfig};
use super::msg::{reason, short, Key, PayMsg, StoredResponse};
use crate::actor::{Actor, ActorId, Ctx, TimerKind};
use crate::lines::say;
use crate::machine::{MachineState, StateMachine, Transition};
use crate::rows::{mark_changed, RowChange, TableSchema};
use crate::scenario::Config;

const TIMEOUT: u32 = 1;
const BACKOFF: u32 = 2;

/// The client's transition table (drawn by the state machine panel).
pub static CLIENT_MACHINE: StateMachine = StateMachine {
    name: "Checkout client",
    states: &[
        "ready",
        "awaiting_response",
        "backing_off",
        "paid",
        "rejected",
        "gave_up",
    ],
    transitions: &[
        Transition::new("ready", "send", "awaiting_response"),
        Transition::new("awaiting_response", "success", "paid"),
        Transition::new("awaiting_response", "timeout", "backing_off"),
        Transition::new("awaiting_response", "retryable_error", "backing_off"),
        Transition::new("awaiting_response", "client_error", "rejected"),
        Transition::new("awaiting_response", "no_attempts_left", "gave_up"),
        Transition::new("backing_off", "retry", "awaiting_response"),
    ],
};

/// One attempt as the attempts table shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attempt {
    pub n: u32,
    pub sent_at: u64,
    pub amount: u64,
    pub key: Option<Key>,
    pub outcome: Outcome,
    pub backoff_ms: Option<u64>,
    /// The answer received in time: status, charge, replayed?
    pub answer: Option<(u16, Option<u32>, bool)>,
    /// The whole reply received in time: response, error code, replayed?
    pub reply: Option<(StoredResponse, Option<&'static str>, bool)>,
}

/// What became of an attempt, as data (formatted only when its row is shown).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Waiting,
    TimedOut,
    /// Answered in time: status, replayed?
    Answered(u16, bool),
    /// Answered after the client stopped waiting: status, replayed?
    TooLate(u16, bool),
}

impl Outcome {
    /// The "outcome" cell: "waiting", "200 OK, replayed", "409 Conflict too late (ignored)".
    pub fn text(self) -> String {
        let replayed = |r: bool| if r { ", replayed" } else { "" };
        match self {
            Outcome::Waiting => "waiting".into(),
            Outcome::TimedOut => "timed out".into(),
            Outcome::Answered(status, r) => format!("{status} {}{}", reason(status), replayed(r)),
            Outcome::TooLate(status, r) => format!("{status} too late (ignored{})", replayed(r)),
        }
    }
}

#[derive(Clone, Debug, Hash)]
pub struct Client {
    name: String,
    index: u16,
    api: ActorId,
    cfg: PaymentsConfig,
    pub order: u32,
    pub key: Option<Key>,
    pub machine: MachineState,
    pub attempts: Vec<Attempt>,
    /// Set by the "change-amount" fault: the next retry sends another amount.
    change_amount: bool,
    /// Set by the "new-key" fault: the next retry carries a new key.
    new_key: bool,
    amount: u64,
    /// Attempts whose table row changed since the engine last asked.
    dirty: Vec<u32>,
}

impl Client {
    pub fn new(index: u16, cfg: &PaymentsConfig) -> Self {
        Self {
            name: format!("client-{}", index + 1),
            index,
            api: cfg.api(),
            cfg: cfg.clone(),
            order: 1001 + u32::from(index),
            key: None,
            machine: MachineState::new(&CLIENT_MACHINE),
            attempts: Vec::with_capacity(cfg.max_attempts.min(16) as usize),
            change_amount: false,
            new_key: false,
            amount: cfg.amount,
            dirty: Vec::new(),
        }
    }

    /// Note that attempt `n`'s row changed.
    fn touch(&mut self, n: u32, ctx: &mut Ctx<PayMsg>) {
        mark_changed(&mut self.dirty, n);
        ctx.data_changed();
    }

    /// An attempt's row: its key now, the other cells when shown.
    fn attempt_row(&self, a: &Attempt) -> RowChange {
        let a = a.clone();
        let client = self.index + 1;
        RowChange::lazy(
            ATTEMPTS_TABLE.title,
            u64::from(client) << 32 | u64::from(a.n),
            move || {
                vec![
                    format!("c{client}#{}", a.n),
                    secs(a.sent_at),
                    a.key
                        .as_ref()
                        .map_or("none".into(), |k| short(k).to_string()),
                    money(a.amount).to_string(),
                    a.outcome.text(),
                    a.backoff_ms.map_or(String::new(), |b| format!("{b} ms")),
                ]
            },
        )
    }

    fn send_attempt(&mut self, ctx: &mut Ctx<PayMsg>) {
        let n = self.attempts.len() as u32 + 1;
        if self.change_amount && n > 1 {
            self.change_amount = false;
            self.amount += 1_000;
            say!(ctx, "Client {} retries with a different amount ({}) but the same key: a bug the server must catch.",
                self.index + 1,
                money(self.amount));
        }
        if self.new_key && n > 1 && self.key.is_some() {
            self.new_key = false;
            let (hi, lo) = (ctx.random_u64(), ctx.random_u64());
            self.key = Some(Key::from_random(hi, lo));
            say!(ctx, "Client {} makes a new key for this retry: a bug, the server will take it for another payment.",
                self.index + 1);
        }
        self.attempts.push(Attempt {
            n,
            sent_at: ctx.now(),
            amount: self.amount,
            key: self.key,
            outcome: Outcome::Waiting,
            backoff_ms: None,
            answer: None,
            reply: None,
        });
        ctx.send(
            self.api,
            PayMsg::Charge {
                order: self.order,
                amount: self.amount,
                key: self.key,
                attempt: n,
            },
        );
        ctx.set_timer_with(self.cfg.timeout_ms, TIMEOUT, TimerKind::Timeout, || {
            format!("timeout #{n}")
        });
        self.touch(n, ctx);
        let (client, order, wait) = (self.index + 1, self.order, self.cfg.timeout_ms);
        match &self.key {
            Some(k) => say!(
                ctx,
                "Client {client} sends attempt {n} to pay {} for order ord_{order} with Idempotency-Key {}, and will wait {wait} ms.",
                money(self.amount),
                short(k)
            ),
            None => say!(
                ctx,
                "Client {client} sends attempt {n} to pay {} for order ord_{order} without an Idempotency-Key, and will wait {wait} ms.",
                money(self.amount)
            ),
        }
    }

    /// Retry after backoff if attempts remain; otherwise give up.
    fn retry_or_give_up(&mut self, event: &'static str, ctx: &mut Ctx<PayMsg>) {
        let n = self.attempts.len() as u32;
        if n >= self.cfg.max_attempts {
            ctx.fire(&mut self.machine, "no_attempts_left");
            say!(ctx, "Client {} has used all {} attempts and gives up. It does not know whether it was charged.",
                self.index + 1,
                self.cfg.max_attempts);
            return;
        }
        ctx.fire(&mut self.machine, event);
        let exp = self
            .cfg
            .backoff_base_ms
            .saturating_mul(1u64 << (n - 1).min(30))
            .min(self.cfg.backoff_cap_ms);
        let wait = if self.cfg.jitter {
            ctx.random_below(exp + 1)
        } else {
            exp
        };
        if let Some(a) = self.attempts.last_mut() {
            a.backoff_ms = Some(wait);
        }
        ctx.set_timer_with(wait, BACKOFF, TimerKind::Backoff, || {
            format!("backoff before #{}", n + 1)
        });
        let (client, next) = (self.index + 1, n + 1);
        if self.cfg.jitter {
            say!(ctx, "Client {client} backs off for a random {wait} ms (full jitter, up to {exp} ms) before attempt {next}.");
        } else {
            say!(ctx, "Client {client} backs off for {wait} ms (no jitter: every client waits exactly as long) before attempt {next}.");
        }
    }

    /// An answer to attempt `attempt` after the client stopped waiting for
    /// it: noted in its row, and ignored.
    fn note_too_late(&mut self, attempt: u32, status: u16, replayed: bool, ctx: &mut Ctx<PayMsg>) {
        if let Some(a) = self.attempts.iter_mut().find(|a| a.n == attempt) {
            a.outcome = Outcome::TooLate(status, replayed);
            mark_changed(&mut self.dirty, attempt);
            ctx.data_changed();
        }
        say!(ctx, "The answer {status} to attempt {attempt} reaches client {} too late: it stopped waiting for that attempt, so it ignores it.",
            self.index + 1);
    }

    /// What the client does with the status of the attempt it waited for:
    /// paid, retry (409, 504, 5xx) or rejected for good.
    fn act_on_status(&mut self, status: u16, replayed: bool, ctx: &mut Ctx<PayMsg>) {
        match status {
            200..=299 => {
                ctx.fire(&mut self.machine, "success");
                if replayed {
                    say!(ctx, "Client {} gets 200 with Idempotent-Replayed: true: the server recognised the key and sent back the stored result instead of charging again.",
                        self.index + 1);
                } else {
                    say!(ctx, "Client {} gets 200: paid.", self.index + 1);
                }
            }
            409 => {
                say!(ctx, "409 Conflict: the server has this key IN_FLIGHT and will not run it twice. Client {} will retry.",
                    self.index + 1);
                self.retry_or_give_up("retryable_error", ctx);
            }
            504 => {
                let how = if self.key.is_some() {
                    "with the same key"
                } else {
                    "with no key, so it may pay twice"
                };
                say!(ctx, "504: the outcome is unknown, the payment may or may not have gone through. Client {} will retry {how}.",
                    self.index + 1);
                self.retry_or_give_up("retryable_error", ctx);
            }
            503 | 500 | 502 => {
                say!(
                    ctx,
                    "{status}: the server is overloaded or failing; client {} will retry.",
                    self.index + 1
                );
                self.retry_or_give_up("retryable_error", ctx);
            }
            _ => {
                ctx.fire(&mut self.machine, "client_error");
                let why = match status {
                    402 => "402 Payment Required: the card was declined. Retrying the same payment will not change that.",
                    422 => "422 Unprocessable Content: this key was first used with a different body, so the server refuses to run the changed request. Retrying will not help.",
                    400 => "400 Bad Request: the server requires an Idempotency-Key on payments and this request had none.",
                    _ => "an error: the server rejected the request.",
                };
                say!(ctx, "Client {} gets {why}", self.index + 1);
            }
        }
    }
}

impl Actor for Client {
    type Msg = PayMsg;

    fn name(&self) -> &str {
        &self.name
    }

    fn title(&self) -> String {
        format!("Client {}", self.index + 1)
    }

    fn machine(&self) -> &MachineState {
        &self.machine
    }

    fn on_start(&mut self, ctx: &mut Ctx<PayMsg>) {
        if self.cfg.send_key {
            let (hi, lo) = (ctx.random_u64(), ctx.random_u64());
            self.key = Some(Key::from_random(hi, lo));
        }
        ctx.fire(&mut self.machine, "send");
        self.send_attempt(ctx);
    }

    fn on_message(&mut self, _from: ActorId, msg: PayMsg, ctx: &mut Ctx<PayMsg>) {
        let PayMsg::ChargeReply {
            attempt,
            response,
            replayed,
            error,
            ..
        } = msg
        else {
            return;
        };
        let current = self.attempts.len() as u32;
        let status = response.status;
        if attempt != current || self.machine.current != "awaiting_response" {
            self.note_too_late(attempt, status, replayed, ctx);
            return;
        }
        ctx.cancel_timer(TIMEOUT);
        if let Some(a) = self.attempts.last_mut() {
            a.outcome = Outcome::Answered(status, replayed);
            a.answer = Some((status, response.charge_id, replayed));
            a.reply = Some((response.clone(), error, replayed));
        }
        self.touch(current, ctx);
        self.act_on_status(status, replayed, ctx);
    }

    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<PayMsg>) {
        match tag {
            TIMEOUT => {
                let n = self.attempts.len();
                if let Some(a) = self.attempts.last_mut() {
                    a.outcome = Outcome::TimedOut;
                }
                self.touch(n as u32, ctx);
                say!(ctx, "Client {} hears nothing within {} ms and times out attempt {n}. A timeout does not mean the payment failed: the server may have charged.",
                    self.index + 1,
                    self.cfg.timeout_ms);
                self.retry_or_give_up("timeout", ctx);
            }
            BACKOFF => {
                ctx.fire(&mut self.machine, "retry");
                self.send_attempt(ctx);
            }
            _ => {}
        }
    }

    fn on_crash(&mut self) {}

    fn on_lab_fault(&mut self, name: &str, _args: &Config, ctx: &mut Ctx<PayMsg>) -> bool {
        match name {
            "change-amount" => {
                self.change_amount = true;
                say!(
                    ctx,
                    "Client {} will change the amount on its next retry.",
                    self.index + 1
                );
            }
            "new-key" => self.new_key = true,
            _ => return false,
        }
        true
    }

    fn schema(&self) -> Vec<TableSchema> {
        vec![ATTEMPTS_TABLE]
    }

    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        // Drained in place, so the list keeps its room for the next step.
        let mut dirty = std::mem::take(&mut self.dirty);
        if let Some(out) = out {
            for &n in &dirty {
                if let Some(a) = self.attempts.iter().find(|a| a.n == n) {
                    out.push(self.attempt_row(a));
                }
            }
        }
        dirty.clear();
        self.dirty = dirty;
    }
}

/// The attempts table all clients write to.
pub const ATTEMPTS_TABLE: TableSchema = TableSchema {
    title: "Client attempts",
    columns: &["attempt", "sent at", "key", "amount", "outcome", "backoff"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant() {
        let u = Key::from_random(u64::MAX, u64::MAX).to_string();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn client_machine_is_well_formed() {
        assert!(CLIENT_MACHINE.is_well_formed());
    }
}
