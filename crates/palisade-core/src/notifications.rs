//! Notifications: created inside the transaction of what caused them, read in pages.

use palisade_store::accounts::{self, Account};
use palisade_store::notifications::{self, Filter, Notification};
use palisade_store::statuses::Status;
use palisade_store::{Exec, Page, PageQuery, Tx, ids::new_id, now_ms};

use crate::auth::Viewer;
use crate::policy::{Boundary, Decision};
use crate::{Core, Error, Result};

/// Every notification type Mastodon defines (filters accept them all).
pub const TYPES: &[&str] = &[
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "admin.sign_up",
    "admin.report",
    "severed_relationships",
    "moderation_warning",
];

/// Who gets a notification, decided before it is written (see
/// [`Core::plan_notifications`]).
#[derive(Clone)]
pub(crate) struct NotifyPlan {
    from: i64,
    kind: String,
    accepted: Vec<i64>,
    filtered: Vec<i64>,
    followers_only: bool,
    /// The accepted recipients' Web Push subscriptions (id, owner).
    pushes: Vec<(i64, i64)>,
}

/// Recipients sorted by their notification policies.
struct Sorted {
    accepted: Vec<i64>,
    filtered: Vec<i64>,
    /// Some accepted recipient has a Web Push subscription (true when not looked at).
    any_subscribed: bool,
}

impl Core {
    /// Notifies local account `to` that `from` did `kind` (see [`Core::notify_many`]).
    pub(crate) async fn notify(
        &self,
        tx: &mut Tx,
        to: i64,
        from: i64,
        kind: &str,
        status_id: Option<i64>,
    ) -> Result<()> {
        self.notify_many(tx, &[to], from, kind, status_id).await
    }

    /// Notifies local accounts `recipients` that `from` did `kind`, in one statement
    /// whatever their number (see [`Core::plan_notifications`] for who gets it).
    pub(crate) async fn notify_many(
        &self,
        tx: &mut Tx,
        recipients: &[i64],
        from: i64,
        kind: &str,
        status_id: Option<i64>,
    ) -> Result<()> {
        if recipients.is_empty() {
            return Ok(());
        }
        let Some(sender) = accounts::by_id(&mut *tx, from).await? else {
            return Ok(());
        };
        let about = match (kind, status_id) {
            ("mention", Some(id)) => palisade_store::statuses::by_id(&mut *tx, id).await?,
            _ => None,
        };
        let plan = self
            .plan_notifications(&mut *tx, recipients, &sender, kind, about.as_ref())
            .await?;
        self.write_notifications(tx, plan, status_id).await
    }

