//! Follow of a remote account and its Undo; Accept and Reject of a remote account's Follow.

use palisade_core::model::new_id;
use serde_json::json;

use super::{Plan, strip_context, to_one};
use crate::context::{FedResult, Federation};
use crate::documents;

/// `Follow`, or with `withdrawn` (the Follow's id when known), its `Undo`.
pub(super) async fn follow(
    fed: &Federation,
    account_id: i64,
    target_id: i64,
    withdrawn: Option<Option<String>>,
) -> FedResult<Option<Plan>> {
    let Some((me, target)) = fed.pair(account_id, target_id).await? else {
        return Ok(None);
    };
    let follow_uri = match &withdrawn {
        Some(uri) => uri.clone(),
        None => fed.core.follow_request_uri(me.id, target.id).await?,
    };
    let follow_id = follow_uri.unwrap_or_else(|| format!("{}#follows/{}", me.uri, target.id));
    let to = std::slice::from_ref(&target.uri);
    let follow = documents::activity("Follow", &follow_id, &me.uri, json!(target.uri), to, &[]);
    let activity = match withdrawn {
        None => follow,
        Some(_) => documents::activity(
            "Undo",
            &format!("{follow_id}/undo"),
            &me.uri,
            strip_context(follow),
            to,
            &[],
        ),
    };
    Ok(to_one(me, activity, &target))
}

/// `Accept` (or `Reject`) of the Follow of `follower_id` by local account `target_id`.
pub(super) async fn answer(
    fed: &Federation,
    follower_id: i64,
    target_id: i64,
    follow_uri: Option<&str>,
    accepted: bool,
) -> FedResult<Option<Plan>> {
    let Some((follower, me)) = fed.pair(follower_id, target_id).await? else {
        return Ok(None);
    };
    let kind = if accepted { "Accept" } else { "Reject" };
    let mut follow = json!({"type": "Follow", "actor": follower.uri, "object": me.uri});
    if let Some(id) = follow_uri {
        follow["id"] = json!(id);
    }
    let id = format!("{}#{}s/{}", me.uri, kind.to_lowercase(), new_id());
    let activity = documents::activity(
        kind,
        &id,
        &me.uri,
        follow,
        std::slice::from_ref(&follower.uri),
        &[],
    );
    Ok(to_one(me, activity, &follower))
}
