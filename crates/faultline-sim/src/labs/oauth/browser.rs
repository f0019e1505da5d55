//! The user (the resource owner) and their browser (the user agent): it
//! follows redirects, shows the authorization server's login and consent
//! pages, and the user types and decides after a moment's thought. A page
//! that never comes (the authorization server is down) times out.

use super::config::{OAuthConfig, AUTH, PLANNER};
use super::msg::{AuthzResult, Decision, OAuthMsg};

/// What a leaked callback URL shows Mallory.
fn leaked(result: &AuthzResult) -> String {
    let what = match result {
        AuthzResult::Code { .. } => ", code included",
        AuthzResult::Token { .. } => ", access token included",
        AuthzResult::Error { .. } => ": only an error, no code",
    };
    format!("The callback URL also reaches Mallory (a browser extension reads it){what}.")
}
use crate::actor::{Actor, ActorId, Ctx, TimerKind};
use crate::machine::{MachineState, StateMachine, Transition};

/// How long the user takes to sign in, then to read the consent screen.
const TYPING_MS: u64 = 800;
const READING_MS: u64 = 1_000;
/// How long the browser waits for a page before "This site can't be reached".
pub const PAGE_TIMEOUT_MS: u64 = 10_000;
const PAGE_TIMEOUT: u32 = 3;

pub static BROWSER_MACHINE: StateMachine = StateMachine {
    name: "User's browser",
    states: &["idle", "navigating", "login_form", "consent_screen", "done"],
    transitions: &[
        Transition::new("idle", "connect", "navigating"),
        Transition::new("navigating", "follow_redirect", "navigating"),
        Transition::new("navigating", "login_page", "login_form"),
        Transition::new("login_form", "submit_login", "navigating"),
        Transition::new("navigating", "consent_page", "consent_screen"),
        Transition::new("consent_screen", "decide", "navigating"),
        Transition::new("navigating", "page_shown", "done"),
        Transition::new("navigating", "error_page", "done"),
        Transition::new("navigating", "page_timeout", "done"),
        Transition::new("done", "open_link", "navigating"),
    ],
};

#[derive(Clone, Debug, Hash)]
pub struct Browser {
    cfg: OAuthConfig,
    machine: MachineState,
    /// Set by the "leak-code" fault: the next authorization request and
    /// callback URLs reach Mallory.
    leak: bool,
    /// Mallory's link, opened once the page in front of Alice is done.
    link: Option<super::msg::AuthzRequest>,
    /// The history: the last authorization request and callback URLs.
    last_request: Option<super::msg::AuthzRequest>,
    last_callback: Option<super::msg::AuthzResult>,
    /// The login form in front of Alice is Planner's (password grant).
    login_at_planner: bool,
}

impl Browser {
    fn open_link(&mut self, req: super::msg::AuthzRequest, ctx: &mut Ctx<OAuthMsg>) {
        ctx.fire(&mut self.machine, "open_link");
        ctx.say("Alice opens Mallory's link: the real authorization server, with Planner's client_id, but a redirect_uri on Mallory's look-alike host.");
        self.to_auth(OAuthMsg::Authorize(req), ctx);
    }

    /// Navigate to the authorization server, waiting at most
    /// `PAGE_TIMEOUT_MS` for its page.
    fn to_auth(&self, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        ctx.send(AUTH, msg);
        ctx.set_timer(
            PAGE_TIMEOUT_MS,
            PAGE_TIMEOUT,
            TimerKind::Timeout,
            "page load times out",
        );
    }

    /// Mallory's phishing link: opened now if Alice is done, or kept for
    /// afterwards.
    fn on_phishing_link(&mut self, req: super::msg::AuthzRequest, ctx: &mut Ctx<OAuthMsg>) {
        if self.machine.current == "done" {
            self.open_link(req, ctx);
        } else {
            ctx.say("Mallory's link arrives while Alice is busy; she will open it afterwards.");
            self.link = Some(req);
        }
    }

