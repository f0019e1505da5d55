//! View components: each renders part of the state and emits actions.

pub mod compare;
pub mod config;
pub mod controls;
pub mod embed;
/// The explorer's panel: only in pages with the feature `explorer`.
#[cfg(feature = "explorer")]
pub mod explorer;
pub mod faults;
pub mod figures;
pub mod help;
pub mod inspector;
pub mod instances;
pub mod interview;
pub mod invariants;
pub mod lab;
/// The landing page, written into the root index.html by a native test.
#[cfg(test)]
pub mod landing;
pub mod lanes;
pub mod lesson;
pub mod load;
pub mod machines;
pub mod narration;
pub mod network;
pub mod notice;
pub mod placement;
pub mod progress;
pub mod qr;
pub mod queue;
pub mod raw;
pub mod sequence;
pub mod sequence_arrow;
pub mod sequence_parts;
pub mod sequence_step;
pub mod shell;
pub mod tables;
/// The token inspector: only in pages whose lab has tokens.
#[cfg(feature = "tokens")]
pub mod token;

#[cfg(test)]
mod pages;
#[cfg(test)]
mod seam_tests;
#[cfg(test)]
mod tests;
