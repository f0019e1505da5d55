//! The OAuth lab's id and model version: the lab's lowest module,
//! which every other one may use.

/// Lab id used in scenarios and permalinks.
pub const ID: &str = "oauth";
/// The model version: bumped whenever a preset's run changes.
/// 3: every error response of DOMAIN.md §2 reachable. 4 (landed alone):
/// a confidential client's refusal no longer says the secret makes a
/// stolen code useless. 5: every lesson true (issue 18): Planner serves a second visitor's session (code
/// injection, login CSRF), the ID token checked on parsed claims with
/// auth_time at login, access tokens typed at+jwt (typ and iss checked),
/// introspection and a confidential /revoke authenticate, narration
/// follows the settings, server bug faults (check-race, consent-ignored).
/// v6: the server checks the calendar API's introspection secret (a wrong
/// one gets 401 invalid_client, and the API fails closed with 503).
pub const MODEL_VERSION: u32 = 6;
