//! `GET /users/:name/statuses/:id` and `/@:name/:id`: a Note, a Tombstone, or the page.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
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
        // Built from what is stored, never from the raw path (see `actor::show`).
        return match (st.fed.local_by_username(&name).await, id.parse::<i64>()) {
            (Ok(Some(a)), Ok(id)) => Redirect::to(&format!("/@{}/{id}", a.username)).into_response(),
            (Err(e), _) => fed_error(e),
            _ => StatusCode::NOT_FOUND.into_response(),
        };
    }
    note(st, uri, headers, name, id).await
}

/// The Note for an ActivityPub client asking at `/@name/:id` (the page is `web::profile`).
pub async fn page_json(
    st: &AppState,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    name: &str,
    id: &str,
) -> Response {
    note(
        State(st.clone()),
        OriginalUri(uri.clone()),
        headers.clone(),
        name.to_owned(),
        id.to_owned(),
    )
    .await
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
