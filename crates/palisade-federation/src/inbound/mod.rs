//! Processing of queued inbound activities: one handler per activity type. The delivery was
//! authenticated before queueing (the signer is the activity's actor); handlers check that
//! objects belong to that actor too.

mod announce;
mod block;
mod create;
mod delete;
mod flag;
mod follow;
mod like;
mod undo;
mod update;

use palisade_core::model::Account;
use serde_json::Value;

use crate::context::{FedError, FedResult, Federation};
use crate::inbox::InboundJob;
use crate::vocab::{id_of, kind};

impl Federation {
    /// Applies one queued activity.
    pub async fn process_inbound(&self, job: &InboundJob) -> FedResult<()> {
        let signer = self
            .core
            .find_account(job.signer_id)
            .await?
            .ok_or_else(|| FedError::Invalid("the signer is gone".into()))?;
        // Queued before a suspension began: dropped now, as it would be at the door.
        let refused = self
            .core
            .policies()
            .await?
            .refused(palisade_core::policy::Boundary::Inbound, signer.domain.as_deref());
        if signer.suspended_at.is_some() || refused {
            return Ok(());
        }
        let a = &job.activity;
        match kind(a).as_str() {
            "Follow" => follow::follow(self, &signer, a).await,
            "Accept" => follow::answer(self, &signer, a, true).await,
            "Reject" => follow::answer(self, &signer, a, false).await,
            "Undo" => undo::handle(self, &signer, a).await,
            "Create" => create::handle(self, &signer, a).await,
            "Update" => update::handle(self, &signer, a).await,
            "Delete" => delete::handle(self, &signer, a).await,
            "Announce" => announce::handle(self, &signer, a).await,
            "Like" => like::handle(self, &signer, a, true).await,
            "Block" => block::handle(self, &signer, a, true).await,
            "Flag" => flag::handle(self, &signer, a).await,
            other => {
                tracing::debug!(kind = other, "ignored an activity of an unsupported type");
                Ok(())
            }
        }
    }

    /// The local account an id names, if it is one of ours.
    pub(crate) async fn local_account(&self, uri: &str) -> FedResult<Option<Account>> {
        Ok(self.core.account_by_uri(uri).await?.filter(|a| a.is_local()))
    }
}

/// The `object` of an activity, as an id.
pub(crate) fn object_id(activity: &Value) -> FedResult<String> {
    id_of(activity.get("object").unwrap_or(&Value::Null))
        .ok_or_else(|| FedError::Invalid("the activity has no object".into()))
}
