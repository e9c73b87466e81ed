//! From a live event to what each subscriber receives. A status goes where its timeline
//! would show it (the home feed and list timelines as materialised, public and hashtag
//! timelines by their rules) and is rendered for each subscriber by `status_views`, with
//! their blocks, mutes, domain blocks, the instance policy and their filters: nothing
//! reaches a stream that the timeline would hide.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use palisade_store::accounts::Account;
use palisade_store::feeds::{self, Origin};
use palisade_store::{Visibility, relationships, statuses, tags};

use super::{Outcome, Stream, account_of};
use crate::Core;
use crate::announcements::AnnouncementView;
use crate::conversations::ConversationView;
use crate::filters::FilterContext;
use crate::live::LiveEvent;
use crate::notifications::NotificationView;
use crate::views::{StatusView, ViewOptions};

/// One subscription of one connection.
#[derive(Clone, Debug)]
pub struct Subscriber {
    /// The connection's own key for this subscription.
    pub key: u64,
    pub account: Option<Account>,
    /// The token may read notifications (they ride on `user` only then).
    pub notifications: bool,
    pub stream: Stream,
}

/// What a subscriber receives: Mastodon's event and its payload's content. Messages are
/// shared (`Arc`) between the subscribers they go to, so the variants are not boxed.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum LiveMessage {
    Update(StatusView),
    StatusUpdate(StatusView),
    Delete(i64),
    Notification(NotificationView),
    Conversation(ConversationView),
    FiltersChanged,
    NotificationsMerged,
    Announcement(AnnouncementView),
    AnnouncementReaction { id: i64, name: String, count: i64 },
    AnnouncementDelete(i64),
}

impl LiveMessage {
    /// Mastodon's event name.
    pub fn event(&self) -> &'static str {
        match self {
            LiveMessage::Update(_) => "update",
            LiveMessage::StatusUpdate(_) => "status.update",
            LiveMessage::Delete(_) => "delete",
            LiveMessage::Notification(_) => "notification",
            LiveMessage::Conversation(_) => "conversation",
            LiveMessage::FiltersChanged => "filters_changed",
            LiveMessage::NotificationsMerged => "notifications_merged",
            LiveMessage::Announcement(_) => "announcement",
            LiveMessage::AnnouncementReaction { .. } => "announcement.reaction",
            LiveMessage::AnnouncementDelete(_) => "announcement.delete",
        }
    }
}

/// A message for one subscription; `viewer` is whom it was rendered for.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub key: u64,
    pub viewer: Option<i64>,
    pub message: Arc<LiveMessage>,
}

fn deliver(out: &mut Vec<Delivery>, s: &Subscriber, message: &Arc<LiveMessage>) {
    out.push(Delivery {
        key: s.key,
        viewer: s.account.as_ref().map(|a| a.id),
        message: message.clone(),
    });
}

/// The signed-in accounts among `subs` that match `pick`, once each.
fn accounts_where(subs: &[Subscriber], pick: impl Fn(&Subscriber) -> bool) -> Vec<i64> {
    let set: HashSet<i64> = subs
        .iter()
        .filter(|s| pick(s))
        .filter_map(|s| account_of(s).map(|a| a.id))
        .collect();
    set.into_iter().collect()
}

fn origin_matches(origin: Origin, local: bool) -> bool {
    match origin {
        Origin::All => true,
        Origin::Local => local,
        Origin::Remote => !local,
    }
}

