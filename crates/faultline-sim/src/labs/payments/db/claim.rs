//! Claiming an idempotency key: a fresh record, a key already completed
//! (its stored answer replayed, or a different request refused), or one
//! still in flight (refused while its lock holds, taken over after).

use super::*;

impl Database {
    pub(super) fn claim(
        &mut self,
        key: Key,
        fingerprint: Fingerprint,
        ctx: &mut Ctx<PayMsg>,
    ) -> Claim {
        self.expire_due(&key, ctx);
        let now = ctx.now();
        let token = self.next_token;
        match self.keys.get(&key).map(|r| {
            (
                r.state,
                r.fingerprint == fingerprint,
                r.claimed_at,
                r.response.clone(),
            )
        }) {
            None => {
                let serial = self.keys.len() as u32 + 1;
                let record =
                    self.fresh_record(fingerprint, now, MachineState::new(&KEY_MACHINE), serial);
                self.claim_afresh(key, record, ctx);
                say!(
                    ctx,
                    "The database records key {} as IN_FLIGHT with the request's fingerprint.",
                    short(&key)
                );
                self.next_token += 1;
                Claim::Claimed { token, fresh: true }
            }
            Some((KeyState::Expired, _, _, _)) => {
                let (machine, serial) = (self.keys[&key].machine, self.keys[&key].serial);
                let record = self.fresh_record(fingerprint, now, machine, serial);
                self.claim_afresh(key, record, ctx);
                say!(
                    ctx,
                    "Key {} had expired, so the database treats this as a brand-new payment.",
                    short(&key)
                );
                self.next_token += 1;
                Claim::Claimed { token, fresh: true }
            }
            Some((_, false, _, _)) => {
                say!(ctx, "The database finds key {} stored with a different fingerprint: the body has changed since the key's first use.", short(&key));
                Claim::Mismatch
            }
            Some((KeyState::InFlight, true, claimed_at, _)) => {
                self.claim_in_flight(key, claimed_at, now, token, ctx)
            }
            Some((KeyState::Completed, true, _, response)) => {
                let stored = response.unwrap_or(StoredResponse {
                    status: 500,
                    charge_id: None,
                    amount: 0,
                });
                say!(
                    ctx,
                    "The database finds key {} COMPLETED, with its response stored.",
                    short(&key)
                );
                Claim::Completed(stored)
            }
        }
    }

    /// A new IN_FLIGHT record for a key claimed at `now` (first use, or
    /// after expiry), held with the next claim token.
    fn fresh_record(
        &self,
        fingerprint: Fingerprint,
        now: u64,
        machine: MachineState,
        serial: u32,
    ) -> KeyRecord {
        KeyRecord {
            fingerprint,
            state: KeyState::InFlight,
            response: None,
            claimed_at: now,
            kept_since: now,
            expires_at: now.saturating_add(self.cfg.key_ttl_ms),
            machine,
            token: self.next_token,
            serial,
            changed_at: now,
        }
    }

    /// Store `record` under `key`, fire its claim and arm its expiry.
    fn claim_afresh(&mut self, key: Key, record: KeyRecord, ctx: &mut Ctx<PayMsg>) {
        self.keys.insert(key, record);
        self.fire(&key, "claim", ctx);
        self.arm_expiry(&key, ctx);
    }

    /// A claim of a key another request holds IN_FLIGHT since
    /// `claimed_at`: busy while its lock lasts; past it, taken over (or
    /// left unresolved when the processor cannot be asked with the key).
    fn claim_in_flight(
        &mut self,
        key: Key,
        claimed_at: u64,
        now: u64,
        token: u32,
        ctx: &mut Ctx<PayMsg>,
    ) -> Claim {
        let lock = self.cfg.lock_ms;
        let lapsed = now >= claimed_at.saturating_add(lock);
        // The earlier request's outcome is unknown (it may have
        // died, or be slow). Re-running it is safe only if the
        // processor can be asked with the same key (DOMAIN.md §1).
        if lapsed && !self.cfg.rerun_lapsed && !self.cfg.pass_key {
            say!(ctx, "Key {} is IN_FLIGHT past its {lock} ms lock, outcome unknown, and no key was passed to the card processor to ask with: it stays IN_FLIGHT.",
                short(&key));
            Claim::Unresolved
        } else if lapsed {
            if let Some(r) = self.keys.get_mut(&key) {
                r.claimed_at = now;
                r.token = token;
            }
            self.next_token += 1;
            self.fire(&key, "reclaim_after_lock", ctx);
            if self.cfg.rerun_lapsed {
                say!(ctx, "Key {} is IN_FLIGHT past its {lock} ms lock: this database presumes that request died uncharged and runs the payment again.",
                    short(&key));
            } else {
                say!(ctx, "Key {} is IN_FLIGHT past its {lock} ms lock, outcome unknown: this request takes it over and asks the card processor with the same key, which returns any hold already placed.",
                    short(&key));
            }
            Claim::Claimed {
                token,
                fresh: false,
            }
        } else {
            say!(ctx, "The database finds key {} still IN_FLIGHT: another request with it has not finished.", short(&key));
            Claim::InFlight
        }
    }
}
