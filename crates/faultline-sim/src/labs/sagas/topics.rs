//! A choreography's topics and subscriptions. A service publishes each
//! event to the topic named after it (`StockReserved`, ...) and does not
//! know who consumes it; each service subscribes to the topics it reacts
//! to, and the broker delivers a copy of an event to every subscriber of
//! its topic. The table is data: the broker routes by it, each consumer
//! decides its next step by it, and the broker's panel draws it.

use super::flow::Next;
use super::msg::{Env, Kind};
use super::saga::{INVENTORY, ORDER, PAYMENT, SHIPPING};
use crate::actor::ActorId;

/// One subscription: `subscriber` consumes `topic` and then does `then`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Subscription {
    pub topic: &'static str,
    pub subscriber: ActorId,
    pub then: Next,
}

const fn sub(topic: &'static str, subscriber: ActorId, then: Next) -> Subscription {
    Subscription {
        topic,
        subscriber,
        then,
    }
}

/// Every subscription of the order saga's choreography. `OrderRejected`
/// (C1 done) has no subscriber: the order service ends the saga in C1's
/// own transaction, and the broker keeps the event for whoever subscribes
/// later.
pub static SUBSCRIPTIONS: [Subscription; 9] = [
    sub("OrderCreated", INVENTORY, Next::Do(2)),
    sub("StockReserved", PAYMENT, Next::Do(3)),
    sub("StockRefused", ORDER, Next::Undo(1)),
    sub("PaymentCaptured", ORDER, Next::Do(4)),
    sub("PaymentDeclined", INVENTORY, Next::Undo(2)),
    sub("OrderApproved", SHIPPING, Next::Do(5)),
    sub("ShipmentScheduled", ORDER, Next::Completed),
    // Only "compensate after the pivot" (wrong) publishes this.
    sub("ShippingFailed", INVENTORY, Next::Undo(2)),
    sub("StockReleased", ORDER, Next::Undo(1)),
];

/// The topic of an event (Ti done, Ti failed, Ci done); commands have none.
pub fn topic_of(kind: Kind, step: u8) -> Option<&'static str> {
    Some(match (kind, step) {
        (Kind::Did, 1) => "OrderCreated",
        (Kind::Did, 2) => "StockReserved",
        (Kind::Failed, 2) => "StockRefused",
        (Kind::Did, 3) => "PaymentCaptured",
        (Kind::Failed, 3) => "PaymentDeclined",
        (Kind::Did, 4) => "OrderApproved",
        (Kind::Did, 5) => "ShipmentScheduled",
        (Kind::Failed, 5) => "ShippingFailed",
        (Kind::Undid, 2) => "StockReleased",
        (Kind::Undid, 1) => "OrderRejected",
        _ => return None,
    })
}

/// Every topic an event is published on, in step order.
pub fn all_topics() -> Vec<&'static str> {
    let mut v = Vec::new();
    for s in 1..=5 {
        for kind in [Kind::Did, Kind::Failed, Kind::Undid] {
            v.extend(topic_of(kind, s));
        }
    }
    v
}

/// The topics nobody subscribes to.
pub fn unsubscribed() -> Vec<&'static str> {
    let mut v = all_topics();
    v.retain(|t| subscribers(t).next().is_none());
    v
}

/// Who consumes `topic`, in table order.
pub fn subscribers(topic: &str) -> impl Iterator<Item = ActorId> + '_ {
    SUBSCRIPTIONS
        .iter()
        .filter(move |s| s.topic == topic)
        .map(|s| s.subscriber)
}

/// What `subscriber` does with an event on `env`'s topic (`None`: it
/// does not subscribe to it).
pub fn reaction(env: &Env, subscriber: ActorId) -> Option<Next> {
    let topic = env.topic?;
    SUBSCRIPTIONS
        .iter()
        .find(|s| s.topic == topic && s.subscriber == subscriber)
        .map(|s| s.then)
}

#[cfg(test)]
mod tests {
    use super::super::flow::next;
    use super::super::saga::step;
    use super::*;

    fn event(kind: Kind, s: u8) -> Env {
        Env {
            id: 1,
            saga: 1,
            step: s,
            kind,
            to: 0,
            why: 0,
            topic: topic_of(kind, s),
        }
    }

    /// The choreography runs the same saga as the orchestrator: each
    /// event's subscribers do what the saga's rule says comes next, at the
    /// service that owns that step.
    #[test]
    fn subscriptions_follow_the_saga_rule() {
        for kind in [Kind::Did, Kind::Failed, Kind::Undid] {
            for s in 1..=5 {
                let env = event(kind, s);
                let Some(topic) = env.topic else { continue };
                let subs: Vec<_> = subscribers(topic).collect();
                match next(&env) {
                    Next::Do(n) | Next::Undo(n) => {
                        assert_eq!(subs, [step(n).service], "{topic}");
                        assert_eq!(reaction(&env, subs[0]), Some(next(&env)), "{topic}");
                    }
                    Next::Completed => assert_eq!(subs, [ORDER], "{topic}"),
                    Next::Compensated => assert!(subs.is_empty(), "{topic}"),
                }
            }
        }
        // Every subscription is to a topic some event is published on.
        for s in &SUBSCRIPTIONS {
            assert!(all_topics().contains(&s.topic), "{}", s.topic);
        }
        assert_eq!(unsubscribed(), ["OrderRejected"]);
    }

    #[test]
    fn commands_have_no_topic_and_a_stranger_does_not_react() {
        assert_eq!(topic_of(Kind::Do, 2), None);
        assert_eq!(topic_of(Kind::Undo, 1), None);
        assert_eq!(reaction(&event(Kind::Did, 2), INVENTORY), None);
        assert_eq!(reaction(&event(Kind::Did, 2), PAYMENT), Some(Next::Do(3)));
    }
}
