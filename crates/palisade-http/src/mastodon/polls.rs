//! `/api/v1/polls/:id` and `/api/v1/polls/:id/votes`.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;

use crate::entities::poll;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, MaybeAuth, Params};
use crate::render::viewer_account;
use crate::routes::{Routes, get, optional, post, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v1/polls/{id}",
            get(optional(&["read:statuses"]).owned(), show),
        )
        .route(
            "/api/v1/polls/{id}/votes",
            post(token(&["write:statuses"]).owned(), vote),
        )
}

async fn show(State(st): State<AppState>, auth: MaybeAuth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let account = viewer_account(viewer.as_ref());
    let view = st.core.poll(account, de::path_id(&id)?).await?;
    Ok(Json(poll(&view, account.map(|a| a.id))))
}

#[derive(Deserialize)]
struct Vote {
    #[serde(default, deserialize_with = "de::string_list")]
    choices: Vec<String>,
}

async fn vote(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Vote>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:statuses"])?;
    let choices = p
        .choices
        .iter()
        .map(|c| c.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ApiError::unprocessable("Validation failed: The chosen vote option does not exist"))?;
    let view = st.core.vote(&viewer, de::path_id(&id)?, &choices).await?;
    Ok(Json(poll(&view, Some(viewer.account_id()?))))
}
