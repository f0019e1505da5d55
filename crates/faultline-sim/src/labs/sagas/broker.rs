//! The message broker: a durable queue (messages survive its crash) that
//! delivers each message at least once and redelivers it, with a capped
//! backoff, until the consumer acknowledges it. There is no dead-letter
//! queue: no message is ever given up on. A command goes to the one
//! service it names; a choreography's event goes to a topic, and the
//! broker queues a copy for each subscriber (`topics.rs`).

use super::flow::Next;
use super::msg::{Env, SagaMsg};
use super::saga::{step, NAMES};
use super::topics::{subscribers, unsubscribed, SUBSCRIPTIONS};
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::lines::say;
use crate::machine::{MachineState, StateMachine, Transition as T};
use crate::rows::{mark_changed, RowChange, TableSchema};

pub static QUEUE_M: StateMachine = StateMachine {
    name: "Queued message",
    states: &["QUEUED", "DELIVERED", "ACKED"],
    transitions: &[
        T::new("QUEUED", "deliver", "DELIVERED"),
        T::new("DELIVERED", "redeliver", "DELIVERED"),
        T::new("DELIVERED", "ack", "ACKED"),
    ],
};

pub const TOPICS_TABLE: TableSchema = TableSchema {
    title: "Topic subscriptions",
    columns: &["topic", "subscriber", "then"],
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

#[derive(Clone, Debug, Hash)]
pub struct Entry {
    pub env: Env,
    pub m: MachineState,
    pub deliveries: u16,
}

#[derive(Clone, Debug, Hash)]
pub struct Broker {
    /// The durable queue, in arrival order (entry `q` is `queue[q - 1]`).
    pub queue: Vec<Entry>,
    /// Every message id stored, on a topic with no subscriber too.
    pub(super) stored: Vec<u32>,
    /// Whether events go to topics (a choreography).
    topics: bool,
    /// The subscriptions table is yet to be drawn.
    topics_unshown: bool,
    shown: MachineState,
    dirty: Vec<u32>,
}

impl Broker {
    /// A broker with an empty queue; `topics` for a choreography.
    pub fn new(topics: bool) -> Self {
        Self {
            queue: Vec::new(),
            stored: Vec::new(),
            topics,
            topics_unshown: topics,
            shown: MachineState::new(&QUEUE_M),
            dirty: Vec::new(),
        }
    }

    /// Whether message `id` was ever stored.
    pub fn has(&self, id: u32) -> bool {
        self.stored.contains(&id)
    }

    /// Queue `env` for its consumer; `false` if it has none (an event
    /// on a topic nobody subscribes to).
    fn enqueue(&mut self, env: Env, ctx: &mut Ctx<SagaMsg>) -> bool {
        let to: Vec<ActorId> = match env.topic {
            None => vec![env.to],
            Some(topic) => subscribers(topic).collect(),
        };
        for &to in &to {
            self.queue.push(Entry {
                env: Env { to, ..env },
                m: MachineState::new(&QUEUE_M),
                deliveries: 0,
            });
            let q = self.queue.len() as u32;
            self.fire(q, "deliver", ctx);
            self.deliver(q, ctx);
        }
        !to.is_empty()
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
                if !self.stored.contains(&env.id) {
                    self.stored.push(env.id);
                }
                ctx.send(from, SagaMsg::Stored(env.id));
                let delivered = self.enqueue(env, ctx);
                match env.topic {
                    None => ctx.say("The broker stores it on disk, confirms it and delivers it."),
                    Some(topic) if delivered => {
                        let who = subscribers(topic).map(|a| NAMES[a as usize]).collect::<Vec<_>>();
                        say!(ctx, "The broker stores it on topic {topic}, confirms it and delivers a copy to each subscriber: {}.", who.join(", "));
                    }
                    Some(topic) => say!(ctx, "The broker stores it on topic {topic} and confirms it. No service subscribes to {topic}: nobody is told."),
                }
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
    fn on_start(&mut self, ctx: &mut Ctx<SagaMsg>) {
        // The subscriptions table, in the data panel from the first step.
        if self.topics {
            ctx.data_changed();
        }
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
        if self.topics {
            vec![TOPICS_TABLE, QUEUE_TABLE]
        } else {
            vec![QUEUE_TABLE]
        }
    }
    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        let dirty = std::mem::take(&mut self.dirty);
        if let Some(out) = out {
            if std::mem::take(&mut self.topics_unshown) {
                subscription_rows(out);
            }
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

/// The subscriptions table's rows, and a row for each topic nobody
/// subscribes to.
fn subscription_rows(out: &mut Vec<RowChange>) {
    for (i, s) in SUBSCRIPTIONS.iter().enumerate() {
        let then = match s.then {
            Next::Do(n) => format!("T{n} {}", step(n).name),
            Next::Undo(n) => format!("C{n} {}", step(n).compensation.unwrap_or("")),
            Next::Completed => "saga COMPLETED".into(),
            Next::Compensated => "saga COMPENSATED".into(),
        };
        let row = vec![s.topic.into(), NAMES[s.subscriber as usize].into(), then];
        out.push(RowChange::lazy(TOPICS_TABLE.title, i as u64, move || {
            row.clone()
        }));
    }
    let lonely = unsubscribed();
    for (i, topic) in lonely.into_iter().enumerate() {
        let key = (SUBSCRIPTIONS.len() + i) as u64;
        out.push(RowChange::lazy(TOPICS_TABLE.title, key, move || {
            vec![topic.into(), "(none)".into(), "—".into()]
        }));
    }
}
