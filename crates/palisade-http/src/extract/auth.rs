//! Bearer tokens (header, or `access_token` in the query as Mastodon's streaming allows).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use palisade_core::Error;
use palisade_core::auth::Viewer;

use crate::AppState;
use crate::error::ApiError;

/// A required, valid token.
pub struct Auth(pub Viewer);

/// A token if one was sent (an invalid one is still a 401, as in Mastodon).
pub struct MaybeAuth(pub Option<Viewer>);

fn bearer(parts: &Parts) -> Option<String> {
    if let Some(h) = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let h = h.trim();
        if h.len() > 7 && h[..7].eq_ignore_ascii_case("bearer ") {
            return Some(h[7..].trim().to_owned());
        }
    }
    None
}

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(v) = parts.extensions.get::<Viewer>() {
            return Ok(MaybeAuth(Some(v.clone())));
        }
        match bearer(parts) {
            Some(token) => {
                let viewer = state.core.authenticate(&token).await?;
                parts.extensions.insert(viewer.clone());
                Ok(MaybeAuth(Some(viewer)))
            }
            None => Ok(MaybeAuth(None)),
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match MaybeAuth::from_request_parts(parts, state).await? {
            MaybeAuth(Some(v)) => Ok(Auth(v)),
            MaybeAuth(None) => Err(ApiError(Error::Unauthorized(
                "The access token is invalid".into(),
            ))),
        }
    }
}

impl Auth {
    /// The viewer, if one of `scopes` is granted (403 otherwise).
    pub fn scoped(self, scopes: &[&str]) -> Result<Viewer, ApiError> {
        self.0.require_scope(scopes)?;
        Ok(self.0)
    }
}

impl MaybeAuth {
    pub fn scoped(self, scopes: &[&str]) -> Result<Option<Viewer>, ApiError> {
        if let Some(v) = &self.0 {
            v.require_scope(scopes)?;
        }
        Ok(self.0)
    }
}
