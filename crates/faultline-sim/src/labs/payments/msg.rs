//! Messages of the payments lab: the client's HTTP calls to the payment
//! API, the API's queries to its database, and its calls to the card
//! processor. Typed for the actors, shown as HTTP-like text in the trace.

use crate::actor::LabMsg;
use crate::message::{Mark, Message, MsgClass};

/// An idempotency key: a UUID v4 made from the seeded generator, kept as
/// its 128 bits (cheap to copy and compare) and shown in the usual form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(pub u128);

impl Key {
    /// A version-4, variant-1 UUID from two random words.
    pub fn from_random(hi: u64, lo: u64) -> Self {
        let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
        let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        Key((u128::from(hi) << 64) | u128::from(lo))
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            (v >> 96) as u32,
            (v >> 80) as u16,
            (v >> 64) as u16,
            (v >> 48) as u16,
            (v & 0xffff_ffff_ffff) as u64
        )
    }
}

/// A request body's fingerprint (FNV-1a, shown as 8 hex digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub u32);

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

/// What the server stores under a completed key and replays.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoredResponse {
    pub status: u16,
    pub charge_id: Option<u32>,
    pub amount: u64,
}

/// Outcome of claiming a key in the database.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Claim {
    /// New (or expired, or abandoned) key: go ahead, holding this claim
    /// token (a fencing token: a commit with an older token is refused).
    /// `fresh`: a new record (first use, or after expiry).
    Claimed { token: u32, fresh: bool },
    /// Another request holds it: 409.
    InFlight,
    /// Its lock lapsed with the outcome unknown, and the API passes no key
    /// downstream to ask the processor with: 409 until reconciled.
    Unresolved,
    /// Already done: replay this.
    Completed(StoredResponse),
    /// Same key, different body: 422.
    Mismatch,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PayMsg {
    /// Client → API: `POST /v1/charges`.
    Charge {
        order: u32,
        amount: u64,
        key: Option<Key>,
        attempt: u32,
    },
    /// API → client.
    ChargeReply {
        order: u32,
        attempt: u32,
        response: StoredResponse,
        replayed: bool,
        error: Option<&'static str>,
    },
    /// API → DB: claim the key (IN_FLIGHT) with the body's fingerprint.
    ClaimKey {
        req: u32,
        key: Key,
        fingerprint: Fingerprint,
    },
    /// DB → API.
    Claimed { req: u32, claim: Claim },
    /// API → DB, atomic mode: charge and key completion in one transaction.
    /// `auth` is the processor's hold the charge records.
    CommitAtomic {
        req: u32,
        order: u32,
        amount: u64,
        key: Option<Key>,
        fingerprint: Fingerprint,
        token: u32,
        auth: u32,
    },
    /// DB → API: a newer request claimed the key since this one did (its
    /// fencing token is outdated); nothing written.
    CommitRefused { req: u32 },
    /// API → DB, non-atomic mode, first write: the charge alone.
    InsertCharge {
        req: u32,
        order: u32,
        amount: u64,
        key: Option<Key>,
        fingerprint: Fingerprint,
        token: u32,
        auth: u32,
    },
    /// DB → API: charge written (and key completed if atomic).
    ChargeWritten { req: u32, charge_id: u32 },
    /// API → DB: complete the key with a response (after a charge in
    /// non-atomic mode, or to store a decline), fenced by the claim token.
    CompleteKey {
        req: u32,
        key: Key,
        response: StoredResponse,
        token: u32,
    },
    /// DB → API.
    KeyCompleted { req: u32 },
    /// API → card processor. `key` is the downstream idempotency key: the
    /// payment's key when the API passes it on, so the processor too can
    /// recognise a repeat.
    Authorize {
        req: u32,
        order: u32,
        amount: u64,
        key: Option<Key>,
    },
    /// Card processor → API.
    Authorized { req: u32, auth: u32 },
    /// Card processor → API: the card was declined.
    Declined { req: u32 },
    /// Card processor → API: the key it was given was first used for
    /// another amount; nothing held.
    KeyReusedDownstream { req: u32 },
    /// API → card processor: release a hold no payment will record.
    Void { auth: u32 },
    /// Card processor → API.
    Voided { auth: u32 },
}

