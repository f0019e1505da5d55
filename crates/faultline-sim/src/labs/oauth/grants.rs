//! What the authorization server keeps of each grant: its authorization
//! codes (with the life of each, `CODE_MACHINE`) and the tokens they
//! gave (one family per code, revoked together).

use crate::machine::{MachineState, StateMachine, Transition};

/// The life of one authorization code (and of the grant it started: its
/// token family).
pub static CODE_MACHINE: StateMachine = StateMachine {
    name: "Authorization code",
    states: &["issued", "redeemed", "revoked", "expired"],
    transitions: &[
        Transition::new("issued", "redeem", "redeemed"),
        Transition::new("issued", "refuse_verifier", "issued"),
        Transition::new("redeemed", "replayed_revoke", "revoked"),
        Transition::new("redeemed", "refresh_reuse_revoke", "revoked"),
        Transition::new("redeemed", "user_revoke", "revoked"),
        Transition::new("issued", "expire", "expired"),
    ],
};

/// One code and what it gave.
#[derive(Clone, Debug, Hash)]
pub struct CodeRecord {
    pub code: String,
    /// Whose account the code is for.
    pub sub: &'static str,
    /// The client it was issued to (Planner, or Mallory's Quizzly app).
    pub client: &'static str,
    pub requested: String,
    pub consented: String,
    pub granted: String,
    pub challenge: Option<String>,
    /// The challenge is the verifier itself (PKCE method `plain`).
    pub plain: bool,
    pub redirect_uri: String,
    pub nonce: Option<String>,
    pub issued_at: u64,
    /// When the user signed in for it (the ID token's `auth_time`).
    pub auth_time: u64,
    pub machine: MachineState,
    pub serial: u32,
    /// Token responses sent for it.
    pub exchanges: u32,
}

/// A token the server issued.
#[derive(Clone, Debug, Hash)]
pub struct TokenRecord {
    pub value: String,
    pub refresh: bool,
    /// The code (serial) whose exchange issued it: its family. Refreshes
    /// stay in the family.
    pub family: u32,
    /// Its row in the tokens table (1, 2, …).
    pub serial: u32,
    pub scope: String,
    pub expires_at: u64,
    pub revoked: bool,
    /// When it was revoked (`u64::MAX`: never).
    pub revoked_at: u64,
    /// A refresh token already exchanged (rotation): presenting it again
    /// means someone replays it.
    pub used: bool,
}

impl TokenRecord {
    pub fn active(&self, now: u64) -> bool {
        !self.revoked && !self.used && now < self.expires_at
    }
}
