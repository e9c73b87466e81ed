//! `POST /oauth/token` and `POST /oauth/revoke`. Client credentials come in the body or as
//! HTTP Basic; bodies may be forms or JSON.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine as _;
use palisade_core::oauth::Grant;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, Params};
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct TokenParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    grant_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_secret: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    redirect_uri: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code_verifier: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    scope: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    refresh_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    token: Option<String>,
}

fn oauth_error(code: &str, description: &str) -> ApiError {
    ApiError::bad_request(format!("{code}: {description}"))
}

/// (client_id, client_secret) from HTTP Basic, else from the body.
fn client_credentials(headers: &HeaderMap, p: &TokenParams) -> (Option<String>, Option<String>) {
    let basic = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Basic ").or_else(|| h.strip_prefix("basic ")))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(a, b)| (a.to_owned(), b.to_owned())));
    match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            p.client_id.clone(),
            p.client_secret.clone().filter(|s| !s.is_empty()),
        ),
    }
}

fn unsupported_grant_type() -> ApiError {
    oauth_error(
        "unsupported_grant_type",
        "The authorization grant type is not supported by the authorization server.",
    )
}

pub async fn token(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Params(p): Params<TokenParams>,
) -> ApiResult<Json<Value>> {
    // Password guesses count as sign-in attempts (25 per address per 5 minutes), wherever
    // they are made.
    if p.grant_type.as_deref() == Some("password") && !st.limiter.allow_sign_in(ip) {
        return Err(ApiError(palisade_core::Error::RateLimited));
    }
    // The grant type is checked before the client, as Doorkeeper (Mastodon's OAuth) does.
    match p.grant_type.as_deref() {
        Some("authorization_code" | "password" | "client_credentials" | "refresh_token") => {}
        None | Some("") => {
            return Err(oauth_error(
                "invalid_request",
                "Missing required parameter: grant_type.",
            ));
        }
        Some(_) => return Err(unsupported_grant_type()),
    }
    let (client_id, secret) = client_credentials(&headers, &p);
    let client_id = client_id.ok_or_else(|| oauth_error("invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."))?;
    let app = st.core.app_by_credentials(&client_id, secret.as_deref()).await?;
    let grant = match p.grant_type.as_deref() {
        Some("authorization_code") => Grant::AuthorizationCode {
            code: p.code.ok_or_else(|| {
                oauth_error(
                    "invalid_request",
                    "The request is missing a required parameter: code.",
                )
            })?,
            redirect_uri: p.redirect_uri,
            code_verifier: p.code_verifier,
        },
        Some("password") => Grant::Password {
            username: p.username.unwrap_or_default(),
            password: p.password.unwrap_or_default(),
            scope: p.scope,
        },
        Some("client_credentials") => Grant::ClientCredentials { scope: p.scope },
        Some("refresh_token") => Grant::RefreshToken {
            refresh_token: p.refresh_token.ok_or_else(|| {
                oauth_error(
                    "invalid_request",
                    "The request is missing a required parameter: refresh_token.",
                )
            })?,
        },
        _ => return Err(unsupported_grant_type()),
    };
    let issued = st.core.grant_token(&app, secret.is_some(), grant).await?;
    let mut body = json!({
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "scope": issued.scope,
        "created_at": issued.created_at / 1000,
    });
    if let Some(r) = issued.refresh_token {
        body["refresh_token"] = Value::String(r);
    }
    Ok(Json(body))
}

pub async fn revoke(
    State(st): State<AppState>,
    headers: HeaderMap,
    Params(p): Params<TokenParams>,
) -> ApiResult<Json<Value>> {
    let (client_id, secret) = client_credentials(&headers, &p);
    let client_id =
        client_id.ok_or_else(|| oauth_error("invalid_client", "Client authentication failed."))?;
    let app = st.core.app_by_credentials(&client_id, secret.as_deref()).await?;
    st.core
        .revoke_token(&app, p.token.as_deref().unwrap_or(""))
        .await?;
    Ok(Json(json!({})))
}
