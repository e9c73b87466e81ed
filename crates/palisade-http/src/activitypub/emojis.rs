//! `GET /emojis/:id`: one of this instance's custom emoji as an ActivityPub `Emoji` (the id
//! its tags carry).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::activity_json;
use crate::AppState;

pub async fn show(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match st.core.local_emoji(id).await {
        Ok(Some(e)) => match e.image_path.as_deref() {
            Some(path) => {
                let mut doc =
                    palisade_federation::media::publish::emoji_tag(e.id, &e.shortcode, path, &st.core.urls());
                doc["@context"] = palisade_federation::documents::context();
                doc["updated"] = serde_json::json!(crate::entities::iso(e.updated_at));
                activity_json(StatusCode::OK, doc)
            }
            None => StatusCode::NOT_FOUND.into_response(),
        },
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => crate::error::ApiError(e).into_response(),
    }
}
