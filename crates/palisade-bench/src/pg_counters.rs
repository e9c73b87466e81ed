//! PostgreSQL's own counts of what a run cost: transactions committed and rows written,
//! per delivery. They do not depend on the machine's load.

use std::time::Duration;

use palisade_store::{Db, census};

use crate::Result;
use crate::instance::Instance;

/// PostgreSQL's own count of transactions and rows written during the measured run,
/// divided by the deliveries: a figure the machine's load does not move.
pub struct PgCounters {
    before: Option<census::PgActivity>,
    /// Statements the benchmark itself ran until then (each one a transaction).
    own: u64,
}

impl PgCounters {
    pub async fn before(db: &Db) -> Result<PgCounters> {
        if db.backend() != palisade_store::Backend::Postgres {
            return Ok(PgCounters { before: None, own: 0 });
        }
        // Sessions publish their figures within 10 s of going idle.
        tokio::time::sleep(Duration::from_millis(10_500)).await;
        let before = census::pg_activity(db).await?;
        Ok(PgCounters {
            before,
            own: db.queries_run(),
        })
    }

    /// After the server stopped: "; per delivery: N transactions, rows written …".
    pub async fn per_delivery(&self, db: &mut Db, inst: &Instance, n: usize) -> Result<String> {
        let Some(before) = &self.before else {
            return Ok(String::new());
        };
        let own = db.queries_run() - self.own;
        // Closing our sessions publishes their figures too.
        db.close().await;
        *db = inst.database.connect().await?;
        let Some(after) = census::pg_activity(db).await? else {
            return Ok(String::new());
        };
        let n = n.max(1) as f64;
        let transactions = (after.transactions - before.transactions - own as i64) as f64 / n;
        let mut writes: Vec<(String, f64)> = after
            .writes
            .iter()
            .map(|(table, w)| {
                let old = before
                    .writes
                    .iter()
                    .find(|(t, _)| t == table)
                    .map_or(0, |(_, w)| *w);
                (table.clone(), (w - old) as f64 / n)
            })
            .filter(|(_, w)| *w >= 0.05)
            .collect();
        writes.sort_by(|a, b| b.1.total_cmp(&a.1));
        let writes: Vec<String> = writes.iter().map(|(t, w)| format!("{t} {w:.1}")).collect();
        Ok(format!(
            "; per delivery (PostgreSQL's counters): {transactions:.1} transactions, rows written: {}",
            writes.join(", ")
        ))
    }
}
