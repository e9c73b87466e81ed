//! `/api/v1/announcements…`: reading, dismissing, reacting.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entities::announcement;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::routes::{Routes, get, post, put, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/announcements", get(token(&["read"]), index))
        .route(
            "/api/v1/announcements/{id}/dismiss",
            post(token(&["write:accounts"]), dismiss),
        )
        .route(
            "/api/v1/announcements/{id}/reactions/{name}",
            put(token(&["write:favourites"]), react).delete(token(&["write:favourites"]), unreact),
        )
}

#[derive(Deserialize)]
struct Index {
    #[serde(default, deserialize_with = "de::bool")]
    with_dismissed: bool,
}

async fn index(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Index>,
) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read"])?;
    let list = st.core.announcements(&viewer, p.with_dismissed).await?;
    Ok(Json(list.iter().map(announcement).collect()))
}

async fn dismiss(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    st.core.dismiss_announcement(&viewer, de::path_id(&id)?).await?;
    Ok(Json(json!({})))
}

async fn react(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:favourites"])?;
    st.core
        .react_to_announcement(&viewer, de::path_id(&id)?, &name, true)
        .await?;
    Ok(Json(json!({})))
}

async fn unreact(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:favourites"])?;
    st.core
        .react_to_announcement(&viewer, de::path_id(&id)?, &name, false)
        .await?;
    Ok(Json(json!({})))
}
