//! `/api/v1/featured_tags…` and `/api/v1/accounts/:id/featured_tags`.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::tags::tag_json;
use crate::entities::featured_tag;
use crate::error::ApiResult;
use crate::extract::{Auth, MaybeAuth, Params};
use crate::routes::{Routes, delete, get, optional, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v1/featured_tags",
            get(token(&["read:accounts"]), own).post(token(&["write:accounts"]), create),
        )
        .route(
            "/api/v1/featured_tags/suggestions",
            get(token(&["read:accounts"]), suggestions),
        )
        .route(
            "/api/v1/featured_tags/{id}",
            delete(token(&["write:accounts"]).owned(), destroy),
        )
        .route(
            "/api/v1/accounts/{id}/featured_tags",
            get(optional(&["read:accounts"]), of_account),
        )
}

async fn own(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read:accounts"])?;
    let url = viewer.account()?.url.clone();
    let list = st.core.own_featured_tags(&viewer).await?;
    Ok(Json(list.iter().map(|t| featured_tag(t, &url)).collect()))
}

async fn of_account(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    auth.scoped(&["read:accounts"])?;
    let account = st.core.account(de::path_id(&id)?).await?;
    let list = st.core.featured_tags_of(account.id).await?;
    Ok(Json(list.iter().map(|t| featured_tag(t, &account.url)).collect()))
}

#[derive(Deserialize)]
struct Create {
    #[serde(default, deserialize_with = "de::opt_string")]
    name: Option<String>,
}

async fn create(State(st): State<AppState>, auth: Auth, Params(p): Params<Create>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    let url = viewer.account()?.url.clone();
    let tag = st
        .core
        .feature_tag(&viewer, p.name.as_deref().unwrap_or(""))
        .await?;
    Ok(Json(featured_tag(&tag, &url)))
}

async fn destroy(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    st.core.unfeature(&viewer, de::path_id(&id)?).await?;
    Ok(Json(json!({})))
}

async fn suggestions(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read:accounts"])?;
    let tags = st.core.featured_tag_suggestions(&viewer).await?;
    Ok(Json(tags.iter().map(|t| tag_json(&st, t)).collect()))
}
