//! `/api/v1/tags/:name` (with follow/unfollow) and `/api/v1/followed_tags`.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use palisade_core::tags::TagView;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, MaybeAuth, Params};
use crate::pagination::PageParams;
use crate::render::viewer_account;
use crate::routes::{Routes, get, optional, post, scopes::WRITE_FOLLOWS, token};

pub fn routes() -> Routes {
    Routes::new()
        // Mastodon asks for no scope to read a tag.
        .route("/api/v1/tags/{name}", get(optional(&[]), show))
        .route("/api/v1/tags/{name}/follow", post(token(WRITE_FOLLOWS), follow))
        .route(
            "/api/v1/tags/{name}/unfollow",
            post(token(WRITE_FOLLOWS), unfollow),
        )
        .route(
            "/api/v1/tags/{name}/feature",
            post(token(&["write:accounts"]), feature),
        )
        .route(
            "/api/v1/tags/{name}/unfeature",
            post(token(&["write:accounts"]), unfeature),
        )
        .route(
            "/api/v1/followed_tags",
            get(token(&["read:follows", "follow"]), followed),
        )
}

pub(super) fn tag_json(st: &AppState, t: &TagView) -> Value {
    json!({
        "id": if t.tag.id == 0 { String::new() } else { t.tag.id.to_string() },
        "name": t.tag.name,
        "url": st.core.urls().tag(&t.tag.name),
        "history": t.history.iter().map(|(day, uses, accounts)| json!({
            "day": (day / 1000).to_string(), "uses": uses.to_string(), "accounts": accounts.to_string(),
        })).collect::<Vec<_>>(),
        "following": t.following,
        "featuring": t.featuring,
    })
}

async fn show(
    State(st): State<AppState>,
    auth: MaybeAuth,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    // Mastodon asks for no scope here.
    let viewer = auth.0;
    let tag = st.core.tag_view(viewer_account(viewer.as_ref()), &name).await?;
    Ok(Json(tag_json(&st, &tag)))
}

async fn follow(State(st): State<AppState>, auth: Auth, Path(name): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:follows", "follow"])?;
    let tag = st.core.set_tag_followed(&viewer, &name, true).await?;
    Ok(Json(tag_json(&st, &tag)))
}

async fn unfollow(
    State(st): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:follows", "follow"])?;
    let tag = st.core.set_tag_followed(&viewer, &name, false).await?;
    Ok(Json(tag_json(&st, &tag)))
}

async fn feature(State(st): State<AppState>, auth: Auth, Path(name): Path<String>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    let tag = st.core.set_tag_featured(&viewer, &name, true).await?;
    Ok(Json(tag_json(&st, &tag)))
}

async fn unfeature(
    State(st): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:accounts"])?;
    let tag = st.core.set_tag_featured(&viewer, &name, false).await?;
    Ok(Json(tag_json(&st, &tag)))
}

async fn followed(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:follows", "follow"])?;
    let page = p.query(100, 200);
    let rows = st.core.followed_tags(&viewer, &page).await?;
    let keys = rows.keys();
    let full = keys.len() as i64 >= page.limit;
    let mut items = Vec::with_capacity(rows.items.len());
    for (_, tag) in rows.items {
        let view = st.core.tag_view(viewer.account.as_ref(), &tag.name).await?;
        items.push(tag_json(&st, &view));
    }
    Ok(st.paged(
        &uri,
        &page,
        items,
        (keys.first().copied(), keys.last().copied()),
        full,
    ))
}
