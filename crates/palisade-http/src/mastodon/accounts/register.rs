//! `POST /api/v1/accounts`: sign-up with an app token; answers with the user's token.

use axum::Json;
use axum::extract::State;
use palisade_core::accounts::NewUser;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, ClientIp, Params};
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct Register {
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    email: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "de::bool")]
    agreement: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    locale: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    reason: Option<String>,
}

pub async fn register(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: Auth,
    Params(p): Params<Register>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    if !st.limiter.allow_signup(ip) {
        return Err(ApiError(palisade_core::Error::RateLimited));
    }
    let (_, user) = st
        .core
        .create_user(NewUser {
            username: p.username.unwrap_or_default(),
            email: p.email.unwrap_or_default(),
            password: p.password.unwrap_or_default(),
            agreement: p.agreement,
            locale: p.locale,
            reason: p.reason,
            role: "user".into(),
            via_api: true,
        })
        .await?;
    // As Mastodon: a token even when approval is pending; it works once approved.
    let token = st
        .core
        .issue_token(
            viewer.token.app_id,
            Some(user.id),
            &viewer.scopes.to_space_separated(),
        )
        .await?;
    Ok(Json(json!({
        "access_token": token.access_token,
        "token_type": "Bearer",
        "scope": token.scope,
        "created_at": token.created_at / 1000,
    })))
}

/// `POST /api/v1/emails/confirmations`. Palisade confirms addresses at sign-up (it sends no
/// e-mail yet), so there is never a confirmation to resend: this answers `{}` for the
/// signed-in user of the calling app, as Mastodon does after queueing the e-mail.
pub async fn resend_confirmation(auth: Auth) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    viewer.user()?;
    Ok(Json(json!({})))
}
