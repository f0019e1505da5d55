//! Any actor of the Payments lab, as one type: what the engine runs and the
//! invariants inspect.

use super::msg::PayMsg;
use super::{api, client, db, processor};

/// Any actor of this lab (static dispatch keeps the engine fast).
#[derive(Clone, Debug, Hash)]
pub enum PaymentActor {
    Client(client::Client),
    Api(api::Api),
    Db(db::Database),
    Processor(processor::Processor),
}

crate::actor::forward_actor!(PaymentActor, PayMsg, [Client, Api, Db, Processor]);
