//! What core tells the world. Services record an [`Event`] for every local action that other
//! servers must hear about, as a job of the outbound queue inside the transaction that made
//! the change; the federation crate's planner turns each into activities and deliveries.

use palisade_store::jobs::{self, NewJob};
use palisade_store::{Tx, now_ms};

use crate::jobs::Queue;
use crate::{Core, Error, Result};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    StatusCreated {
        status_id: i64,
    },
    StatusUpdated {
        status_id: i64,
    },
    /// Carries what delivery needs, since the row is gone.
    StatusDeleted {
        /// Missing in events recorded before version 0.2.
        #[serde(default)]
        status_id: Option<i64>,
        account_id: i64,
        uri: String,
        visibility: palisade_store::Visibility,
        mentioned: Vec<i64>,
    },
    Reblogged {
        status_id: i64,
    },
    Unreblogged {
        /// Missing in events recorded before version 0.2.
        #[serde(default)]
        boost_id: Option<i64>,
        account_id: i64,
        uri: String,
        original_id: i64,
    },
    Favourited {
        account_id: i64,
        status_id: i64,
    },
    Unfavourited {
        account_id: i64,
        status_id: i64,
    },
    FollowRequested {
        account_id: i64,
        target_id: i64,
    },
    FollowWithdrawn {
        account_id: i64,
        target_id: i64,
        follow_uri: Option<String>,
    },
    /// `follow_uri`: the id of the Follow activity being answered, when known.
    FollowAccepted {
        account_id: i64,
        target_id: i64,
        follow_uri: Option<String>,
    },
    FollowRejected {
        account_id: i64,
        target_id: i64,
        follow_uri: Option<String>,
    },
    Blocked {
        account_id: i64,
        target_id: i64,
    },
    Unblocked {
        account_id: i64,
        target_id: i64,
    },
    ProfileUpdated {
        account_id: i64,
    },
    /// A report sent on, as a Flag from the instance actor (the reporter stays anonymous),
    /// to the servers of these remote accounts.
    ReportForwarded {
        report_id: i64,
        recipients: Vec<i64>,
    },
    /// A member voted in another server's poll: each choice goes to its author as a Note.
    PollVoted {
        poll_id: i64,
        account_id: i64,
        choices: Vec<i64>,
    },
    /// A local poll's tallies changed (or it ended): an Update of the Question goes to
    /// the author's followers and the remote voters.
    PollUpdated {
        status_id: i64,
    },
}

impl Event {
    /// Events about the same thing are planned (and their deliveries to one inbox sent) in
    /// the order they happened: a Delete never overtakes its Create.
    pub fn ordering_key(&self) -> String {
        match self {
            Event::StatusCreated { status_id } | Event::StatusUpdated { status_id } => {
                format!("status:{status_id}")
            }
            Event::StatusDeleted { status_id, uri, .. } => match status_id {
                Some(id) => format!("status:{id}"),
                None => format!("status:{uri}"),
            },
            Event::Reblogged { status_id } => format!("boost:{status_id}"),
            Event::Unreblogged { boost_id, uri, .. } => match boost_id {
                Some(id) => format!("boost:{id}"),
                None => format!("boost:{uri}"),
            },
            Event::Favourited {
                account_id,
                status_id,
            }
            | Event::Unfavourited {
                account_id,
                status_id,
            } => format!("favourite:{account_id}:{status_id}"),
            Event::FollowRequested {
                account_id,
                target_id,
            }
            | Event::FollowWithdrawn {
                account_id,
                target_id,
                ..
            }
            | Event::FollowAccepted {
                account_id,
                target_id,
                ..
            }
            | Event::FollowRejected {
                account_id,
                target_id,
                ..
            } => format!("follow:{account_id}:{target_id}"),
            Event::Blocked {
                account_id,
                target_id,
            }
            | Event::Unblocked {
                account_id,
                target_id,
            } => format!("block:{account_id}:{target_id}"),
            Event::ProfileUpdated { account_id } => format!("profile:{account_id}"),
            Event::ReportForwarded { report_id, .. } => format!("report:{report_id}"),
            Event::PollVoted {
                poll_id, account_id, ..
            } => format!("vote:{poll_id}:{account_id}"),
            Event::PollUpdated { status_id } => format!("status:{status_id}"),
        }
    }
}

impl Core {
    /// Records `events` inside `tx` as jobs of the outbound queue, so that they are durable
    /// exactly when the change is (and the planner wakes when it commits).
    pub(crate) async fn emit(&self, tx: &mut Tx, events: Vec<Event>) -> Result<()> {
        let now = now_ms();
        let jobs = events
            .iter()
            .map(|event| {
                Ok(NewJob {
                    queue: Queue::Outbound.name(),
                    payload: serde_json::to_string(event).map_err(|e| Error::Internal(e.to_string()))?,
                    host: None,
                    ordering_key: Some(event.ordering_key()),
                    run_at: now,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        jobs::enqueue(tx, &jobs).await?;
        Ok(())
    }
}
