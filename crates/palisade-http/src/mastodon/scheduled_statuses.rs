//! `/api/v1/scheduled_statuses…`.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::pagination::PageParams;
use crate::routes::{Routes, get, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v1/scheduled_statuses",
            get(token(&["read:statuses"]), index),
        )
        .route(
            "/api/v1/scheduled_statuses/{id}",
            get(token(&["read:statuses"]).owned(), show)
                .put(token(&["write:statuses"]).owned(), update)
                .delete(token(&["write:statuses"]).owned(), destroy),
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
    let rows = st.core.scheduled_statuses(&viewer, &page).await?;
    let keys = rows.keys();
    let items: Vec<Value> = rows.items.iter().map(|(_, s)| st.scheduled_json(s)).collect();
    Ok(st.paged(
        &uri,
        &page,
        items,
        (keys.first().copied(), keys.last().copied()),
        keys.len() as i64 >= page.limit,
    ))
}

async fn show(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:statuses"])?;
    Ok(Json(st.scheduled_json(
        &st.core.scheduled_status(&viewer, de::path_id(&id)?).await?,
    )))
}

#[derive(Deserialize)]
struct Reschedule {
    #[serde(default, deserialize_with = "de::opt_string")]
    scheduled_at: Option<String>,
}

async fn update(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Reschedule>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:statuses"])?;
    let at = p.scheduled_at.as_deref().and_then(de::timestamp_ms);
    let s = st.core.reschedule_status(&viewer, de::path_id(&id)?, at).await?;
    Ok(Json(st.scheduled_json(&s)))
}

async fn destroy(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:statuses"])?;
    st.core
        .cancel_scheduled_status(&viewer, de::path_id(&id)?)
        .await?;
    Ok(Json(json!({})))
}
