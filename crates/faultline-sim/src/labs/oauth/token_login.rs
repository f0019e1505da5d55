//! Planner's "sign in with a token" endpoint: it takes an ID token issued
//! to Planner, or (the mistake a lab setting makes) any access token, and
//! signs its bearer in.

use super::msg::{OAuthMsg, CLIENT_ID};
use super::planner::*;
use crate::actor::{ActorId, Ctx};
use crate::jose::verify_es256;

impl Planner {
    /// "Sign in with a token" (`POST /login/token`): with the common
    /// mistake, any genuine, unexpired access token signs its `sub` in;
    /// done right, only an ID token issued to Planner (`aud`) for a login
    /// Planner started (`nonce`) does.
    pub(super) fn on_token_login(
        &mut self,
        from: ActorId,
        access: &str,
        id: Option<&str>,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        let claims = |t: &str| {
            crate::message::Jws::decode(t)
                .and_then(|j| serde_json::from_str::<serde_json::Value>(&j.payload).ok())
        };
        let genuine = |t: &str| {
            self.jwk
                .as_ref()
                .is_some_and(|k| verify_es256(t, k).is_ok())
        };
        let now_s = crate::jose::unix_time(ctx.now());
        let user = if self.cfg.access_token_login {
            let c = claims(access).filter(|_| genuine(access));
            let live = c
                .as_ref()
                .and_then(|c| c["exp"].as_u64())
                .is_some_and(|exp| now_s < exp);
            let for_planner = c
                .as_ref()
                .is_some_and(|c| c["client_id"].as_str() == Some(CLIENT_ID));
            match (live, for_planner) {
                (true, false) => {
                    self.foreign_logins += 1;
                    ctx.data_changed();
                    ctx.say("Planner checks only that the access token is genuine and unexpired, then signs in its sub, alice. It never asks whom the token was issued to: client_id is quizzly. Mallory is now signed in to Planner as Alice.");
                    Some(super::msg::USERNAME)
                }
                (true, true) => {
                    ctx.say("A genuine, unexpired access token issued to Planner: Planner signs in its sub.");
                    Some(super::msg::USERNAME)
                }
                _ => {
                    ctx.say("The access token is not genuine or has expired: refused.");
                    None
                }
            }
        } else {
            let sent = self.request.as_ref().and_then(|r| r.nonce.clone());
            let c = id.filter(|t| genuine(t)).and_then(claims);
            let aud = c
                .as_ref()
                .and_then(|c| c["aud"].as_str().map(str::to_string));
            let nonce = c
                .as_ref()
                .and_then(|c| c["nonce"].as_str().map(str::to_string));
            if aud.as_deref() == Some(CLIENT_ID) && nonce.is_some() && nonce == sent {
                ctx.say("A genuine ID token issued to Planner for a login Planner started: it signs in its sub.");
                Some(super::msg::USERNAME)
            } else {
                ctx.say_with(|| format!("Planner asks for proof of who signed in: an ID token issued to it. This one's aud is {}, not planner, and its nonce is not one Planner made: it was issued to another app. Refused.", aud.as_deref().unwrap_or("missing")));
                None
            }
        };
        ctx.send(from, OAuthMsg::LoginResult { user });
    }
}
