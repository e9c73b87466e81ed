//! Palisade's HTTP surface: the Mastodon client API, OAuth, and well-known endpoints.
//! Handlers are thin: extract, call one core service, map to an entity, respond.

pub(crate) mod activitypub;
pub mod de;
pub mod entities;
pub mod error;
pub mod extract;
mod mastodon;
pub mod metrics;
mod oauth;
pub mod pagination;
mod ratelimit;
mod render;
pub mod routes;
pub mod streaming;
mod system;
mod web;
mod wellknown;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method};
use palisade_core::Core;
use palisade_federation::Federation;
use tower::Layer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::normalize_path::{NormalizePath, NormalizePathLayer};

pub use ratelimit::RateLimiter;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub fed: Federation,
    pub limiter: Arc<RateLimiter>,
    /// This process's streaming connections.
    pub hub: streaming::Hub,
}

impl AppState {
    pub fn new(fed: Federation) -> AppState {
        let limiter = Arc::new(RateLimiter::new(&fed.core.settings.limits));
        AppState {
            core: fed.core.clone(),
            hub: streaming::Hub::new(fed.core.clone()),
            fed,
            limiter,
        }
    }
}

/// The whole application, trailing slashes tolerated (`/api/v1/instance/`).
pub fn app(state: AppState) -> NormalizePath<Router> {
    NormalizePathLayer::trim_trailing_slash().layer(router(state))
}

pub fn router(state: AppState) -> Router {
    let max_body = state.core.settings.limits.max_request_bytes;
    // Browser clients (Elk, Phanpy) call the API from other origins, as Mastodon allows.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers(Any)
        .expose_headers([
            HeaderName::from_static("link"),
            HeaderName::from_static("x-ratelimit-limit"),
            HeaderName::from_static("x-ratelimit-remaining"),
            HeaderName::from_static("x-ratelimit-reset"),
        ]);
    let (routes, table) = all_routes().into_parts();
    let guard = routes::access::Guard::new(state.clone(), &table);
    routes
        .fallback(|| async { error::ApiError::not_found() })
        // Inner to the rate limit: refused calls are counted too.
        .layer(axum::middleware::from_fn_with_state(
            guard,
            routes::access::middleware,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ratelimit::middleware,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::map_response(metrics::count_oversized))
        .layer(cors)
        .with_state(state)
}

/// Every route of the application with its declared access (docs/SECURITY.md): what the
/// access middleware enforces and what `tests/api/access/` walks.
pub fn route_table() -> Vec<routes::Rule> {
    all_routes().into_parts().1
}

fn all_routes() -> routes::Routes {
    routes::Routes::new()
        .merge(mastodon::routes())
        .merge(streaming::routes())
        .merge(activitypub::routes())
        .merge(oauth::routes())
        .merge(wellknown::routes())
        .merge(web::routes())
        .merge(system::routes())
}
