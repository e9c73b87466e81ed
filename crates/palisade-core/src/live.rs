//! Live events: what streaming clients hear about, the moment a change commits. Services
//! record a [`LiveEvent`] inside the transaction that makes the change (published only if it
//! commits); each web process turns events into messages per subscriber (`streaming`).
//! Events carry ids, not content: every subscriber's view is rendered by the same rules
//! as the timelines, when it is sent. On PostgreSQL they travel between processes as
//! `NOTIFY palisade_live`; on SQLite there is one process and an in-process channel.

use std::sync::Arc;

use palisade_store::signals::LiveListener;
use palisade_store::{Tx, Visibility};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::{Core, Result};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "e")]
pub enum LiveEvent {
    /// A status (or boost) was stored: `update` for the streams whose timeline holds it.
    StatusCreated {
        id: i64,
    },
    /// A status was edited: `status.update`.
    StatusEdited {
        id: i64,
    },
    /// A status is gone: `delete` to every stream that may have shown it.
    StatusDeleted {
        id: i64,
        author: i64,
        visibility: Visibility,
        local: bool,
        boost: bool,
        tags: Vec<String>,
        mentioned: Vec<i64>,
    },
    /// Notifications were created (or let through from a request).
    Notified {
        ids: Vec<i64>,
    },
    /// Direct-message conversations changed (ids of `account_conversations`).
    Conversations {
        ids: Vec<i64>,
    },
    /// A member's filters changed.
    FiltersChanged {
        account: i64,
    },
    /// A member accepted notification requests.
    NotificationsMerged {
        account: i64,
    },
    Announcement {
        id: i64,
    },
    AnnouncementReaction {
        id: i64,
        name: String,
    },
    AnnouncementDeleted {
        id: i64,
    },
    /// A token was revoked: its connections end.
    TokenRevoked {
        token: i64,
    },
}

/// PostgreSQL's NOTIFY takes 8000 bytes: long id lists are split below this.
const MAX_PAYLOAD: usize = 7000;

impl LiveEvent {
    pub fn decode(payload: &str) -> Option<LiveEvent> {
        serde_json::from_str(payload).ok()
    }

    /// The event as one or more payloads that each fit a notification.
    fn payloads(&self) -> Vec<String> {
        let Ok(text) = serde_json::to_string(self) else {
            return Vec::new();
        };
        if text.len() <= MAX_PAYLOAD {
            return vec![text];
        }
        let halves = |ids: &Vec<i64>| {
            let (a, b) = ids.split_at(ids.len() / 2);
            (a.to_vec(), b.to_vec())
        };
        let (a, b) = match self {
            LiveEvent::Notified { ids } if ids.len() > 1 => {
                let (a, b) = halves(ids);
                (LiveEvent::Notified { ids: a }, LiveEvent::Notified { ids: b })
            }
            LiveEvent::Conversations { ids } if ids.len() > 1 => {
                let (a, b) = halves(ids);
                (
                    LiveEvent::Conversations { ids: a },
                    LiveEvent::Conversations { ids: b },
                )
            }
            _ => {
                tracing::warn!(bytes = text.len(), "a live event too large to send was dropped");
                return Vec::new();
            }
        };
        let mut out = a.payloads();
        out.extend(b.payloads());
        out
    }
}

impl Core {
    /// Publishes `event` when `tx` commits.
    pub(crate) fn live(&self, tx: &mut Tx, event: LiveEvent) {
        for p in event.payloads() {
            tx.publish_on_commit(p);
        }
    }

    /// Publishes `event` now (a change made outside a transaction).
    pub(crate) async fn live_now(&self, event: LiveEvent) -> Result<()> {
        for p in event.payloads() {
            self.db.publish_live(&p).await?;
        }
        Ok(())
    }

    /// This process's live events, as published (decode with [`LiveEvent::decode`]). A
    /// receiver that falls behind by thousands of events loses the oldest and is told so.
    pub fn live_events(&self) -> broadcast::Receiver<Arc<str>> {
        self.db.live().subscribe()
    }

    /// Connects to PostgreSQL's channel of live events (`None` on SQLite, where everything
    /// happens in this process).
    pub async fn live_listener(&self) -> Result<Option<LiveFeed>> {
        Ok(LiveListener::connect(&self.db).await?.map(|listener| LiveFeed {
            listener,
            core: self.clone(),
        }))
    }
}

/// Other processes' live events, heard on PostgreSQL.
pub struct LiveFeed {
    listener: LiveListener,
    core: Core,
}

impl LiveFeed {
    /// Passes other processes' events on to this process's subscribers, until the
    /// connection fails for good.
    pub async fn relay(mut self) -> Result<()> {
        let bus = self.core.db.live();
        loop {
            let wire = self.listener.next().await?;
            if let Some(payload) = bus.from_wire(&wire) {
                bus.publish_local(payload);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_id_lists_are_split_to_fit_a_notification() {
        let ids: Vec<i64> = (0..2000).map(|i| i64::MAX - i).collect();
        let parts = LiveEvent::Notified { ids: ids.clone() }.payloads();
        assert!(parts.len() > 1);
        let mut back = Vec::new();
        for p in &parts {
            assert!(p.len() <= MAX_PAYLOAD);
            match LiveEvent::decode(p) {
                Some(LiveEvent::Notified { ids }) => back.extend(ids),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(back, ids);
    }
}
