//! Update of a local actor (a profile change), to its followers.

use palisade_core::model::now_ms;

use super::{Plan, strip_context};
use crate::context::{FedResult, Federation};
use crate::documents::{self, PUBLIC};

pub(super) async fn updated(fed: &Federation, account_id: i64) -> FedResult<Option<Plan>> {
    let Some(me) = fed.core.find_account(account_id).await? else {
        return Ok(None);
    };
    let pem = fed.local_public_key(&me).await?;
    let mut actor = documents::actor(&me, &pem, fed.base_url());
    crate::media::publish::actor_media(&mut actor, &me, &fed.core.urls());
    let actor = strip_context(actor);
    let id = format!("{}#updates/{}", me.uri, now_ms());
    let activity = documents::activity("Update", &id, &me.uri, actor, &[PUBLIC.into()], &[]);
    let inboxes = fed.core.remote_follower_inboxes(me.id).await?;
    Ok(Some(Plan {
        signer: me,
        activity,
        inboxes,
    }))
}
