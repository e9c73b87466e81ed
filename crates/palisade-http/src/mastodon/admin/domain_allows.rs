//! `/api/v1/admin/domain_allows` (used when limited federation is on).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin;
use crate::entities::iso;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Params};
use crate::routes::{Routes, admins, get, moderators};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v1/admin/domain_allows",
            get(moderators(&["admin:read:domain_allows"]), list)
                .post(admins(&["admin:write:domain_allows"]), create),
        )
        .route(
            "/api/v1/admin/domain_allows/{id}",
            get(moderators(&["admin:read:domain_allows"]), show)
                .delete(admins(&["admin:write:domain_allows"]), remove),
        )
}

fn allow_json((id, domain, at): &(i64, String, i64)) -> Value {
    json!({"id": id.to_string(), "domain": domain, "created_at": iso(*at)})
}

async fn list(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    admin(auth, &["admin:read:domain_allows"], false)?;
    Ok(Json(
        st.core.domain_allows().await?.iter().map(allow_json).collect(),
    ))
}

async fn show(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    admin(auth, &["admin:read:domain_allows"], false)?;
    let id = de::path_id(&id)?;
    let found = st
        .core
        .domain_allows()
        .await?
        .into_iter()
        .find(|a| a.0 == id)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(allow_json(&found)))
}

#[derive(Deserialize)]
struct Form {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
}

async fn create(State(st): State<AppState>, auth: Auth, Params(p): Params<Form>) -> ApiResult<Json<Value>> {
    let viewer = admin(auth, &["admin:write:domain_allows"], true)?;
    let allow = st
        .core
        .allow_domain(
            viewer.account.as_ref().map(|a| a.id),
            p.domain.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(Json(allow_json(&allow)))
}

async fn remove(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = admin(auth, &["admin:write:domain_allows"], true)?;
    st.core
        .disallow_domain(viewer.account.as_ref().map(|a| a.id), de::path_id(&id)?)
        .await?;
    Ok(Json(json!({})))
}
