//! `POST /api/v1/apps`, `GET /api/v1/apps/verify_credentials`.

use axum::Json;
use axum::extract::State;
use palisade_core::oauth::NewApp;
use serde::Deserialize;

use crate::entities::{Application, application};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::routes::{Routes, get, post, public, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/apps", post(public(), create))
        // Any valid token, an app's own included.
        .route("/api/v1/apps/verify_credentials", get(token(&[]), verify))
}

#[derive(Deserialize)]
struct CreateApp {
    #[serde(default, deserialize_with = "de::opt_string")]
    client_name: Option<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    redirect_uris: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    scopes: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    website: Option<String>,
}

async fn create(State(st): State<AppState>, Params(p): Params<CreateApp>) -> ApiResult<Json<Application>> {
    let app = st
        .core
        .register_app(NewApp {
            name: p.client_name.unwrap_or_default(),
            website: p.website,
            redirect_uris: p.redirect_uris,
            scopes: p.scopes,
        })
        .await?;
    Ok(Json(application(&app, true, &st.core.vapid_public_key())))
}

async fn verify(State(st): State<AppState>, Auth(viewer): Auth) -> ApiResult<Json<Application>> {
    let app = st.core.viewer_app(&viewer).await?;
    Ok(Json(application(&app, false, &st.core.vapid_public_key())))
}
