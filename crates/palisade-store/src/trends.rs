//! What is trending, simply counted from recent public activity: hashtags and links (preview
//! cards) shared by the most accounts, statuses with the most boosts and favourites. Each
//! reads a recent id range.

use crate::Result;
use crate::db::{Exec, q};

/// Tags of public statuses newer than `since_id`, by distinct accounts then uses:
/// (tag id, name).
pub async fn tags<'a>(
    ex: impl Into<Exec<'a>>,
    since_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<(i64, String)>> {
    q(
        "SELECT t.id, t.name, COUNT(DISTINCT s.account_id) AS accounts, COUNT(*) AS uses \
       FROM status_tags st JOIN statuses s ON s.id = st.status_id JOIN tags t ON t.id = st.tag_id \
       WHERE st.status_id > $1 AND s.visibility = 'public' AND s.reblog_of_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = s.account_id AND a.suspended_at IS NOT NULL) \
       GROUP BY t.id, t.name ORDER BY accounts DESC, uses DESC, t.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(since_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.i64("id")?, r.string("name")?)))
    .collect()
}

/// Public original statuses newer than `since_id` that were boosted or favourited, most
/// first.
pub async fn statuses<'a>(
    ex: impl Into<Exec<'a>>,
    since_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<i64>> {
    q(
        "SELECT s.id FROM statuses s WHERE s.id > $1 AND s.visibility = 'public' AND s.reblog_of_id IS NULL \
         AND s.reblogs_count + s.favourites_count > 0 \
         AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = s.account_id AND a.suspended_at IS NOT NULL) \
       ORDER BY s.reblogs_count + s.favourites_count DESC, s.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(since_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("id"))
    .collect()
}

/// Ready preview cards of public original statuses newer than `since_id`, by distinct
/// accounts then uses: card ids.
pub async fn links<'a>(ex: impl Into<Exec<'a>>, since_id: i64, limit: i64, offset: i64) -> Result<Vec<i64>> {
    q(
        "SELECT sc.card_id, COUNT(DISTINCT s.account_id) AS accounts, COUNT(*) AS uses \
       FROM status_cards sc JOIN statuses s ON s.id = sc.status_id JOIN preview_cards c ON c.id = sc.card_id \
       WHERE sc.status_id > $1 AND s.visibility = 'public' AND s.reblog_of_id IS NULL AND c.state = 'ready' \
         AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = s.account_id AND a.suspended_at IS NOT NULL) \
       GROUP BY sc.card_id ORDER BY accounts DESC, uses DESC, sc.card_id DESC LIMIT $2 OFFSET $3",
    )
    .bind(since_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("card_id"))
    .collect()
}

/// A link's uses per day (public statuses showing its card): (day start, uses, accounts).
pub async fn link_history<'a>(
    ex: impl Into<Exec<'a>>,
    card_id: i64,
    day_starts: &[i64],
) -> Result<Vec<(i64, i64, i64)>> {
    per_day(
        ex,
        "SELECT COUNT(*) AS uses, COUNT(DISTINCT s.account_id) AS accounts \
         FROM status_cards sc JOIN statuses s ON s.id = sc.status_id \
         WHERE sc.card_id = $1 AND sc.status_id >= $2 AND sc.status_id < $3 AND s.visibility = 'public'",
        card_id,
        day_starts,
    )
    .await
}

/// Runs `sql` (binding `id` as `$1` and a day's status id range as `$2`, `$3`; selecting
/// `uses` and `accounts`) for each day: (day start, uses, accounts).
pub(crate) async fn per_day<'a>(
    ex: impl Into<Exec<'a>>,
    sql: &'static str,
    id: i64,
    day_starts: &[i64],
) -> Result<Vec<(i64, i64, i64)>> {
    let mut out = Vec::with_capacity(day_starts.len());
    let mut exec = ex.into();
    for &start in day_starts {
        let row = q(sql)
            .bind(id)
            .bind(crate::ids::min_id_at(start))
            .bind(crate::ids::min_id_at(start + 86_400_000))
            .fetch_one(exec.reborrow())
            .await?;
        out.push((start, row.i64("uses")?, row.i64("accounts")?));
    }
    Ok(out)
}
