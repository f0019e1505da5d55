//! The payments lab's settings: the schema the config panel draws and the
//! typed values the actors read.

use crate::actor::ActorId;
use crate::lab::{ConfigField, FieldKind, LabInfo};
use crate::scenario::Config;

pub const CLIENTS: &str = "clients";
pub const TIMEOUT_MS: &str = "timeout_ms";
pub const MAX_ATTEMPTS: &str = "max_attempts";
pub const BACKOFF_BASE_MS: &str = "backoff_base_ms";
pub const BACKOFF_CAP_MS: &str = "backoff_cap_ms";
pub const JITTER: &str = "jitter";
pub const SEND_KEY: &str = "send_key";
pub const REQUIRE_KEY: &str = "require_key";
pub const ATOMIC: &str = "atomic";
pub const KEY_TTL_MS: &str = "key_ttl_ms";
pub const LOCK_MS: &str = "in_flight_lock_ms";
pub const PROCESSOR_MS: &str = "processor_ms";
pub const CAPACITY: &str = "api_capacity";
pub const AMOUNT: &str = "amount";
pub const PASS_KEY: &str = "pass_key";
pub const PROCESSOR_KEY_TTL_MS: &str = "processor_key_ttl_ms";
pub const DOWNSTREAM_TIMEOUT_MS: &str = "downstream_timeout_ms";
pub const RERUN_LAPSED: &str = "rerun_lapsed";

#[allow(clippy::too_many_arguments)]
const fn number(
    key: &'static str,
    label: &'static str,
    help: &'static str,
    d: i64,
    min: i64,
    max: i64,
    step: i64,
    unit: &'static str,
) -> ConfigField {
    ConfigField {
        key,
        label,
        help,
        kind: FieldKind::Number {
            default: d,
            min,
            max,
            step,
            unit,
        },
    }
}

const fn toggle(
    key: &'static str,
    label: &'static str,
    help: &'static str,
    default: bool,
) -> ConfigField {
    ConfigField {
        key,
        label,
        help,
        kind: FieldKind::Toggle { default },
    }
}

/// The config panel's fields, in display order.
pub fn fields() -> Vec<ConfigField> {
    // A constant table copied out (no code per entry).
    const ALL: &[ConfigField] = &[
        toggle(
            SEND_KEY,
            "Client sends an Idempotency-Key",
            "One key per payment, reused on every retry.",
            true,
        ),
        number(
            TIMEOUT_MS,
            "Client timeout",
            "How long the client waits for an answer before it gives up on an attempt.",
            1000,
            200,
            10_000,
            100,
            "ms",
        ),
        number(
            MAX_ATTEMPTS,
            "Max attempts",
            "The first try plus retries.",
            4,
            1,
            10,
            1,
            "",
        ),
        number(
            BACKOFF_BASE_MS,
            "Backoff base",
            "Wait before retry n is base × 2^(n−1), capped.",
            200,
            50,
            5_000,
            50,
            "ms",
        ),
        number(
            BACKOFF_CAP_MS,
            "Backoff cap",
            "The longest wait between retries.",
            2_000,
            100,
            20_000,
            100,
            "ms",
        ),
        toggle(
            JITTER,
            "Full jitter",
            "Wait a random time between 0 and the backoff, so clients spread out.",
            true,
        ),
        number(
            CLIENTS,
            "Clients",
            "How many customers pay at the same moment.",
            1,
            1,
            30,
            1,
            "",
        ),
        number(
            AMOUNT,
            "Amount",
            "Price of the order, in cents.",
            4_200,
            100,
            100_000,
            100,
            "¢",
        ),
        toggle(
            REQUIRE_KEY,
            "Server requires a key",
            "Reject a payment without Idempotency-Key with 400.",
            false,
        ),
        toggle(
            ATOMIC,
            "Key record in the same transaction as the ledger row",
            "Off: the ledger row and the key's completion are two separate writes.",
            true,
        ),
        number(
            KEY_TTL_MS,
            "Key retention",
            "After this long the server forgets a key (Stripe: 24 h).",
            86_400_000,
            500,
            86_400_000,
            500,
            "ms",
        ),
        number(
            LOCK_MS,
            "In-flight lock",
            "How long an unfinished key blocks retries with 409 before it may be claimed again.",
            3_000,
            200,
            60_000,
            100,
            "ms",
        ),
        number(
            PROCESSOR_MS,
            "Card processor time",
            "How long the card processor takes to authorize.",
            300,
            20,
            10_000,
            10,
            "ms",
        ),
        number(
            DOWNSTREAM_TIMEOUT_MS,
            "API timeout on its own calls",
            "How long the API waits for its database or the card processor before it treats the outcome as unknown.",
            2_000,
            100,
            20_000,
            100,
            "ms",
        ),
        toggle(
            PASS_KEY,
            "API passes the key to the card processor",
            "The processor then recognises a repeat and returns the hold it already placed.",
            true,
        ),
        toggle(
            RERUN_LAPSED,
            "Re-run a key whose lock lapsed (wrong)",
            "Takes an unknown outcome as not charged. Off: the API asks the card processor again with the same key, or answers 409 if it passes none.",
            false,
        ),
        number(
            PROCESSOR_KEY_TTL_MS,
            "Processor key retention",
            "How long the card processor remembers a key it was given (its own rule, not the API's).",
            604_800_000,
            500,
            604_800_000,
            500,
            "ms",
        ),
        number(
            CAPACITY,
            "API capacity",
            "Requests the API works on at once; more are refused with 503.",
            8,
            1,
            50,
            1,
            "",
        ),
    ];
    ALL.to_vec()
}