    /// Follow Planner's 302 to the authorization server with its request
    /// in the URL (which reaches Mallory too when the URLs leak).
    fn follow_to_authorize(&mut self, req: super::msg::AuthzRequest, ctx: &mut Ctx<OAuthMsg>) {
        ctx.fire(&mut self.machine, "follow_redirect");
        let nonce = if req.nonce.is_some() { ", nonce" } else { "" };
        let pkce = if req.code_challenge.is_some() {
            " and the PKCE code_challenge"
        } else {
            ""
        };
        ctx.say_with(|| format!("The browser follows the 302 to the authorization server, carrying Planner's request in the URL: scope, state{nonce}{pkce}."));
        if self.leak {
            ctx.send(
                super::config::ATTACKER,
                OAuthMsg::LeakedAuthorize(req.clone()),
            );
        }
        self.last_request = Some(req.clone());
        self.to_auth(OAuthMsg::Authorize(req), ctx);
    }

    /// Follow the authorization server's redirect back to Planner's
    /// callback with `result` (which reaches Mallory too when it leaks).
    fn follow_to_client(&mut self, result: AuthzResult, ctx: &mut Ctx<OAuthMsg>) {
        ctx.fire(&mut self.machine, "follow_redirect");
        let (what, part) = match &result {
            AuthzResult::Code { .. } => ("code", "query"),
            AuthzResult::Error { .. } => ("error", "query"),
            AuthzResult::Token { .. } => ("access token", "fragment"),
        };
        ctx.say_with(|| format!("The browser follows the redirect back to Planner's callback URL, with the {what} and the state in the {part}."));
        if std::mem::take(&mut self.leak) {
            ctx.say_with(|| leaked(&result));
            ctx.send(
                super::config::ATTACKER,
                OAuthMsg::LeakedCallback(result.clone()),
            );
        }
        self.last_callback = Some(result.clone());
        ctx.send(PLANNER, OAuthMsg::Callback(result));
    }
}

impl Browser {
    pub fn new(cfg: &OAuthConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            machine: MachineState::new(&BROWSER_MACHINE),
            leak: false,
            link: None,
            last_request: None,
            last_callback: None,
            login_at_planner: false,
        }
    }
}

impl Actor for Browser {
    type Msg = OAuthMsg;

    fn name(&self) -> &str {
        "browser"
    }

    fn title(&self) -> String {
        "Alice's browser".into()
    }

    fn machine(&self) -> &MachineState {
        &self.machine
    }

    fn on_crash(&mut self) {
        // The tab is gone: the flow in it is lost.
        self.machine.reset();
    }

    fn on_start(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        ctx.fire(&mut self.machine, "connect");
        ctx.say("Alice wants Planner to read her calendar without giving it her password. She clicks \"Connect my calendar\".");
        ctx.send(PLANNER, OAuthMsg::Connect);
    }

