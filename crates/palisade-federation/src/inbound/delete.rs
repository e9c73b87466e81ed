//! Delete of a note (it becomes a tombstone here too) or of the actor itself.

use palisade_core::model::Account;
use serde_json::Value;

use super::object_id;
use crate::context::{FedResult, Federation};

pub async fn handle(fed: &Federation, signer: &Account, a: &Value) -> FedResult<()> {
    let id = object_id(a)?;
    if id == signer.uri {
        fed.core.receive_account_delete(signer).await?;
        return Ok(());
    }
    if let Some(status) = fed.core.status_by_uri(&id).await?
        && status.account_id == signer.id
    {
        fed.core.receive_status_delete(&status).await?;
    }
    Ok(())
}
