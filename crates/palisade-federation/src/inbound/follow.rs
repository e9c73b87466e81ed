//! Follow, and the Accept or Reject of one of our Follows.

use palisade_core::store::accounts::Account;
use serde_json::Value;

use super::object_id;
use crate::context::{FedResult, Federation};
use crate::vocab::{id_of, kind, str_field};

pub async fn follow(fed: &Federation, signer: &Account, a: &Value) -> FedResult<()> {
    let target = object_id(a)?;
    let Some(target) = fed.local_account(&target).await? else {
        return Ok(());
    };
    let activity_id = id_of(a.get("id").unwrap_or(&Value::Null))
        .unwrap_or_else(|| format!("{}#follows/unknown", signer.uri));
    let outcome = fed.core.receive_follow(signer, target.id, &activity_id).await?;
    tracing::info!(follower = %signer.uri, target = %target.uri, ?outcome, "follow received");
    Ok(())
}

/// Accept or Reject of a Follow one of our accounts sent to `signer`.
pub async fn answer(fed: &Federation, signer: &Account, a: &Value, accepted: bool) -> FedResult<()> {
    let object = a.get("object").unwrap_or(&Value::Null);
    // The object is our Follow: embedded (its actor is ours) or by id (`…#follows/ID`).
    let follower_uri = match object {
        Value::Object(_) if kind(object) == "Follow" => str_field(object, "actor").map(str::to_owned),
        _ => id_of(object).and_then(|id| id.split('#').next().map(str::to_owned)),
    };
    let Some(follower_uri) = follower_uri else {
        return Ok(());
    };
    let Some(follower) = fed.local_account(&follower_uri).await? else {
        return Ok(());
    };
    if accepted {
        fed.core.receive_follow_accept(follower.id, signer.id).await?;
    } else {
        fed.core.receive_follow_reject(follower.id, signer.id).await?;
    }
    Ok(())
}
