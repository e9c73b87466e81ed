//! Palisade's storage: the only crate with SQL in it. One module per aggregate; each function
//! runs on SQLite and PostgreSQL alike (dialect branches stay inside this crate).

pub mod account_media;
pub mod accounts;
pub mod announcements;
pub mod apps;
pub mod bulk;
pub mod cards;
pub mod census;
pub mod conversations;
mod db;
pub mod domain_blocks;
pub mod domain_policies;
pub mod domain_views;
pub mod domains;
pub mod emojis;
pub mod featured_tags;
pub mod feeds;
pub mod filters;
pub mod ids;
pub mod instance_settings;
pub mod interactions;
pub mod jobs;
pub mod kinds;
pub mod lists;
pub mod markers;
pub mod media;
mod media_cache;
mod migrate;
pub mod notification_requests;
pub mod notifications;
mod page;
pub mod peer_summaries;
pub mod peers;
pub mod plans;
pub mod polls;
pub mod profiles;
pub mod push;
pub mod relationships;
pub mod reports;
pub mod scheduled;
pub mod severances;
pub mod signals;
pub mod statuses;
pub mod suggestions;
pub mod suspensions;
pub mod tags;
pub mod testing;
pub mod tombstones;
pub mod trends;
pub mod users;
pub mod web_sessions;

pub use db::{
    Arg, Backend, Db, Exec, Row, Tx, durability_relaxed, placeholders, q, qualified, relaxed_durability,
};
pub use kinds::{Severity, Visibility};
pub use migrate::migrate;
pub use page::{Page, PageQuery};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("database configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Sqlx(sqlx::Error),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Conflict(d.message().to_owned())
            }
            _ => StoreError::Sqlx(e),
        }
    }
}

impl StoreError {
    /// The database could not be reached or is too busy (as opposed to a bad query): the
    /// same request may work in a moment.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlx(
                sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
            )
        ) || matches!(self, StoreError::Sqlx(sqlx::Error::Database(d))
        if d.code().is_some_and(|c| {
            // SQLite: busy. PostgreSQL: shutting down or restarting, too many
            // connections, and the connection exceptions (class 08).
            c == "5" || c == "57P01" || c == "57P02" || c == "57P03" || c == "53300" || c.starts_with("08")
        }))
    }

    /// The database's disk is full (SQLite `SQLITE_FULL`, PostgreSQL `disk_full`): the
    /// write did not happen; reads still work, and writes again once space is freed.
    pub fn is_storage_full(&self) -> bool {
        matches!(self, StoreError::Sqlx(sqlx::Error::Database(d))
            if d.code().is_some_and(|c| c == "13" || c == "53100"))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Current time as Unix milliseconds, the unit of every timestamp column.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