    /// Who gets a notification that `sender` did `kind` (reads only, so that a caller may
    /// run them before its write transaction). The instance policy decides for the
    /// sender's domain (nothing from a suspended one; from a silenced one only to its
    /// followers, follow requests excepted); the recipients' notification policies sort
    /// them into accepted and filtered; `about` is the status of a mention. Each
    /// recipient's own choices (blocks, mutes, their domain blocks by the policy's own
    /// matching rule, muted threads) are applied by the store when the rows are written.
    pub(crate) async fn plan_notifications<'a>(
        &self,
        ex: impl Into<Exec<'a>>,
        recipients: &[i64],
        sender: &Account,
        kind: &str,
        about: Option<&Status>,
    ) -> Result<Option<NotifyPlan>> {
        let mut ex = ex.into();
        if recipients.is_empty() {
            return Ok(None);
        }
        let followers_only = match self
            .policies()
            .await?
            .decide(Boundary::Notification, sender.domain.as_deref())
        {
            Decision::Refuse => return Ok(None),
            // A follow request from a silenced domain is exactly what the member must see.
            Decision::FollowersOnly => kind != "follow_request",
            _ => false,
        };
        let sorted = self
            .sort_by_policy(ex.reborrow(), recipients, sender, kind, about)
            .await?;
        let (accepted, filtered) = (sorted.accepted, sorted.filtered);
        let pushes = match accepted.is_empty() || !sorted.any_subscribed {
            true => Vec::new(),
            false => palisade_store::push::of_accounts(ex.reborrow(), &accepted).await?,
        };
        Ok(Some(NotifyPlan {
            from: sender.id,
            kind: kind.to_owned(),
            accepted,
            filtered,
            followers_only,
            pushes,
        }))
    }

    /// Writes what [`Core::plan_notifications`] decided, about `status_id`.
    pub(crate) async fn write_notifications(
        &self,
        tx: &mut Tx,
        plan: Option<NotifyPlan>,
        status_id: Option<i64>,
    ) -> Result<()> {
        let Some(plan) = plan else {
            return Ok(());
        };
        let created_at = now_ms();
        let group = group_key(&plan.kind, status_id, created_at);
        for (list, filter) in [(&plan.accepted, false), (&plan.filtered, true)] {
            if list.is_empty() {
                continue;
            }
            let written = notifications::insert_for(
                &mut *tx,
                list,
                plan.from,
                &plan.kind,
                status_id,
                group.as_deref(),
                created_at,
                plan.followers_only,
                filter,
            )
            .await?;
            if filter {
                let held: Vec<i64> = written.iter().map(|(_, a)| *a).collect();
                palisade_store::notification_requests::file(&mut *tx, &held, plan.from, status_id).await?;
            } else {
                self.announce_notified(tx, &written, &plan.pushes).await?;
            }
        }
        Ok(())
    }

    /// What the recipients' notification policies (Mastodon 4.3) make of a notification
    /// from `sender`: those who accept it, and those who hold it as a request; those who
    /// drop it are left out.
    async fn sort_by_policy(
        &self,
        mut ex: Exec<'_>,
        recipients: &[i64],
        sender: &Account,
        kind: &str,
        about: Option<&Status>,
    ) -> Result<Sorted> {
        use palisade_store::notification_requests as requests;
        if !matches!(
            kind,
            "mention" | "reblog" | "follow" | "follow_request" | "favourite"
        ) {
            return Ok(Sorted {
                accepted: recipients.to_vec(),
                filtered: Vec::new(),
                any_subscribed: true,
            });
        }
        let standings = requests::standing_among(ex.reborrow(), sender.id, recipients).await?;
        let status = about.filter(|_| kind == "mention");
        let new_account = sender.created_at > now_ms() - 30 * 86_400_000;
        let (mut accepted, mut filtered) = (Vec::new(), Vec::new());
        for r in recipients {
            let Some(standing) = standings.iter().find(|s| s.policy.account_id == *r) else {
                continue; // no such account
            };
            let r = *r;
            if r == sender.id || standing.permitted {
                accepted.push(r);
                continue;
            }
            let p = &standing.policy;
            let not_following = !standing.follows_sender;
            let private_mention = status.is_some_and(|s| {
                s.visibility == palisade_store::Visibility::Direct && s.in_reply_to_account_id != Some(r)
            });
            let applicable = [
                (not_following, &p.for_not_following),
                (!standing.followed_by_sender, &p.for_not_followers),
                (new_account, &p.for_new_accounts),
                (private_mention && not_following, &p.for_private_mentions),
                (
                    sender.silenced_at.is_some() && not_following,
                    &p.for_limited_accounts,
                ),
            ];
            let says = |what: &str| {
                applicable
                    .iter()
                    .any(|(applies, v)| *applies && v.as_str() == what)
            };
            if says("drop") {
                continue;
            }
            if says("filter") {
                filtered.push(r);
            } else {
                accepted.push(r);
            }
        }
        let any_subscribed = standings
            .iter()
            .any(|s| s.subscribed && accepted.contains(&s.policy.account_id));
        Ok(Sorted {
            accepted,
            filtered,
            any_subscribed,
        })
    }

    /// What follows new notifications in their transaction: the live event for streams,
    /// and Web Push deliveries for the recipients who subscribed.
    pub(crate) async fn after_notified(&self, tx: &mut Tx, created: &[(i64, i64)]) -> Result<()> {
        let mut owners: Vec<i64> = created.iter().map(|(_, a)| *a).collect();
        owners.sort_unstable();
        owners.dedup();
        let subscriptions = match created.is_empty() {
            true => Vec::new(),
            false => palisade_store::push::of_accounts(&mut *tx, &owners).await?,
        };
        self.announce_notified(tx, created, &subscriptions).await
    }

    /// The live event of new notifications, and Web Push deliveries to `subscriptions`
    /// (id, owner) whose owner got one.
    async fn announce_notified(
        &self,
        tx: &mut Tx,
        created: &[(i64, i64)],
        subscriptions: &[(i64, i64)],
    ) -> Result<()> {
        if created.is_empty() {
            return Ok(());
        }
        self.live(
            tx,
            crate::live::LiveEvent::Notified {
                ids: created.iter().map(|(id, _)| *id).collect(),
            },
        );
        self.queue_pushes(tx, created, subscriptions).await
    }
}

