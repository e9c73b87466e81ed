//! Favourite, boost, bookmark, pin — and their undoing.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

use crate::entities::Status;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::{AppState, de};

macro_rules! action {
    ($name:ident, $scopes:expr, |$st:ident, $viewer:ident, $id:ident| $call:expr) => {
        pub async fn $name(
            State($st): State<AppState>,
            auth: Auth,
            Path(id): Path<String>,
        ) -> ApiResult<Json<Status>> {
            let $viewer = auth.scoped($scopes)?;
            let $id = de::path_id(&id)?;
            let view = $call.await?;
            Ok(Json($st.status_json(&view, Some(&$viewer))))
        }
    };
}

action!(favourite, &["write:favourites"], |st, viewer, id| st
    .core
    .favourite(&viewer, id));
action!(unfavourite, &["write:favourites"], |st, viewer, id| st
    .core
    .unfavourite(&viewer, id));
action!(unreblog, &["write:statuses"], |st, viewer, id| st
    .core
    .unreblog(&viewer, id));
action!(bookmark, &["write:bookmarks"], |st, viewer, id| st
    .core
    .set_bookmark(&viewer, id, true));
action!(unbookmark, &["write:bookmarks"], |st, viewer, id| st
    .core
    .set_bookmark(&viewer, id, false));
action!(pin, &["write:accounts"], |st, viewer, id| st
    .core
    .set_pin(&viewer, id, true));
action!(unpin, &["write:accounts"], |st, viewer, id| st
    .core
    .set_pin(&viewer, id, false));

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
