//! A customer's cancel of o1 at the order service, and the semantic lock
//! that guards it: a PENDING order has a saga at work on it, so with the
//! lock on its cancel is refused until the saga ends. Without the lock the
//! cancel commits mid-saga and the saga's T4 later writes APPROVED over
//! it (a lost update, the isolation anomaly sagas are prone to).

use super::msg::SagaMsg;
use super::saga::ORDER;
use super::service::Service;
use crate::actor::Ctx;
use crate::lines::say;

/// The order a customer's cancel is for.
pub const CANCELLED_ORDER: u8 = 1;

/// What became of a customer's cancel, as the Orders table shows it.
pub const ACCEPTED: &str = "accepted";
pub const REFUSED_LOCKED: &str = "refused: saga in progress";
pub const REFUSED_LATE: &str = "refused: too late";

impl Service {
    /// The customer asks to cancel o1 now.
    pub(super) fn customer_cancel(&mut self, ctx: &mut Ctx<SagaMsg>) {
        let k = CANCELLED_ORDER;
        if self.id != ORDER {
            ctx.say("Only the order service takes a customer's cancel.");
            return;
        }
        let answer = match self.state(k) {
            "none" | "idle" => {
                say!(ctx, "The customer asks to cancel o{k}, which does not exist yet: nothing to cancel.");
                return;
            }
            "PENDING" if self.cfg.semantic_lock => {
                say!(ctx, "The customer asks to cancel o{k}. It is PENDING, a saga is at work on it (the semantic lock): the cancel is refused. The customer can try again once the saga ends.");
                REFUSED_LOCKED
            }
            "PENDING" => {
                self.fire(k, "customer_cancel", ctx);
                say!(ctx, "The customer cancels o{k}. Nothing guards a PENDING order, so the cancel commits in the middle of its saga, and the saga does not know.");
                self.customer_cancels.push(k);
                ACCEPTED
            }
            "PREPARED" | "WAITING" => {
                say!(ctx, "The customer asks to cancel o{k}: its row is locked by the two-phase commit until the decision, so the cancel is refused.");
                REFUSED_LOCKED
            }
            state => {
                say!(ctx, "The customer asks to cancel o{k}, but it is {state}: too late, the cancel is refused.");
                REFUSED_LATE
            }
        };
        self.rec(k).cancel = answer;
        self.touch(0, u32::from(k), ctx);
    }
}
