//! `GET /users/:name/statuses/:id` and `/@:name/:id`: a Note, a Tombstone, or the page.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use palisade_federation::publish::Published;

use super::{activity_json, check_fetch, fed_error, wants_activity_json};
use crate::AppState;

pub async fn status(
    st: State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    Path((name, id)): Path<(String, String)>,
) -> Response {
    if !wants_activity_json(&headers) {
        return Redirect::to(&format!("/@{name}/{id}")).into_response();
    }
    note(st, uri, headers, name, id).await
}

pub async fn status_page(
    st: State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    Path((name, id)): Path<(String, String)>,
) -> Response {
    if wants_activity_json(&headers) {
        return note(st, uri, headers, name, id).await;
    }
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match st.0.core.status_view(None, id).await {
        Ok(v) if v.account.username == name && v.status.local => Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{user}</title>\
             <link rel=\"alternate\" type=\"application/activity+json\" href=\"{uri}\"></head><body>{content}</body></html>",
            user = palisade_core::content::escape(&name),
            uri = palisade_core::content::escape(&v.status.uri),
            content = v.status.content_html,
        ))
        .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn note(
    State(st): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    name: String,
    id: String,
) -> Response {
    if let Err(r) = check_fetch(&st, &Method::GET, &uri, &headers, &name).await {
        return r;
    }
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match st.fed.note_document(&name, id).await {
        Ok(Published::Found(doc)) => activity_json(StatusCode::OK, doc),
        Ok(Published::Gone(doc)) => activity_json(StatusCode::GONE, doc),
        Ok(Published::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => fed_error(e),
    }
}
