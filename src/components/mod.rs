//! View components: each renders part of the state and emits actions.

pub mod class;
pub mod compare;
pub mod config;
pub mod controls;
pub mod faults;
pub mod figures;
pub mod help;
pub mod inspector;
pub mod instances;
pub mod interview;
pub mod invariants;
pub mod lab;
pub mod landing;
pub mod lanes;
pub mod load;
pub mod machines;
pub mod narration;
pub mod network;
pub mod notice;
pub mod placement;
pub mod raw;
pub mod sequence;
pub mod shell;
pub mod tables;
pub mod token;

#[cfg(test)]
mod seam_tests;
#[cfg(test)]
mod tests;
