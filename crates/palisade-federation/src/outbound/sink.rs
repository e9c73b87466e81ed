//! Where core's events go: a job in the same transaction as the change, so that a change and
//! the duty to tell other servers about it commit (or vanish) together.

use palisade_core::events::{BoxFuture, Event, EventSink};
use palisade_core::store::{Tx, jobs, now_ms};

pub const OUTBOUND_QUEUE: &str = "outbound";

pub struct OutboxSink;

impl EventSink for OutboxSink {
    fn record<'a>(&'a self, tx: &'a mut Tx, event: Event) -> BoxFuture<'a, palisade_core::Result<()>> {
        Box::pin(async move {
            let payload =
                serde_json::to_string(&event).map_err(|e| palisade_core::Error::Internal(e.to_string()))?;
            jobs::enqueue(tx, OUTBOUND_QUEUE, &payload, None, now_ms()).await?;
            Ok(())
        })
    }
}
