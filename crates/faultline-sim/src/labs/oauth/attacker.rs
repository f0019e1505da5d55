//! Mallory, the attacker. Two attacks, each started by a lab fault:
//! - a leaked callback URL: she tries to redeem Alice's code herself (a
//!   public client has no secret; only PKCE's verifier stops her);
//! - a forged callback (login CSRF / code injection): she gets a code for
//!   her own account and makes Alice's browser deliver it to Planner.

use super::config::{AUTH, BROWSER, CALENDAR};
use super::msg::{AuthzResult, OAuthMsg};
use crate::actor::{Actor, ActorId, Ctx};
use crate::machine::{MachineState, StateMachine, Transition};
use crate::scenario::Config;

pub static ATTACKER_MACHINE: StateMachine = StateMachine {
    name: "Mallory (attacker)",
    states: &["waiting", "has_code", "has_tokens", "foiled"],
    transitions: &[
        Transition::new("waiting", "steal_code", "has_code"),
        Transition::new("waiting", "get_own_code", "has_code"),
        Transition::new("has_code", "plant_link", "waiting"),
        Transition::new("has_code", "refused", "foiled"),
        Transition::new("has_code", "got_tokens", "has_tokens"),
        Transition::new("has_tokens", "read_calendar", "has_tokens"),
    ],
};

#[derive(Clone, Debug)]
pub struct Attacker {
    machine: MachineState,
    /// Token responses the server sent her.
    pub tokens_received: u32,
}

impl Attacker {
    pub fn new() -> Self {
        Self {
            machine: MachineState::new(&ATTACKER_MACHINE),
            tokens_received: 0,
        }
    }
}

impl Default for Attacker {
    fn default() -> Self {
        Self::new()
    }
}

impl Actor for Attacker {
    type Msg = OAuthMsg;

    fn name(&self) -> &str {
        "attacker"
    }

    fn title(&self) -> String {
        "Mallory (attacker)".into()
    }

    fn machine(&self) -> &MachineState {
        &self.machine
    }

    fn on_crash(&mut self) {}

    fn on_message(&mut self, _from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        match (msg, self.machine.current) {
            (OAuthMsg::LeakedCallback(AuthzResult::Code { code, .. }), "waiting") => {
                ctx.fire(&mut self.machine, "steal_code");
                ctx.say("Mallory has Alice's code. Planner is a public client with no secret, so she sends the code to the token endpoint herself. She does not have the code_verifier.");
                ctx.send(
                    AUTH,
                    OAuthMsg::TokenRequest {
                        code,
                        code_verifier: None,
                    },
                );
            }
            (OAuthMsg::AttackerCode { code }, "waiting") => {
                ctx.fire(&mut self.machine, "get_own_code");
                ctx.fire(&mut self.machine, "plant_link");
                ctx.say("Mallory does not use her code. She sends Alice a link to Planner's callback carrying it, with a state she made up.");
                ctx.send(
                    BROWSER,
                    OAuthMsg::ForgedLink(AuthzResult::Code {
                        code,
                        state: "mallory-state".into(),
                    }),
                );
            }
            (OAuthMsg::TokenError { error }, "has_code") => {
                ctx.fire(&mut self.machine, "refused");
                ctx.say_with(|| format!("The server refuses Mallory ({error}): without the verifier, the stolen code is useless. This is what PKCE is for."));
            }
            (OAuthMsg::TokenResponse(t), "has_code") => {
                self.tokens_received += 1;
                ctx.data_changed();
                ctx.fire(&mut self.machine, "got_tokens");
                ctx.fire(&mut self.machine, "read_calendar");
                ctx.say("Without PKCE nothing ties the code to Planner: Mallory gets Alice's tokens and reads her calendar.");
                ctx.send(
                    CALENDAR,
                    OAuthMsg::ApiCall {
                        write: false,
                        token: t.access_token,
                    },
                );
            }
            _ => {}
        }
    }

    fn on_lab_fault(&mut self, name: &str, _args: &Config, ctx: &mut Ctx<OAuthMsg>) -> bool {
        if name != "forged-callback" {
            return false;
        }
        ctx.say("Mallory signs in to the authorization server with her own account, through Planner's usual flow, to get a code of her own.");
        ctx.send(AUTH, OAuthMsg::AttackerAuthorize);
        true
    }
}
