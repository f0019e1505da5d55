//! Planner's calls to the calendar API: the read and the write after it
//! connects, the later syncs, a refresh when its access token has expired,
//! and what each answer means for it.

use super::config::{AUTH, CALENDAR};
use super::msg::{Mistake, OAuthMsg};
use super::planner::*;
use crate::actor::{Ctx, TimerKind};

impl Planner {
    /// The calls Planner makes once connected: a read, a write, then the
    /// later reads.
    pub(super) fn planned_calls(&self) -> u32 {
        2 + self.cfg.later_reads
    }

    pub(super) fn schedule_next_call(&self, ctx: &mut Ctx<OAuthMsg>) {
        if self.calls >= self.planned_calls() {
            return;
        }
        let after = if self.calls < 2 {
            CALL_AFTER_MS
        } else {
            SYNC_EVERY_MS
        };
        ctx.set_timer(
            after,
            NEXT_CALL,
            TimerKind::Work,
            "Planner calls the calendar API",
        );
    }

    /// Whether Planner's own clock says the access token has expired.
    pub(super) fn expired(&self, now: u64) -> bool {
        self.tokens
            .as_ref()
            .is_some_and(|t| now >= self.got_at + t.expires_in_s * 1000)
    }

    pub(super) fn call(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        let Some(t) = &self.tokens else { return };
        let write = self.calls == 1;
        let token = if std::mem::take(&mut self.drop_token) {
            String::new()
        } else {
            t.access_token.clone()
        };
        ctx.fire(&mut self.machine, "call_api");
        ctx.say(match (write, token.is_empty()) {
            (_, true) => "A bug after a page reload: Planner calls the calendar API without its Authorization header.",
            (true, _) => "Planner adds an event: POST with the access token as a Bearer token. This needs calendar.write.",
            (false, _) => "Planner reads the calendar's events: GET with the access token as a Bearer token. This needs calendar.read.",
        });
        ctx.send(CALENDAR, OAuthMsg::ApiCall { write, token });
    }

    pub(super) fn on_next_call(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        let Some(t) = &self.tokens else { return };
        if self.expired(ctx.now()) && !t.refresh_token.is_empty() {
            let refresh_token = t.refresh_token.clone();
            ctx.fire(&mut self.machine, "refresh");
            ctx.say("The access token's expires_in has run out. Planner uses its refresh token at the token endpoint (grant_type=refresh_token) instead of sending Alice through the login again.");
            ctx.send(
                AUTH,
                OAuthMsg::RefreshRequest {
                    refresh_token,
                    client_secret: self.secret.clone(),
                    mistake: self.mistake.take_if(|m| *m == Mistake::RefreshScope),
                },
            );
            ctx.set_timer(
                TOKEN_TIMEOUT_MS,
                REFRESH_TIMEOUT,
                TimerKind::Timeout,
                "refresh times out",
            );
        } else {
            self.call(ctx);
        }
    }

    pub(super) fn on_api_response(&mut self, status: u16, write: bool, ctx: &mut Ctx<OAuthMsg>) {
        self.calls += 1;
        let ok = (200..300).contains(&status);
        ctx.fire(&mut self.machine, if ok { "api_ok" } else { "api_refused" });
        let what = if write {
            "adding an event"
        } else {
            "reading events"
        };
        ctx.say_with(|| match status {
            200 | 201 => format!("The calendar API accepts the token for {what}."),
            403 => format!(
                "403 insufficient_scope: the token does not allow {what}. Alice did not grant it."
            ),
            _ => format!("{status}: the calendar API refuses the call for {what}."),
        });
        self.schedule_next_call(ctx);
    }
}
