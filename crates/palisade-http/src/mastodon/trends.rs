//! `/api/v1/trends…` (tags, statuses, links) and follow suggestions (`/api/v1/suggestions`,
//! `/api/v2/suggestions`).

use axum::Json;
use axum::extract::{Path, State};
use palisade_core::suggestions::Source;
use serde::Deserialize;
use serde_json::{Value, json};

use super::tags::tag_json;
use crate::error::ApiResult;
use crate::extract::{Auth, MaybeAuth, Params};
use crate::render::viewer_account;
use crate::routes::{Routes, delete, get, optional, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/trends", get(optional(&["read"]), tags))
        .route("/api/v1/trends/tags", get(optional(&["read"]), tags))
        .route("/api/v1/trends/statuses", get(optional(&["read"]), statuses))
        .route("/api/v1/trends/links", get(optional(&["read"]), links))
        .route("/api/v1/suggestions", get(token(&["read"]), suggestions_v1))
        .route("/api/v1/suggestions/{id}", delete(token(&["read"]), dismiss))
        .route("/api/v2/suggestions", get(token(&["read"]), suggestions_v2))
}

#[derive(Deserialize)]
struct Window {
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
}

impl Window {
    fn get(&self, default: i64, max: i64) -> (i64, i64) {
        (
            self.limit.unwrap_or(default).clamp(1, max),
            self.offset.unwrap_or(0).max(0),
        )
    }
}

async fn tags(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Params(p): Params<Window>,
) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read"])?;
    let (limit, offset) = p.get(10, 20);
    let list = st
        .core
        .trending_tags(viewer_account(viewer.as_ref()), limit, offset)
        .await?;
    Ok(Json(list.iter().map(|t| tag_json(&st, t)).collect()))
}

async fn statuses(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Params(p): Params<Window>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read"])?;
    let (limit, offset) = p.get(20, 40);
    let list = st
        .core
        .trending_statuses(viewer_account(viewer.as_ref()), limit, offset)
        .await?;
    Ok(Json(json!(st.statuses_json(&list, viewer.as_ref()))))
}

/// Links trend by their preview cards, which this server does not make yet: none.
/// Trending links: each a PreviewCard with its `history`, as Mastodon's Trends::Link.
async fn links(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Params(p): Params<Window>,
) -> ApiResult<Json<Vec<Value>>> {
    auth.scoped(&["read"])?;
    let (limit, offset) = p.get(10, 20);
    let urls = st.core.urls();
    let list = st.core.trending_links(limit, offset).await?;
    Ok(Json(
        list.iter()
            .map(|t| {
                let mut v = crate::entities::preview_card(&t.card, &urls);
                v["history"] = json!(t.history.iter().map(|(day, uses, accounts)| json!({
                    "day": (day / 1000).to_string(), "uses": uses.to_string(), "accounts": accounts.to_string(),
                })).collect::<Vec<_>>());
                v
            })
            .collect(),
    ))
}

async fn suggestions_v1(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Window>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read"])?;
    let (limit, _) = p.get(40, 80);
    let list = st.core.suggestions(&viewer, limit).await?;
    let accounts: Vec<_> = list.iter().map(|(a, _)| st.account_json(a)).collect();
    Ok(Json(json!(accounts)))
}

async fn suggestions_v2(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Window>,
) -> ApiResult<Json<Vec<Value>>> {
    let viewer = auth.scoped(&["read"])?;
    let (limit, _) = p.get(40, 80);
    let list = st.core.suggestions(&viewer, limit).await?;
    Ok(Json(
        list.iter()
            .map(|(a, source)| {
                let (source, sources) = match source {
                    Source::PastInteractions => ("past_interactions", "most_interactions"),
                    Source::Global => ("global", "most_followed"),
                };
                json!({"source": source, "sources": [sources], "account": st.account_json(a)})
            })
            .collect(),
    ))
}

async fn dismiss(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read"])?;
    st.core.dismiss_suggestion(&viewer, de::path_id(&id)?).await?;
    Ok(Json(json!({})))
}
