//! Planner's session as the lab shows it: one table of what it keeps
//! between the steps of the flow (who is signed in, state, nonce,
//! verifier, code, tokens, secret), shortened for the page.

use crate::rows::TableSchema;

/// Planner's session: what it keeps between the steps of the flow.
pub const SESSION_TABLE: TableSchema = TableSchema {
    title: "Planner's session",
    columns: &["item", "value"],
};

/// The session table's rows, in order.
pub(super) const SESSION_ITEMS: [&str; 9] = [
    "signed in as",
    "state",
    "nonce",
    "code_verifier",
    "code",
    "access token",
    "refresh token",
    "ID token",
    "client secret",
];
