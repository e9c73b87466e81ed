//! `/api/v1/accounts/…`.

mod actions;
mod credentials;
mod profiles;
mod read;
mod register;

use axum::Router;
use axum::routing::{get, patch, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/accounts", post(register::register).get(profiles::many))
        .route(
            "/api/v1/accounts/familiar_followers",
            get(profiles::familiar_followers),
        )
        .route("/api/v1/endorsements", get(profiles::own_endorsements))
        .route("/api/v1/directory", get(profiles::directory))
        .route(
            "/api/v1/emails/confirmations",
            post(register::resend_confirmation),
        )
        .route("/api/v1/accounts/verify_credentials", get(credentials::verify))
        .route(
            "/api/v1/accounts/update_credentials",
            patch(credentials::update)
                .put(credentials::update)
                // An avatar and a header, each up to 8 MiB, and the form around them.
                .layer(axum::extract::DefaultBodyLimit::max(
                    2 * palisade_media::limits::PROFILE_IMAGE_BYTES as usize + (1 << 20),
                )),
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
        .route("/api/v1/accounts/{id}/note", post(profiles::note))
        .route("/api/v1/accounts/{id}/pin", post(profiles::endorse))
        .route("/api/v1/accounts/{id}/unpin", post(profiles::unendorse))
        .route("/api/v1/accounts/{id}/endorse", post(profiles::endorse))
        .route("/api/v1/accounts/{id}/unendorse", post(profiles::unendorse))
        .route("/api/v1/accounts/{id}/endorsements", get(profiles::endorsements))
}
