//! Web Push subscriptions (one per access token) and the instance's secrets (the VAPID key).

use crate::Result;
use crate::db::{Exec, Row, placeholders, q};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub token_id: i64,
    pub account_id: i64,
    pub endpoint: String,
    pub key_p256dh: String,
    pub key_auth: String,
    /// The subscribing token (the push payload carries it, as Mastodon's does).
    pub access_token: String,
    /// JSON object: notification type → wanted.
    pub alerts: String,
    pub policy: String,
    /// RFC 8291 as written (Mastodon's `standard`); otherwise the same encryption is used.
    pub standard: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLS: &str = "id, token_id, account_id, endpoint, key_p256dh, key_auth, access_token, alerts, policy, \
    standard, created_at, updated_at";

fn from_row(r: &Row) -> Result<Subscription> {
    Ok(Subscription {
        id: r.i64("id")?,
        token_id: r.i64("token_id")?,
        account_id: r.i64("account_id")?,
        endpoint: r.string("endpoint")?,
        key_p256dh: r.string("key_p256dh")?,
        key_auth: r.string("key_auth")?,
        access_token: r.string("access_token")?,
        alerts: r.string("alerts")?,
        policy: r.string("policy")?,
        standard: r.bool("standard")?,
        created_at: r.i64("created_at")?,
        updated_at: r.i64("updated_at")?,
    })
}

/// Creates or replaces the subscription of `s.token_id`.
pub async fn upsert<'a>(ex: impl Into<Exec<'a>>, s: &Subscription) -> Result<()> {
    q(format!(
        "INSERT INTO push_subscriptions ({COLS}) VALUES ({}) ON CONFLICT (token_id) DO UPDATE SET \
         id = excluded.id, endpoint = excluded.endpoint, key_p256dh = excluded.key_p256dh, \
         key_auth = excluded.key_auth, access_token = excluded.access_token, alerts = excluded.alerts, policy = excluded.policy, \
         standard = excluded.standard, updated_at = excluded.updated_at",
        placeholders(1, 12)
    ))
    .bind(s.id)
    .bind(s.token_id)
    .bind(s.account_id)
    .bind(&s.endpoint)
    .bind(&s.key_p256dh)
    .bind(&s.key_auth)
    .bind(&s.access_token)
    .bind(&s.alerts)
    .bind(&s.policy)
    .bind(s.standard)
    .bind(s.created_at)
    .bind(s.updated_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn update_data<'a>(
    ex: impl Into<Exec<'a>>,
    token_id: i64,
    alerts: &str,
    policy: &str,
    now: i64,
) -> Result<bool> {
    let n = q("UPDATE push_subscriptions SET alerts = $2, policy = $3, updated_at = $4 WHERE token_id = $1")
        .bind(token_id)
        .bind(alerts)
        .bind(policy)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

pub async fn of_token<'a>(ex: impl Into<Exec<'a>>, token_id: i64) -> Result<Option<Subscription>> {
    q(format!(
        "SELECT {COLS} FROM push_subscriptions WHERE token_id = $1"
    ))
    .bind(token_id)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Subscription>> {
    q(format!("SELECT {COLS} FROM push_subscriptions WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn delete_of_token<'a>(ex: impl Into<Exec<'a>>, token_id: i64) -> Result<bool> {
    let n = q("DELETE FROM push_subscriptions WHERE token_id = $1")
        .bind(token_id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

/// Removes a subscription its push service says is gone (404/410).
pub async fn delete<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<bool> {
    let n = q("DELETE FROM push_subscriptions WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

/// The subscriptions of `accounts` (ids and owners only: enough to queue deliveries).
pub async fn of_accounts<'a>(ex: impl Into<Exec<'a>>, accounts: &[i64]) -> Result<Vec<(i64, i64)>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT id, account_id FROM push_subscriptions WHERE account_id IN ({})",
        placeholders(1, accounts.len())
    ))
    .bind_all(accounts.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.i64("id")?, r.i64("account_id")?)))
    .collect()
}

/// An instance secret by name.
pub async fn secret<'a>(ex: impl Into<Exec<'a>>, name: &str) -> Result<Option<String>> {
    q("SELECT value FROM instance_secrets WHERE name = $1")
        .bind(name)
        .fetch_optional(ex)
        .await?
        .map(|r| r.string("value"))
        .transpose()
}

/// Stores a secret unless one of that name exists (another process was first); returns the
/// one stored.
pub async fn keep_secret<'a>(ex: impl Into<Exec<'a>>, name: &str, value: &str, now: i64) -> Result<String> {
    let mut ex = ex.into();
    q("INSERT INTO instance_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(name)
        .bind(value)
        .bind(now)
        .execute(ex.reborrow())
        .await?;
    Ok(secret(ex, name).await?.unwrap_or_else(|| value.to_owned()))
}
