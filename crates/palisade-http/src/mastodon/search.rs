//! `/api/v2/search`: local and known accounts, statuses by URL or id, hashtags.

use axum::Json;
use axum::extract::State;
use palisade_core::search::{Resolved, SearchKind};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entities::tag;
use crate::error::ApiResult;
use crate::extract::{MaybeAuth, Params};
use crate::render::viewer_account;
use crate::routes::{Routes, get, optional};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new().route("/api/v2/search", get(optional(&["read:search"]), search))
}

#[derive(Deserialize)]
struct SearchParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
    #[serde(default, deserialize_with = "de::bool")]
    resolve: bool,
}

async fn search(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Params(p): Params<SearchParams>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:search"])?;
    let kind = match p.kind.as_deref() {
        Some("accounts") => Some(SearchKind::Accounts),
        Some("statuses") => Some(SearchKind::Statuses),
        Some("hashtags") => Some(SearchKind::Hashtags),
        _ => None,
    };
    // Resolving reaches out to other servers: only for signed-in users, as in Mastodon.
    let resolved = if p.resolve && viewer.as_ref().is_some_and(|v| v.account.is_some()) {
        st.fed.resolve_query(p.q.as_deref().unwrap_or("")).await
    } else {
        Resolved::Nothing
    };
    let limit = p.limit.unwrap_or(20).clamp(1, 40);
    let offset = p.offset.unwrap_or(0).max(0);
    let results = st
        .core
        .search(
            viewer_account(viewer.as_ref()),
            p.q.as_deref().unwrap_or(""),
            kind,
            limit,
            offset,
            resolved,
        )
        .await?;
    let urls = st.core.urls();
    Ok(Json(json!({
        "accounts": st.accounts_json(&results.accounts),
        "statuses": st.statuses_json(&results.statuses, viewer.as_ref()),
        "hashtags": results.hashtags.iter().map(|t| {
            let mut v = serde_json::to_value(tag(t, &urls)).unwrap_or(Value::Null);
            v["history"] = json!([]);
            v["following"] = json!(false);
            v
        }).collect::<Vec<_>>(),
    })))
}
