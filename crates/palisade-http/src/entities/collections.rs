//! List, Conversation, ScheduledStatus, FeaturedTag, Announcement, WebPushSubscription,
//! NotificationPolicy and NotificationRequest: the smaller entities.

use palisade_core::announcements::AnnouncementView;
use palisade_core::conversations::ConversationView;
use palisade_core::model::{FeaturedTag, List};
use palisade_core::notification_requests::{PolicyView, RequestView};
use palisade_core::push::SubscriptionView;
use palisade_core::scheduled::ScheduledStatus;
use palisade_core::urls::Urls;
use serde_json::{Value, json};

use super::{account, date, iso, status};

pub fn list(l: &List) -> Value {
    json!({
        "id": l.id.to_string(),
        "title": l.title,
        "replies_policy": l.replies_policy,
        "exclusive": l.exclusive,
    })
}

pub fn conversation(
    c: &ConversationView,
    viewer: Option<i64>,
    urls: &Urls<'_>,
    expose_remote_url: bool,
) -> Value {
    json!({
        "id": c.conversation.id.to_string(),
        "unread": c.conversation.unread,
        "accounts": c.accounts.iter().map(|a| account(a, urls)).collect::<Vec<_>>(),
        "last_status": c.last_status.as_ref().map(|s| status(s, viewer, urls, expose_remote_url)),
    })
}

pub fn scheduled_status(s: &ScheduledStatus, urls: &Urls<'_>, expose_remote_url: bool) -> Value {
    let p = &s.params;
    json!({
        "id": s.id.to_string(),
        "scheduled_at": iso(s.scheduled_at),
        "params": {
            "text": p.text,
            "poll": p.poll.as_ref().map(|poll| json!({
                "options": poll.options,
                "expires_in": poll.expires_in.to_string(),
                "multiple": poll.multiple,
                "hide_totals": poll.hide_totals,
            })),
            "media_ids": if p.media_ids.is_empty() { Value::Null } else { json!(p.media_ids) },
            "sensitive": p.sensitive,
            "spoiler_text": p.spoiler_text,
            "visibility": p.visibility,
            "in_reply_to_id": p.in_reply_to_id.map(|i| i.to_string()),
            "language": p.language,
            "application_id": p.application_id.map(|i| i.to_string()),
            "scheduled_at": Value::Null,
            "idempotency": p.idempotency,
            "with_rate_limit": false,
        },
        "media_attachments": s
            .media
            .iter()
            .map(|m| super::media_attachment(m, urls, expose_remote_url))
            .collect::<Vec<_>>(),
    })
}

/// `url` is the profile's page of statuses with the tag.
pub fn featured_tag(t: &FeaturedTag, owner_url: &str) -> Value {
    json!({
        "id": t.id.to_string(),
        "name": t.name,
        "url": format!("{owner_url}/tagged/{}", t.name),
        "statuses_count": t.statuses_count.to_string(),
        "last_status_at": t.last_status_at.map(date),
    })
}

pub fn announcement(a: &AnnouncementView) -> Value {
    let row = &a.announcement;
    json!({
        "id": row.id.to_string(),
        "content": row.content_html,
        "starts_at": row.starts_at.map(iso),
        "ends_at": row.ends_at.map(iso),
        "all_day": row.all_day,
        "published": row.published_at.is_some(),
        "published_at": iso(row.published_at.unwrap_or(row.created_at)),
        "updated_at": iso(row.updated_at),
        "read": a.read,
        "mentions": [],
        "statuses": [],
        "tags": [],
        "emojis": [],
        "reactions": a.reactions.iter().map(|(name, count, me)| json!({
            "name": name, "count": count, "me": me,
        })).collect::<Vec<_>>(),
    })
}

pub fn push_subscription(s: &SubscriptionView, server_key: &str) -> Value {
    json!({
        "id": s.subscription.id.to_string(),
        "endpoint": s.subscription.endpoint,
        "standard": s.subscription.standard,
        "alerts": s.alerts,
        "policy": s.subscription.policy,
        "server_key": server_key,
    })
}

pub fn notification_policy(p: &PolicyView) -> Value {
    let pol = &p.policy;
    json!({
        "for_not_following": pol.for_not_following,
        "for_not_followers": pol.for_not_followers,
        "for_new_accounts": pol.for_new_accounts,
        "for_private_mentions": pol.for_private_mentions,
        "for_limited_accounts": pol.for_limited_accounts,
        "summary": {
            "pending_requests_count": p.pending_requests,
            "pending_notifications_count": p.pending_notifications,
        },
    })
}

/// Mastodon 4.3's v1 shape of the policy (booleans: filtered or not).
pub fn notification_policy_v1(p: &PolicyView) -> Value {
    let pol = &p.policy;
    let on = |v: &str| v != "accept";
    json!({
        "filter_not_following": on(&pol.for_not_following),
        "filter_not_followers": on(&pol.for_not_followers),
        "filter_new_accounts": on(&pol.for_new_accounts),
        "filter_private_mentions": on(&pol.for_private_mentions),
        "summary": {
            "pending_requests_count": p.pending_requests,
            "pending_notifications_count": p.pending_notifications,
        },
    })
}

pub fn notification_request(
    r: &RequestView,
    viewer: Option<i64>,
    urls: &Urls<'_>,
    expose_remote_url: bool,
) -> Value {
    json!({
        "id": r.request.id.to_string(),
        "created_at": iso(r.request.updated_at),
        "updated_at": iso(r.request.updated_at),
        "account": account(&r.account, urls),
        "notifications_count": r.request.notifications_count.to_string(),
        "last_status": r.last_status.as_ref().map(|s| status(s, viewer, urls, expose_remote_url)),
    })
}
