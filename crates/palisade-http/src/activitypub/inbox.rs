//! `POST /inbox`, `/users/:name/inbox`, `/actor/inbox`: 202 once the signature verifies and
//! the activity is stored; 401 for a bad signature; 4xx for bad input; never 500.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{fed_error, signed};
use crate::AppState;
use crate::error::ApiError;

/// The body, or the JSON error for one over the limit (413) or cut short (400).
fn body_or_error(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large()
        } else {
            ApiError::bad_request(format!("Could not read the request body: {e}"))
        }
    })
}

pub async fn shared(
    State(st): State<AppState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match body_or_error(body) {
        Ok(body) => receive(&st, &method, &uri, &headers, &body).await,
        Err(e) => e.into_response(),
    }
}

pub async fn personal(
    State(st): State<AppState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body_or_error(body) {
        Ok(body) => body,
        Err(e) => return e.into_response(),
    };
    match st.fed.local_by_username(&name).await {
        Ok(Some(_)) => receive(&st, &method, &uri, &headers, &body).await,
        Ok(None) => ApiError::not_found().into_response(),
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
