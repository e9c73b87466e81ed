//! `/api/v1/accounts/…`.

mod actions;
mod credentials;
mod profiles;
mod read;
mod register;

use crate::routes::{
    Routes, get, optional, patch, post,
    scopes::{RA, WA, WBL, WFO, WMU},
    token,
};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v1/accounts",
            // Sign-up with an app's token (client credentials).
            post(token(WA), register::register).get(optional(RA), profiles::many),
        )
        .route(
            "/api/v1/accounts/familiar_followers",
            get(token(&["read:follows"]), profiles::familiar_followers),
        )
        .route("/api/v1/endorsements", get(token(RA), profiles::own_endorsements))
        .route("/api/v1/directory", get(optional(RA), profiles::directory))
        .route(
            "/api/v1/emails/confirmations",
            post(token(WA), register::resend_confirmation),
        )
        .route(
            "/api/v1/accounts/verify_credentials",
            get(token(&["read:accounts", "profile"]), credentials::verify),
        )
        .route(
            "/api/v1/accounts/update_credentials",
            patch(token(WA), credentials::update)
                .put(token(WA), credentials::update)
                // An avatar and a header, each up to 8 MiB, and the form around them.
                .body_limit(2 * palisade_media::limits::PROFILE_IMAGE_BYTES as usize + (1 << 20)),
        )
        .route("/api/v1/accounts/lookup", get(optional(RA), read::lookup))
        .route("/api/v1/accounts/search", get(token(RA), read::search))
        .route(
            "/api/v1/accounts/relationships",
            get(token(&["read:follows"]), read::relationships),
        )
        .route("/api/v1/accounts/{id}", get(optional(RA), read::show))
        .route(
            "/api/v1/accounts/{id}/statuses",
            get(optional(&["read:statuses"]), read::statuses),
        )
        .route(
            "/api/v1/accounts/{id}/followers",
            get(optional(RA), read::followers),
        )
        .route(
            "/api/v1/accounts/{id}/following",
            get(optional(RA), read::following),
        )
        .route("/api/v1/accounts/{id}/follow", post(token(WFO), actions::follow))
        .route(
            "/api/v1/accounts/{id}/unfollow",
            post(token(WFO), actions::unfollow),
        )
        .route(
            "/api/v1/accounts/{id}/remove_from_followers",
            post(token(WFO), actions::remove_from_followers),
        )
        .route("/api/v1/accounts/{id}/block", post(token(WBL), actions::block))
        .route(
            "/api/v1/accounts/{id}/unblock",
            post(token(WBL), actions::unblock),
        )
        .route("/api/v1/accounts/{id}/mute", post(token(WMU), actions::mute))
        .route("/api/v1/accounts/{id}/unmute", post(token(WMU), actions::unmute))
        .route("/api/v1/accounts/{id}/note", post(token(WA), profiles::note))
        .route("/api/v1/accounts/{id}/pin", post(token(WA), profiles::endorse))
        .route(
            "/api/v1/accounts/{id}/unpin",
            post(token(WA), profiles::unendorse),
        )
        .route(
            "/api/v1/accounts/{id}/endorse",
            post(token(WA), profiles::endorse),
        )
        .route(
            "/api/v1/accounts/{id}/unendorse",
            post(token(WA), profiles::unendorse),
        )
        .route(
            "/api/v1/accounts/{id}/endorsements",
            get(optional(RA), profiles::endorsements),
        )
}
