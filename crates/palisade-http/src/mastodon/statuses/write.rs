//! Posting, editing and deleting statuses.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use palisade_core::media::MediaChanges;
use palisade_core::statuses::{NewStatus, Posted, StatusChanges};
use serde::Deserialize;
use serde_json::Value;

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
        Posted::Later(s) => st.scheduled_json(&s),
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
    #[serde(default, deserialize_with = "de::opt_string_list")]
    media_ids: Option<Vec<String>>,
    /// `media_attributes[][id|description|focus|thumbnail]` (the thumbnail as a data URI).
    #[serde(default)]
    media_attributes: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct MediaAttribute {
    #[serde(default, deserialize_with = "de::opt_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    focus: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    thumbnail: Option<String>,
}

/// `media_attributes` as a list or a Rails indexed hash, each with a media id.
fn media_attributes(v: Option<serde_json::Value>) -> Result<Vec<(String, MediaChanges)>, ApiError> {
    let items: Vec<serde_json::Value> = match v {
        Some(serde_json::Value::Array(a)) => a,
        Some(serde_json::Value::Object(m)) => m.into_iter().map(|(_, v)| v).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for item in items {
        let a: MediaAttribute = serde_json::from_value(item)
            .map_err(|e| ApiError::unprocessable(format!("Validation failed: media_attributes: {e}")))?;
        let Some(id) = a.id else { continue };
        let thumbnail =
            match a.thumbnail.as_deref().filter(|t| !t.is_empty()) {
                Some(t) => Some(de::data_uri(t).ok_or_else(|| {
                    ApiError::unprocessable("Validation failed: Thumbnail is not a data URI")
                })?),
                None => None,
            };
        out.push((
            id,
            MediaChanges {
                description: a.description,
                focus: a.focus,
                thumbnail,
            },
        ));
    }
    Ok(out)
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
                media_attributes: media_attributes(p.media_attributes)?,
            },
        )
        .await?;
    Ok(Json(st.status_json(&view, Some(&viewer))))
}

#[derive(Deserialize)]
pub struct Delete {
    #[serde(default, deserialize_with = "de::bool")]
    delete_media: bool,
}

pub async fn delete(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Delete>,
) -> ApiResult<Json<Status>> {
    let viewer = auth.scoped(&["write:statuses"])?;
    let view = st
        .core
        .delete_status(&viewer, de::path_id(&id)?, p.delete_media)
        .await?;
    let mut json = st.status_json(&view, Some(&viewer));
    json.text = Some(view.status.text_source.clone());
    Ok(Json(json))
}
