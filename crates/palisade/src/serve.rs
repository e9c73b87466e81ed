//! `palisade serve`: open the database, apply migrations, serve HTTP until stopped.

use std::net::SocketAddr;

use axum::ServiceExt;
use axum::extract::Request;
use palisade_core::{Core, Db};
use palisade_http::AppState;

use crate::config::Config;

pub async fn open_database(config: &Config) -> Result<Db, String> {
    config.prepare_storage()?;
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let ran = palisade_core::store::migrate(&db)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    if ran > 0 {
        tracing::info!(migrations = ran, "database schema is up to date");
    }
    Ok(db)
}

pub async fn serve(config: Config) -> Result<(), String> {
    let db = open_database(&config).await?;
    let core = Core::new(db.clone(), config.settings());
    let app = palisade_http::app(AppState::new(core));
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    tracing::info!(
        listen = %config.listen,
        public_url = %config.public_url(),
        domain = %config.domain(),
        "Palisade {} is ready",
        env!("CARGO_PKG_VERSION")
    );
    axum::serve(
        listener,
        ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(app),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("server error: {e}"))?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
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
