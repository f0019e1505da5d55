//! What a long request (the explorer's) is given to report as it goes:
//! progress messages, results so far, and the worker's clock.

/// What a long request reports as it goes: done so far, out of how many
/// (0: not known), and a sentence for the learner.
pub struct Progress<'a> {
    pub done: u64,
    pub of: u64,
    pub sentence: &'a str,
}

/// The page's side of a long request: progress messages sent as it goes,
/// and a clock in milliseconds (the worker's; 0 in native tests).
pub struct Work<'a> {
    pub progress: &'a mut dyn FnMut(Progress),
    /// A result complete as far as it goes (the panel's HTML).
    pub partial: &'a mut dyn FnMut(&str),
    pub now: &'a dyn Fn() -> f64,
}