/// First 8 hex digits of a key, for labels ("1a2b3c4d…"), written straight
/// into whatever formats it (`.to_string()` for a cell).
pub fn short(key: &Key) -> ShortKey {
    ShortKey((key.0 >> 96) as u32)
}

/// A key's first 8 hex digits.
#[derive(Clone, Copy, Hash)]
pub struct ShortKey(u32);

impl std::fmt::Display for ShortKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `{:08x}…` by hand: the formatter's padding machinery cost the
        // full trace more than the rest of a narration line.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 8];
        for (i, b) in out.iter_mut().enumerate() {
            *b = HEX[(self.0 >> (28 - 4 * i) & 0xf) as usize];
        }
        // ASCII only: the check takes its fast path.
        f.write_str(std::str::from_utf8(&out).map_err(|_| std::fmt::Error)?)?;
        f.write_str("…")
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        402 => "Payment Required",
        409 => "Conflict",
        422 => "Unprocessable Content",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

impl LabMsg for PayMsg {
    /// The key is what idempotency turns on; a reply's status and error say
    /// how the attempt ended, a claim's outcome whether the key was free.
    fn focus(&self) -> &'static [&'static str] {
        match self {
            PayMsg::Charge { .. } | PayMsg::Authorize { .. } => &["Idempotency-Key"],
            PayMsg::ChargeReply { .. } => &["Idempotent-Replayed", "error", "id"],
            PayMsg::ClaimKey { .. } => &["key", "fingerprint"],
            PayMsg::Claimed { .. } => &["outcome"],
            PayMsg::CommitAtomic { .. }
            | PayMsg::CompleteKey { .. }
            | PayMsg::InsertCharge { .. } => &["claim_token"],
            PayMsg::CommitRefused { .. } => &["reason"],
            PayMsg::Authorized { .. } | PayMsg::Voided { .. } => &["authorization"],
            PayMsg::Declined { .. } => &["decline_code"],
            PayMsg::KeyReusedDownstream { .. } => &["error"],
            _ => &[],
        }
    }

    fn class(&self) -> MsgClass {
        match self {
            PayMsg::Charge { .. }
            | PayMsg::ClaimKey { .. }
            | PayMsg::CommitAtomic { .. }
            | PayMsg::InsertCharge { .. }
            | PayMsg::CompleteKey { .. }
            | PayMsg::Authorize { .. }
            | PayMsg::Void { .. } => MsgClass::Request,
            _ => MsgClass::Response,
        }
    }

    fn mark(&self) -> Mark {
        match self {
            PayMsg::ChargeReply { replayed: true, .. } => Mark::Replayed,
            PayMsg::ChargeReply { response, .. } if response.status >= 400 => Mark::Refused,
            PayMsg::Claimed {
                claim: Claim::InFlight | Claim::Unresolved | Claim::Mismatch,
                ..
            }
            | PayMsg::CommitRefused { .. }
            | PayMsg::Declined { .. }
            | PayMsg::KeyReusedDownstream { .. } => Mark::Refused,
            _ => Mark::Plain,
        }
    }

    fn label(&self) -> String {
        match self {
            PayMsg::Charge {
                attempt,
                key,
                amount,
                ..
            } => match key {
                Some(k) => format!(
                    "POST /v1/charges #{attempt} key {} {}",
                    short(k),
                    super::config::money(*amount)
                ),
                None => format!(
                    "POST /v1/charges #{attempt} no key {}",
                    super::config::money(*amount)
                ),
            },
            PayMsg::ChargeReply {
                response,
                replayed,
                attempt,
                ..
            } => {
                let r = if *replayed { " (replayed)" } else { "" };
                format!(
                    "{} {} to #{attempt}{r}",
                    response.status,
                    reason(response.status)
                )
            }
            PayMsg::ClaimKey { key, .. } => format!("claim key {}", short(key)),
            PayMsg::Claimed { claim, .. } => match claim {
                Claim::Claimed { .. } => "key claimed: IN_FLIGHT".into(),
                Claim::InFlight => "key busy: IN_FLIGHT".into(),
                Claim::Unresolved => "key IN_FLIGHT, outcome unknown".into(),
                Claim::Completed(_) => "key COMPLETED: stored response".into(),
                Claim::Mismatch => "key used with another body".into(),
            },
            PayMsg::CommitAtomic { key: None, .. } => "INSERT ledger row".into(),
            PayMsg::CommitAtomic { .. } => "BEGIN; INSERT ledger row; key→COMPLETED; COMMIT".into(),
            PayMsg::InsertCharge { .. } => "INSERT ledger row".into(),
            PayMsg::ChargeWritten { charge_id, .. } => format!("ok: ch_{charge_id}"),
            PayMsg::CommitRefused { .. } => "refused: key claimed by a newer request".into(),
            PayMsg::CompleteKey { key, .. } => format!("UPDATE key {} → COMPLETED", short(key)),
            PayMsg::KeyCompleted { .. } => "ok: key COMPLETED".into(),
            PayMsg::Authorize { amount, key, .. } => match key {
                Some(k) => format!(
                    "authorize {} key {}",
                    super::config::money(*amount),
                    short(k)
                ),
                None => format!("authorize {} no key", super::config::money(*amount)),
            },
            PayMsg::Authorized { auth, .. } => format!("approved auth_{auth}"),
            PayMsg::Declined { .. } => "declined".into(),
            PayMsg::KeyReusedDownstream { .. } => "422 key reused for another amount".into(),
            PayMsg::Void { auth } => format!("void auth_{auth}"),
            PayMsg::Voided { auth } => format!("auth_{auth} voided"),
        }
    }

    fn display(&self) -> Message {
        match self {
            PayMsg::Charge { order, amount, key, attempt } => charge_request(*order, *amount, key, *attempt),
            PayMsg::ChargeReply { order, response, replayed, error, .. } => charge_reply(*order, response, *replayed, *error),
            PayMsg::ClaimKey { key, fingerprint, .. } => Message::request(
                "INSERT INTO idempotency_keys (key, fingerprint, state) VALUES (…, …, 'IN_FLIGHT') unless present",
            )
            .field("key", key.to_string())
            .field("fingerprint", fingerprint.to_string()),
            PayMsg::Claimed { claim, .. } => claim_outcome(claim),
            PayMsg::CommitAtomic { order, amount, key: None, auth, .. } => Message::request("INSERT INTO ledger (order_id, amount, authorization) VALUES (…)")
                .field("order_id", format!("ord_{order}"))
                .field("amount", amount.to_string())
                .field("authorization", format!("auth_{auth}")),
            PayMsg::CommitAtomic { order, amount, key, token, auth, .. } => {
                Message::request("BEGIN; INSERT INTO ledger …; UPDATE idempotency_keys SET state='COMPLETED', response=…; COMMIT")
                    .field("order_id", format!("ord_{order}"))
                    .field("amount", amount.to_string())
                    .field("authorization", format!("auth_{auth}"))
                    .field("key", key.map_or_else(|| "null".into(), |k| k.to_string()))
                    .field("claim_token", token.to_string())
            }
            PayMsg::InsertCharge { order, amount, key, auth, token, .. } => Message::request("INSERT INTO ledger (order_id, amount, authorization, key) VALUES (…) IF claim_token=…")
                .field("order_id", format!("ord_{order}"))
                .field("amount", amount.to_string())
                .field("authorization", format!("auth_{auth}"))
                .field("key", key.map_or_else(|| "null".into(), |k| k.to_string()))
                .field("claim_token", token.to_string()),
            PayMsg::CommitRefused { .. } => Message::response("ROLLBACK").field("reason", "claim_token_outdated"),
            PayMsg::ChargeWritten { charge_id, .. } => Message::response("committed").field("charge", format!("ch_{charge_id}")),
            PayMsg::CompleteKey { key, response, token, .. } => {
                Message::request("UPDATE idempotency_keys SET state='COMPLETED', response=… WHERE key=… AND claim_token=…")
                    .field("key", key.to_string())
                    .field("status", response.status.to_string())
                    .field("claim_token", token.to_string())
            }
            PayMsg::KeyCompleted { .. } => Message::response("committed"),
            PayMsg::Authorize { order, amount, key, .. } => {
                let m = Message::request("POST /authorize");
                let m = match key {
                    Some(k) => m.header("Idempotency-Key", k.to_string()),
                    None => m,
                };
                m.field("order_id", format!("ord_{order}")).field("amount", amount.to_string())
            }
            PayMsg::Declined { .. } => Message::response("HTTP/1.1 402 Payment Required")
                .field("approved", "false")
                .field("decline_code", "insufficient_funds"),
            PayMsg::Authorized { auth, .. } => Message::response("HTTP/1.1 200 OK")
                .field("authorization", format!("auth_{auth}"))
                .field("approved", "true"),
            PayMsg::KeyReusedDownstream { .. } => Message::response("HTTP/1.1 422 Unprocessable Content")
                .field("approved", "false")
                .field("error", "idempotency_key_reused"),
            PayMsg::Void { auth } => Message::request(format!("POST /authorizations/auth_{auth}/void")),
            PayMsg::Voided { auth } => Message::response("HTTP/1.1 200 OK")
                .field("authorization", format!("auth_{auth}"))
                .field("status", "voided"),
        }
    }
}

