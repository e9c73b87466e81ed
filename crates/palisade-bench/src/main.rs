//! `palisade-bench`: Palisade's benchmarks and crash trials, run against real `palisade
//! serve` processes on fresh databases. Each benchmark prints ONE result line whose figures
//! are also given as a ratio to something measured in the same run (RSA rates of this
//! machine), because the machine is shared and absolute times drift. `scripts/bench` runs
//! them all; docs/PERFORMANCE.md keeps the results.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod crash;
mod fanout;
mod firing;
mod footprint;
mod inbound;
mod instance;
mod latency;
mod notes;
mod pg_counters;
mod procstat;
mod rates;
mod seed;
mod signing;
mod standin;
mod stats;
mod suspension;
mod timeline;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::instance::{DbKind, Roles};

#[derive(Debug)]
pub struct BenchError(pub String);

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! from_error {
    ($($t:ty),*) => {$(
        impl From<$t> for BenchError {
            fn from(e: $t) -> Self {
                BenchError(e.to_string())
            }
        }
    )*};
}
from_error!(
    std::io::Error,
    palisade_store::StoreError,
    reqwest::Error,
    serde_json::Error,
    palisade_federation::keys::KeyError
);

pub type Result<T, E = BenchError> = std::result::Result<T, E>;

/// What every benchmark needs to know about its surroundings.
#[derive(Clone, Debug)]
pub struct Env {
    /// The `palisade` binary under test.
    pub palisade: PathBuf,
    /// A PostgreSQL URL on whose server fresh databases are made.
    pub pg_base: String,
    /// Keep work directories (logs, SQLite files) after the run.
    pub keep: bool,
}

#[derive(Parser)]
#[command(name = "palisade-bench", about = "Palisade's benchmarks and crash trials")]
struct Cli {
    /// The palisade binary (default: next to this one).
    #[arg(long, global = true)]
    palisade: Option<PathBuf>,
    /// PostgreSQL server for --db postgres (a fresh database is made for each run).
    #[arg(
        long,
        global = true,
        env = "PALISADE_BENCH_PG",
        default_value = "postgres://palisade:palisade@127.0.0.1:5432/postgres"
    )]
    pg: String,
    /// Keep the work directories (server logs, SQLite files) in /tmp.
    #[arg(long, global = true)]
    keep: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// RSA-2048 verify (one core) and sign (all cores) rates of this machine.
    Rates,
    /// Signed Create(Note) deliveries fired at /inbox: accepted/s and processed/s.
    Inbound(inbound::Args),
    /// One post to many followers on many servers: deliveries/s and signatures made.
    Fanout(fanout::Args),
    /// How long a member's post takes to reach a remote inbox when the queues are idle.
    FirstDelivery(latency::Args),
    /// Home, public and account timeline pages at growing numbers of statuses.
    Timeline(timeline::Args),
    /// Fills a database with synthetic statuses (as the timeline benchmark does).
    SeedTimeline(seed::Args),
    /// Memory when idle and cold start to the first 200.
    Footprint(footprint::Args),
    /// Suspending a domain with many ties: preview, suspend and lift times.
    Suspension(suspension::Args),
    /// Kills the worker with SIGKILL during work and checks that nothing is lost or doubled.
    Crash(crash::Args),
}

#[derive(clap::Args, Clone, Debug)]
pub struct Target {
    /// Database of the server under test.
    #[arg(long, value_enum, default_value = "sqlite")]
    pub db: DbKind,
    /// Processes: `single` (one serve) or `split` (web + worker). Default: single on
    /// SQLite, split on PostgreSQL.
    #[arg(long, value_enum)]
    pub roles: Option<Roles>,
}

impl Target {
    pub fn roles(&self) -> Roles {
        self.roles.unwrap_or_else(|| Roles::default_for(self.db))
    }

    pub fn describe(&self) -> String {
        format!("{} ({})", self.db.name(), self.roles().describe())
    }
}

/// A fresh directory under /tmp for one run's databases and logs.
pub fn work_dir(env: &Env, name: &str) -> Result<WorkDir> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| BenchError(e.to_string()))?;
    let path = std::env::temp_dir().join(format!("palisade-bench-{name}-{}", u32::from_le_bytes(bytes)));
    std::fs::create_dir_all(&path)?;
    Ok(WorkDir { path, keep: env.keep })
}

pub struct WorkDir {
    pub path: PathBuf,
    keep: bool,
}

impl WorkDir {
    /// Keeps the directory (the evidence of a failed trial).
    pub fn keep(&mut self) {
        self.keep = true;
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.keep || std::thread::panicking() {
            eprintln!("work directory kept: {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let palisade = cli.palisade.clone().unwrap_or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(|d| d.join("palisade")))
            .unwrap_or_else(|| PathBuf::from("palisade"))
    });
    let env = Env {
        palisade,
        pg_base: cli.pg.clone(),
        keep: cli.keep,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Rates => rates::run().await,
            Command::Inbound(a) => inbound::run(&env, a).await,
            Command::Fanout(a) => fanout::run(&env, a).await,
            Command::FirstDelivery(a) => latency::run(&env, a).await,
            Command::Timeline(a) => timeline::run(&env, a).await,
            Command::SeedTimeline(a) => seed::run(&env, a).await,
            Command::Footprint(a) => footprint::run(&env, a).await,
            Command::Suspension(a) => suspension::run(a).await,
            Command::Crash(a) => crash::run(&env, a).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