impl Core {
    /// What each of `subs` receives for `event` (nothing at all for most).
    pub async fn live_deliveries(&self, event: &LiveEvent, subs: &[Subscriber]) -> Outcome {
        if subs.is_empty() {
            return Ok(Vec::new());
        }
        match event {
            LiveEvent::StatusCreated { id } => self.status_deliveries(*id, subs, false).await,
            LiveEvent::StatusEdited { id } => self.status_deliveries(*id, subs, true).await,
            LiveEvent::StatusDeleted {
                id,
                author,
                visibility,
                local,
                boost,
                tags,
                mentioned,
            } => {
                let open = *visibility == Visibility::Public && !boost;
                let candidates = accounts_where(subs, |s| matches!(s.stream, Stream::User | Stream::List(_)));
                let followers: HashSet<i64> = relationships::followers_among(&self.db, *author, &candidates)
                    .await?
                    .into_iter()
                    .collect();
                let message = Arc::new(LiveMessage::Delete(*id));
                let mut out = Vec::new();
                for s in subs {
                    let me = account_of(s).map(|a| a.id);
                    let shown = match &s.stream {
                        Stream::User => me.is_some_and(|m| {
                            m == *author || followers.contains(&m) || mentioned.contains(&m)
                        }),
                        Stream::List(_) => me.is_some_and(|m| followers.contains(&m)),
                        Stream::Public { origin, .. } => open && origin_matches(*origin, *local),
                        Stream::Hashtag {
                            tag,
                            local: only_local,
                        } => open && (!only_local || *local) && tags.iter().any(|t| t.to_lowercase() == *tag),
                        _ => false,
                    };
                    if shown {
                        deliver(&mut out, s, &message);
                    }
                }
                Ok(out)
            }
            LiveEvent::Notified { ids } => self.notification_deliveries(ids, subs).await,
            LiveEvent::Conversations { ids } => {
                let mut out = Vec::new();
                for c in self.conversations_by_ids(ids).await? {
                    let targets: Vec<&Subscriber> = subs
                        .iter()
                        .filter(|s| {
                            s.stream == Stream::Direct && account_of(s).is_some_and(|a| a.id == c.account_id)
                        })
                        .collect();
                    let Some(owner) = targets.first().and_then(|s| account_of(s)) else {
                        continue;
                    };
                    let Some(view) = self.conversation_views(owner, vec![c.clone()]).await?.pop() else {
                        continue;
                    };
                    if view.last_status.is_none() {
                        continue;
                    }
                    let message = Arc::new(LiveMessage::Conversation(view));
                    for s in targets {
                        deliver(&mut out, s, &message);
                    }
                }
                Ok(out)
            }
            LiveEvent::FiltersChanged { account } => {
                Ok(self.to_account(subs, *account, false, LiveMessage::FiltersChanged))
            }
            LiveEvent::NotificationsMerged { account } => {
                Ok(self.to_account(subs, *account, true, LiveMessage::NotificationsMerged))
            }
            LiveEvent::Announcement { id } => {
                let Ok(a) = self.published_announcement(*id).await else {
                    return Ok(Vec::new());
                };
                let mut out = Vec::new();
                let mut cache: HashMap<i64, Arc<LiveMessage>> = HashMap::new();
                for s in subs.iter().filter(|s| s.stream == Stream::User) {
                    let Some(me) = account_of(s).map(|a| a.id) else {
                        continue;
                    };
                    if let Entry::Vacant(slot) = cache.entry(me) {
                        let Some(view) = self.announcement_views(Some(me), vec![a.clone()]).await?.pop()
                        else {
                            continue;
                        };
                        slot.insert(Arc::new(LiveMessage::Announcement(view)));
                    }
                    if let Some(m) = cache.get(&me) {
                        deliver(&mut out, s, m);
                    }
                }
                Ok(out)
            }
            LiveEvent::AnnouncementReaction { id, name } => {
                let count = self.reaction_count(*id, name).await?;
                let message = Arc::new(LiveMessage::AnnouncementReaction {
                    id: *id,
                    name: name.clone(),
                    count,
                });
                Ok(self.to_users(subs, &message))
            }
            LiveEvent::AnnouncementDeleted { id } => {
                Ok(self.to_users(subs, &Arc::new(LiveMessage::AnnouncementDelete(*id))))
            }
            LiveEvent::TokenRevoked { .. } => Ok(Vec::new()),
        }
    }

