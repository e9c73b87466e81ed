//! `/api/v2/filters…`: filters with keywords and statuses.

use axum::Json;
use axum::extract::{Path, State};
use palisade_core::filters::{FilterChanges, KeywordChange};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entities::{filter, filter_keyword, filter_status};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::routes::{
    Routes, get,
    scopes::{RF, WF},
    token,
};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v2/filters", get(token(RF), index).post(token(WF), create))
        .route(
            "/api/v2/filters/{id}",
            get(token(RF).owned(), show)
                .put(token(WF).owned(), update)
                .delete(token(WF).owned(), destroy),
        )
        .route(
            "/api/v2/filters/{id}/keywords",
            get(token(RF).owned(), keywords).post(token(WF).owned(), add_keyword),
        )
        .route(
            "/api/v2/filters/keywords/{id}",
            get(token(RF).owned(), keyword)
                .put(token(WF).owned(), update_keyword)
                .delete(token(WF).owned(), delete_keyword),
        )
        .route(
            "/api/v2/filters/{id}/statuses",
            get(token(RF).owned(), statuses).post(token(WF).owned(), add_status),
        )
        .route(
            "/api/v2/filters/statuses/{id}",
            get(token(RF).owned(), status).delete(token(WF).owned(), delete_status),
        )
}

#[derive(Deserialize)]
pub(super) struct Changes {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string_list")]
    context: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de::opt_string")]
    filter_action: Option<String>,
    /// Seconds; empty clears the expiry.
    #[serde(default)]
    expires_in: Option<Value>,
    #[serde(default)]
    keywords_attributes: Option<Value>,
}

/// `expires_in`: absent (unchanged), empty or null (never), or seconds.
pub(super) fn expires_in(v: Option<Value>) -> ApiResult<Option<Option<i64>>> {
    match v {
        None => Ok(None),
        Some(v) => match de::opt_i64(v) {
            Ok(secs) => Ok(Some(secs)),
            Err(_) => Err(crate::error::ApiError::unprocessable(
                "Validation failed: Expires in is not a number",
            )),
        },
    }
}

fn keyword_changes(v: Option<Value>) -> ApiResult<Vec<KeywordChange>> {
    let items = match v {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(Value::Object(map)) => map.into_values().collect(),
        Some(_) => {
            return Err(crate::error::ApiError::unprocessable(
                "Validation failed: Keywords are invalid",
            ));
        }
    };
    let bad = |_| crate::error::ApiError::unprocessable("Validation failed: Keywords are invalid");
    items
        .into_iter()
        .map(|k| {
            let get = |name: &str| k.get(name).cloned().unwrap_or(Value::Null);
            Ok(KeywordChange {
                id: de::opt_i64(get("id")).map_err(bad)?,
                keyword: de::opt_string(get("keyword")).map_err(bad)?,
                whole_word: de::opt_bool(get("whole_word")).map_err(bad)?,
                destroy: de::bool(get("_destroy")).map_err(bad)?,
            })
        })
        .collect()
}

impl Changes {
    fn into_core(self) -> ApiResult<FilterChanges> {
        Ok(FilterChanges {
            title: self.title,
            context: self.context,
            action: self.filter_action,
            expires_in: expires_in(self.expires_in)?,
            keywords: keyword_changes(self.keywords_attributes)?,
        })
    }
}

async fn index(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read:filters"])?;
    Ok(Json(st.core.filters(&viewer).await?.iter().map(filter).collect()))
}

async fn show(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:filters"])?;
    Ok(Json(filter(&st.core.filter(&viewer, de::path_id(&id)?).await?)))
}

async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Changes>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    Ok(Json(filter(
        &st.core.create_filter(&viewer, p.into_core()?).await?,
    )))
}

async fn update(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Changes>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    let view = st
        .core
        .update_filter(&viewer, de::path_id(&id)?, p.into_core()?)
        .await?;
    Ok(Json(filter(&view)))
}

async fn destroy(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    st.core.delete_filter(&viewer, de::path_id(&id)?).await?;
    Ok(Json(json!({})))
}

async fn keywords(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read:filters"])?;
    let list = st.core.filter_keywords(&viewer, de::path_id(&id)?).await?;
    Ok(Json(list.iter().map(filter_keyword).collect()))
}

#[derive(Deserialize)]
struct KeywordParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    keyword: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    whole_word: Option<bool>,
}

async fn add_keyword(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<KeywordParams>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    let k = st
        .core
        .add_filter_keyword(
            &viewer,
            de::path_id(&id)?,
            p.keyword.as_deref().unwrap_or(""),
            p.whole_word.unwrap_or(true),
        )
        .await?;
    Ok(Json(filter_keyword(&k)))
}

async fn keyword(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:filters"])?;
    let (k, _) = st.core.filter_keyword(&viewer, de::path_id(&id)?).await?;
    Ok(Json(filter_keyword(&k)))
}

async fn update_keyword(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<KeywordParams>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    let k = st
        .core
        .update_filter_keyword(&viewer, de::path_id(&id)?, p.keyword.as_deref(), p.whole_word)
        .await?;
    Ok(Json(filter_keyword(&k)))
}

async fn delete_keyword(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    st.core.delete_filter_keyword(&viewer, de::path_id(&id)?).await?;
    Ok(Json(json!({})))
}

async fn statuses(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read:filters"])?;
    let list = st.core.filter_statuses(&viewer, de::path_id(&id)?).await?;
    Ok(Json(list.iter().map(filter_status).collect()))
}

#[derive(Deserialize)]
struct StatusParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    status_id: Option<i64>,
}

async fn add_status(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<StatusParams>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    let status_id = p.status_id.ok_or_else(crate::error::ApiError::not_found)?;
    let s = st
        .core
        .add_filter_status(&viewer, de::path_id(&id)?, status_id)
        .await?;
    Ok(Json(filter_status(&s)))
}

async fn status(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:filters"])?;
    let (s, _) = st.core.filter_status(&viewer, de::path_id(&id)?).await?;
    Ok(Json(filter_status(&s)))
}

async fn delete_status(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    st.core.delete_filter_status(&viewer, de::path_id(&id)?).await?;
    Ok(Json(json!({})))
}