/// Typed settings plus the lane numbers of the actors.
#[derive(Clone, Debug, Hash)]
pub struct PaymentsConfig {
    pub clients: u16,
    pub timeout_ms: u64,
    pub max_attempts: u32,
    pub backoff_base_ms: u64,
    pub backoff_cap_ms: u64,
    pub jitter: bool,
    pub send_key: bool,
    pub require_key: bool,
    pub atomic: bool,
    pub key_ttl_ms: u64,
    pub lock_ms: u64,
    pub processor_ms: u64,
    pub capacity: usize,
    pub amount: u64,
    pub pass_key: bool,
    pub processor_key_ttl_ms: u64,
    pub downstream_timeout_ms: u64,
    pub rerun_lapsed: bool,
}

impl PaymentsConfig {
    pub fn read(info: &LabInfo, c: &Config) -> Self {
        let n = |k| info.number(c, k);
        Self {
            clients: n(CLIENTS) as u16,
            timeout_ms: n(TIMEOUT_MS) as u64,
            max_attempts: n(MAX_ATTEMPTS) as u32,
            backoff_base_ms: n(BACKOFF_BASE_MS) as u64,
            backoff_cap_ms: n(BACKOFF_CAP_MS) as u64,
            jitter: info.flag(c, JITTER),
            send_key: info.flag(c, SEND_KEY),
            require_key: info.flag(c, REQUIRE_KEY),
            atomic: info.flag(c, ATOMIC),
            key_ttl_ms: n(KEY_TTL_MS) as u64,
            lock_ms: n(LOCK_MS) as u64,
            processor_ms: n(PROCESSOR_MS) as u64,
            capacity: n(CAPACITY) as usize,
            amount: n(AMOUNT) as u64,
            pass_key: info.flag(c, PASS_KEY),
            processor_key_ttl_ms: n(PROCESSOR_KEY_TTL_MS) as u64,
            downstream_timeout_ms: n(DOWNSTREAM_TIMEOUT_MS) as u64,
            rerun_lapsed: info.flag(c, RERUN_LAPSED),
        }
    }

    pub fn api(&self) -> ActorId {
        self.clients
    }

    pub fn db(&self) -> ActorId {
        self.clients + 1
    }

    pub fn processor(&self) -> ActorId {
        self.clients + 2
    }
}

pub use crate::units::{money, secs, Money};

#[cfg(test)]
mod tests {
    use super::money;
    use crate::labs::payments::msg::{short, Key};

    #[test]
    fn prices_and_short_keys_read_as_before() {
        assert_eq!(money(4_200).to_string(), "€42.00");
        assert_eq!(money(5).to_string(), "€0.05");
        assert_eq!(money(123_456_789).to_string(), "€1234567.89");
        assert_eq!(short(&Key(0x1a2b_3c4d << 96)).to_string(), "1a2b3c4d…");
        assert_eq!(short(&Key(0xf << 96 | 0xffff)).to_string(), "0000000f…");
    }
}
