//! `/api/v1/preferences`.

use axum::Json;
use axum::extract::State;
use palisade_core::preferences::preferences_of;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Auth;
use crate::routes::{Routes, get, token};

pub fn routes() -> Routes {
    Routes::new().route("/api/v1/preferences", get(token(&["read:accounts"]), show))
}

async fn show(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:accounts"])?;
    let prefs = preferences_of(&st.core.user_of(&viewer).await?);
    Ok(Json(json!({
        "posting:default:visibility": prefs.default_privacy.as_deref().unwrap_or("public"),
        "posting:default:sensitive": prefs.default_sensitive.unwrap_or(false),
        "posting:default:language": prefs.default_language,
        "reading:expand:media": "default",
        "reading:expand:spoilers": false,
        "reading:autoplay:gifs": false,
        "posting:default:quote_policy": "public",
    })))
}
