//! Follow, unfollow, block, unblock, mute, unmute, remove from followers.

use axum::Json;
use axum::extract::{Path, State};
use palisade_core::relationships::FollowOptions;
use serde::Deserialize;

use crate::entities::{Relationship, relationship};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct Follow {
    #[serde(default, deserialize_with = "de::opt_bool")]
    reblogs: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    notify: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string_list")]
    languages: Option<Vec<String>>,
}

pub async fn follow(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Follow>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:follows", "follow"])?;
    let opts = FollowOptions {
        reblogs: p.reblogs,
        notify: p.notify,
        languages: p.languages,
    };
    let rel = st.core.follow(&viewer, de::path_id(&id)?, opts).await?;
    Ok(Json(relationship(&rel)))
}

pub async fn unfollow(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:follows", "follow"])?;
    let rel = st.core.unfollow(&viewer, de::path_id(&id)?).await?;
    Ok(Json(relationship(&rel)))
}

pub async fn remove_from_followers(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:follows", "follow"])?;
    let rel = st.core.remove_follower(&viewer, de::path_id(&id)?).await?;
    Ok(Json(relationship(&rel)))
}

pub async fn block(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:blocks", "follow"])?;
    let rel = st.core.block(&viewer, de::path_id(&id)?).await?;
    Ok(Json(relationship(&rel)))
}

pub async fn unblock(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:blocks", "follow"])?;
    let rel = st.core.unblock(&viewer, de::path_id(&id)?).await?;
    Ok(Json(relationship(&rel)))
}

#[derive(Deserialize)]
pub struct Mute {
    #[serde(default, deserialize_with = "de::opt_bool")]
    notifications: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    duration: Option<i64>,
}

pub async fn mute(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Mute>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:mutes", "follow"])?;
    let rel = st
        .core
        .mute(
            &viewer,
            de::path_id(&id)?,
            p.notifications.unwrap_or(true),
            p.duration,
        )
        .await?;
    Ok(Json(relationship(&rel)))
}

pub async fn unmute(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Relationship>> {
    let viewer = auth.scoped(&["write:mutes", "follow"])?;
    let rel = st.core.unmute(&viewer, de::path_id(&id)?).await?;
    Ok(Json(relationship(&rel)))
}
