//! Accounts, local and remote.

use crate::db::{Exec, Row, placeholders, q};
use crate::{Result, now_ms};

#[derive(Clone, Debug)]
pub struct Account {
    pub id: i64,
    pub username: String,
    /// `None` for local accounts.
    pub domain: Option<String>,
    pub display_name: String,
    pub note_source: String,
    pub note_html: String,
    pub fields_json: String,
    pub locked: bool,
    pub bot: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub hide_collections: bool,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    pub uri: String,
    pub url: String,
    pub inbox_url: Option<String>,
    pub shared_inbox_url: Option<String>,
    pub outbox_url: Option<String>,
    pub followers_url: Option<String>,
    pub following_url: Option<String>,
    pub featured_url: Option<String>,
    pub public_key_pem: Option<String>,
    pub statuses_count: i64,
    pub followers_count: i64,
    pub following_count: i64,
    pub last_status_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub fetched_at: Option<i64>,
    pub suspended_at: Option<i64>,
    pub silenced_at: Option<i64>,
    /// `Person`, `Service`, `Application`, `Group`, `Organization`.
    pub actor_type: String,
    /// The id of the actor's main public key (`…#main-key`).
    pub key_id: Option<String>,
    /// The avatar as served here: a stored file's key (local accounts) or
    /// `proxy/MEDIA_ID/original` (remote ones, fetched through this instance).
    pub avatar_path: Option<String>,
    pub header_path: Option<String>,
    pub avatar_description: String,
    pub header_description: String,
    /// The custom emoji of the display name, note and fields (see `core::emojis`).
    pub emojis_json: String,
}

impl Account {
    pub fn is_local(&self) -> bool {
        self.domain.is_none()
    }
}

const COLS: &str = "id, username, domain, display_name, note_source, note_html, fields_json, \
    locked, bot, discoverable, indexable, hide_collections, avatar_url, header_url, uri, url, \
    inbox_url, shared_inbox_url, outbox_url, followers_url, following_url, featured_url, \
    public_key_pem, statuses_count, followers_count, following_count, last_status_at, \
    created_at, updated_at, fetched_at, suspended_at, silenced_at, actor_type, key_id, avatar_path, \
    header_path, avatar_description, header_description, emojis_json";

fn from_row(r: &Row) -> Result<Account> {
    Ok(Account {
        id: r.i64("id")?,
        username: r.string("username")?,
        domain: r.opt_string("domain")?,
        display_name: r.string("display_name")?,
        note_source: r.string("note_source")?,
        note_html: r.string("note_html")?,
        fields_json: r.string("fields_json")?,
        locked: r.bool("locked")?,
        bot: r.bool("bot")?,
        discoverable: r.bool("discoverable")?,
        indexable: r.bool("indexable")?,
        hide_collections: r.bool("hide_collections")?,
        avatar_url: r.opt_string("avatar_url")?,
        header_url: r.opt_string("header_url")?,
        uri: r.string("uri")?,
        url: r.string("url")?,
        inbox_url: r.opt_string("inbox_url")?,
        shared_inbox_url: r.opt_string("shared_inbox_url")?,
        outbox_url: r.opt_string("outbox_url")?,
        followers_url: r.opt_string("followers_url")?,
        following_url: r.opt_string("following_url")?,
        featured_url: r.opt_string("featured_url")?,
        public_key_pem: r.opt_string("public_key_pem")?,
        statuses_count: r.i64("statuses_count")?,
        followers_count: r.i64("followers_count")?,
        following_count: r.i64("following_count")?,
        last_status_at: r.opt_i64("last_status_at")?,
        created_at: r.i64("created_at")?,
        updated_at: r.i64("updated_at")?,
        fetched_at: r.opt_i64("fetched_at")?,
        suspended_at: r.opt_i64("suspended_at")?,
        silenced_at: r.opt_i64("silenced_at")?,
        actor_type: r.string("actor_type")?,
        key_id: r.opt_string("key_id")?,
        avatar_path: r.opt_string("avatar_path")?,
        header_path: r.opt_string("header_path")?,
        avatar_description: r.string("avatar_description")?,
        header_description: r.string("header_description")?,
        emojis_json: r.string("emojis_json")?,
    })
}

