//! The message broker: a durable queue (messages survive its crash) that
//! delivers each message at least once and redelivers it, with a capped
//! backoff, until the consumer acknowledges it. There is no dead-letter
//! queue: no message is ever given up on.

use super::msg::{Env, SagaMsg};
use super::saga::NAMES;
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::machine::{MachineState, StateMachine, Transition as T};
use crate::trace::{mark_changed, RowChange, TableSchema};

pub static QUEUE_M: StateMachine = StateMachine {
    name: "Queued message",
    states: &["QUEUED", "DELIVERED", "ACKED"],
    transitions: &[
        T::new("QUEUED", "deliver", "DELIVERED"),
        T::new("DELIVERED", "redeliver", "DELIVERED"),
        T::new("DELIVERED", "ack", "ACKED"),
    ],
};

pub const QUEUE_TABLE: TableSchema = TableSchema {
    title: "Broker queue",
    columns: &["#", "message", "what", "to", "state", "deliveries"],
};

/// The wait for an ack after the first delivery; it doubles after each
/// redelivery, up to [`ACK_MS_MAX`].
const ACK_MS: u64 = 600;
const ACK_MS_MAX: u64 = 4_800;

/// The wait for an ack after delivery number `n` (from 1).
pub fn ack_wait_ms(n: u16) -> u64 {
    (ACK_MS << n.saturating_sub(1).min(8)).min(ACK_MS_MAX)
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub env: Env,
    pub m: MachineState,
    pub deliveries: u16,
}

#[derive(Clone, Debug)]
pub struct Broker {
    /// The durable queue, in arrival order (entry `q` is `queue[q - 1]`).
    pub queue: Vec<Entry>,
    shown: MachineState,
    dirty: Vec<u32>,
}

impl Default for Broker {
    fn default() -> Self {
        Self {
            queue: Vec::new(),
            shown: MachineState::new(&QUEUE_M),
            dirty: Vec::new(),
        }
    }
}

impl Broker {
    /// Whether message `id` ever reached the queue.
    pub fn has(&self, id: u32) -> bool {
        self.queue.iter().any(|e| e.env.id == id)
    }

    fn fire(&mut self, q: u32, event: &'static str, ctx: &mut Ctx<SagaMsg>) {
        let e = &mut self.queue[q as usize - 1];
        ctx.fire_instance(&mut e.m, q, event);
        self.shown = e.m;
        mark_changed(&mut self.dirty, q);
        ctx.data_changed();
    }

    fn deliver(&mut self, q: u32, ctx: &mut Ctx<SagaMsg>) {
        let e = &mut self.queue[q as usize - 1];
        e.deliveries = e.deliveries.saturating_add(1);
        ctx.send(e.env.to, SagaMsg::Deliver { q, env: e.env });
        let wait = ack_wait_ms(e.deliveries);
        ctx.set_timer(wait, q, TimerKind::Timeout, "ack due");
    }
}

impl Actor for Broker {
    type Msg = SagaMsg;

    fn name(&self) -> &str {
        NAMES[1]
    }
    fn title(&self) -> String {
        "Message broker".into()
    }
    fn machine(&self) -> &MachineState {
        &self.shown
    }
    fn on_message(&mut self, from: ActorId, msg: SagaMsg, ctx: &mut Ctx<SagaMsg>) {
        match msg {
            SagaMsg::Publish(env) => {
                self.queue.push(Entry {
                    env,
                    m: MachineState::new(&QUEUE_M),
                    deliveries: 0,
                });
                let q = self.queue.len() as u32;
                ctx.send(from, SagaMsg::Stored(env.id));
                self.fire(q, "deliver", ctx);
                self.deliver(q, ctx);
                ctx.say("The broker stores it on disk, confirms it and delivers it.");
            }
            SagaMsg::Ack(q)
                if self
                    .queue
                    .get(q as usize - 1)
                    .is_some_and(|e| e.m.current == "DELIVERED") =>
            {
                ctx.cancel_timer(q);
                self.fire(q, "ack", ctx);
            }
            _ => {}
        }
    }
    fn on_timer(&mut self, q: u32, ctx: &mut Ctx<SagaMsg>) {
        let Some(e) = self.queue.get(q as usize - 1) else {
            return;
        };
        if e.m.current != "DELIVERED" {
            return;
        }
        self.fire(q, "redeliver", ctx);
        ctx.say("No ack in time: the broker delivers it again (at least once).");
        self.deliver(q, ctx);
    }
    fn on_crash(&mut self) {}
    fn on_restart(&mut self, ctx: &mut Ctx<SagaMsg>) {
        ctx.say(
            "The broker restarts with its queue intact and redelivers what was not acknowledged.",
        );
        for q in 1..=self.queue.len() as u32 {
            if self.queue[q as usize - 1].m.current == "DELIVERED" {
                self.fire(q, "redeliver", ctx);
                self.deliver(q, ctx);
            }
        }
    }
    fn instances(&self) -> Option<Instances> {
        Some(Instances {
            noun: "message",
            durable: true,
        })
    }
    fn schema(&self) -> Vec<TableSchema> {
        vec![QUEUE_TABLE]
    }
    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        let dirty = std::mem::take(&mut self.dirty);
        if let Some(out) = out {
            for q in dirty {
                let e = self.queue[q as usize - 1].clone();
                out.push(RowChange::lazy(
                    QUEUE_TABLE.title,
                    u64::from(q),
                    move || {
                        vec![
                            format!("#{q}"),
                            format!("m{}", e.env.id),
                            e.env.to_string(),
                            NAMES[e.env.to as usize].into(),
                            e.m.current.into(),
                            e.deliveries.to_string(),
                        ]
                    },
                ));
            }
        }
    }
}
