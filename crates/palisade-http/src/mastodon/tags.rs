//! `/api/v1/tags/:name`.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::MaybeAuth;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/tags/{name}", get(show))
}

async fn show(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    auth.scoped(&["read"])?;
    let (tag, history) = st.core.tag_with_history(&name).await?;
    Ok(Json(json!({
        "id": tag.id.to_string(),
        "name": tag.name,
        "url": st.core.urls().tag(&tag.name),
        "history": history.iter().map(|(day, uses, accounts)| json!({
            "day": (day / 1000).to_string(), "uses": uses.to_string(), "accounts": accounts.to_string(),
        })).collect::<Vec<_>>(),
        "following": false,
        "featuring": false,
    })))
}
