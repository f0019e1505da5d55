//! The seam between the engine and a lab: the only generic code of the
//! engine. [`LabModel`] holds a lab's typed actors, settings and messages
//! on the wire and implements [`Model`], a small object-safe trait; the
//! loop, the network and the recorder take `&mut dyn Model` and are
//! compiled once, whatever the number of labs. Per lab, only the handler
//! dispatch, the command loop and the typed payload store are compiled.

use super::record::StepRecord;
use super::sim::{Hook, Model, Sim};
use crate::actor::{Actor, ActorId, Command, Ctx, LabMsg};
use crate::lab::{Lab, TraceSoFar};
use crate::message::Message;
use crate::rows::{RowChange, TableSchema};
use crate::trace::{ActorInfo, LazyMessage, MessageLog};
use std::cell::RefCell;
use std::rc::Rc;

type Msg<L> = <<L as Lab>::Actor as Actor>::Msg;

/// A lab's actors, settings and the messages on the wire.
pub(super) struct LabModel<L: Lab> {
    pub settings: L::Settings,
    pub actors: Vec<L::Actor>,
    /// Payload of each flight still on the wire, by flight id.
    payloads: Vec<Option<Msg<L>>>,
    /// A command buffer handed to each handler and taken back (no
    /// allocation per event).
    spare: Vec<Command<Msg<L>>>,
    /// Every message sent, for the flights' `LazyMessage`s (full runs).
    log: Rc<Log<Msg<L>>>,
    /// Each actor's hash for the explorer's fingerprint, kept until the
    /// actor changes (0: not known). Only `handle`, `crash` and
    /// `changed_rows` change an actor, each one actor, and each forgets
    /// that actor's hash; a step changes one or two actors, so the others'
    /// hashes are reused.
    #[cfg(feature = "explore")]
    hashes: Vec<std::cell::Cell<u64>>,
}

/// A run's messages in send order, rendered when a view asks.
struct Log<M>(RefCell<Vec<M>>);

impl<M: LabMsg> MessageLog for Log<M> {
    fn message(&self, index: u32) -> Message {
        let log = self.0.borrow();
        let msg = &log[index as usize];
        let mut m = msg.display();
        m.focus = msg.focus();
        m
    }

    fn label(&self, index: u32) -> String {
        self.0.borrow()[index as usize].label()
    }

    fn tag(&self, index: u32) -> Option<&'static str> {
        self.0.borrow()[index as usize].tag()
    }
}

impl<L: Lab> LabModel<L> {
    pub fn new(settings: L::Settings, actors: Vec<L::Actor>) -> Self {
        #[cfg(feature = "explore")]
        let hashes = actors.iter().map(|_| Default::default()).collect();
        Self {
            settings,
            actors,
            payloads: Vec::with_capacity(super::record::expected_sizes().flights),
            spare: Vec::new(),
            log: Rc::new(Log(RefCell::new(Vec::new()))),
            #[cfg(feature = "explore")]
            hashes,
        }
    }

    /// Actor `id` may have changed: forget its hash.
    fn touched(&self, id: ActorId) {
        #[cfg(feature = "explore")]
        if let Some(h) = self.hashes.get(id as usize) {
            h.set(0);
        }
        #[cfg(not(feature = "explore"))]
        let _ = id;
    }

    /// Put a message on the wire (the network, in `Sim::send`, decides its
    /// fate); keep its payload once per copy that will arrive.
    fn send(
        &mut self,
        sim: &mut Sim,
        from: ActorId,
        to: ActorId,
        msg: Msg<L>,
        rec: &mut StepRecord,
    ) {
        if to as usize >= self.actors.len() {
            return;
        }
        let class = msg.class();
        // Its text (label and wire form) is made only when shown.
        let display = if sim.rec.detail {
            let mut log = self.log.0.borrow_mut();
            let index = log.len() as u32;
            log.push(msg.clone());
            let shared: Rc<dyn MessageLog> = self.log.clone();
            LazyMessage::logged(shared, index)
        } else {
            LazyMessage::default()
        };
        let sent = sim.send(from, to, (class, msg.mark()), display);
        match sent.copies {
            0 => self.payloads.push(None),
            1 => self.payloads.push(Some(msg)),
            _ => {
                self.payloads.push(Some(msg.clone()));
                self.payloads.push(Some(msg));
            }
        }
        if let Some(crash) = sent.crash {
            sim.crash_on_send(self, crash, rec);
        }
    }
}

#[cfg(feature = "explore")]
impl<L: Lab> LabModel<L> {
    /// Actor `i`'s hash, from the cache if it has not changed since.
    fn actor_hash(&self, i: usize, actor: &L::Actor) -> u64 {
        use std::hash::{Hash, Hasher};
        if let Some(known) = self.hashes.get(i).map(|c| c.get()).filter(|&h| h != 0) {
            return known;
        }
        let mut h = crate::fingerprinter::Fingerprinter::default();
        actor.hash(&mut h);
        // 0 means "not known": a hash of 0 is stored as 1.
        let value = h.finish().max(1);
        if let Some(c) = self.hashes.get(i) {
            c.set(value);
        }
        value
    }
}