    /// `update` or `status.update` for a stored status: home and list timelines that hold
    /// it, public and hashtag timelines whose rules take it.
    async fn status_deliveries(&self, id: i64, subs: &[Subscriber], edited: bool) -> Outcome {
        let Some(status) = statuses::by_id(&self.db, id).await? else {
            return Ok(Vec::new());
        };
        let homes: HashSet<i64> = {
            let candidates = accounts_where(subs, |s| s.stream == Stream::User);
            feeds::holders(&self.db, id, &candidates)
                .await?
                .into_iter()
                .collect()
        };
        let lists: HashSet<i64> = {
            let ids: Vec<i64> = subs
                .iter()
                .filter_map(|s| match s.stream {
                    Stream::List(l) => Some(l),
                    _ => None,
                })
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            palisade_store::lists::holding_status(&self.db, id, &ids)
                .await?
                .into_iter()
                .collect()
        };
        let open = status.visibility == Visibility::Public && status.reblog_of_id.is_none();
        let wants_tags = open && subs.iter().any(|s| matches!(s.stream, Stream::Hashtag { .. }));
        let tag_names: Vec<String> = if wants_tags {
            tags::of_statuses(&self.db, &[id])
                .await?
                .into_iter()
                .map(|(_, t)| t.name.to_lowercase())
                .collect()
        } else {
            Vec::new()
        };
        let wants_media = open
            && subs
                .iter()
                .any(|s| matches!(s.stream, Stream::Public { only_media: true, .. }));
        let has_media = wants_media
            && !palisade_store::media::of_statuses(&self.db, &[id])
                .await?
                .is_empty();
        let mut views: HashMap<(Option<i64>, bool), Option<Arc<LiveMessage>>> = HashMap::new();
        let mut out = Vec::new();
        for s in subs {
            let me = account_of(s).map(|a| a.id);
            let context = match &s.stream {
                Stream::User if me.is_some_and(|m| homes.contains(&m)) => FilterContext::Home,
                Stream::List(l) if lists.contains(l) => FilterContext::Home,
                Stream::Public { origin, only_media }
                    if open && origin_matches(*origin, status.local) && (!only_media || has_media) =>
                {
                    FilterContext::Public
                }
                Stream::Hashtag { tag, local }
                    if open && (!local || status.local) && tag_names.contains(tag) =>
                {
                    FilterContext::Public
                }
                _ => continue,
            };
            let key = (me, context == FilterContext::Home);
            if let Entry::Vacant(slot) = views.entry(key) {
                let opts = ViewOptions {
                    hide_blocked_and_muted: true,
                    filter: Some(context),
                    keep_hidden: false,
                };
                let view = self.status_views(account_of(s), &[id], opts).await?.pop();
                let message = view.map(|v| {
                    Arc::new(if edited {
                        LiveMessage::StatusUpdate(v)
                    } else {
                        LiveMessage::Update(v)
                    })
                });
                slot.insert(message);
            }
            if let Some(Some(m)) = views.get(&key) {
                deliver(&mut out, s, m);
            }
        }
        Ok(out)
    }

    /// `notification` to their owners' `user` streams (tokens that may read them) and
    /// `user:notification` streams, each rendered for its owner.
    async fn notification_deliveries(&self, ids: &[i64], subs: &[Subscriber]) -> Outcome {
        let wanted = |s: &Subscriber| match s.stream {
            Stream::User => s.notifications,
            Stream::UserNotification => true,
            _ => false,
        };
        let owners: HashSet<i64> = accounts_where(subs, wanted).into_iter().collect();
        if owners.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<_> = palisade_store::notifications::by_ids(&self.db, ids)
            .await?
            .into_iter()
            .filter(|n| owners.contains(&n.account_id))
            .collect();
        let mut out = Vec::new();
        for n in list {
            let targets: Vec<&Subscriber> = subs
                .iter()
                .filter(|s| wanted(s) && account_of(s).is_some_and(|a| a.id == n.account_id))
                .collect();
            let owner = targets.first().and_then(|s| account_of(s));
            let Some(view) = self.notification_views(owner, &[n]).await?.pop() else {
                continue;
            };
            let message = Arc::new(LiveMessage::Notification(view));
            for s in targets {
                deliver(&mut out, s, &message);
            }
        }
        Ok(out)
    }

    /// One message to an account's `user` streams (and `user:notification` with
    /// `notification_streams`).
    fn to_account(
        &self,
        subs: &[Subscriber],
        account: i64,
        notification_streams: bool,
        m: LiveMessage,
    ) -> Vec<Delivery> {
        let message = Arc::new(m);
        let mut out = Vec::new();
        for s in subs {
            let stream_ok =
                s.stream == Stream::User || (notification_streams && s.stream == Stream::UserNotification);
            if stream_ok && account_of(s).is_some_and(|a| a.id == account) {
                deliver(&mut out, s, &message);
            }
        }
        out
    }

    /// One message to every signed-in `user` stream.
    fn to_users(&self, subs: &[Subscriber], message: &Arc<LiveMessage>) -> Vec<Delivery> {
        let mut out = Vec::new();
        for s in subs
            .iter()
            .filter(|s| s.stream == Stream::User && s.account.is_some())
        {
            deliver(&mut out, s, message);
        }
        out
    }
}
