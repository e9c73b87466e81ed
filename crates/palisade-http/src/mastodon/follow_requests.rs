//! `/api/v1/follow_requests…`.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;

use crate::entities::{Relationship, relationship};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::pagination::PageParams;
use crate::routes::{Routes, get, post, scopes::WRITE_FOLLOWS, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v1/follow_requests",
            get(token(&["read:follows", "follow"]), list),
        )
        .route(
            "/api/v1/follow_requests/{id}/authorize",
            post(token(WRITE_FOLLOWS).owned(), authorize),
        )
        .route(
            "/api/v1/follow_requests/{id}/reject",
            post(token(WRITE_FOLLOWS).owned(), reject),
        )
}

async fn list(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:follows", "follow"])?;
    let page = p.query(40, 80);
    let rows = st.core.follow_requests(&viewer, &page).await?;
    st.account_page(&uri, &page, rows).await
}

async fn authorize(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:follows", "follow"])?;
    let rel = st
        .core
        .answer_follow_request(&viewer, de::path_id(&id)?, true)
        .await?;
    Ok(Json(relationship(&rel)))
}

async fn reject(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:follows", "follow"])?;
    let rel = st
        .core
        .answer_follow_request(&viewer, de::path_id(&id)?, false)
        .await?;
    Ok(Json(relationship(&rel)))
}
