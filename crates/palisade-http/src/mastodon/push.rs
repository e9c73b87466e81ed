//! `/api/v1/push/subscription`: the Web Push subscription of the calling token.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use palisade_core::push::NewSubscription;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entities::push_subscription;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Params};
use crate::routes::{Routes, get, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new().route(
        "/api/v1/push/subscription",
        get(token(&["push"]), show)
            .post(token(&["push"]), create)
            .put(token(&["push"]), update)
            .delete(token(&["push"]), destroy),
    )
}

#[derive(Deserialize, Default)]
struct Subscription {
    #[serde(default, deserialize_with = "de::opt_string")]
    endpoint: Option<String>,
    #[serde(default)]
    keys: Option<Value>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    standard: Option<bool>,
}

#[derive(Deserialize, Default)]
struct Data {
    #[serde(default)]
    alerts: Option<Value>,
    #[serde(default, deserialize_with = "de::opt_string")]
    policy: Option<String>,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    subscription: Option<Subscription>,
    #[serde(default)]
    data: Option<Data>,
    /// Some clients send `policy` beside `data`.
    #[serde(default, deserialize_with = "de::opt_string")]
    policy: Option<String>,
}

/// `data[alerts][mention]=true` …, leniently typed; unknown types are kept out by core.
fn alerts(v: Option<&Value>) -> ApiResult<BTreeMap<String, bool>> {
    let Some(Value::Object(map)) = v else {
        return Ok(BTreeMap::new());
    };
    map.iter()
        .map(|(k, v)| {
            de::bool(v.clone())
                .map(|b| (k.clone(), b))
                .map_err(|_| ApiError::unprocessable(format!("Validation failed: Alerts {k} is invalid")))
        })
        .collect()
}

fn text(v: Option<&Value>, key: &str) -> String {
    v.and_then(|k| k.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

async fn show(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["push"])?;
    let sub = st.core.push_subscription(&viewer).await?;
    Ok(Json(push_subscription(&sub, &st.core.vapid_public_key())))
}

async fn create(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Params(p): Params<Body>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["push"])?;
    let raw = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.trim().get(7..))
        .unwrap_or("")
        .trim()
        .to_owned();
    let sub = p.subscription.unwrap_or_default();
    let data = p.data.unwrap_or_default();
    let new = NewSubscription {
        endpoint: sub.endpoint.unwrap_or_default(),
        p256dh: text(sub.keys.as_ref(), "p256dh"),
        auth: text(sub.keys.as_ref(), "auth"),
        alerts: alerts(data.alerts.as_ref())?,
        policy: data.policy.or(p.policy),
        standard: sub.standard.unwrap_or(false),
    };
    let view = st.core.subscribe_push(&viewer, &raw, new).await?;
    Ok(Json(push_subscription(&view, &st.core.vapid_public_key())))
}

async fn update(State(st): State<AppState>, auth: Auth, Params(p): Params<Body>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["push"])?;
    let data = p.data.unwrap_or_default();
    let view = st
        .core
        .update_push(&viewer, alerts(data.alerts.as_ref())?, data.policy.or(p.policy))
        .await?;
    Ok(Json(push_subscription(&view, &st.core.vapid_public_key())))
}

async fn destroy(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["push"])?;
    st.core.unsubscribe_push(&viewer).await?;
    Ok(Json(json!({})))
}
