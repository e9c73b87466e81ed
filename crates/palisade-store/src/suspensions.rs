//! Severing every follow between local members and a suspended domain at once. Set-based:
//! a domain with tens of thousands of ties is cut in a few statements (plus one counter
//! update per thousand accounts touched), not several statements per follow, so the
//! transaction stays short even on SQLite, whose writers wait for it.

use crate::db::{Exec, Tx, placeholders, q};
use crate::domains::{covers_sql, literal_args, literal_covers_sql};
use crate::{Result, ids::new_id};

/// What one member lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberLoss {
    pub member: i64,
    /// Accounts there that followed the member.
    pub followers: i64,
    /// Accounts there the member followed.
    pub following: i64,
}

/// `FROM {table} f` joined to both sides, with one side local and the other on the domain
/// (placeholders from `$n`).
fn ties_sql(table: &str, n: usize) -> String {
    format!(
        "FROM {table} f JOIN accounts x ON x.id = f.account_id JOIN accounts y ON y.id = f.target_account_id \
         WHERE (x.domain IS NULL AND {}) OR (y.domain IS NULL AND {})",
        literal_covers_sql("y.domain", n),
        literal_covers_sql("x.domain", n)
    )
}

/// Cuts every follow and follow request between members and `domain` (subdomains and
/// ports included), keeping the accepted follows under `event_id` so that a lift can
/// restore them, fixing the followers/following counters of both sides, and removing the
/// domain's notifications and home-feed entries. Returns each member's losses.
pub async fn sever_all(tx: &mut Tx, domain: &str, event_id: i64) -> Result<Vec<MemberLoss>> {
    let args = literal_args(domain);
    let losses = q(format!(
        "SELECT m, CAST(SUM(fe) AS BIGINT), CAST(SUM(fo) AS BIGINT) FROM (\
           SELECT f.account_id AS m, 0 AS fe, 1 AS fo {out} \
           UNION ALL SELECT f.target_account_id AS m, 1 AS fe, 0 AS fo {inc}\
         ) AS lost GROUP BY m ORDER BY m",
        out = format_args!(
            "FROM follows f JOIN accounts x ON x.id = f.account_id JOIN accounts y ON y.id = f.target_account_id \
             WHERE x.domain IS NULL AND {}",
            literal_covers_sql("y.domain", 1)
        ),
        inc = format_args!(
            "FROM follows f JOIN accounts x ON x.id = f.account_id JOIN accounts y ON y.id = f.target_account_id \
             WHERE y.domain IS NULL AND {}",
            literal_covers_sql("x.domain", 1)
        ),
    ))
    .bind_all(args.clone())
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        Ok(MemberLoss {
            member: r.i64_at(0)?,
            followers: r.i64_at(1)?,
            following: r.i64_at(2)?,
        })
    })
    .collect::<Result<Vec<_>>>()?;

    // Every account on either side, for the counters once the follows are gone.
    let touched: Vec<i64> = q(format!(
        "SELECT f.account_id {ties} UNION SELECT f.target_account_id {ties}",
        ties = ties_sql("follows", 1)
    ))
    .bind_all(args.clone())
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.i64_at(0))
    .collect::<Result<_>>()?;

    // Kept under the follow's own id: unique, and a restored follow gets a new one.
    q(format!(
        "INSERT INTO severed_relationships (id, event_id, account_id, target_account_id, show_reblogs, notify, \
           languages, uri, created_at) \
         SELECT f.id, $1, f.account_id, f.target_account_id, f.show_reblogs, f.notify, f.languages, f.uri, f.created_at {}",
        ties_sql("follows", 2)
    ))
    .bind(event_id)
    .bind_all(args.clone())
    .execute(&mut *tx)
    .await?;
    for table in ["follows", "follow_requests"] {
        q(format!(
            "DELETE FROM {table} WHERE id IN (SELECT f.id {})",
            ties_sql(table, 1)
        ))
        .bind_all(args.clone())
        .execute(&mut *tx)
        .await?;
    }
    for chunk in touched.chunks(1000) {
        recount(&mut *tx, chunk).await?;
    }
    // Their notifications to anyone here, and their posts in home feeds.
    for sql in [
        "DELETE FROM notifications WHERE from_account_id IN (SELECT id FROM accounts a WHERE {on})",
        "DELETE FROM home_feed WHERE author_id IN (SELECT id FROM accounts a WHERE {on})",
    ] {
        q(sql.replace("{on}", &literal_covers_sql("a.domain", 1)))
            .bind_all(args.clone())
            .execute(&mut *tx)
            .await?;
    }
    Ok(losses)
}

/// Sets the followers and following counters of `ids` from the follows that remain.
async fn recount<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    q(format!(
        "UPDATE accounts SET \
           followers_count = (SELECT COUNT(*) FROM follows f WHERE f.target_account_id = accounts.id), \
           following_count = (SELECT COUNT(*) FROM follows f WHERE f.account_id = accounts.id) \
         WHERE id IN ({})",
        placeholders(1, ids.len())
    ))
    .bind_all(ids.iter().copied())
    .execute(ex)
    .await?;
    Ok(())
}

