//! The outbox and its relay, shared by the services and the orchestrator:
//! rows waiting to be published, re-published with a capped backoff for as
//! long as the broker has not confirmed them (at least once, never given up). Durable with the transactional outbox;
//! with dual write the same rows live only in memory, so a crash between
//! the commit and the publish loses them.

use super::msg::{Env, SagaMsg};
use super::saga::BROKER;
use crate::actor::{Ctx, TimerKind};
use crate::rows::{RowChange, TableSchema};

/// The relay's retry timer.
pub const RELAY: u32 = 1;
const RELAY_MS: u64 = 500;
const RELAY_MS_MAX: u64 = 4_000;
/// How soon the relay picks up a new row.
const POLL_MS: u64 = 5;

/// The wait before trying again after try number `n` (from 1).
fn backoff_ms(n: u16) -> u64 {
    (RELAY_MS << n.saturating_sub(1).min(8)).min(RELAY_MS_MAX)
}

pub const OUTBOX_TABLE: TableSchema = TableSchema {
    title: "Outbox",
    columns: &["event", "service", "what", "state"],
};
pub const MEMORY_TABLE: TableSchema = TableSchema {
    title: "Unsent events (dual write, in memory)",
    columns: &["event", "service", "what", "state"],
};

#[derive(Clone, Debug, Hash)]
pub struct Row {
    pub env: Env,
    /// The broker confirmed it.
    pub sent: bool,
    tries: u16,
    last: u64,
}

#[derive(Clone, Debug, Hash)]
pub struct Outbox {
    pub rows: Vec<Row>,
    /// Whether rows survive a crash (the outbox table) or not (memory).
    pub durable: bool,
    /// Every event id ever put on the wire (a monitor for the checks).
    pub ever_sent: Vec<u32>,
    /// The id sequence (a database sequence: it survives crashes).
    next: u32,
    base: u32,
    dirty: Vec<u32>,
    /// Rows a crash just lost, for their last line in the table.
    lost: Vec<Env>,
}

impl Outbox {
    pub fn new(durable: bool, base: u32) -> Self {
        Self {
            rows: Vec::new(),
            durable,
            ever_sent: Vec::new(),
            next: 0,
            base,
            dirty: Vec::new(),
            lost: Vec::new(),
        }
    }

    pub fn table(&self) -> TableSchema {
        if self.durable {
            OUTBOX_TABLE
        } else {
            MEMORY_TABLE
        }
    }

    /// A new event id.
    pub fn new_id(&mut self) -> u32 {
        self.next += 1;
        self.base + self.next
    }

    /// Keep `env` to publish (in the committing transaction, or in memory).
    pub fn add(&mut self, env: Env) {
        self.rows.push(Row {
            env,
            sent: false,
            tries: 0,
            last: 0,
        });
        self.dirty.push(env.id);
    }

    pub fn has(&self, id: u32) -> bool {
        self.rows.iter().any(|r| r.env.id == id)
    }

    /// Wake the relay: it publishes the new row in a step of its own
    /// (a crash before then loses a row kept only in memory).
    pub fn wake(&self, ctx: &mut Ctx<SagaMsg>) {
        ctx.set_timer(POLL_MS, RELAY, TimerKind::Backoff, "relay");
    }

    /// Publish row `id` again (the same message: consumers that remember
    /// it drop the copy).
    pub fn resend(&mut self, id: u32, ctx: &mut Ctx<SagaMsg>) {
        if let Some(r) = self.rows.iter_mut().find(|r| r.env.id == id) {
            (r.sent, r.tries) = (false, 0);
            self.dirty.push(id);
            self.wake(ctx);
        }
    }

    /// The broker stored `id`: mark the row sent.
    pub fn stored(&mut self, id: u32, ctx: &mut Ctx<SagaMsg>) {
        if let Some(r) = self.rows.iter_mut().find(|r| r.env.id == id && !r.sent) {
            r.sent = true;
            self.dirty.push(id);
            ctx.data_changed();
        }
        if self.rows.iter().all(|r| r.sent) {
            ctx.cancel_timer(RELAY);
        }
    }

    /// The relay's pass: publish every row the broker has not confirmed
    /// (again if its last try is older than the retry interval).
    pub fn retry(&mut self, ctx: &mut Ctx<SagaMsg>) {
        let now = ctx.now();
        let mut next_due = None;
        for r in self.rows.iter_mut().filter(|r| !r.sent) {
            if r.tries == 0 || now >= r.last + backoff_ms(r.tries) {
                r.tries = r.tries.saturating_add(1);
                r.last = now;
                if !self.ever_sent.contains(&r.env.id) {
                    self.ever_sent.push(r.env.id);
                }
                ctx.send(BROKER, SagaMsg::Publish(r.env));
            }
            let due = r.last + backoff_ms(r.tries);
            next_due = Some(next_due.map_or(due, |d: u64| d.min(due)));
        }
        if let Some(due) = next_due {
            ctx.set_timer(due - now, RELAY, TimerKind::Backoff, "relay retry");
        }
    }

    /// A crash: rows kept only in memory are gone.
    pub fn crash(&mut self) {
        if !self.durable {
            for r in self.rows.iter().filter(|r| !r.sent) {
                self.dirty.push(r.env.id);
                self.lost.push(r.env);
            }
            self.rows.retain(|r| r.sent);
        }
    }

    pub fn rows_changed(&mut self, service: &'static str, out: &mut Option<&mut Vec<RowChange>>) {
        let table = self.table().title;
        for id in self.dirty.drain(..) {
            let Some(out) = out.as_deref_mut() else {
                continue;
            };
            let row = self
                .rows
                .iter()
                .find(|r| r.env.id == id)
                .map(|r| (r.env, r.sent));
            let lost = self.lost.iter().find(|e| e.id == id).copied();
            out.push(RowChange::lazy(table, u64::from(id), move || {
                let (what, state) = match (row, lost) {
                    (Some((e, sent)), _) => (e.to_string(), if sent { "SENT" } else { "PENDING" }),
                    (None, lost) => (
                        lost.map_or_else(String::new, |e| e.to_string()),
                        "LOST in the crash",
                    ),
                };
                vec![format!("m{id}"), service.into(), what, state.into()]
            }));
        }
        self.lost.clear();
    }
}
