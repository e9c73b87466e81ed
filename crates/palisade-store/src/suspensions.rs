//! Severing every follow between local members and a suspended domain at once. Set-based:
//! a domain with tens of thousands of ties is cut in a few statements (plus one counter
//! update per thousand accounts touched), not several statements per follow, so the
//! transaction stays short even on SQLite, whose writers wait for it.

use crate::Result;
use crate::db::{Exec, Tx, placeholders, q};
use crate::domains::{literal_args, literal_covers_sql};

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