/// What is needed to create a local account; URLs are derived by the caller.
pub struct NewLocalAccount {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub uri: String,
    pub url: String,
    pub inbox_url: String,
    pub shared_inbox_url: String,
    pub outbox_url: String,
    pub followers_url: String,
    pub following_url: String,
    pub featured_url: String,
}

pub async fn insert_local<'a>(ex: impl Into<Exec<'a>>, a: &NewLocalAccount) -> Result<()> {
    let now = now_ms();
    q(
        "INSERT INTO accounts (id, username, domain, display_name, uri, url, inbox_url, \
       shared_inbox_url, outbox_url, followers_url, following_url, featured_url, created_at, \
       updated_at) VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(a.id)
    .bind(&a.username)
    .bind(&a.display_name)
    .bind(&a.uri)
    .bind(&a.url)
    .bind(&a.inbox_url)
    .bind(&a.shared_inbox_url)
    .bind(&a.outbox_url)
    .bind(&a.followers_url)
    .bind(&a.following_url)
    .bind(&a.featured_url)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_id<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Account>> {
    q(format!("SELECT {COLS} FROM accounts WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn by_ids<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<Vec<Account>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {COLS} FROM accounts WHERE id IN ({})",
        placeholders(1, ids.len())
    ))
    .bind_all(ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Case-insensitive lookup by `username` and `domain` (`None`: local).
pub async fn by_username<'a>(
    ex: impl Into<Exec<'a>>,
    username: &str,
    domain: Option<&str>,
) -> Result<Option<Account>> {
    q(format!(
        "SELECT {COLS} FROM accounts WHERE lower(username) = lower($1) \
         AND COALESCE(lower(domain), '') = lower($2)"
    ))
    .bind(username)
    .bind(domain.unwrap_or(""))
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

pub async fn by_uri<'a>(ex: impl Into<Exec<'a>>, uri: &str) -> Result<Option<Account>> {
    q(format!("SELECT {COLS} FROM accounts WHERE uri = $1"))
        .bind(uri)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Accounts whose username or display name starts with `prefix` (case-insensitive),
/// local first, then by username; with `followed_by`, only accounts that account follows.
/// Suspended accounts are left out.
pub async fn search<'a>(
    ex: impl Into<Exec<'a>>,
    prefix: &str,
    domain: Option<&str>,
    followed_by: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Account>> {
    let pattern = format!("{}%", escape_like(&prefix.to_lowercase()));
    let mut head: Vec<crate::Arg> = vec![pattern.into(), limit.into(), offset.into()];
    let mut extra = String::new();
    if let Some(d) = domain {
        head.push(d.into());
        extra.push_str(&format!(" AND lower(domain) = lower(${})", head.len()));
    }
    if let Some(f) = followed_by {
        head.push(f.into());
        extra.push_str(&format!(
            " AND id IN (SELECT target_account_id FROM follows WHERE account_id = ${})",
            head.len()
        ));
    }
    q(format!(
        "SELECT {COLS} FROM accounts WHERE suspended_at IS NULL AND actor_type <> 'Application' \
         AND (lower(username) LIKE $1 ESCAPE '\\' OR lower(display_name) LIKE $1 ESCAPE '\\') \
         {extra} ORDER BY (domain IS NULL) DESC, lower(username) LIMIT $2 OFFSET $3"
    ))
    .bind_all(head)
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The profile directory: discoverable accounts, recently active (`active`) or newest first.
pub async fn directory<'a>(
    ex: impl Into<Exec<'a>>,
    local_only: bool,
    by_activity: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<Account>> {
    let local = if local_only { " AND domain IS NULL" } else { "" };
    let order = if by_activity {
        "last_status_at IS NULL, last_status_at DESC, id DESC"
    } else {
        "id DESC"
    };
    q(format!(
        "SELECT {COLS} FROM accounts WHERE suspended_at IS NULL AND discoverable = TRUE \
         AND actor_type <> 'Application'{local} \
         ORDER BY {order} LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

pub struct ProfileUpdate {
    pub display_name: String,
    pub note_source: String,
    pub note_html: String,
    pub fields_json: String,
    pub locked: bool,
    pub bot: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub hide_collections: bool,
}

pub async fn update_profile<'a>(ex: impl Into<Exec<'a>>, id: i64, p: &ProfileUpdate) -> Result<()> {
    q(
        "UPDATE accounts SET display_name = $2, note_source = $3, note_html = $4, \
       fields_json = $5, locked = $6, bot = $7, discoverable = $8, indexable = $9, \
       hide_collections = $10, updated_at = $11 WHERE id = $1",
    )
    .bind(id)
    .bind(&p.display_name)
    .bind(&p.note_source)
    .bind(&p.note_html)
    .bind(&p.fields_json)
    .bind(p.locked)
    .bind(p.bot)
    .bind(p.discoverable)
    .bind(p.indexable)
    .bind(p.hide_collections)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

/// Adds the deltas to the denormalised counters (never below zero).
pub async fn add_counts<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    statuses: i64,
    followers: i64,
    following: i64,
) -> Result<()> {
    q("UPDATE accounts SET \
       statuses_count = CASE WHEN statuses_count + $2 < 0 THEN 0 ELSE statuses_count + $2 END, \
       followers_count = CASE WHEN followers_count + $3 < 0 THEN 0 ELSE followers_count + $3 END, \
       following_count = CASE WHEN following_count + $4 < 0 THEN 0 ELSE following_count + $4 END \
       WHERE id = $1")
    .bind(id)
    .bind(statuses)
    .bind(followers)
    .bind(following)
    .execute(ex)
    .await?;
    Ok(())
}

/// A new status of `id`'s, published at `at`: one more status, and the time of the last
/// (one statement: received statuses hold SQLite's write lock while it runs).
pub async fn count_new_status<'a>(ex: impl Into<Exec<'a>>, id: i64, at: i64) -> Result<()> {
    q("UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_suspended<'a>(ex: impl Into<Exec<'a>>, id: i64, at: Option<i64>) -> Result<()> {
    q("UPDATE accounts SET suspended_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn count_local<'a>(ex: impl Into<Exec<'a>>) -> Result<i64> {
    q("SELECT COUNT(*) FROM accounts WHERE domain IS NULL AND suspended_at IS NULL AND actor_type = 'Person'")
        .fetch_i64(ex)
        .await
}

/// Distinct domains of known remote accounts (the instance's peers), alphabetically.
pub async fn known_domains<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<String>> {
    q("SELECT DISTINCT domain FROM accounts WHERE domain IS NOT NULL ORDER BY domain")
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| r.string("domain"))
        .collect()
}

/// The key pair of a local account (the private key is read only where it is needed).
pub async fn private_key<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<String>> {
    q("SELECT private_key_pem FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_optional(ex)
        .await?
        .map(|r| r.opt_string("private_key_pem"))
        .transpose()
        .map(Option::flatten)
}

/// Stores a local account's key pair (created on first need).
pub async fn set_key_pair<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    key_id: &str,
    public: &str,
    private: &str,
) -> Result<()> {
    q(
        "UPDATE accounts SET key_id = $2, public_key_pem = $3, private_key_pem = $4 WHERE id = $1 \
       AND private_key_pem IS NULL",
    )
    .bind(id)
    .bind(key_id)
    .bind(public)
    .bind(private)
    .execute(ex)
    .await?;
    Ok(())
}

/// A remote actor as last fetched.
#[derive(Clone, Debug, Default)]
pub struct RemoteProfile {
    pub uri: String,
    pub username: String,
    pub domain: String,
    pub actor_type: String,
    pub display_name: String,
    pub note_html: String,
    pub fields_json: String,
    pub url: String,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    pub locked: bool,
    pub bot: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub inbox_url: Option<String>,
    pub shared_inbox_url: Option<String>,
    pub outbox_url: Option<String>,
    pub followers_url: Option<String>,
    pub following_url: Option<String>,
    pub featured_url: Option<String>,
    pub key_id: Option<String>,
    pub public_key_pem: Option<String>,
    pub created_at: Option<i64>,
}

/// Inserts or refreshes a remote account by its URI; returns its id.
pub async fn upsert_remote<'a>(ex: impl Into<Exec<'a>>, p: &RemoteProfile) -> Result<i64> {
    let mut ex = ex.into();
    let now = now_ms();
    let existing = by_uri(ex.reborrow(), &p.uri).await?;
    let id = match &existing {
        Some(a) => a.id,
        None => crate::ids::new_id(),
    };
    if existing.is_none() {
        q(
            "INSERT INTO accounts (id, username, domain, uri, url, created_at, updated_at) \
           VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(&p.username)
        .bind(&p.domain)
        .bind(&p.uri)
        .bind(&p.url)
        .bind(p.created_at.unwrap_or(now))
        .bind(now)
        .execute(ex.reborrow())
        .await?;
    }
    q(
        "UPDATE accounts SET username = $2, display_name = $3, note_html = $4, fields_json = $5, url = $6, \
       avatar_url = $7, header_url = $8, locked = $9, bot = $10, discoverable = $11, indexable = $12, \
       inbox_url = $13, shared_inbox_url = $14, outbox_url = $15, followers_url = $16, following_url = $17, \
       featured_url = $18, key_id = $19, public_key_pem = $20, actor_type = $21, fetched_at = $22, \
       updated_at = $22 WHERE id = $1",
    )
    .bind(id)
    .bind(&p.username)
    .bind(&p.display_name)
    .bind(&p.note_html)
    .bind(&p.fields_json)
    .bind(&p.url)
    .bind(&p.avatar_url)
    .bind(&p.header_url)
    .bind(p.locked)
    .bind(p.bot)
    .bind(p.discoverable)
    .bind(p.indexable)
    .bind(&p.inbox_url)
    .bind(&p.shared_inbox_url)
    .bind(&p.outbox_url)
    .bind(&p.followers_url)
    .bind(&p.following_url)
    .bind(&p.featured_url)
    .bind(&p.key_id)
    .bind(&p.public_key_pem)
    .bind(&p.actor_type)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(id)
}

/// The account owning a public key id (its main key, or one of `account_keys`).
pub async fn by_key_id<'a>(ex: impl Into<Exec<'a>>, key_id: &str) -> Result<Option<(Account, String)>> {
    let mut ex = ex.into();
    if let Some(row) = q(format!(
        "SELECT {COLS} FROM accounts WHERE key_id = $1 AND public_key_pem IS NOT NULL"
    ))
    .bind(key_id)
    .fetch_optional(ex.reborrow())
    .await?
    {
        let account = from_row(&row)?;
        let pem = account.public_key_pem.clone().unwrap_or_default();
        return Ok(Some((account, pem)));
    }
    let Some(row) = q("SELECT account_id, public_key_pem FROM account_keys WHERE key_id = $1")
        .bind(key_id)
        .fetch_optional(ex.reborrow())
        .await?
    else {
        return Ok(None);
    };
    let pem = row.string("public_key_pem")?;
    Ok(by_id(ex, row.i64("account_id")?).await?.map(|a| (a, pem)))
}

/// Records further keys of a remote actor.
pub async fn set_extra_keys<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    keys: &[(String, String)],
) -> Result<()> {
    let mut ex = ex.into();
    q("DELETE FROM account_keys WHERE account_id = $1")
        .bind(account_id)
        .execute(ex.reborrow())
        .await?;
    for (key_id, pem) in keys {
        q("INSERT INTO account_keys (key_id, account_id, public_key_pem, fetched_at) VALUES ($1, $2, $3, $4) \
           ON CONFLICT (key_id) DO UPDATE SET account_id = excluded.account_id, \
           public_key_pem = excluded.public_key_pem, fetched_at = excluded.fetched_at")
        .bind(key_id)
        .bind(account_id)
        .bind(pem)
        .bind(now_ms())
        .execute(ex.reborrow())
        .await?;
    }
    Ok(())
}

/// Remote accounts of a domain (for delivery planning and admin views).
pub async fn count_on_domain<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<i64> {
    q("SELECT COUNT(*) FROM accounts WHERE lower(domain) = lower($1)")
        .bind(domain)
        .fetch_i64(ex)
        .await
}

/// Marks the kind of actor (`Application` for the instance actor, which is also locked).
pub async fn set_actor_type<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    actor_type: &str,
    locked: bool,
) -> Result<()> {
    q("UPDATE accounts SET actor_type = $2, locked = $3, discoverable = FALSE WHERE id = $1")
        .bind(id)
        .bind(actor_type)
        .bind(locked)
        .execute(ex)
        .await?;
    Ok(())
}
