//! Exhaustive search over fault schedules: every schedule of up to K
//! faults from an [alphabet](super::alphabet), explored as a tree. A
//! branch forks its parent's simulation at the step where its fault acts,
//! so a shared prefix is simulated once.
//!
//! **Merging.** Before each step the search fingerprints the state
//! ([`Simulation::fingerprint`]: everything the run's future depends on).
//! A state already reached with no more faults and no more steps is not
//! explored again: every schedule that goes on from the second arrival
//! has a twin from the first with the same faults after this point, the
//! same events, and the same verdicts, using no more faults and reaching
//! each verdict in no more steps. So merging loses no minimal
//! counterexample. (A fingerprint is a 64-bit hash: two different states
//! share one with odds of about one in 10^19 per pair.) The tests run the
//! naive search beside the merged one and compare what they find.

use super::alphabet::{links_of, restart_for, Alphabet, Letter, Offer};
use crate::engine::{Detail, Simulation};
use crate::fault::Fault;
use crate::fingerprinter::Fingerprinter;
use crate::lab::FaultScales;
use crate::scenario::{Scenario, ScenarioError};
use std::hash::BuildHasherDefault;

/// Maps keyed by fingerprints: only looked up and filled, never iterated,
/// so their order cannot reach a report.
type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<Fingerprinter>>;

/// What to search.
#[derive(Clone, Copy, Debug)]
pub struct SearchConfig {
    /// The most faults a schedule may add (K).
    pub max_faults: u8,
    /// The faults tried before each step.
    pub alphabet: Alphabet,
    /// Merge states with one fingerprint (false: the naive search, for
    /// comparison).
    pub merge: bool,
    /// For tests: keep the first state of each fingerprint and check every
    /// merge against it (both run on to their end without new faults and
    /// must do the same things at the same times).
    pub verify_merges: bool,
    /// The most distinct states to remember (each costs memory; the
    /// browser's helper has a few hundred megabytes): met, the search
    /// stops and says so ([`SearchReport::full`]). `None`: no limit.
    pub max_distinct: Option<u64>,
}

impl SearchConfig {
    /// Every schedule of up to `max_faults` faults over `alphabet`, states
    /// merged, merges not checked, no limit on the states remembered.
    pub fn new(max_faults: u8, alphabet: Alphabet) -> Self {
        SearchConfig {
            max_faults,
            alphabet,
            merge: true,
            verify_merges: false,
            max_distinct: None,
        }
    }
}

/// The smallest schedule found that breaks one property.
#[derive(Clone, Debug)]
pub struct Counterexample {
    /// The invariant or bounded property broken.
    pub property: &'static str,
    /// What the lab said when it broke.
    pub message: String,
    /// The faults the schedule adds, in the order they act (a crash and
    /// its restart are one letter but two entries).
    pub faults: Vec<Fault>,
    /// The letters of the schedule, one per fault counted.
    pub letters: Vec<Letter>,
    /// The step at which the property broke.
    pub step: u32,
}

impl Counterexample {
    /// The number of faults, as the search counts them.
    pub fn size(&self) -> usize {
        self.letters.len()
    }

    /// The run that shows it: the searched scenario with the schedule's
    /// faults added.
    pub fn scenario(&self, base: &Scenario) -> Scenario {
        let mut s = base.clone();
        s.faults.extend(self.faults.iter().cloned());
        s
    }
}

/// What a search found and what it cost.
#[derive(Clone, Debug, Default)]
pub struct SearchReport {
    /// Runs followed to their end (each a distinct schedule).
    pub schedules: u64,
    /// States simulated (one per step of every branch).
    pub states: u64,
    /// Distinct fingerprints seen (with merging).
    pub distinct: u64,
    /// Branches cut because their state was reached before.
    pub merged: u64,
    /// The smallest counterexample per property, in order found.
    pub found: Vec<Counterexample>,
    /// Whether any run stopped at the scenario's bounds: then the answer
    /// covers each run only up to them.
    pub hit_bounds: bool,
    /// Whether the search stopped early (asked to, or full).
    pub stopped: bool,
    /// Whether it stopped because it had met `max_distinct` distinct states.
    pub full: bool,
    /// Merges checked, and those whose two states went on differently
    /// (with `verify_merges`; a sound fingerprint gives none).
    pub merges_checked: u64,
    pub merges_wrong: u64,
}

