//! State machines as data: the transition table an actor consults is the
//! same value the UI draws, so the diagram can never drift from the code.

use serde::Serialize;

/// Equal names; names are mostly the very same literal, so the address is
/// compared before the bytes (firing is on every step's path).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && (a.as_ptr() == b.as_ptr() || a.as_bytes() == b.as_bytes())
}

/// One arrow of a state machine: in `from`, on `event`, go to `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub from: &'static str,
    pub event: &'static str,
    pub to: &'static str,
}

impl Transition {
    /// Shorthand for writing transition tables.
    pub const fn new(from: &'static str, event: &'static str, to: &'static str) -> Self {
        Self { from, event, to }
    }
}

/// A named transition table. `states[0]` is the initial state.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct StateMachine {
    pub name: &'static str,
    pub states: &'static [&'static str],
    pub transitions: &'static [Transition],
}

impl StateMachine {
    /// The initial state.
    pub fn initial(&self) -> &'static str {
        self.states[0]
    }

    /// Where `event` leads from `from`, if the table allows it.
    pub fn next(&self, from: &str, event: &str) -> Option<&'static str> {
        self.transitions
            .iter()
            .find(|t| same(t.from, from) && same(t.event, event))
            .map(|t| t.to)
    }

    /// Index of a state in `states` (used for compact per-step snapshots).
    pub fn index_of(&self, state: &str) -> Option<usize> {
        self.states.iter().position(|s| same(s, state))
    }

    /// Every transition as (from, to, event) with states by index: the
    /// graph the diagrams are laid out from (build.rs and the layout tests).
    pub fn indexed_edges(&self) -> Vec<(usize, usize, &'static str)> {
        let idx = |s: &str| {
            self.index_of(s)
                .expect("a transition names declared states")
        };
        self.transitions
            .iter()
            .map(|t| (idx(t.from), idx(t.to), t.event))
            .collect()
    }

    /// A state with no way out (only self-loops, or nothing).
    pub fn is_terminal(&self, state: &str) -> bool {
        !self
            .transitions
            .iter()
            .any(|t| t.from == state && t.to != state)
    }

    /// Every transition names declared states (checked by tests for each lab).
    pub fn is_well_formed(&self) -> bool {
        !self.states.is_empty()
            && self
                .transitions
                .iter()
                .all(|t| self.index_of(t.from).is_some() && self.index_of(t.to).is_some())
    }
}

/// The current state of one machine, advanced only through its table.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct MachineState {
    pub machine: &'static StateMachine,
    pub current: &'static str,
    /// Index of `current` in `machine.states` (kept with it, so recording
    /// a step's states compares no strings).
    index: u8,
}

/// Its machine's title and its state, not the whole table (the
/// explorer's fingerprints write every actor's state this way).
impl std::fmt::Debug for MachineState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.machine.name, self.current)
    }
}

/// Its machine (by name) and its state: what tells two states apart.
impl std::hash::Hash for MachineState {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.machine.name.hash(h);
        self.index.hash(h);
    }
}

impl MachineState {
    pub fn new(machine: &'static StateMachine) -> Self {
        Self {
            machine,
            current: machine.initial(),
            index: 0,
        }
    }

    /// Index of the current state in the machine's `states`.
    pub fn index(&self) -> u8 {
        self.index
    }

    /// Fire `event`. Returns the transition taken, or `None` (state kept)
    /// when the table has no such arrow: the table is the single authority.
    pub fn fire(&mut self, event: &'static str) -> Option<Transition> {
        let to = self.machine.next(self.current, event)?;
        let t = Transition {
            from: self.current,
            event,
            to,
        };
        self.current = to;
        self.index = self.machine.index_of(to).unwrap_or(0) as u8;
        Some(t)
    }

    pub fn reset(&mut self) {
        self.current = self.machine.initial();
        self.index = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static DOOR: StateMachine = StateMachine {
        name: "door",
        states: &["closed", "open"],
        transitions: &[
            Transition {
                from: "closed",
                event: "open",
                to: "open",
            },
            Transition {
                from: "open",
                event: "close",
                to: "closed",
            },
        ],
    };

    #[test]
    fn fires_only_declared_transitions() {
        let mut m = MachineState::new(&DOOR);
        assert!(m.fire("close").is_none());
        assert_eq!(m.current, "closed");
        assert_eq!(m.fire("open").map(|t| t.to), Some("open"));
        assert!(DOOR.is_well_formed());
    }
}
