//! OAuth 2: `/oauth/authorize` (sign-in and consent page), `/oauth/token`, `/oauth/revoke`,
//! and the RFC 8414 metadata at `/.well-known/oauth-authorization-server`.

mod authorize;
mod metadata;
mod token;

use crate::routes::{Routes, get, post, public};

pub fn routes() -> Routes {
    Routes::new()
        // The page and form check the web session; token and revoke the client's credentials.
        .route(
            "/oauth/authorize",
            get(public(), authorize::page).post(public(), authorize::submit),
        )
        .route("/oauth/token", post(public(), token::token))
        .route("/oauth/revoke", post(public(), token::revoke))
        .route(
            "/.well-known/oauth-authorization-server",
            get(public(), metadata::metadata),
        )
}