/// A search under way (so a worker can run it a slice at a time and be
/// stopped): call [`Search::run`].
pub struct Search {
    config: SearchConfig,
    scales: FaultScales,
    links: Vec<(u16, u16)>,
    base_faults: usize,
    /// Fingerprint → (faults used, step) of the best arrival so far.
    seen: HashMap<u64, (u8, u32)>,
    /// Fingerprint → the first state with it (with `verify_merges`).
    first: HashMap<u64, Simulation>,
    report: SearchReport,
}

/// The faults a step of a branch offers, with where the branch was before
/// it (its next step and the messages sent so far).
type Offered = ((u32, usize), Vec<(Letter, Fault)>);

/// A branch waiting to be explored.
struct Branch {
    sim: Simulation,
    letters: Vec<Letter>,
}

impl Search {
    /// Set up a search of `scenario` (its own faults stay in every run).
    pub fn new(scenario: &Scenario, config: SearchConfig) -> Result<Search, ScenarioError> {
        let (scales, _) = crate::registry::explorer_terms(&scenario.lab)
            .ok_or_else(|| ScenarioError::UnknownLab(scenario.lab.clone()))?;
        let mut baseline = crate::registry::start_with(scenario, Detail::Lean)?;
        baseline.advance(u32::MAX);
        let links = links_of(baseline.flights());
        Ok(Search {
            config,
            scales,
            links,
            base_faults: scenario.faults.len(),
            seen: HashMap::default(),
            first: HashMap::default(),
            report: SearchReport::default(),
        })
    }

    /// Run the whole search; `keep_going` is asked now and then (false
    /// stops it, and the report says so).
    pub fn run(
        mut self,
        scenario: &Scenario,
        keep_going: &mut dyn FnMut(&SearchReport) -> bool,
    ) -> Result<SearchReport, ScenarioError> {
        let root = crate::registry::start_with(scenario, Detail::Lean)?;
        self.explore(
            Branch {
                sim: root,
                letters: Vec::new(),
            },
            keep_going,
        );
        Ok(self.report)
    }

    /// Follow one branch to its end (or to a state reached before), then
    /// start a branch for every fault it may still add before each of its
    /// steps. The branch without a new fault goes first, so a faulty branch
    /// that comes back to a state it reached is cut there.
    ///
    /// The branch is simulated twice, one simulation stepped on each time:
    /// first without a new fault (fingerprinting each state, noting what
    /// it broke and the faults each step offers), then again from its
    /// start, copying the state only where a fault starts a new branch. A
    /// step costs far less than a copy of the state.
    fn explore(&mut self, b: Branch, keep_going: &mut dyn FnMut(&SearchReport) -> bool) {
        let used = b.letters.len() as u8;
        if used >= self.config.max_faults {
            self.follow(b.sim, &b.letters, false);
            return;
        }
        let offers = self.follow(b.sim.fork(), &b.letters, true);
        let last = offers.len();
        let mut at = b.sim;
        for (i, (before, offer)) in offers.into_iter().enumerate() {
            // Pass 2 retraces pass 1 (stepping is deterministic, and a fork
            // copies everything a step reads).
            debug_assert_eq!(
                (at.next_step(), at.flights().len()),
                before,
                "the second pass left the first's path"
            );
            for (letter, fault) in offer {
                if self.report.stopped {
                    return;
                }
                let mut sim = at.fork();
                let restart = restart_for(&fault, self.scales);
                sim.inject(fault);
                if let Some(r) = restart {
                    sim.inject(r);
                }
                sim.step();
                let mut letters = b.letters.clone();
                letters.push(letter);
                self.after_step(at.violations().len(), &sim, &letters);
                self.explore(Branch { sim, letters }, keep_going);
                if self.report.states % 1024 == 0 && !keep_going(&self.report) {
                    self.report.stopped = true;
                }
            }
            if i + 1 < last {
                at.step();
            }
        }
    }

