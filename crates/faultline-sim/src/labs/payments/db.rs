//! The payment API's database: the charges ledger and the idempotency key
//! store. All of it is durable: a crash loses nothing that was committed.

use super::config::{money, secs, PaymentsConfig};
use super::msg::{short, Claim, Fingerprint, Key, PayMsg, StoredResponse};
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::lines::say;
use crate::machine::{MachineState, StateMachine, Transition};
use crate::rows::{mark_changed, RowChange, TableSchema};
use crate::scenario::Config;
use crate::small_map::SmallMap;

mod claim;

/// The life of one idempotency key record (the panel shows the latest key).
pub static KEY_MACHINE: StateMachine = StateMachine {
    name: "Idempotency key record",
    states: &["absent", "IN_FLIGHT", "COMPLETED", "EXPIRED"],
    transitions: &[
        Transition::new("absent", "claim", "IN_FLIGHT"),
        Transition::new("IN_FLIGHT", "complete", "COMPLETED"),
        Transition::new("IN_FLIGHT", "reclaim_after_lock", "IN_FLIGHT"),
        Transition::new("IN_FLIGHT", "expire", "EXPIRED"),
        Transition::new("COMPLETED", "expire", "EXPIRED"),
        Transition::new("EXPIRED", "claim", "IN_FLIGHT"),
        Transition::new("EXPIRED", "complete_late", "COMPLETED"),
    ],
};

/// State of a key record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyState {
    InFlight,
    Completed,
    Expired,
}

impl KeyState {
    pub fn label(self) -> &'static str {
        match self {
            KeyState::InFlight => "IN_FLIGHT",
            KeyState::Completed => "COMPLETED",
            KeyState::Expired => "EXPIRED",
        }
    }
}

#[derive(Clone, Debug, Hash)]
pub struct KeyRecord {
    pub fingerprint: Fingerprint,
    pub state: KeyState,
    pub response: Option<StoredResponse>,
    pub claimed_at: u64,
    /// When this record was created (a claim after expiry starts afresh).
    pub kept_since: u64,
    pub expires_at: u64,
    /// The key's own state machine.
    pub machine: MachineState,
    /// Fencing token of the current claim.
    pub token: u32,
    /// The record's number, in order of first use (its instance id).
    pub serial: u32,
    /// When the record last changed (every change fires its machine), so
    /// the checks look only at records that changed now.
    pub changed_at: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Charge {
    pub id: u32,
    /// The processor's hold this charge records.
    pub auth: u32,
    pub order: u32,
    pub amount: u64,
    pub key: Option<Key>,
    pub fingerprint: Fingerprint,
    pub at: u64,
}

#[derive(Clone, Debug, Hash)]
pub struct Database {
    cfg: PaymentsConfig,
    pub charges: Vec<Charge>,
    pub keys: SmallMap<Key, KeyRecord>,
    next_token: u32,
    /// Rows changed since the engine last asked.
    dirty_charges: Vec<u32>,
    dirty_keys: Vec<Key>,
    shown: MachineState,
}

impl Database {
    pub fn new(cfg: &PaymentsConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            charges: Vec::new(),
            keys: SmallMap::new(),
            next_token: 1,
            dirty_charges: Vec::new(),
            dirty_keys: Vec::new(),
            shown: MachineState::new(&KEY_MACHINE),
        }
    }

    fn fire(&mut self, key: &Key, event: &'static str, ctx: &mut Ctx<PayMsg>) {
        mark_changed(&mut self.dirty_keys, *key);
        if let Some(r) = self.keys.get_mut(key) {
            r.changed_at = ctx.now();
            ctx.fire_instance(&mut r.machine, r.serial, event);
            self.shown = r.machine;
        }
    }

    /// Expire `key` if its retention has passed (the sweep timer does it
    /// on time; a claim at the same instant checks too).
    fn expire_due(&mut self, key: &Key, ctx: &mut Ctx<PayMsg>) {
        let now = ctx.now();
        let due = self
            .keys
            .get(key)
            .is_some_and(|r| r.state != KeyState::Expired && now >= r.expires_at);
        if due {
            let in_flight = self.keys[key].state == KeyState::InFlight;
            if let Some(r) = self.keys.get_mut(key) {
                r.state = KeyState::Expired;
            }
            self.fire(key, "expire", ctx);
            ctx.say_with(|| {
                let k = short(key);
                if in_flight {
                    format!("Key {k} reaches the end of its retention while a request still holds it. The sweep forgets it: a retry now would look like a new payment.")
                } else {
                    format!("Key {k} reaches the end of its retention, so the sweep forgets it: a retry with it now looks like a new payment.")
                }
            });
        }
    }

