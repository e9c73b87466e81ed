//! `/api/v1/admin/audit_log` (Palisade): every moderation action, newest first.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin;
use crate::entities::iso;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::routes::{Routes, get, moderators};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new().route("/api/v1/admin/audit_log", get(moderators(&["admin:read"]), list))
}

#[derive(Deserialize)]
struct Query {
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    max_id: Option<i64>,
}

async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Query>,
) -> ApiResult<Json<Vec<Value>>> {
    admin(auth, &["admin:read"], false)?;
    let actions = st.core.audit_log(p.limit.unwrap_or(40), p.max_id).await?;
    let parse = |s: &Option<String>| s.as_deref().and_then(|j| serde_json::from_str::<Value>(j).ok());
    Ok(Json(
        actions
            .iter()
            .map(|a| {
                json!({
                    "id": a.id.to_string(),
                    "account_id": a.account_id.map(|i| i.to_string()),
                    "action": a.action,
                    "target_type": a.target_type,
                    "target": a.target,
                    "before": parse(&a.before_json),
                    "after": parse(&a.after_json),
                    "created_at": iso(a.created_at),
                })
            })
            .collect(),
    ))
}
