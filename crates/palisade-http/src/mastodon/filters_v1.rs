//! `/api/v1/filters…`: the older API, where each keyword is a filter of its own.

use axum::Json;
use axum::extract::{Path, State};
use palisade_core::filters::PhraseFilter;
use serde::Deserialize;
use serde_json::{Value, json};

use super::filters_v2::expires_in;
use crate::entities::filter_v1;
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
        .route("/api/v1/filters", get(token(RF), index).post(token(WF), create))
        .route(
            "/api/v1/filters/{id}",
            get(token(RF).owned(), show)
                .put(token(WF).owned(), update)
                .delete(token(WF).owned(), destroy),
        )
}

#[derive(Deserialize)]
struct Phrase {
    #[serde(default, deserialize_with = "de::opt_string")]
    phrase: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string_list")]
    context: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    irreversible: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    whole_word: Option<bool>,
    #[serde(default)]
    expires_in: Option<Value>,
}

impl Phrase {
    fn into_core(self) -> ApiResult<PhraseFilter> {
        Ok(PhraseFilter {
            phrase: self.phrase,
            context: self.context,
            irreversible: self.irreversible,
            whole_word: self.whole_word,
            expires_in: expires_in(self.expires_in)?,
        })
    }
}

async fn index(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read:filters"])?;
    let list = st.core.phrase_filters(&viewer).await?;
    Ok(Json(list.iter().map(|(k, f)| filter_v1(k, f)).collect()))
}

async fn show(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:filters"])?;
    let (k, f) = st.core.filter_keyword(&viewer, de::path_id(&id)?).await?;
    Ok(Json(filter_v1(&k, &f)))
}

async fn create(State(st): State<AppState>, auth: Auth, Params(p): Params<Phrase>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    let (k, f) = st.core.create_phrase_filter(&viewer, p.into_core()?).await?;
    Ok(Json(filter_v1(&k, &f)))
}

async fn update(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Phrase>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    let (k, f) = st
        .core
        .update_phrase_filter(&viewer, de::path_id(&id)?, p.into_core()?)
        .await?;
    Ok(Json(filter_v1(&k, &f)))
}

async fn destroy(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:filters"])?;
    st.core.delete_phrase_filter(&viewer, de::path_id(&id)?).await?;
    Ok(Json(json!({})))
}
