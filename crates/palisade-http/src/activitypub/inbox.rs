//! `POST /inbox`, `/users/:name/inbox`, `/actor/inbox`: 202 once the signature verifies and
//! the activity is stored; 401 for a bad signature; 4xx for bad input; never 500.

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{fed_error, signed};
use crate::AppState;

pub async fn shared(
    State(st): State<AppState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    receive(&st, &method, &uri, &headers, &body).await
}

pub async fn personal(
    State(st): State<AppState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    match st.fed.local_by_username(&name).await {
        Ok(Some(_)) => receive(&st, &method, &uri, &headers, &body).await,
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => fed_error(e),
    }
}

async fn receive(
    st: &AppState,
    method: &Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    match st
        .fed
        .accept_delivery(&signed(st, method, uri, headers, body))
        .await
    {
        Ok(_) => StatusCode::ACCEPTED.into_response(),
        Err(e) => fed_error(e),
    }
}
