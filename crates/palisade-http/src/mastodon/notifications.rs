//! `/api/v1/notifications…`.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use palisade_core::auth::Viewer;
use palisade_core::model::{Notification as Row, NotificationFilter as Filter};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entities::{Notification, notification_of};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Params};
use crate::pagination::PageParams;
use crate::routes::{
    Routes, get, post,
    scopes::{RN, WN},
    token,
};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/notifications", get(token(RN), list))
        .route("/api/v1/notifications/clear", post(token(WN), clear))
        .route("/api/v1/notifications/unread_count", get(token(RN), unread_count))
        .route("/api/v1/notifications/{id}", get(token(RN).owned(), show))
        .route(
            "/api/v1/notifications/{id}/dismiss",
            post(token(WN).owned(), dismiss),
        )
}

#[derive(Deserialize)]
pub(super) struct ListParams {
    #[serde(default, deserialize_with = "de::string_list")]
    pub types: Vec<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub exclude_types: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub account_id: Option<i64>,
    /// v2 only: `full` or `partial_avatars`.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub expand_accounts: Option<String>,
    #[serde(flatten)]
    pub page: PageParams,
}

impl ListParams {
    pub fn filter(&mut self) -> Filter {
        Filter {
            types: std::mem::take(&mut self.types),
            exclude_types: std::mem::take(&mut self.exclude_types),
            from_account_id: self.account_id,
        }
    }
}

async fn list(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<ListParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:notifications"])?;
    let page = p.page.query(40, 80);
    let filter = Filter {
        types: p.types,
        exclude_types: p.exclude_types,
        from_account_id: p.account_id,
    };
    let rows = st.core.notifications(&viewer, &filter, &page).await?;
    let keys = rows.keys();
    let full = keys.len() as i64 >= page.limit;
    let list: Vec<Row> = rows.items.into_iter().map(|(_, n)| n).collect();
    let items = render(&st, &viewer, &list).await?;
    Ok(st.paged(
        &uri,
        &page,
        items,
        (keys.first().copied(), keys.last().copied()),
        full,
    ))
}

/// Renders notifications with their accounts and statuses (core's views: filters of the
/// notifications context applied).
async fn render(st: &AppState, viewer: &Viewer, list: &[Row]) -> ApiResult<Vec<Notification>> {
    let views = st.core.notification_views(viewer.account.as_ref(), list).await?;
    let urls = st.core.urls();
    Ok(views
        .iter()
        .map(|v| notification_of(v, &urls, st.core.settings.media.expose_remote_url))
        .collect())
}

async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Notification>> {
    let viewer = auth.scoped(&["read:notifications"])?;
    let n = st.core.notification(&viewer, de::path_id(&id)?).await?;
    render(&st, &viewer, &[n])
        .await?
        .pop()
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

async fn dismiss(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:notifications"])?;
    st.core.dismiss_notification(&viewer, de::path_id(&id)?).await?;
    Ok(Json(json!({})))
}

async fn clear(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:notifications"])?;
    st.core.clear_notifications(&viewer).await?;
    Ok(Json(json!({})))
}

#[derive(Deserialize)]
pub(super) struct UnreadParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
}

pub(super) async fn unread_count(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<UnreadParams>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:notifications"])?;
    let count = st
        .core
        .unread_notifications(&viewer, p.limit.unwrap_or(100).clamp(1, 1000))
        .await?;
    Ok(Json(json!({ "count": count })))
}
