//! Posting, editing and deleting statuses.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use palisade_core::statuses::{NewStatus, Posted, StatusChanges};
use serde::Deserialize;
use serde_json::Value;

use crate::entities::{self, Status};
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
    poll: Option<Value>,
    #[serde(default, deserialize_with = "de::opt_string")]
    scheduled_at: Option<String>,
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Params(p): Params<Create>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:statuses"])?;
    let poll = de::poll(p.poll.as_ref().unwrap_or(&Value::Null))?;
    let scheduled_at =
        match p.scheduled_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(de::timestamp_ms(s).ok_or_else(|| {
                ApiError::unprocessable("Validation failed: Scheduled at is not a valid date")
            })?),
            None => None,
        };
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let posted = st
        .core
        .post_status(
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
                poll,
                scheduled_at,
            },
        )
        .await?;
    Ok(Json(match posted {
        Posted::Now(view) => {
            serde_json::to_value(st.status_json(&view, Some(&viewer))).unwrap_or(Value::Null)
        }
        Posted::Later(s) => entities::scheduled_status(&s),
    }))
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
