//! Web Push: one subscription per access token, with the notification types it wants and
//! from whom (policy). New notifications queue a delivery per subscription of their
//! recipient in the same transaction (the `push` queue); the job decides then whether to
//! send and what (`push_message`), federation encrypts and sends it.

use std::collections::BTreeMap;

use palisade_store::push::{self as store, Subscription};
use palisade_store::{Tx, ids::new_id, jobs as jobstore, now_ms, relationships};
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::jobs::Queue;
use crate::{Core, Error, Result};

/// The alert types Mastodon knows (4.3), in its order.
pub const ALERTS: &[&str] = &[
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
];

/// One Web Push message to send (the `push` queue's payload).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushJob {
    pub subscription_id: i64,
    pub notification_id: i64,
}

/// A subscription as submitted (`POST /api/v1/push/subscription`).
#[derive(Clone, Debug, Default)]
pub struct NewSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub alerts: BTreeMap<String, bool>,
    pub policy: Option<String>,
    pub standard: bool,
}

/// A subscription as its entity shows it.
#[derive(Clone, Debug)]
pub struct SubscriptionView {
    pub subscription: Subscription,
    pub alerts: BTreeMap<String, bool>,
}

/// What to send, encrypted for `p256dh`/`auth`, to `endpoint`.
#[derive(Clone, Debug)]
pub struct PushMessage {
    pub subscription_id: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    /// RFC 8291 `aes128gcm` (Mastodon's `standard`); otherwise the older `aesgcm`.
    pub standard: bool,
    /// The JSON Mastodon sends (Web::NotificationSerializer).
    pub payload: String,
}

/// The VAPID key pair (RFC 8292), base64url: the private scalar and the public point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VapidKeys {
    pub private: String,
    pub public: String,
}

fn check_policy(p: &str) -> Result<String> {
    match p {
        "all" | "followed" | "follower" | "none" => Ok(p.to_owned()),
        _ => Err(Error::field(
            "policy",
            "ERR_INCLUSION",
            "is not included in the list",
        )),
    }
}

fn alerts_json(alerts: &BTreeMap<String, bool>) -> String {
    let known: BTreeMap<&str, bool> = ALERTS
        .iter()
        .map(|a| (*a, alerts.get(*a).copied().unwrap_or(false)))
        .collect();
    serde_json::to_string(&known).unwrap_or_else(|_| "{}".into())
}

fn view(s: Subscription) -> SubscriptionView {
    let stored: BTreeMap<String, bool> = serde_json::from_str(&s.alerts).unwrap_or_default();
    let alerts = ALERTS
        .iter()
        .map(|a| ((*a).to_owned(), stored.get(*a).copied().unwrap_or(false)))
        .collect();
    SubscriptionView {
        subscription: s,
        alerts,
    }
}

fn check_key(name: &'static str, value: &str, len: usize) -> Result<String> {
    use base64::Engine;
    let v = value.trim().trim_end_matches('=');
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(v)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(v));
    match decoded {
        Ok(bytes) if bytes.len() == len => Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)),
        _ => Err(Error::field(name, "ERR_INVALID", "is invalid")),
    }
}

impl Core {
    /// Subscribes the viewer's token (replacing its earlier subscription).
    pub async fn subscribe_push(
        &self,
        viewer: &Viewer,
        raw_token: &str,
        new: NewSubscription,
    ) -> Result<SubscriptionView> {
        let account = viewer.account_id()?;
        let endpoint = new.endpoint.trim();
        let valid_url = url_ok(endpoint);
        if !valid_url {
            return Err(Error::field("endpoint", "ERR_INVALID", "is not a valid URL"));
        }
        let now = now_ms();
        let s = Subscription {
            id: new_id(),
            token_id: viewer.token.id,
            account_id: account,
            endpoint: endpoint.to_owned(),
            key_p256dh: check_key("keys.p256dh", &new.p256dh, 65)?,
            key_auth: check_key("keys.auth", &new.auth, 16)?,
            access_token: raw_token.to_owned(),
            alerts: alerts_json(&new.alerts),
            policy: check_policy(new.policy.as_deref().unwrap_or("all"))?,
            standard: new.standard,
            created_at: now,
            updated_at: now,
        };
        store::upsert(&self.db, &s).await?;
        self.push_subscription(viewer).await
    }

