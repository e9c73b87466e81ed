//! Follow, and the Accept or Reject of one of our Follows.

use palisade_core::model::Account;
use serde_json::Value;

use super::object_id;
use crate::context::{FedResult, Federation};
use crate::vocab::{id_of, kind};

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
    let follower = match follower_of(object) {
        Some(uri) => fed.local_account(&uri).await?,
        None => None,
    };
    let Some(follower) = follower else {
        tracing::debug!(from = %signer.uri, ?object, accepted, "answer to no follow of ours, ignored");
        return Ok(());
    };
    if accepted {
        fed.core.receive_follow_accept(follower.id, signer.id).await?;
    } else {
        fed.core.receive_follow_reject(follower.id, signer.id).await?;
    }
    Ok(())
}

/// Who sent the Follow an Accept or Reject answers: the Follow is embedded (its actor a
/// URI or an embedded actor, as Fedify sends) or given by our id (`{actor}#follows/ID`).
fn follower_of(follow: &Value) -> Option<String> {
    match follow {
        Value::Object(_) if kind(follow) == "Follow" => follow.get("actor").and_then(id_of),
        _ => id_of(follow).and_then(|id| id.split('#').next().map(str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::follower_of;

    #[test]
    fn the_follower_is_found_in_every_shape_peers_send() {
        let alice = "https://ours.test/users/alice";
        // Mastodon and Palisade: the actor as a URI.
        let by_uri = json!({"type": "Follow", "actor": alice, "object": "https://peer.test/u/b"});
        // Fedify: the actor embedded whole.
        let embedded = json!({"type": "Follow", "object": "https://peer.test/u/b",
            "actor": {"id": alice, "type": "Person", "inbox": "https://ours.test/users/alice/inbox"}});
        // Only our Follow's id.
        let by_id = json!("https://ours.test/users/alice#follows/117683147704038773");
        for follow in [by_uri, embedded, by_id] {
            assert_eq!(follower_of(&follow).as_deref(), Some(alice), "{follow}");
        }
        assert_eq!(follower_of(&json!({"type": "Follow"})), None);
    }
}