/// Tells a member that an event (their domain block, an instance suspension) severed some
/// of their follows: a `severed_relationships` notification (from themselves, as there is no
/// one account to name).
pub(crate) async fn notify_severed(core: &Core, tx: &mut Tx, to: i64, event_id: i64) -> Result<()> {
    let id = new_id();
    notifications::insert(
        &mut *tx,
        &Notification {
            id,
            account_id: to,
            from_account_id: to,
            kind: "severed_relationships".into(),
            status_id: None,
            created_at: now_ms(),
            group_key: None,
            event_id: Some(event_id),
        },
    )
    .await?;
    core.after_notified(tx, &[(id, to)]).await
}

/// Favourites and boosts of one status, and follows, group per day (Mastodon 4.3's
/// grouped notifications); every other notification stands alone.
fn group_key(kind: &str, status_id: Option<i64>, created_at: i64) -> Option<String> {
    let day = created_at / 86_400_000;
    match (kind, status_id) {
        ("favourite" | "reblog", Some(s)) => Some(format!("{kind}-{s}-{day}")),
        ("follow", _) => Some(format!("follow-{day}")),
        _ => None,
    }
}

/// A page of notification groups, in the order of their newest notification.
pub struct GroupPage {
    pub groups: Vec<Group>,
    pub next_max_id: Option<i64>,
    pub prev_min_id: Option<i64>,
    pub raw_len: usize,
}

#[derive(Clone)]
pub struct Group {
    pub key: String,
    /// The group's notifications within the page, newest first.
    pub notifications: Vec<Notification>,
    /// All notifications of the group, also outside the page.
    pub count: i64,
    /// Up to eight accounts, most recent first.
    pub sample_account_ids: Vec<i64>,
}

impl Core {
    /// `/api/v2/notifications`: a page of notifications folded into groups.
    pub async fn grouped_notifications(
        &self,
        viewer: &Viewer,
        filter: &Filter,
        page: &PageQuery,
    ) -> Result<GroupPage> {
        let account = viewer.account_id()?;
        let rows = notifications::page(&self.db, account, filter, page).await?;
        let keys = rows.keys();
        let raw_len = keys.len();
        let mut groups: Vec<Group> = Vec::new();
        for (_, n) in rows.items {
            let key = n.group();
            match groups.iter_mut().find(|g| g.key == key) {
                Some(g) => g.notifications.push(n),
                None => groups.push(Group {
                    key,
                    notifications: vec![n],
                    count: 1,
                    sample_account_ids: Vec::new(),
                }),
            }
        }
        let stored: Vec<String> = groups
            .iter()
            .filter(|g| !g.key.starts_with("ungrouped-"))
            .map(|g| g.key.clone())
            .collect();
        let counts = notifications::group_counts(&self.db, account, &stored).await?;
        for g in &mut groups {
            if let Some((_, n)) = counts.iter().find(|(k, _)| *k == g.key) {
                g.count = *n;
            }
            for n in &g.notifications {
                if g.sample_account_ids.len() < 8 && !g.sample_account_ids.contains(&n.from_account_id) {
                    g.sample_account_ids.push(n.from_account_id);
                }
            }
        }
        Ok(GroupPage {
            groups,
            next_max_id: keys.last().copied(),
            prev_min_id: keys.first().copied(),
            raw_len,
        })
    }

