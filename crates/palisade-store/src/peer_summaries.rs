//! Every peer's ties and figures at once, for the admin list: a fixed number of grouped
//! queries however many peers there are (one peer at a time would be ~9 queries each).

use std::collections::HashMap;

use crate::Result;
use crate::db::{Exec, q};
use crate::peers::Ties;

/// `(domain, n)` rows of a grouped count, into `slot` of each domain's ties.
async fn fill(
    ex: Exec<'_>,
    sql: &str,
    ties: &mut HashMap<String, Ties>,
    slot: fn(&mut Ties) -> &mut i64,
) -> Result<()> {
    for r in q(sql).fetch_all(ex).await? {
        let domain = r.string_at(0)?;
        *slot(ties.entry(domain).or_default()) = r.i64_at(1)?;
    }
    Ok(())
}

/// Ties with every remote domain, keyed by domain (as stored: lowercase host, with a port).
/// Statuses are the accounts' counters of what is stored here.
pub async fn all_ties<'a>(ex: impl Into<Exec<'a>>) -> Result<HashMap<String, Ties>> {
    let mut ex = ex.into();
    let mut ties = HashMap::new();
    fill(
        ex.reborrow(),
        "SELECT domain, COUNT(*) FROM accounts WHERE domain IS NOT NULL GROUP BY domain",
        &mut ties,
        |t| &mut t.accounts,
    )
    .await?;
    fill(
        ex.reborrow(),
        "SELECT domain, CAST(SUM(statuses_count) AS BIGINT) FROM accounts WHERE domain IS NOT NULL GROUP BY domain",
        &mut ties,
        |t| &mut t.statuses,
    )
    .await?;
    fill(
        ex.reborrow(),
        "SELECT t.domain, COUNT(DISTINCT f.account_id) FROM follows f \
         JOIN accounts t ON t.id = f.target_account_id JOIN accounts me ON me.id = f.account_id \
         WHERE t.domain IS NOT NULL AND me.domain IS NULL GROUP BY t.domain",
        &mut ties,
        |t| &mut t.local_followers_of_them,
    )
    .await?;
    fill(
        ex.reborrow(),
        "SELECT them.domain, COUNT(DISTINCT f.account_id) FROM follows f \
         JOIN accounts them ON them.id = f.account_id JOIN accounts me ON me.id = f.target_account_id \
         WHERE them.domain IS NOT NULL AND me.domain IS NULL GROUP BY them.domain",
        &mut ties,
        |t| &mut t.their_followers_of_us,
    )
    .await?;
    fill(
        ex,
        "SELECT d, COUNT(*) FROM (\
           SELECT x.domain AS d FROM follows f JOIN accounts x ON x.id = f.account_id \
             JOIN accounts y ON y.id = f.target_account_id WHERE x.domain IS NOT NULL AND y.domain IS NULL \
           UNION ALL \
           SELECT y.domain AS d FROM follows f JOIN accounts x ON x.id = f.account_id \
             JOIN accounts y ON y.id = f.target_account_id WHERE x.domain IS NULL AND y.domain IS NOT NULL\
         ) AS ties GROUP BY d",
        &mut ties,
        |t| &mut t.relationships,
    )
    .await?;
    Ok(ties)
}

/// Outcome counts per peer since hour `from_hour`: domain → [(outcome, count)].
pub async fn stats_since_all<'a>(
    ex: impl Into<Exec<'a>>,
    from_hour: i64,
) -> Result<HashMap<String, Vec<(String, i64)>>> {
    let mut out: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    for r in q(
        "SELECT domain, outcome, CAST(SUM(count) AS BIGINT) FROM peer_stats_hourly \
                WHERE hour >= $1 GROUP BY domain, outcome ORDER BY domain, outcome",
    )
    .bind(from_hour)
    .fetch_all(ex)
    .await?
    {
        out.entry(r.string_at(0)?)
            .or_default()
            .push((r.string_at(1)?, r.i64_at(2)?));
    }
    Ok(out)
}
