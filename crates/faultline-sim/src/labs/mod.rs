//! The labs. Each is a plug-in (see `crate::lab::Lab`); the registry in
//! `crate::registry` dispatches a scenario to its lab.

pub mod oauth;
pub mod payments;
#[cfg(feature = "sagaslab")]
pub mod sagas;
#[cfg(feature = "testlab")]
pub mod toy;
