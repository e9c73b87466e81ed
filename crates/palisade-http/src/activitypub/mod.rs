//! ActivityPub over HTTP: actors, objects and collections (content-negotiated), inboxes.

mod actor;
mod collections;
mod emojis;
mod inbox;
mod objects;

use axum::body::Bytes;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use palisade_federation::FedError;
use palisade_federation::signatures::{SigError, SignedRequest};
use serde_json::{Value, json};

use crate::AppState;
use crate::routes::{self, Routes, get, post, public};

pub fn routes() -> Routes {
    Routes::new()
        .route("/users/{name}", get(public(), actor::show))
        .route("/actor", get(public(), actor::instance))
        .route("/users/{name}/statuses/{id}", get(public(), objects::status))
        .route("/users/{name}/outbox", get(public(), collections::outbox))
        .route("/users/{name}/followers", get(public(), collections::followers))
        .route("/users/{name}/following", get(public(), collections::following))
        .route(
            "/users/{name}/collections/featured",
            get(public(), collections::featured),
        )
        .route("/users/{name}/inbox", post(routes::signed(), inbox::personal))
        .route("/inbox", post(routes::signed(), inbox::shared))
        .route("/actor/inbox", post(routes::signed(), inbox::shared))
        .route("/emojis/{id}", get(public(), emojis::show))
}

pub use actor::page_json as actor_page_json;
pub use objects::page_json as note_page_json;

/// Whether the client asked for ActivityStreams rather than a web page.
pub fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/activity+json") || a.contains("application/ld+json"))
}

/// An ActivityStreams document with its content type.
pub fn activity_json(status: StatusCode, doc: Value) -> Response {
    let mut r = (status, axum::Json(doc)).into_response();
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/activity+json; charset=utf-8"),
    );
    r.headers_mut()
        .insert("vary", HeaderValue::from_static("Accept, Signature"));
    r
}

/// Federation errors as HTTP: bad signatures 401 (Fedify then retries with the other
/// scheme), bad input 400, refusals 403; never a 500 for what a peer sent.
pub(crate) fn fed_error(e: FedError) -> Response {
    if matches!(e, FedError::Signature(_)) {
        palisade_core::guard_counters::refused(palisade_core::guard_counters::Refusal::Signature);
    }
    let e = match e {
        // Each core error keeps its own status: an unreachable database is a 503 with
        // `Retry-After` (the peer delivers again), not a 500.
        FedError::Core(c) => return crate::error::ApiError(c).into_response(),
        other => other,
    };
    let (status, message) = match &e {
        FedError::Signature(SigError::Missing) => (StatusCode::UNAUTHORIZED, "Request not signed".to_owned()),
        FedError::Signature(s) => (StatusCode::UNAUTHORIZED, s.to_string()),
        FedError::Invalid(m) => (StatusCode::BAD_REQUEST, m.clone()),
        FedError::Refused(m) => (StatusCode::FORBIDDEN, m.clone()),
        FedError::Fetch(f) => (StatusCode::BAD_REQUEST, f.message.clone()),
        FedError::Core(_) => (StatusCode::INTERNAL_SERVER_ERROR, String::new()),
    };
    tracing::debug!(%status, %message, "federation request refused");
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// The parts of a request that signatures cover.
pub fn signed<'a>(
    st: &'a AppState,
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    body: &'a Bytes,
) -> SignedRequest<'a> {
    let authority = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or(st.core.settings.domain.as_str());
    let scheme = if st.core.settings.public_url.starts_with("https://") {
        "https"
    } else {
        "http"
    };
    SignedRequest {
        method: method.as_str(),
        path_and_query: uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"),
        authority,
        scheme,
        headers,
        body,
    }
}

/// With authorized fetch on, a GET must be signed by a server we can verify, and that
/// server may read `owner`'s documents (not refused by the instance, not blocked by the
/// owner). Without it, GETs are public.
pub async fn check_fetch(
    st: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    owner: &str,
) -> Result<(), Response> {
    let body = Bytes::new();
    if !st.fed.config.authorized_fetch {
        // Public documents; a signature from a refused domain is still turned away.
        let req = signed(st, method, uri, headers, &body);
        return match palisade_federation::signatures::inspect(&req, std::time::SystemTime::now()) {
            Ok(found) => st
                .fed
                .refuse_signer_domain(&found.key_id)
                .await
                .map_err(fed_error),
            Err(_) => Ok(()),
        };
    }
    let signer = st
        .fed
        .verify_request(&signed(st, method, uri, headers, &body))
        .await
        .map_err(fed_error)?;
    match st.fed.fetch_allowed(owner, &signer).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(StatusCode::NOT_FOUND.into_response()),
        Err(e) => Err(fed_error(e)),
    }
}
