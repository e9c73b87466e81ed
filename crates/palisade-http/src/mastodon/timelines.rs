//! `/api/v1/timelines/home|public|tag/:hashtag|link`.

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use palisade_core::model::Origin;
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::{Auth, MaybeAuth, Params};
use crate::pagination::PageParams;
use crate::render::viewer_account;
use crate::routes::{Routes, get, optional, scopes::RS, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/timelines/home", get(token(RS), home))
        .route("/api/v1/timelines/public", get(optional(RS), public))
        .route("/api/v1/timelines/tag/{hashtag}", get(optional(RS), tag))
        .route("/api/v1/timelines/link", get(optional(RS), link))
}

async fn home(
    State(st): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let page = p.query(20, 40);
    let result = st.core.home_timeline(&viewer, &page).await?;
    Ok(st.status_page(&uri, &page, result, Some(&viewer)))
}

#[derive(Deserialize)]
struct PublicParams {
    #[serde(default, deserialize_with = "de::bool")]
    local: bool,
    #[serde(default, deserialize_with = "de::bool")]
    remote: bool,
    #[serde(default, deserialize_with = "de::bool")]
    only_media: bool,
    #[serde(flatten)]
    page: PageParams,
}

async fn public(
    State(st): State<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PublicParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let page = p.page.query(20, 40);
    let origin = match (p.local, p.remote) {
        (true, _) => Origin::Local,
        (false, true) => Origin::Remote,
        _ => Origin::All,
    };
    let result = st
        .core
        .public_timeline(viewer_account(viewer.as_ref()), origin, p.only_media, &page)
        .await?;
    Ok(st.status_page(&uri, &page, result, viewer.as_ref()))
}

/// A hashtag timeline's parameters: those of the public one, and further tags.
#[derive(Deserialize)]
struct TagParams {
    #[serde(default, deserialize_with = "de::string_list")]
    any: Vec<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    all: Vec<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    none: Vec<String>,
    #[serde(flatten)]
    public: PublicParams,
}

async fn tag(
    State(st): State<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Path(hashtag): Path<String>,
    Params(t): Params<TagParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let p = &t.public;
    let page = p.page.query(20, 40);
    let local = match (p.local, p.remote) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    let more = palisade_core::timelines::MoreTags {
        any: t.any,
        all: t.all,
        none: t.none,
    };
    let result = st
        .core
        .tag_timeline(viewer_account(viewer.as_ref()), &hashtag, &more, local, &page)
        .await?;
    Ok(st.status_page(&uri, &page, result, viewer.as_ref()))
}

#[derive(Deserialize)]
struct LinkParams {
    #[serde(default)]
    url: String,
    #[serde(flatten)]
    page: PageParams,
}

/// Statuses sharing a link (by its preview card); 404 for a link unknown here.
async fn link(
    State(st): State<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<LinkParams>,
) -> ApiResult<Response> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let page = p.page.query(20, 40);
    let result = st
        .core
        .link_timeline(viewer_account(viewer.as_ref()), &p.url, &page)
        .await?;
    Ok(st.status_page(&uri, &page, result, viewer.as_ref()))
}
