//! A real Palisade under test: `palisade serve` processes (one with `--role all`, or a
//! `--role web` and a `--role worker`) on a fresh database, started, killed and restarted
//! by process id, with their memory read from /proc.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use palisade_store::Db;

use crate::procstat::{Memory, cpu_seconds};
use crate::{BenchError, Env, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    pub fn name(self) -> &'static str {
        match self {
            DbKind::Sqlite => "sqlite",
            DbKind::Postgres => "postgres",
        }
    }
}

/// A fresh database: a file in the work directory, or a new PostgreSQL database.
pub struct Database {
    pub url: String,
    pg_base: Option<String>,
}

impl Database {
    pub async fn fresh(kind: DbKind, env: &Env, dir: &Path) -> Result<Database> {
        Ok(match kind {
            DbKind::Sqlite => Database {
                url: format!("sqlite:{}", dir.join("palisade.db").display()),
                pg_base: None,
            },
            // With --keep the database stays for inspection (its URL is printed).
            DbKind::Postgres => Database {
                url: palisade_store::testing::fresh_postgres(&env.pg_base).await?,
                pg_base: (!env.keep).then(|| env.pg_base.clone()),
            },
        })
    }

    /// A connection of the benchmark's own, to prepare rows and observe the outcome.
    pub async fn connect(&self) -> Result<Db> {
        let db = Db::connect(&self.url).await?;
        palisade_store::migrate(&db).await?;
        Ok(db)
    }

    pub async fn drop_it(&mut self) {
        if self.pg_base.is_none() && self.url.starts_with("postgres") {
            eprintln!("database kept: {}", self.url);
        }
        if let Some(base) = self.pg_base.take()
            && let Err(e) = palisade_store::testing::drop_postgres(&base, &self.url).await
        {
            eprintln!("could not drop {}: {e}", self.url);
        }
    }
}

/// How the server runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Roles {
    /// One `palisade serve` (`--role all`).
    Single,
    /// One `--role web` and one `--role worker` process.
    Split,
}

impl Roles {
    /// The split the issue asks for: one process on SQLite, web and worker on PostgreSQL.
    pub fn default_for(kind: DbKind) -> Roles {
        match kind {
            DbKind::Sqlite => Roles::Single,
            DbKind::Postgres => Roles::Split,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Roles::Single => "one process",
            Roles::Split => "web + worker",
        }
    }
}

pub struct Instance {
    pub base: String,
    pub authority: String,
    pub roles: Roles,
    pub database: Database,
    bin: PathBuf,
    dir: PathBuf,
    env: Vec<(String, String)>,
    /// The process serving HTTP (`--role web`, or `--role all`).
    web: Option<Child>,
    /// The `--role worker` process (split roles only).
    worker: Option<Child>,
    http: reqwest::Client,
}

/// A free loopback port (the listener is dropped before the server binds it).
pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

impl Instance {
    /// Prepares an instance (not started) on a fresh database in `dir`.
    pub async fn new(env: &Env, kind: DbKind, roles: Roles, dir: &Path) -> Result<Instance> {
        let database = Database::fresh(kind, env, dir).await?;
        let port = free_port()?;
        let authority = format!("127.0.0.1:{port}");
        let base = format!("http://{authority}");
        let env_vars = vec![
            ("PALISADE_DATABASE_URL", database.url.clone()),
            ("PALISADE_LISTEN", authority.clone()),
            ("PALISADE_PUBLIC_URL", base.clone()),
            // The stand-in peers live on loopback under made-up names, over plain HTTP.
            ("PALISADE_ALLOW_PRIVATE_ADDRESSES", "1".into()),
            ("PALISADE_TEST_RESOLVE_ALL_TO", "127.0.0.1".into()),
            ("PALISADE_PLAIN_HTTP_PEERS", "1".into()),
            (
                "PALISADE_LOG",
                std::env::var("PALISADE_LOG").unwrap_or_else(|_| "warn".into()),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Ok(Instance {
            base,
            authority,
            roles,
            database,
            bin: env.palisade.clone(),
            dir: dir.to_path_buf(),
            env: env_vars,
            web: None,
            worker: None,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
        })
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.current_dir(&self.dir)
            .env_remove("PALISADE_CONFIG")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        c
    }

    /// Creates a local user and returns an access token for it.
    pub fn user_with_token(&self, name: &str) -> Result<String> {
        user_with_token(|| self.command(), name)
    }

    fn spawn(&self, role: &str) -> Result<Child> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(format!("{role}.log")))?;
        Ok(self
            .command()
            .args(["serve", "--role", role])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?)
    }

