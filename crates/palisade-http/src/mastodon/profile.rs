//! `DELETE /api/v1/profile/avatar` and `/api/v1/profile/header`: back to the default image.

use axum::Json;
use axum::extract::State;
use palisade_core::model::ProfileImage;

use crate::AppState;
use crate::entities::{CredentialAccount, credential_account};
use crate::error::ApiResult;
use crate::extract::Auth;
use crate::routes::{Routes, delete, token};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v1/profile/avatar",
            delete(token(&["write:accounts"]), avatar),
        )
        .route(
            "/api/v1/profile/header",
            delete(token(&["write:accounts"]), header),
        )
}

async fn remove(st: AppState, auth: Auth, which: ProfileImage) -> ApiResult<Json<CredentialAccount>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    let account = st.core.delete_profile_image(&viewer, which).await?;
    let user = st.core.user_of(&viewer).await?;
    let requests = st.core.pending_follow_requests(&viewer).await?;
    Ok(Json(credential_account(
        &account,
        &user,
        &st.core.urls(),
        requests,
    )))
}

async fn avatar(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<CredentialAccount>> {
    remove(st, auth, ProfileImage::Avatar).await
}

async fn header(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<CredentialAccount>> {
    remove(st, auth, ProfileImage::Header).await
}
