//! Any actor of the Sagas lab, as one type: what the engine runs and the
//! invariants inspect.

use super::msg::SagaMsg;
use super::{broker, orchestrator, service};

/// Any actor of this lab (static dispatch keeps the engine fast).
#[derive(Clone, Debug, Hash)]
pub enum SagaActor {
    Orch(orchestrator::Orchestrator),
    Broker(broker::Broker),
    Svc(service::Service),
}

crate::actor::forward_actor!(SagaActor, SagaMsg, [Orch, Broker, Svc]);
