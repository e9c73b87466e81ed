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

#[derive(serde::Deserialize)]
pub struct Many {
    #[serde(default, deserialize_with = "de::string_list")]
    id: Vec<String>,
}

/// `GET /api/v1/statuses?id[]=…`: those the viewer may see, in the order asked.
pub async fn many(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Params(p): Params<Many>,
) -> ApiResult<Json<Vec<Status>>> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let ids: Vec<i64> =
        p.id.iter()
            .filter_map(|i| i.trim().parse().ok())
            .take(20)
            .collect();
    let views = st
        .core
        .visible_statuses(viewer_account(viewer.as_ref()), &ids)
        .await?;
    Ok(Json(st.statuses_json(&views, viewer.as_ref())))
}

/// No translation service is configured on this server: a clear 503.
pub async fn translate(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let viewer = auth.scoped(&["read:statuses"])?;
    st.core
        .status_view(viewer.account.as_ref(), de::path_id(&id)?)
        .await?;
    Ok((
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"error": "no translation service configured"})),
    )
        .into_response())
}
