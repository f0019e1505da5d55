//! What a fault can be, as the explorer's panel says it: the alphabet a
//! search used (under its report), or both to choose from (under the
//! form), each with the lab's own sizes. "Exhaustive" means over these.

use faultline_markup::{markup, Markup};
use faultline_sim::explore::Alphabet;
use faultline_sim::registry;

/// What a fault can be in `alphabet`, with `lab`'s sizes, as the panel
/// states it ("exhaustive" means over it).
fn alphabet_text(lab: &str, alphabet: Alphabet) -> Markup {
    let mut m = Markup::new();
    let Some((scales, _)) = registry::explorer_terms(lab) else {
        return m;
    };
    let (crashed, cut) = match alphabet {
        Alphabet::Focused => (
            "the actor the step wakes (a message for it, or its timer) crashed just before it",
            "each link the step sends a message on",
        ),
        Alphabet::Every => (
            "each actor that is up crashed",
            "each link the fault-free run uses",
        ),
    };
    markup!(
        m,
        "Before every step of every run: each message the step sends lost, delivered twice, or held back {} ms; {}, then restarted {} ms later; {} cut for {} ms.",
        scales.delay_ms,
        crashed,
        scales.downtime_ms,
        cut,
        scales.partition_ms
    );
    m
}

/// What a fault could be in the search a report shows.
pub fn alphabet(lab: &str, alphabet: Alphabet) -> Markup {
    let mut m =
        Markup::from_lit("<details class=\"alphabet\"><summary>What a fault can be</summary><p>");
    m.markup(&alphabet_text(lab, alphabet));
    m.lit(" \"Every schedule\" means every schedule of these.</p></details>");
    m
}

/// Both alphabets, for the form: what each choice of faults tries.
pub fn alphabets(lab: &str) -> Markup {
    let mut m = Markup::from_lit("<details class=\"alphabet\"><summary>What a fault can be</summary><p><strong>Where each step acts:</strong> ");
    m.markup(&alphabet_text(lab, Alphabet::Focused));
    m.lit("</p><p><strong>On every actor and link:</strong> ");
    m.markup(&alphabet_text(lab, Alphabet::Every));
    m.lit(" This adds crashes of actors while they are idle and cuts of links the step sends nothing on. Their effect shows later, on the next message or timer, at other moments than the faults above give. Many more schedules: on Payments' happy path at 3 faults, about four times as many.</p><p>\"Every schedule\" means every schedule of the faults chosen.</p></details>");
    m
}
