//! Planner's session for a second visitor: Mallory in her own browser,
//! with her own state, nonce and verifier. Code injection (a stolen code
//! put into her session) and login CSRF run through it.

use super::msg::{AuthzRequest, Tokens};

/// Planner's session for a second visitor (Mallory, in her own browser):
/// its own state, nonce and verifier, and the tokens it ends up holding.
#[derive(Clone, Debug, Default, Hash)]
pub struct OtherSession {
    pub(super) request: Option<AuthzRequest>,
    pub(super) verifier: Option<String>,
    pub(super) exchanging: bool,
    pub tokens: Option<Tokens>,
}
