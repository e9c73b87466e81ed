//! Notes, endorsements, familiar followers, several accounts at once, the directory.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entities::{Account, Relationship, relationship};
use crate::error::ApiResult;
use crate::extract::{Auth, MaybeAuth, Params};
use crate::pagination::PageParams;
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct Ids {
    #[serde(default, deserialize_with = "de::string_list")]
    id: Vec<String>,
}

fn parse_ids(ids: &[String]) -> Vec<i64> {
    ids.iter().filter_map(|i| i.parse().ok()).take(40).collect()
}

/// `GET /api/v1/accounts?id[]=…`.
pub async fn many(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Params(p): Params<Ids>,
) -> ApiResult<Json<Vec<Account>>> {
    auth.scoped(&["read:accounts"])?;
    let accounts = st.core.account_views(&parse_ids(&p.id)).await?;
    Ok(Json(st.accounts_json(&accounts)))
}

#[derive(Deserialize)]
pub struct Note {
    #[serde(default, deserialize_with = "de::opt_string")]
    comment: Option<String>,
}

pub async fn note(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Note>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    let rel = st
        .core
        .set_account_note(&viewer, de::path_id(&id)?, p.comment.as_deref().unwrap_or(""))
        .await?;
    Ok(Json(relationship(&rel)))
}

pub async fn endorse(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    Ok(Json(relationship(
        &st.core.set_endorsed(&viewer, de::path_id(&id)?, true).await?,
    )))
}

pub async fn unendorse(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    Ok(Json(relationship(
        &st.core.set_endorsed(&viewer, de::path_id(&id)?, false).await?,
    )))
}

/// `GET /api/v1/endorsements`: the viewer's featured accounts.
pub async fn own_endorsements(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:accounts"])?;
    let page = p.query(40, 80);
    let rows = st.core.endorsements(viewer.account_id()?, &page).await?;
    st.account_page(&uri, &page, rows).await
}

/// `GET /api/v1/accounts/:id/endorsements`: accounts featured on a profile.
pub async fn endorsements(
    State(st): State<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    auth.scoped(&["read:accounts"])?;
    let page = p.query(40, 80);
    let account = st.core.account(de::path_id(&id)?).await?;
    let rows = st.core.endorsements(account.id, &page).await?;
    st.account_page(&uri, &page, rows).await
}

pub async fn familiar_followers(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Ids>,
) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read:follows"])?;
    let found = st.core.familiar_followers(&viewer, &parse_ids(&p.id)).await?;
    Ok(Json(
        found
            .iter()
            .map(|(id, accounts)| json!({"id": id.to_string(), "accounts": st.accounts_json(accounts)}))
            .collect(),
    ))
}

#[derive(Deserialize)]
pub struct Directory {
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    order: Option<String>,
    #[serde(default, deserialize_with = "de::bool")]
    local: bool,
}

/// `GET /api/v1/directory`: discoverable accounts.
pub async fn directory(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Params(p): Params<Directory>,
) -> ApiResult<Json<Vec<Account>>> {
    auth.scoped(&["read:accounts"])?;
    let by_activity = p.order.as_deref() != Some("new");
    let accounts = st
        .core
        .directory(
            p.local,
            by_activity,
            p.limit.unwrap_or(40).clamp(1, 80),
            p.offset.unwrap_or(0).max(0),
        )
        .await?;
    Ok(Json(st.accounts_json(&accounts)))
}