    fn on_message(&mut self, _from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        if let OAuthMsg::ForgedLink(result) = msg {
            ctx.say("In another tab, Alice opens a link Mallory sent her. It leads to Planner's callback, with Mallory's code and a state Mallory made up.");
            ctx.send(PLANNER, OAuthMsg::Callback(result));
            return;
        }
        if let OAuthMsg::PhishingLink(req) = msg {
            self.on_phishing_link(req, ctx);
            return;
        }
        // Every page it receives answers a navigation of its own.
        if self.machine.current != "navigating" {
            return;
        }
        ctx.cancel_timer(PAGE_TIMEOUT);
        match msg {
            OAuthMsg::RedirectToAuthorize(req) => self.follow_to_authorize(req, ctx),
            OAuthMsg::ErrorPage { text } => {
                ctx.fire(&mut self.machine, "error_page");
                ctx.say_with(|| format!("The authorization server shows an error page and sends the browser nowhere: {text}"));
            }
            OAuthMsg::RedirectElsewhere { result, .. } => {
                ctx.fire(&mut self.machine, "follow_redirect");
                ctx.say("The browser follows the redirect to the look-alike host: Mallory's server receives the code.");
                ctx.send(super::config::ATTACKER, OAuthMsg::LookalikeCallback(result));
            }
            OAuthMsg::LoginPage | OAuthMsg::PlannerLoginPage => {
                self.login_at_planner = matches!(msg, OAuthMsg::PlannerLoginPage);
                ctx.say(if self.login_at_planner {
                    "The browser shows Planner's own sign-in form: Alice is asked for her calendar password by the app itself."
                } else {
                    "The browser shows the authorization server's sign-in page (auth.example, not Planner)."
                });
                ctx.fire(&mut self.machine, "login_page");
                ctx.set_timer(TYPING_MS, 1, TimerKind::Work, "Alice types her password");
            }
            OAuthMsg::ConsentPage { .. } => {
                ctx.say("The browser shows the consent screen: what Planner asks to do with Alice's calendar.");
                ctx.fire(&mut self.machine, "consent_page");
                ctx.set_timer(
                    READING_MS,
                    2,
                    TimerKind::Work,
                    "Alice reads the consent screen",
                );
            }
            OAuthMsg::RedirectToClient(result) => self.follow_to_client(result, ctx),
            OAuthMsg::CallbackPage { text, .. } => {
                ctx.fire(&mut self.machine, "page_shown");
                ctx.say_with(|| format!("The page says: {text}"));
                if let Some(req) = self.link.take() {
                    self.open_link(req, ctx);
                }
            }
            _ => {}
        }
    }

    fn on_lab_fault(
        &mut self,
        name: &str,
        _args: &crate::scenario::Config,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> bool {
        if name != "leak-code" {
            return false;
        }
        let Some(callback) = self.last_callback.clone() else {
            self.leak = true;
            ctx.say("From now on, the next authorization request and callback URLs the browser opens also reach Mallory (a malicious browser extension reads them).");
            return true;
        };
        // Already past the callback: the URLs leak from the history.
        let token = matches!(callback, AuthzResult::Token { .. });
        ctx.say(if token {
            "A malicious extension reads the browser's history: the callback URL, access token included, reaches Mallory."
        } else {
            "A malicious extension reads the browser's history: the authorization request and callback URLs reach Mallory."
        });
        if let Some(req) = self.last_request.clone() {
            ctx.send(super::config::ATTACKER, OAuthMsg::LeakedAuthorize(req));
        }
        ctx.send(super::config::ATTACKER, OAuthMsg::LeakedCallback(callback));
        true
    }

    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<OAuthMsg>) {
        match (tag, self.machine.current) {
            (1, "login_form") if self.login_at_planner => {
                ctx.fire(&mut self.machine, "submit_login");
                ctx.say("Planner's own page asks for Alice's calendar password, and she types it in: Planner now holds the password to her whole account.");
                ctx.send(PLANNER, OAuthMsg::PlannerLogin);
            }
            (1, "login_form") => {
                ctx.fire(&mut self.machine, "submit_login");
                ctx.say("Alice types her username and password into the authorization server's own page.");
                self.to_auth(OAuthMsg::Login, ctx);
            }
            (2, "consent_screen") => {
                ctx.fire(&mut self.machine, "decide");
                let requested = self.cfg.requested();
                let decision = match self.cfg.consented(requested) {
                    Some(scope) => Decision::Allow { scope },
                    None => Decision::Deny,
                };
                ctx.say(match &decision {
                    Decision::Allow { scope } if scope == requested => {
                        "Alice allows everything Planner asks for.".to_string()
                    }
                    Decision::Allow { scope } => {
                        format!("Alice allows only part of it: {scope}.")
                    }
                    Decision::Deny => "Alice does not allow it.".to_string(),
                });
                self.to_auth(OAuthMsg::Decide(decision), ctx);
            }
            (PAGE_TIMEOUT, "navigating") => {
                ctx.fire(&mut self.machine, "page_timeout");
                ctx.say("No answer from the authorization server: the browser gives up and shows \"This site can't be reached\".");
            }
            _ => {}
        }
    }
}
