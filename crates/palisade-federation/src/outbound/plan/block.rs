//! Block of a remote account and its Undo.

use serde_json::json;

use super::{Plan, strip_context, to_one};
use crate::context::{FedResult, Federation};
use crate::documents;

/// `Block` (or, with `on` false, its `Undo`), to the blocked account.
pub(super) async fn plan(
    fed: &Federation,
    account_id: i64,
    target_id: i64,
    on: bool,
) -> FedResult<Option<Plan>> {
    let Some((me, target)) = fed.pair(account_id, target_id).await? else {
        return Ok(None);
    };
    let block_id = documents::block_id(&me, target.id);
    let to = std::slice::from_ref(&target.uri);
    let block = documents::activity("Block", &block_id, &me.uri, json!(target.uri), to, &[]);
    let activity = if on {
        block
    } else {
        documents::activity(
            "Undo",
            &format!("{block_id}/undo"),
            &me.uri,
            strip_context(block),
            to,
            &[],
        )
    };
    Ok(to_one(me, activity, &target))
}