    pub async fn push_subscription(&self, viewer: &Viewer) -> Result<SubscriptionView> {
        store::of_token(&self.db, viewer.token.id)
            .await?
            .map(view)
            .ok_or_else(|| Error::NotFound("Record not found".into()))
    }

    /// Changes alerts (those given; the others keep their value) and the policy.
    pub async fn update_push(
        &self,
        viewer: &Viewer,
        alerts: BTreeMap<String, bool>,
        policy: Option<String>,
    ) -> Result<SubscriptionView> {
        let current = self.push_subscription(viewer).await?;
        let mut merged = current.alerts;
        merged.extend(alerts);
        let policy = match policy {
            Some(p) => check_policy(&p)?,
            None => current.subscription.policy,
        };
        store::update_data(
            &self.db,
            viewer.token.id,
            &alerts_json(&merged),
            &policy,
            now_ms(),
        )
        .await?;
        self.push_subscription(viewer).await
    }

    pub async fn unsubscribe_push(&self, viewer: &Viewer) -> Result<()> {
        store::delete_of_token(&self.db, viewer.token.id).await?;
        Ok(())
    }

    /// Queues a Web Push delivery for every subscription of the new notifications'
    /// recipients (whether to send is decided when the job runs).
    pub(crate) async fn queue_pushes(
        &self,
        tx: &mut Tx,
        created: &[(i64, i64)],
        subs: &[(i64, i64)],
    ) -> Result<()> {
        if subs.is_empty() {
            return Ok(());
        }
        let now = now_ms();
        let mut jobs = Vec::new();
        for (notification_id, account) in created {
            for (subscription_id, owner) in subs {
                if owner == account {
                    let job = PushJob {
                        subscription_id: *subscription_id,
                        notification_id: *notification_id,
                    };
                    jobs.push(jobstore::NewJob {
                        queue: Queue::Push.name(),
                        payload: serde_json::to_string(&job).map_err(|e| Error::Internal(e.to_string()))?,
                        host: None,
                        ordering_key: None,
                        run_at: now,
                    });
                }
            }
        }
        jobstore::enqueue(&mut *tx, &jobs).await?;
        Ok(())
    }

