//! `/api/v1/instance…`, `/api/v2/instance`, `/api/v1/custom_emojis`.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::AppState;
use crate::entities::{instance_v1, instance_v2, rules};
use crate::error::ApiResult;
use crate::routes::{Routes, get, optional, public};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/instance", get(public(), v1))
        .route("/api/v2/instance", get(public(), v2))
        .route("/api/v1/instance/peers", get(public(), peers))
        .route("/api/v1/instance/activity", get(public(), activity))
        .route("/api/v1/instance/rules", get(public(), instance_rules))
        .route(
            "/api/v1/instance/extended_description",
            get(public(), extended_description),
        )
        .route("/api/v1/instance/languages", get(public(), languages))
        // Signed-in members may see more of the list than visitors.
        .route(
            "/api/v1/instance/domain_blocks",
            get(optional(&[]), domain_blocks),
        )
        .route(
            "/api/v1/instance/translation_languages",
            get(public(), translation_languages),
        )
        .route("/api/v1/custom_emojis", get(public(), custom_emojis))
}

async fn contact(st: &AppState) -> ApiResult<Option<Value>> {
    let account = st.core.contact_account().await?;
    Ok(account.map(|a| serde_json::to_value(st.account_json(&a)).unwrap_or(Value::Null)))
}

async fn v1(State(st): State<AppState>) -> ApiResult<Json<Value>> {
    let stats = st.core.stats().await?;
    let types = palisade_core::media::supported_mime_types(&st.core).await;
    Ok(Json(instance_v1(
        &st.core.settings,
        &stats,
        contact(&st).await?,
        &types,
    )))
}

async fn v2(State(st): State<AppState>) -> ApiResult<Json<Value>> {
    let stats = st.core.stats().await?;
    let vapid = st.core.vapid_public_key();
    let types = palisade_core::media::supported_mime_types(&st.core).await;
    Ok(Json(instance_v2(
        &st.core.settings,
        &stats,
        contact(&st).await?,
        &vapid,
        &types,
    )))
}

async fn peers(State(st): State<AppState>) -> ApiResult<Json<Vec<String>>> {
    Ok(Json(st.core.peers().await?))
}

async fn activity(State(st): State<AppState>) -> ApiResult<Json<Value>> {
    let weeks = st.core.weekly_activity().await?;
    Ok(Json(Value::Array(
        weeks
            .iter()
            .map(|w| {
                json!({
                    "week": w.week.to_string(),
                    "statuses": w.statuses.to_string(),
                    "logins": w.logins.to_string(),
                    "registrations": w.registrations.to_string(),
                })
            })
            .collect(),
    )))
}

async fn instance_rules(State(st): State<AppState>) -> Json<Vec<Value>> {
    Json(rules(&st.core.settings))
}

async fn extended_description(State(st): State<AppState>) -> Json<Value> {
    Json(
        json!({"updated_at": Value::Null, "content": palisade_core::content::escape(&st.core.settings.instance.description)}),
    )
}

/// This instance's custom emoji, with their categories.
async fn custom_emojis(State(st): State<AppState>) -> ApiResult<Json<Vec<crate::entities::CustomEmoji>>> {
    let urls = st.core.urls();
    Ok(Json(
        st.core
            .custom_emojis()
            .await?
            .iter()
            .filter_map(|e| crate::entities::custom_emoji(e, &urls, true))
            .collect(),
    ))
}

/// The instance's published block list, as the visibility setting allows (404 otherwise,
/// as Mastodon answers when it is hidden).
async fn domain_blocks(
    State(st): State<AppState>,
    auth: crate::extract::MaybeAuth,
) -> ApiResult<Json<Vec<Value>>> {
    let signed_in = auth.0.as_ref().is_some_and(|v| v.account.is_some());
    let list = st
        .core
        .public_blocklist(signed_in)
        .await?
        .ok_or_else(crate::error::ApiError::not_found)?;
    Ok(Json(
        list.iter()
            .map(|b| {
                json!({
                    "domain": palisade_core::blocklists::public_domain(b),
                    "digest": palisade_core::secrets::hash_token(&b.domain),
                    "severity": b.severity,
                    "comment": b.public_comment,
                })
            })
            .collect(),
    ))
}

/// The languages statuses may declare: ISO 639-1 codes with their English names.
async fn languages() -> Json<Vec<Value>> {
    Json(
        palisade_core::languages::ALL
            .iter()
            .map(|(code, name)| json!({"code": code, "name": name}))
            .collect(),
    )
}

/// Translation is not offered: no language pairs.
async fn translation_languages() -> Json<Value> {
    Json(json!({}))
}
