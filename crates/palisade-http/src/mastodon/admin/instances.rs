//! `/api/v1/admin/instances` (Palisade): every known peer with its ties, delivery health and
//! the reason of its last failure; actions on its deliveries.

use axum::Json;
use axum::extract::{Path, State};
use palisade_core::peers::{PeerReport, outcomes};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin;
use super::domain_blocks::block_json;
use crate::entities::iso;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Params};
use crate::routes::{Routes, admins, get, moderators, post};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/admin/instances", get(moderators(&["admin:read"]), list))
        .route(
            "/api/v1/admin/instances/{domain}",
            get(moderators(&["admin:read"]), show),
        )
        .route(
            "/api/v1/admin/instances/{domain}/{action}",
            post(admins(&["admin:write"]), act),
        )
}

async fn instance_json(st: &AppState, r: &PeerReport) -> ApiResult<Value> {
    let p = r.peer.as_ref();
    let policy = st.core.policies().await?.block_for(&r.domain).map(block_json);
    let failures: serde_json::Map<String, Value> = r
        .last_week
        .iter()
        .filter_map(|(o, n)| o.strip_prefix("failed:").map(|c| (c.to_owned(), json!(n))))
        .collect();
    Ok(json!({
        "domain": r.domain,
        "state": r.state(),
        "software": p.and_then(|p| p.software.clone()),
        "version": p.and_then(|p| p.version.clone()),
        "first_seen_at": p.map(|p| iso(p.first_seen_at)),
        "last_seen_at": p.and_then(|p| p.last_seen_at).map(iso),
        "accounts": r.ties.accounts,
        "statuses": r.ties.statuses,
        "members_following": r.ties.local_followers_of_them,
        "followers_of_members": r.ties.their_followers_of_us,
        "relationships": r.ties.relationships,
        "deliveries": {
            "last_day": {"ok": outcomes(&r.last_day, "delivered"), "failed": outcomes(&r.last_day, "failed")},
            "last_week": {"ok": outcomes(&r.last_week, "delivered"), "failed": outcomes(&r.last_week, "failed")},
        },
        "inbound": {"last_day": outcomes(&r.last_day, "inbound"), "last_week": outcomes(&r.last_week, "inbound")},
        "failures_last_week": failures,
        "last_failure": p.and_then(|p| p.last_failure_class.as_ref().map(|c| json!({
            "class": c,
            "message": p.last_failure_message,
            "at": p.last_failure_at.map(iso),
        }))),
        "failure_days": p.map_or(0, |p| p.failure_days.len()),
        "unavailable_since": p.and_then(|p| p.unavailable_since).map(iso),
        "delivery_paused": p.is_some_and(|p| p.delivery_paused),
        "queued_deliveries": r.queued_deliveries,
        "policy": policy,
    }))
}

#[derive(Deserialize)]
struct ListQuery {
    /// Substring of the domain.
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    /// `ok`, `failing`, `unavailable`, `paused`, `never_contacted`.
    #[serde(default, deserialize_with = "de::opt_string")]
    state: Option<String>,
    /// `domain` (default), `accounts`, `failures`, `last_seen`.
    #[serde(default, deserialize_with = "de::opt_string")]
    sort: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
}

async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<ListQuery>,
) -> ApiResult<Json<Vec<Value>>> {
    admin(auth, &["admin:read"], false)?;
    let mut reports = st.core.peer_reports().await?;
    if let Some(q) = p.q.as_deref().filter(|q| !q.is_empty()) {
        reports.retain(|r| r.domain.contains(&q.to_lowercase()));
    }
    if let Some(s) = p.state.as_deref() {
        reports.retain(|r| r.state() == s);
    }
    match p.sort.as_deref() {
        Some("accounts") => reports.sort_by_key(|r| std::cmp::Reverse(r.ties.accounts)),
        Some("failures") => reports.sort_by_key(|r| std::cmp::Reverse(outcomes(&r.last_week, "failed"))),
        Some("last_seen") => {
            reports.sort_by_key(|r| std::cmp::Reverse(r.peer.as_ref().and_then(|p| p.last_seen_at)))
        }
        _ => {}
    }
    let offset = p.offset.unwrap_or(0).max(0) as usize;
    let limit = p.limit.unwrap_or(100).clamp(1, 500) as usize;
    let mut out = Vec::new();
    for r in reports.iter().skip(offset).take(limit) {
        out.push(instance_json(&st, r).await?);
    }
    Ok(Json(out))
}

async fn show(State(st): State<AppState>, auth: Auth, Path(domain): Path<String>) -> ApiResult<Json<Value>> {
    admin(auth, &["admin:read"], false)?;
    let report = st.core.peer_report(&domain).await?;
    Ok(Json(instance_json(&st, &report).await?))
}

/// `retry`, `clear_failures`, `pause`, `resume`.
async fn act(
    State(st): State<AppState>,
    auth: Auth,
    Path((domain, action)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    admin(auth, &["admin:write"], true)?;
    match action.as_str() {
        "retry" => {
            st.core.retry_peer_now(&domain).await?;
        }
        "clear_failures" => st.core.clear_peer_failures(&domain).await?,
        "pause" => st.core.pause_peer(&domain, true).await?,
        "resume" => st.core.pause_peer(&domain, false).await?,
        _ => return Err(ApiError::not_found()),
    }
    let report = st.core.peer_report(&domain).await?;
    Ok(Json(instance_json(&st, &report).await?))
}
