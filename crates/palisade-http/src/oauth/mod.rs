//! OAuth 2: `/oauth/authorize` (sign-in and consent page), `/oauth/token`, `/oauth/revoke`,
//! and the RFC 8414 metadata at `/.well-known/oauth-authorization-server`.

mod authorize;
mod metadata;
mod token;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/authorize", get(authorize::page).post(authorize::submit))
        .route("/oauth/token", post(token::token))
        .route("/oauth/revoke", post(token::revoke))
        .route("/.well-known/oauth-authorization-server", get(metadata::metadata))
}
