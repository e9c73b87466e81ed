//! Schema migrations, embedded in the binary and applied in order on start.

use crate::db::{Backend, Db, q};
use crate::{Result, now_ms};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "core",
        sqlite: include_str!("../migrations/sqlite/0001_core.sql"),
        postgres: include_str!("../migrations/postgres/0001_core.sql"),
    },
    Migration {
        version: 2,
        name: "social_extras",
        sqlite: include_str!("../migrations/sqlite/0002_social_extras.sql"),
        postgres: include_str!("../migrations/postgres/0002_social_extras.sql"),
    },
    Migration {
        version: 3,
        name: "federation",
        sqlite: include_str!("../migrations/sqlite/0003_federation.sql"),
        postgres: include_str!("../migrations/postgres/0003_federation.sql"),
    },
    Migration {
        version: 4,
        name: "reports",
        sqlite: include_str!("../migrations/sqlite/0004_reports.sql"),
        postgres: include_str!("../migrations/postgres/0004_reports.sql"),
    },
    Migration {
        version: 5,
        name: "federation_control",
        sqlite: include_str!("../migrations/sqlite/0005_federation_control.sql"),
        postgres: include_str!("../migrations/postgres/0005_federation_control.sql"),
    },
    Migration {
        version: 6,
        name: "reports_api",
        sqlite: include_str!("../migrations/sqlite/0006_reports_api.sql"),
        postgres: include_str!("../migrations/postgres/0006_reports_api.sql"),
    },
    Migration {
        version: 7,
        name: "peer_health",
        sqlite: include_str!("../migrations/sqlite/0007_peer_health.sql"),
        postgres: include_str!("../migrations/postgres/0007_peer_health.sql"),
    },
    Migration {
        version: 8,
        name: "peer_software",
        sqlite: include_str!("../migrations/sqlite/0008_peer_software.sql"),
        postgres: include_str!("../migrations/postgres/0008_peer_software.sql"),
    },
    Migration {
        version: 9,
        name: "job_pipeline",
        sqlite: include_str!("../migrations/sqlite/0009_job_pipeline.sql"),
        postgres: include_str!("../migrations/postgres/0009_job_pipeline.sql"),
    },
    Migration {
        version: 10,
        name: "web",
        sqlite: include_str!("../migrations/sqlite/0010_web.sql"),
        postgres: include_str!("../migrations/postgres/0010_web.sql"),
    },
    Migration {
        version: 11,
        name: "media",
        sqlite: include_str!("../migrations/sqlite/0011_media.sql"),
        postgres: include_str!("../migrations/postgres/0011_media.sql"),
    },
    Migration {
        version: 12,
        name: "client_api",
        sqlite: include_str!("../migrations/sqlite/0012_client_api.sql"),
        postgres: include_str!("../migrations/postgres/0012_client_api.sql"),
    },
    Migration {
        version: 13,
        name: "hostile_input",
        sqlite: include_str!("../migrations/sqlite/0013_hostile_input.sql"),
        postgres: include_str!("../migrations/postgres/0013_hostile_input.sql"),
    },
    Migration {
        version: 15,
        name: "scheduled_media",
        sqlite: include_str!("../migrations/sqlite/0015_scheduled_media.sql"),
        postgres: include_str!("../migrations/postgres/0015_scheduled_media.sql"),
    },
];

/// The advisory lock PostgreSQL processes take while migrating (any fixed number).
const MIGRATION_LOCK: i64 = 0x7061_6c69_7361_6465; // "palisade"

/// Applies every migration not yet recorded in `schema_migrations`, all in one transaction;
/// returns how many ran. Processes started together on a fresh database take turns: on
/// PostgreSQL an advisory lock held by the transaction, on SQLite its write lock
/// (`BEGIN IMMEDIATE`). The second one then finds everything applied.
pub async fn migrate(db: &Db) -> Result<usize> {
    let mut tx = db.begin().await?;
    if db.backend() == Backend::Postgres {
        q("SELECT pg_advisory_xact_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut tx)
            .await?;
    }
    tx.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let applied: Vec<i64> = q("SELECT version FROM schema_migrations")
        .fetch_all(&mut tx)
        .await?
        .iter()
        .map(|r| r.i64_at(0))
        .collect::<Result<_>>()?;
    let mut ran = 0;
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let sql = match db.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        tx.execute_script(sql).await?;
        q("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(now_ms())
            .execute(&mut tx)
            .await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        ran += 1;
    }
    tx.commit().await?;
    Ok(ran)
}
