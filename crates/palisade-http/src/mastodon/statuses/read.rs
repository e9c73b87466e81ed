//! Reading statuses: show, context, history, source, who favourited or boosted.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use crate::entities::{Status, StatusEdit, status_edit};
use crate::error::ApiResult;
use crate::extract::{Auth, MaybeAuth, Params};
use crate::pagination::PageParams;
use crate::render::viewer_account;
use crate::{AppState, de};

pub async fn show(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<Status>> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let view = st
        .core
        .status_view(viewer_account(viewer.as_ref()), de::path_id(&id)?)
        .await?;
    Ok(Json(st.status_json(&view, viewer.as_ref())))
}

pub async fn context(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let ctx = st
        .core
        .status_context(viewer_account(viewer.as_ref()), de::path_id(&id)?)
        .await?;
    Ok(Json(json!({
        "ancestors": st.statuses_json(&ctx.ancestors, viewer.as_ref()),
        "descendants": st.statuses_json(&ctx.descendants, viewer.as_ref()),
    })))
}

pub async fn history(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<StatusEdit>>> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let (view, edits) = st
        .core
        .status_history(viewer_account(viewer.as_ref()), de::path_id(&id)?)
        .await?;
    let urls = st.core.urls();
    let expose = st.core.settings.media.expose_remote_url;
    let emojis: Vec<_> = view
        .emojis
        .iter()
        .filter_map(|e| crate::entities::custom_emoji(e, &urls, false))
        .collect();
    Ok(Json(
        edits
            .iter()
            .map(|(e, media)| {
                let emojis = emojis
                    .iter()
                    .map(|c| crate::entities::CustomEmoji {
                        shortcode: c.shortcode.clone(),
                        url: c.url.clone(),
                        static_url: c.static_url.clone(),
                        visible_in_picker: c.visible_in_picker,
                        category: None,
                    })
                    .collect();
                status_edit(e, media, emojis, st.account_json(&view.account), &urls, expose)
            })
            .collect(),
    ))
}

/// `GET /api/v1/statuses/:id/card` (deprecated): the card, or `{}` without one.
pub async fn card(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let card = st
        .core
        .status_card(viewer_account(viewer.as_ref()), de::path_id(&id)?)
        .await?;
    Ok(Json(
        card.map(|c| crate::entities::preview_card(&c, &st.core.urls()))
            .unwrap_or_else(|| serde_json::json!({})),
    ))
}

pub async fn source(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let view = st
        .core
        .status_view(viewer.account.as_ref(), de::path_id(&id)?)
        .await?;
    Ok(Json(json!({
        "id": view.status.id.to_string(),
        "text": view.status.text_source,
        "spoiler_text": view.status.spoiler_text,
    })))
}

pub async fn favourited_by(
    st: State<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    id: Path<String>,
    p: Params<PageParams>,
) -> ApiResult<Response> {
    audience(st, auth, uri, id, p, false).await
}

pub async fn reblogged_by(
    st: State<AppState>,
    auth: MaybeAuth,
    uri: OriginalUri,
    id: Path<String>,
    p: Params<PageParams>,
) -> ApiResult<Response> {
    audience(st, auth, uri, id, p, true).await
}

async fn audience(
    State(st): State<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Params(p): Params<PageParams>,
    boosts: bool,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:accounts"])?;
    let page = p.query(40, 80);
    let rows = st
        .core
        .status_audience(viewer_account(viewer.as_ref()), de::path_id(&id)?, boosts, &page)
        .await?;
    st.account_page(&uri, &page, rows).await
}
