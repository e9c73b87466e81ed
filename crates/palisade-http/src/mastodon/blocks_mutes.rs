//! `/api/v1/blocks`, `/api/v1/mutes`: accounts the viewer blocked or muted.

use axum::extract::{OriginalUri, State};
use axum::response::Response;
use palisade_core::model::Edge;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::pagination::PageParams;
use crate::routes::{Routes, get, token};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/blocks", get(token(&["read:blocks", "follow"]), blocks))
        .route("/api/v1/mutes", get(token(&["read:mutes", "follow"]), mutes))
}

async fn blocks(
    st: State<AppState>,
    auth: Auth,
    uri: OriginalUri,
    p: Params<PageParams>,
) -> ApiResult<Response> {
    list(st, auth, uri, p, Edge::Blocks, "read:blocks").await
}

async fn mutes(
    st: State<AppState>,
    auth: Auth,
    uri: OriginalUri,
    p: Params<PageParams>,
) -> ApiResult<Response> {
    list(st, auth, uri, p, Edge::Mutes, "read:mutes").await
}

async fn list(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
    edge: Edge,
    scope: &str,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&[scope, "follow"])?;
    let page = p.query(40, 80);
    let rows = st.core.blocks_or_mutes(&viewer, edge, &page).await?;
    st.account_page(&uri, &page, rows).await
}