    /// Step `run` on without a new fault to its end or to a state reached
    /// before with no more faults and no more steps, noting what each step
    /// breaks; with `offers`, the faults to try before each step taken.
    fn follow(&mut self, mut run: Simulation, letters: &[Letter], offers: bool) -> Vec<Offered> {
        let used = letters.len() as u8;
        let mut out = Vec::new();
        loop {
            if run.is_over() {
                self.report.schedules += 1;
                self.report.hit_bounds |= run.hit_bounds();
                return out;
            }
            if self.config.merge && self.reached_before(&run, used) {
                return out;
            }
            let offer =
                offers.then(|| Offer::before(&run, self.scales, &self.links, self.config.alphabet));
            let before = (run.next_step(), run.flights().len());
            let broken = run.violations().len();
            run.step();
            self.after_step(broken, &run, letters);
            if let Some(o) = offer {
                out.push((before, o.after(&run, self.scales)));
            }
        }
    }

    /// Whether `state`, reached with `used` faults, was reached before with
    /// no more faults at no later step (then it is merged: counted, not
    /// explored again); otherwise it is noted as reached.
    fn reached_before(&mut self, state: &Simulation, used: u8) -> bool {
        use std::collections::hash_map::Entry;
        let fp = state.fingerprint();
        let step = state.next_step();
        match self.seen.entry(fp) {
            Entry::Occupied(mut e) => {
                let (f, s) = *e.get();
                if f <= used && s <= step {
                    self.report.merged += 1;
                    if let Some(earlier) = self.first.get(&fp) {
                        self.report.merges_checked += 1;
                        if future(earlier) != future(state) {
                            self.report.merges_wrong += 1;
                        }
                    }
                    return true;
                }
                e.insert((used, step));
            }
            Entry::Vacant(e) => {
                if self
                    .config
                    .max_distinct
                    .is_some_and(|max| self.report.distinct >= max)
                {
                    // No room to remember it: stop here.
                    self.report.full = true;
                    self.report.stopped = true;
                    return true;
                }
                e.insert((used, step));
                self.report.distinct += 1;
                if self.config.verify_merges {
                    self.first.insert(fp, state.fork());
                }
            }
        }
        false
    }

    /// Note what broke in the step that took the run to `after` (it had
    /// broken `broken_before` invariants before it).
    fn after_step(&mut self, broken_before: usize, after: &Simulation, letters: &[Letter]) {
        self.report.states += 1;
        let step = after.next_step().saturating_sub(1);
        let new = &after.violations()[broken_before..];
        for v in new {
            self.offer(v.invariant, &v.message, after, letters, step);
        }
        for (id, message) in after.check_bounded() {
            self.offer(id, &message, after, letters, step);
        }
    }

    /// Keep a counterexample if it is the smallest for its property so far.
    fn offer(
        &mut self,
        property: &'static str,
        message: &str,
        sim: &Simulation,
        letters: &[Letter],
        step: u32,
    ) {
        let better = |c: &Counterexample| (letters.len(), step) < (c.size(), c.step);
        let faults = || sim.scenario().faults[self.base_faults..].to_vec();
        match self
            .report
            .found
            .iter_mut()
            .find(|c| c.property == property)
        {
            Some(c) if better(c) => {
                c.message = message.to_string();
                c.faults = faults();
                c.letters = letters.to_vec();
                c.step = step;
            }
            Some(_) => {}
            None => self.report.found.push(Counterexample {
                property,
                message: message.to_string(),
                faults: faults(),
                letters: letters.to_vec(),
                step,
            }),
        }
    }
}

/// What a state goes on to do with no new fault: each later step's time,
/// each later message's route, times and fate, each later verdict.
fn future(state: &Simulation) -> Vec<(u64, u64, u64, String)> {
    let (steps, flights, broken) = (
        state.next_step(),
        state.flights().len(),
        state.violations().len(),
    );
    let run = state.fork().finish();
    let mut out: Vec<_> = run.steps[steps as usize..]
        .iter()
        .map(|s| (s.time, 0, 0, format!("{:?}", s.kind)))
        .collect();
    out.extend(run.flights[flights..].iter().map(|f| {
        (
            f.sent_at,
            f.arrives_at,
            u64::from(f.from) << 16 | u64::from(f.to),
            format!("{:?}", f.fate),
        )
    }));
    out.extend(
        run.violations[broken..]
            .iter()
            .map(|v| (v.time, 0, 1, v.invariant.to_string())),
    );
    out
}

/// Search `scenario` for the smallest schedules of up to
/// `config.max_faults` faults that break each property.
pub fn search(scenario: &Scenario, config: SearchConfig) -> Result<SearchReport, ScenarioError> {
    Search::new(scenario, config)?.run(scenario, &mut |_| true)
}
