//! `/api/v1/accounts/…`.

mod actions;
mod credentials;
mod read;
mod register;

use axum::Router;
use axum::routing::{get, patch, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/accounts", post(register::register))
        .route("/api/v1/accounts/verify_credentials", get(credentials::verify))
        .route(
            "/api/v1/accounts/update_credentials",
            patch(credentials::update).put(credentials::update),
        )
        .route("/api/v1/accounts/lookup", get(read::lookup))
        .route("/api/v1/accounts/search", get(read::search))
        .route("/api/v1/accounts/relationships", get(read::relationships))
        .route("/api/v1/accounts/{id}", get(read::show))
        .route("/api/v1/accounts/{id}/statuses", get(read::statuses))
        .route("/api/v1/accounts/{id}/followers", get(read::followers))
        .route("/api/v1/accounts/{id}/following", get(read::following))
        .route("/api/v1/accounts/{id}/follow", post(actions::follow))
        .route("/api/v1/accounts/{id}/unfollow", post(actions::unfollow))
        .route(
            "/api/v1/accounts/{id}/remove_from_followers",
            post(actions::remove_from_followers),
        )
        .route("/api/v1/accounts/{id}/block", post(actions::block))
        .route("/api/v1/accounts/{id}/unblock", post(actions::unblock))
        .route("/api/v1/accounts/{id}/mute", post(actions::mute))
        .route("/api/v1/accounts/{id}/unmute", post(actions::unmute))
}