    /// The message a push job sends, or `None` when there is nothing to send (the
    /// subscription or notification is gone, the alert is off, the policy excludes the
    /// sender).
    pub async fn push_message(&self, job: &PushJob) -> Result<Option<PushMessage>> {
        let Some(sub) = store::get(&self.db, job.subscription_id).await? else {
            return Ok(None);
        };
        let Some(n) = palisade_store::notifications::by_ids(&self.db, &[job.notification_id])
            .await?
            .pop()
            .filter(|n| n.account_id == sub.account_id)
        else {
            return Ok(None);
        };
        let sub = view(sub);
        if !sub.alerts.get(&n.kind).copied().unwrap_or(false) {
            return Ok(None);
        }
        let (owner, sender) = (sub.subscription.account_id, n.from_account_id);
        let allowed = match sub.subscription.policy.as_str() {
            "all" => true,
            "none" => false,
            "followed" => !relationships::following_among(&self.db, owner, &[sender])
                .await?
                .is_empty(),
            _ => !relationships::following_among(&self.db, sender, &[owner])
                .await?
                .is_empty(),
        };
        if !allowed {
            return Ok(None);
        }
        let owner_account = self.account(owner).await?;
        let Some(view) = self
            .notification_views(Some(&owner_account), std::slice::from_ref(&n))
            .await?
            .pop()
        else {
            return Ok(None);
        };
        let name = if view.account.display_name.trim().is_empty() {
            view.account.username.clone()
        } else {
            view.account.display_name.clone()
        };
        let title = match n.kind.as_str() {
            "mention" => format!("You were mentioned by {name}"),
            "status" => format!("{name} just posted"),
            "reblog" => format!("{name} boosted your post"),
            "follow" => format!("{name} is now following you"),
            "follow_request" => format!("Pending follower: {name}"),
            "favourite" => format!("{name} favorited your post"),
            "poll" => "A poll has ended".to_owned(),
            "update" => format!("{name} edited a post"),
            "admin.sign_up" => format!("{name} signed up"),
            "admin.report" => format!("New report for {}", self.settings.domain),
            other => format!("{name}: {other}"),
        };
        let body_html = match &view.status {
            Some(s) => s.status.content_html.clone(),
            None => view.account.note_html.clone(),
        };
        let body: String = crate::content::html_to_text(&body_html)
            .chars()
            .take(140)
            .collect();
        let icon = view
            .account
            .avatar_url
            .clone()
            .unwrap_or_else(|| format!("{}/avatars/original/missing.png", self.settings.public_url));
        let locale = self
            .user_of_account(owner)
            .await?
            .map(|u| u.locale)
            .unwrap_or_else(|| "en".into());
        let payload = serde_json::json!({
            "access_token": sub.subscription.access_token,
            "preferred_locale": locale,
            "notification_id": n.id.to_string(),
            "notification_type": n.kind,
            "icon": icon,
            "title": title,
            "body": body,
        });
        Ok(Some(PushMessage {
            subscription_id: sub.subscription.id,
            endpoint: sub.subscription.endpoint,
            p256dh: sub.subscription.key_p256dh,
            auth: sub.subscription.key_auth,
            standard: sub.subscription.standard,
            payload: payload.to_string(),
        }))
    }

    /// A push service said the subscription is gone (404, 410).
    pub async fn drop_push_subscription(&self, id: i64) -> Result<()> {
        store::delete(&self.db, id).await?;
        Ok(())
    }

    /// The VAPID keys, if generated (`None` before the first start finished).
    pub async fn vapid_keys(&self) -> Result<Option<VapidKeys>> {
        if let Some(k) = self.vapid.get() {
            return Ok(Some(k.clone()));
        }
        let private = store::secret(&self.db, "vapid_private_key").await?;
        let public = store::secret(&self.db, "vapid_public_key").await?;
        Ok(match (private, public) {
            (Some(private), Some(public)) => {
                let keys = VapidKeys { private, public };
                let _ = self.vapid.set(keys.clone());
                Some(keys)
            }
            _ => None,
        })
    }

    /// Keeps a newly generated key pair unless one exists (another process was first);
    /// returns the pair in force.
    pub async fn install_vapid_keys(&self, keys: VapidKeys) -> Result<VapidKeys> {
        if let Some(existing) = self.vapid_keys().await? {
            return Ok(existing);
        }
        let mut tx = self.db.begin().await?;
        let private = store::keep_secret(&mut tx, "vapid_private_key", &keys.private, now_ms()).await?;
        let public = if private == keys.private {
            store::keep_secret(&mut tx, "vapid_public_key", &keys.public, now_ms()).await?
        } else {
            store::secret(&mut tx, "vapid_public_key")
                .await?
                .unwrap_or_default()
        };
        tx.commit().await?;
        let pair = VapidKeys { private, public };
        let _ = self.vapid.set(pair.clone());
        Ok(pair)
    }

    /// The public VAPID key clients subscribe with (empty until generated).
    pub fn vapid_public_key(&self) -> String {
        self.vapid.get().map(|k| k.public.clone()).unwrap_or_default()
    }
}

/// An `https://` (or, for tests on loopback, `http://`) URL with a host.
fn url_ok(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !host.contains(char::is_whitespace)
    })
}
