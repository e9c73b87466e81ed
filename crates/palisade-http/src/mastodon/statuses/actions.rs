//! Favourite, boost, bookmark, pin — and their undoing.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

use crate::entities::Status;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::{AppState, de};

/// A POST on a status that answers with the status: `action!(handler, scopes, core_method, extra args…)`.
macro_rules! action {
    ($name:ident, $scopes:expr, $method:ident $(, $arg:expr)*) => {
        pub async fn $name(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Status>> {
            let viewer = auth.scoped($scopes)?;
            let view = st.core.$method(&viewer, de::path_id(&id)? $(, $arg)*).await?;
            Ok(Json(st.status_json(&view, Some(&viewer))))
        }
    };
}

action!(favourite, &["write:favourites"], favourite);
action!(unfavourite, &["write:favourites"], unfavourite);
action!(unreblog, &["write:statuses"], unreblog);
action!(bookmark, &["write:bookmarks"], set_bookmark, true);
action!(unbookmark, &["write:bookmarks"], set_bookmark, false);
action!(pin, &["write:accounts"], set_pin, true);
action!(unpin, &["write:accounts"], set_pin, false);
action!(mute, &["write:mutes"], set_conversation_muted, true);
action!(unmute, &["write:mutes"], set_conversation_muted, false);

#[derive(Deserialize)]
pub struct Reblog {
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
}

pub async fn reblog(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<Reblog>,
) -> ApiResult<Json<Status>> {
    let viewer = auth.scoped(&["write:statuses"])?;
    let view = st
        .core
        .reblog(
            &viewer,
            de::path_id(&id)?,
            p.visibility.as_deref().filter(|v| !v.is_empty()),
        )
        .await?;
    Ok(Json(st.status_json(&view, Some(&viewer))))
}
