//! The `palisade` binary: command line, configuration, wiring. No domain logic here.

mod admin;
mod announcements_cli;
mod config;
mod domains_cli;
mod listen;
mod media_cli;
mod peers_cli;
mod seed;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};

#[derive(Parser)]
#[command(
    name = "palisade",
    version,
    about = "A fediverse server with federation control at its heart"
)]
struct Cli {
    /// Configuration file (default: ./palisade.toml if present; or $PALISADE_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database URL: sqlite:PATH or postgres://… (overrides the config file).
    #[arg(long, global = true, env = "PALISADE_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default command).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:3000.
        #[arg(long)]
        listen: Option<String>,
        /// The domain in handles, e.g. example.org.
        #[arg(long)]
        domain: Option<String>,
        /// The public URL, e.g. https://example.org.
        #[arg(long)]
        public_url: Option<String>,
        /// web (HTTP only), worker (federation jobs only) or all.
        #[arg(long, value_enum, default_value = "all")]
        role: serve::Role,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print the effective configuration (file, environment and flags combined).
    Show,
}

#[tokio::main]
async fn main() -> ExitCode {
    // Colours only on a terminal (and not under NO_COLOR): a log file or pipe gets plain text.
    let colour =
        std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_ansi(colour)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PALISADE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let command = cli.command.unwrap_or(Command::Serve {
        listen: None,
        domain: None,
        public_url: None,
        role: serve::Role::All,
    });
    let how = admin_prefix(&cli.config, &cli.database_url, &command);
    let mut overrides = Overrides {
        database_url: cli.database_url,
        ..Default::default()
    };
    if let Command::Serve {
        listen,
        domain,
        public_url,
        ..
    } = &command
    {
        overrides.listen = listen.clone();
        overrides.domain = domain.clone();
        overrides.public_url = public_url.clone();
    }
    let config = Config::load(cli.config.as_deref(), overrides)?;
    match command {
        Command::Serve { role, .. } => serve::serve(config, role, how).await,
        Command::Migrate => {
            let db = serve::open_database(&config).await?;
            db.close().await;
            Ok(())
        }
        Command::Admin { command } => admin::run(config, command).await,
        Command::Config {
            command: ConfigCommand::Show,
        } => {
            let mut shown = config.clone();
            shown.public_url = Some(config.public_url());
            shown.domain = Some(config.domain());
            shown.database_url = redact(&shown.database_url);
            if !shown.media.s3.secret_access_key.is_empty() {
                shown.media.s3.secret_access_key = "***".into();
            }
            println!("{}", toml::to_string_pretty(&shown).map_err(|e| e.to_string())?);
            Ok(())
        }
    }
}

/// `palisade` as it must be run to reach the instance this `serve` runs: with the settings
/// given on its command line (as environment variables, and `--config`).
fn admin_prefix(config: &Option<PathBuf>, database_url: &Option<String>, command: &Command) -> String {
    let mut out = String::new();
    if let Command::Serve {
        listen,
        domain,
        public_url,
        ..
    } = command
    {
        for (key, value) in [
            ("PALISADE_LISTEN", listen),
            ("PALISADE_DOMAIN", domain),
            ("PALISADE_PUBLIC_URL", public_url),
        ] {
            if let Some(v) = value {
                out.push_str(&format!("{key}={v} "));
            }
        }
    }
    if database_url.is_some() && std::env::var_os("PALISADE_DATABASE_URL").is_none() {
        out.push_str("PALISADE_DATABASE_URL=… ");
    }
    out.push_str("palisade");
    if let Some(c) = config {
        out.push_str(&format!(" --config {}", c.display()));
    }
    out
}

/// Hides a password in a database URL.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
