//! Custom emoji: this instance's own (managed by admins) and other servers' (learnt from the
//! `tag` of their notes and actors).

use crate::db::{Exec, Row, placeholders, q};
use crate::{Result, ids::new_id, now_ms};

#[derive(Clone, Debug)]
pub struct Emoji {
    pub id: i64,
    pub shortcode: String,
    /// `None`: this instance's own.
    pub domain: Option<String>,
    pub media_id: Option<i64>,
    pub uri: Option<String>,
    pub image_remote_url: Option<String>,
    pub category: Option<String>,
    /// As served: the stored files' keys (local) or `proxy/MEDIA_ID/…` (remote).
    pub image_path: Option<String>,
    pub static_path: Option<String>,
    pub visible_in_picker: bool,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLS: &str = "id, shortcode, domain, media_id, uri, image_remote_url, category, image_path, \
    static_path, visible_in_picker, disabled, created_at, updated_at";

fn from_row(r: &Row) -> Result<Emoji> {
    Ok(Emoji {
        id: r.i64("id")?,
        shortcode: r.string("shortcode")?,
        domain: r.opt_string("domain")?,
        media_id: r.opt_i64("media_id")?,
        uri: r.opt_string("uri")?,
        image_remote_url: r.opt_string("image_remote_url")?,
        category: r.opt_string("category")?,
        image_path: r.opt_string("image_path")?,
        static_path: r.opt_string("static_path")?,
        visible_in_picker: r.bool("visible_in_picker")?,
        disabled: r.bool("disabled")?,
        created_at: r.i64("created_at")?,
        updated_at: r.i64("updated_at")?,
    })
}

/// This instance's enabled emoji, by shortcode.
pub async fn local<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<Emoji>> {
    q(format!(
        "SELECT {COLS} FROM custom_emojis WHERE domain IS NULL AND disabled = FALSE ORDER BY shortcode"
    ))
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The emoji of `domain` (`None`: local, enabled only) named by `shortcodes`.
pub async fn by_shortcodes<'a>(
    ex: impl Into<Exec<'a>>,
    domain: Option<&str>,
    shortcodes: &[String],
) -> Result<Vec<Emoji>> {
    if shortcodes.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {COLS} FROM custom_emojis WHERE COALESCE(domain, '') = $1 AND disabled = FALSE \
         AND shortcode IN ({})",
        placeholders(2, shortcodes.len())
    ))
    .bind(domain.unwrap_or(""))
    .bind_all(shortcodes.iter())
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub async fn by_id<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Emoji>> {
    q(format!("SELECT {COLS} FROM custom_emojis WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn by_shortcode<'a>(
    ex: impl Into<Exec<'a>>,
    shortcode: &str,
    domain: Option<&str>,
) -> Result<Option<Emoji>> {
    q(format!(
        "SELECT {COLS} FROM custom_emojis WHERE shortcode = $1 AND COALESCE(domain, '') = $2"
    ))
    .bind(shortcode)
    .bind(domain.unwrap_or(""))
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// A new emoji; its image (`media_id`) is stored already (local) or known by URL (remote).
pub struct NewEmoji<'a> {
    pub shortcode: &'a str,
    pub domain: Option<&'a str>,
    pub media_id: Option<i64>,
    pub uri: Option<&'a str>,
    pub image_remote_url: Option<&'a str>,
    pub category: Option<&'a str>,
    pub image_path: Option<&'a str>,
    pub static_path: Option<&'a str>,
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, e: &NewEmoji<'_>) -> Result<i64> {
    let id = new_id();
    let now = now_ms();
    q(format!(
        "INSERT INTO custom_emojis ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, FALSE, $10, $10)"
    ))
    .bind(id)
    .bind(e.shortcode)
    .bind(e.domain)
    .bind(e.media_id)
    .bind(e.uri)
    .bind(e.image_remote_url)
    .bind(e.category)
    .bind(e.image_path)
    .bind(e.static_path)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(id)
}

/// The emoji's image changed: a new media record takes over.
pub async fn set_image<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    media_id: i64,
    image_remote_url: Option<&str>,
    image_path: &str,
    static_path: &str,
) -> Result<()> {
    q(
        "UPDATE custom_emojis SET media_id = $2, image_remote_url = $3, image_path = $4, static_path = $5, \
       updated_at = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(media_id)
    .bind(image_remote_url)
    .bind(image_path)
    .bind(static_path)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn set_category<'a>(ex: impl Into<Exec<'a>>, id: i64, category: Option<&str>) -> Result<()> {
    q("UPDATE custom_emojis SET category = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(category)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn delete<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<bool> {
    Ok(q("DELETE FROM custom_emojis WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?
        == 1)
}

/// Links the emoji a status uses.
pub async fn attach<'a>(ex: impl Into<Exec<'a>>, status_id: i64, emoji_ids: &[i64]) -> Result<()> {
    let mut ex = ex.into();
    q("DELETE FROM status_emojis WHERE status_id = $1")
        .bind(status_id)
        .execute(ex.reborrow())
        .await?;
    for id in emoji_ids {
        q("INSERT INTO status_emojis (status_id, emoji_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(status_id)
            .bind(*id)
            .execute(ex.reborrow())
            .await?;
    }
    Ok(())
}

/// The emoji of each status among `status_ids` (one query for a page).
pub async fn of_statuses<'a>(ex: impl Into<Exec<'a>>, status_ids: &[i64]) -> Result<Vec<(i64, Emoji)>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    let cols = COLS
        .split(", ")
        .map(|c| format!("e.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    q(format!(
        "SELECT se.status_id, {cols} FROM status_emojis se JOIN custom_emojis e ON e.id = se.emoji_id \
         WHERE se.status_id IN ({}) AND e.disabled = FALSE ORDER BY e.shortcode",
        placeholders(1, status_ids.len())
    ))
    .bind_all(status_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.i64("status_id")?, from_row(r)?)))
    .collect()
}
