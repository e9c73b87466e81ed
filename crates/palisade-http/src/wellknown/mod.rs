//! NodeInfo and the static files every Mastodon-compatible server has.

mod nodeinfo;
mod webfinger;

use axum::Router;
use axum::http::header;
use axum::routing::get;

use crate::AppState;

const AVATAR: &[u8] = include_bytes!("../../assets/missing-avatar.png");
const HEADER: &[u8] = include_bytes!("../../assets/missing-header.png");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/nodeinfo", get(nodeinfo::links))
        .route("/.well-known/webfinger", get(webfinger::webfinger))
        .route("/.well-known/host-meta", get(webfinger::host_meta))
        .route("/nodeinfo/2.0", get(nodeinfo::v2_0))
        .route("/nodeinfo/2.1", get(nodeinfo::v2_1))
        .route(
            "/avatars/original/missing.png",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "image/png"),
                        (header::CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    AVATAR,
                )
            }),
        )
        .route(
            "/headers/original/missing.png",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "image/png"),
                        (header::CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    HEADER,
                )
            }),
        )
        .route("/health", get(|| async { "OK" }))
}
