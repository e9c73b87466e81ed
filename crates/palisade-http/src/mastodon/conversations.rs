//! `/api/v1/conversations…`: direct-message conversations.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use crate::entities::conversation;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::pagination::PageParams;
use crate::routes::{Routes, delete, get, post, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/conversations", get(token(&["read:statuses"]), index))
        .route(
            "/api/v1/conversations/{id}",
            delete(token(&["write:conversations"]).owned(), remove),
        )
        .route(
            "/api/v1/conversations/{id}/read",
            post(token(&["write:conversations"]).owned(), read),
        )
}

async fn index(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let page = p.query(20, 40);
    let result = st.core.conversations(&viewer, &page).await?;
    let me = viewer.account_id()?;
    let urls = st.core.urls();
    let items: Vec<Value> = result
        .conversations
        .iter()
        .filter(|c| c.last_status.is_some())
        .map(|c| conversation(c, Some(me), &urls, st.core.settings.media.expose_remote_url))
        .collect();
    Ok(st.paged(
        &uri,
        &page,
        items,
        (result.prev_min_id, result.next_max_id),
        result.raw_len as i64 >= page.limit,
    ))
}

async fn read(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:conversations"])?;
    let view = st.core.read_conversation(&viewer, de::path_id(&id)?).await?;
    Ok(Json(conversation(
        &view,
        Some(viewer.account_id()?),
        &st.core.urls(),
        st.core.settings.media.expose_remote_url,
    )))
}

async fn remove(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:conversations"])?;
    st.core.remove_conversation(&viewer, de::path_id(&id)?).await?;
    Ok(Json(json!({})))
}
