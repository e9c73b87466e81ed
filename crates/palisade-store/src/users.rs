//! Local users: the login side of a local account.

use crate::db::{Exec, Row, q};
use crate::{Result, now_ms};

#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub account_id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub approved: bool,
    pub confirmed: bool,
    pub disabled: bool,
    pub locale: String,
    pub reason: Option<String>,
    pub settings_json: String,
    pub created_at: i64,
}

const COLS: &str = "id, account_id, email, password_hash, role, approved, confirmed, disabled, \
    locale, reason, settings_json, created_at";

fn from_row(r: &Row) -> Result<User> {
    Ok(User {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        email: r.string("email")?,
        password_hash: r.string("password_hash")?,
        role: r.string("role")?,
        approved: r.bool("approved")?,
        confirmed: r.bool("confirmed")?,
        disabled: r.bool("disabled")?,
        locale: r.string("locale")?,
        reason: r.opt_string("reason")?,
        settings_json: r.string("settings_json")?,
        created_at: r.i64("created_at")?,
    })
}

pub struct NewUser<'s> {
    pub id: i64,
    pub account_id: i64,
    pub email: &'s str,
    pub password_hash: &'s str,
    pub role: &'s str,
    pub approved: bool,
    pub locale: &'s str,
    pub reason: Option<&'s str>,
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, u: &NewUser<'_>) -> Result<()> {
    q(
        "INSERT INTO users (id, account_id, email, password_hash, role, approved, locale, reason, \
       created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(u.id)
    .bind(u.account_id)
    .bind(u.email)
    .bind(u.password_hash)
    .bind(u.role)
    .bind(u.approved)
    .bind(u.locale)
    .bind(u.reason)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_id<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<User>> {
    one(ex, "id = $1", id.into()).await
}

pub async fn by_account_id<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<Option<User>> {
    one(ex, "account_id = $1", account_id.into()).await
}

pub async fn by_email<'a>(ex: impl Into<Exec<'a>>, email: &str) -> Result<Option<User>> {
    one(ex, "lower(email) = lower($1)", email.into()).await
}

/// A user by e-mail address or by the username of their (local) account.
pub async fn by_login<'a>(ex: impl Into<Exec<'a>>, login: &str) -> Result<Option<User>> {
    one(
        ex,
        "lower(email) = lower($1) OR account_id IN (SELECT id FROM accounts \
         WHERE domain IS NULL AND lower(username) = lower($1))",
        login.into(),
    )
    .await
}

async fn one<'a>(ex: impl Into<Exec<'a>>, cond: &str, arg: crate::Arg) -> Result<Option<User>> {
    q(format!("SELECT {COLS} FROM users WHERE {cond}"))
        .bind(arg)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Users with their account's username, oldest first.
pub async fn list<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<(User, String)>> {
    q(format!(
        "SELECT {}, a.username AS username FROM users u JOIN accounts a ON a.id = u.account_id \
         ORDER BY u.id",
        COLS.split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((from_row(r)?, r.string("username")?)))
    .collect()
}

pub async fn set_role<'a>(ex: impl Into<Exec<'a>>, id: i64, role: &str) -> Result<()> {
    q("UPDATE users SET role = $2 WHERE id = $1")
        .bind(id)
        .bind(role)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_disabled<'a>(ex: impl Into<Exec<'a>>, id: i64, disabled: bool) -> Result<()> {
    q("UPDATE users SET disabled = $2 WHERE id = $1")
        .bind(id)
        .bind(disabled)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_approved<'a>(ex: impl Into<Exec<'a>>, id: i64, approved: bool) -> Result<()> {
    q("UPDATE users SET approved = $2 WHERE id = $1")
        .bind(id)
        .bind(approved)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_password_hash<'a>(ex: impl Into<Exec<'a>>, id: i64, hash: &str) -> Result<()> {
    q("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_settings<'a>(ex: impl Into<Exec<'a>>, id: i64, json: &str) -> Result<()> {
    q("UPDATE users SET settings_json = $2 WHERE id = $1")
        .bind(id)
        .bind(json)
        .execute(ex)
        .await?;
    Ok(())
}

/// Users who signed in (used a token) since `since_ms`: NodeInfo's active user counts.
pub async fn count_active_since<'a>(ex: impl Into<Exec<'a>>, since_ms: i64) -> Result<i64> {
    q("SELECT COUNT(DISTINCT user_id) FROM tokens WHERE user_id IS NOT NULL AND last_used_at >= $1")
        .bind(since_ms)
        .fetch_i64(ex)
        .await
}

/// The first admin or owner, who speaks for the instance (`contact.account`).
pub async fn first_admin_account_id<'a>(ex: impl Into<Exec<'a>>) -> Result<Option<i64>> {
    q(
        "SELECT account_id FROM users WHERE role IN ('owner', 'admin') AND disabled = FALSE \
       ORDER BY CASE role WHEN 'owner' THEN 0 ELSE 1 END, id LIMIT 1",
    )
    .fetch_optional(ex)
    .await?
    .map(|r| r.i64("account_id"))
    .transpose()
}

pub async fn count_active_between<'a>(ex: impl Into<Exec<'a>>, from: i64, to: i64) -> Result<i64> {
    q(
        "SELECT COUNT(DISTINCT user_id) FROM tokens WHERE user_id IS NOT NULL \
       AND last_used_at >= $1 AND last_used_at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_i64(ex)
    .await
}

pub async fn count_created_between<'a>(ex: impl Into<Exec<'a>>, from: i64, to: i64) -> Result<i64> {
    q("SELECT COUNT(*) FROM users WHERE created_at >= $1 AND created_at < $2")
        .bind(from)
        .bind(to)
        .fetch_i64(ex)
        .await
}

/// Deletes a sign-up that was never approved, with its account (a moderator rejected it).
pub async fn delete_unapproved<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<bool> {
    Ok(q("DELETE FROM accounts WHERE domain IS NULL AND id IN \
          (SELECT account_id FROM users WHERE id = $1 AND approved = FALSE)")
    .bind(id)
    .execute(ex)
    .await?
        > 0)
}