/// The client's `POST /v1/charges`, with its Idempotency-Key if it has one.
fn charge_request(order: u32, amount: u64, key: &Option<Key>, attempt: u32) -> Message {
    let mut m = Message::request("POST /v1/charges").header("Content-Type", "application/json");
    if let Some(k) = key {
        m = m.header("Idempotency-Key", k.to_string());
    }
    m.header("X-Attempt", attempt.to_string())
        .field("order_id", format!("ord_{order}"))
        .field("amount", amount.to_string())
        .field("currency", "eur")
}

/// The API's HTTP answer to a charge: the charge, or its error code.
fn charge_reply(
    order: u32,
    response: &StoredResponse,
    replayed: bool,
    error: Option<&'static str>,
) -> Message {
    let mut m = Message::response(format!(
        "HTTP/1.1 {} {}",
        response.status,
        reason(response.status)
    ))
    .header("Content-Type", "application/json");
    if replayed {
        m = m.header("Idempotent-Replayed", "true");
    }
    match (response.charge_id, error) {
        (Some(id), _) => m
            .field("id", format!("ch_{id}"))
            .field("order_id", format!("ord_{order}"))
            .field("amount", response.amount.to_string())
            .field("status", "succeeded"),
        (None, Some(code)) => m.field("error", code),
        (None, None) if response.status == 402 => m.field("error", "card_declined"),
        (None, None) => m,
    }
}

/// The database's answer to a key claim: its outcome, and what it holds.
fn claim_outcome(claim: &Claim) -> Message {
    let m = Message::response("result");
    match claim {
        Claim::Claimed { token, .. } => m
            .field("outcome", "claimed")
            .field("claim_token", token.to_string()),
        Claim::InFlight => m.field("outcome", "in_flight"),
        Claim::Unresolved => m.field("outcome", "in_flight_unresolved"),
        Claim::Completed(r) => m
            .field("outcome", "completed")
            .field("stored_status", r.status.to_string())
            .field(
                "stored_charge",
                r.charge_id.map_or("null".into(), |c| format!("ch_{c}")),
            ),
        Claim::Mismatch => m.field("outcome", "fingerprint_mismatch"),
    }
}

/// The request's fingerprint: FNV-1a over the body fields, in hex. Not a
/// cryptographic hash; enough to notice a changed body in a lab.
pub fn fingerprint(order: u32, amount: u64) -> Fingerprint {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = order
        .to_le_bytes()
        .into_iter()
        .chain(amount.to_le_bytes())
        .chain(*b"eur");
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    Fingerprint((h >> 32) as u32)
}
