//! Undo of a Follow, Like, Announce or Block.

use palisade_core::model::Account;
use serde_json::Value;

use crate::context::{FedResult, Federation};
use crate::vocab::{id_of, kind};

pub async fn handle(fed: &Federation, signer: &Account, a: &Value) -> FedResult<()> {
    let object = a.get("object").unwrap_or(&Value::Null);
    // An embedded object must be the signer's own activity.
    if let Some(actor) = object.get("actor").and_then(id_of)
        && actor != signer.uri
    {
        return Ok(());
    }
    let inner_object = || object.get("object").and_then(id_of);
    match kind(object).as_str() {
        "Follow" => {
            if let Some(target) = inner_object()
                && let Some(target) = fed.local_account(&target).await?
            {
                fed.core.receive_unfollow(signer.id, target.id).await?;
            }
        }
        "Like" => {
            if let Some(uri) = inner_object()
                && let Some(status) = fed.core.status_by_uri(&uri).await?
            {
                fed.core.receive_favourite(signer, &status, false).await?;
            }
        }
        "Announce" => {
            if let Some(id) = id_of(object)
                && let Some(boost) = fed.core.status_by_uri(&id).await?
                && boost.account_id == signer.id
            {
                fed.core.receive_status_delete(&boost).await?;
            }
        }
        "Block" => {
            if let Some(target) = inner_object()
                && let Some(target) = fed.local_account(&target).await?
            {
                fed.core.receive_block(signer, target.id, false).await?;
            }
        }
        _ => {
            // Undo by id only: a boost we know by its Announce id.
            if let Some(id) = id_of(object)
                && let Some(boost) = fed.core.status_by_uri(&id).await?
                && boost.account_id == signer.id
                && boost.reblog_of_id.is_some()
            {
                fed.core.receive_status_delete(&boost).await?;
            }
        }
    }
    Ok(())
}
