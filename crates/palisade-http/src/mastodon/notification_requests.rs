//! Mastodon 4.3's notification filtering: `/api/v2/notifications/policy` (and the v1
//! shape), `/api/v1/notifications/requests…`.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use palisade_core::notification_requests::PolicyChanges;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entities::{notification_policy, notification_policy_v1, notification_request};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::pagination::PageParams;
use crate::routes::{
    Routes, get, post,
    scopes::{RN, WN},
    token,
};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v2/notifications/policy",
            get(token(RN), policy)
                .patch(token(WN), update_policy)
                .put(token(WN), update_policy),
        )
        .route(
            "/api/v1/notifications/policy",
            get(token(RN), policy_v1)
                .patch(token(WN), update_policy_v1)
                .put(token(WN), update_policy_v1),
        )
        .route("/api/v1/notifications/requests", get(token(RN), requests))
        .route("/api/v1/notifications/requests/merged", get(token(RN), merged))
        .route(
            "/api/v1/notifications/requests/accept",
            post(token(WN), accept_many),
        )
        .route(
            "/api/v1/notifications/requests/dismiss",
            post(token(WN), dismiss_many),
        )
        .route(
            "/api/v1/notifications/requests/{id}",
            get(token(RN).owned(), request),
        )
        .route(
            "/api/v1/notifications/requests/{id}/accept",
            post(token(WN).owned(), accept),
        )
        .route(
            "/api/v1/notifications/requests/{id}/dismiss",
            post(token(WN).owned(), dismiss),
        )
}

#[derive(Deserialize)]
struct Policy {
    #[serde(default, deserialize_with = "de::opt_string")]
    for_not_following: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    for_not_followers: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    for_new_accounts: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    for_private_mentions: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    for_limited_accounts: Option<String>,
}

async fn policy(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:notifications"])?;
    Ok(Json(notification_policy(
        &st.core.notification_policy(&viewer).await?,
    )))
}

async fn update_policy(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Policy>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:notifications"])?;
    let changes = PolicyChanges {
        for_not_following: p.for_not_following,
        for_not_followers: p.for_not_followers,
        for_new_accounts: p.for_new_accounts,
        for_private_mentions: p.for_private_mentions,
        for_limited_accounts: p.for_limited_accounts,
    };
    Ok(Json(notification_policy(
        &st.core.update_notification_policy(&viewer, changes).await?,
    )))
}

#[derive(Deserialize)]
struct PolicyV1 {
    #[serde(default, deserialize_with = "de::opt_bool")]
    filter_not_following: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    filter_not_followers: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    filter_new_accounts: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    filter_private_mentions: Option<bool>,
}

async fn policy_v1(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:notifications"])?;
    Ok(Json(notification_policy_v1(
        &st.core.notification_policy(&viewer).await?,
    )))
}

async fn update_policy_v1(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<PolicyV1>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:notifications"])?;
    let word = |b: Option<bool>| b.map(|on| if on { "filter" } else { "accept" }.to_owned());
    let changes = PolicyChanges {
        for_not_following: word(p.filter_not_following),
        for_not_followers: word(p.filter_not_followers),
        for_new_accounts: word(p.filter_new_accounts),
        for_private_mentions: word(p.filter_private_mentions),
        for_limited_accounts: None,
    };
    Ok(Json(notification_policy_v1(
        &st.core.update_notification_policy(&viewer, changes).await?,
    )))
}

async fn requests(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:notifications"])?;
    let page = p.query(40, 80);
    let (keys, views) = st.core.notification_requests(&viewer, &page).await?;
    let keys = keys.keys();
    let me = Some(viewer.account_id()?);
    let urls = st.core.urls();
    let items: Vec<Value> = views
        .iter()
        .map(|r| notification_request(r, me, &urls, st.core.settings.media.expose_remote_url))
        .collect();
    Ok(st.paged(
        &uri,
        &page,
        items,
        (keys.first().copied(), keys.last().copied()),
        keys.len() as i64 >= page.limit,
    ))
}

async fn request(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:notifications"])?;
    let r = st.core.notification_request(&viewer, de::path_id(&id)?).await?;
    Ok(Json(notification_request(
        &r,
        Some(viewer.account_id()?),
        &st.core.urls(),
        st.core.settings.media.expose_remote_url,
    )))
}

async fn accept(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:notifications"])?;
    let id = de::path_id(&id)?;
    st.core.require_notification_request(&viewer, id).await?;
    st.core.accept_notification_requests(&viewer, &[id]).await?;
    Ok(Json(json!({})))
}

async fn dismiss(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:notifications"])?;
    let id = de::path_id(&id)?;
    st.core.require_notification_request(&viewer, id).await?;
    st.core.dismiss_notification_requests(&viewer, &[id]).await?;
    Ok(Json(json!({})))
}

#[derive(Deserialize)]
struct Many {
    #[serde(default, deserialize_with = "de::string_list")]
    id: Vec<String>,
}

fn ids(p: &Many) -> Vec<i64> {
    p.id.iter().filter_map(|i| i.trim().parse().ok()).collect()
}

async fn accept_many(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Many>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:notifications"])?;
    st.core.accept_notification_requests(&viewer, &ids(&p)).await?;
    Ok(Json(json!({})))
}

async fn dismiss_many(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Many>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:notifications"])?;
    st.core.dismiss_notification_requests(&viewer, &ids(&p)).await?;
    Ok(Json(json!({})))
}

/// Accepted requests are merged at once here, never in the background.
async fn merged(auth: Auth) -> ApiResult<Json<Value>> {
    auth.scoped(&["read:notifications"])?;
    Ok(Json(json!({"merged": true})))
}