/// Restores what `sever_all` kept under `event_id`: every severed follow whose two accounts
/// are still here, with no block between them and no domain block of the local side's own
/// covering the other side, comes back under a new id (one already back is left alone);
/// the counters of both sides are recounted and each restored follower's home feed gets
/// the followed account's recent posts (`backfill` of them, as a new follow does).
/// Set-based: one read, then a statement per 500 follows, per 1,000 accounts recounted and
/// per 1,000 feeds backfilled. Returns how many follows came back.
pub async fn restore_all(tx: &mut Tx, event_id: i64, backfill: i64) -> Result<usize> {
    let rows = q(format!(
        "SELECT s.account_id, s.target_account_id, s.show_reblogs, s.notify, s.languages, s.uri, s.created_at \
         FROM severed_relationships s JOIN accounts a ON a.id = s.account_id \
           JOIN accounts b ON b.id = s.target_account_id \
         WHERE s.event_id = $1 \
           AND NOT EXISTS (SELECT 1 FROM blocks k WHERE (k.account_id = a.id AND k.target_account_id = b.id) \
                OR (k.account_id = b.id AND k.target_account_id = a.id)) \
           AND NOT EXISTS (SELECT 1 FROM account_domain_blocks d WHERE \
                (d.account_id = a.id AND a.domain IS NULL AND b.domain IS NOT NULL AND {}) \
                OR (d.account_id = b.id AND b.domain IS NULL AND a.domain IS NOT NULL AND {})) \
         ORDER BY s.id",
        covers_sql("d.domain", "b.domain"),
        covers_sql("d.domain", "a.domain")
    ))
    .bind(event_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut restored: Vec<i64> = Vec::new();
    for chunk in rows.chunks(500) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", placeholders(i * 8 + 1, 8)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut insert = q(format!(
            "INSERT INTO follows (id, account_id, target_account_id, show_reblogs, notify, languages, uri, created_at) \
             VALUES {values} ON CONFLICT (account_id, target_account_id) DO NOTHING RETURNING id"
        ));
        for r in chunk {
            insert = insert
                .bind(new_id())
                .bind(r.i64("account_id")?)
                .bind(r.i64("target_account_id")?)
                .bind(r.bool("show_reblogs")?)
                .bind(r.bool("notify")?)
                .bind(r.opt_string("languages")?)
                .bind(r.opt_string("uri")?)
                .bind(r.i64("created_at")?);
        }
        for row in insert.fetch_all(&mut *tx).await? {
            restored.push(row.i64("id")?);
        }
    }
    if restored.is_empty() {
        return Ok(0);
    }
    let mut touched: Vec<i64> = Vec::with_capacity(rows.len() * 2);
    for r in &rows {
        touched.push(r.i64("account_id")?);
        touched.push(r.i64("target_account_id")?);
    }
    touched.sort_unstable();
    touched.dedup();
    for chunk in touched.chunks(1000) {
        recount(&mut *tx, chunk).await?;
    }
    for chunk in restored.chunks(1000) {
        backfill_follows(&mut *tx, chunk, backfill).await?;
    }
    Ok(restored.len())
}

/// Fills the home feeds of the local followers of the follows `ids` with the last `limit`
/// posts of the accounts they follow (boosts only where the follow shows them), the rule of
/// `feeds::backfill` for many follows in one statement.
async fn backfill_follows<'a>(ex: impl Into<Exec<'a>>, ids: &[i64], limit: i64) -> Result<()> {
    let follows = placeholders(2, ids.len());
    q(format!(
        "INSERT INTO home_feed (account_id, status_id, author_id) \
         SELECT f.account_id, r.id, r.account_id FROM follows f \
           JOIN accounts me ON me.id = f.account_id AND me.domain IS NULL \
           JOIN (SELECT id, account_id, reblog_of_id, \
                   ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY id DESC) AS n_all, \
                   ROW_NUMBER() OVER (PARTITION BY account_id, reblog_of_id IS NULL ORDER BY id DESC) AS n_kind \
                 FROM statuses WHERE account_id IN (SELECT target_account_id FROM follows WHERE id IN ({follows})) \
                   AND visibility IN ('public', 'unlisted', 'private') \
                   AND (in_reply_to_id IS NULL OR in_reply_to_account_id = account_id)) r \
             ON r.account_id = f.target_account_id \
         WHERE f.id IN ({follows}) \
           AND ((f.show_reblogs AND r.n_all <= $1) OR (r.reblog_of_id IS NULL AND r.n_kind <= $1)) \
         ON CONFLICT DO NOTHING"
    ))
    .bind(limit)
    .bind_all(ids.iter().copied())
    .execute(ex)
    .await?;
    Ok(())
}
