//! Announce of a status (a boost) and its Undo.

use palisade_core::model::Visibility;
use serde_json::json;

use super::{Plan, preferred_inbox, strip_context};
use crate::context::{FedResult, Federation};
use crate::documents::{self, PUBLIC};

/// `Announce`, to the booster's followers and the author boosted.
pub(super) async fn reblogged(fed: &Federation, boost_id: i64) -> FedResult<Option<Plan>> {
    let Some(boost) = fed.core.find_status(boost_id).await? else {
        return Ok(None);
    };
    let Some(original) = boost.reblog_of_id else {
        return Ok(None);
    };
    let Some(original) = fed.core.find_status(original).await? else {
        return Ok(None);
    };
    let Some((booster, author)) = fed.pair(boost.account_id, original.account_id).await? else {
        return Ok(None);
    };
    let followers = booster.followers_url.clone().unwrap_or_default();
    let to = if boost.visibility == Visibility::Public {
        vec![PUBLIC.to_owned()]
    } else {
        vec![followers.clone()]
    };
    let cc = vec![author.uri.clone(), followers];
    let mut activity = documents::activity(
        "Announce",
        &boost.uri,
        &booster.uri,
        json!(original.uri),
        &to,
        &cc,
    );
    activity["published"] = json!(documents::iso(boost.created_at));
    let mut inboxes = fed.core.remote_follower_inboxes(booster.id).await?;
    inboxes.extend(preferred_inbox(&author));
    Ok(Some(Plan {
        signer: booster,
        activity,
        inboxes,
    }))
}

/// `Undo` of the Announce at `uri`.
pub(super) async fn unreblogged(
    fed: &Federation,
    account_id: i64,
    uri: &str,
    original_id: i64,
) -> FedResult<Option<Plan>> {
    let Some(booster) = fed.core.find_account(account_id).await? else {
        return Ok(None);
    };
    let Some(original) = fed.core.find_status(original_id).await? else {
        return Ok(None);
    };
    let author = fed.core.find_account(original.account_id).await?;
    let inner = json!({"id": uri, "type": "Announce", "actor": booster.uri, "object": original.uri});
    let activity = documents::activity(
        "Undo",
        &format!("{uri}#undo"),
        &booster.uri,
        strip_context(inner),
        &[PUBLIC.into()],
        &[],
    );
    let mut inboxes = fed.core.remote_follower_inboxes(booster.id).await?;
    inboxes.extend(author.as_ref().and_then(preferred_inbox));
    Ok(Some(Plan {
        signer: booster,
        activity,
        inboxes,
    }))
}
