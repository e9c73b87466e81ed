//! `/api/v1/lists…`, `/api/v1/timelines/list/:id`, `/api/v1/accounts/:id/lists`.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use palisade_core::lists::ListChanges;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entities::list;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::pagination::PageParams;
use crate::routes::{
    Routes, get,
    scopes::{RL, WL},
    token,
};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/lists", get(token(RL), index).post(token(WL), create))
        .route(
            "/api/v1/lists/{id}",
            get(token(RL).owned(), show)
                .put(token(WL).owned(), update)
                .delete(token(WL).owned(), destroy),
        )
        .route(
            "/api/v1/lists/{id}/accounts",
            get(token(RL).owned(), members)
                .post(token(WL).owned(), add_members)
                .delete(token(WL).owned(), remove_members),
        )
        .route("/api/v1/timelines/list/{id}", get(token(RL).owned(), timeline))
        .route("/api/v1/accounts/{id}/lists", get(token(RL), of_account))
}

#[derive(Deserialize)]
struct ListParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    replies_policy: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    exclusive: Option<bool>,
}

impl ListParams {
    fn changes(self) -> ListChanges {
        ListChanges {
            title: self.title,
            replies_policy: self.replies_policy,
            exclusive: self.exclusive,
        }
    }
}

async fn index(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read:lists"])?;
    Ok(Json(st.core.lists(&viewer).await?.iter().map(list).collect()))
}

async fn show(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:lists"])?;
    Ok(Json(list(&st.core.list(&viewer, de::path_id(&id)?).await?)))
}

async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<ListParams>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:lists"])?;
    Ok(Json(list(&st.core.create_list(&viewer, p.changes()).await?)))
}

async fn update(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<ListParams>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:lists"])?;
    Ok(Json(list(
        &st.core
            .update_list(&viewer, de::path_id(&id)?, p.changes())
            .await?,
    )))
}

async fn destroy(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:lists"])?;
    st.core.delete_list(&viewer, de::path_id(&id)?).await?;
    Ok(Json(json!({})))
}

async fn members(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:lists"])?;
    // `limit=0` lists every member, as Mastodon allows.
    let all = p.limit.as_deref().is_some_and(|l| l.trim() == "0");
    let page = if all {
        p.query(i64::MAX, i64::MAX)
    } else {
        p.query(40, 80)
    };
    let rows = st.core.list_members(&viewer, de::path_id(&id)?, &page).await?;
    st.account_page(&uri, &page, rows).await
}

#[derive(Deserialize)]
struct Members {
    #[serde(default, deserialize_with = "de::string_list")]
    account_ids: Vec<String>,
}

fn ids(p: &Members) -> ApiResult<Vec<i64>> {
    p.account_ids.iter().map(|i| de::path_id(i)).collect()
}

async fn add_members(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Members>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:lists"])?;
    st.core
        .add_list_members(&viewer, de::path_id(&id)?, &ids(&p)?)
        .await?;
    Ok(Json(json!({})))
}

async fn remove_members(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Members>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:lists"])?;
    st.core
        .remove_list_members(&viewer, de::path_id(&id)?, &ids(&p)?)
        .await?;
    Ok(Json(json!({})))
}

async fn timeline(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:lists"])?;
    let page = p.query(20, 40);
    let result = st.core.list_timeline(&viewer, de::path_id(&id)?, &page).await?;
    Ok(st.status_page(&uri, &page, result, Some(&viewer)))
}

async fn of_account(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read:lists"])?;
    let lists = st.core.lists_with(&viewer, de::path_id(&id)?).await?;
    Ok(Json(lists.iter().map(list).collect()))
}
