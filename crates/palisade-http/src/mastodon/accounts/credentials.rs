//! `GET /api/v1/accounts/verify_credentials`, `PATCH /api/v1/accounts/update_credentials`.

use axum::Json;
use axum::extract::State;
use palisade_core::accounts::ProfileChanges;
use serde::Deserialize;
use serde_json::Value;

use crate::entities::{CredentialAccount, credential_account};
use crate::error::ApiResult;
use crate::extract::{Auth, WithFiles};
use crate::{AppState, de};

pub async fn verify(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<CredentialAccount>> {
    let viewer = auth.scoped(&["read:accounts", "profile"])?;
    let account = viewer.account()?;
    let requests = st.core.pending_follow_requests(&viewer).await?;
    Ok(Json(credential_account(
        account,
        viewer.user()?,
        &st.core.urls(),
        requests,
    )))
}

#[derive(Deserialize)]
pub struct Update {
    #[serde(default, deserialize_with = "de::opt_string")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    note: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    locked: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    bot: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    discoverable: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    indexable: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    hide_collections: Option<bool>,
    /// `fields_attributes[0][name]` … (form) or a list/object of `{name, value}` (JSON).
    #[serde(default)]
    fields_attributes: Option<Value>,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default, deserialize_with = "de::opt_string")]
    avatar_description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    header_description: Option<String>,
    /// Domains allowed to credit this account as an author (Mastodon 4.3).
    #[serde(default, deserialize_with = "de::opt_string_list")]
    attribution_domains: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
struct Source {
    #[serde(default, deserialize_with = "de::opt_string")]
    privacy: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    sensitive: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
}

fn field_pairs(v: Value) -> Vec<(String, String)> {
    let items: Vec<Value> = match v {
        Value::Array(a) => a,
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by_key(|(k, _)| k.parse::<usize>().unwrap_or(usize::MAX));
            entries.into_iter().map(|(_, v)| v).collect()
        }
        _ => Vec::new(),
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_owned();
    items
        .iter()
        .map(|f| (text(f.get("name")), text(f.get("value"))))
        .collect()
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    mut form: WithFiles<Update>,
) -> ApiResult<Json<CredentialAccount>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    let account = viewer.account()?;
    let (avatar, header) = (form.take("avatar"), form.take("header"));
    let p = form.params;
    let source = p.source.unwrap_or_default();
    st.core
        .update_posting_defaults(&viewer, source.privacy, source.sensitive, source.language)
        .await?;
    if let Some(domains) = p.attribution_domains {
        st.core.set_attribution_domains(&viewer, domains).await?;
    }
    let updated = st
        .core
        .update_profile(
            account,
            ProfileChanges {
                avatar,
                header,
                avatar_description: p.avatar_description,
                header_description: p.header_description,
                display_name: p.display_name,
                note: p.note,
                fields: p.fields_attributes.map(field_pairs),
                locked: p.locked,
                bot: p.bot,
                discoverable: p.discoverable,
                indexable: p.indexable,
                hide_collections: p.hide_collections,
            },
        )
        .await?;
    let user = st.core.user_of(&viewer).await?;
    let requests = st.core.pending_follow_requests(&viewer).await?;
    Ok(Json(credential_account(
        &updated,
        &user,
        &st.core.urls(),
        requests,
    )))
}
