//! Posting, editing and deleting statuses.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use palisade_core::statuses::{NewStatus, StatusChanges};
use serde::Deserialize;

use crate::entities::Status;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Params};
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct Create {
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "de::bool")]
    sensitive: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    in_reply_to_id: Option<i64>,
    #[serde(default, deserialize_with = "de::string_list")]
    media_ids: Vec<String>,
    #[serde(default)]
    poll: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "de::opt_string")]
    scheduled_at: Option<String>,
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Params(p): Params<Create>,
) -> ApiResult<Json<Status>> {
    let viewer = auth.scoped(&["write:statuses"])?;
    if p.poll.as_ref().is_some_and(|v| !v.is_null()) {
        return Err(ApiError::unprocessable(
            "Validation failed: Polls are not supported by this server yet",
        ));
    }
    if p.scheduled_at.as_deref().is_some_and(|s| !s.is_empty()) {
        return Err(ApiError::unprocessable(
            "Validation failed: Scheduled posts are not supported by this server yet",
        ));
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let view = st
        .core
        .create_status(
            &viewer,
            NewStatus {
                text: p.status.unwrap_or_default(),
                spoiler_text: p.spoiler_text.unwrap_or_default(),
                sensitive: p.sensitive,
                visibility: p.visibility.filter(|v| !v.is_empty()),
                language: p.language.filter(|l| !l.is_empty()),
                in_reply_to_id: p.in_reply_to_id,
                idempotency_key: key,
                app_id: viewer.token.app_id,
                media_ids: p.media_ids,
            },
        )
        .await?;
    Ok(Json(st.status_json(&view, Some(&viewer))))
}

#[derive(Deserialize)]
pub struct Edit {
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "de::bool")]
    sensitive: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    media_ids: Vec<String>,
}

pub async fn edit(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Edit>,
) -> ApiResult<Json<Status>> {
    let viewer = auth.scoped(&["write:statuses"])?;
    let view = st
        .core
        .edit_status(
            &viewer,
            de::path_id(&id)?,
            StatusChanges {
                text: p.status.unwrap_or_default(),
                spoiler_text: p.spoiler_text.unwrap_or_default(),
                sensitive: p.sensitive,
                language: p.language.filter(|l| !l.is_empty()),
                media_ids: p.media_ids,
            },
        )
        .await?;
    Ok(Json(st.status_json(&view, Some(&viewer))))
}

pub async fn delete(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Status>> {
    let viewer = auth.scoped(&["write:statuses"])?;
    let view = st.core.delete_status(&viewer, de::path_id(&id)?).await?;
    let mut json = st.status_json(&view, Some(&viewer));
    json.text = Some(view.status.text_source.clone());
    Ok(Json(json))
}
