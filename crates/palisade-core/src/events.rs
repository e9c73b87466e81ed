//! What core tells the world. Services record an [`Event`] for every local action that other
//! servers must hear about, inside the transaction that made the change; the federation
//! crate installs a sink that turns them into durable delivery jobs.

use std::future::Future;
use std::pin::Pin;

use palisade_store::Tx;

use crate::Result;

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
        account_id: i64,
        uri: String,
        visibility: palisade_store::Visibility,
        mentioned: Vec<i64>,
    },
    Reblogged {
        status_id: i64,
    },
    Unreblogged {
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
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait EventSink: Send + Sync {
    fn record<'a>(&'a self, tx: &'a mut Tx, event: Event) -> BoxFuture<'a, Result<()>>;
}

/// The sink of an instance that does not federate (yet): events are only logged.
pub struct LogOnly;

impl EventSink for LogOnly {
    fn record<'a>(&'a self, _tx: &'a mut Tx, event: Event) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            tracing::debug!(?event, "event");
            Ok(())
        })
    }
}
