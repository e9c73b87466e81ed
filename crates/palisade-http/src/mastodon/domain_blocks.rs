//! `/api/v1/domain_blocks` (a member's own), its preview, CSV export and import, and
//! `/api/v1/severed_relationships`.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use palisade_core::domain_blocks::ImportMode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entities::iso;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Params};
use crate::pagination::PageParams;
use crate::routes::{
    Routes, get, post,
    scopes::{READ_BLOCKS, WRITE_BLOCKS},
    token,
};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v1/domain_blocks",
            get(token(READ_BLOCKS), list)
                .post(token(WRITE_BLOCKS), block)
                .delete(token(WRITE_BLOCKS), unblock),
        )
        .route("/api/v1/domain_blocks/preview", get(token(READ_BLOCKS), preview))
        .route("/api/v1/domain_blocks/export", get(token(READ_BLOCKS), export))
        .route("/api/v1/domain_blocks/import", post(token(WRITE_BLOCKS), import))
        .route(
            "/api/v1/severed_relationships",
            get(token(&["read:follows", "follow"]), severed),
        )
}

#[derive(Deserialize)]
struct Domain {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
}

fn domain_of(p: Domain) -> ApiResult<String> {
    p.domain.filter(|d| !d.trim().is_empty()).ok_or_else(|| {
        ApiError(palisade_core::Error::field(
            "domain",
            "ERR_BLANK",
            "can't be blank",
        ))
    })
}

async fn list(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:blocks", "follow"])?;
    let page = p.query(100, 200);
    let rows = st.core.domain_blocks(&viewer, &page).await?;
    let keys = rows.keys();
    let full = keys.len() as i64 >= page.limit;
    let domains: Vec<String> = rows.items.into_iter().map(|(_, d)| d).collect();
    Ok(st.paged(
        &uri,
        &page,
        domains,
        (keys.first().copied(), keys.last().copied()),
        full,
    ))
}

async fn block(State(st): State<AppState>, auth: Auth, Params(p): Params<Domain>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:blocks", "follow"])?;
    st.core.block_domain(&viewer, &domain_of(p)?).await?;
    Ok(Json(json!({})))
}

async fn unblock(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Domain>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:blocks", "follow"])?;
    st.core.unblock_domain(&viewer, &domain_of(p)?).await?;
    Ok(Json(json!({})))
}

/// What blocking would sever, for the confirmation prompt (deduplicated counts).
async fn preview(
    State(st): State<AppState>,
    auth: Auth,
    Params(p): Params<Domain>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:blocks", "follow"])?;
    let preview = st.core.domain_block_preview(&viewer, &domain_of(p)?).await?;
    Ok(Json(
        json!({"following_count": preview.following_count, "followers_count": preview.followers_count}),
    ))
}

/// Mastodon's export format: one domain per line.
async fn export(State(st): State<AppState>, auth: Auth) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:blocks", "follow"])?;
    let csv = st.core.export_domain_blocks(&viewer).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"domain_blocks.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

#[derive(Deserialize)]
struct Import {
    #[serde(default, deserialize_with = "de::opt_string")]
    data: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    mode: Option<String>,
}

/// Imports a CSV of domains (`mode=merge`, the default, or `overwrite`).
async fn import(State(st): State<AppState>, auth: Auth, Params(p): Params<Import>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:blocks", "follow"])?;
    let mode = match p.mode.as_deref() {
        None | Some("merge") => ImportMode::Merge,
        Some("overwrite") => ImportMode::Overwrite,
        Some(_) => {
            return Err(ApiError(palisade_core::Error::field(
                "mode",
                "ERR_INVALID",
                "must be merge or overwrite",
            )));
        }
    };
    let (blocked, skipped) = st
        .core
        .import_domain_blocks(&viewer, p.data.as_deref().unwrap_or(""), mode)
        .await?;
    Ok(Json(json!({"imported": blocked, "skipped": skipped})))
}

/// Mastodon's RelationshipSeveranceEvent.
pub fn severance_json(s: &palisade_core::model::MemberSeverance) -> Value {
    json!({
        "id": s.event.id.to_string(),
        "type": s.event.kind,
        "purged": s.event.purged,
        "target_name": s.event.target_name,
        "followers_count": s.followers_count,
        "following_count": s.following_count,
        "created_at": iso(s.event.created_at),
    })
}

async fn severed(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:follows", "follow"])?;
    let page = p.query(40, 80);
    let rows = st.core.severed_relationships(&viewer, &page).await?;
    let keys = rows.keys();
    let full = keys.len() as i64 >= page.limit;
    let items: Vec<Value> = rows.items.iter().map(|(_, s)| severance_json(s)).collect();
    Ok(st.paged(
        &uri,
        &page,
        items,
        (keys.first().copied(), keys.last().copied()),
        full,
    ))
}
