//! A run as readable text, for people at a terminal (the headless runner,
//! `faultline-cli`, and the `show` example): each step with its time, what
//! happened and its narration; every message in its wire form (each
//! compact JWS decoded beside it), lost ones and ones still in flight
//! included; the broken invariants; how the run ended; the tables at the
//! end.

use crate::message::Message;
use crate::trace::{Fate, StepKind};
use crate::Run;
use std::fmt::Write;

/// The message as on the wire, then each compact JWS in it decoded.
fn message(out: &mut String, m: &Message) {
    for line in m.to_http().lines() {
        let _ = writeln!(out, "        | {line}");
    }
    for (field, jws) in m.tokens() {
        let _ = writeln!(out, "        | ↳ {field} (JWS) header  {}", jws.header);
        let _ = writeln!(out, "        | ↳ {field} (JWS) payload {}", jws.payload);
    }
}

/// The whole run as text.
pub fn run_log(run: &Run) -> String {
    let mut out = String::new();
    for st in &run.steps {
        let _ = writeln!(
            out,
            "#{:<3} {:>6} ms {:<40} | {}",
            st.index,
            st.time,
            run.summary(st),
            run.narration(st).join(" / ")
        );
        let Some(f) = st.flight.and_then(|f| run.flights.get(f as usize)) else {
            continue;
        };
        match st.kind {
            StepKind::Deliver => message(&mut out, &f.message.get()),
            StepKind::Lost => {
                let _ = writeln!(
                    out,
                    "        | (lost: {})",
                    f.note.as_deref().unwrap_or("never arrived")
                );
                message(&mut out, &f.message.get());
            }
            _ => {}
        }
    }
    for f in run.flights.iter().filter(|f| f.fate == Fate::InFlight) {
        let _ = writeln!(out, "still in flight at the end: {}", f.label());
        message(&mut out, &f.message.get());
    }
    for v in &run.violations {
        let _ = writeln!(
            out,
            "VIOLATION at step {}: [{}] {}",
            v.step, v.invariant, v.message
        );
    }
    let _ = writeln!(
        out,
        "end: {}; steps {}; flights {}",
        run.end.message(),
        run.steps.len(),
        run.flights.len()
    );
    for table in run.tables_at(run.steps.len().saturating_sub(1) as u32) {
        let _ = writeln!(out, "== {}", table.title);
        for r in &table.rows {
            let _ = writeln!(out, "   {}", r.join(" | "));
        }
    }
    out
}
