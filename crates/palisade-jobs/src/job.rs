//! The typed jobs: what each queue carries. A payload's type is decided by its queue, so
//! jobs queued by earlier versions decode unchanged.

use palisade_core::events::Event;
use palisade_core::jobs::Queue;
use palisade_core::media::MediaJob;
use palisade_core::push::PushJob;
use palisade_core::timers::Timer;
use palisade_federation::inbox::InboundJob;
use palisade_federation::outbound::DeliveryJob;

pub enum Job {
    /// An activity another server delivered: apply it.
    Inbound(InboundJob),
    /// Something happened here that other servers must hear about: plan its deliveries.
    Plan(Event),
    /// Send one activity to one inbox.
    Deliver(DeliveryJob),
    /// Something fell due: a scheduled status, a poll's end, an announcement.
    Timer(Timer),
    /// Send one Web Push message.
    Push(PushJob),
    /// Media work: transcode, fetch a remote file, a preview card, a link check…
    Media(MediaJob),
}

impl Job {
    pub fn decode(queue: Queue, payload: &str) -> Result<Job, String> {
        let bad = |e: serde_json::Error| format!("bad {} payload: {e}", queue.name());
        Ok(match queue {
            Queue::Inbound => Job::Inbound(serde_json::from_str(payload).map_err(bad)?),
            Queue::Outbound => Job::Plan(serde_json::from_str(payload).map_err(bad)?),
            Queue::Deliver => Job::Deliver(serde_json::from_str(payload).map_err(bad)?),
            Queue::Timers => Job::Timer(serde_json::from_str(payload).map_err(bad)?),
            Queue::Push => Job::Push(serde_json::from_str(payload).map_err(bad)?),
            Queue::Media => Job::Media(serde_json::from_str(payload).map_err(bad)?),
        })
    }

    pub fn queue(&self) -> Queue {
        match self {
            Job::Inbound(_) => Queue::Inbound,
            Job::Plan(_) => Queue::Outbound,
            Job::Deliver(_) => Queue::Deliver,
            Job::Timer(_) => Queue::Timers,
            Job::Push(_) => Queue::Push,
            Job::Media(_) => Queue::Media,
        }
    }
}
