//! Create and Update of a local status (a Note to its audience), Delete of one.

use palisade_core::model::{Account, Status, Visibility, now_ms};
use serde_json::Value;

use super::{Plan, preferred_inbox};
use crate::context::{FedResult, Federation};
use crate::documents::{self, PUBLIC};

/// `Create` (or with `edited`, `Update`) of a status, to followers, the mentioned and the
/// author replied to (and, for a poll's new tallies, the remote voters).
pub(super) async fn created(fed: &Federation, status_id: i64, edited: bool) -> FedResult<Option<Plan>> {
    let Some(s) = fed.core.find_status(status_id).await? else {
        return Ok(None);
    };
    let Some(author) = fed.core.find_account(s.account_id).await? else {
        return Ok(None);
    };
    let (note, mentioned) = fed.note_of(&s, &author).await?;
    let (to, cc) = (note["to"].clone(), note["cc"].clone());
    let (kind, id) = if edited {
        (
            "Update",
            format!("{}#updates/{}", s.uri, s.edited_at.unwrap_or_else(now_ms)),
        )
    } else {
        ("Create", format!("{}/activity", s.uri))
    };
    let mut activity = documents::activity(kind, &id, &author.uri, note, &[], &[]);
    activity["to"] = to;
    activity["cc"] = cc;
    let mut inboxes = audience_inboxes(fed, &s, &author, &mentioned).await?;
    if edited && let Some(poll) = fed.core.poll_of_status(s.id).await? {
        inboxes.extend(fed.core.poll_voter_inboxes(poll.poll.id).await?);
    }
    Ok(Some(Plan {
        signer: author,
        activity,
        inboxes,
    }))
}

/// `Delete` of a status whose row is gone: to followers (unless it was direct) and the
/// mentioned. The URI is remembered as a tombstone (410 Gone).
pub(super) async fn deleted(
    fed: &Federation,
    account_id: i64,
    uri: &str,
    visibility: Visibility,
    mentioned: &[i64],
) -> FedResult<Option<Plan>> {
    let Some(author) = fed.core.find_account(account_id).await? else {
        return Ok(None);
    };
    fed.core.record_tombstone(uri, author.id).await?;
    let mut inboxes = if visibility == Visibility::Direct {
        Vec::new()
    } else {
        fed.core.remote_follower_inboxes(author.id).await?
    };
    for m in fed.core.accounts_by_ids(mentioned).await? {
        inboxes.extend(preferred_inbox(&m));
    }
    let activity = documents::activity(
        "Delete",
        &format!("{uri}#delete"),
        &author.uri,
        documents::tombstone(uri),
        &[PUBLIC.into()],
        &[],
    );
    Ok(Some(Plan {
        signer: author,
        activity,
        inboxes,
    }))
}

impl Federation {
    /// The Note of a local status and the accounts it mentions.
    pub async fn note_of(&self, s: &Status, author: &Account) -> FedResult<(Value, Vec<Account>)> {
        let mentioned = self.core.mentioned_accounts(s.id).await?;
        let tags = self.core.status_tags(s.id).await?;
        let parent = match s.in_reply_to_id {
            Some(p) => self.core.find_status(p).await?.map(|p| p.uri),
            None => s.in_reply_to_uri.clone(),
        };
        let mut note = documents::note(s, author, &mentioned, &tags, parent.as_deref(), self.base_url());
        if let Some(poll) = self.core.poll_of_status(s.id).await? {
            crate::polls::add_question(&mut note, &poll);
        }
        let (media, emojis) = self.note_media_of(s.id).await?;
        crate::media::publish::note_media(&mut note, &media, &emojis, &self.core.urls());
        Ok((note, mentioned))
    }
}

/// Followers (unless direct), mentioned accounts, and the author replied to.
async fn audience_inboxes(
    fed: &Federation,
    s: &Status,
    author: &Account,
    mentioned: &[Account],
) -> FedResult<Vec<String>> {
    let mut inboxes = if s.visibility == Visibility::Direct {
        Vec::new()
    } else {
        fed.core.remote_follower_inboxes(author.id).await?
    };
    inboxes.extend(mentioned.iter().filter_map(preferred_inbox));
    if s.visibility.is_open()
        && let Some(parent_author) = s.in_reply_to_account_id
        && let Some(p) = fed.core.find_account(parent_author).await?
    {
        inboxes.extend(preferred_inbox(&p));
    }
    Ok(inboxes)
}
