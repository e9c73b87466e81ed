//! A thin, backend-neutral layer over sqlx's SQLite and PostgreSQL drivers.
//!
//! Queries are written once with `$1`-style placeholders (sqlx's SQLite driver maps `$N` to
//! argument N) in SQL that both dialects accept; where dialects differ, a store function
//! branches on [`Db::backend`]. We avoid sqlx's `Any` driver and its macros on purpose: this
//! keeps the build lean and every query plain text.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Postgres, Row as _, Sqlite, Transaction};

use crate::StoreError;
use crate::signals::{self, Bells, LiveBus};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to one of the two supported databases.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    /// Statements run so far: lets tests prove a page costs a constant number of queries.
    queries: Arc<AtomicU64>,
    /// Of those, the ones run inside transactions (on SQLite, while holding the one write
    /// lock): what bounds the rate of writes.
    in_transactions: Arc<AtomicU64>,
    /// The job runners' wake-up bells.
    bells: Arc<Bells>,
    /// Live events for streaming clients.
    live: Arc<LiveBus>,
    /// SQLite: this process's writers queue here for the one write lock, in order, instead
    /// of retrying in SQLite's busy handler (which sleeps, and lets late comers overtake).
    writer: Option<Arc<tokio::sync::Mutex<()>>>,
}

tokio::task_local! {
    /// Set for background work whose effects may be lost in a crash because the work is
    /// done again: see [`relaxed_durability`].
    static RELAXED: bool;
}

/// Runs `work` with its PostgreSQL transactions committed without waiting for the WAL to
/// reach the disk (`synchronous_commit = off`). Only for jobs whose handling is idempotent:
/// a crash loses at most the last few hundred milliseconds of commits, always a suffix, so
/// a job whose effects were lost also lost its completion and runs again. Never for what
/// answers a client or a peer (a 202 or a 200 promises durability). SQLite already commits
/// without a sync per transaction (WAL, `synchronous = NORMAL`).
/// Whether the running task's transactions are committed without waiting for the disk
/// (inside [`relaxed_durability`]).
pub fn durability_relaxed() -> bool {
    RELAXED.try_with(|r| *r).unwrap_or(false)
}

pub async fn relaxed_durability<F: std::future::Future>(work: F) -> F::Output {
    RELAXED.scope(true, work).await
}

/// How long a transaction waits for its turn to write (SQLite), as the busy timeout.
const WRITE_WAIT: Duration = Duration::from_secs(10);

/// Opens the pool. A new database file is switched to WAL on its first connection, under
/// a lock SQLite cannot wait for (the busy timeout does not apply): processes opening one
/// new file at the same moment (a web and a worker started together) get "database is
/// locked" until one of them has switched it, so they try again for up to five seconds.
async fn connect_sqlite(opts: SqliteConnectOptions) -> Result<SqlitePool> {
    let mut tries = 0;
    loop {
        let opened = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts.clone())
            .await;
        match opened {
            Err(sqlx::Error::Database(e)) if tries < 100 && is_busy(e.code().as_deref()) => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => return Ok(other?),
        }
    }
}

/// SQLITE_BUSY, or one of its extended codes.
fn is_busy(code: Option<&str>) -> bool {
    code.and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| c & 0xff == 5)
}

/// `BEGIN IMMEDIATE` on a connection of the pool, healing the pool first when the one it
/// gave is still inside a failed transaction (a full disk, below); a few tries, as several
/// connections may need it while the disk is still full.
async fn begin_sqlite(p: &SqlitePool) -> Result<Transaction<'static, Sqlite>> {
    for _ in 0..3 {
        match p.begin_with("BEGIN IMMEDIATE").await {
            Err(sqlx::Error::InvalidSavePointStatement) => heal_sqlite(p).await,
            other => return Ok(other?),
        }
    }
    Ok(p.begin_with("BEGIN IMMEDIATE").await?)
}

