//! Planner's state machine: the life of its connection to Alice's
//! calendar, from the first visit through login, tokens and calls to a
//! disconnect.

use crate::machine::{StateMachine, Transition};

pub static PLANNER_MACHINE: StateMachine = StateMachine {
    name: "Planner (client app)",
    states: &[
        "idle",
        "awaiting_code",
        "exchanging_code",
        "awaiting_password",
        "exchanging_password",
        "connected",
        "calling_api",
        "refreshing",
        "signed_out",
        "failed",
    ],
    transitions: &[
        Transition::new("idle", "start_login", "awaiting_code"),
        Transition::new("awaiting_code", "got_code", "exchanging_code"),
        Transition::new("awaiting_code", "state_mismatch", "awaiting_code"),
        Transition::new("awaiting_code", "access_denied", "failed"),
        Transition::new("awaiting_code", "authorize_error", "failed"),
        Transition::new("awaiting_code", "implicit_token", "connected"),
        Transition::new("idle", "ask_password", "awaiting_password"),
        Transition::new("awaiting_password", "got_password", "exchanging_password"),
        Transition::new("exchanging_password", "tokens", "connected"),
        Transition::new("exchanging_password", "token_error", "failed"),
        Transition::new("exchanging_password", "token_timeout", "failed"),
        Transition::new("exchanging_code", "tokens", "connected"),
        Transition::new("exchanging_code", "id_token_rejected", "failed"),
        Transition::new("exchanging_code", "token_error", "failed"),
        Transition::new("exchanging_code", "retry_token_request", "exchanging_code"),
        Transition::new("exchanging_code", "token_timeout", "failed"),
        Transition::new("connected", "call_api", "calling_api"),
        Transition::new("calling_api", "api_ok", "connected"),
        Transition::new("calling_api", "api_refused", "connected"),
        Transition::new("connected", "refresh", "refreshing"),
        Transition::new("refreshing", "refreshed", "connected"),
        Transition::new("refreshing", "refresh_refused", "signed_out"),
        Transition::new("refreshing", "refresh_timeout", "signed_out"),
        Transition::new("connected", "disconnect", "signed_out"),
        Transition::new("calling_api", "disconnect", "signed_out"),
    ],
};
