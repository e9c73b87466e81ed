//! Outbound: core's events become activities, activities become one delivery job per
//! distinct inbox, and deliveries are signed and sent by the workers.

mod deliver;
mod flag;
mod plan;
mod sink;

pub use deliver::{DELIVER_QUEUE, DeliveryJob, Outcome, backoff_ms};
pub use sink::{OUTBOUND_QUEUE, OutboxSink};
