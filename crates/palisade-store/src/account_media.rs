//! What an account shows of media and links: its avatar and header as served, the custom
//! emoji of its profile, and the verification state of its profile links.

use crate::db::{Exec, q};
use crate::{Result, now_ms};

/// `avatar` or `header`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileImage {
    Avatar,
    Header,
}

impl ProfileImage {
    pub fn name(self) -> &'static str {
        match self {
            ProfileImage::Avatar => "avatar",
            ProfileImage::Header => "header",
        }
    }
}

/// Sets (or clears) the avatar or header as served, with its description.
pub async fn set_profile_image<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    which: ProfileImage,
    path: Option<&str>,
    description: &str,
) -> Result<()> {
    let sql = match which {
        ProfileImage::Avatar => {
            "UPDATE accounts SET avatar_path = $2, avatar_description = $3, updated_at = $4 WHERE id = $1"
        }
        ProfileImage::Header => {
            "UPDATE accounts SET header_path = $2, header_description = $3, updated_at = $4 WHERE id = $1"
        }
    };
    q(sql)
        .bind(id)
        .bind(path)
        .bind(description)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(())
}

/// Clears the served avatars and headers of a domain's accounts (media rejected there).
pub async fn clear_profile_images_of_domain<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<u64> {
    use crate::domains::{literal_args as domain_args, literal_covers_sql as domain_clause};
    q(format!(
        "UPDATE accounts SET avatar_path = NULL, header_path = NULL WHERE domain IS NOT NULL AND {}",
        domain_clause("domain", 1)
    ))
    .bind_all(domain_args(domain))
    .execute(ex)
    .await
}

pub async fn set_emojis_json<'a>(ex: impl Into<Exec<'a>>, id: i64, json: &str) -> Result<()> {
    q("UPDATE accounts SET emojis_json = $2 WHERE id = $1")
        .bind(id)
        .bind(json)
        .execute(ex)
        .await?;
    Ok(())
}

/// Stores profile fields (with their verification marks) and when the links were checked.
pub async fn set_fields_checked<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    fields_json: &str,
    checked_at: Option<i64>,
) -> Result<()> {
    q("UPDATE accounts SET fields_json = $2, links_checked_at = $3 WHERE id = $1")
        .bind(id)
        .bind(fields_json)
        .bind(checked_at)
        .execute(ex)
        .await?;
    Ok(())
}

/// Accounts with profile links whose last check is older than `before` (or never happened).
pub async fn links_due<'a>(ex: impl Into<Exec<'a>>, before: i64, limit: i64) -> Result<Vec<i64>> {
    q("SELECT id FROM accounts WHERE suspended_at IS NULL AND fields_json LIKE '%href%' \
       AND (links_checked_at IS NULL OR links_checked_at < $1) ORDER BY links_checked_at NULLS FIRST, id LIMIT $2")
    .bind(before)
    .bind(limit)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64_at(0))
    .collect()
}

/// Marks when an account's links were last queued for a check.
pub async fn set_links_checked_at<'a>(ex: impl Into<Exec<'a>>, id: i64, at: i64) -> Result<()> {
    q("UPDATE accounts SET links_checked_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(ex)
        .await?;
    Ok(())
}
