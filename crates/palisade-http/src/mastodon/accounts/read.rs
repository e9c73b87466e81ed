//! Reading accounts: show, lookup, search, relationships, statuses, followers, following.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use palisade_core::model::AccountFilter;
use serde::Deserialize;

use crate::entities::{Account, Relationship, relationship};
use crate::error::ApiResult;
use crate::extract::{Auth, MaybeAuth, Params};
use crate::pagination::PageParams;
use crate::render::viewer_account;
use crate::{AppState, de};

pub async fn show(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<Account>> {
    auth.scoped(&["read:accounts"])?;
    let account = st.core.account(de::path_id(&id)?).await?;
    Ok(Json(st.account_json(&account)))
}

#[derive(Deserialize)]
pub struct Lookup {
    #[serde(default, deserialize_with = "de::opt_string")]
    acct: Option<String>,
}

pub async fn lookup(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Params(p): Params<Lookup>,
) -> ApiResult<Json<Account>> {
    auth.scoped(&["read:accounts"])?;
    let account = st.core.lookup_account(p.acct.as_deref().unwrap_or("")).await?;
    Ok(Json(st.account_json(&account)))
}

#[derive(Deserialize)]
pub struct Search {
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
    #[serde(default, deserialize_with = "de::bool")]
    following: bool,
}

pub async fn search(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Search>,
) -> ApiResult<Json<Vec<Account>>> {
    let viewer = auth.scoped(&["read:accounts"])?;
    let limit = p.limit.unwrap_or(40).clamp(1, 80);
    let found = st
        .core
        .search_accounts(
            Some(viewer.account_id()?),
            p.q.as_deref().unwrap_or(""),
            p.following,
            limit,
            p.offset.unwrap_or(0).max(0),
        )
        .await?;
    Ok(Json(st.accounts_json(&found)))
}

#[derive(Deserialize)]
pub struct Ids {
    #[serde(default, deserialize_with = "de::string_list")]
    id: Vec<String>,
}

pub async fn relationships(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Ids>,
) -> ApiResult<Json<Vec<Relationship>>> {
    let viewer = auth.scoped(&["read:follows"])?;
    let ids: Vec<i64> = p.id.iter().filter_map(|i| i.parse().ok()).take(100).collect();
    let rels = st.core.relationships(viewer.account()?, &ids).await?;
    Ok(Json(rels.iter().map(relationship).collect()))
}

#[derive(Deserialize)]
pub struct StatusFilters {
    #[serde(default, deserialize_with = "de::bool")]
    only_media: bool,
    #[serde(default, deserialize_with = "de::bool")]
    exclude_replies: bool,
    #[serde(default, deserialize_with = "de::bool")]
    exclude_reblogs: bool,
    #[serde(default, deserialize_with = "de::bool")]
    exclude_direct: bool,
    #[serde(default, deserialize_with = "de::bool")]
    pinned: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    tagged: Option<String>,
    #[serde(flatten)]
    page: PageParams,
}

pub async fn statuses(
    State(st): State<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Params(p): Params<StatusFilters>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let page = p.page.query(20, 40);
    let filter = AccountFilter {
        only_media: p.only_media,
        exclude_replies: p.exclude_replies,
        exclude_reblogs: p.exclude_reblogs,
        exclude_direct: p.exclude_direct,
        ..Default::default()
    };
    let result = st
        .core
        .account_statuses(
            viewer_account(viewer.as_ref()),
            de::path_id(&id)?,
            filter,
            p.pinned,
            p.tagged.as_deref(),
            &page,
        )
        .await?;
    Ok(st.status_page(&uri, &page, result, viewer.as_ref()))
}

pub async fn followers(
    st: State<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    id: Path<String>,
    p: Params<PageParams>,
) -> ApiResult<Response> {
    network(st, auth, uri, id, p, true).await
}

pub async fn following(
    st: State<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    id: Path<String>,
    p: Params<PageParams>,
) -> ApiResult<Response> {
    network(st, auth, uri, id, p, false).await
}

async fn network(
    State(st): State<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Params(p): Params<PageParams>,
    followers: bool,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:accounts"])?;
    let page = p.query(40, 80);
    let rows = st
        .core
        .network(
            viewer_account(viewer.as_ref()),
            de::path_id(&id)?,
            followers,
            &page,
        )
        .await?;
    st.account_page(&uri, &page, rows).await
}
