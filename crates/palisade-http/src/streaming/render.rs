//! A live message as Mastodon's streaming server writes it: the payload is the REST entity
//! (JSON) for the viewer it was made for, a bare id for deletions, nothing for the events
//! that carry none.

use palisade_core::Core;
use palisade_core::streaming::LiveMessage;
use serde_json::json;

use crate::entities;

pub(super) fn payload(core: &Core, m: &LiveMessage, viewer: Option<i64>) -> Option<String> {
    let urls = core.urls();
    let expose = core.settings.media.expose_remote_url;
    let json = |v: serde_json::Value| Some(v.to_string());
    match m {
        LiveMessage::Update(s) | LiveMessage::StatusUpdate(s) => {
            serde_json::to_string(&entities::status(s, viewer, &urls, expose)).ok()
        }
        LiveMessage::Delete(id) | LiveMessage::AnnouncementDelete(id) => Some(id.to_string()),
        LiveMessage::Notification(n) => {
            serde_json::to_string(&entities::notification_of(n, &urls, expose)).ok()
        }
        LiveMessage::Conversation(c) => json(entities::conversation(c, viewer, &urls, expose)),
        LiveMessage::Announcement(a) => json(entities::announcement(a)),
        LiveMessage::AnnouncementReaction { id, name, count } => json(json!({
            "name": name,
            "count": count,
            "announcement_id": id.to_string(),
        })),
        LiveMessage::NotificationsMerged => Some("1".into()),
        LiveMessage::FiltersChanged => None,
    }
}
