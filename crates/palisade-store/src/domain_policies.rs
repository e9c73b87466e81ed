//! Instance domain policies (blocks with a severity, allows) and the audit log.

use crate::db::{Exec, Row, q};
use crate::kinds::{Severity, parse_stored};
use crate::{Result, ids::new_id, now_ms};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DomainBlock {
    pub id: i64,
    pub domain: String,
    pub severity: Severity,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub private_comment: Option<String>,
    pub public_comment: Option<String>,
    pub obfuscate: bool,
    pub expires_at: Option<i64>,
    /// The severance event of a suspension (to restore it when lifted in time).
    pub severance_event_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLS: &str = "id, domain, severity, reject_media, reject_reports, private_comment, public_comment, obfuscate, \
    expires_at, severance_event_id, created_at, updated_at";

fn from_row(r: &Row) -> Result<DomainBlock> {
    Ok(DomainBlock {
        id: r.i64("id")?,
        domain: r.string("domain")?,
        severity: parse_stored(&r.string("severity")?, "severity", Severity::parse)?,
        reject_media: r.bool("reject_media")?,
        reject_reports: r.bool("reject_reports")?,
        private_comment: r.opt_string("private_comment")?,
        public_comment: r.opt_string("public_comment")?,
        obfuscate: r.bool("obfuscate")?,
        expires_at: r.opt_i64("expires_at")?,
        severance_event_id: r.opt_i64("severance_event_id")?,
        created_at: r.i64("created_at")?,
        updated_at: r.i64("updated_at")?,
    })
}

/// Every block, most specific (longest domain) first, which is the order lookups want.
pub async fn blocks<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<DomainBlock>> {
    let mut list: Vec<DomainBlock> = q(format!("SELECT {COLS} FROM domain_blocks ORDER BY domain"))
        .fetch_all(ex)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<_>>()?;
    list.sort_by_key(|b| std::cmp::Reverse(b.domain.len()));
    Ok(list)
}

/// The blocks whose domain is one of `names` (exact names, lowercase).
pub async fn blocks_named<'a>(ex: impl Into<Exec<'a>>, names: &[String]) -> Result<Vec<DomainBlock>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {COLS} FROM domain_blocks WHERE domain IN ({})",
        crate::db::placeholders(1, names.len())
    ))
    .bind_all(names)
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub async fn block_by_id<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<DomainBlock>> {
    q(format!("SELECT {COLS} FROM domain_blocks WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn block_by_domain<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<Option<DomainBlock>> {
    q(format!("SELECT {COLS} FROM domain_blocks WHERE domain = $1"))
        .bind(domain)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Inserts (id 0) or updates a block; returns its id.
pub async fn save_block<'a>(ex: impl Into<Exec<'a>>, b: &DomainBlock) -> Result<i64> {
    let now = now_ms();
    let mut ex = ex.into();
    let id = if b.id == 0 { new_id() } else { b.id };
    if b.id == 0 {
        q("INSERT INTO domain_blocks (id, domain, severity, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(id)
            .bind(&b.domain)
            .bind(b.severity)
            .bind(now)
            .execute(ex.reborrow())
            .await?;
    }
    q("UPDATE domain_blocks SET severity = $2, reject_media = $3, reject_reports = $4, private_comment = $5, \
       public_comment = $6, obfuscate = $7, expires_at = $8, severance_event_id = $9, updated_at = $10 WHERE id = $1")
    .bind(id)
    .bind(b.severity)
    .bind(b.reject_media)
    .bind(b.reject_reports)
    .bind(&b.private_comment)
    .bind(&b.public_comment)
    .bind(b.obfuscate)
    .bind(b.expires_at)
    .bind(b.severance_event_id)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(id)
}

pub async fn delete_block<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<bool> {
    Ok(q("DELETE FROM domain_blocks WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?
        > 0)
}

pub async fn allows<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<(i64, String, i64)>> {
    q("SELECT id, domain, created_at FROM domain_allows ORDER BY domain")
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| Ok((r.i64("id")?, r.string("domain")?, r.i64("created_at")?)))
        .collect()
}

pub async fn add_allow<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<i64> {
    let mut ex = ex.into();
    q("INSERT INTO domain_allows (id, domain, created_at) VALUES ($1, $2, $3) ON CONFLICT (domain) DO NOTHING")
        .bind(new_id())
        .bind(domain)
        .bind(now_ms())
        .execute(ex.reborrow())
        .await?;
    q("SELECT id FROM domain_allows WHERE domain = $1")
        .bind(domain)
        .fetch_i64(ex)
        .await
}

pub async fn delete_allow<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<String>> {
    q("DELETE FROM domain_allows WHERE id = $1 RETURNING domain")
        .bind(id)
        .fetch_optional(ex)
        .await?
        .map(|r| r.string("domain"))
        .transpose()
}

#[derive(Clone, Debug)]
pub struct AdminAction {
    pub id: i64,
    pub account_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub created_at: i64,
}

pub struct NewAction<'s> {
    pub account_id: Option<i64>,
    pub action: &'s str,
    pub target_type: &'s str,
    pub target: &'s str,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

pub async fn log_action<'a>(ex: impl Into<Exec<'a>>, a: &NewAction<'_>) -> Result<()> {
    q("INSERT INTO admin_actions (id, account_id, action, target_type, target, before_json, after_json, created_at) \
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
    .bind(new_id())
    .bind(a.account_id)
    .bind(a.action)
    .bind(a.target_type)
    .bind(a.target)
    .bind(a.before_json.clone())
    .bind(a.after_json.clone())
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

/// The latest actions, newest first.
pub async fn actions<'a>(
    ex: impl Into<Exec<'a>>,
    limit: i64,
    max_id: Option<i64>,
) -> Result<Vec<AdminAction>> {
    q("SELECT id, account_id, action, target_type, target, before_json, after_json, created_at FROM admin_actions \
       WHERE ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $1")
    .bind(limit)
    .bind(max_id)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| {
        Ok(AdminAction {
            id: r.i64("id")?,
            account_id: r.opt_i64("account_id")?,
            action: r.string("action")?,
            target_type: r.string("target_type")?,
            target: r.string("target")?,
            before_json: r.opt_string("before_json")?,
            after_json: r.opt_string("after_json")?,
            created_at: r.i64("created_at")?,
        })
    })
    .collect()
}

/// Accounts, statuses and follows a domain (subdomains included) holds here: the figures of
/// an impact preview, deduplicated.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Impact {
    pub accounts: i64,
    pub statuses: i64,
    /// Local members who follow accounts there.
    pub members_following: i64,
    /// Accounts there who follow local members.
    pub followers_there: i64,
    /// Distinct follow relationships between the two sides.
    pub relationships: i64,
    /// Local members with at least one relationship there.
    pub members_affected: i64,
    pub media: i64,
}

pub async fn impact<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<Impact> {
    impact_of(ex, &[domain]).await
}

/// The impact of blocking all of `blocked` at once: each figure counted once however many
/// of them cover it (a member tied to two of the domains is one member).
pub async fn impact_of<'a>(ex: impl Into<Exec<'a>>, blocked: &[&str]) -> Result<Impact> {
    use crate::domains::{literal_args, literal_covers_sql};
    if blocked.is_empty() {
        return Ok(Impact::default());
    }
    let mut ex = ex.into();
    // Every domain's four arguments in turn; a column is covered when any domain covers it.
    let on = |col: &str| {
        let any: Vec<String> = (0..blocked.len())
            .map(|i| literal_covers_sql(col, 1 + 4 * i))
            .collect();
        format!("({})", any.join(" OR "))
    };
    let args: Vec<String> = blocked.iter().flat_map(|d| literal_args(d)).collect();
    let count = |sql: String| q(sql).bind_all(args.iter().map(String::as_str));
    let accounts = count(format!(
        "SELECT COUNT(*) FROM accounts a WHERE {}",
        on("a.domain")
    ))
    .fetch_i64(ex.reborrow())
    .await?;
    let statuses = count(format!(
        "SELECT COUNT(*) FROM statuses s JOIN accounts a ON a.id = s.account_id WHERE {}",
        on("a.domain")
    ))
    .fetch_i64(ex.reborrow())
    .await?;
    let members_following = count(format!(
        "SELECT COUNT(DISTINCT f.account_id) FROM follows f JOIN accounts t ON t.id = f.target_account_id \
         JOIN accounts m ON m.id = f.account_id WHERE m.domain IS NULL AND {}",
        on("t.domain")
    ))
    .fetch_i64(ex.reborrow())
    .await?;
    let followers_there = count(format!(
        "SELECT COUNT(DISTINCT f.account_id) FROM follows f JOIN accounts t ON t.id = f.account_id \
         JOIN accounts m ON m.id = f.target_account_id WHERE m.domain IS NULL AND {}",
        on("t.domain")
    ))
    .fetch_i64(ex.reborrow())
    .await?;
    let relationships = count(format!(
        "SELECT COUNT(*) FROM follows f JOIN accounts x ON x.id = f.account_id JOIN accounts y ON y.id = f.target_account_id \
         WHERE (x.domain IS NULL AND {}) OR (y.domain IS NULL AND {})",
        on("y.domain"),
        on("x.domain")
    ))
    .fetch_i64(ex.reborrow())
    .await?;
    let members_affected = count(format!(
        "SELECT COUNT(*) FROM (SELECT f.account_id AS m FROM follows f JOIN accounts t ON t.id = f.target_account_id \
           JOIN accounts me ON me.id = f.account_id WHERE me.domain IS NULL AND {} \
         UNION SELECT f.target_account_id AS m FROM follows f JOIN accounts t ON t.id = f.account_id \
           JOIN accounts me ON me.id = f.target_account_id WHERE me.domain IS NULL AND {}) AS affected",
        on("t.domain"),
        on("t.domain")
    ))
    .fetch_i64(ex.reborrow())
    .await?;
    let media = count(format!(
        "SELECT COUNT(*) FROM media_attachments WHERE domain IS NOT NULL AND {}",
        on("domain")
    ))
    .fetch_i64(ex)
    .await?;
    Ok(Impact {
        accounts,
        statuses,
        members_following,
        followers_there,
        relationships,
        members_affected,
        media,
    })
}

/// Deletes every account of a domain (and, through the foreign keys, their statuses,
/// follows and the rest): the purge at the end of a suspension's grace period.
pub async fn purge_domain<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<u64> {
    use crate::domains::{literal_args, literal_covers_sql};
    q(format!(
        "DELETE FROM accounts WHERE domain IS NOT NULL AND {}",
        literal_covers_sql("domain", 1)
    ))
    .bind_all(literal_args(domain))
    .execute(ex)
    .await
}
