//! A member's vote in another server's poll: each choice a Create of a Note with the
//! option's name, in reply to the Question, to its author only (as Mastodon sends them).

use serde_json::json;

use super::{Plan, preferred_inbox};
use crate::context::{FedResult, Federation};
use crate::documents;

pub(super) async fn plan(
    fed: &Federation,
    poll_id: i64,
    voter_id: i64,
    choices: &[i64],
) -> FedResult<Vec<Plan>> {
    let Some(poll) = fed.core.find_poll(poll_id).await? else {
        return Ok(Vec::new());
    };
    let (Some(voter), Some(author), Some(question)) = (
        fed.core.find_account(voter_id).await?,
        fed.core.find_account(poll.account_id).await?,
        fed.core.find_status(poll.status_id).await?,
    ) else {
        return Ok(Vec::new());
    };
    let Some(inbox) = preferred_inbox(&author) else {
        return Ok(Vec::new());
    };
    let mut plans = Vec::new();
    for choice in choices {
        let Some(name) = poll.options.get(*choice as usize) else {
            continue;
        };
        let id = format!("{}#votes/{poll_id}/{choice}", voter.uri);
        let note = json!({
            "id": id,
            "type": "Note",
            "name": name,
            "attributedTo": voter.uri,
            "inReplyTo": question.uri,
            "to": [author.uri],
        });
        let activity = documents::activity(
            "Create",
            &format!("{id}/activity"),
            &voter.uri,
            note,
            std::slice::from_ref(&author.uri),
            &[],
        );
        plans.push(Plan {
            signer: voter.clone(),
            activity,
            inboxes: vec![inbox.clone()],
        });
    }
    Ok(plans)
}
