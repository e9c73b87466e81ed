//! `palisade serve`: open the database, apply migrations, serve HTTP and run the federation
//! workers (by role) until stopped.

use clap::ValueEnum;
use palisade_core::{Core, Db};
use palisade_federation::Federation;
use palisade_http::AppState;

use crate::config::Config;

/// What a process does: several `worker` processes can share one PostgreSQL database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// HTTP only.
    Web,
    /// Federation jobs only (inbound activities, deliveries).
    Worker,
    /// Both (the default).
    All,
}

pub async fn open_database(config: &Config) -> Result<Db, String> {
    config.prepare_storage()?;
    let (db, ran) = palisade_core::open_database(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    if ran > 0 {
        tracing::info!(migrations = ran, "database schema is up to date");
    }
    Ok(db)
}

/// Core with its events going to the federation outbox, and the federation services.
pub async fn federation(config: &Config, db: Db) -> Result<Federation, String> {
    let storage = palisade_core::media_storage(&config.media.storage_config())
        .map_err(|e| format!("media storage: {e}"))?;
    let core = Core::new(db, config.settings()).with_storage(storage);
    // The domain is recorded on first use; another one would mint URIs that point elsewhere.
    core.check_instance_domain().await.map_err(|e| e.to_string())?;
    Federation::new(core, config.federation()?)
        .await
        .map_err(|e| format!("federation setup: {e}"))
}

/// `how`: `palisade` as it must be run to reach this instance, e.g.
/// `PALISADE_LISTEN=127.0.0.1:3100 palisade`.
pub async fn serve(config: Config, role: Role, how: String) -> Result<(), String> {
    let db = open_database(&config).await?;
    let fed = federation(&config, db.clone()).await?;
    if let Some(addr) = &config.metrics_listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr} for metrics: {e}"))?;
        tracing::info!(listen = %addr, "Prometheus metrics at /metrics");
        let app = palisade_http::metrics::router(fed.core.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "metrics listener stopped");
            }
        });
    }
    let runners = (role != Role::Web).then(|| {
        let jobs = palisade_jobs::Config {
            deliveries: config.federation.max_deliveries.max(1),
            per_host: config.federation.max_deliveries_per_peer.max(1),
            // An inbound activity spends most of its time waiting: for round trips to
            // PostgreSQL, for SQLite's one writer; others use that time. On PostgreSQL more
            // than the pool's 16 connections is slower (docs/PERFORMANCE.md).
            inbound: config.federation.max_inbound.max(1),
            ..palisade_jobs::Config::default()
        };
        palisade_jobs::start(fed.clone(), jobs)
    });
    if role == Role::Worker {
        tracing::info!("Palisade {} worker is ready", env!("CARGO_PKG_VERSION"));
        shutdown_signal().await;
    } else {
        let state = AppState::new(fed.clone());
        let hub = state.hub.clone();
        let app = palisade_http::app(state);
        let listener = tokio::net::TcpListener::bind(&config.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        tracing::info!(
            listen = %config.listen,
            public_url = %config.public_url(),
            domain = %config.domain(),
            ?role,
            "Palisade {} is ready",
            env!("CARGO_PKG_VERSION")
        );
        welcome(&config, &fed.core, how).await;
        // Streaming connections never end by themselves: they are closed first.
        let stopped = async move {
            shutdown_signal().await;
            hub.close_all();
        };
        crate::listen::serve(listener, app, stopped)
            .await
            .map_err(|e| format!("server error: {e}"))?;
    }
    match runners {
        Some(r) => r.stop().await,
        // A web process writes its last per-peer figures itself.
        None => {
            if let Err(e) = fed.core.flush_peer_tally().await {
                tracing::warn!(error = %e, "could not write the last peer figures");
            }
        }
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// What the person who just started the server needs: the address to open and, while the
/// instance has no admin, how to create one (with the same settings as this `serve`).
async fn welcome(config: &Config, core: &Core, how: String) {
    println!("Palisade is running: open {} in a browser.", config.public_url());
    match core.contact_account().await {
        Ok(None) => println!(
            "This instance has no admin yet. Create one in another terminal with:\n  {how} admin user create NAME --email you@example.org --role admin\nIt prints a password; sign in with it at {}/auth/sign_in",
            config.public_url()
        ),
        Ok(Some(_)) => {}
        Err(e) => tracing::warn!(error = %e, "could not check for an admin"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