    /// One group with its most recent notifications.
    pub async fn notification_group(&self, viewer: &Viewer, key: &str) -> Result<Group> {
        let account = viewer.account_id()?;
        let notifications = notifications::in_group(&self.db, account, key, 80).await?;
        if notifications.is_empty() {
            return Err(Error::not_found());
        }
        let mut sample = Vec::new();
        for n in &notifications {
            if !sample.contains(&n.from_account_id) {
                sample.push(n.from_account_id);
            }
        }
        Ok(Group {
            key: key.to_owned(),
            count: notifications.len() as i64,
            sample_account_ids: sample,
            notifications,
        })
    }

    pub async fn dismiss_notification_group(&self, viewer: &Viewer, key: &str) -> Result<()> {
        if notifications::dismiss_group(&self.db, viewer.account_id()?, key).await? {
            Ok(())
        } else {
            Err(Error::not_found())
        }
    }

    pub async fn notifications(
        &self,
        viewer: &Viewer,
        filter: &Filter,
        page: &PageQuery,
    ) -> Result<Page<Notification>> {
        let account = viewer.account_id()?;
        Ok(notifications::page(&self.db, account, filter, page).await?)
    }

    pub async fn notification(&self, viewer: &Viewer, id: i64) -> Result<Notification> {
        notifications::get(&self.db, viewer.account_id()?, id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn dismiss_notification(&self, viewer: &Viewer, id: i64) -> Result<()> {
        if notifications::dismiss(&self.db, viewer.account_id()?, id).await? {
            Ok(())
        } else {
            Err(Error::not_found())
        }
    }

    pub async fn clear_notifications(&self, viewer: &Viewer) -> Result<()> {
        Ok(notifications::clear(&self.db, viewer.account_id()?).await?)
    }

    /// Unread notifications (after the notifications marker), capped as Mastodon caps it.
    pub async fn unread_notifications(&self, viewer: &Viewer, limit: i64) -> Result<i64> {
        let account = viewer.account_id()?;
        let markers = palisade_store::markers::get(&self.db, account).await?;
        let since = markers
            .iter()
            .find(|m| m.timeline == "notifications")
            .map_or(0, |m| m.last_read_id);
        Ok(notifications::count_after(&self.db, account, since, limit).await?)
    }
}

/// A notification with what its entity shows: who, about which status, which severance.
#[derive(Clone, Debug)]
pub struct NotificationView {
    pub notification: Notification,
    pub account: palisade_store::accounts::Account,
    pub status: Option<crate::views::StatusView>,
    pub severance: Option<palisade_store::severances::MemberSeverance>,
}

impl Core {
    /// Views of notifications for their owner, in a constant number of queries (plus one
    /// per severance notice). Left out: those from accounts that cannot be shown, about
    /// statuses the owner can no longer see, or hidden by the owner's filters.
    pub async fn notification_views(
        &self,
        owner: Option<&palisade_store::accounts::Account>,
        list: &[Notification],
    ) -> Result<Vec<NotificationView>> {
        use std::collections::HashMap;
        let account_ids: Vec<i64> = list.iter().map(|n| n.from_account_id).collect();
        let accounts: HashMap<i64, _> = self
            .account_views(&account_ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let status_ids: Vec<i64> = list.iter().filter_map(|n| n.status_id).collect();
        let opts = crate::views::ViewOptions {
            filter: Some(crate::filters::FilterContext::Notifications),
            ..Default::default()
        };
        let statuses: HashMap<i64, _> = self
            .status_views(owner, &status_ids, opts)
            .await?
            .into_iter()
            .map(|v| (v.status.id, v))
            .collect();
        let mut out = Vec::with_capacity(list.len());
        for n in list {
            let Some(account) = accounts.get(&n.from_account_id) else {
                continue;
            };
            let status = match n.status_id {
                Some(id) => match statuses.get(&id) {
                    Some(v) => Some(v.clone()),
                    None => continue,
                },
                None => None,
            };
            let severance = match n.event_id {
                Some(e) => self.severance_of(n.account_id, e).await?,
                None => None,
            };
            out.push(NotificationView {
                notification: n.clone(),
                account: account.clone(),
                status,
                severance,
            });
        }
        Ok(out)
    }
}
