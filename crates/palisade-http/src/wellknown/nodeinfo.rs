//! NodeInfo 2.0 and 2.1, with the `metadata` object that megalodon requires.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use palisade_core::settings::Registrations;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;

pub async fn links(State(st): State<AppState>) -> Json<Value> {
    let base = &st.core.settings.public_url;
    Json(json!({
        "links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": format!("{base}/nodeinfo/2.0")},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": format!("{base}/nodeinfo/2.1")},
        ]
    }))
}

async fn document(st: &AppState, version: &str) -> ApiResult<Value> {
    let stats = st.core.stats().await?;
    let s = &st.core.settings;
    let mut software = json!({"name": "palisade", "version": env!("CARGO_PKG_VERSION")});
    if version == "2.1" {
        software["repository"] = json!("https://github.com/palisade-social/palisade");
        software["homepage"] = json!("https://github.com/palisade-social/palisade");
    }
    Ok(json!({
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"outbound": [], "inbound": []},
        "usage": {
            "users": {
                "total": stats.user_count,
                "activeMonth": stats.active_month,
                "activeHalfyear": stats.active_halfyear,
            },
            "localPosts": stats.status_count,
        },
        "openRegistrations": s.registrations == Registrations::Open,
        "metadata": {
            "nodeName": s.instance.title,
            "nodeDescription": s.instance.description,
        },
    }))
}

fn with_profile(body: Value, version: &str) -> Response {
    let ct = format!("application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/{version}#\"");
    ([(header::CONTENT_TYPE, ct)], Json(body)).into_response()
}

pub async fn v2_0(State(st): State<AppState>) -> ApiResult<Response> {
    Ok(with_profile(document(&st, "2.0").await?, "2.0"))
}

pub async fn v2_1(State(st): State<AppState>) -> ApiResult<Response> {
    Ok(with_profile(document(&st, "2.1").await?, "2.1"))
}
