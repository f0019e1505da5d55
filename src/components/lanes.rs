//! The sequence diagram's lanes: one per actor, except that when a run has
//! more actors than fit across the diagram (`FIT`), like actors next to
//! each other (the same machine, one instance each: the retry storm's
//! twelve clients) share one lane, titled "Client ×12". Their arrows all
//! start and end on it; each arrow's tooltip still names its actor.
//! An actor that never acts in the run (no message, no step, never down,
//! in no partition: the orchestrator of a choreographed saga, Mallory when
//! nobody attacks) gets no lane at all, as a sequence diagram shows only
//! those who take part; its state machine panel still shows it.

use faultline_sim::trace::Run;

/// Lanes that fit across the diagram at 1280 px without scrolling.
pub const FIT: usize = 5;
/// Lanes the projector view scales to the screen's width: the issue's "at
/// most 7 lanes" (the Sagas lab's six), drawn narrower than the normal
/// view's so their 12 px text reads at 24 px or more on a 1280×720 screen.
pub const PROJECTOR_FIT: usize = 7;

/// Whether `lanes` lanes are drawn to the diagram box's width (no
/// sideways scrolling) in the normal or the projector view.
pub fn fits(lanes: usize, projector: bool) -> bool {
    lanes <= if projector { PROJECTOR_FIT } else { FIT }
}

/// Which lane each actor is drawn on, and each lane's title.
pub struct Lanes {
    of: Vec<u16>,
    /// Each lane's title and its first actor.
    pub heads: Vec<(String, usize)>,
}

impl Lanes {
    pub fn of_run(run: &Run) -> Self {
        let actors = &run.actors;
        let mut at_work = vec![false; actors.len()];
        let mut mark = |a: u16| {
            if let Some(w) = at_work.get_mut(usize::from(a)) {
                *w = true;
            }
        };
        for f in &run.flights {
            mark(f.from);
            mark(f.to);
        }
        for c in &run.cuts {
            c.side_a
                .iter()
                .chain(&c.side_b)
                .copied()
                .for_each(&mut mark);
        }
        for s in &run.steps {
            s.actor
                .into_iter()
                .chain(s.down.iter().copied())
                .for_each(&mut mark);
        }
        // A run where nobody acts still shows its actors.
        if !at_work.contains(&true) {
            at_work.fill(true);
        }
        let group = at_work.iter().filter(|&&w| w).count() > FIT;
        let mut of = Vec::with_capacity(actors.len());
        let mut heads: Vec<(String, usize)> = Vec::new();
        for (i, a) in actors.iter().enumerate() {
            if !at_work[i] {
                // Never drawn on: any lane will do.
                of.push(0);
                continue;
            }
            match heads.last() {
                // A like actor next to the lane's first: one more on it.
                Some(&(_, f))
                    if group
                        && a.instances.is_none()
                        && actors[f].machine.name == a.machine.name => {}
                _ => heads.push((String::new(), i)),
            }
            of.push((heads.len() - 1) as u16);
        }
        for (l, (title, first)) in heads.iter_mut().enumerate() {
            let t = &actors[*first].title;
            let n = of
                .iter()
                .zip(&at_work)
                .filter(|&(&x, &w)| w && usize::from(x) == l)
                .count();
            *title = if n > 1 {
                // "Client 1" and eleven more: "Client ×12".
                let base = t.rsplit_once(' ').map_or(t.as_str(), |(base, _)| base);
                format!("{base} ×{n}")
            } else {
                t.clone()
            };
        }
        debug_assert_eq!(of.len(), actors.len());
        Self { of, heads }
    }

    pub fn count(&self) -> usize {
        self.heads.len()
    }

    /// The lane actor `a` is drawn on.
    pub fn lane(&self, a: u16) -> u16 {
        self.of.get(a as usize).copied().unwrap_or(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lanes_of(lab: &str, preset: &str) -> (Lanes, Run) {
        let info = faultline_sim::lab(lab).expect("lab");
        let p = info
            .presets
            .iter()
            .find(|p| p.id == preset)
            .expect("preset");
        let run = faultline_sim::simulate(&(p.scenario)()).expect("runs");
        (Lanes::of_run(&run), run)
    }

    fn titles(l: &Lanes) -> Vec<&str> {
        l.heads.iter().map(|(t, _)| t.as_str()).collect()
    }

    /// Mallory has a lane only in the runs where she does something.
    #[test]
    fn the_attacker_has_a_lane_only_when_she_attacks() {
        let (calm, _) = lanes_of("oauth", "happy-path");
        assert!(
            !titles(&calm).contains(&"Mallory (attacker)"),
            "{:?}",
            titles(&calm)
        );
        let (attack, run) = lanes_of("oauth", "stolen-code-no-pkce");
        assert!(titles(&attack).contains(&"Mallory (attacker)"));
        assert_eq!(attack.count(), run.actors.len());
    }

    /// A choreographed saga has no orchestrator at work: its lane is left
    /// out, and the five that remain fit the projector's width.
    #[test]
    fn an_actor_that_never_acts_gets_no_lane() {
        let (l, run) = lanes_of("sagas", "choreography");
        assert_eq!(run.actors.len(), 6);
        assert_eq!(
            titles(&l),
            [
                "Message broker",
                "Order service",
                "Inventory service",
                "Payment service",
                "Shipping service"
            ]
        );
        assert!(l.count() <= FIT);
        // Each actor at work is still drawn on its own lane.
        assert_eq!(l.lane(5), 4, "shipping, the fifth lane");
    }

    /// The same actor crashed by a fault is something to see: it keeps its lane.
    #[test]
    fn an_idle_actor_that_crashes_keeps_its_lane() {
        let info = faultline_sim::lab("sagas").expect("lab");
        let p = info
            .presets
            .iter()
            .find(|p| p.id == "choreography")
            .unwrap();
        let mut s = (p.scenario)();
        s.faults.push(faultline_sim::fault::Fault::Crash {
            at_ms: 10,
            actor: "orchestrator".into(),
        });
        let run = faultline_sim::simulate(&s).expect("runs");
        assert_eq!(Lanes::of_run(&run).count(), 6);
    }

    /// Labs whose actors all take part keep one lane each.
    #[test]
    fn busy_actors_keep_their_lanes() {
        let (l, run) = lanes_of("payments", "happy-path");
        assert_eq!(l.count(), run.actors.len());
    }
}
