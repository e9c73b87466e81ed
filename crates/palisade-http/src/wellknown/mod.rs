//! NodeInfo and the static files every Mastodon-compatible server has.

mod nodeinfo;
mod webfinger;

use axum::http::header;

use crate::routes::{Routes, get, public};

const AVATAR: &[u8] = include_bytes!("../../assets/missing-avatar.png");
const HEADER: &[u8] = include_bytes!("../../assets/missing-header.png");

pub fn routes() -> Routes {
    Routes::new()
        .route("/.well-known/nodeinfo", get(public(), nodeinfo::links))
        .route("/.well-known/webfinger", get(public(), webfinger::webfinger))
        .route("/.well-known/host-meta", get(public(), webfinger::host_meta))
        .route("/nodeinfo/2.0", get(public(), nodeinfo::v2_0))
        .route("/nodeinfo/2.1", get(public(), nodeinfo::v2_1))
        .route(
            "/avatars/original/missing.png",
            get(public(), || async {
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
            get(public(), || async {
                (
                    [
                        (header::CONTENT_TYPE, "image/png"),
                        (header::CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    HEADER,
                )
            }),
        )
        .route("/health", get(public(), || async { "OK" }))
}
