//! The stylesheet and script, embedded in the binary and served with long cache lifetimes
//! under a URL that changes with their content.

use std::sync::LazyLock;

use axum::extract::Query;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../../assets/web/palisade.css");
const JS: &str = include_str!("../../assets/web/palisade.js");

/// FNV-1a of the content, as a short version tag.
fn tag(s: &str) -> String {
    let h = s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:x}", h & 0xffff_ffff)
}

static CSS_TAG: LazyLock<String> = LazyLock::new(|| tag(CSS));
static JS_TAG: LazyLock<String> = LazyLock::new(|| tag(JS));

pub fn css_url() -> String {
    format!("/assets/palisade.css?v={}", *CSS_TAG)
}

pub fn js_url() -> String {
    format!("/assets/palisade.js?v={}", *JS_TAG)
}

#[derive(serde::Deserialize)]
pub struct Version {
    v: Option<String>,
}

fn serve(body: &'static str, content_type: &'static str, current: &str, asked: Option<String>) -> Response {
    let mut resp = (StatusCode::OK, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The versioned URL never changes content; an unversioned one may.
    let cache = if asked.as_deref() == Some(current) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

pub async fn css(Query(v): Query<Version>) -> Response {
    serve(CSS, "text/css; charset=utf-8", &CSS_TAG, v.v)
}

pub async fn js(Query(v): Query<Version>) -> Response {
    serve(JS, "text/javascript; charset=utf-8", &JS_TAG, v.v)
}
