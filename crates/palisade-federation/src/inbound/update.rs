//! Update of a note (an edit) or of the actor itself (a profile change).

use palisade_core::model::Account;
use serde_json::Value;

use crate::context::{FedResult, Federation};
use crate::sanitize;
use crate::vocab::{self, id_of, kind};

pub async fn handle(fed: &Federation, signer: &Account, a: &Value) -> FedResult<()> {
    let object = a.get("object").unwrap_or(&Value::Null);
    let id = id_of(object).unwrap_or_default();
    match kind(object).as_str() {
        "Person" | "Service" | "Application" | "Group" | "Organization" if id == signer.uri => {
            // An embedded profile from its own origin (the signer) is as good as a fetch.
            fed.store_actor(object).await?;
        }
        "Note" | "Article" | "Page" | "Question" => {
            let author = id_of(object.get("attributedTo").unwrap_or(&Value::Null)).unwrap_or_default();
            if author != signer.uri {
                return Ok(());
            }
            let Some(status) = fed.core.status_by_uri(&id).await? else {
                // An edit of something we never saw: store the current version.
                fed.store_note(object, signer, 0).await?;
                return Ok(());
            };
            if status.account_id != signer.id {
                return Ok(());
            }
            let content = sanitize::clean(&vocab::text(object, "content").unwrap_or_default());
            let summary = sanitize::plain(&vocab::text(object, "summary").unwrap_or_default());
            let sensitive =
                object.get("sensitive").and_then(Value::as_bool).unwrap_or(false) || !summary.is_empty();
            let edited = vocab::timestamp_ms(object, "updated").unwrap_or_else(palisade_core::model::now_ms);
            let attachments = crate::media::vocab::attachments(object);
            fed.core
                .receive_status_update(&status, &content, &summary, sensitive, edited, Some(&attachments))
                .await?;
            // A Question's Update carries its new tallies.
            if kind(object) == "Question"
                && let Some(poll) = crate::polls::remote_poll(object)
            {
                fed.core.receive_poll_update(status.id, signer.id, &poll).await?;
            }
        }
        _ => {}
    }
    Ok(())
}
