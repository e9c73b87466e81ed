//! `/.well-known/webfinger` and `/.well-known/host-meta`.

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;

#[derive(Deserialize)]
pub struct Resource {
    resource: Option<String>,
}

pub async fn webfinger(State(st): State<AppState>, Query(q): Query<Resource>) -> Response {
    let Some(resource) = q.resource.filter(|r| !r.is_empty()) else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({"error": "resource is required"})),
        )
            .into_response();
    };
    match st.fed.webfinger_document(&resource).await {
        Ok(Some(doc)) => (
            [(header::CONTENT_TYPE, "application/jrd+json; charset=utf-8")],
            axum::Json(doc),
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => crate::activitypub::fed_error(e),
    }
}

pub async fn host_meta(State(st): State<AppState>) -> Response {
    let base = &st.core.settings.public_url;
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  \
         <Link rel=\"lrdd\" template=\"{base}/.well-known/webfinger?resource={{uri}}\"/>\n</XRD>\n"
    );
    (
        [(header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}
