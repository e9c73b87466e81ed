use serde::Serialize;

use super::{Account, Status, iso};

#[derive(Serialize)]
pub struct Notification {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: String,
    pub group_key: String,
    pub account: Account,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// For `severed_relationships`: the RelationshipSeveranceEvent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<serde_json::Value>,
}

pub fn notification(
    n: &palisade_core::model::Notification,
    account: Account,
    status: Option<Status>,
) -> Notification {
    Notification {
        id: n.id.to_string(),
        kind: n.kind.clone(),
        created_at: iso(n.created_at),
        group_key: n.group(),
        account,
        status,
        event: None,
    }
}

/// A notification from its core view, for `owner`.
pub fn notification_of(
    v: &palisade_core::notifications::NotificationView,
    urls: &palisade_core::urls::Urls<'_>,
    expose_remote_url: bool,
) -> Notification {
    let owner = Some(v.notification.account_id);
    let mut n = notification(
        &v.notification,
        super::account(&v.account, urls),
        v.status
            .as_ref()
            .map(|s| super::status(s, owner, urls, expose_remote_url)),
    );
    n.event = v.severance.as_ref().map(crate::mastodon::severance_json);
    n
}
