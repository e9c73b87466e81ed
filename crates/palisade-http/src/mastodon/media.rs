//! `POST /api/v1/media`, `POST /api/v2/media`, `GET|PUT|DELETE /api/v1/media/:id`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use palisade_core::media::{Media, MediaChanges, NewMedia};
use serde::Deserialize;

use crate::entities::media_attachment;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, WithFiles};
use crate::routes::{self, Routes, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    // Uploads may be as large as a video (99 MiB) plus the form around it.
    let limit = palisade_media::limits::VIDEO_BYTES as usize + (1 << 20);
    let media = &["write:media"];
    Routes::new()
        .route(
            "/api/v1/media",
            routes::post(token(media), create_v1).body_limit(limit),
        )
        .route(
            "/api/v2/media",
            routes::post(token(media), create_v2).body_limit(limit),
        )
        .route(
            "/api/v1/media/{id}",
            routes::get(token(media).owned(), show)
                .put(token(media).owned(), update)
                .delete(token(media).owned(), delete)
                .body_limit(limit),
        )
}

#[derive(Deserialize)]
pub struct Upload {
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    focus: Option<String>,
}

fn json(st: &AppState, m: &Media) -> crate::entities::MediaAttachment {
    media_attachment(m, &st.core.urls(), st.core.settings.media.expose_remote_url)
}

async fn create(st: AppState, auth: Auth, mut p: WithFiles<Upload>, wait: bool) -> ApiResult<Response> {
    let viewer = auth.scoped(&["write:media"])?;
    let new = NewMedia {
        file: p.take("file"),
        thumbnail: p.take("thumbnail"),
        description: p.params.description.take(),
        focus: p.params.focus.take(),
    };
    let m = st.core.upload_media(&viewer, new, wait).await?;
    let status = if m.state == "processing" {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json(&st, &m))).into_response())
}

/// v1 answers when the file is ready (video and audio are processed first).
pub async fn create_v1(State(st): State<AppState>, auth: Auth, p: WithFiles<Upload>) -> ApiResult<Response> {
    create(st, auth, p, true).await
}

/// v2 answers at once: 202 with `url: null` while video or audio is processed.
pub async fn create_v2(State(st): State<AppState>, auth: Auth, p: WithFiles<Upload>) -> ApiResult<Response> {
    create(st, auth, p, false).await
}

/// 206 while processing, 200 when ready, 422 when processing failed.
pub async fn show(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let viewer = auth.scoped(&["write:media"])?;
    let m = st.core.own_media(&viewer, de::path_id(&id)?).await?;
    match m.state.as_str() {
        "processing" => Ok((StatusCode::PARTIAL_CONTENT, Json(json(&st, &m))).into_response()),
        "failed" => {
            Err(ApiError::unprocessable(m.error.unwrap_or_else(|| {
                "Error processing thumbnail for uploaded media".into()
            })))
        }
        _ => Ok(Json(json(&st, &m)).into_response()),
    }
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    mut p: WithFiles<Upload>,
) -> ApiResult<Json<crate::entities::MediaAttachment>> {
    let viewer = auth.scoped(&["write:media"])?;
    let thumbnail = match p.take("thumbnail") {
        Some(f) => Some(
            tokio::fs::read(f.file.path())
                .await
                .map_err(|e| ApiError(palisade_core::Error::Internal(e.to_string())))?,
        ),
        None => None,
    };
    let changes = MediaChanges {
        description: p.params.description.take(),
        focus: p.params.focus.take(),
        thumbnail,
    };
    let m = st.core.update_media(&viewer, de::path_id(&id)?, changes).await?;
    Ok(Json(json(&st, &m)))
}

pub async fn delete(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let viewer = auth.scoped(&["write:media"])?;
    st.core.delete_media(&viewer, de::path_id(&id)?).await?;
    Ok(Json(serde_json::json!({})))
}