    /// Arm the sweep for `key`: an expiry timer due when its retention ends.
    fn arm_expiry(&self, key: &Key, ctx: &mut Ctx<PayMsg>) {
        if let Some(r) = self.keys.get(key) {
            let after = r.expires_at.saturating_sub(ctx.now());
            ctx.set_timer_with(after, r.serial, TimerKind::Expiry, || {
                format!("key {} expires", short(key))
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_charge(
        &mut self,
        order: u32,
        amount: u64,
        key: Option<Key>,
        fingerprint: Fingerprint,
        auth: u32,
        now: u64,
    ) -> u32 {
        let id = self.charges.len() as u32 + 1;
        mark_changed(&mut self.dirty_charges, id);
        self.charges.push(Charge {
            id,
            auth,
            order,
            amount,
            key,
            fingerprint,
            at: now,
        });
        id
    }

    /// Store `response` under `key`. A record the sweep expired while its
    /// holder was still working is completed too (no newer request claimed
    /// it: the fencing token still matches) and kept for a new retention.
    fn complete(&mut self, key: &Key, response: StoredResponse, ctx: &mut Ctx<PayMsg>) {
        let now = ctx.now();
        let ttl = self.cfg.key_ttl_ms;
        let mut late = false;
        if let Some(r) = self.keys.get_mut(key) {
            late = r.state == KeyState::Expired;
            r.state = KeyState::Completed;
            r.response = Some(response);
            if late {
                r.expires_at = now.saturating_add(ttl);
            }
        }
        if late {
            self.fire(key, "complete_late", ctx);
            self.arm_expiry(key, ctx);
            say!(ctx, "Key {} had expired while this request worked, but no other request claimed it since, so the outcome is stored and the key is kept again from now.", short(key));
        } else {
            self.fire(key, "complete", ctx);
        }
    }

    /// Whether a write fenced by `token` may complete `key`: the record
    /// exists, nobody claimed it since (same token) and it is not already
    /// completed (a duplicated commit must not charge twice).
    fn may_complete(&self, key: &Key, token: u32) -> bool {
        self.keys
            .get(key)
            .is_some_and(|r| r.token == token && r.state != KeyState::Completed)
    }

    /// The key half of an atomic commit: `key` (if any) completed with
    /// the response of ledger row `id`, in the same transaction.
    fn complete_with_charge(
        &mut self,
        key: Option<Key>,
        id: u32,
        amount: u64,
        ctx: &mut Ctx<PayMsg>,
    ) {
        if let Some(k) = &key {
            self.complete(
                k,
                StoredResponse {
                    status: 200,
                    charge_id: Some(id),
                    amount,
                },
                ctx,
            );
            say!(ctx, "One transaction: ledger row ch_{id} for {} is written and key {} becomes COMPLETED with the response stored.", money(amount), short(k));
        } else {
            say!(
                ctx,
                "Ledger row ch_{id} for {} is written: it records the hold.",
                money(amount)
            );
        }
    }

    /// The writes fenced by a claim token besides the atomic commit: the
    /// non-atomic store's ledger row, and a key's completion (after that
    /// row, or to store a decline).
    fn on_fenced_write(&mut self, from: ActorId, msg: PayMsg, now: u64, ctx: &mut Ctx<PayMsg>) {
        match msg {
            // The first write of a non-atomic store is fenced too: a request
            // whose claim was taken over must not add a ledger row.
            PayMsg::InsertCharge {
                req,
                key: Some(k),
                token,
                ..
            } if !self.may_complete(&k, token) => {
                say!(ctx, "The database refuses the ledger row: key {} is held by a newer claim (or already completed).", short(&k));
                ctx.send(from, PayMsg::CommitRefused { req });
            }
            PayMsg::InsertCharge {
                req,
                order,
                amount,
                key,
                fingerprint,
                auth,
                ..
            } => {
                let id = self.insert_charge(order, amount, key, fingerprint, auth, now);
                say!(
                    ctx,
                    "Ledger row ch_{id} for {} is written. The key record still says IN_FLIGHT.",
                    money(amount)
                );
                ctx.data_changed();
                ctx.send(from, PayMsg::ChargeWritten { req, charge_id: id });
            }
            // A completion is fenced like a commit: only the request that
            // holds the key's latest claim may store its outcome.
            PayMsg::CompleteKey {
                req, key, token, ..
            } if !self.may_complete(&key, token) => {
                say!(ctx, "The database refuses to store this outcome: key {} is no longer held by this request.", short(&key));
                ctx.send(from, PayMsg::CommitRefused { req });
            }
            PayMsg::CompleteKey {
                req, key, response, ..
            } => {
                self.complete(&key, response, ctx);
                say!(
                    ctx,
                    "Key {} is now COMPLETED, with the response stored for replays.",
                    short(&key)
                );
                ctx.data_changed();
                ctx.send(from, PayMsg::KeyCompleted { req });
            }
            _ => {}
        }
    }
}

impl Actor for Database {
    type Msg = PayMsg;

    fn name(&self) -> &str {
        "database"
    }

    fn title(&self) -> String {
        "Database".into()
    }

    fn machine(&self) -> &MachineState {
        &self.shown
    }

    fn on_message(&mut self, from: ActorId, msg: PayMsg, ctx: &mut Ctx<PayMsg>) {
        let now = ctx.now();
        match msg {
            PayMsg::ClaimKey {
                req,
                key,
                fingerprint,
            } => {
                let claim = self.claim(key, fingerprint, ctx);
                ctx.data_changed();
                ctx.send(from, PayMsg::Claimed { req, claim });
            }
            PayMsg::CommitAtomic {
                req,
                key: Some(k),
                token,
                ..
            } if !self.may_complete(&k, token) => {
                say!(ctx, "The database refuses the commit: key {} is held by a newer claim (or already completed), so this request must not add a ledger row.", short(&k));
                ctx.send(from, PayMsg::CommitRefused { req });
            }
            PayMsg::CommitAtomic {
                req,
                order,
                amount,
                key,
                fingerprint,
                auth,
                ..
            } => {
                let id = self.insert_charge(order, amount, key, fingerprint, auth, now);
                self.complete_with_charge(key, id, amount, ctx);
                ctx.data_changed();
                ctx.send(from, PayMsg::ChargeWritten { req, charge_id: id });
            }
            msg @ (PayMsg::InsertCharge { .. } | PayMsg::CompleteKey { .. }) => {
                self.on_fenced_write(from, msg, now, ctx)
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, serial: u32, ctx: &mut Ctx<PayMsg>) {
        let key = self
            .keys
            .iter()
            .find(|(_, r)| r.serial == serial)
            .map(|(k, _)| *k);
        if let Some(k) = key {
            self.expire_due(&k, ctx);
            ctx.data_changed();
        }
    }

    fn on_crash(&mut self) {}

    fn instances(&self) -> Option<Instances> {
        Some(Instances {
            noun: "key",
            durable: true,
        })
    }

    fn on_restart(&mut self, ctx: &mut Ctx<PayMsg>) {
        ctx.say("The database comes back with every committed ledger row and key record, and its expiry sweep starts again.");
        let live: Vec<Key> = self
            .keys
            .iter()
            .filter(|(_, r)| r.state != KeyState::Expired)
            .map(|(k, _)| *k)
            .collect();
        for k in &live {
            self.arm_expiry(k, ctx);
        }
    }

    fn on_lab_fault(&mut self, name: &str, _args: &Config, ctx: &mut Ctx<PayMsg>) -> bool {
        if name != "expire-keys" {
            return false;
        }
        let keys: Vec<Key> = self
            .keys
            .iter()
            .filter(|(_, r)| r.state != KeyState::Expired)
            .map(|(k, _)| *k)
            .collect();
        for k in &keys {
            if let Some(r) = self.keys.get_mut(k) {
                r.state = KeyState::Expired;
                r.expires_at = ctx.now();
            }
            self.fire(k, "expire", ctx);
        }
        ctx.say_with(|| match keys.len() {
            0 => "The database has no idempotency keys to expire.".to_string(),
            1 => "The database expires its idempotency key now, as if its retention time had passed.".to_string(),
            n => format!("The database expires {n} idempotency keys now, as if their retention time had passed."),
        });
        ctx.data_changed();
        true
    }

    fn schema(&self) -> Vec<TableSchema> {
        vec![CHARGES_TABLE, KEYS_TABLE]
    }

    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        // Drained in place, so the lists keep their room for the next step.
        let (mut charges, mut keys) = (
            std::mem::take(&mut self.dirty_charges),
            std::mem::take(&mut self.dirty_keys),
        );
        if let Some(out) = out {
            for c in charges
                .iter()
                .filter_map(|&id| self.charges.iter().find(|c| c.id == id))
            {
                let c = c.clone();
                out.push(RowChange::lazy(
                    CHARGES_TABLE.title,
                    u64::from(c.id),
                    move || {
                        vec![
                            format!("ch_{}", c.id),
                            format!("ord_{}", c.order),
                            format!("auth_{}", c.auth),
                            money(c.amount).to_string(),
                            c.key
                                .as_ref()
                                .map_or("none".into(), |k| short(k).to_string()),
                            secs(c.at),
                        ]
                    },
                ));
            }
            for (k, r) in keys.iter().filter_map(|k| Some((*k, self.keys.get(k)?))) {
                let (fingerprint, state) = (r.fingerprint, r.state);
                let (response, expires_at) = (r.response.clone(), r.expires_at);
                out.push(RowChange::lazy(
                    KEYS_TABLE.title,
                    u64::from(r.serial),
                    move || {
                        let stored = response.as_ref().map_or("—".into(), |s| {
                            format!(
                                "{} {}",
                                s.status,
                                s.charge_id.map_or(String::new(), |c| format!("ch_{c}"))
                            )
                        });
                        vec![
                            short(&k).to_string(),
                            fingerprint.to_string(),
                            state.label().to_string(),
                            stored,
                            secs(expires_at.min(999_999_999)),
                        ]
                    },
                ));
            }
        }
        charges.clear();
        keys.clear();
        (self.dirty_charges, self.dirty_keys) = (charges, keys);
    }
}

pub const CHARGES_TABLE: TableSchema = TableSchema {
    title: "Ledger",
    columns: &["row", "order", "hold", "amount", "key", "at"],
};
pub const KEYS_TABLE: TableSchema = TableSchema {
    title: "Idempotency keys",
    columns: &[
        "key",
        "fingerprint",
        "state",
        "stored response",
        "expires at",
    ],
};
