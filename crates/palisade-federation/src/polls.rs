//! Polls over ActivityPub, as Mastodon speaks them: a poll is a `Question` (`oneOf` for one
//! choice, `anyOf` for several; each option a Note with `name` and `replies.totalItems`;
//! `endTime` or `closed`, `votersCount`); a vote is a Create of a Note with the option as
//! `name` in reply to the Question, addressed to its author; new tallies go out as an
//! Update of the Question.

use palisade_core::model::Account;
use palisade_core::polls::{PollView, RemotePoll};
use serde_json::{Value, json};

use crate::context::{FedResult, Federation};
use crate::documents::iso;
use crate::vocab::{self, id_of, kind, str_field};

/// The poll a Question describes (`None` for a Question without options).
pub fn remote_poll(question: &Value) -> Option<RemotePoll> {
    let (items, multiple) = match (question.get("oneOf"), question.get("anyOf")) {
        (Some(one), _) if !one.is_null() => (one, false),
        (_, Some(any)) if !any.is_null() => (any, true),
        _ => return None,
    };
    let items: Vec<&Value> = match items {
        Value::Array(list) => list.iter().collect(),
        other => vec![other],
    };
    let mut options = Vec::new();
    let mut counts = Vec::new();
    for item in items.into_iter().take(16) {
        let Some(name) = vocab::text(item, "name") else {
            continue;
        };
        let total = item
            .get("replies")
            .and_then(|r| r.get("totalItems"))
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .max(0);
        options.push(crate::sanitize::plain(&name));
        counts.push(total);
    }
    if options.is_empty() {
        return None;
    }
    let expires_at =
        vocab::timestamp_ms(question, "endTime").or_else(|| vocab::timestamp_ms(question, "closed"));
    Some(RemotePoll {
        options,
        counts,
        voters: question.get("votersCount").and_then(Value::as_i64),
        multiple,
        expires_at,
    })
}

/// Adds a local poll's Question fields to its Note.
pub fn add_question(note: &mut Value, poll: &PollView) {
    let options: Vec<Value> = poll
        .poll
        .options
        .iter()
        .zip(&poll.counts)
        .map(|(name, n)| json!({"type": "Note", "name": name, "replies": {"type": "Collection", "totalItems": n}}))
        .collect();
    note["type"] = json!("Question");
    note[if poll.poll.multiple { "anyOf" } else { "oneOf" }] = Value::Array(options);
    if let Some(end) = poll.poll.expires_at {
        note["endTime"] = json!(iso(end));
        if poll.expired {
            note["closed"] = json!(iso(end));
        }
    }
    note["votersCount"] = json!(poll.voters());
}

impl Federation {
    /// A vote from another server: a Note with `name` in reply to one of our Questions.
    /// `Ok(true)` when it was one (counted or not).
    pub(crate) async fn receive_vote(&self, signer: &Account, note: &Value) -> FedResult<bool> {
        if kind(note) != "Note" {
            return Ok(false);
        }
        let (Some(name), Some(parent)) = (
            str_field(note, "name"),
            id_of(note.get("inReplyTo").unwrap_or(&Value::Null)),
        ) else {
            return Ok(false);
        };
        if !vocab::same_origin(&parent, self.base_url()) {
            return Ok(false);
        }
        let Some(status) = self.core.status_by_uri(&parent).await? else {
            return Ok(false);
        };
        let Some(poll) = self.core.poll_of_status(status.id).await? else {
            return Ok(false);
        };
        if !poll.poll.options.iter().any(|o| o == name) {
            return Ok(false);
        }
        let uri = id_of(note).unwrap_or_default();
        self.core.receive_vote(signer, status.id, name, &uri).await?;
        Ok(true)
    }
}
