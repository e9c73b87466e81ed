//! Preview cards: the page behind the first link of a status, fetched in the background.

use crate::db::{Exec, Row, placeholders, q};
use crate::{Result, ids::new_id, now_ms};

#[derive(Clone, Debug, Default)]
pub struct Card {
    pub id: i64,
    pub url: String,
    /// `pending`, `ready`, `failed`.
    pub state: String,
    /// `link`, `photo`, `video`, `rich`.
    pub kind: String,
    pub title: String,
    pub description: String,
    pub author_name: String,
    pub author_url: String,
    pub provider_name: String,
    pub provider_url: String,
    pub language: Option<String>,
    pub published_at: Option<i64>,
    pub image_media_id: Option<i64>,
    /// As served: `proxy/MEDIA_ID/original`.
    pub image_path: Option<String>,
    pub image_width: Option<i64>,
    pub image_height: Option<i64>,
    pub blurhash: Option<String>,
    pub error: Option<String>,
    pub fetched_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLS: &str = "id, url, state, kind, title, description, author_name, author_url, provider_name, \
    provider_url, language, published_at, image_media_id, image_path, image_width, image_height, blurhash, \
    error, fetched_at, created_at, updated_at";

fn from_row(r: &Row) -> Result<Card> {
    Ok(Card {
        id: r.i64("id")?,
        url: r.string("url")?,
        state: r.string("state")?,
        kind: r.string("kind")?,
        title: r.string("title")?,
        description: r.string("description")?,
        author_name: r.string("author_name")?,
        author_url: r.string("author_url")?,
        provider_name: r.string("provider_name")?,
        provider_url: r.string("provider_url")?,
        language: r.opt_string("language")?,
        published_at: r.opt_i64("published_at")?,
        image_media_id: r.opt_i64("image_media_id")?,
        image_path: r.opt_string("image_path")?,
        image_width: r.opt_i64("image_width")?,
        image_height: r.opt_i64("image_height")?,
        blurhash: r.opt_string("blurhash")?,
        error: r.opt_string("error")?,
        fetched_at: r.opt_i64("fetched_at")?,
        created_at: r.i64("created_at")?,
        updated_at: r.i64("updated_at")?,
    })
}

pub async fn by_url<'a>(ex: impl Into<Exec<'a>>, url: &str) -> Result<Option<Card>> {
    q(format!("SELECT {COLS} FROM preview_cards WHERE url = $1"))
        .bind(url)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn by_id<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Card>> {
    q(format!("SELECT {COLS} FROM preview_cards WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The card of `url`, created pending when new; returns it.
pub async fn ensure<'a>(ex: impl Into<Exec<'a>>, url: &str) -> Result<Card> {
    let mut ex = ex.into();
    let now = now_ms();
    q("INSERT INTO preview_cards (id, url, state, created_at, updated_at) VALUES ($1, $2, 'pending', $3, $3) \
       ON CONFLICT (url) DO NOTHING")
    .bind(new_id())
    .bind(url)
    .bind(now)
    .execute(ex.reborrow())
    .await?;
    by_url(ex, url).await?.ok_or(crate::StoreError::NotFound)
}

/// What the page said.
pub async fn set_ready<'a>(ex: impl Into<Exec<'a>>, c: &Card) -> Result<()> {
    q("UPDATE preview_cards SET state = 'ready', kind = $2, title = $3, description = $4, author_name = $5, \
       author_url = $6, provider_name = $7, provider_url = $8, language = $9, published_at = $10, \
       image_media_id = $11, image_path = $12, image_width = $13, image_height = $14, blurhash = $15, \
       error = NULL, fetched_at = $16, updated_at = $16 WHERE id = $1")
    .bind(c.id)
    .bind(&c.kind)
    .bind(&c.title)
    .bind(&c.description)
    .bind(&c.author_name)
    .bind(&c.author_url)
    .bind(&c.provider_name)
    .bind(&c.provider_url)
    .bind(&c.language)
    .bind(c.published_at)
    .bind(c.image_media_id)
    .bind(&c.image_path)
    .bind(c.image_width)
    .bind(c.image_height)
    .bind(&c.blurhash)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn set_failed<'a>(ex: impl Into<Exec<'a>>, id: i64, error: &str) -> Result<()> {
    q("UPDATE preview_cards SET state = 'failed', error = $2, fetched_at = $3, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(error)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn link<'a>(ex: impl Into<Exec<'a>>, status_id: i64, card_id: i64) -> Result<()> {
    q("INSERT INTO status_cards (status_id, card_id) VALUES ($1, $2) \
       ON CONFLICT (status_id) DO UPDATE SET card_id = excluded.card_id")
    .bind(status_id)
    .bind(card_id)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn unlink<'a>(ex: impl Into<Exec<'a>>, status_id: i64) -> Result<()> {
    q("DELETE FROM status_cards WHERE status_id = $1")
        .bind(status_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// The ready cards of statuses among `status_ids` (one query for a page).
pub async fn of_statuses<'a>(ex: impl Into<Exec<'a>>, status_ids: &[i64]) -> Result<Vec<(i64, Card)>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    let cols = COLS
        .split(", ")
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    q(format!(
        "SELECT sc.status_id, {cols} FROM status_cards sc JOIN preview_cards c ON c.id = sc.card_id \
         WHERE sc.status_id IN ({}) AND c.state = 'ready'",
        placeholders(1, status_ids.len())
    ))
    .bind_all(status_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.i64("status_id")?, from_row(r)?)))
    .collect()
}
