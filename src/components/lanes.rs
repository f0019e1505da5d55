//! The sequence diagram's lanes: one per actor, except that when a run has
//! more actors than fit across the diagram (`FIT`), like actors next to
//! each other (the same machine, one instance each: the retry storm's
//! twelve clients) share one lane, titled "Client ×12". Their arrows all
//! start and end on it; each arrow's tooltip still names its actor.

use faultline_sim::trace::Run;

/// Lanes that fit across the diagram at 1280 px without scrolling.
pub const FIT: usize = 5;

/// Which lane each actor is drawn on, and each lane's title.
pub struct Lanes {
    of: Vec<u16>,
    /// Each lane's title and its first actor.
    pub heads: Vec<(String, usize)>,
}

impl Lanes {
    pub fn of_run(run: &Run) -> Self {
        let actors = &run.actors;
        let group = actors.len() > FIT;
        let mut of = Vec::with_capacity(actors.len());
        let mut heads: Vec<(String, usize)> = Vec::new();
        for (i, a) in actors.iter().enumerate() {
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
            let n = of.iter().filter(|&&x| usize::from(x) == l).count();
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
