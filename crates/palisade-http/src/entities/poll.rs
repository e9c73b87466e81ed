//! Poll.

use palisade_core::polls::PollView;
use serde_json::{Value, json};

use super::iso;

/// Totals hidden (`hide_totals`) stay hidden from others until the poll ends.
pub fn poll(p: &PollView, viewer: Option<i64>) -> Value {
    let hidden = p.poll.hide_totals && !p.expired && viewer != Some(p.poll.account_id);
    let options: Vec<Value> = p
        .poll
        .options
        .iter()
        .enumerate()
        .map(|(i, title)| {
            let votes = p.counts.get(i).copied().unwrap_or(0);
            json!({"title": title, "votes_count": if hidden { Value::Null } else { json!(votes) }})
        })
        .collect();
    let mut v = json!({
        "id": p.poll.id.to_string(),
        "expires_at": p.poll.expires_at.map(iso),
        "expired": p.expired,
        "multiple": p.poll.multiple,
        "votes_count": p.votes_count,
        "voters_count": p.voters_count,
        "options": options,
        "emojis": [],
    });
    if let Some(own) = &p.own_votes {
        v["voted"] = json!(!own.is_empty() || viewer == Some(p.poll.account_id));
        v["own_votes"] = json!(own);
    }
    v
}
