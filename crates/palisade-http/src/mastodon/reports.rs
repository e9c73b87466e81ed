//! `POST /api/v1/reports`: a member reports an account (and some of its statuses) to the
//! moderators here, and for a remote account may have it forwarded to its server.

use axum::Json;
use axum::extract::State;
use palisade_core::model::Account;
use palisade_core::model::Report;
use palisade_core::reports::ReportRequest;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entities::iso;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::routes::{Routes, post, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new().route("/api/v1/reports", post(token(&["write:reports"]), create))
}

/// Ids as strings, as Mastodon writes them.
pub fn id_strings(ids: &[i64]) -> Vec<String> {
    ids.iter().map(i64::to_string).collect()
}

/// Mastodon's Report entity.
pub fn report_json(st: &AppState, r: &Report, target: &Account) -> Value {
    json!({
        "id": r.id.to_string(),
        "action_taken": r.action_taken_at.is_some(),
        "action_taken_at": r.action_taken_at.map(iso),
        "category": r.category,
        "comment": r.comment,
        "forwarded": r.forwarded,
        "created_at": iso(r.created_at),
        "status_ids": id_strings(&r.status_ids),
        "rule_ids": Some(id_strings(&r.rule_ids)).filter(|ids| !ids.is_empty()),
        "target_account": st.account_json(target),
    })
}

#[derive(Deserialize)]
struct ReportForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    account_id: Option<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    status_ids: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    comment: Option<String>,
    #[serde(default, deserialize_with = "de::bool")]
    forward: bool,
    #[serde(default, deserialize_with = "de::opt_string_list")]
    forward_to_domains: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de::opt_string")]
    category: Option<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    rule_ids: Vec<String>,
}

async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<ReportForm>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:reports"])?;
    let request = ReportRequest {
        account_id: p.account_id,
        status_ids: p.status_ids,
        comment: p.comment,
        forward: p.forward,
        forward_to_domains: p.forward_to_domains,
        category: p.category,
        rule_ids: p.rule_ids,
    };
    let (report, target) = st.core.create_report(&viewer, request).await?;
    Ok(Json(report_json(&st, &report, &target)))
}
