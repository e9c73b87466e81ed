//! `/api/v2/notifications…`: grouped notifications (Mastodon 4.3).

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use palisade_core::auth::Viewer;
use palisade_core::notifications::Group;
use palisade_core::views::ViewOptions;
use serde_json::{Value, json};

use super::notifications::ListParams;
use crate::AppState;
use crate::entities::iso;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::routes::{
    Routes, get, post,
    scopes::{RN, WN},
    token,
};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v2/notifications", get(token(RN), list))
        .route(
            "/api/v2/notifications/unread_count",
            get(token(RN), super::notifications::unread_count),
        )
        .route("/api/v2/notifications/{key}", get(token(RN).owned(), show))
        .route(
            "/api/v2/notifications/{key}/dismiss",
            post(token(WN).owned(), dismiss),
        )
        .route(
            "/api/v2/notifications/{key}/accounts",
            get(token(RN).owned(), accounts),
        )
}

fn group_json(g: &Group) -> Value {
    let newest = &g.notifications[0];
    let oldest = &g.notifications[g.notifications.len() - 1];
    json!({
        "group_key": g.key,
        "notifications_count": g.count,
        "type": newest.kind,
        "most_recent_notification_id": newest.id.to_string(),
        "page_min_id": oldest.id.to_string(),
        "page_max_id": newest.id.to_string(),
        "latest_page_notification_at": iso(newest.created_at),
        "sample_account_ids": g.sample_account_ids.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
        "status_id": newest.status_id.map(|s| s.to_string()),
    })
}

/// The partial account of `expand_accounts=partial_avatars`: enough to draw an avatar.
fn partial(st: &AppState, a: &palisade_core::model::Account) -> Value {
    let full = st.account_json(a);
    json!({
        "id": full.id, "acct": full.acct, "locked": full.locked, "bot": full.bot, "url": full.url,
        "avatar": full.avatar, "avatar_static": full.avatar_static,
    })
}

/// The body shared by the list and the single group: groups plus the accounts and statuses
/// they refer to, each once. With `partial`, only the newest account of each group is sent
/// in full, the others as partial accounts (Mastodon's `partial_avatars`).
async fn body(st: &AppState, viewer: &Viewer, groups: &[Group], partial_avatars: bool) -> ApiResult<Value> {
    let account_ids: Vec<i64> = groups
        .iter()
        .flat_map(|g| g.sample_account_ids.iter().copied())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let status_ids: Vec<i64> = groups
        .iter()
        .filter_map(|g| g.notifications[0].status_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let accounts = st.core.account_views(&account_ids).await?;
    let shown: HashSet<i64> = accounts.iter().map(|a| a.id).collect();
    let newest: HashSet<i64> = groups
        .iter()
        .filter_map(|g| g.sample_account_ids.first().copied())
        .collect();
    let (full, partial_list): (Vec<_>, Vec<_>) = if partial_avatars {
        accounts.into_iter().partition(|a| newest.contains(&a.id))
    } else {
        (accounts, Vec::new())
    };
    let opts = ViewOptions {
        filter: Some(palisade_core::filters::FilterContext::Notifications),
        ..Default::default()
    };
    let statuses = st
        .core
        .status_views(viewer.account.as_ref(), &status_ids, opts)
        .await?;
    let visible: HashMap<i64, ()> = statuses.iter().map(|v| (v.status.id, ())).collect();
    // Groups keep only accounts that can be shown (suspended ones drop out, as in v1).
    let groups: Vec<Value> = groups
        .iter()
        .filter(|g| {
            g.notifications[0]
                .status_id
                .is_none_or(|s| visible.contains_key(&s))
        })
        .filter_map(|g| {
            let sample: Vec<i64> = g
                .sample_account_ids
                .iter()
                .copied()
                .filter(|a| shown.contains(a))
                .collect();
            (!sample.is_empty()).then(|| {
                group_json(&Group {
                    sample_account_ids: sample,
                    ..g.clone()
                })
            })
        })
        .collect();
    let mut body = json!({
        "accounts": st.accounts_json(&full),
        "statuses": st.statuses_json(&statuses, Some(viewer)),
        "notification_groups": groups,
    });
    if partial_avatars {
        body["partial_accounts"] = Value::Array(partial_list.iter().map(|a| partial(st, a)).collect());
    }
    Ok(body)
}

async fn list(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(mut p): Params<ListParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:notifications"])?;
    let page = p.page.query(40, 80);
    let filter = p.filter();
    let result = st.core.grouped_notifications(&viewer, &filter, &page).await?;
    let partial_avatars = p.expand_accounts.as_deref() == Some("partial_avatars");
    let body = body(&st, &viewer, &result.groups, partial_avatars).await?;
    let headers = crate::pagination::link_header(
        &st.core.settings.public_url,
        &uri,
        &page,
        result.next_max_id,
        result.prev_min_id,
        result.raw_len as i64 >= page.limit,
    );
    Ok(axum::response::IntoResponse::into_response((headers, Json(body))))
}

async fn show(State(st): State<AppState>, auth: Auth, Path(key): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:notifications"])?;
    let group = st.core.notification_group(&viewer, &key).await?;
    Ok(Json(body(&st, &viewer, &[group], false).await?))
}

async fn dismiss(State(st): State<AppState>, auth: Auth, Path(key): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:notifications"])?;
    st.core.dismiss_notification_group(&viewer, &key).await?;
    Ok(Json(json!({})))
}

async fn accounts(State(st): State<AppState>, auth: Auth, Path(key): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:notifications"])?;
    let group = st.core.notification_group(&viewer, &key).await?;
    let accounts = st.core.account_views(&group.sample_account_ids).await?;
    Ok(Json(json!(st.accounts_json(&accounts))))
}
