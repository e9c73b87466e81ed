//! Outbox, followers, following and featured collections of a local actor.

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{activity_json, check_fetch, fed_error};
use crate::AppState;

#[derive(Deserialize)]
pub struct PageParams {
    page: Option<String>,
    max_id: Option<i64>,
}

enum Which {
    Outbox(Option<i64>),
    Followers,
    Following,
    Featured,
}

async fn collection(
    st: &AppState,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    name: &str,
    which: Which,
) -> Response {
    if let Err(r) = check_fetch(st, &Method::GET, uri, headers, name).await {
        return r;
    }
    let account = match st.fed.local_by_username(name).await {
        Ok(Some(a)) => a,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return fed_error(e),
    };
    let doc = match which {
        Which::Outbox(page) => st.fed.outbox_document(&account, page).await,
        Which::Followers => st.fed.network_document(&account, true).await,
        Which::Following => st.fed.network_document(&account, false).await,
        Which::Featured => st.fed.featured_document(&account).await,
    };
    match doc {
        Ok(d) => activity_json(StatusCode::OK, d),
        Err(e) => fed_error(e),
    }
}

pub async fn outbox(
    State(st): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(p): Query<PageParams>,
) -> Response {
    let page = p
        .page
        .filter(|v| v == "true" || v == "1")
        .map(|_| p.max_id.unwrap_or(0));
    collection(&st, &uri, &headers, &name, Which::Outbox(page)).await
}

pub async fn followers(
    State(st): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    collection(&st, &uri, &headers, &name, Which::Followers).await
}

pub async fn following(
    State(st): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    collection(&st, &uri, &headers, &name, Which::Following).await
}

pub async fn featured(
    State(st): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    collection(&st, &uri, &headers, &name, Which::Featured).await
}
