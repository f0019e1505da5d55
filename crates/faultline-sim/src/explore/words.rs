//! The explorer's faults and results in plain words, for the report a
//! learner reads (the page's panel and the headless runner print these).

use crate::fault::{Fault, NetAction};
use crate::message::MsgClass;

/// One fault of a schedule, as a learner reads it.
pub fn fault(f: &Fault) -> String {
    match f {
        Fault::Net { on, action } => {
            let what = match on.class {
                Some(MsgClass::Request) => "request",
                Some(MsgClass::Response) => "response",
                _ => "message",
            };
            let from = on.from.as_deref().unwrap_or("anyone");
            let to = on.to.as_deref().unwrap_or("anyone");
            let which = match on.nth {
                1 => format!("the first {what} from {from} to {to}"),
                n => format!("{} {what} from {from} to {to}", ordinal(n)),
            };
            let doing = match action {
                NetAction::Drop => "lose".to_string(),
                NetAction::Duplicate => "deliver twice".to_string(),
                NetAction::Delay { ms } => format!("hold back by {ms} ms"),
            };
            format!("{doing} {which} sent at or after {} ms", on.after_ms)
        }
        Fault::AtStep { step, then } => match then.as_ref() {
            Fault::Crash { actor, .. } => format!("crash {actor} just before step {step}"),
            other => format!("at step {step}: {}", fault(other)),
        },
        Fault::Crash { at_ms, actor } => format!("crash {actor} at {at_ms} ms"),
        Fault::Restart { at_ms, actor } => format!("restart {actor} at {at_ms} ms"),
        Fault::Partition {
            from_ms,
            until_ms,
            side_a,
            side_b,
        } => format!(
            "cut {} off from {} from {from_ms} ms to {until_ms} ms",
            side_a.join(", "),
            side_b.join(", ")
        ),
        Fault::CrashOnSend { actor, .. } => format!("crash {actor} as it sends"),
        Fault::Lab { name, actor, .. } => format!("\"{name}\" on {actor}"),
        Fault::Link(rule) => format!("a link rule from {} to {}", rule.from, rule.to),
    }
}

/// "2nd", "3rd", "11th".
fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("the {n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::MsgMatch;

    #[test]
    fn faults_read_as_plain_words() {
        let drop = Fault::Net {
            on: MsgMatch::next(540, Some(MsgClass::Response))
                .from("card-processor")
                .to("payment-api")
                .nth(2),
            action: NetAction::Drop,
        };
        assert_eq!(
            fault(&drop),
            "lose the 2nd response from card-processor to payment-api sent at or after 540 ms"
        );
        assert_eq!(ordinal(12), "the 12th");
        assert_eq!(ordinal(23), "the 23rd");
    }
}
