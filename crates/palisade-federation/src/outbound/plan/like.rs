//! Like of a remote status (a favourite) and its Undo.

use serde_json::json;

use super::{Plan, strip_context, to_one};
use crate::context::{FedResult, Federation};
use crate::documents;

/// `Like` (or, with `on` false, its `Undo`), to the status' author.
pub(super) async fn plan(
    fed: &Federation,
    account_id: i64,
    status_id: i64,
    on: bool,
) -> FedResult<Option<Plan>> {
    let Some(s) = fed.core.find_status(status_id).await? else {
        return Ok(None);
    };
    let Some((me, author)) = fed.pair(account_id, s.account_id).await? else {
        return Ok(None);
    };
    let like_id = documents::like_id(&me, s.id);
    let to = std::slice::from_ref(&author.uri);
    let like = documents::activity("Like", &like_id, &me.uri, json!(s.uri), to, &[]);
    let activity = if on {
        like
    } else {
        documents::activity(
            "Undo",
            &format!("{like_id}/undo"),
            &me.uri,
            strip_context(like),
            to,
            &[],
        )
    };
    Ok(to_one(me, activity, &author))
}
