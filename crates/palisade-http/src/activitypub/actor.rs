//! `GET /users/:name`, `/@:name` (for ActivityPub clients), `/actor`: the actor document.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::{activity_json, check_fetch, fed_error, wants_activity_json};
use crate::AppState;

pub async fn show(
    State(st): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if !wants_activity_json(&headers) {
        // To the profile page, under the stored name (never the raw path: it may hold
        // anything, and ends up in a header); an unknown name is a 404 here already.
        return match st.fed.local_by_username(&name).await {
            Ok(Some(a)) => Redirect::to(&format!("/@{}", a.username)).into_response(),
            Ok(None) => StatusCode::NOT_FOUND.into_response(),
            Err(e) => fed_error(e),
        };
    }
    actor_json(&st, &uri, &headers, &name).await
}

/// The actor for an ActivityPub client asking at `/@name` (the web page is `web::profile`).
pub async fn page_json(st: &AppState, uri: &axum::http::Uri, headers: &HeaderMap, name: &str) -> Response {
    actor_json(st, uri, headers, name).await
}

/// The instance actor: served to anyone, signed or not (peers need its key to check our
/// signed fetches, even under authorized fetch).
pub async fn instance(State(st): State<AppState>) -> Response {
    match st.fed.actor_document(&st.fed.instance_actor).await {
        Ok(doc) => activity_json(StatusCode::OK, doc),
        Err(e) => fed_error(e),
    }
}

async fn actor_json(st: &AppState, uri: &axum::http::Uri, headers: &HeaderMap, name: &str) -> Response {
    if let Err(r) = check_fetch(st, &Method::GET, uri, headers, name).await {
        return r;
    }
    match st.fed.local_by_username(name).await {
        Ok(Some(a)) => match st.fed.actor_document(&a).await {
            Ok(doc) => activity_json(StatusCode::OK, doc),
            Err(e) => fed_error(e),
        },
        Ok(None) => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"error": "Record not found"})),
        )
            .into_response(),
        Err(e) => fed_error(e),
    }
}