impl<L: Lab> Model for LabModel<L> {
    fn handle(&mut self, sim: &mut Sim, me: ActorId, hook: Hook<'_>, rec: &mut StepRecord) -> bool {
        let buffer = std::mem::take(&mut self.spare);
        let mut ctx = Ctx::new(
            sim.now,
            me,
            &mut sim.rng,
            sim.rec.detail,
            buffer,
            &mut rec.narration,
            &mut rec.transitions,
        );
        self.touched(me);
        let actor = &mut self.actors[me as usize];
        let mut understood = false;
        match hook {
            Hook::Start => actor.on_start(&mut ctx),
            Hook::Message { flight, from } => {
                if let Some(msg) = self.payloads[flight as usize].take() {
                    actor.on_message(from, msg, &mut ctx);
                }
            }
            Hook::Timer(tag) => actor.on_timer(tag, &mut ctx),
            Hook::Restart => actor.on_restart(&mut ctx),
            Hook::LabFault(name, args) => {
                understood = sim.up[me as usize] && actor.on_lab_fault(name, args, &mut ctx);
            }
        }
        let mut out = ctx.finish();
        rec.add_handler(me, &out);
        let mut commands = std::mem::take(&mut out.commands);
        for c in commands.drain(..) {
            if !sim.up[me as usize] {
                break; // crashed by a fault on one of its own sends: the rest never happens
            }
            match c {
                Command::Send { to, msg } => self.send(sim, me, to, msg, rec),
                Command::SetTimer {
                    after_ms,
                    tag,
                    kind,
                    label,
                } => sim.set_timer(me, after_ms, tag, kind, label),
                Command::CancelTimer { tag } => sim.cancel_timer(me, tag),
            }
        }
        self.spare = commands;
        understood
    }

    fn has_payload(&self, flight: u32) -> bool {
        self.payloads[flight as usize].is_some()
    }

    fn drop_payload(&mut self, flight: u32) {
        self.payloads[flight as usize] = None;
    }

    fn crash(&mut self, id: ActorId) {
        self.touched(id);
        self.actors[id as usize].on_crash();
    }

    fn title(&self, id: ActorId) -> String {
        self.actors[id as usize].title()
    }

    fn changed_rows(&mut self, id: ActorId, out: Option<&mut Vec<RowChange>>) {
        self.touched(id);
        self.actors[id as usize].changed_rows(out);
    }

    fn states(&self, out: &mut Vec<u8>) {
        out.extend(self.actors.iter().map(|a| a.machine().index()));
    }

    fn check(&self, at_end: bool, trace: &TraceSoFar<'_>) -> Vec<(&'static str, String)> {
        if at_end {
            L::check_end(&self.settings, &self.actors, trace)
        } else {
            L::check(&self.settings, &self.actors, trace)
        }
    }

    fn schema(&self, id: ActorId) -> Vec<TableSchema> {
        self.actors[id as usize].schema()
    }

    #[cfg(feature = "explore")]
    fn fork(&self) -> Box<dyn Model> {
        Box::new(Self {
            settings: self.settings.clone(),
            actors: self.actors.clone(),
            payloads: self.payloads.clone(),
            spare: Vec::new(),
            // Explorers run lean: nothing is logged for display.
            log: Rc::new(Log(RefCell::new(Vec::new()))),
            hashes: self.hashes.clone(),
        })
    }

    #[cfg(feature = "explore")]
    fn describe(&self, flight: Option<u32>, out: &mut dyn std::fmt::Write) {
        // Writing to a string cannot fail.
        let _ = match flight {
            Some(f) => write!(out, "{:?}", self.payloads[f as usize]),
            None => write!(out, "{:?}", self.actors),
        };
    }

    #[cfg(feature = "explore")]
    fn hash_state(&self, flight: Option<u32>, h: &mut dyn std::hash::Hasher) {
        use std::hash::{Hash, Hasher};
        // Hashed with the concrete hasher (its writes inline), then folded
        // into `h` as one word: through `dyn Hasher` every field would be
        // a call of its own.
        let mut local = crate::fingerprinter::Fingerprinter::default();
        match flight {
            Some(f) => self.payloads[f as usize].hash(&mut local),
            None => {
                self.actors.len().hash(&mut local);
                for (i, actor) in self.actors.iter().enumerate() {
                    local.write_u64(self.actor_hash(i, actor));
                }
            }
        }
        h.write_u64(local.finish());
    }

    #[cfg(feature = "explore")]
    fn check_bounded(&self, now_ms: u64) -> Vec<(&'static str, String)> {
        L::check_bounded(&self.settings, &self.actors, now_ms)
    }

    #[cfg(feature = "explore")]
    fn measure(&self, now_ms: u64) -> u64 {
        L::explorer_measure(&self.settings, &self.actors, now_ms)
    }

    fn infos(&self) -> Vec<ActorInfo> {
        self.actors
            .iter()
            .map(|a| ActorInfo {
                name: a.name().to_string(),
                title: a.title(),
                machine: a.machine().machine,
                instances: a.instances(),
            })
            .collect()
    }
}
