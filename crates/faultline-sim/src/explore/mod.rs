//! The explorer: "can this ever break?" answered by searching every
//! schedule of up to K faults ([`search`]) over one of two fault
//! alphabets, which each lab sizes ([`alphabet`]), with states merged by fingerprint. Compiled with
//! the `explore` feature (the helper worker and the headless runner).

pub mod alphabet;
pub mod because;
pub mod montecarlo;
pub mod report;
pub mod search;
pub mod words;

pub use alphabet::{Alphabet, Letter};
pub use search::{search, Counterexample, Search, SearchConfig, SearchReport};
