//! `DELETE /api/v1/profile/avatar` and `/api/v1/profile/header`.

use axum::extract::State;
use axum::routing::delete;
use axum::{Json, Router};

use crate::AppState;
use crate::entities::{CredentialAccount, credential_account};
use crate::error::ApiResult;
use crate::extract::Auth;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/profile/avatar", delete(avatar))
        .route("/api/v1/profile/header", delete(header))
}

async fn avatar(st: State<AppState>, auth: Auth) -> ApiResult<Json<CredentialAccount>> {
    clear(st, auth, true).await
}

async fn header(st: State<AppState>, auth: Auth) -> ApiResult<Json<CredentialAccount>> {
    clear(st, auth, false).await
}

async fn clear(State(st): State<AppState>, auth: Auth, avatar: bool) -> ApiResult<Json<CredentialAccount>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    let account = st.core.clear_profile_image(&viewer, avatar).await?;
    let requests = st.core.pending_follow_requests(&viewer).await?;
    Ok(Json(credential_account(
        &account,
        viewer.user()?,
        &st.core.urls(),
        requests,
    )))
}
