//! `/api/v1/admin/reports` (Mastodon's admin API): list, show, resolve, reopen. Moderators
//! handle reports as admins do, as in Mastodon.
//!
//! Admin::Account is a reduced subset: `ip` is null and `ips` empty (sign-in addresses are
//! not kept), `sensitized` is false, `invite_request` is the sign-up reason.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use palisade_core::model::ReportFilter as Filter;
use palisade_core::reports::{AdminReport, StaffAccount};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin;
use crate::entities::{self, iso};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::pagination::PageParams;
use crate::routes::{Routes, get, moderators, post};
use crate::{AppState, de};

const READ: &[&str] = &["admin:read:reports"];
const WRITE: &[&str] = &["admin:write:reports"];

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/admin/reports", get(moderators(READ), list))
        .route("/api/v1/admin/reports/{id}", get(moderators(READ), show))
        .route(
            "/api/v1/admin/reports/{id}/resolve",
            post(moderators(WRITE), resolve),
        )
        .route(
            "/api/v1/admin/reports/{id}/reopen",
            post(moderators(WRITE), reopen),
        )
}

fn staff_account_json(st: &AppState, s: &StaffAccount) -> Value {
    let a = &s.account;
    let u = s.user.as_ref();
    // The Role entity, as the credential account shows it.
    let role = u.map(|u| entities::credential_account(a, u, &st.core.urls(), 0).role);
    json!({
        "id": a.id.to_string(),
        "username": a.username,
        "domain": a.domain,
        "created_at": iso(a.created_at),
        "email": u.map(|u| u.email.clone()),
        "ip": null,
        "ips": [],
        "role": role,
        "confirmed": u.is_some_and(|u| u.confirmed),
        "suspended": a.suspended_at.is_some(),
        "silenced": a.silenced_at.is_some(),
        "sensitized": false,
        "disabled": u.is_some_and(|u| u.disabled),
        "approved": u.is_some_and(|u| u.approved),
        "locale": u.map(|u| u.locale.clone()),
        "invite_request": u.and_then(|u| u.reason.clone()),
        "account": st.account_json(a),
    })
}

/// Mastodon's Admin::Report entity.
fn admin_report_json(st: &AppState, r: &AdminReport) -> Value {
    let report = &r.report;
    let rules: Vec<Value> = entities::rules(&st.core.settings)
        .into_iter()
        .filter(|rule| {
            rule["id"]
                .as_str()
                .and_then(|id| id.parse::<i64>().ok())
                .is_some_and(|id| report.rule_ids.contains(&id))
        })
        .collect();
    json!({
        "id": report.id.to_string(),
        "action_taken": report.action_taken_at.is_some(),
        "action_taken_at": report.action_taken_at.map(iso),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forwarded,
        "created_at": iso(report.created_at),
        "updated_at": iso(report.updated_at),
        "account": staff_account_json(st, &r.account),
        "target_account": staff_account_json(st, &r.target_account),
        "assigned_account": null,
        "action_taken_by_account": r.action_taken_by.as_ref().map(|a| staff_account_json(st, a)),
        "statuses": st.statuses_json(&r.statuses, None),
        "rules": rules,
    })
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default, deserialize_with = "de::bool")]
    resolved: bool,
    #[serde(default, deserialize_with = "de::opt_i64")]
    account_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    target_account_id: Option<i64>,
    #[serde(flatten)]
    page: PageParams,
}

/// Open reports (or, with `resolved=true`, resolved ones), newest first.
async fn list(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<ListQuery>,
) -> ApiResult<Response> {
    admin(auth, READ, false)?;
    let page = p.page.query(100, 200);
    let filter = Filter {
        resolved: p.resolved,
        account_id: p.account_id,
        target_account_id: p.target_account_id,
    };
    let rows = st.core.admin_reports(&filter, &page).await?;
    let keys = rows.keys();
    let full = keys.len() as i64 >= page.limit;
    let items: Vec<Value> = rows
        .items
        .iter()
        .map(|(_, r)| admin_report_json(&st, r))
        .collect();
    Ok(st.paged(
        &uri,
        &page,
        items,
        (keys.first().copied(), keys.last().copied()),
        full,
    ))
}

async fn show(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    admin(auth, READ, false)?;
    let report = st.core.admin_report(de::path_id(&id)?).await?;
    Ok(Json(admin_report_json(&st, &report)))
}

async fn resolve(st: State<AppState>, auth: Auth, id: Path<String>) -> ApiResult<Json<Value>> {
    set_resolved(st, auth, id, true).await
}

async fn reopen(st: State<AppState>, auth: Auth, id: Path<String>) -> ApiResult<Json<Value>> {
    set_resolved(st, auth, id, false).await
}

async fn set_resolved(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    resolved: bool,
) -> ApiResult<Json<Value>> {
    // Moderators may act on reports (the guard's `write` flag would require an admin).
    let viewer = admin(auth, WRITE, false)?;
    let report = st
        .core
        .set_report_resolved(viewer.account.as_ref().map(|a| a.id), de::path_id(&id)?, resolved)
        .await?;
    Ok(Json(admin_report_json(&st, &report)))
}
