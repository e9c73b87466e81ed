//! `/api/v1/admin/domain_blocks` (Mastodon's admin API), with Palisade's impact preview and
//! CSV export and import.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use palisade_core::model::DomainBlock;
use palisade_core::moderation::{BlockParams, parse_severity};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin;
use crate::entities::iso;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::routes::{Routes, admins, get, moderators, post};
use crate::{AppState, de};

const READ: &[&str] = &["admin:read:domain_blocks"];
const WRITE: &[&str] = &["admin:write:domain_blocks"];

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v1/admin/domain_blocks",
            get(moderators(READ), list).post(admins(WRITE), create),
        )
        .route(
            "/api/v1/admin/domain_blocks/preview",
            get(moderators(READ), preview),
        )
        .route(
            "/api/v1/admin/domain_blocks/export",
            get(moderators(READ), export),
        )
        .route("/api/v1/admin/domain_blocks/import", post(admins(WRITE), import))
        .route(
            "/api/v1/admin/domain_blocks/{id}",
            get(moderators(READ), show)
                .put(admins(WRITE), update)
                .delete(admins(WRITE), remove),
        )
}

/// SHA-256 of the domain, hex: lets others check a list without reading obfuscated names.
pub fn digest(domain: &str) -> String {
    palisade_core::secrets::hash_token(domain)
}

pub fn block_json(b: &DomainBlock) -> Value {
    json!({
        "id": b.id.to_string(),
        "domain": b.domain,
        "digest": digest(&b.domain),
        "created_at": iso(b.created_at),
        "severity": b.severity,
        "reject_media": b.reject_media,
        "reject_reports": b.reject_reports,
        "private_comment": b.private_comment,
        "public_comment": b.public_comment,
        "obfuscate": b.obfuscate,
        "expires_at": b.expires_at.map(iso),
    })
}

/// Fields not given stay as they are (update) or take Mastodon's defaults (create).
#[derive(Deserialize)]
struct BlockForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    severity: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    reject_media: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    reject_reports: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    private_comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    public_comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    obfuscate: Option<bool>,
    /// Seconds until the block lifts by itself (Palisade); 0 removes an expiry.
    #[serde(default, deserialize_with = "de::opt_i64")]
    expires_in: Option<i64>,
}

impl BlockForm {
    fn params(self) -> palisade_core::Result<BlockParams> {
        Ok(BlockParams {
            domain: self.domain.unwrap_or_default(),
            severity: self.severity.as_deref().map(parse_severity).transpose()?,
            reject_media: self.reject_media,
            reject_reports: self.reject_reports,
            private_comment: self.private_comment,
            public_comment: self.public_comment,
            obfuscate: self.obfuscate,
            expires_in: self.expires_in,
        })
    }
}

async fn list(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    admin(auth, READ, false)?;
    Ok(Json(
        st.core
            .domain_blocks_admin()
            .await?
            .iter()
            .map(block_json)
            .collect(),
    ))
}

async fn show(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    admin(auth, READ, false)?;
    Ok(Json(block_json(&st.core.domain_block(de::path_id(&id)?).await?)))
}

async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<BlockForm>,
) -> ApiResult<Json<Value>> {
    let viewer = admin(auth, WRITE, true)?;
    let block = st
        .core
        .create_domain_block(viewer.account.as_ref().map(|a| a.id), p.params()?)
        .await?;
    Ok(Json(block_json(&block)))
}

async fn update(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(p): Params<BlockForm>,
) -> ApiResult<Json<Value>> {
    let viewer = admin(auth, WRITE, true)?;
    let block = st
        .core
        .update_domain_block(
            viewer.account.as_ref().map(|a| a.id),
            de::path_id(&id)?,
            p.params()?,
        )
        .await?;
    Ok(Json(block_json(&block)))
}

/// Lifts a block; answers `{}` as Mastodon does (what was restored is in the audit log).
async fn remove(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = admin(auth, WRITE, true)?;
    st.core
        .delete_domain_block(viewer.account.as_ref().map(|a| a.id), de::path_id(&id)?)
        .await?;
    Ok(Json(json!({})))
}

#[derive(Deserialize)]
struct PreviewQuery {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    severity: Option<String>,
}

/// What a block would touch, deduplicated, before it is confirmed.
async fn preview(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<PreviewQuery>,
) -> ApiResult<Json<Value>> {
    admin(auth, READ, false)?;
    let preview = st
        .core
        .preview_domain_block(
            p.domain.as_deref().unwrap_or(""),
            parse_severity(p.severity.as_deref().unwrap_or("suspend"))?,
        )
        .await?;
    Ok(Json(serde_json::to_value(preview).unwrap_or(Value::Null)))
}

async fn export(State(st): State<AppState>, auth: Auth) -> ApiResult<Response> {
    admin(auth, READ, false)?;
    let csv = st.core.export_instance_blocklist().await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response())
}

#[derive(Deserialize)]
struct ImportForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    data: Option<String>,
    #[serde(default, deserialize_with = "de::bool")]
    dry_run: bool,
}

async fn import(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<ImportForm>,
) -> ApiResult<Json<Value>> {
    let viewer = admin(auth, WRITE, true)?;
    let csv = p.data.as_deref().unwrap_or("");
    if p.dry_run {
        // The preview: each line's impact, and the suspensions' together.
        let preview = st.core.preview_blocklist_import(csv).await?;
        return Ok(Json(json!({
            "dry_run": true,
            "lines": preview.lines,
            "suspensions": preview.suspensions,
        })));
    }
    let report = st
        .core
        .import_instance_blocklist(viewer.account.as_ref().map(|a| a.id), csv, false)
        .await?;
    Ok(Json(json!({"dry_run": false, "lines": report})))
}
