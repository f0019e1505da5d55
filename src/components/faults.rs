//! The fault palette (a click applies a fault at the playhead and the run
//! is re-simulated) and the list of faults in the current plan.

use crate::state::Action;
use faultline_sim::fault::{Fault, LinkRule, MsgMatch, NetAction};
use faultline_sim::lab::PaletteEntry;
use faultline_sim::message::MsgClass;
use faultline_sim::scenario::Config;
use yew::prelude::*;

/// What the panel shows. (A plain function, not a component: each
/// component costs about 1 KB of WebAssembly in Yew's glue.)
#[derive(PartialEq, Clone)]
pub struct Props {
    pub palette: Vec<PaletteEntry>,
    pub faults: Vec<Fault>,
    pub now_ms: u64,
    pub on: Callback<Action>,
}

/// A fault in plain words.
pub fn describe(f: &Fault) -> String {
    match f {
        Fault::Net { on, action } => match action {
            NetAction::Drop => format!("Lose {}", which(on)),
            NetAction::Duplicate => format!("Duplicate {}", which(on)),
            NetAction::Delay { ms } => format!("Delay {} by {ms} ms", which(on)),
        },
        Fault::Crash { at_ms, actor } => format!("Crash {actor} at {at_ms} ms"),
        Fault::CrashOnSend {
            on,
            actor,
            restart_after_ms,
        } => match restart_after_ms {
            Some(ms) => format!(
                "Crash {actor} when {} is sent, back {ms} ms later",
                which(on)
            ),
            None => format!("Crash {actor} when {} is sent", which(on)),
        },
        Fault::Restart { at_ms, actor } => format!("Restart {actor} at {at_ms} ms"),
        Fault::Lab {
            at_ms,
            actor,
            name,
            args,
        } => format!("\"{name}\"{} on {actor} at {at_ms} ms", lab_args_text(args)),
        Fault::Partition {
            from_ms,
            until_ms,
            side_a,
            side_b,
        } => format!(
            "Partition {} from {} between {from_ms} and {until_ms} ms",
            side_a.join(", "),
            side_b.join(", ")
        ),
        Fault::Link(l) => link_text(l),
        Fault::AtStep { step, then } => format!("At step {step}: {}", describe(then)),
    }
}

/// The message a fault matches, in plain words: which one, of what class,
/// from and to whom, and after when.
fn which(m: &MsgMatch) -> String {
    let class = m.class.map_or("message", MsgClass::noun);
    let nth = if m.nth > 1 {
        format!("{} ", ordinal(m.nth))
    } else {
        "next ".into()
    };
    let from = m
        .from
        .as_ref()
        .map_or(String::new(), |a| format!(" from {a}"));
    let to = m.to.as_ref().map_or(String::new(), |a| format!(" to {a}"));
    format!("the {nth}{class}{from}{to} after {} ms", m.after_ms)
}

/// A lab fault's parameters, as " (k v, …)", or nothing if it has none.
fn lab_args_text(args: &Config) -> String {
    let args: Vec<String> = args
        .iter()
        .map(|(k, v)| format!("{k} {}", value_text(v)))
        .collect();
    if args.is_empty() {
        String::new()
    } else {
        format!(" ({})", args.join(", "))
    }
}

/// A link rule in plain words: its ends, its window and its rules.
fn link_text(l: &LinkRule) -> String {
    let mut rules = Vec::new();
    if let Some(lat) = l.latency {
        rules.push(format!("latency {}–{} ms", lat.min_ms, lat.max_ms));
    }
    if l.drop_permille > 0 {
        rules.push(format!("loss {}‰", l.drop_permille));
    }
    if l.duplicate_permille > 0 {
        rules.push(format!("duplication {}‰", l.duplicate_permille));
    }
    format!(
        "Link {} → {} from {} to {} ms: {}",
        l.from,
        l.to,
        l.from_ms,
        l.until_ms,
        rules.join(", ")
    )
}

/// A setting or parameter value as text.
pub fn value_text(v: &faultline_sim::scenario::ConfigValue) -> String {
    use faultline_sim::scenario::ConfigValue;
    match v {
        ConfigValue::Bool(b) => b.to_string(),
        ConfigValue::Int(i) => i.to_string(),
        ConfigValue::Choice(c) => c.clone(),
    }
}

fn ordinal(n: u32) -> String {
    match n {
        2 => "2nd".into(),
        3 => "3rd".into(),
        _ => format!("{n}th"),
    }
}

pub fn fault_palette(p: &Props) -> Html {
    let buttons = p.palette.iter().map(|e| {
        let build = e.build;
        let now = p.now_ms;
        // One millisecond after the playhead: the step on screen has already
        // happened and must stay exactly as it is.
        let onclick = p.on.reform(move |_| Action::AddFaults(build(now + 1)));
        html! {
            <li><button data-fault={e.id} {onclick} title={e.help}>{ e.label }</button></li>
        }
    });
    let plan = p.faults.iter().enumerate().map(|(i, f)| {
        let remove = p.on.reform(move |_| Action::RemoveFault(i));
        html! {
            <li>{ describe(f) }{" "}<button class="link" onclick={remove} aria-label={format!("Remove fault {}", i + 1)}>{"remove"}</button></li>
        }
    });
    html! {
        <section class="panel faults" id="faults-panel" aria-labelledby="faults-h">
            <h2 id="faults-h">{ "Inject a fault now" }</h2>
            <p class="hint">{ format!("A click applies the fault just after {}.{:03} s and replays the run; everything up to this step stays the same.", p.now_ms / 1000, p.now_ms % 1000) }</p>
            <ul class="palette">{ for buttons }</ul>
            <h3>{ "Fault plan" }</h3>
            if p.faults.is_empty() {
                <p class="hint" id="fault-plan-empty">{ "No faults: the network and servers behave." }</p>
            } else {
                <ol id="fault-plan">{ for plan }</ol>
            }
        </section>
    }
}
