//! Faultline's simulation core: a deterministic discrete-event engine and
//! the labs' mock services. No DOM, no clock, no ambient randomness:
//! `simulate(scenario)` is a pure function, natively and in WebAssembly.
//!
//! Start at [`registry::simulate`]; the contracts are in `ARCHITECTURE.md`.

pub mod actor;
pub mod b64;
pub mod config;
pub mod digest;
pub mod engine;
#[cfg(feature = "explore")]
pub mod explore;
pub mod explore_link;
pub mod fault;
pub mod fingerprinter;
#[cfg(feature = "jose")]
pub mod jose;
pub mod lab;
pub mod labs;
pub mod lesson;
pub mod lines;
pub mod log;
pub mod machine;
pub mod message;
pub mod permalink;
pub mod progress;
pub mod queue;
pub mod read;
pub mod registry;
pub mod rng;
pub mod rows;
pub mod runfile;
pub mod scenario;
pub mod small_map;
pub mod trace;
pub mod units;
pub mod validate;

pub use engine::Detail;
pub use registry::{lab, labs, preset, simulate, simulate_with};
pub use scenario::{Scenario, ScenarioError};
pub use trace::Run;
