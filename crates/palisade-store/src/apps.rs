//! OAuth applications, authorization codes and access tokens. Codes and tokens are stored
//! as SHA-256 hashes only, so a leaked database does not leak live credentials.

use crate::db::{Exec, Row, q};
use crate::{Result, now_ms};

#[derive(Clone, Debug)]
pub struct App {
    pub id: i64,
    pub name: String,
    pub website: Option<String>,
    pub redirect_uris: String,
    pub scopes: String,
    pub client_id: String,
    pub client_secret: String,
    pub created_at: i64,
}

fn app_from_row(r: &Row) -> Result<App> {
    Ok(App {
        id: r.i64("id")?,
        name: r.string("name")?,
        website: r.opt_string("website")?,
        redirect_uris: r.string("redirect_uris")?,
        scopes: r.string("scopes")?,
        client_id: r.string("client_id")?,
        client_secret: r.string("client_secret")?,
        created_at: r.i64("created_at")?,
    })
}

const APP_COLS: &str = "id, name, website, redirect_uris, scopes, client_id, client_secret, created_at";

pub async fn insert_app<'a>(ex: impl Into<Exec<'a>>, app: &App) -> Result<()> {
    q(
        "INSERT INTO apps (id, name, website, redirect_uris, scopes, client_id, client_secret, \
       created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(app.id)
    .bind(&app.name)
    .bind(&app.website)
    .bind(&app.redirect_uris)
    .bind(&app.scopes)
    .bind(&app.client_id)
    .bind(&app.client_secret)
    .bind(app.created_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn app_by_client_id<'a>(ex: impl Into<Exec<'a>>, client_id: &str) -> Result<Option<App>> {
    q(format!("SELECT {APP_COLS} FROM apps WHERE client_id = $1"))
        .bind(client_id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(app_from_row)
        .transpose()
}

pub async fn app_by_id<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<App>> {
    q(format!("SELECT {APP_COLS} FROM apps WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(app_from_row)
        .transpose()
}

pub async fn apps_by_ids<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<Vec<App>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {APP_COLS} FROM apps WHERE id IN ({})",
        crate::placeholders(1, ids.len())
    ))
    .bind_all(ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(app_from_row)
    .collect()
}

pub struct AuthCode {
    pub app_id: i64,
    pub user_id: i64,
    pub scopes: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub expires_at: i64,
}

pub async fn insert_code<'a>(ex: impl Into<Exec<'a>>, code_hash: &str, c: &AuthCode) -> Result<()> {
    q(
        "INSERT INTO oauth_codes (code_hash, app_id, user_id, scopes, redirect_uri, \
       code_challenge, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(code_hash)
    .bind(c.app_id)
    .bind(c.user_id)
    .bind(&c.scopes)
    .bind(&c.redirect_uri)
    .bind(&c.code_challenge)
    .bind(c.expires_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// What became of a code presented at the token endpoint.
pub enum CodeUse {
    /// First use: here it is (now spent).
    Fresh(AuthCode),
    /// Spent before: the token its first use gave, if any, must be revoked.
    Replayed {
        token_id: Option<i64>,
    },
    Unknown,
}

/// Spends a code: a code can be exchanged once only.
pub async fn use_code<'a>(ex: impl Into<Exec<'a>>, code_hash: &str) -> Result<CodeUse> {
    let mut ex = ex.into();
    let row = q(
        "UPDATE oauth_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL \
         RETURNING app_id, user_id, scopes, redirect_uri, code_challenge, expires_at",
    )
    .bind(code_hash)
    .bind(now_ms())
    .fetch_optional(ex.reborrow())
    .await?;
    if let Some(r) = row {
        return Ok(CodeUse::Fresh(AuthCode {
            app_id: r.i64("app_id")?,
            user_id: r.i64("user_id")?,
            scopes: r.string("scopes")?,
            redirect_uri: r.string("redirect_uri")?,
            code_challenge: r.opt_string("code_challenge")?,
            expires_at: r.i64("expires_at")?,
        }));
    }
    let spent = q("SELECT token_id FROM oauth_codes WHERE code_hash = $1")
        .bind(code_hash)
        .fetch_optional(ex)
        .await?;
    Ok(match spent {
        Some(r) => CodeUse::Replayed {
            token_id: r.opt_i64("token_id")?,
        },
        None => CodeUse::Unknown,
    })
}

/// Remembers the token a code's first use gave.
pub async fn record_code_token<'a>(ex: impl Into<Exec<'a>>, code_hash: &str, token_id: i64) -> Result<()> {
    q("UPDATE oauth_codes SET token_id = $2 WHERE code_hash = $1")
        .bind(code_hash)
        .bind(token_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Forgets codes that expired before `before` (spent or not).
pub async fn forget_codes(db: &crate::Db, before: i64) -> Result<u64> {
    q("DELETE FROM oauth_codes WHERE expires_at < $1")
        .bind(before)
        .execute(db)
        .await
}

#[derive(Clone, Debug)]
pub struct Token {
    pub id: i64,
    pub app_id: Option<i64>,
    pub user_id: Option<i64>,
    pub scopes: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

fn token_from_row(r: &Row) -> Result<Token> {
    Ok(Token {
        id: r.i64("id")?,
        app_id: r.opt_i64("app_id")?,
        user_id: r.opt_i64("user_id")?,
        scopes: r.string("scopes")?,
        created_at: r.i64("created_at")?,
        last_used_at: r.opt_i64("last_used_at")?,
    })
}

pub struct NewToken<'s> {
    pub id: i64,
    pub token_hash: &'s str,
    pub refresh_hash: Option<&'s str>,
    pub app_id: Option<i64>,
    pub user_id: Option<i64>,
    pub scopes: &'s str,
}

pub async fn insert_token<'a>(ex: impl Into<Exec<'a>>, t: &NewToken<'_>) -> Result<i64> {
    let now = now_ms();
    q(
        "INSERT INTO tokens (id, token_hash, refresh_hash, app_id, user_id, scopes, created_at) \
       VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(t.id)
    .bind(t.token_hash)
    .bind(t.refresh_hash)
    .bind(t.app_id)
    .bind(t.user_id)
    .bind(t.scopes)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(now)
}

const TOKEN_COLS: &str = "id, app_id, user_id, scopes, created_at, last_used_at";

/// A live (not revoked) token by the hash of its secret.
pub async fn token_by_hash<'a>(ex: impl Into<Exec<'a>>, hash: &str) -> Result<Option<Token>> {
    q(format!(
        "SELECT {TOKEN_COLS} FROM tokens WHERE token_hash = $1 AND revoked_at IS NULL"
    ))
    .bind(hash)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(token_from_row)
    .transpose()
}

pub async fn token_by_refresh_hash<'a>(ex: impl Into<Exec<'a>>, hash: &str) -> Result<Option<Token>> {
    q(format!(
        "SELECT {TOKEN_COLS} FROM tokens WHERE refresh_hash = $1 AND revoked_at IS NULL"
    ))
    .bind(hash)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(token_from_row)
    .transpose()
}

/// Revokes a token; its Web Push subscription (which holds it) goes with it.
pub async fn revoke_token<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<()> {
    let mut ex = ex.into();
    q("UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id)
        .bind(now_ms())
        .execute(ex.reborrow())
        .await?;
    q("DELETE FROM push_subscriptions WHERE token_id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Records use at most once an hour, so reads do not turn into a write each.
pub async fn touch_token<'a>(ex: impl Into<Exec<'a>>, id: i64, now: i64) -> Result<()> {
    q("UPDATE tokens SET last_used_at = $2 WHERE id = $1 \
       AND (last_used_at IS NULL OR last_used_at < $3)")
    .bind(id)
    .bind(now)
    .bind(now - 3_600_000)
    .execute(ex)
    .await?;
    Ok(())
}
