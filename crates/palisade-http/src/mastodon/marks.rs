//! `/api/v1/bookmarks`, `/api/v1/favourites`: statuses the viewer marked, newest mark first.

use axum::extract::{OriginalUri, State};
use axum::response::Response;
use palisade_core::model::Mark;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::pagination::PageParams;
use crate::routes::{Routes, get, token};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/bookmarks", get(token(&["read:bookmarks"]), bookmarks))
        .route("/api/v1/favourites", get(token(&["read:favourites"]), favourites))
}

async fn bookmarks(
    st: State<AppState>,
    auth: Auth,
    uri: OriginalUri,
    p: Params<PageParams>,
) -> ApiResult<Response> {
    marked(st, auth, uri, p, Mark::Bookmark, "read:bookmarks").await
}

async fn favourites(
    st: State<AppState>,
    auth: Auth,
    uri: OriginalUri,
    p: Params<PageParams>,
) -> ApiResult<Response> {
    marked(st, auth, uri, p, Mark::Favourite, "read:favourites").await
}

async fn marked(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
    mark: Mark,
    scope: &str,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&[scope])?;
    let page = p.query(20, 40);
    let result = st.core.marked_statuses(&viewer, mark, &page).await?;
    Ok(st.status_page(&uri, &page, result, Some(&viewer)))
}