/// After a write failed on a full disk, SQLite may keep that connection's transaction open
/// (its rollback failed while the failed statement was still in progress), and sqlx then
/// refuses to begin another on it. Every connection is rolled back now, and one that still
/// cannot be is closed: once space is freed, writes work again without a restart.
async fn heal_sqlite(p: &SqlitePool) {
    let mut held = Vec::new();
    for _ in 0..p.size() {
        let Ok(Ok(mut conn)) = tokio::time::timeout(Duration::from_millis(200), p.acquire()).await else {
            break;
        };
        match sqlx::query("ROLLBACK").execute(&mut *conn).await {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.message().contains("no transaction is active") => {}
            Err(e) => {
                tracing::warn!(error = %e, "closing a SQLite connection left inside a transaction");
                conn.close_on_drop();
            }
        }
        held.push(conn);
    }
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    /// Connects to `sqlite:PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db {
                pool: Pool::Postgres(pool),
                queries: Arc::default(),
                in_transactions: Arc::default(),
                bells: Arc::default(),
                live: Arc::default(),
                writer: None,
            })
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Read pages in place from the file's mapping instead of copying them into
                // each connection's cache again after every commit of another connection.
                .pragma("mmap_size", "268435456");
            let pool = connect_sqlite(opts).await?;
            Ok(Db {
                pool: Pool::Sqlite(pool),
                queries: Arc::default(),
                in_transactions: Arc::default(),
                bells: Arc::default(),
                live: Arc::default(),
                writer: Some(Arc::default()),
            })
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL {url:?}: use sqlite:PATH or postgres://…"
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`)
    /// so that two writers never deadlock upgrading read locks.
    pub async fn begin(&self) -> Result<Tx> {
        let turn = match &self.writer {
            Some(w) => Some(
                tokio::time::timeout(WRITE_WAIT, w.clone().lock_owned())
                    .await
                    .map_err(|_| StoreError::Sqlx(sqlx::Error::PoolTimedOut))?,
            ),
            None => None,
        };
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx {
                inner: TxInner::Sqlite(begin_sqlite(p).await?),
                queries: self.queries.clone(),
                in_transactions: self.in_transactions.clone(),
                bells: self.bells.clone(),
                ring: Vec::new(),
                live: self.live.clone(),
                events: Vec::new(),
                _turn: turn,
            },
            Pool::Postgres(p) => Tx {
                inner: TxInner::Postgres({
                    let mut t = p.begin().await?;
                    if RELAXED.try_with(|r| *r).unwrap_or(false) {
                        sqlx::query("SET LOCAL synchronous_commit TO off")
                            .execute(&mut *t)
                            .await?;
                    }
                    t
                }),
                queries: self.queries.clone(),
                in_transactions: self.in_transactions.clone(),
                bells: self.bells.clone(),
                ring: Vec::new(),
                live: self.live.clone(),
                events: Vec::new(),
                _turn: turn,
            },
        })
    }

    /// Runs a script of several statements (migrations).
    pub async fn execute_script(&self, sql: &str) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(p).await?;
            }
            Pool::Postgres(p) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(p).await?;
            }
        }
        Ok(())
    }

    /// The job runners' bells (see `signals`).
    pub fn bells(&self) -> &Bells {
        &self.bells
    }

    /// Live events for streaming clients (see `signals`).
    pub fn live(&self) -> &LiveBus {
        &self.live
    }

    /// Publishes a live event now (outside a transaction): to this process and, on
    /// PostgreSQL, to the others.
    pub async fn publish_live(&self, payload: &str) -> Result<()> {
        if let Pool::Postgres(p) = &self.pool {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(signals::LIVE_CHANNEL)
                .bind(self.live.wire(payload))
                .execute(p)
                .await?;
        }
        self.live.publish_local(payload);
        Ok(())
    }

    /// A connection string's pool, for PostgreSQL's `LISTEN` (which needs its own connection).
    pub(crate) fn pg_pool(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Postgres(p) => Some(p),
            Pool::Sqlite(_) => None,
        }
    }

    /// How many statements ran through this pool (and its transactions) so far.
    pub fn queries_run(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// How many of them ran inside transactions.
    pub fn queries_in_transactions(&self) -> u64 {
        self.in_transactions.load(Ordering::Relaxed)
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// An open transaction; dropped without [`Tx::commit`] it rolls back.
pub struct Tx {
    inner: TxInner,
    queries: Arc<AtomicU64>,
    in_transactions: Arc<AtomicU64>,
    bells: Arc<Bells>,
    /// Queues that got a job in this transaction: rung when it commits.
    ring: Vec<String>,
    live: Arc<LiveBus>,
    /// Live events published when (and only if) this transaction commits.
    events: Vec<String>,
    /// Held until the transaction ends (SQLite's one writer at a time, see `Db::writer`).
    /// Declared last: fields drop in order, and the turn must outlive the transaction.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn commit(mut self) -> Result<()> {
        // PostgreSQL delivers a NOTIFY when (and only if) its transaction commits.
        for queue in std::mem::take(&mut self.ring) {
            if let TxInner::Postgres(t) = &mut self.inner {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(signals::CHANNEL)
                    .bind(&queue)
                    .execute(&mut **t)
                    .await?;
            }
            self.ring.push(queue);
        }
        if let TxInner::Postgres(t) = &mut self.inner {
            for payload in &self.events {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(signals::LIVE_CHANNEL)
                    .bind(self.live.wire(payload))
                    .execute(&mut **t)
                    .await?;
            }
        }
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        for queue in &self.ring {
            self.bells.ring(queue);
        }
        for payload in &self.events {
            self.live.publish_local(payload);
        }
        Ok(())
    }

    /// Publishes a live event once this transaction commits (never if it rolls back).
    pub fn publish_on_commit(&mut self, payload: String) {
        self.events.push(payload);
    }

    /// Rings `queue`'s bell once this transaction commits (a job was added to it).
    pub fn ring_on_commit(&mut self, queue: &str) {
        if !self.ring.iter().any(|q| q == queue) {
            self.ring.push(queue.to_owned());
        }
    }

    pub async fn execute_script(&mut self, sql: &str) -> Result<()> {
        match &mut self.inner {
            TxInner::Sqlite(t) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut **t).await?;
            }
            TxInner::Postgres(t) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut **t).await?;
            }
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Where a query runs: on the pool, or inside a transaction.
pub enum Exec<'a> {
    Pool(&'a Db),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Exec<'a> {
    fn from(db: &'a Db) -> Self {
        Exec::Pool(db)
    }
}

impl<'a> From<&'a mut Tx> for Exec<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Exec::Tx(tx)
    }
}

impl Exec<'_> {
    fn count(&self) {
        let counter = match self {
            Exec::Pool(db) => &db.queries,
            Exec::Tx(tx) => {
                tx.in_transactions.fetch_add(1, Ordering::Relaxed);
                &tx.queries
            }
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Lets one `Exec` run several queries in turn.
    pub fn reborrow(&mut self) -> Exec<'_> {
        match self {
            Exec::Pool(db) => Exec::Pool(db),
            Exec::Tx(tx) => Exec::Tx(tx),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Exec::Pool(db) => db.backend(),
            Exec::Tx(tx) => tx.backend(),
        }
    }
}

/// A bound argument.
#[derive(Clone, Debug)]
pub enum Arg {
    I64(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I64(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::I64(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(Some(v))
    }
}
impl From<Option<bool>> for Arg {
    fn from(v: Option<bool>) -> Self {
        Arg::Bool(v)
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_owned))
    }
}
impl From<&Option<String>> for Arg {
    fn from(v: &Option<String>) -> Self {
        Arg::Text(v.clone())
    }
}

/// A query under construction: `q("SELECT … WHERE id = $1").bind(id).fetch_one(&db)`.
#[must_use]
pub struct Query {
    sql: String,
    args: Vec<Arg>,
}

pub fn q(sql: impl Into<String>) -> Query {
    Query {
        sql: sql.into(),
        args: Vec::new(),
    }
}

/// `$start, $start+1, …` for an `IN (…)` list of `n` values (n ≥ 1).
pub fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::I64(v) => query.bind(v),
                // No text holds a NUL (PostgreSQL cannot store one; SQLite would, and the
                // two must agree): what arrives with one (a remote document, a path) is
                // stored, and looked up, with U+FFFD in its place.
                Arg::Text(Some(v)) if v.contains('\0') => query.bind(Some(v.replace('\0', "\u{FFFD}"))),
                Arg::Text(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
            };
        }
        query
    }};
}

impl Query {
    pub fn bind(mut self, arg: impl Into<Arg>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn bind_all<A: Into<Arg>>(mut self, args: impl IntoIterator<Item = A>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub async fn fetch_all<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Vec<Row>> {
        let sql = sqlx::AssertSqlSafe(self.sql);
        let ex = ex.into();
        ex.count();
        Ok(match ex {
            Exec::Pool(db) => match &db.pool {
                Pool::Sqlite(p) => bind_all!(sqlx::query(sql), self.args)
                    .fetch_all(p)
                    .await?
                    .into_iter()
                    .map(Row::Sqlite)
                    .collect(),
                Pool::Postgres(p) => bind_all!(sqlx::query(sql), self.args)
                    .fetch_all(p)
                    .await?
                    .into_iter()
                    .map(Row::Postgres)
                    .collect(),
            },
            Exec::Tx(tx) => match &mut tx.inner {
                TxInner::Sqlite(t) => bind_all!(sqlx::query(sql), self.args)
                    .fetch_all(&mut **t)
                    .await?
                    .into_iter()
                    .map(Row::Sqlite)
                    .collect(),
                TxInner::Postgres(t) => bind_all!(sqlx::query(sql), self.args)
                    .fetch_all(&mut **t)
                    .await?
                    .into_iter()
                    .map(Row::Postgres)
                    .collect(),
            },
        })
    }

    pub async fn fetch_optional<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Option<Row>> {
        let sql = sqlx::AssertSqlSafe(self.sql);
        let ex = ex.into();
        ex.count();
        Ok(match ex {
            Exec::Pool(db) => match &db.pool {
                Pool::Sqlite(p) => bind_all!(sqlx::query(sql), self.args)
                    .fetch_optional(p)
                    .await?
                    .map(Row::Sqlite),
                Pool::Postgres(p) => bind_all!(sqlx::query(sql), self.args)
                    .fetch_optional(p)
                    .await?
                    .map(Row::Postgres),
            },
            Exec::Tx(tx) => match &mut tx.inner {
                TxInner::Sqlite(t) => bind_all!(sqlx::query(sql), self.args)
                    .fetch_optional(&mut **t)
                    .await?
                    .map(Row::Sqlite),
                TxInner::Postgres(t) => bind_all!(sqlx::query(sql), self.args)
                    .fetch_optional(&mut **t)
                    .await?
                    .map(Row::Postgres),
            },
        })
    }

    pub async fn fetch_one<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Row> {
        self.fetch_optional(ex).await?.ok_or(StoreError::NotFound)
    }

    /// Runs a statement and returns the number of rows it affected.
    pub async fn execute<'a>(self, ex: impl Into<Exec<'a>>) -> Result<u64> {
        let sql = sqlx::AssertSqlSafe(self.sql);
        let ex = ex.into();
        ex.count();
        Ok(match ex {
            Exec::Pool(db) => match &db.pool {
                Pool::Sqlite(p) => bind_all!(sqlx::query(sql), self.args)
                    .execute(p)
                    .await?
                    .rows_affected(),
                Pool::Postgres(p) => bind_all!(sqlx::query(sql), self.args)
                    .execute(p)
                    .await?
                    .rows_affected(),
            },
            Exec::Tx(tx) => match &mut tx.inner {
                TxInner::Sqlite(t) => bind_all!(sqlx::query(sql), self.args)
                    .execute(&mut **t)
                    .await?
                    .rows_affected(),
                TxInner::Postgres(t) => bind_all!(sqlx::query(sql), self.args)
                    .execute(&mut **t)
                    .await?
                    .rows_affected(),
            },
        })
    }

    /// Fetches a single i64 (a count, an id).
    pub async fn fetch_i64<'a>(self, ex: impl Into<Exec<'a>>) -> Result<i64> {
        self.fetch_one(ex).await?.i64_at(0)
    }
}

/// A result row from either backend.
pub enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

macro_rules! get {
    ($self:expr, $col:expr, $ty:ty) => {
        match $self {
            Row::Sqlite(r) => r.try_get::<$ty, _>($col),
            Row::Postgres(r) => r.try_get::<$ty, _>($col),
        }
        .map_err(StoreError::from)
    };
}

impl Row {
    pub fn i64(&self, col: &str) -> Result<i64> {
        get!(self, col, i64)
    }
    pub fn opt_i64(&self, col: &str) -> Result<Option<i64>> {
        get!(self, col, Option<i64>)
    }
    pub fn i64_at(&self, idx: usize) -> Result<i64> {
        get!(self, idx, i64)
    }
    pub fn string_at(&self, idx: usize) -> Result<String> {
        get!(self, idx, String)
    }
    pub fn string(&self, col: &str) -> Result<String> {
        get!(self, col, String)
    }
    pub fn opt_string(&self, col: &str) -> Result<Option<String>> {
        get!(self, col, Option<String>)
    }
    pub fn bool(&self, col: &str) -> Result<bool> {
        get!(self, col, bool)
    }
}

/// A column list (`a, b, c`) qualified with a table alias (`t.a, t.b, t.c`), for joins.
pub fn qualified(cols: &str, alias: &str) -> String {
    cols.split(", ")
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}
