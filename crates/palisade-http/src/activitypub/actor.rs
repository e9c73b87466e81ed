//! `GET /users/:name`, `/@:name`, `/actor`: the actor document, or the profile page.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use palisade_core::content::escape;

use super::{activity_json, check_fetch, fed_error, wants_activity_json};
use crate::AppState;

pub async fn show(
    State(st): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if !wants_activity_json(&headers) {
        return Redirect::to(&format!("/@{name}")).into_response();
    }
    actor_json(&st, &uri, &headers, &name).await
}

pub async fn profile(
    State(st): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if wants_activity_json(&headers) {
        return actor_json(&st, &uri, &headers, &name).await;
    }
    match st.fed.local_by_username(&name).await {
        Ok(Some(a)) if a.actor_type == "Person" => Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{name} (@{user}@{domain})</title>\
             <link rel=\"alternate\" type=\"application/activity+json\" href=\"{uri}\"></head>\
             <body><h1>{name}</h1><p>@{user}@{domain}</p>{note}</body></html>",
            name = escape(if a.display_name.is_empty() { &a.username } else { &a.display_name }),
            user = escape(&a.username),
            domain = escape(&st.core.settings.domain),
            uri = escape(&a.uri),
            note = a.note_html,
        ))
        .into_response(),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => fed_error(e),
    }
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