    /// Starts the server and waits for its first answer. With split roles the web process
    /// starts (and migrates) first, then the worker.
    pub async fn start(&mut self) -> Result<Duration> {
        let at = Instant::now();
        let role = match self.roles {
            Roles::Single => "all",
            Roles::Split => "web",
        };
        self.web = Some(self.spawn(role)?);
        self.wait_ready(Duration::from_secs(60)).await?;
        let ready = at.elapsed();
        if self.roles == Roles::Split {
            self.start_worker()?;
        }
        Ok(ready)
    }

    /// Starts the worker process (split roles).
    pub fn start_worker(&mut self) -> Result<()> {
        self.worker = Some(self.spawn("worker")?);
        Ok(())
    }

    /// Polls until the HTTP server answers 200; returns how long that took.
    pub async fn wait_ready(&self, limit: Duration) -> Result<Duration> {
        let at = Instant::now();
        let url = format!("{}/api/v1/instance", self.base);
        loop {
            if let Ok(r) = self.http.get(&url).send().await
                && r.status() == reqwest::StatusCode::OK
            {
                return Ok(at.elapsed());
            }
            if at.elapsed() > limit {
                return Err(BenchError(format!(
                    "the server did not answer within {limit:?}; see {}",
                    self.dir.display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// `kill -9` of the process that runs the jobs (the worker, or the single process).
    pub fn kill_worker(&mut self) -> Result<()> {
        let slot = match self.roles {
            Roles::Single => &mut self.web,
            Roles::Split => &mut self.worker,
        };
        if let Some(mut child) = slot.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    /// Restarts what [`Instance::kill_worker`] killed.
    pub async fn restart_worker(&mut self) -> Result<()> {
        match self.roles {
            Roles::Single => {
                self.web = Some(self.spawn("all")?);
                self.wait_ready(Duration::from_secs(60)).await?;
            }
            Roles::Split => self.start_worker()?,
        }
        Ok(())
    }

    /// Resident and peak memory (kB) of the web (or single) and worker processes.
    pub fn memory(&self) -> Vec<(&'static str, Memory)> {
        self.each(Memory::of)
    }

    /// CPU seconds (user + system) each process has used so far.
    pub fn cpu(&self) -> Vec<(&'static str, f64)> {
        self.each(cpu_seconds)
    }

    fn each<T>(&self, read: impl Fn(u32) -> Option<T>) -> Vec<(&'static str, T)> {
        let mut out = Vec::new();
        let web_name = match self.roles {
            Roles::Single => "server",
            Roles::Split => "web",
        };
        if let Some(m) = self.web.as_ref().and_then(|c| read(c.id())) {
            out.push((web_name, m));
        }
        if let Some(m) = self.worker.as_ref().and_then(|c| read(c.id())) {
            out.push(("worker", m));
        }
        out
    }

    /// Stops every process (SIGTERM, then SIGKILL after 3 s).
    pub async fn stop(&mut self) {
        for child in [self.worker.take(), self.web.take()].into_iter().flatten() {
            stop_child(child).await;
        }
    }

    /// Stops the processes and drops a PostgreSQL database.
    pub async fn finish(mut self) {
        self.stop().await;
        self.database.drop_it().await;
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Runs `palisade admin …` (`command` carries the binary and its environment).
fn admin(command: &mut Command, args: &[&str]) -> Result<String> {
    let out = command.arg("admin").args(args).output()?;
    if !out.status.success() {
        return Err(BenchError(format!(
            "palisade admin {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Creates a local user with `palisade admin` and returns an access token for it
/// (`make` gives the binary with its environment).
pub fn user_with_token(make: impl Fn() -> Command, name: &str) -> Result<String> {
    let email = format!("{name}@bench.test");
    let create = [
        "user",
        "create",
        name,
        "--email",
        &email,
        "--password",
        "bench-password-1",
    ];
    admin(&mut make(), &create)?;
    let out = admin(
        &mut make(),
        &["token", "create", name, "--scopes", "read write follow"],
    )?;
    out.lines()
        .last()
        .map(|l| l.trim().to_owned())
        .ok_or_else(|| BenchError("no token printed".into()))
}

/// `palisade` with the environment that points it at `database_url` and `public_url`.
pub fn palisade_command(bin: &Path, database_url: &str, public_url: &str) -> Command {
    let mut c = Command::new(bin);
    c.env_remove("PALISADE_CONFIG")
        .env("PALISADE_DATABASE_URL", database_url)
        .env("PALISADE_PUBLIC_URL", public_url)
        .env("PALISADE_LOG", "warn");
    c
}

async fn stop_child(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let at = Instant::now();
    while at.elapsed() < Duration::from_secs(3) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Instance {
    fn drop(&mut self) {
        for child in [self.worker.as_mut(), self.web.as_mut()].into_iter().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
